"""What each page of the site shows, as plain data built from the linter's own results.

Everything here comes from one `ClaimBase` (notes, graph, labelling) and its `LintResult`; no file is
parsed again.  Each page is a dataclass holding only strings, numbers and other such dataclasses, so
that `page_key()` can fingerprint exactly what a page shows: the build re-renders a page only when
its fingerprint changed.  Links between pages are site-relative paths (`notes/x.html`); templates
prefix them with the way back to the site root.
"""

from __future__ import annotations

import marshal
import math
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import xxhash

from .. import names
from ..base import ClaimBase
from ..findings import Finding, severity_rank
from ..lint import LintResult
from ..model import (
    CHALLENGES,
    CITES,
    DEPENDS_ON,
    GENERATED_BY,
    MENTIONS,
    NEEDS,
    REVISES,
    SUPPORTS,
    TESTS,
    Note,
)
from ..parse import LINK_FIELDS
from ..semantics import IN, NO_SOURCE, PRO, STATUSES
from . import assets
from .neighbourhood import Neighbourhood, neighbourhood
from .render import WikiLink, heading_id
from .slugs import note_slugs, slugify, short_hash

MAX_LISTED = 200  # refs shown per relation on a note page; the rest are counted
_WIKI = re.compile(r"\[\[([^\[\]\n]{1,1000}?)\]\]")
_CURRENT_EVIDENCE = ("current", None, "")

# (edge kind, direction) -> heading on the note page, in display order
RELATIONS = (
    ((DEPENDS_ON, "out"), "Depends on"),
    ((DEPENDS_ON, "in"), "What depends on it"),
    ((SUPPORTS, "in"), "Supported by"),
    ((CHALLENGES, "in"), "Challenged by"),
    ((SUPPORTS, "out"), "Supports"),
    ((CHALLENGES, "out"), "Challenges"),
    ((CITES, "out"), "Cites"),
    ((CITES, "in"), "Cited by"),
    ((TESTS, "out"), "Tests"),
    ((TESTS, "in"), "Tested by"),
    ((GENERATED_BY, "out"), "Produced by"),
    ((GENERATED_BY, "in"), "Evidence it produced"),
    ((NEEDS, "out"), "Needs"),
    ((NEEDS, "in"), "Needed by"),
    ((REVISES, "out"), "Supersedes"),
    ((REVISES, "in"), "Superseded by"),
    ((MENTIONS, "in"), "Mentioned by"),
)
# For claims these are shown, with their weights, as the arguments for and against.
_ARGUED = frozenset({(DEPENDS_ON, "out"), (SUPPORTS, "in"), (CHALLENGES, "in"), (CITES, "out")})
_ARG_KIND = {SUPPORTS: "supported by", CHALLENGES: "challenged by", CITES: "cites", DEPENDS_ON: "depends on"}
_HIDDEN_META = frozenset({"type", "description", "confidence", "verdicts", "tests", "metrics", "run", "job"})


# -- the pieces pages are made of ----------------------------------------------------------------
@dataclass(slots=True)
class Ref:
    """A note as shown in a list or a table: `href` None means it is not on the site."""

    href: str | None
    name: str
    type: str
    status: str


@dataclass(slots=True)
class Value:
    """A frontmatter value, ready to show: text, a link, a list or a mapping (recursively)."""

    kind: str  # text | link | missing | seq | map | parts
    text: str = ""
    ref: Ref | None = None
    items: list[Any] = field(default_factory=list)  # Values (seq, parts) or (key, Value) (map)


@dataclass(slots=True)
class FindingView:
    severity: str
    code: str
    rule: str
    line: int
    col: int
    message: str


@dataclass(slots=True)
class ArgView:
    side: str  # for | against
    kind: str
    weight: str
    circular: bool
    sources: list[Ref]
    note: str = ""


@dataclass(slots=True)
class Relation:
    label: str
    refs: list[Ref]
    more: int = 0


@dataclass(slots=True)
class IntervalBar:
    """A small drawing of an estimate and its interval, positions in pixels of a `width` strip."""

    width: int
    lo: float
    est: float | None
    hi: float
    zero: float | None
    sesoi: list[float]
    label_lo: str
    label_hi: str


@dataclass(slots=True)
class PredictionRow:
    claim: Ref
    metric: str
    direction: str
    sesoi: str
    statistic: str
    alpha: str
    text: str


@dataclass(slots=True)
class VerdictRow:
    claim: Ref
    verdict: str
    metric: str
    estimate: str
    interval: str
    statistic: str
    reason: str
    bar: IntervalBar | None


@dataclass(slots=True)
class MetricRow:
    name: str
    estimate: str
    interval: str
    n: str
    per_seed: str
    bar: IntervalBar | None


@dataclass(slots=True)
class EvidenceSummary:
    ref: Ref
    date: str
    current: bool
    verdicts: list[tuple[Ref, str]]


