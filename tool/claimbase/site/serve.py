"""`claims site serve`: build, serve the site on a local port, rebuild when something changes.

Changes are found by polling: every `interval` seconds the base is listed again (size and
modification time of every note) and the templates are hashed.  No file-watching dependency is
needed, and polling behaves the same on every system and file system.

The parsed notes stay in memory between rebuilds (`LiveBase`): after an edit only the changed files
are parsed again, then the graph, the labelling, the lint and the site build run as usual - the
same code `claims site build` runs, so the preview is the published site.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import threading
import time
from collections.abc import Callable

from ..base import ClaimBase, LoadStats, load_notes, open_base
from ..config import Config
from ..discover import Entry, discover
from ..graph import build as build_graph
from ..lint import lint
from ..semantics import label
from .build import BuildOptions, BuildReport, build_site


class LiveBase:
    """A claim base kept in memory; `refresh()` re-reads only the files that changed."""

    def __init__(self, config: Config, use_cache: bool = True):
        self.config = config
        self.root = config.base
        entries = discover(str(self.root), config.excluded)
        self.base = open_base(self.root, config, use_cache=use_cache, entries=entries)
        self.stamps = _stamps(entries)
        self.by_path = {n.path: n for n in self.base.notes}
        self.reuse: dict = {}  # lint work kept between rebuilds (see `lint`)
        self.site_reuse: dict = {}  # site work kept between rebuilds (see `BuildOptions.reuse`)

    def changed(self) -> list[Entry] | None:
        """The entries of the base now, if any file was added, removed or modified; else None."""
        entries = discover(str(self.root), self.config.excluded)
        return None if _stamps(entries) == self.stamps else entries

    def refresh(self, entries: list[Entry]) -> ClaimBase:
        """Bring the base up to date with `entries` (from `changed()`)."""
        started = time.perf_counter()
        stale = [e for e in entries if self.stamps.get(e.rel) != (e.size, e.mtime_ns, e.problem)]
        fresh, _ = load_notes(self.root, self.config, use_cache=False, entries=stale) if stale else ([], None)
        for note in fresh:
            self.by_path[note.path] = note
        notes = [self.by_path[e.rel] for e in entries]
        self.by_path = {n.path: n for n in notes}
        graph = build_graph(notes)
        labels = label(graph)
        stats = LoadStats(len(entries), len(stale), len(entries) - len(stale), time.perf_counter() - started)
        self.base = ClaimBase(self.root, notes, graph, labels, stats)
        self.stamps = _stamps(entries)
        return self.base


def _stamps(entries: list[Entry]) -> dict[str, tuple[int, int, str | None]]:
    return {e.rel: (e.size, e.mtime_ns, e.problem) for e in entries}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the output folder: no folder listings, nothing hidden, no caching."""

    def list_directory(self, path):  # noqa: ANN001 - signature of the base class
        self.send_error(404, "No such page")
        return None

    def send_head(self):  # noqa: ANN201
        parts = self.path.split("?", 1)[0].split("#", 1)[0].split("/")
        if any(p.startswith(".") and p not in ("", ".") for p in parts):
            self.send_error(404, "No such page")
            return None
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


def rebuild_once(live: LiveBase, options: BuildOptions, entries: list[Entry] | None = None) -> BuildReport:
    """Refresh the base if files changed (or `entries` are given) and bring the site up to date."""
    base = live.refresh(entries) if entries is not None else live.base
    result = lint(base, live.config, live.reuse)
    if options.reuse is None:
        options = dataclasses.replace(options, reuse=live.site_reuse)
    return build_site(base, result, options)


def serve(config: Config, options: BuildOptions, host: str = "127.0.0.1", port: int = 8000, interval: float = 1.0,
          use_cache: bool = True, echo: Callable[[str], None] = print, stop: threading.Event | None = None) -> None:
    """Build the site, serve `options.out` on host:port, rebuild on change until interrupted."""
    live = LiveBase(config, use_cache)
    report = rebuild_once(live, options)
    echo(f"built {report.pages} pages ({report.rendered} written) in {report.seconds:.2f} s")
    files = options.files
    assert files is not None
    templates = files.fingerprint()
    handler = functools.partial(_Handler, directory=str(options.out))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="claims-site-server", daemon=True)
    thread.start()
    shown_host = f"[{host}]" if ":" in host else host
    echo(f"serving http://{shown_host}:{server.server_address[1]}/ from {options.out} (Ctrl-C to stop)")
    stop = stop or threading.Event()
    try:
        while not stop.wait(interval):
            entries = live.changed()
            now = files.fingerprint()
            if entries is None and now == templates:
                continue
            templates = now
            started = time.perf_counter()
            try:
                report = rebuild_once(live, options, entries if entries is not None else None)
            except Exception as err:  # noqa: BLE001 - keep serving the last good site
                echo(f"rebuild failed: {type(err).__name__}: {err}")
                continue
            echo(f"rebuilt: {report.rendered} of {report.pages} pages written in {time.perf_counter() - started:.2f} s")
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        echo("stopped")
