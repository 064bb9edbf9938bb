"""Building the site: which pages changed, rendering them, writing them safely, the manifest last.

A build takes the `ClaimBase` and `LintResult` the linter computes and:

1. builds the page models (`pages.py`) and fingerprints each one;
2. compares the fingerprints with the manifest of the previous build in `<out>/.claims-site/`: only
   pages whose fingerprint changed, whose output is missing, or whose copied files changed on disk
   are rendered again (a change of templates, options or tool version renders everything);
3. renders those pages - in forked worker processes when there are many - each worker also indexing
   the text it reads for search and copying the files its pages refer to;
4. writes the search index, the graph data and the static files, when their content changed;
5. removes what the previous build wrote and this one no longer produces;
6. writes the manifest, last and durably.

Every file is written atomically (a temporary file renamed over the old one), so a build interrupted
at any point leaves whole files only; since the manifest is written last, the next build still
compares against what the previous completed build recorded and redoes whatever is not certain.
Nothing is ever written outside the output folder (`slugs.OutDir`), and a folder that is not empty
and was not made by this command is refused rather than overwritten.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .. import __version__, atomic, names
from ..base import ClaimBase
from ..lint import LintResult
from ..semantics import STATUSES
from . import assets, search, slugs
from .fragments import Fragments
from .pages import NotePage, PageSpec, Site, fingerprint
from .render import LinkResolver, WikiLink, drop_title, render_markdown, substitute_links
from .templates import SiteFiles, environment

MANIFEST_DIR = ".claims-site"
MANIFEST = f"{MANIFEST_DIR}/manifest.json"
FORMAT = 2
PARALLEL_MIN = 300  # below this many pages to render, forking workers costs more than it saves
PROGRESS_EVERY = 200

STATUS_HELP = {
    "supported": "the strongest argument for it outweighs the strongest against",
    "unsupported": "no argument for it stands",
    "undermined": "a premise it depends on does not stand",
    "circular": "its only support comes round in a circle",
    "contradicted": "the strongest argument against it outweighs the strongest for",
    "contested": "a tie, an attack cycle, or a contested premise",
    "in": "counts",
    "out": "does not count",
}


class SiteError(Exception):
    """The site cannot be built as asked; the message says why (shown to the user as one line)."""


@dataclass
class BuildOptions:
    out: Path
    title: str
    base_url: str | None = None
    files: SiteFiles | None = None
    jobs: int | None = None
    full: bool = False  # ignore the previous manifest: render and index everything
    relayout: bool = False  # lay the whole graph out afresh
    reuse: dict[str, Any] | None = None  # work kept from one build to the next (`claims site serve`)


@dataclass
class BuildReport:
    pages: int = 0
    rendered: int = 0
    removed: int = 0
    files: int = 0
    search: str = ""  # "full" or "delta of N notes"
    layout: str = ""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


# -- the manifest ----------------------------------------------------------------------------------
def _empty_manifest() -> dict[str, Any]:
    return {"format": FORMAT, "fingerprint": "", "pages": {}, "files": {}, "data": {}, "search": {}, "layout": {}, "graph": ""}


def check_out_dir(out: Path, base_root: Path, reuse: dict[str, Any] | None = None) -> dict[str, Any]:
    """Refuse an output folder we must not write into; return the previous manifest (or an empty one).
    `reuse` may hold the manifest this process last wrote, taken when the file is still that one."""
    out_real = Path(os.path.realpath(out))
    base_real = Path(os.path.realpath(base_root))
    if out_real == base_real or base_real.is_relative_to(out_real):
        raise SiteError(f"{out}: the output folder must not be the base or contain it")
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out}: exists and is not a folder")
    manifest_path = out / MANIFEST
    if out.is_dir() and not manifest_path.is_file():
        try:
            has_content = any(True for _ in os.scandir(out))
        except OSError as err:
            raise SiteError(f"{out}: cannot be read: {err.strerror or err}") from None
        if has_content:
            raise SiteError(f"{out}: not empty and not built by `claims site build`; choose an empty or new folder")
    if not manifest_path.is_file():
        return _empty_manifest()
    kept = reuse.pop("manifest", None) if reuse is not None else None  # popped: a failed build drops it
    if kept is not None and kept[0] == _stat_key(manifest_path):
        return kept[1]
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _empty_manifest()
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return _empty_manifest()
    for key, value in _empty_manifest().items():
        if not isinstance(data.get(key), type(value)):
            data[key] = value
    return data


def _stat_key(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


# -- reading a note's body again (the parse keeps positions, not text) ------------------------------
def read_body(root: Path, note) -> str | None:
    """The Markdown body of `note` as the parser saw it (BOM dropped, newlines normalised)."""
    if not note.readable:
        return None
    try:
        data = (root / note.path).read_bytes()
    except OSError:
        return None
    if b"\x00" in data[:8192]:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    text = data.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    pos = 0
    for _ in range(note.body_line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return ""
        pos = nl + 1
    return text[pos:]


def link_spans(body: str, note) -> list[tuple[int, int]] | None:
    """Offsets in `body` of the note's body wiki-links (from the parse); None if the text no longer
    matches them (the file changed since it was parsed)."""
    links = [link for link in note.links if link.field is None]
    if not links:
        return []
    starts = [0]
    find = body.find
    pos = find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find("\n", pos + 1)
    spans = []
    last = 0
    for link in links:
        row = link.line - note.body_line
        if not 0 <= row < len(starts):
            return None
        a = starts[row] + link.col - 1
        b = a + (link.end_col - link.col)
        if a < last or body[a:a + 2] != "[[" or body[b - 2:b] != "]]":
            return None
        spans.append((a, b))
        last = b
    return spans


# -- rendering (runs in the parent or in forked workers) ------------------------------------------
@dataclass
class _Work:
    """Everything a renderer needs; shared with forked workers by copy-on-write."""

    base: ClaimBase
    site: Site
    out: Path
    env: Any
    globals: dict[str, Any]
    old_files: dict[str, list[Any]]
    outdir: slugs.OutDir
    fragments: dict[str, Fragments] = field(default_factory=dict)

    def fragments_for(self, root: str) -> Fragments:
        got = self.fragments.get(root)
        if got is None:
            got = self.fragments[root] = Fragments(root)
        return got


@dataclass
class _Output:
    # (out, key, files copied for it, paths it refers to that were not there)
    pages: list[tuple[str, str, list[str], list[str]]] = field(default_factory=list)
    files: dict[str, list[Any]] = field(default_factory=dict)  # site path -> [source, size, mtime]
    postings: search.Postings = field(default_factory=search.Postings)


class _Resolver:
    """Answers URLs for a note's body and copies the files it refers to."""

    def __init__(self, work: _Work, output: _Output, prefix: str):
        self.work, self.output, self.prefix = work, output, prefix
        self.used: list[str] = []

    def note(self, path: str) -> str | None:
        rel = path[:-3] if path.lower().endswith(".md") else path
        idx = self.work.base.graph.by_path.get(names.key(rel))
        if idx is None:
            return None
        return self.prefix + (self.work.site.refs[idx].href or "")

    def file(self, path: str, image: bool) -> str | None:
        found = assets.locate(str(self.work.base.root), path, image)
        if found is None:
            return None
        site = slugs.file_name(path)
        record = [found.rel, found.size, found.mtime_ns]
        done = self.output.files.get(site)
        if done is None:
            old = self.work.old_files.get(site)
            target = self.work.outdir.path(site)
            if old != record or not target.is_file():
                try:
                    data = (self.work.base.root / path).read_bytes()
                    atomic.write_bytes(target, assets.prepare(data, assets.kind_of(path)), durable=False)
                except (OSError, assets.FileRejected):
                    return None
            self.output.files[site] = record
        self.used.append(found.rel)
        return self.prefix + site