@dataclass(slots=True)
class ExperimentView:
    run: str
    seeds: str
    params: Value | None
    predictions: list[PredictionRow]
    evidence: list[EvidenceSummary]


@dataclass(slots=True)
class Plot:
    rel: str  # the file, relative to the base
    caption: str


@dataclass(slots=True)
class EvidenceView:
    experiment: Ref | None
    status: str
    smoke: bool
    counts: bool
    verdicts: list[VerdictRow]
    metrics: list[MetricRow]
    run: Value | None
    plots: list[Plot]


# -- pages ----------------------------------------------------------------------------------------
@dataclass(slots=True)
class NotePage:
    out: str
    path: str
    name: str
    title: str
    type: str
    status: str
    arguable: bool
    strength: str
    pro: str
    con: str
    confidence: str
    standard_met: bool | None
    description: str
    meta: list[tuple[str, Value]]
    findings: list[FindingView]
    args_for: list[ArgView]
    args_against: list[ArgView]
    relations: list[Relation]
    graph: Neighbourhood
    experiment: ExperimentView | None
    evidence: EvidenceView | None
    links: list[WikiLink]
    digest: str
    readable: bool
    template: str = "note.html"


@dataclass(slots=True)
class ClaimRow:
    ref: Ref
    domain: str
    domain_href: str
    confidence: str
    strength: float
    pro: float
    con: float
    findings: int


@dataclass(slots=True)
class TablePage:
    """A sortable table of claims (all of them, one domain, or one status)."""

    out: str
    title: str
    intro: str
    rows: list[ClaimRow]
    template: str = "claims.html"


@dataclass(slots=True)
class NoteRow:
    ref: Ref
    folder: str
    findings: int


@dataclass(slots=True)
class NotesPage:
    out: str
    title: str
    rows: list[NoteRow]
    template: str = "notes.html"


@dataclass(slots=True)
class WantedRow:
    name: str
    count: int
    linkers: list[Ref]
    more: int


@dataclass(slots=True)
class WantedPage:
    out: str
    title: str
    rows: list[WantedRow]
    template: str = "wanted.html"


@dataclass(slots=True)
class ExperimentRow:
    ref: Ref
    description: str
    tests: list[Ref]
    latest: EvidenceSummary | None
    runs: int


@dataclass(slots=True)
class ExperimentsPage:
    out: str
    title: str
    rows: list[ExperimentRow]
    template: str = "experiments.html"


@dataclass(slots=True)
class RuleCount:
    code: str
    rule: str
    severity: str
    count: int


@dataclass(slots=True)
class LintRow:
    ref: Ref | None
    path: str
    finding: FindingView


@dataclass(slots=True)
class LintPage:
    out: str
    title: str
    files: int
    by_severity: list[tuple[str, int]]
    by_rule: list[RuleCount]
    rows: list[LintRow]
    template: str = "lint.html"


@dataclass(slots=True)
class Group:
    label: str
    href: str
    count: int
    by_status: list[tuple[str, int]]


@dataclass(slots=True)
class HomePage:
    out: str
    title: str
    notes: int
    claims: int
    by_status: list[tuple[str, int, str]]
    by_type: list[tuple[str, int]]
    domains: list[Group]
    findings: list[tuple[str, int]]
    wanted: list[WantedRow]
    experiments: int
    evidence: int
    template: str = "index.html"


@dataclass(slots=True)
class StaticPage:
    """A page whose content is all in its template (search, graph, not-found)."""

    out: str
    title: str
    template: str
    noindex: bool = False


@dataclass(slots=True)
class PageSpec:
    """One page to publish: where it goes, a fingerprint of everything it shows, and what the
    `Site` needs to make it (`arg`: the node of a note page, the selection of a table page)."""

    out: str
    key: str
    kind: str  # note | claims | notes | wanted | experiments | lint | home | static
    arg: Any = None
    path: str = ""  # for note pages: the note's path in the base


KEY_FORMAT = 1


def fingerprint(inputs: Any) -> str:
    """A stable hash of plain data (tuples, strings, numbers, None): marshal format 2 writes values,
    never references, so equal data always gives equal bytes."""
    return xxhash.xxh3_128_hexdigest(marshal.dumps(inputs, 2))


def page_key(page: Any) -> str:
    """A fingerprint of a small page model (its dataclass repr is deterministic)."""
    return xxhash.xxh3_128_hexdigest(repr(page).encode("utf-8", "surrogatepass"))


