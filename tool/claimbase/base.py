"""Opening a claim base: discover, parse (with the cache), build the graph, label it.

This is the public entry point of the library::

    from claimbase import open_base
    base = open_base("claims")
    base.status_of("the alignment tax is negative")
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import config as config_mod
from .cache import ParseCache, file_changed_during_read, pack, unpack
from .discover import Entry, discover
from .graph import Graph, build
from .model import Note, Problem
from .parse import digest, parse_bytes
from .semantics import Labelling, label
from .sourcefile import FileView, source_lines  # noqa: F401  (FileView re-exported)

PARALLEL_THRESHOLD = 3000  # below this many files to parse, one process is faster than two


class NoteNotFound(LookupError):
    """A name given by the user matches no note, or several."""

    def __init__(self, name: str, matches: list[str]):
        self.name, self.matches = name, matches
        if matches:
            super().__init__(f"'{name}' is ambiguous: it names {', '.join(matches)}")
        else:
            super().__init__(f"no note named '{name}'")


@dataclass
class LoadStats:
    files: int = 0
    parsed: int = 0
    cached: int = 0
    seconds: float = 0.0
    wait_for_cache: Callable[[], None] = lambda: None  # joins a background cache write, if any


@dataclass
class ClaimBase:
    root: Path
    notes: list[Note]
    graph: Graph
    labels: Labelling
    stats: LoadStats

    def index(self, name: str) -> int:
        """The note a user-typed name or path refers to; raises NoteNotFound."""
        hits = self.graph.find(name)
        if len(hits) == 1:
            return hits[0]
        raise NoteNotFound(name, [self.notes[i].path for i in hits])

    def status_of(self, name: str) -> str:
        return self.labels.status[self.index(name)]

    def source_lines(self, path: str) -> list[str]:
        return source_lines(self.root, path)


def _read_and_parse(entry: Entry) -> tuple[Note, str]:
    if entry.problem:
        note = Note(path=entry.rel, name=entry.rel.rsplit("/", 1)[-1][:-3], readable=False)
        note.problems.append(Problem("unreadable-file", entry.problem))
        return note, ""
    try:
        with open(entry.path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        note = Note(path=entry.rel, name=entry.rel.rsplit("/", 1)[-1][:-3], readable=False)
        note.problems.append(Problem("unreadable-file", f"cannot be read: {err.strerror or err}"))
        return note, ""
    return parse_bytes(data, entry.rel), digest(data)


def _parse_chunk(entries: list[Entry]) -> list[tuple]:
    """Worker side of a parallel parse: notes travel back as plain tuples (pickling dataclasses is
    several times slower)."""
    return [pack(_read_and_parse(e)[0]) for e in entries]


Progress = Callable[[int, int], None]  # (files parsed so far, files to parse)


def _parse_many(entries: list[Entry], cache: ParseCache, progress: Progress | None = None) -> tuple[list[Note], int]:
    """Parse the entries the cache could not answer; returns the notes and how many were parsed."""
    jobs = min(os.cpu_count() or 1, 4)
    if len(entries) >= PARALLEL_THRESHOLD and jobs > 1 and "fork" in _start_methods():
        import multiprocessing

        size = -(-len(entries) // (jobs * 4))
        chunks = [entries[i : i + size] for i in range(0, len(entries), size)]
        notes = []
        done = 0
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for chunk, part in zip(chunks, pool.imap(_parse_chunk, chunks, chunksize=1)):
                done += len(chunk)
                if progress is not None:
                    progress(done, len(entries))
                for e, packed in zip(chunk, part):
                    if not e.problem:
                        cache.put_packed(e.rel, e.size, e.mtime_ns, packed)
                    notes.append(unpack(packed))
        return notes, len(entries)
    notes = []
    parsed = 0
    for e in entries:
        note = None
        if not e.problem and e.rel in cache.entries:
            try:
                with open(e.path, "rb") as fh:
                    data = fh.read()
            except OSError:
                data = None
            if data is not None:
                note = cache.get_by_digest(e.rel, digest(data))
                if note is None:
                    note = parse_bytes(data, e.rel)
                    parsed += 1
        if note is None:
            note, _ = _read_and_parse(e)
            parsed += 1
        if not e.problem and not file_changed_during_read(e.path, e.size, e.mtime_ns):
            cache.put(e.rel, e.size, e.mtime_ns, note)
        notes.append(note)
        if progress is not None and len(notes) % 500 == 0:
            progress(len(notes), len(entries))
    return notes, parsed


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


def load_notes(
    root: Path,
    config: config_mod.Config,
    use_cache: bool = True,
    entries: list[Entry] | None = None,
    progress: Progress | None = None,
    background_save: bool = False,
) -> tuple[list[Note], LoadStats]:
    started = time.perf_counter()
    if entries is None:
        entries = discover(str(root), config.excluded)
    cache = ParseCache(config.cache_dir if use_cache else None, root)
    notes: list[Note | None] = []
    misses: list[int] = []
    for i, e in enumerate(entries):
        note = None if e.problem else cache.get(e.rel, e.size, e.mtime_ns)
        notes.append(note)
        if note is None:
            misses.append(i)
    parsed = 0
    if misses:
        fresh, parsed = _parse_many([entries[i] for i in misses], cache, progress)
        for i, note in zip(misses, fresh):
            notes[i] = note
    cache.keep_only({e.rel for e in entries})
    stats = LoadStats(len(entries), parsed, len(entries) - len(misses), time.perf_counter() - started)
    if background_save:
        stats.wait_for_cache = cache.save_in_background()
    else:
        cache.save()
    return notes, stats  # type: ignore[return-value]


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures.

    Loading a 10,000-note base creates about a million small objects; every 700 allocations the
    collector would walk the young ones, which doubles the time of a warm lint.  Reference counting
    still frees everything; only cycle detection waits until the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def open_base(
    root: str | os.PathLike[str] | None = None,
    config: config_mod.Config | None = None,
    use_cache: bool = True,
    entries: list[Entry] | None = None,
    progress: Progress | None = None,
    background_save: bool = False,
) -> ClaimBase:
    """Read, link and label the claim base at `root` (default: from pyproject.toml or the cwd).

    `background_save` lets a short-lived, single-threaded caller (the CLI) write the parse cache
    from a forked child while it goes on; it must call `base.stats.wait_for_cache()` before exiting.
    """
    if config is None:
        config = config_mod.load(Path(root) if root is not None else None)
    base_dir = Path(root).resolve() if root is not None else config.base
    if not base_dir.is_dir():
        raise FileNotFoundError(f"{base_dir}: not a directory")
    with _no_cyclic_gc():
        notes, stats = load_notes(base_dir, config, use_cache, entries, progress, background_save)
        graph = build(notes)
        labels = label(graph)
    return ClaimBase(base_dir, notes, graph, labels, stats)
