"""Tests for the synthetic claim-base generator (bench/synth.py).

The generator feeds the lint benchmark, so what matters is that its output is reproducible, that
every defect it claims to plant is really there, and that everything it does not list as defective
is a well-formed note whose links resolve (or point to a name it lists as never written).
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import re
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _load_synth():
    # bench/ is a folder of scripts, not a package: load the module from its file.
    spec = importlib.util.spec_from_file_location("bench_synth", ROOT / "bench" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


synth = _load_synth()

N_NOTES = 200
SEED = 7
GRAPH_DEFECTS = {"depends-cycle", "self-link", "duplicate-name"}  # valid files, bad graph
YAML_ERRORS = {"bad-date", "undefined-alias", "unclosed-quote"}

CODE_OR_COMMENT = re.compile(r"```.*?```|`[^`\n]*`|<!--.*?-->", re.S)
WIKI_LINK = re.compile(r"\[\[([^\]]+)\]\]")


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _target(link: str) -> str:
    """The name or path a link points to: brackets, alias and heading stripped."""
    inner = link[2:-2] if link.startswith("[[") and link.endswith("]]") else link
    return _key(inner.split("|", 1)[0].split("#", 1)[0])


def _split(text: str) -> tuple[str, str]:
    assert text.startswith("---\n"), "no frontmatter"
    end = text.index("\n---\n", 4)
    return text[4:end], text[end + 5:]


def _links(meta: dict, body: str) -> list[str]:
    """Every link target of a note: frontmatter lists, `source:` text and the body outside code."""
    found = [_target(item) for field in ("depends_on", "challenged_by", "sources")
             for item in meta.get(field) or []]
    found += [_target(m.group(0)) for m in WIKI_LINK.finditer(str(meta.get("source", "")))]
    found += [_target(m.group(0)) for m in WIKI_LINK.finditer(CODE_OR_COMMENT.sub("", body))]
    return found


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    return out, synth.generate(out, N_NOTES, seed=SEED)


@pytest.fixture(scope="module")
def notes(base):
    """Parsed frontmatter and body of every file not carrying a text- or byte-level defect."""
    out, stats = base
    skip = {p for kind, paths in stats.defects.items() if kind not in GRAPH_DEFECTS for p in paths}
    parsed = {}
    for path in sorted(out.rglob("*.md")):
        rel = path.relative_to(out).as_posix()
        if rel not in skip:
            fm, body = _split(path.read_text(encoding="utf-8"))
            parsed[rel] = (yaml.safe_load(fm), body)
    return parsed


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(base, tmp_path):
    out, stats = base
    again = synth.generate(tmp_path / "again", N_NOTES, seed=SEED)
    assert _digest(out) == _digest(tmp_path / "again")
    assert again.defects == stats.defects and again.n_links == stats.n_links
    synth.generate(tmp_path / "other", N_NOTES, seed=SEED + 1)
    assert _digest(out) != _digest(tmp_path / "other")


def test_file_count_types_and_shared_map_name(base):
    out, stats = base
    files = list(out.rglob("*.md"))
    assert len(files) == N_NOTES == sum(stats.by_type.values())
    assert stats.n_bytes == sum(f.stat().st_size for f in files)
    assert set(stats.by_type) == {"claim", "source", "entity", "musing", "map"}
    assert stats.by_type["claim"] > N_NOTES / 2
    assert sum(f.name == "_map.md" for f in files) > 5
    assert any(not f.stem.isascii() for f in files), "some names carry accents"
    assert any(f.stem != unicodedata.normalize("NFC", f.stem) for f in files), "some are NFD"


def test_every_requested_defect_kind_is_planted(base):
    out, stats = base
    assert list(stats.defects) == list(synth.DEFECT_KINDS)
    assert all(stats.defects.values())
    raw = {kind: [(out / p).read_bytes() for p in paths] for kind, paths in stats.defects.items()}
    assert all(b"\x00" in data for data in raw["binary"])
    for data in raw["non-utf8"]:
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    assert all(d.startswith(b"\xef\xbb\xbf---\r\n") and b"\r\n" in d for d in raw["bom-crlf"])

    def meta(data: bytes):
        return yaml.safe_load(_split(data.decode("utf-8"))[0])

    for kind in YAML_ERRORS:
        for data in raw[kind]:
            # PyYAML reports an impossible date as a plain ValueError, not a YAMLError.
            with pytest.raises((yaml.YAMLError, ValueError)):
                meta(data)
    assert all(meta(d)["confidence"] not in synth.CONFIDENCES for d in raw["bad-confidence"])
    assert all(b"{{" in d for d in raw["placeholder"])
    for data in raw["missing-field"]:
        assert {"type", "description", "confidence"} - set(meta(data))


def test_requested_kinds_only_and_clean_base(tmp_path):
    stats = synth.generate(tmp_path / "some", 120, seed=1, defect_kinds=("binary", "bad-date"))
    assert list(stats.defects) == ["binary", "bad-date"]
    clean = synth.generate(tmp_path / "clean", 120, seed=1, defect_rate=0)
    assert clean.defects == {} and clean.defective_files() == set()
    for path in (tmp_path / "clean").rglob("*.md"):
        assert isinstance(yaml.safe_load(_split(path.read_text(encoding="utf-8"))[0]), dict)


def test_valid_files_have_well_typed_frontmatter(notes):
    assert len(notes) > N_NOTES * 0.8
    for rel, (meta, _) in notes.items():
        assert isinstance(meta, dict) and meta["type"] in {"claim", "source", "entity", "musing",
                                                           "map"}, rel
        if meta["type"] == "claim":
            assert meta["confidence"] in synth.CONFIDENCES, rel
            assert isinstance(meta["description"], str) and "{{" not in meta["description"], rel
            assert isinstance(meta["created"], datetime.date), rel
        if meta["type"] == "source":
            assert isinstance(meta["title"], str), rel


def test_links_resolve_by_casefolded_nfc_name_or_path(base, notes):
    out, stats = base
    names = {_key(p.stem) for p in out.rglob("*.md")}
    paths = {_key(p.relative_to(out).with_suffix("").as_posix()) for p in out.rglob("*.md")}
    wanted = {_key(w) for w in stats.wanted}
    resolved = unwritten = 0
    for rel, (meta, body) in notes.items():
        for target in _links(meta, body):
            if target in names or target in paths:
                resolved += 1
            else:
                assert target in wanted, f"{rel}: unresolved link {target!r}"
                unwritten += 1
    assert resolved > 10 * unwritten > 0


def test_graph_defects(base, notes):
    out, stats = base
    keyed = {_key(Path(rel).stem): rel for rel in notes}
    deps = {rel: {_target(d) for d in meta.get("depends_on") or []}
            for rel, (meta, _) in notes.items()}
    for rel in stats.defects["self-link"]:
        meta, body = notes[rel]
        assert _key(Path(rel).stem) in _links(meta, body)
    cycle = stats.defects["depends-cycle"]
    for rel in cycle:  # every member can reach itself through depends_on inside the group
        seen, todo = set(), [keyed[t] for t in deps[rel] if keyed.get(t) in cycle]
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo += [keyed[t] for t in deps[node] if keyed.get(t) in cycle]
        assert rel in seen
    a, b = stats.defects["duplicate-name"][:2]
    assert Path(a).name == Path(b).name and Path(a).parent != Path(b).parent

    # Outside the planted cycles and self-links, depends_on is acyclic (premises come earlier).
    planted = set(cycle) | set(stats.defects["self-link"])
    graph = {rel: [keyed[t] for t in ts if t in keyed and keyed[t] not in planted]
             for rel, ts in deps.items() if rel not in planted}
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        state[node] = 1
        for nxt in graph.get(node, []):
            assert state.get(nxt) != 1, f"unplanted depends_on cycle through {nxt}"
            if nxt not in state:
                visit(nxt)
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)


def test_extra_notes_hook_writes_more_files(tmp_path):
    def experiments(catalog, rng):
        claim = catalog.claims[0]
        yield "experiments/probe.md", f"---\ntype: experiment\ntests: [{{claim: '{claim.name}'}}]\n---\n".encode()

    stats = synth.generate(tmp_path, 100, seed=3, defect_rate=0, extra_notes=experiments)
    assert stats.by_type["extra"] == 1
    assert (tmp_path / "experiments" / "probe.md").is_file()