# -- building the model ---------------------------------------------------------------------------
class Site:
    """The pages of one build.  Creating it is cheap (fingerprints only); `page(spec)` makes the
    full model of one page, and the build calls it only for pages whose fingerprint changed."""

    def __init__(self, base: ClaimBase, result: LintResult, title: str, reuse: dict[str, Any] | None = None):
        self.base = base
        self.notes = base.notes
        self.graph = base.graph
        self.labels = base.labels
        self.result = result
        self.title = title
        paths = [n.path for n in self.notes]
        reuse = reuse if reuse is not None else {}
        if reuse.get("slug_paths") != paths:  # slugs depend on every path: same paths, same slugs
            reuse["slugs"], reuse["slug_paths"] = note_slugs(paths), paths
        self.slugs = reuse["slugs"]
        self.refs = [
            Ref(f"notes/{slug}.html", display_name(note), note.type or "note", self.labels.status[i])
            for i, (note, slug) in enumerate(zip(self.notes, self.slugs))
        ]
        self.ref_t = [(r.href, r.name, r.type, r.status) for r in self.refs]
        self.sort_key = [r.name.casefold() for r in self.refs]
        # one number per note standing for how it is shown elsewhere (page, name, type, status)
        self.ref_h = [xxhash.xxh3_64_intdigest(marshal.dumps(t, 2)) for t in self.ref_t]
        self.nodes = {r.href: i for i, r in enumerate(self.refs)}
        self.findings: dict[str, list[Finding]] = {}
        for f in result.findings:
            self.findings.setdefault(f.path, []).append(f)
        self.target_of: dict[int, int] = {}
        for edge in self.graph.edges:
            self.target_of[id(edge.link)] = edge.src if edge.link.reverse else edge.dst
        self.unresolved = {id(u.link): u for u in self.graph.unresolved}
        self.unresolved_by_owner: dict[int, list[Any]] = {}
        for u in self.graph.unresolved:
            self.unresolved_by_owner.setdefault(u.owner, []).append(u)
        self.domains = self._domains()
        self._edge_out: list[tuple[str, int]] | None = None
        self.specs = self._specs()

    # ---- fingerprints: what each page shows, as plain data
    def note_inputs(self, i: int) -> tuple[Any, ...]:
        """Everything the page of note `i` shows, as plain data (its content hash stands for the
        text; other notes appear as the number standing for how they are shown)."""
        note = self.notes[i]
        labels = self.labels
        graph = self.graph
        if self._edge_out is None:
            self._prepare_inputs()
        extra: tuple[Any, ...] = ()
        if note.type == "experiment":
            edges, ref_h = graph.edges, self.ref_h
            extra = tuple(
                (self.notes[edges[e].src].digest, tuple(ref_h[edges[k].dst] for k in graph.out_edges[edges[e].src]))
                for e in graph.in_edges[i] if edges[e].kind == GENERATED_BY
            )
        elif note.type == "evidence":
            edges = graph.edges
            extra = (
                tuple(self.notes[edges[e].dst].digest for e in graph.out_edges[i] if edges[e].kind == GENERATED_BY),
                tuple((p.rel, p.caption) for p in _plots(self.base.root, note)),
            )
        return (
            KEY_FORMAT, note.path, note.digest, note.readable, self.ref_t[i], labels.state[i], labels.pro[i],
            labels.con[i], labels.strength[i],
            tuple(map(self._arg_h.__getitem__, labels.by_target[i])) if note.arguable else (),
            tuple(map(self._edge_out.__getitem__, graph.out_edges[i])),
            tuple(map(self._edge_in.__getitem__, graph.in_edges[i])),
            self._finding_t.get(note.path, ()), self._problem_t.get(i, ()), extra,
        )

    def _prepare_inputs(self) -> None:
        """Per edge, argument, finding and broken link, the plain data pages fingerprint (made once,
        looked up by every page that shows it)."""
        ref_h = self.ref_h
        self._edge_out = [(e.kind, ref_h[e.dst]) for e in self.graph.edges]
        self._edge_in = [(e.kind, ref_h[e.src]) for e in self.graph.edges]
        self._arg_h = [
            (a.sign, a.kind, a.value, a.circular, tuple(ref_h[s] if s != NO_SOURCE else None for s in a.sources))
            for a in self.labels.arguments
        ]
        findings: dict[str, list[tuple[Any, ...]]] = {}
        for f in self.result.findings:
            findings.setdefault(f.path, []).append((f.severity, f.code, f.rule, f.line, f.col, f.message))
        self._finding_t = {k: tuple(v) for k, v in findings.items()}
        problems: dict[int, list[tuple[Any, ...]]] = {}
        for u in self.graph.unresolved:
            problems.setdefault(u.owner, []).append((u.link.line, u.link.col, u.reason))
        self._problem_t = {k: tuple(v) for k, v in problems.items()}

    def _claim_t(self) -> list[tuple[Any, ...]]:
        counts = Counter(f.path for f in self.result.findings)
        rows = []
        for i, note in enumerate(self.notes):
            if note.arguable:
                rows.append((self.refs[i].name.casefold(), i, self.domain_of(note), note.confidence or _text(note.meta.get("confidence")),
                             round(self.labels.strength[i], 3), round(self.labels.pro[i], 3), round(self.labels.con[i], 3),
                             counts.get(note.path, 0)))
        rows.sort()
        return rows

    def _specs(self) -> list[PageSpec]:
        specs = [PageSpec(self.refs[i].href or "", fingerprint(self.note_inputs(i)), "note", i, n.path)
                 for i, n in enumerate(self.notes)]
        self.claim_t = claim_t = self._claim_t()

        def rows_key(rows: list[tuple[Any, ...]]) -> str:
            return fingerprint((KEY_FORMAT, self.title, tuple(self.ref_t[r[1]] + r[2:] for r in rows)))

        specs.append(PageSpec("claims.html", rows_key(claim_t), "claims", ("all", None)))
        for domain, out in self.domains.items():
            specs.append(PageSpec(out, rows_key([r for r in claim_t if r[2] == domain]), "claims", ("domain", domain)))
        for status in STATUSES:
            specs.append(PageSpec(f"status/{status}.html", rows_key([r for r in claim_t if self.ref_t[r[1]][3] == status]),
                                  "claims", ("status", status)))
        counts = Counter(f.path for f in self.result.findings)
        specs.append(PageSpec("notes.html", fingerprint((KEY_FORMAT, tuple(
            (self.ref_t[i], n.path, counts.get(n.path, 0)) for i, n in enumerate(self.notes)))), "notes"))
        wanted = self.wanted_rows()
        specs.append(PageSpec("wanted.html", fingerprint((KEY_FORMAT, tuple(
            (w.name, w.count, w.more, tuple((r.href, r.name, r.status) for r in w.linkers)) for w in wanted))), "wanted", wanted))
        experiments = self.experiments_page()
        specs.append(PageSpec("experiments.html", page_key(experiments), "experiments", experiments))
        specs.append(PageSpec("lint.html", fingerprint((KEY_FORMAT, self.result.files, tuple(
            (f.path, f.line, f.col, f.severity, f.code, f.rule, f.message) for f in self.result.findings))), "lint"))
        home = self.home_page(wanted[:10], experiments)
        specs.append(PageSpec("index.html", page_key(home), "home", home))
        for out, title, template, noindex in (
            ("search.html", "Search", "search.html", False),
            ("graph.html", "The whole graph", "graph.html", False),
            ("404.html", "Page not found", "404.html", True),
        ):
            page = StaticPage(out, title, template, noindex)
            specs.append(PageSpec(out, page_key(page), "static", page))
        return specs

    def page(self, spec: PageSpec) -> Any:
        """The full model of the page `spec` describes."""
        kind = spec.kind
        if kind == "note":
            return self.note_page(spec.arg)
        if kind == "claims":
            how, which = spec.arg
            rows = [self._claim_row(r) for r in self.claim_t
                    if how == "all" or (how == "domain" and r[2] == which) or (how == "status" and self.ref_t[r[1]][3] == which)]
            if how == "all":
                return TablePage(spec.out, "All claims", "Every arguable note, with the status the argument gives it.", rows)
            if how == "domain":
                return TablePage(spec.out, f"Domain: {which}", f"The claims of domain '{which}'.", rows)
            return TablePage(spec.out, f"Status: {which}", _STATUS_TEXT[which], rows)
        if kind == "notes":
            counts = Counter(f.path for f in self.result.findings)
            rows = [NoteRow(self.refs[i], n.path.rsplit("/", 1)[0] if "/" in n.path else "", counts.get(n.path, 0))
                    for i, n in enumerate(self.notes)]
            rows.sort(key=lambda r: (r.ref.type, r.ref.name.casefold()))
            return NotesPage(spec.out, "All notes", rows)
        if kind == "wanted":
            return WantedPage(spec.out, "Most-wanted missing claims", spec.arg)
        if kind == "lint":
            return self.lint_page()
        return spec.arg  # experiments, home and static pages were made whole for their fingerprint

    def _claim_row(self, r: tuple[Any, ...]) -> ClaimRow:
        _, i, domain, confidence, strength, pro, con, findings = r
        return ClaimRow(self.refs[i], domain, self.domains[domain], confidence, strength, pro, con, findings)

    # ---- small helpers
    def domain_of(self, note: Note) -> str:
        value = note.meta.get("domain")
        return value.strip() if isinstance(value, str) and value.strip() else "(no domain)"

    def _domains(self) -> dict[str, str]:
        found = sorted({self.domain_of(n) for n in self.notes if n.arguable}, key=str.casefold)
        slugs = [slugify(d) or "domain" for d in found]
        counts = Counter(slugs)
        return {d: f"domains/{s if counts[s] == 1 else s + '-' + short_hash(d)}.html" for d, s in zip(found, slugs)}

    def resolve(self, text: str) -> Ref:
        """A link written as text (`[[x]]` inside, or a bare name) as a Ref, resolved like the graph."""
        target, _, alias = names.split_target(text.strip().strip("[]") if text.strip().startswith("[[") else text)
        hits = self.graph.find(target) if target else []
        if len(hits) == 1:
            return self.refs[hits[0]]
        status = "ambiguous" if len(hits) > 1 else "missing"
        return Ref(None, alias or target or text, "", status)

    def value(self, v: Any, links: bool, depth: int = 0) -> Value:
        if depth > 8:
            return Value("text", "…")
        if isinstance(v, dict):
            return Value("map", items=[(str(k), self.value(x, links, depth + 1)) for k, x in v.items()])
        if isinstance(v, list):
            return Value("seq", items=[self.value(x, links, depth + 1) for x in v])
        if isinstance(v, str):
            if "[[" in v:
                parts: list[Value] = []
                pos = 0
                for m in _WIKI.finditer(v):
                    if m.start() > pos:
                        parts.append(Value("text", v[pos:m.start()]))
                    parts.append(self._link_value(m.group(1)))
                    pos = m.end()
                if pos < len(v):
                    parts.append(Value("text", v[pos:]))
                return parts[0] if len(parts) == 1 else Value("parts", items=parts)
            if links and v.strip():
                return self._link_value(v)
            return Value("text", v)
        if isinstance(v, bool):
            return Value("text", "true" if v else "false")
        if v is None:
            return Value("text", "")
        if isinstance(v, float):
            return Value("text", _num(v))
        return Value("text", str(v))

    def _link_value(self, inner: str) -> Value:
        ref = self.resolve(inner)
        return Value("link" if ref.href else "missing", ref.name, ref)

    # ---- note pages
    def note_page(self, i: int) -> NotePage:
        note = self.notes[i]
        labels = self.labels
        arguable = note.arguable
        meta = note.meta
        rows = [(k, self.value(v, k in LINK_FIELDS)) for k, v in meta.items() if k not in _HIDDEN_META]
        findings = [
            FindingView(f.severity, f.code, f.rule, f.line, f.col, f.message)
            for f in sorted(self.findings.get(note.path, ()), key=lambda f: (severity_rank(f.severity), f.line, f.col))
        ]
        args_for: list[ArgView] = []
        args_against: list[ArgView] = []
        if arguable:
            for a in labels.by_target[i]:
                arg = labels.arguments[a]
                sources = sorted({self.refs[s].name: self.refs[s] for s in arg.sources if s != NO_SOURCE}.values(),
                                 key=lambda r: r.name.casefold())
                note_text = ""
                if NO_SOURCE in arg.sources:
                    note_text = "a premise that is not in the base" if arg.kind == DEPENDS_ON else f"free-text source: {meta.get('source', '')}"
                view = ArgView(
                    "for" if arg.sign == PRO else "against",
                    _ARG_KIND.get(arg.kind, arg.kind),
                    "undecided" if arg.value is None else _num(arg.value),
                    arg.circular,
                    sources,
                    note_text,
                )
                (args_for if arg.sign == PRO else args_against).append(view)
            order = lambda v: (-(float(v.weight) if v.weight != "undecided" else -1.0), v.kind)  # noqa: E731
            args_for.sort(key=order)
            args_against.sort(key=order)
        grouped: dict[tuple[str, str], dict[int, None]] = {}
        edges = self.graph.edges
        for e in self.graph.out_edges[i]:
            edge = edges[e]
            grouped.setdefault((edge.kind, "out"), {})[edge.dst] = None
        for e in self.graph.in_edges[i]:
            edge = edges[e]
            if edge.src != i:
                grouped.setdefault((edge.kind, "in"), {})[edge.src] = None
        refs_of = self.refs
        sort_key = self.sort_key.__getitem__
        ordered = {key: [refs_of[j] for j in sorted(members, key=sort_key)] for key, members in grouped.items()}
        relations: list[Relation] = []
        for key, label in RELATIONS:
            refs = ordered.get(key)
            if not refs or (arguable and key in _ARGUED):
                continue
            relations.append(Relation(label, refs[:MAX_LISTED], max(0, len(refs) - MAX_LISTED)))
        hood = neighbourhood(refs_of[i], ordered)
        title = _plain_title(note.title) or note.name
        status = labels.status[i]
        conf = note.confidence or (str(meta.get("confidence")) if meta.get("confidence") is not None else "")
        return NotePage(
            out=self.refs[i].href or "",
            path=note.path,
            name=note.name,
            title=title,
            type=note.type or "note",
            status=status,
            arguable=arguable,
            strength=_num(labels.strength[i]),
            pro=_num(labels.pro[i]),
            con=_num(labels.con[i]),
            confidence=conf,
            standard_met=labels.meets_standard(i, note.confidence) if arguable and note.confidence else None,
            description=_text(meta.get("description")),
            meta=rows,
            findings=findings,
            args_for=args_for,
            args_against=args_against,
            relations=relations,
            graph=hood,
            experiment=self.experiment_view(i) if note.type == "experiment" else None,
            evidence=self.evidence_view(i) if note.type == "evidence" else None,
            links=self.body_links(note),
            digest=note.digest,
            readable=note.readable,
        )

    def body_links(self, note: Note) -> list[WikiLink]:
        out: list[WikiLink] = []
        for link in note.links:
            if link.field is not None:
                continue
            shown = link.alias or (f"{link.target} › {link.heading}" if link.heading and link.target else link.target or link.heading or "")
            inner = link.target + (f"#{link.heading}" if link.heading else "") + (f"|{link.alias}" if link.alias else "")
            j = self.target_of.get(id(link))
            problem = self.unresolved.get(id(link))
            if j is not None:
                ref = self.refs[j]
                href = ref.href
                css = f"wikilink status-{ref.status}"
                tip = ref.name
                if link.heading:
                    if problem is not None and problem.reason == "heading":
                        css += " missing-heading"
                        tip = f"{ref.name} (no heading '{link.heading}' there)"
                    else:
                        href = f"{href}#{heading_id(link.heading)}"
                out.append(WikiLink(href, shown, css, tip, inner))
            elif not link.target and link.heading:  # [[#heading]]: a heading of this same note
                out.append(WikiLink("#" + heading_id(link.heading), shown, "wikilink", link.heading, inner))
            else:
                reason = problem.reason if problem is not None else "missing"
                tip = {
                    "ambiguous": f"ambiguous: several notes are named '{link.target}'",
                    "outside": "the path leads outside the base",
                }.get(reason, f"no note named '{link.target}' in this base")
                css = "wikilink missing" if reason == "missing" else f"wikilink missing {reason}"
                out.append(WikiLink(None, shown, css, tip, inner))
        return out

    def _evidence_summary(self, j: int) -> EvidenceSummary:
        meta = self.notes[j].meta
        run = meta.get("run") if isinstance(meta.get("run"), dict) else {}
        date = _text(run.get("finished") or run.get("started") or meta.get("created"))
        status = meta.get("status")
        current = status in _CURRENT_EVIDENCE and meta.get("smoke") is not True
        verdicts = []
        for item in meta.get("verdicts") or []:
            if isinstance(item, dict) and isinstance(item.get("claim"), str):
                verdicts.append((self.resolve(item["claim"]), _text(item.get("verdict"))))
        return EvidenceSummary(self.refs[j], date, current, verdicts)

    def evidence_of(self, i: int) -> list[EvidenceSummary]:
        found = {}
        for e in self.graph.in_edges[i]:
            edge = self.graph.edges[e]
            if edge.kind == GENERATED_BY and self.notes[edge.src].type == "evidence":
                found[edge.src] = None
        summaries = [self._evidence_summary(j) for j in found]
        summaries.sort(key=lambda s: (s.current, s.date, s.ref.name), reverse=True)
        return summaries

    def experiment_view(self, i: int) -> ExperimentView:
        meta = self.notes[i].meta
        job = meta.get("job") if isinstance(meta.get("job"), dict) else {}
        predictions = []
        for item in meta.get("tests") or []:
            if not isinstance(item, dict):
                continue
            p = item.get("prediction") if isinstance(item.get("prediction"), dict) else {}
            predictions.append(PredictionRow(
                self.resolve(str(item.get("claim", ""))), _text(p.get("metric")), _text(p.get("direction")),
                _text(p.get("sesoi")), _text(p.get("statistic")), _text(p.get("alpha")), _text(item.get("text")),
            ))
        seeds = job.get("seeds")
        return ExperimentView(
            run=_text(job.get("run")),
            seeds=", ".join(str(s) for s in seeds) if isinstance(seeds, list) else _text(seeds),
            params=self.value(job["params"], False) if isinstance(job.get("params"), dict) else None,
            predictions=predictions,
            evidence=self.evidence_of(i),
        )

    def evidence_view(self, i: int) -> EvidenceView:
        note = self.notes[i]
        meta = note.meta
        experiment = None
        sesoi_by: dict[tuple[str, str], float] = {}
        for e in self.graph.out_edges[i]:
            edge = self.graph.edges[e]
            if edge.kind == GENERATED_BY:
                experiment = self.refs[edge.dst]
                sesoi_by = _sesois(self.notes[edge.dst], self.graph)
        verdicts = []
        for item in meta.get("verdicts") or []:
            if not isinstance(item, dict):
                continue
            claim = self.resolve(str(item.get("claim", "")))
            est = _number(item.get("estimate"))
            lo, hi = _interval(item)
            sesoi = _number(item.get("sesoi"))
            if sesoi is None:
                sesoi = sesoi_by.get((claim.name, _text(item.get("metric"))))
            verdicts.append(VerdictRow(
                claim, _text(item.get("verdict")), _text(item.get("metric")), _num(est) if est is not None else "",
                _interval_text(lo, hi), _text(item.get("statistic")), _text(item.get("reason")),
                interval_bar(est, lo, hi, sesoi),
            ))
        metrics = []
        raw_metrics = meta.get("metrics")
        if isinstance(raw_metrics, dict):
            for name, value in raw_metrics.items():
                metrics.append(_metric_row(str(name), value))
        status = _text(meta.get("status")) or "current"
        return EvidenceView(
            experiment=experiment,
            status=status,
            smoke=meta.get("smoke") is True,
            counts=self.labels.state[i] == IN,
            verdicts=verdicts,
            metrics=metrics,
            run=self.value(meta["run"], False) if isinstance(meta.get("run"), dict) else None,
            plots=_plots(self.base.root, note),
        )

    # ---- index pages
    def wanted_rows(self, limit: int | None = None) -> list[WantedRow]:
        linkers: dict[str, dict[int, None]] = {}
        shown: dict[str, str] = {}
        for u in self.graph.unresolved:
            if u.reason != "missing":
                continue
            linkers.setdefault(u.link.key, {})[u.owner] = None
            shown.setdefault(u.link.key, u.link.target)
        ranked = sorted(linkers.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        if limit is not None:
            ranked = ranked[:limit]
        rows = []
        for key, owners in ranked:
            refs = sorted((self.refs[j] for j in owners), key=lambda r: r.name.casefold())
            rows.append(WantedRow(shown[key], len(owners), refs[:20], max(0, len(refs) - 20)))
        return rows

    def experiments_page(self) -> ExperimentsPage:
        rows = []
        for i, note in enumerate(self.notes):
            if note.type != "experiment":
                continue
            tests = [self.refs[self.graph.edges[e].dst] for e in self.graph.out_edges[i] if self.graph.edges[e].kind == TESTS]
            runs = self.evidence_of(i)
            rows.append(ExperimentRow(self.refs[i], _text(note.meta.get("description")), tests, runs[0] if runs else None, len(runs)))
        rows.sort(key=lambda r: r.ref.name.casefold())
        return ExperimentsPage("experiments.html", "Experiments and their latest verdicts", rows)

    def home_page(self, wanted: list[WantedRow], experiments: ExperimentsPage) -> HomePage:
        claims = [self.ref_t[r[1]][3] for r in self.claim_t]
        status_counts = Counter(claims)
        by_type = Counter(n.type or "note" for n in self.notes)
        groups = []
        for domain, out in self.domains.items():
            per = Counter(self.ref_t[r[1]][3] for r in self.claim_t if r[2] == domain)
            groups.append(Group(domain, out, sum(per.values()), [(s, per[s]) for s in STATUSES if per[s]]))
        severity = Counter(f.severity for f in self.result.findings)
        return HomePage(
            "index.html", self.title, len(self.notes), len(claims),
            [(s, status_counts[s], f"status/{s}.html") for s in STATUSES],
            sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])),
            groups,
            sorted(severity.items(), key=lambda kv: severity_rank(kv[0])),
            wanted,
            len(experiments.rows),
            by_type.get("evidence", 0),
        )

    def lint_page(self) -> LintPage:
        from ..rules import by_name

        by_path = {n.path: i for i, n in enumerate(self.notes)}
        rule_counts = Counter(f.rule for f in self.result.findings)
        by_rule = []
        for slug, count in sorted(rule_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            r = by_name(slug)
            by_rule.append(RuleCount(r.code if r else "", slug, r.severity if r else "", count))
        severity = Counter(f.severity for f in self.result.findings)
        rows = []
        for f in self.result.findings:
            i = by_path.get(f.path)
            rows.append(LintRow(self.refs[i] if i is not None else None, f.path,
                                FindingView(f.severity, f.code, f.rule, f.line, f.col, f.message)))
        return LintPage("lint.html", "Lint summary", self.result.files,
                        sorted(severity.items(), key=lambda kv: severity_rank(kv[0])), by_rule, rows)


_STATUS_TEXT = {
    "supported": "Claims the argument carries: their strongest argument for outweighs the strongest against.",
    "unsupported": "Claims with no argument for them that stands.",
    "undermined": "Claims left unsupported because a premise they depend on does not stand (or was never written).",
    "circular": "Claims whose only support comes round in a circle.",
    "contradicted": "Claims whose strongest argument against outweighs the strongest for.",
    "contested": "Claims caught in a tie, an attack cycle, or resting on a contested premise.",
}


# -- value helpers --------------------------------------------------------------------------------
def _num(x: Any) -> str:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return _text(x)
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return f"{x:.4g}"


def _text(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return _num(x)
    if isinstance(x, (list, tuple)):
        return ", ".join(_text(v) for v in x)
    return str(x)


def _number(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if math.isfinite(x) else None


def _interval(item: dict) -> tuple[float | None, float | None]:
    ci = item.get("ci")
    if isinstance(ci, (list, tuple)) and len(ci) == 2:
        return _number(ci[0]), _number(ci[1])
    for lo_key, hi_key in (("ci_low", "ci_high"), ("low", "high"), ("lo", "hi"), ("lower", "upper")):
        if lo_key in item or hi_key in item:
            return _number(item.get(lo_key)), _number(item.get(hi_key))
    return None, None


def _interval_text(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return ""
    return f"[{_num(lo) if lo is not None else '−∞'}, {_num(hi) if hi is not None else '∞'}]"


def _metric_row(name: str, value: Any) -> MetricRow:
    if isinstance(value, dict):
        est = None
        for k in ("estimate", "mean", "value", "median"):
            est = _number(value.get(k))
            if est is not None:
                break
        lo, hi = _interval(value)
        seeds = value.get("per_seed", value.get("values", value.get("seeds")))
        per_seed = ", ".join(_num(v) for v in seeds) if isinstance(seeds, list) else (
            ", ".join(f"{k}: {_num(v)}" for k, v in seeds.items()) if isinstance(seeds, dict) else "")
        n = value.get("n")
        n_text = _text(n) if n is not None else (str(len(seeds)) if isinstance(seeds, (list, dict)) else "")
        return MetricRow(name, _num(est) if est is not None else "", _interval_text(lo, hi), n_text, per_seed,
                         interval_bar(est, lo, hi, None))
    if isinstance(value, list):
        nums = [v for v in (_number(x) for x in value) if v is not None]
        mean = sum(nums) / len(nums) if nums else None
        return MetricRow(name, _num(mean) if mean is not None else "", "", str(len(value)),
                         ", ".join(_num(v) for v in value), None)
    return MetricRow(name, _num(value), "", "", "", None)


BAR_WIDTH = 180


def interval_bar(est: float | None, lo: float | None, hi: float | None, sesoi: float | None) -> IntervalBar | None:
    """Pixel positions for an interval drawn on a strip that also shows 0 and ±SESOI."""
    if lo is None or hi is None or lo > hi:
        return None
    points = [lo, hi, 0.0] + ([est] if est is not None else []) + ([sesoi, -sesoi] if sesoi else [])
    a, b = min(points), max(points)
    if b - a <= 0:
        a, b = a - 1, b + 1
    pad = (b - a) * 0.08
    a, b = a - pad, b + pad
    scale = lambda x: round((x - a) / (b - a) * BAR_WIDTH, 1)  # noqa: E731
    return IntervalBar(
        BAR_WIDTH, scale(lo), scale(est) if est is not None else None, scale(hi), scale(0.0),
        [scale(s) for s in ((sesoi, -sesoi) if sesoi else ())], _num(lo), _num(hi),
    )


def _sesois(experiment: Note, graph) -> dict[tuple[str, str], float]:
    """(claim name, metric) -> the SESOI the experiment declared for that prediction."""
    out: dict[tuple[str, str], float] = {}
    for item in experiment.meta.get("tests") or []:
        if not isinstance(item, dict) or not isinstance(item.get("prediction"), dict):
            continue
        sesoi = _number(item["prediction"].get("sesoi"))
        claim = item.get("claim")
        if sesoi is None or not isinstance(claim, str):
            continue
        target, _, _ = names.split_target(claim.strip().strip("[]"))
        hits = graph.find(target)
        if len(hits) == 1:
            out[(graph.notes[hits[0]].name, _text(item["prediction"].get("metric")))] = sesoi
    return out


def _plots(root, note: Note) -> list[Plot]:
    """Plot files kept beside an evidence note, in `<folder>/<note name>/` (see docs/jobs.md)."""
    folder = note.path[:-3] if note.path.lower().endswith(".md") else note.path
    directory = os.path.join(root, *folder.split("/"))
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return []
    plots = []
    for entry in entries:
        if entry.name.startswith(".") or assets.kind_of(entry.name) not in ("svg", "png", "jpg", "jpeg", "gif", "webp"):
            continue
        stem = entry.name.rsplit(".", 1)[0]
        plots.append(Plot(f"{folder}/{entry.name}", stem.replace("_", " ").replace("-", " ")))
    return plots


def display_name(note: Note) -> str:
    """How a note is named in lists: its file name, except for generic names such as `_map`,
    which say nothing about the note; those show the note's title or its path."""
    if note.name.lower() in ("_map", "index", "readme", "_index"):
        title = _plain_title(note.title)
        return title or (note.path[:-3] if note.path.lower().endswith(".md") else note.path)
    return note.name


def _plain_title(title: str | None) -> str:
    if not title:
        return ""
    return _WIKI.sub(lambda m: (names.split_target(m.group(1))[2] or names.split_target(m.group(1))[0]), title).strip()
