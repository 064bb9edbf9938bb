"""Deterministic generator of synthetic claim bases, for benchmarks and tests.

A generated base imitates a real one of the kind described in DESIGN §1 and docs/note-format.md:
mostly `claim` notes spread over domain folders, plus `source`, `entity` and `musing` notes and one
`_map` topic map per folder (so `_map` is a file name shared by many folders). Titles are long
propositions, some with accents and some of those stored on disk in NFD form. Bodies have a
realistic length distribution and the constructs a parser must get right: `## Evidence`,
`## Challenges`, `### ... (challenge|confirm|extend)` blocks, `Relevant Notes:` and `Topics:` lists,
aliased and heading links, and `[[...]]` inside code and HTML comments that are not links. The link
graph has a heavy-tailed in-degree and a share of links to claims that were never written.

A configurable share of files carries one defect each (bad dates, values outside the enum, YAML
errors, template placeholders, missing fields, binary and non-UTF-8 content, BOM + CRLF, depends_on
cycles, self-links, duplicate names); every defective file is listed in `SynthStats.defects`, so a
test or a benchmark knows exactly what the linter ought to find.

The same seed and arguments give byte-identical output (no iteration over sets, one seeded RNG).

Library use: `generate(out_dir, n_notes, seed, defect_rate=0.03) -> SynthStats`.
Script use:  `python bench/synth.py OUT --notes 10000 [--seed 1] [--defect-rate 0.03 | --clean]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

#: Bump whenever the output for a given (n_notes, seed, defect_rate) changes: caches key on it.
GENERATOR_VERSION = "1"

CONFIDENCES = ("proven", "likely", "experimental", "speculative")

#: Every defect kind the generator can plant, in the order they are dealt out.
DEFECT_KINDS = (
    "bad-date",
    "bad-confidence",
    "undefined-alias",
    "unclosed-quote",
    "placeholder",
    "missing-field",
    "binary",
    "non-utf8",
    "bom-crlf",
    "depends-cycle",
    "self-link",
    "duplicate-name",
)

# ---------------------------------------------------------------------------------------------
# Vocabulary. Each folder has its own subjects and objects so that titles and prose read as if
# they belonged to a field; verbs, connectives and sentence templates are shared.
# ---------------------------------------------------------------------------------------------

_FOLDERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "domains/ai-alignment": (
        ("reward-model overoptimisation", "constitutional training", "process supervision",
         "interpretability tooling", "RLHF fine-tuning", "scalable oversight", "value specification",
         "continual learning", "frontier labs", "recursive self-improvement", "debate protocols",
         "deceptive alignment", "mechanistic interpretability", "red-teaming programmes",
         "dangerous-capability evaluations", "sycophancy in chat models",
         "structural value representations", "refusal training", "weak-to-strong supervision"),
        ("the alignment tax", "capability gains at scale", "robust value retention",
         "safety under distribution shift", "competitive deployment pressure",
         "catastrophic forgetting of values", "goal misgeneralisation",
         "oversight of superhuman systems", "the cost of safety research",
         "the pace of capability scaling", "reward hacking", "model honesty",
         "the verification gap", "specification gaming"),
    ),
    "domains/collective-intelligence": (
        ("prediction markets", "deliberative polls", "wisdom-of-crowds aggregation",
         "swarm coordination", "cognitively diverse teams", "open-source communities",
         "citizen assemblies", "peer review", "volunteer encyclopedias", "forecasting tournaments",
         "structured debate", "collective sensemaking tools"),
        ("group accuracy", "correlated errors", "the diversity bonus", "consensus formation",
         "information cascades", "epistemic diversity", "herding", "shared blind spots",
         "the speed of collective learning", "minority dissent"),
    ),
    "domains/internet-finance": (
        ("futarchy", "decentralised autonomous organisations", "token launches",
         "automated market makers", "on-chain governance", "quadratic funding",
         "stablecoin issuers", "liquidity mining", "conditional markets", "ownership coins",
         "permissionless capital formation"),
        ("capital allocation", "price discovery", "treasury management", "voter apathy",
         "speculative bubbles", "regulatory arbitrage", "founder accountability",
         "market manipulation", "investor protection", "governance capture"),
    ),
    "domains/health": (
        ("GLP-1 agonists", "continuous glucose monitoring", "preventive screening",
         "value-based care contracts", "clinical decision support", "telehealth adoption",
         "longitudinal cohort studies", "wearable diagnostics", "primary care capitation"),
        ("hospital readmissions", "chronic disease burden", "care costs", "diagnostic accuracy",
         "patient adherence", "health span", "insurer incentives", "clinician workload"),
    ),
    "domains/energy": (
        ("grid-scale batteries", "small modular reactors", "solar learning curves",
         "demand response", "fusion startups", "transmission permitting", "geothermal drilling",
         "heat pumps", "green hydrogen"),
        ("electricity prices", "decarbonisation timelines", "grid reliability", "capital costs",
         "intermittency", "interconnection queues", "industrial heat demand"),
    ),
    "domains/space-development": (
        ("reusable launch vehicles", "orbital manufacturing", "lunar resource extraction",
         "satellite constellations", "in-space refuelling", "commercial space stations"),
        ("cost per kilogram to orbit", "debris risk", "the space economy", "launch cadence",
         "spectrum congestion", "mission insurance"),
    ),
    "domains/governance": (
        ("nation-states", "export controls", "compute governance", "international treaties",
         "liability regimes", "standards bodies", "regulatory sandboxes", "licensing regimes",
         "public audit requirements"),
        ("the monopoly on force", "verification mechanisms", "credible commitments",
         "institutional adaptation", "race dynamics", "regulatory capture",
         "democratic legitimacy", "enforcement capacity"),
    ),
    "domains/entertainment": (
        ("fan-owned studios", "creator economies", "streaming platforms", "AI-generated music",
         "interactive fiction", "community-financed films", "serialised web fiction"),
        ("audience attention", "revenue concentration", "creative labour", "IP ownership",
         "discovery algorithms", "franchise fatigue"),
    ),
    "core/mechanisms": (
        ("incentive design", "mechanism design", "commitment devices", "reputation systems",
         "repeated games", "coordination protocols", "assurance contracts", "escrow schemes"),
        ("defection", "free-riding", "equilibrium selection", "the prisoner's dilemma",
         "collusion", "trust between strangers"),
    ),
    "core/epistemics": (
        ("Bayesian updating", "calibrated forecasting", "adversarial collaboration",
         "pre-registration", "replication studies", "red-team reviews", "claim graphs"),
        ("belief revision", "confirmation bias", "model uncertainty", "the evidence base",
         "motivated reasoning", "error correction"),
    ),
    "core/living-agents": (
        ("agent swarms", "self-modifying agents", "multi-agent systems",
         "autonomous research agents", "agent scaffolding", "tool-using agents"),
        ("correlated failure", "emergent norms", "goal drift", "coherent drift",
         "long-horizon coordination", "human supervision"),
    ),
}

# Accented phrases (written here in NFC); about one title in fifteen contains one.
_UNICODE_SUBJECTS = (
    "Gödel-style self-reference", "naïve preference aggregation", "Erdős–Rényi network models",
    "Pareto-optimal bargaining à la Nash", "Łukasiewicz many-valued logic",
    "Poincaré recurrence arguments", "São Paulo's participatory budgets", "Zürich citizen panels",
    "the café-table deliberation model", "coöperative ownership", "Ångström-scale lithography",
    "Tōhoku-style tail risks", "Kahneman's système-one heuristics", "Schrödinger-style ambiguity",
    "Bézier-smoothed reward curves", "Dvořák's voting experiments", "Malmö's municipal platforms",
)

_VERBS = (
    "reduces", "increases", "outweighs", "undermines", "is a precondition for",
    "does not reliably predict", "accelerates", "substitutes for", "amplifies",
    "cannot compensate for", "drives", "is bottlenecked by", "fails to scale with",
    "is more sensitive to", "produces larger gains than", "trades off against",
    "is structurally tied to", "erodes", "stabilises", "decouples from", "compounds",
    "is necessary but not sufficient for", "lowers the cost of", "shifts the burden of",
    "masks", "will inevitably reshape", "tends to entrench", "is orthogonal to",
    "converges with", "crowds out",
)
_CONNECTIVES = (
    "because", "which means", "so", "but only when", "unless", "since", "and therefore",
    "even though", "whereas", "as long as",
)
_HEADINGS = (
    "Why This Reframe Matters", "Mechanism", "Scope and Limits", "Open Questions",
    "Historical Precedent", "Implications", "What Would Change My Mind", "Related Work",
    "Counterfactuals", "How This Fails",
)
_SURNAMES = (
    "Kirkpatrick", "Ostrom", "Hanson", "Christiano", "Leike", "Page", "Tetlock", "Hayek",
    "Schelling", "Olson", "Buterin", "Amodei", "Russell", "Bengio", "Sutton", "Mercier",
    "Sperber", "Surowiecki", "Axelrod", "Nakamoto", "Müller", "García", "Nguyen", "Okafor",
)
_SYLLABLES = (
    "ka", "lo", "ven", "tri", "mar", "sol", "dex", "qua", "ri", "no", "bel", "tor", "zen",
    "ha", "mi", "lux", "por", "sa", "vi", "gen", "al", "cor", "del", "fin", "ix", "om",
)
_ORG_SUFFIXES = (
    "Labs", "Foundation", "DAO", "Institute", "Collective", "Protocol", "Capital", "Health",
    "Energy", "Studios", "Orbital", "Research", "Network", "Alliance",
)
_AGENTS = ("theseus", "rio", "vida", "astra")
_AGENT_DOMAIN = {
    "theseus": "domains/ai-alignment", "rio": "domains/internet-finance",
    "vida": "domains/health", "astra": "domains/space-development",
}

_SENTENCE_TEMPLATES = (
    "{S} {v} {o}.",
    "The standard view holds that {s} {v} {o}; the evidence collected so far points the other way.",
    "In {y}, a study of {n} cases found that {s} {v} {o} by roughly {p} percent.",
    "This matters because {s} {v} {o}, and no single actor has an incentive to fix that alone.",
    "Critics argue that {s} merely {v} {o} — a weaker claim than the one made here.",
    "The mechanism is simple: {s} {v} {o}.",
    "None of this implies that {s} {v} {o} in every setting.",
    "A replication with {n} participants reported the same pattern, although the effect on {o} was smaller.",
    "Where {s} {v} {o}, {s2} tends to follow within {m} months.",
    "The data are noisy, but the direction is consistent across {m} independent samples.",
    "That is a coordination failure, not a technical one.",
    "{S2} is the obvious counterexample, and it doesn’t fit the pattern cleanly.",
    "Measured against {o}, the gain from {s} is roughly {m}x.",
    "Most of the published work treats {o} as exogenous, which hides the feedback loop.",
    "If the claim is right, {s2} should show the same signature within a few years.",
    "The strongest version of the objection is that {s2} {v} {o} anyway.",
    "Nobody disputes that {o} matters; the dispute is about how much {s} {v} it.",
)
_LEAD_TEMPLATES = (
    "**{S} {v} {o}.**",
    "**{S} is not the bottleneck.**",
    "**The effect on {o} is larger than expected.**",
    "**{S} and {s2} interact.**",
)
_LINK_SENTENCES = (
    "As argued in {L}, this is not a new observation.",
    "This is the same dynamic described in {L}.",
    "See {L} for the numbers.",
    "{L} makes the complementary point.",
    "The counter-case is {L}.",
    "It rests on {L}, which has held up so far.",
    "Compare {L}, which reaches the opposite conclusion from similar data.",
)
_CODE_BLOCKS = (
    "```yaml\ndepends_on: [\"[[an example premise that is not a note]]\"]\nconfidence: likely\n```",
    "```python\nlinks = [m.group(1) for m in LINK_RE.finditer(body)]  # e.g. [[example target in code]]\n```",
    "```\nclaim A  --depends_on-->  [[placeholder premise in a code block]]\n```",
)
_INLINE_CODE = (
    "The template writes `[[claim title]]` where the link should go.",
    "Use `[[target|alias]]` to show a shorter label.",
    "A literal `[[not a link]]` in code must be left alone by any parser.",
)
_COMMENTS = (
    "<!-- TODO: link [[a draft claim that was never written]] once it exists -->",
    "<!-- [[commented-out link to an abandoned note]] -->",
)
_DESCRIPTIONS = (
    "Argues that {t}.",
    "{T}, on the evidence of {n} studies and one natural experiment.",
    "Claims that {t}, and that the effect grows with scale.",
    "{T}; the mechanism runs through {o}.",
    "{T}, at least where {o} is measured directly.",
)
_WANTED_SHARE = 0.04  # share of body links that point to claims nobody wrote


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


@dataclass
class SynthStats:
    """What a generation produced: counts, sizes, timings and every planted defect.

    `defects` maps a kind from DEFECT_KINDS to the base-relative paths (POSIX, as written on disk)
    of the files that carry it. `wanted` lists (NFC) the names that links point to but that no
    file has: those links are deliberate broken links, present even in a "clean" base.
    """

    n_notes: int
    seed: int
    defect_rate: float
    generator_version: str = GENERATOR_VERSION
    n_bytes: int = 0
    seconds: float = 0.0  # wall time of the whole generation
    write_seconds: float = 0.0  # the part spent in file writes (file-system bound, noisy)
    by_type: dict[str, int] = field(default_factory=dict)
    n_links: int = 0
    n_links_wanted: int = 0
    wanted: list[str] = field(default_factory=list)
    defects: dict[str, list[str]] = field(default_factory=dict)

    def defective_files(self) -> set[str]:
        """All base-relative paths that carry at least one planted defect."""
        return {p for paths in self.defects.values() for p in paths}

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> SynthStats:
        return cls(**json.loads(text))


@dataclass(eq=False)  # identity semantics: notes are used as dict keys and compared with `is`
class PlannedNote:
    """One note to be written: its kind, its (NFC) name, where it lives, and its link weight.

    `topic` is the key of _FOLDERS whose vocabulary, neighbours and topic map the note uses; for
    claims and maps it is also the folder the file lives in.
    """

    index: int
    kind: str  # claim | source | entity | musing | map
    name: str
    folder: str
    topic: str
    nfd_on_disk: bool = False
    weight: float = 1.0
    depends_on: list[PlannedNote] = field(default_factory=list)
    defect: str | None = None

    @property
    def domain(self) -> str:
        return self.topic.split("/")[1]

    @property
    def disk_name(self) -> str:
        return unicodedata.normalize("NFD", self.name) if self.nfd_on_disk else self.name

    @property
    def rel_path(self) -> str:
        return f"{self.folder}/{self.disk_name}.md"


@dataclass
class Catalog:
    """Everything planned before any text is written; passed to the `extra_notes` hook."""

    notes: list[PlannedNote]
    claims: list[PlannedNote]
    by_kind: dict[str, list[PlannedNote]]
    claims_by_folder: dict[str, list[PlannedNote]]
    maps: dict[str, PlannedNote]
    wanted: list[str]


#: Hook for later generators (experiments, evidence notes): given the catalog and the RNG, yield
#: (base-relative path, file bytes) pairs to write after the regular notes.
ExtraNotes = Callable[[Catalog, random.Random], Iterable[tuple[str, bytes]]]


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _loose_key(name: str) -> str:
    """Case-folded NFC name with spacing and punctuation dropped: two names equal under this key
    would read as one claim written twice, so only planted duplicates may share one."""
    return "".join(ch for ch in unicodedata.normalize("NFC", name).casefold() if ch.isalnum())


class _Namer:
    """Makes unique note names; uniqueness is checked on a loose key (see _loose_key)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = {_loose_key("_map")}

    def _claim_phrase(self, folder: str) -> str:
        rng = self.rng
        subjects, objects = _FOLDERS[folder]
        subject = rng.choice(_UNICODE_SUBJECTS) if rng.random() < 0.07 else rng.choice(subjects)
        first = f"{subject} {rng.choice(_VERBS)} {rng.choice(objects)}"
        if rng.random() < 0.7:
            other = rng.choice(list(_FOLDERS)) if rng.random() < 0.3 else folder
            subjects2, objects2 = _FOLDERS[other]
            first += (f" {rng.choice(_CONNECTIVES)} {rng.choice(subjects2)}"
                      f" {rng.choice(_VERBS)} {rng.choice(objects2)}")
        return _cap(first) if rng.random() < 0.4 else first

    def _unique(self, make: Callable[[], str]) -> str:
        for attempt in itertools.count():
            name = make()
            if attempt > 3:
                name = f"{name} in case {self.rng.randrange(10**6)}"
            # Keep file names well under the 255-byte limit even in NFD form.
            if len(unicodedata.normalize("NFD", name).encode()) > 200:
                continue
            key = _loose_key(name)
            if key not in self.taken:
                self.taken.add(key)
                return name
        raise AssertionError("unreachable")

    def claim(self, folder: str) -> str:
        return self._unique(lambda: self._claim_phrase(folder))

    def source(self) -> str:
        rng = self.rng

        def make() -> str:
            who = rng.choice(_SURNAMES)
            who = f"{who} et al" if rng.random() < 0.6 else f"{who} and {rng.choice(_SURNAMES)}"
            subjects, objects = _FOLDERS[rng.choice(list(_FOLDERS))]
            return (f"{who} {rng.randrange(1995, 2027)} - "
                    f"{_cap(rng.choice(subjects))} and {rng.choice(objects)}")

        return self._unique(make)

    def entity(self) -> str:
        rng = self.rng

        def make() -> str:
            word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randrange(2, 4)))
            return f"{_cap(word)} {rng.choice(_ORG_SUFFIXES)}"

        return self._unique(make)

    def musing(self, folder: str) -> str:
        return self._unique(lambda: "open question - whether " + self._claim_phrase(folder).lower())


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def _fill(template: str, rng: random.Random, folder: str) -> str:
    subjects, objects = _FOLDERS[folder]
    s = rng.choice(subjects)
    s2 = rng.choice(subjects)
    return template.format(
        S=_cap(s), s=s, S2=_cap(s2), s2=s2, v=rng.choice(_VERBS), o=rng.choice(objects),
        y=rng.randrange(2012, 2027), n=rng.randrange(20, 5000), p=rng.randrange(3, 80),
        m=rng.randrange(2, 12),
    )


