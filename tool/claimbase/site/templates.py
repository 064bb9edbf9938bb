"""The Jinja2 environment over the site's templates, and where templates and static files live.

Templates and static files are kept in the top-level `site/` folder of the project (installed with
the package as `claimbase/site_files`, see docs/site.md).  A base may use its own copy by setting
`[tool.claims.site] templates = "path"`: a folder with `templates/` and `static/` like `site/`.

Every value is escaped (autoescape on for every template); the only markup passed in is what
`render.py` produced, marked safe explicitly.  Undefined names are errors, so that a template typo
fails the build instead of silently printing nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import xxhash


@dataclass(frozen=True)
class SiteFiles:
    root: Path

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def static(self) -> Path:
        return self.root / "static"

    def static_files(self) -> list[tuple[str, Path]]:
        """(path under `assets/`, file) for every static file, sorted."""
        found = []
        for folder, dirs, files in os.walk(self.static):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = Path(folder) / name
                found.append((path.relative_to(self.static).as_posix(), path))
        return found

    def fingerprint(self) -> str:
        """A hash of every template and static file: a change re-renders every page."""
        h = xxhash.xxh3_128()
        for folder in (self.templates, self.static):
            for current, dirs, files in os.walk(folder):
                dirs.sort()
                for name in sorted(files):
                    path = Path(current) / name
                    h.update(path.relative_to(self.root).as_posix().encode())
                    h.update(path.read_bytes())
        return h.hexdigest()


def find_site_files(override: str | os.PathLike[str] | None = None) -> SiteFiles:
    """The folder holding `templates/` and `static/`: the override, the installed copy, or the
    project's `site/` folder (when running from a checkout)."""
    if override is not None:
        chosen = Path(override)
        if not ((chosen / "templates").is_dir() and (chosen / "static").is_dir()):
            raise FileNotFoundError(f"{chosen}: not a site folder (it needs templates/ and static/ folders)")
        return SiteFiles(chosen)
    candidates = []
    here = Path(__file__).resolve()
    candidates.append(here.parents[1] / "site_files")  # installed as package data
    candidates.append(here.parents[3] / "site")  # a source checkout: <repo>/tool/claimbase/site/
    for c in candidates:
        if (c / "templates").is_dir() and (c / "static").is_dir():
            return SiteFiles(c)
    raise FileNotFoundError(
        "no site templates found (looked in " + ", ".join(str(c) for c in candidates) + ")"
    )


def environment(files: SiteFiles):
    """A Jinja2 environment with autoescaping everywhere and strict undefined names."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(files.templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build; skips a stat per render
    )
    return env
