"""`claims site build` through the command line and the library: what pages show, incremental
rebuilds, safety of the output folder, interrupted builds, search and graph data."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from claimbase.base import open_base
from claimbase.config import load
from claimbase.lint import lint
from claimbase.site import build as site_build
from claimbase.site.layout import layout
from conftest import ROOT, claim, evidence, run_cli, source
from hostile import PNG_BYTES, SVG_ATTACK, SVG_GOOD

PLOT_NOTE = "evidence/run-a.md"


def small_base(make) -> Path:
    return make({
        "claims/the sky is blue.md": claim("The sky looks blue.", "likely", sources=["Rayleigh 1871"],
                                           body="# The sky is blue\n\nBecause of [[scattering|Rayleigh scattering]] "
                                                "and [[a claim nobody wrote]].\n\n## Mechanism\n\nShort waves scatter.\n"),
        "claims/scattering.md": claim("Short wavelengths scatter more.", "speculative",
                                      body="See [[the sky is blue#Mechanism]].\n"),
        "claims/the sea is green.md": claim("The sea looks green.", "proven", depends_on=["the sky is blue"]),
        "sources/Rayleigh 1871.md": source("On the light from the sky", year=1871),
        PLOT_NOTE: evidence({"the sky is blue": "supports"}, experiment="[[sky experiment]]")
        + "\n![The curve](run-a/curve.svg)\n",
        "evidence/run-a/curve.svg": SVG_GOOD,
        "evidence/run-a/attack.svg": SVG_ATTACK,
        "evidence/run-a/fake.png": "<html>not a png</html>",
        "evidence/run-a/dot.png": PNG_BYTES,
        "experiments/sky experiment.md": "---\ntype: experiment\ndescription: Measure the sky.\ntests:\n"
        "  - claim: \"[[the sky is blue]]\"\n    prediction: {metric: blueness, direction: greater, sesoi: 0.1}\n"
        "job: {run: 'pkg.sky:run', seeds: [1, 2]}\n---\nRun it.\n",
    })


def build(base: Path, out: Path, *extra: str):
    return run_cli("site", "build", str(base), "--out", str(out), *extra)


def written(result) -> int:
    m = re.search(r"\((\d+) written", result.out)
    assert m, result.out + result.err
    return int(m.group(1))


def page(out: Path, name: str) -> str:
    return (out / "notes" / f"{name}.html").read_text(encoding="utf-8")


@pytest.fixture
def built(base_dir, tmp_path):
    base = small_base(base_dir)
    out = tmp_path / "site"
    result = build(base, out)
    assert result.code == 0, result.err
    return base, out, result


def test_every_page_is_written(built) -> None:
    base, out, result = built
    for rel in ("index.html", "claims.html", "notes.html", "wanted.html", "experiments.html", "lint.html",
                "graph.html", "search.html", "404.html", "status/supported.html", "assets/site.css",
                "assets/search.js", "assets/graph.js", "search/meta.js", "search/delta.js", "graph/data.js",
                ".claims-site/manifest.json"):
        assert (out / rel).is_file(), rel
    assert len(list((out / "notes").glob("*.html"))) == 6
    assert written(result) == len(list(out.rglob("*.html")))


def test_note_page_shows_status_argument_findings_and_links(built) -> None:
    _, out, _ = built
    sky = page(out, "the-sky-is-blue")
    assert '<span class="badge status-supported">supported</span>' in sky
    assert "Rayleigh scattering</a>" in sky and 'href="../notes/scattering.html"' in sky
    assert '<span class="wikilink missing"' in sky and "a claim nobody wrote</span>" in sky
    assert "broken-link" in sky and "Lint findings" in sky  # the linter's finding for the missing link
    assert sky.count("<h1>") == 1  # the body's own title line is not repeated
    assert 'id="h-mechanism"' in sky
    assert "What depends on it" in sky and "the sea is green" in sky
    assert "Supported by" not in sky and "supported by" in sky  # shown as weighted arguments for a claim
    assert '<svg class="hood"' in sky
    scattering = page(out, "scattering")
    assert 'href="../notes/the-sky-is-blue.html#h-mechanism"' in scattering
    sea = page(out, "the-sea-is-green")
    assert "overconfident-claim" in sea and "weakest premise" in sea  # proven, but rests on a likely premise


def test_evidence_and_experiment_pages(built) -> None:
    _, out, _ = built
    run = page(out, "run-a")
    copied = {p.name.split("-", 1)[1] for p in (out / "files").iterdir()}
    assert copied == {"curve.svg", "attack.svg", "dot.png"}  # fake.png is not a PNG: not copied
    assert run.count("curve.svg") == 1  # embedded in the body, so not repeated in the gallery
    assert "attack.svg" in run and "dot.png" in run
    attack = next((out / "files").glob("*attack.svg")).read_text()
    assert "script" not in attack and "evil.example" not in attack and "onload" not in attack
    assert "sky experiment" in run and "supports" in run
    experiment = page(out, "sky-experiment")
    assert "blueness" in experiment and "pkg.sky:run" in experiment and "run-a" in experiment
    index = (out / "experiments.html").read_text()
    assert "sky experiment" in index and "verdict-supports" in index


def test_index_pages(built) -> None:
    _, out, _ = built
    claims = (out / "claims.html").read_text()
    assert claims.count("<tr>") == 4 and 'class="sortable claims"' in claims
    assert "a claim nobody wrote" in (out / "wanted.html").read_text()
    lint_page = (out / "lint.html").read_text()
    assert "broken-link" in lint_page and "overconfident-claim" in lint_page
    home = (out / "index.html").read_text()
    assert "Claims by status" in home and "Most-wanted missing claims" in home


def test_nothing_changed_nothing_written(built) -> None:
    base, out, _ = built
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build(base, out)
    assert again.code == 0 and written(again) == 0
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and ".claims-site" not in p.parts}
    assert all(before[p] == t for p, t in after.items())


def test_an_edited_body_rewrites_one_page_and_indexes_its_words(built) -> None:
    base, out, _ = built
    with open(base / "claims" / "scattering.md", "a", encoding="utf-8") as fh:
        fh.write("\nA new word: zyzzyva.\n")
    again = build(base, out)
    assert again.code == 0 and written(again) == 1, again.out
    assert "zyzzyva" in page(out, "scattering")
    assert "zyzzyva" in (out / "search" / "delta.js").read_text()
    full = build(base, out, "--full")
    assert written(full) == len(list(out.rglob("*.html")))
    assert "zyzzyva" in (out / "search" / "t" / "zy.js").read_text()
    assert "zyzzyva" not in (out / "search" / "delta.js").read_text()


def test_a_status_change_reaches_every_page_that_shows_it(built) -> None:
    base, out, _ = built
    (base / "evidence" / "run-b.md").write_text(evidence({"the sky is blue": "challenges"}), encoding="utf-8")
    again = build(base, out)
    assert again.code == 0
    assert "badge status-contested" in page(out, "the-sky-is-blue")  # one for, one against: a tie
    assert "status-contested" in page(out, "the-sea-is-green")  # shows its premise's status
    assert "the sky is blue" in (out / "status" / "contested.html").read_text()
    assert "the sky is blue" not in (out / "status" / "supported.html").read_text()


def test_a_deleted_note_disappears_and_its_links_show_as_missing(built) -> None:
    base, out, _ = built
    (base / "claims" / "scattering.md").unlink()
    again = build(base, out)
    assert again.code == 0 and "removed" in again.out
    assert not (out / "notes" / "scattering.html").exists()
    assert '<span class="wikilink missing"' in page(out, "the-sky-is-blue") and "Rayleigh scattering</span>" in page(out, "the-sky-is-blue")


def test_refuses_folders_it_did_not_make(base_dir, tmp_path) -> None:
    base = small_base(base_dir)
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me")
    result = build(base, foreign)
    assert result.code == 2 and "not built by" in result.err and "Traceback" not in result.err
    assert (foreign / "precious.txt").read_text() == "keep me"
    assert build(base, base).code == 2
    assert build(base, base.parent).code == 2
    assert build(base, tmp_path / "s", "--base-url", "javascript:alert(1)").code == 2


def test_files_of_the_user_in_the_output_folder_survive_rebuilds(built) -> None:
    base, out, _ = built
    (out / "CNAME").write_text("example.org")
    (base / "claims" / "scattering.md").unlink()
    assert build(base, out).code == 0
    assert (out / "CNAME").read_text() == "example.org"


def test_base_url_gives_canonical_links_and_a_sitemap(base_dir, tmp_path) -> None:
    base = small_base(base_dir)
    out = tmp_path / "s"
    assert build(base, out, "--base-url", "https://claims.example.org/kb").code == 0
    sitemap = (out / "sitemap.xml").read_text()
    assert "https://claims.example.org/kb/notes/the-sky-is-blue.html" in sitemap
    assert 'rel="canonical" href="https://claims.example.org/kb/index.html"' in (out / "index.html").read_text()
    assert 'href="notes/' in (out / "claims.html").read_text()  # links stay relative


def test_settings_from_pyproject(tmp_path) -> None:
    project = tmp_path / "project"
    (project / "kb" / "claims").mkdir(parents=True)
    (project / "kb" / "claims" / "x.md").write_text(claim("X."), encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.claims]\nbase = "kb"\n[tool.claims.site]\nout = "public"\ntitle = "Our <b>claims</b>"\n')
    result = run_cli("site", "build", cwd=project)
    assert result.code == 0, result.err
    assert "Our &lt;b&gt;claims&lt;/b&gt;" in (project / "public" / "index.html").read_text()
    (project / "pyproject.toml").write_text('[tool.claims]\nbase = "kb"\n[tool.claims.site]\noutput = "x"\n')
    bad = run_cli("site", "build", cwd=project)
    assert bad.code == 2 and "unknown setting [tool.claims.site] output" in bad.err


def test_changed_templates_render_every_page_again(base_dir, tmp_path) -> None:
    base = small_base(base_dir)
    out = tmp_path / "s"
    mine = tmp_path / "mysite"
    shutil.copytree(ROOT / "site", mine)
    assert build(base, out, "--templates", str(mine)).code == 0
    with open(mine / "templates" / "base.html", "a", encoding="utf-8") as fh:
        fh.write("<!-- changed -->\n")
    again = build(base, out, "--templates", str(mine))
    assert written(again) == len(list(out.rglob("*.html")))
    assert build(base, out, "--templates", str(tmp_path / "nothing")).code == 2


def test_an_interrupted_build_leaves_whole_files_and_the_previous_manifest(base_dir, tmp_path, monkeypatch) -> None:
    base = small_base(base_dir)
    out = tmp_path / "s"
    assert build(base, out).code == 0
    manifest = (out / ".claims-site" / "manifest.json").read_bytes()
    with open(base / "claims" / "scattering.md", "a", encoding="utf-8") as fh:
        fh.write("\nChanged.\n")
    (base / "claims" / "new one.md").write_text(claim("New."), encoding="utf-8")
    config = load(base)
    opened = open_base(base, config, use_cache=False)
    result = lint(opened, config)
    calls = {"n": 0}
    real = site_build._render_note

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(site_build, "_render_note", flaky)
    options = site_build.BuildOptions(out=out, title="t", jobs=1)
    with pytest.raises(KeyboardInterrupt):
        site_build.build_site(opened, result, options)
    assert (out / ".claims-site" / "manifest.json").read_bytes() == manifest
    for html in out.rglob("*.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html
    assert not [p for p in out.rglob("*.tmp")]
    monkeypatch.setattr(site_build, "_render_note", real)
    report = site_build.build_site(opened, result, options)
    assert report.rendered >= 2
    assert "Changed." in page(out, "scattering") and (out / "notes" / "new-one.html").exists()


def test_search_index_finds_words_of_titles_and_bodies(built) -> None:
    _, out, _ = built
    meta = (out / "search" / "meta.js").read_text()
    assert meta.startswith("CB_SEARCH.meta(")
    shard = (out / "search" / "t" / "sc.js").read_text()
    data = json.loads(shard[shard.index(",") + 1: shard.rindex(")")])
    assert "scattering" in data["t"] or "scattering" in data["b"]
    docs = "".join(p.read_text() for p in (out / "search" / "d").glob("*.js"))
    assert "notes/scattering.html" in docs and "Short wavelengths scatter more." in docs


def test_graph_data_covers_every_note(built) -> None:
    _, out, _ = built
    text = (out / "graph" / "data.js").read_text()
    data = json.loads(text[len("window.CB_GRAPH="):-2])
    assert len(data["x"]) == len(data["names"]) == 6
    assert all(0 <= v <= 10000 for v in data["x"] + data["y"])
    assert "notes/the-sky-is-blue.html" in data["href"] and len(data["e"]) % 3 == 0


def test_layout_keeps_known_positions_and_places_new_nodes_near_neighbours() -> None:
    paths = [f"n{i}" for i in range(60)]
    edges = [(i, (i + 1) % 60) for i in range(60)] + [(0, 30)]
    first = layout(paths, edges)
    assert first.full and first.xy.shape == (60, 2) and first.xy.min() >= 0 and first.xy.max() <= 1
    cache = {p: tuple(first.xy[i]) for i, p in enumerate(paths)}
    again = layout(paths + ["new"], edges + [(60, 5)], cache)
    assert not again.full
    span = float(again.xy.max() - again.xy.min()) or 1.0
    dist = ((again.xy[60] - again.xy[5]) ** 2).sum() ** 0.5
    others = [((again.xy[60] - again.xy[j]) ** 2).sum() ** 0.5 for j in range(60) if j != 5]
    assert dist < sorted(others)[len(others) // 2] and dist < span
    assert layout(paths, edges, cache).iterations == 0  # nothing new: nothing moves


def test_the_projects_own_claim_base_builds(tmp_path) -> None:
    out = tmp_path / "own"
    result = run_cli("site", "build", str(ROOT / "claims"), "--out", str(out), "--cache-dir", str(tmp_path / "cache"))
    assert result.code == 0, result.err
    assert len(list((out / "notes").glob("*.html"))) == len(list((ROOT / "claims").rglob("*.md")))


def test_permissions_of_written_pages_follow_the_umask(built) -> None:
    _, out, _ = built
    mode = (out / "index.html").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_evidence_written_by_claims_run_is_published_with_its_plots(tmp_path) -> None:
    project = tmp_path / "project"
    (project / "base").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.claims]\nbase = "base"\n', encoding="utf-8")
    (project / "base" / "c.md").write_text(claim("The toy effect is positive.", "experimental"), encoding="utf-8")
    (project / "base" / "toy.md").write_text(
        "---\ntype: experiment\ndescription: A toy that draws.\n"
        "job: {run: 'claimbase.jobs.toy:plots', params: {effect: 0.5, noise: 0.1}, seeds: [0, 1, 2]}\n"
        "tests:\n  - claim: '[[c]]'\n    prediction: {metric: delta, direction: greater, sesoi: 0.1}\n---\nA toy.\n",
        encoding="utf-8",
    )
    ran = run_cli("run", cwd=project, timeout=300)
    assert ran.code == 0, ran.err
    built = run_cli("site", "build", cwd=project)
    assert built.code == 0, built.err
    pages = list((project / "_site" / "notes").glob("toy-run-*.html"))
    assert len(pages) == 1
    html = pages[0].read_text(encoding="utf-8")
    assert 'class="verdict verdict-' in html and '<svg class="interval"' in html and "delta" in html
    copied = sorted(p.name.split("-", 1)[1] for p in (project / "_site" / "files").iterdir())
    assert copied == sorted(f"seed-{s}-delta.{x}" for s in range(3) for x in ("png", "svg"))
    assert len(re.findall(r'src="[^"]*seed-0-delta\.svg"', html)) == 1  # embedded in the body, not repeated
    assert "toy-run-" in (project / "_site" / "experiments.html").read_text(encoding="utf-8")


def test_a_referenced_file_that_appears_later_is_picked_up(built) -> None:
    base, out, _ = built
    with open(base / "claims" / "scattering.md", "a", encoding="utf-8") as fh:
        fh.write("\n![later](figures/later.svg)\n")
    assert build(base, out).code == 0
    assert "broken-image" in page(out, "scattering")
    (base / "claims" / "figures").mkdir()
    (base / "claims" / "figures" / "later.svg").write_text(SVG_GOOD, encoding="utf-8")
    again = build(base, out)
    assert written(again) == 1
    assert "broken-image" not in page(out, "scattering") and "later.svg" in page(out, "scattering")