class _Prose:
    """Pre-built sentence pools per folder, so per-note text costs only a few random picks."""

    def __init__(self, rng: random.Random, per_folder: int = 240) -> None:
        self.sentences = {
            f: [_fill(rng.choice(_SENTENCE_TEMPLATES), rng, f) for _ in range(per_folder)]
            for f in _FOLDERS
        }
        self.leads = {f: [_fill(rng.choice(_LEAD_TEMPLATES), rng, f) for _ in range(60)]
                      for f in _FOLDERS}
        self.bullets = {f: ["- " + _fill("{s} {v} {o}", rng, f) for _ in range(60)]
                        for f in _FOLDERS}

    def paragraph(self, rng: random.Random, folder: str, lo: int = 2, hi: int = 6) -> str:
        return " ".join(rng.choices(self.sentences[folder], k=rng.randint(lo, hi)))


def _random_date(rng: random.Random, start: date = date(2025, 9, 1), days: int = 420) -> date:
    return start + timedelta(days=rng.randrange(days))


def _body_size(rng: random.Random, kind: str) -> int:
    """Target body length in characters: log-normal around ~3 KB for claims, with a long tail."""
    if kind == "claim":
        if rng.random() < 0.03:
            return int(math.exp(rng.uniform(math.log(9000), math.log(28000))))
        return min(int(rng.lognormvariate(math.log(1500), 0.5)), 28000)
    return min(int(rng.lognormvariate(math.log(900), 0.5)), 12000)


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