def _title_text(note) -> str:
    parts = [note.name, note.title or ""]
    for key in ("description", "title"):
        value = note.meta.get(key)
        if isinstance(value, str):
            parts.append(value)
    aliases = note.meta.get("aliases")
    if isinstance(aliases, list):
        parts.extend(a for a in aliases if isinstance(a, str))
    return " ".join(parts)


def _render_note(work: _Work, spec: PageSpec, output: _Output, index_doc: int | None, write: bool) -> None:
    note = work.base.notes[spec.arg]
    body = read_body(work.base.root, note)
    if index_doc is not None:
        output.postings.add(search.doc_words(index_doc, _title_text(note), body or ""))
    if not write:
        return
    page: NotePage = work.site.page(spec)
    prefix = slugs.relative_prefix(spec.out)
    resolver = _Resolver(work, output, prefix)
    body_html = ""
    missing: list[str] = []
    if body is not None:
        spans = link_spans(body, note)
        links = page.links
        if spans is None:  # changed on disk since the parse: show the text, links unresolved
            spans, links = [], []
        shown = [
            WikiLink(None if l.href is None else (l.href if l.href.startswith("#") else prefix + l.href), l.text, l.css, l.title, l.inner)
            for l in links
        ]
        text = drop_title(substitute_links(body, spans))
        folder = note.path.rsplit("/", 1)[0] if "/" in note.path else ""
        rendered = render_markdown(text, shown, folder, LinkResolver(resolver.note, resolver.file))
        body_html, missing = rendered.html, rendered.broken
    plots = []
    if page.evidence is not None:
        embedded = set(resolver.used)
        for plot in page.evidence.plots:
            if plot.rel in embedded:
                continue
            url = resolver.file(plot.rel, True)
            if url is not None:
                plots.append((url, plot.caption))
    html = work.env.get_template(page.template).render(
        page=page, root=prefix, body_html=Markup(body_html), plots=plots, frag=work.fragments_for(prefix), **work.globals
    )
    atomic.write_bytes(work.outdir.path(spec.out), html.encode("utf-8"), durable=False)
    output.pages.append((spec.out, spec.key, sorted(set(resolver.used)), sorted(set(missing))))


def _render_other(work: _Work, spec: PageSpec, output: _Output) -> None:
    page = work.site.page(spec)
    prefix = slugs.relative_prefix(spec.out)
    html = work.env.get_template(page.template).render(page=page, root=prefix, frag=work.fragments_for(prefix), **work.globals)
    atomic.write_bytes(work.outdir.path(spec.out), html.encode("utf-8"), durable=False)
    output.pages.append((spec.out, spec.key, [], []))


@dataclass(slots=True)
class _Job:
    spec: PageSpec
    write: bool
    doc: int | None  # the search id to index this note under, or None


def _run_jobs(work: _Work, jobs: list[_Job], output: _Output, tick: Callable[[int], None]) -> None:
    done = 0
    for job in jobs:
        if job.spec.kind == "note":
            _render_note(work, job.spec, output, job.doc, job.write)
        elif job.write:
            _render_other(work, job.spec, output)
        done += 1
        if done % PROGRESS_EVERY == 0:
            tick(PROGRESS_EVERY)
    tick(done % PROGRESS_EVERY)


def _run_parallel(work: _Work, jobs: list[_Job], workers: int, tick: Callable[[int], None],
                  meanwhile: Callable[[], None]) -> _Output:
    """Render `jobs` in `workers` forked processes while the parent runs `meanwhile`."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    chunks = [jobs[k::workers] for k in range(workers)]
    procs = []
    for chunk in chunks:
        reader, writer = ctx.Pipe(duplex=False)

        def child(chunk: list[_Job] = chunk, conn=writer) -> None:
            try:
                out = _Output()
                _run_jobs(work, chunk, out, lambda k: conn.send(("tick", k)))
                conn.send(("done", out))
            except BaseException:  # noqa: BLE001 - reported to the parent, which fails the build
                conn.send(("error", traceback.format_exc()))
            finally:
                conn.close()

        proc = ctx.Process(target=child, daemon=True)
        proc.start()
        writer.close()
        procs.append((proc, reader))
    meanwhile()
    merged = _Output()
    errors = []
    pending = {id(r): (p, r) for p, r in procs}
    from multiprocessing.connection import wait

    while pending:
        for reader in wait([r for _, r in pending.values()]):
            proc, _ = pending[id(reader)]
            try:
                kind, payload = reader.recv()
            except EOFError:
                errors.append(f"a render worker stopped unexpectedly (exit code {proc.join() or proc.exitcode})")
                del pending[id(reader)]
                continue
            if kind == "tick":
                tick(payload)
                continue
            if kind == "error":
                errors.append(payload)
            else:
                merged.pages.extend(payload.pages)
                merged.files.update(payload.files)
                merged.postings.merge(payload.postings)
            del pending[id(reader)]
    for proc, reader in procs:
        proc.join()
        reader.close()
    if errors:
        raise SiteError("rendering failed:\n" + "\n".join(errors))
    return merged


# -- the build -------------------------------------------------------------------------------------
def build_site(base: ClaimBase, result: LintResult, options: BuildOptions,
               progress: Callable[[str, int, int], None] | None = None) -> BuildReport:
    """Build (or bring up to date) the site for `base` in `options.out`."""
    started = time.perf_counter()
    report = BuildReport()
    timings = report.timings
    say = progress or (lambda what, done, total: None)
    out = options.out
    reuse = options.reuse if options.reuse is not None else {}
    manifest = check_out_dir(out, base.root, reuse)
    files = options.files
    if files is None:
        from .templates import find_site_files

        files = find_site_files()
    templates_key = files.fingerprint()
    if reuse.get("env_key") != templates_key:
        reuse["env"], reuse["env_key"] = environment(files), templates_key
    env = reuse["env"]
    site_key = _fingerprint(templates_key, options)
    force = options.full or manifest.get("fingerprint") != site_key
    if options.relayout:
        manifest["layout"] = {}

    t = time.perf_counter()
    site = Site(base, result, options.title, reuse)
    timings["fingerprints"] = time.perf_counter() - t

    t = time.perf_counter()
    existing = _existing_files(out)
    dirty = _dirty_pages(site, manifest, existing, force, base.root)
    report.pages, report.rendered = len(site.specs), len(dirty)
    timings["diff"] = time.perf_counter() - t

    index = _SearchPlan(site, manifest["search"] if not options.full else {})
    report.search = index.describe()
    jobs = []
    for spec in site.specs:
        write = spec.out in dirty
        doc = index.ids[spec.path] if spec.kind == "note" and spec.path in index.to_index else None
        if write or doc is not None:
            jobs.append(_Job(spec, write, doc))

    out.mkdir(parents=True, exist_ok=True)
    outdir = slugs.OutDir(out)
    work = _Work(base, site, out, env, _globals(options), manifest["files"], outdir)
    data_files: dict[str, bytes] = {}

    def lay_out() -> None:
        t0 = time.perf_counter()
        key = fingerprint((site.ref_t, [(e.src, e.dst, e.kind) for e in base.graph.edges]))
        if not force and not options.relayout and manifest.get("graph") == key and "graph/data.js" in manifest["data"]:
            data_files["graph/data.js"] = b""  # same notes, names, statuses and links: same drawing
            report.layout = "unchanged"
        else:
            data, positions, how = _graph_data(base, site, manifest["layout"], options.relayout)
            data_files["graph/data.js"] = data
            manifest["layout"] = positions
            manifest["graph"] = key
            report.layout = how
        timings["layout"] = time.perf_counter() - t0

    t = time.perf_counter()
    done = [0]

    def tick(k: int) -> None:
        done[0] += k
        say("render", done[0], len(jobs))

    workers = _workers(options.jobs)
    if len(jobs) >= PARALLEL_MIN and workers > 1:
        output = _run_parallel(work, jobs, workers, tick, lay_out)
    else:
        output = _Output()
        _run_jobs(work, jobs, output, tick)
        lay_out()
    timings["render"] = time.perf_counter() - t

    t = time.perf_counter()
    data_files.update(index.files(site, output.postings))
    manifest["search"] = index.state()
    timings["search"] = time.perf_counter() - t

    t = time.perf_counter()
    for rel, path in files.static_files():
        data_files[f"assets/{rel}"] = path.read_bytes()
    if options.base_url:
        data_files["sitemap.xml"] = _sitemap(options.base_url, [s.out for s in site.specs if s.out != "404.html"])
    new_data = _write_data(outdir, data_files, manifest["data"], existing)
    timings["data"] = time.perf_counter() - t

    # the pages and files of this build, plus the unchanged ones of the last
    old_pages, old_files = manifest["pages"], manifest["files"]
    new_pages = {spec.out: old_pages[spec.out] for spec in site.specs if spec.out not in dirty}
    for out_path, key, used, missing in output.pages:
        new_pages[out_path] = [key, used, missing]
    kept_sources = {src for entry in new_pages.values() for src in entry[1]}
    new_files = {k: rec for k, rec in old_files.items() if isinstance(rec, list) and rec and rec[0] in kept_sources}
    new_files.update(output.files)
    report.files = len(new_files)

    t = time.perf_counter()
    stale = (set(old_pages) - set(new_pages)) | (set(old_files) - set(new_files)) | (set(manifest["data"]) - set(new_data))
    for rel in sorted(stale):
        try:
            os.unlink(outdir.path(rel))
            report.removed += 1
        except (OSError, slugs.UnsafePath):
            pass
    timings["cleanup"] = time.perf_counter() - t

    manifest.update({"format": FORMAT, "fingerprint": site_key, "pages": new_pages, "files": new_files, "data": new_data})
    atomic.write_bytes(outdir.path(MANIFEST), json.dumps(manifest, separators=(",", ":")).encode("utf-8"))
    if options.reuse is not None:
        reuse["manifest"] = (_stat_key(outdir.path(MANIFEST)), manifest)
    report.seconds = time.perf_counter() - started
    return report


def _dirty_pages(site: Site, manifest: dict[str, Any], existing: set[str], force: bool, root: Path) -> set[str]:
    """Pages to render: new or changed fingerprint, missing output, a copied file changed, or a
    file the page refers to (and showed as broken) has appeared."""
    old_pages = manifest["pages"]
    by_source = {v[0]: v for v in manifest["files"].values() if isinstance(v, list) and len(v) == 3}
    stats: dict[str, tuple[int, int] | None] = {}

    def sources_changed(sources: list[str]) -> bool:
        for src in sources:
            if src not in stats:
                try:
                    st = os.stat(root / src)
                    stats[src] = (st.st_size, st.st_mtime_ns)
                except OSError:
                    stats[src] = None
            rec = by_source.get(src)
            if rec is None or stats[src] != (rec[1], rec[2]):
                return True
        return False

    dirty = set()
    for spec in site.specs:
        old = old_pages.get(spec.out)
        if (force or not isinstance(old, list) or len(old) != 3 or old[0] != spec.key or spec.out not in existing
                or sources_changed(old[1]) or any(os.path.exists(root / p) for p in old[2])):
            dirty.add(spec.out)
    return dirty


def _write_data(outdir: slugs.OutDir, files: dict[str, bytes], old: dict[str, str], existing: set[str]) -> dict[str, str]:
    """Write the data files whose content changed; b"" means: keep the previous build's file."""
    import xxhash

    recorded: dict[str, str] = {}
    for rel, content in files.items():
        if content == b"" and rel in old:
            recorded[rel] = old[rel]
            continue
        digest = xxhash.xxh3_128_hexdigest(content)
        recorded[rel] = digest
        if old.get(rel) != digest or rel not in existing:
            atomic.write_bytes(outdir.path(rel), content, durable=False)
    return recorded