class _Writer:
    """Renders planned notes to bytes. Holds the RNG, the catalog and the link samplers."""

    def __init__(self, rng: random.Random, catalog: Catalog, stats: SynthStats) -> None:
        self.rng = rng
        self.cat = catalog
        self.stats = stats
        self.prose = _Prose(rng)
        self.objects = {f: objs for f, (_, objs) in _FOLDERS.items()}

        def cum(notes: list[PlannedNote]) -> list[float]:
            return list(itertools.accumulate(n.weight for n in notes))

        self.claim_cum = cum(catalog.claims)
        self.folder_cum = {f: cum(ns) for f, ns in catalog.claims_by_folder.items()}
        self.kind_cum = {k: cum(ns) for k, ns in catalog.by_kind.items()}
        self.wanted_cum = list(itertools.accumulate(
            1.0 / (r + 1) ** 1.1 for r in range(len(catalog.wanted))))

    # -- link targets ---------------------------------------------------------------------------

    def _pick(self, notes: list[PlannedNote], cum: list[float]) -> PlannedNote:
        return self.rng.choices(notes, cum_weights=cum, k=1)[0]

    def claim_target(self, folder: str, me: PlannedNote) -> PlannedNote:
        for _ in range(8):
            pool = self.cat.claims_by_folder[folder]
            if self.rng.random() < 0.3 or not pool:
                target = self._pick(self.cat.claims, self.claim_cum)
            else:
                target = self._pick(pool, self.folder_cum[folder])
            if target is not me:
                return target
        return self.cat.claims[0] if self.cat.claims[0] is not me else self.cat.claims[-1]

    def kind_target(self, kind: str) -> PlannedNote:
        return self._pick(self.cat.by_kind[kind], self.kind_cum[kind])

    def wanted_target(self) -> str:
        return self.rng.choices(self.cat.wanted, cum_weights=self.wanted_cum, k=1)[0]

    def body_target(self, me: PlannedNote) -> PlannedNote | str:
        r = self.rng.random()
        if r < _WANTED_SHARE:
            return self.wanted_target()
        if r < 0.10 and self.cat.by_kind["entity"]:
            return self.kind_target("entity")
        if r < 0.14 and self.cat.by_kind["source"]:
            return self.kind_target("source")
        return self.claim_target(me.topic, me)

    # -- link text ------------------------------------------------------------------------------

    def link(self, target: PlannedNote | str, *, plain: bool = False) -> str:
        """A body wiki-link in one of the forms real bases use (alias, heading, case, NFD, path)."""
        self.stats.n_links += 1
        if isinstance(target, str):
            self.stats.n_links_wanted += 1
            return f"[[{target}]]"
        name = target.name
        rng = self.rng
        if target.nfd_on_disk and rng.random() < 0.5:
            name = target.disk_name
        if plain:
            return f"[[{name}]]"
        r = rng.random()
        if r < 0.07:
            return f"[[{name}|{rng.choice(self.objects[target.topic])}]]"
        if r < 0.12 and target.kind == "claim":  # only claims are sure to have these headings
            return f"[[{name}#{rng.choice(('Evidence', 'Challenges'))}]]"
        if r < 0.20:
            return f"[[{name[:1].swapcase()}{name[1:]}]]"
        if r < 0.22 and name.isascii():
            return f"[[{target.folder}/{name}]]"
        return f"[[{name}]]"

    def fm_link(self, target: PlannedNote | str) -> str:
        """A frontmatter list item: a quoted wiki-link, sometimes a bare quoted name."""
        self.stats.n_links += 1
        if isinstance(target, str):
            self.stats.n_links_wanted += 1
            return f'"[[{target}]]"'
        if self.rng.random() < 0.1:
            return f'"{target.name}"'
        return f'"[[{target.name}]]"'

    def map_link(self, folder: str) -> str:
        self.stats.n_links += 1
        return f"[[{folder}/_map]]"

    # -- frontmatter ----------------------------------------------------------------------------

    def _fm_list(self, key: str, items: list[str]) -> str:
        if self.rng.random() < 0.5:
            return f"{key}: [{', '.join(items)}]"
        return f"{key}:\n" + "\n".join(f"  - {item}" for item in items)

    def _description(self, note: PlannedNote) -> str:
        """A one-sentence description, unique per note (real bases paraphrase the title)."""
        rng = self.rng
        obj = rng.choice(self.objects[note.topic])
        if note.kind == "entity":
            text = f"{note.name} is an organisation active in {note.domain}, mainly on {obj}."
        else:
            text = rng.choice(_DESCRIPTIONS).format(t=note.name, T=_cap(note.name), o=obj,
                                                     n=rng.randrange(2, 40))
        if rng.random() < 0.1:
            return "description: >-\n  " + text
        return f'description: "{text}"'

    def claim_frontmatter(self, note: PlannedNote) -> list[str]:
        rng = self.rng
        created = _random_date(rng)
        lines = ["type: claim", f"domain: {note.domain}"]
        if rng.random() < 0.2:
            others = rng.sample([f.split("/")[1] for f in _FOLDERS], 2)
            lines.append(f"secondary_domains: [{', '.join(others)}]")
        lines.append(self._description(note))
        lines.append(f"confidence: {rng.choices(CONFIDENCES, weights=(8, 45, 35, 12))[0]}")
        refs = "; ".join(f"{rng.choice(_SURNAMES)} ({rng.randrange(2015, 2027)})"
                         for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.2 and self.cat.by_kind["source"]:
            refs += "; " + self.link(self.kind_target("source"), plain=True)
        lines.append(f'source: "{refs}"')
        if rng.random() < 0.3 and self.cat.by_kind["source"]:
            srcs = [self.fm_link(self.kind_target("source")) for _ in range(rng.randint(1, 3))]
            lines.append(self._fm_list("sources", srcs))
        if note.depends_on:
            lines.append(self._fm_list("depends_on", [self.fm_link(d) for d in note.depends_on]))
        if rng.random() < 0.15:
            challengers = [self.wanted_target() if rng.random() < 0.3
                           else self.claim_target(note.topic, note)
                           for _ in range(rng.randint(1, 2))]
            lines.append(self._fm_list("challenged_by", [self.fm_link(c) for c in challengers]))
        lines.append(f"created: {created.isoformat()}")
        if rng.random() < 0.3:
            lines.append(f"last_evaluated: {(created + timedelta(days=rng.randrange(1, 120))).isoformat()}")
        return lines

    # -- bodies ---------------------------------------------------------------------------------

    def _link_sentence(self, note: PlannedNote) -> str:
        return self.rng.choice(_LINK_SENTENCES).format(L=self.link(self.body_target(note)))

    def _paragraph(self, note: PlannedNote, link_p: float = 0.35) -> str:
        para = self.prose.paragraph(self.rng, note.topic)
        if self.rng.random() < link_p:
            para += " " + self._link_sentence(note)
        return para

    def _evidence_block(self, note: PlannedNote) -> str:
        rng = self.rng
        kind = rng.choice(("challenge", "confirm", "extend"))
        src = self.link(self.kind_target("source"), plain=True) if self.cat.by_kind["source"] \
            else "internal notes"
        title = _cap(rng.choice(self.objects[note.topic]))
        return (f"### {title} revisited ({kind})\n*Source: {src} | Added: "
                f"{_random_date(rng).isoformat()}*\n\n{self.prose.paragraph(rng, note.topic)} "
                f"{self._link_sentence(note)}")

    def claim_body(self, note: PlannedNote) -> str:
        rng = self.rng
        target = _body_size(rng, "claim")
        parts = [f"# {note.name}"]
        parts += [self._paragraph(note) for _ in range(rng.randint(1, 2))]
        parts.append("## Evidence")
        size = sum(map(len, parts))
        challenges_at = max(1, int(target * rng.uniform(0.6, 0.8)))
        since_heading = 0
        while True:  # at least one chunk, however short the target
            if since_heading > 5 and rng.random() < 0.3:
                parts.append("## " + rng.choice(_HEADINGS))
                since_heading = 0
            r = rng.random()
            if r < 0.08:
                chunk = "\n".join(rng.choices(self.prose.bullets[note.topic], k=rng.randint(3, 6)))
            elif r < 0.11:
                chunk = rng.choice(_CODE_BLOCKS)
            elif r < 0.14:
                chunk = self._paragraph(note, 0) + " " + rng.choice(_INLINE_CODE)
            elif r < 0.16:
                chunk = rng.choice(_COMMENTS)
            else:
                chunk = f"{rng.choice(self.prose.leads[note.topic])} {self._paragraph(note)}"
            parts.append(chunk)
            size += len(chunk) + 2
            since_heading += 1
            if size >= challenges_at:
                break
        parts.append("## Challenges")
        while True:
            chunk = f"{rng.choice(self.prose.leads[note.topic])} {self._paragraph(note, 0.2)}"
            parts.append(chunk)
            size += len(chunk) + 2
            if size >= target:
                break
        if rng.random() < 0.3:
            parts.append("## Additional Evidence")
            parts += [self._evidence_block(note) for _ in range(rng.randint(1, 3))]
        related = list(dict.fromkeys(self.body_target(note) for _ in range(rng.randint(2, 7))))
        if note.defect == "self-link":
            related.append(note)
        parts.append("---\nRelevant Notes:\n" + "\n".join(
            f"- {self.link(t, plain=rng.random() < 0.7)}"
            + (f" — {rng.choice(self.prose.sentences[note.topic])}" if rng.random() < 0.3 else "")
            for t in related))
        topics = [note.topic]
        if rng.random() < 0.4:
            topics.append(rng.choice(list(_FOLDERS)))
        parts.append("Topics:\n" + "\n".join(f"- {self.map_link(t)}" for t in dict.fromkeys(topics)))
        return "\n\n".join(parts)

    def short_body(self, note: PlannedNote, list_heading: str) -> str:
        rng = self.rng
        target = _body_size(rng, note.kind)
        parts = [f"# {note.name}"]
        size = len(parts[0])
        while size < target:
            chunk = self._paragraph(note, 0.25)
            parts.append(chunk)
            size += len(chunk) + 2
        links = [self.claim_target(note.topic, note) for _ in range(rng.randint(1, 6))]
        parts.append(f"## {list_heading}\n" + "\n".join(f"- {self.link(t, plain=True)}"
                                                        for t in links))
        parts.append("Topics:\n- " + self.map_link(note.topic))
        return "\n\n".join(parts)

    def map_body(self, note: PlannedNote) -> str:
        rng = self.rng
        claims = self.cat.claims_by_folder[note.topic]
        listed = rng.sample(claims, min(len(claims), 150))
        parts = [f"# {note.domain} — topic map", self.prose.paragraph(rng, note.topic)]
        for start in range(0, len(listed), 25):
            items = "\n".join(f"- {self.link(c, plain=True)}" for c in listed[start:start + 25])
            parts.append(f"## {rng.choice(self.objects[note.topic]).capitalize()}\n{items}")
        parts.append("## Neighbouring maps\n" + "\n".join(
            f"- {self.map_link(f)}" for f in rng.sample(list(_FOLDERS), 3) if f != note.topic))
        return "\n\n".join(parts)

    # -- notes ----------------------------------------------------------------------------------

    def render(self, note: PlannedNote) -> str:
        rng = self.rng
        if note.kind == "claim":
            fm, body = self.claim_frontmatter(note), self.claim_body(note)
        elif note.kind == "source":
            authors = ", ".join(f'"{rng.choice(_SURNAMES)}"' for _ in range(rng.randint(1, 4)))
            fm = ["type: source", f'title: "{note.name.split(" - ", 1)[1]}"',
                  f"authors: [{authors}]", f"year: {note.name.split(' - ')[0][-4:]}",
                  f"url: https://example.org/papers/{note.index}",
                  f"created: {_random_date(rng).isoformat()}"]
            body = self.short_body(note, "Key claims")
        elif note.kind == "entity":
            fm = ["type: entity", f"domain: {note.domain}", self._description(note),
                  f"created: {_random_date(rng).isoformat()}"]
            body = self.short_body(note, "Relevant claims")
        elif note.kind == "musing":
            fm = ["type: musing", f"agent: {note.folder.split('/')[1]}",
                  f"status: {rng.choice(('seed', 'developing', 'parked'))}",
                  f"created: {_random_date(rng).isoformat()}"]
            body = self.short_body(note, "Threads to pull")
        else:
            fm = ["type: map", f'description: "Topic map for {note.domain}"']
            body = self.map_body(note)
        if note.defect:
            fm, body = _plant_text_defect(note.defect, fm, body, rng)
        return "---\n" + "\n".join(fm) + "\n---\n" + body + "\n"


# ---------------------------------------------------------------------------------------------
# Defects
# ---------------------------------------------------------------------------------------------


def _replace_field(fm: list[str], key: str, new: str) -> list[str]:
    """Replace the line for `key` (appending it if absent)."""
    out = [new if line.startswith(key + ":") else line for line in fm]
    return out if out != fm else fm + [new]


def _plant_text_defect(kind: str, fm: list[str], body: str,
                       rng: random.Random) -> tuple[list[str], str]:
    """Apply a defect that lives in the text; byte-level and graph-level ones are done elsewhere."""
    if kind == "bad-date":
        bad = rng.choice(("2026-02-00", "2026-02-30", "2025-13-05"))
        fm = _replace_field(fm, "created", f"created: {bad}")
    elif kind == "bad-confidence":
        fm = _replace_field(fm, "confidence",
                            f"confidence: {rng.choice(('moderate', 'high', 'medium', 'low'))}")
    elif kind == "undefined-alias":
        fm = _replace_field(fm, "source", "source: *default_source")
    elif kind == "unclosed-quote":
        fm = [line for line in fm if not line.startswith("description:")]
        fm.insert(1, 'description: "An unfinished description that never closes its quote')
    elif kind == "placeholder":
        fm = _replace_field(fm, "description", 'description: "{{description}}"')
        if rng.random() < 0.5:
            fm = _replace_field(fm, "created", "created: {{date}}")
        body = "# {{title}}\n\n" + body.split("\n", 1)[1]
    elif kind == "missing-field":
        drop = rng.choice(("confidence:", "description:", "type:"))
        fm = [line for line in fm if not line.startswith(drop)]
    return fm, body


def _encode(note: PlannedNote, text: str, rng: random.Random) -> bytes:
    """Encode a note, applying the defects that live in the bytes rather than in the text."""
    if note.defect == "binary":
        return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(rng.randrange(2000, 20000))
    if note.defect == "non-utf8":
        text = text.replace("\n\n", "\n\nA naïve café-table reading misses this.\n\n", 1)
        return text.encode("cp1252", errors="replace")
    if note.defect == "bom-crlf":
        return ("\ufeff" + text.replace("\n", "\r\n")).encode()
    return text.encode()


# ---------------------------------------------------------------------------------------------
# Planning
# ---------------------------------------------------------------------------------------------


def _plan(n_notes: int, rng: random.Random) -> Catalog:
    """Decide every note's kind, name, folder and popularity, and the acyclic depends_on graph."""
    namer = _Namer(rng)
    folders = list(_FOLDERS)
    notes: list[PlannedNote] = []

    def add(kind: str, name: str, folder: str, topic: str) -> PlannedNote:
        note = PlannedNote(len(notes), kind, name, folder, topic)
        notes.append(note)
        return note

    maps = {f: add("map", "_map", f, f) for f in folders}
    rest = n_notes - len(maps)
    if rest < 40:
        raise ValueError(f"n_notes={n_notes} is too small (need at least {len(maps) + 40})")
    kinds = rng.choices(("claim", "source", "entity", "musing"), weights=(76, 10, 8, 6), k=rest)
    folder_weights = [4 if f == "domains/ai-alignment" else 2 if f.startswith("domains/") else 1
                      for f in folders]
    for kind in kinds:
        topic = rng.choices(folders, weights=folder_weights, k=1)[0]
        if kind == "claim":
            note = add(kind, namer.claim(topic), topic, topic)
        elif kind == "source":
            note = add(kind, namer.source(), "sources", topic)
        elif kind == "entity":
            note = add(kind, namer.entity(), "entities", topic)
        else:
            agent = rng.choice(_AGENTS)
            topic = _AGENT_DOMAIN[agent]
            note = add(kind, namer.musing(topic), f"agents/{agent}/musings", topic)
        # Heavy-tailed popularity: a few hubs attract a large share of links.
        note.weight = min(rng.paretovariate(1.5), 1000.0)
        note.nfd_on_disk = not note.name.isascii() and rng.random() < 0.4

    by_kind: dict[str, list[PlannedNote]] = {k: [] for k in ("claim", "source", "entity", "musing", "map")}
    for note in notes:
        by_kind[note.kind].append(note)
    claims = by_kind["claim"]
    claims_by_folder: dict[str, list[PlannedNote]] = {f: [] for f in folders}
    for claim in claims:
        claims_by_folder[claim.folder].append(claim)
    wanted = [namer.claim(rng.choice(folders)) for _ in range(max(10, n_notes // 25))]
    cat = Catalog(notes, claims, by_kind, claims_by_folder, maps, wanted)

    # depends_on only points to earlier claims, so the normal graph is acyclic; cycles are defects.
    cums = {f: list(itertools.accumulate(c.weight for c in cs)) for f, cs in claims_by_folder.items()}
    for claim in claims:
        if rng.random() >= 0.25:
            continue
        pool = claims_by_folder[claim.folder]
        for _ in range(rng.randint(1, 3)):
            premise = rng.choices(pool, cum_weights=cums[claim.folder], k=1)[0]
            if premise.index < claim.index and premise not in claim.depends_on:
                claim.depends_on.append(premise)
    return cat


def _deal_defects(cat: Catalog, n_notes: int, defect_rate: float, kinds: tuple[str, ...],
                  rng: random.Random) -> list[tuple[str, list[PlannedNote]]]:
    """Choose which notes carry which defect: about defect_rate of files, every kind at least once."""
    if defect_rate <= 0 or not kinds:
        return []
    count = max(len(kinds), round(n_notes * defect_rate))
    victims = rng.sample(cat.claims, min(len(cat.claims), count * 2))
    dealt: list[tuple[str, list[PlannedNote]]] = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        size = {"depends-cycle": rng.randint(2, 3), "duplicate-name": 2}.get(kind, 1)
        if len(victims) < size:
            break
        group = [victims.pop() for _ in range(size)]
        if kind == "depends-cycle":
            for a, b in zip(group, group[1:] + group[:1]):
                a.depends_on.append(b)
        elif kind == "self-link" and rng.random() < 0.5:
            group[0].depends_on.append(group[0])
        elif kind == "duplicate-name":
            # The second note becomes another author's note of the same name in another folder.
            original, twin = group
            twin.name, twin.nfd_on_disk = original.name, original.nfd_on_disk
            twin.folder = twin.topic = rng.choice([f for f in _FOLDERS if f != original.folder])
            twin.depends_on = []
        for note in group:
            note.defect = kind
        dealt.append((kind, group))
    return dealt


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def generate(out_dir: str | Path, n_notes: int, seed: int = 1, defect_rate: float = 0.03, *,
             defect_kinds: Iterable[str] = DEFECT_KINDS,
             extra_notes: ExtraNotes | None = None) -> SynthStats:
    """Write a synthetic claim base of `n_notes` Markdown files into `out_dir` (created if needed).

    `defect_rate` is the share of files that carry one planted defect (0 for a clean base); when it
    is positive every kind in `defect_kinds` is planted at least once, so tiny bases still have
    them all. `extra_notes` is a hook for generators of further note types (experiments,
    evidence); its files are written after the regular ones and counted under `by_type["extra"]`.
    """
    kinds = tuple(defect_kinds)
    unknown = set(kinds) - set(DEFECT_KINDS)
    if unknown:
        raise ValueError(f"unknown defect kinds: {sorted(unknown)}")
    started = time.perf_counter()
    out = Path(out_dir)
    rng = random.Random(seed)
    cat = _plan(n_notes, rng)
    stats = SynthStats(n_notes=n_notes, seed=seed, defect_rate=defect_rate, wanted=cat.wanted)
    dealt = _deal_defects(cat, n_notes, defect_rate, kinds, rng)
    writer = _Writer(rng, cat, stats)

    for folder in sorted({n.folder for n in cat.notes}):
        (out / folder).mkdir(parents=True, exist_ok=True)
    by_type: dict[str, int] = {}
    # Written folder by folder: on ext4, interleaving folders made file creation ~10x slower.
    for note in sorted(cat.notes, key=lambda n: n.folder):
        data = _encode(note, writer.render(note), rng)
        t0 = time.perf_counter()
        (out / note.rel_path).write_bytes(data)
        stats.write_seconds += time.perf_counter() - t0
        stats.n_bytes += len(data)
        by_type[note.kind] = by_type.get(note.kind, 0) + 1
    if extra_notes is not None:
        for rel, data in extra_notes(cat, rng):
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            stats.n_bytes += len(data)
            by_type["extra"] = by_type.get("extra", 0) + 1

    stats.by_type = by_type
    stats.defects = {k: [] for k in kinds} if dealt else {}
    for kind, group in dealt:
        stats.defects[kind].extend(note.rel_path for note in group)
    stats.seconds = time.perf_counter() - started
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic claim base.")
    parser.add_argument("out", type=Path, help="output folder (must be empty or absent)")
    parser.add_argument("--notes", type=int, default=10_000, help="number of files (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defect-rate", type=float, default=0.03,
                        help="share of files with a planted defect (default 0.03)")
    parser.add_argument("--clean", action="store_true", help="no planted defects (--defect-rate 0)")
    parser.add_argument("--stats", type=Path, help="write SynthStats as JSON to this file")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    stats = generate(args.out, args.notes, args.seed, 0.0 if args.clean else args.defect_rate)
    if args.stats:
        args.stats.write_text(stats.to_json(), encoding="utf-8")
    defects = ", ".join(f"{k}={len(v)}" for k, v in stats.defects.items()) or "none"
    print(f"{stats.n_notes} notes, {stats.n_bytes / 1e6:.1f} MB in {stats.seconds:.1f} s "
          f"({stats.n_notes / stats.seconds:,.0f} notes/s, {stats.write_seconds:.1f} s of it "
          f"writing files); types {stats.by_type}; "
          f"{stats.n_links} links ({stats.n_links_wanted} to unwritten claims); defects: {defects}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