class _SearchPlan:
    """Whether this build writes a full search index or a delta, and which notes it indexes."""

    def __init__(self, site: Site, previous: dict[str, Any]):
        fmt = f"{search.FORMAT}:{__version__}"
        state = previous if previous.get("format") == fmt else {}
        self.format = fmt
        self.current = {spec.path: site.notes[spec.arg].digest for spec in site.specs if spec.kind == "note"}
        self.ids: dict[str, int] = dict(state.get("ids", {}))
        self.indexed: dict[str, str] = dict(state.get("indexed", {}))
        self.stop: list[str] = list(state.get("stop", []))
        self.shard_names: list[str] = list(state.get("shards", []))
        self.changed = [p for p in self.current if self.indexed.get(p) != self.current[p]]
        self.removed = [p for p in self.ids if p not in self.current]  # kept as tombstones until a full index
        limit = max(search.DELTA_LIMIT_MIN, int(search.DELTA_LIMIT_SHARE * len(self.current)))
        self.full = not state or len(self.changed) + len(self.removed) > limit
        if self.full:
            self.ids = {p: k for k, p in enumerate(sorted(self.current))}
            self.indexed = dict(self.current)
            self.to_index = set(self.current)
        else:
            next_id = max(self.ids.values(), default=-1) + 1
            for p in self.changed:
                if p not in self.ids:
                    self.ids[p] = next_id
                    next_id += 1
            self.to_index = set(self.changed)

    def describe(self) -> str:
        return "full" if self.full else f"delta of {len(self.changed) + len(self.removed)} notes"

    def files(self, site: Site, postings: search.Postings) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        docs: dict[int, list[str]] = {}
        for spec in site.specs:
            if spec.kind == "note":
                ref = site.refs[spec.arg]
                desc = site.notes[spec.arg].meta.get("description")
                docs[self.ids[spec.path]] = search.doc_entry(ref.name, ref.href or "", ref.type, ref.status,
                                                             desc if isinstance(desc, str) else "")
        n_ids = max(self.ids.values(), default=-1) + 1
        per = search.DOCS_PER_SHARD
        for shard in range((n_ids + per - 1) // per):
            entries = [docs.get(k) for k in range(shard * per, min(n_ids, (shard + 1) * per))]
            out[f"search/d/{shard}.js"] = search.script("docs", shard, entries)
        delta: dict[str, Any] = {"removed": [], "t": {}, "b": {}}
        if self.full:
            self.stop = search.stop_words(postings, len(self.current))
            for key, content in search.shards(postings, self.stop).items():
                out[f"search/t/{key}.js"] = search.script("shard", key, content)
            self.shard_names = sorted(k for k in out if k.startswith("search/t/"))
        else:
            delta["removed"] = sorted({self.ids[p] for p in self.changed if p in self.indexed} | {self.ids[p] for p in self.removed})
            for content in search.shards(postings, self.stop).values():
                delta["t"].update(content["t"])
                delta["b"].update(content["b"])
            for name in self.shard_names:  # the full index's shards stay as they are
                out[name] = b""
        out["search/delta.js"] = search.script("delta", delta)
        out["search/meta.js"] = search.script("meta", {"format": search.FORMAT, "docsPerShard": per, "stop": self.stop})
        return out

    def state(self) -> dict[str, Any]:
        return {"format": self.format, "ids": self.ids, "indexed": self.indexed, "stop": self.stop, "shards": self.shard_names}


def _existing_files(out: Path) -> set[str]:
    """Every file under `out`, as site-relative paths (one walk: cheaper than a stat per page)."""
    found: set[str] = set()
    if not out.is_dir():
        return found
    stack = [("", str(out))]
    while stack:
        rel, folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = f"{rel}{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                stack.append((name + "/", entry.path))
            elif entry.is_file(follow_symlinks=False):
                found.add(name)
    return found


def _workers(jobs: int | None) -> int:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if jobs:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def _globals(options: BuildOptions) -> dict[str, Any]:
    from ..findings import SEVERITIES

    return {
        "site_title": options.title,
        "version": __version__,
        "base_url": options.base_url,
        "status_help": STATUS_HELP,
        "status_rank": {s: k for k, s in enumerate(("supported", "contested", "unsupported", "undermined", "circular", "contradicted", "in", "out"))},
        "confidence_rank": {"speculative": 0, "experimental": 1, "likely": 2, "proven": 3},
        "severity_rank": {s: k for k, s in enumerate(SEVERITIES)},
        "statuses": STATUSES,
    }


def _fingerprint(templates_key: str, options: BuildOptions) -> str:
    """What, besides the pages' own content, every page depends on."""
    import xxhash

    h = xxhash.xxh3_128()
    for part in (__version__, str(FORMAT), templates_key, options.title, options.base_url or "", _code_fingerprint()):
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def _code_fingerprint() -> str:
    """A hash of this package's own code: a change to how pages are made re-renders them."""
    import xxhash

    h = xxhash.xxh3_64()
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


def _graph_data(base: ClaimBase, site: Site, cache: dict[str, Any], relayout: bool) -> tuple[bytes, dict[str, list[float]], str]:
    from .layout import layout  # numpy: imported only when the drawing must be redone
    paths = [n.path for n in base.notes]
    edges = [(e.src, e.dst) for e in base.graph.edges if e.src != e.dst]
    cached = {p: (float(v[0]), float(v[1])) for p, v in cache.items() if isinstance(v, list) and len(v) == 2} if not relayout else None
    result = layout(paths, edges, cached, force_full=relayout)
    xy = result.xy
    positions = {p: [round(float(xy[i, 0]), 5), round(float(xy[i, 1]), 5)] for i, p in enumerate(paths)}
    statuses = sorted(set(base.labels.status))
    types = sorted({n.type or "note" for n in base.notes})
    kinds = sorted({e.kind for e in base.graph.edges})
    s_index = {s: k for k, s in enumerate(statuses)}
    t_index = {t: k for k, t in enumerate(types)}
    k_index = {k: j for j, k in enumerate(kinds)}
    flat: list[int] = []
    seen: set[tuple[int, int, int]] = set()
    for e in base.graph.edges:
        if e.src == e.dst:
            continue
        item = (e.src, e.dst, k_index[e.kind])
        if item not in seen:
            seen.add(item)
            flat.extend(item)
    data = {
        "x": [int(round(v * 10000)) for v in xy[:, 0]] if len(paths) else [],
        "y": [int(round(v * 10000)) for v in xy[:, 1]] if len(paths) else [],
        "s": [s_index[s] for s in base.labels.status],
        "t": [t_index[n.type or "note"] for n in base.notes],
        "names": [r.name for r in site.refs],
        "href": [r.href for r in site.refs],
        "statuses": statuses,
        "types": types,
        "kinds": kinds,
        "e": flat,
    }
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    how = "none" if not paths else ("full" if result.full else f"cached, {result.iterations} refinement steps")
    return f"window.CB_GRAPH={body};\n".encode("utf-8"), positions, how


def _sitemap(base_url: str, pages: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(base_url + p)}</loc></url>" for p in sorted(pages)]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
