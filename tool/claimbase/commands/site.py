"""`claims site build|serve`: publish the base as a static site, or preview it locally."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

import typer

from .common import BASE_ARG_HELP, fail

site_app = typer.Typer(
    name="site",
    help="Publish the claim base as a static site (works offline, from disk or any static host).",
    no_args_is_help=True,
)

_OUT_HELP = "Output folder (default: \\[tool.claims.site] out, else _site beside pyproject.toml or in the current folder)."
_URL = re.compile(r"^https?://[^\s\"'<>]+$")


def _settings(path: Optional[Path], out: Optional[Path], title: Optional[str], base_url: Optional[str],
              templates: Optional[Path]):
    """The config, and the build options from the command line over [tool.claims.site]."""
    from ..site.build import BuildOptions
    from ..site.templates import find_site_files
    from .common import load_config

    config = load_config(path)
    section = config.sections.get("site", {})
    known = {"out", "title", "base-url", "base_url", "templates"}
    for key in section:
        if key not in known:
            where = config.source or "pyproject.toml"
            raise fail(f"{where}: unknown setting [tool.claims.site] {key} (known: out, title, base-url, templates)")
    project = config.project_root or Path.cwd()
    if out is None:
        configured = section.get("out")
        out = (project / configured) if isinstance(configured, str) else project / "_site"
    title = title or (section.get("title") if isinstance(section.get("title"), str) else None) or f"{config.base.name}: a claim base"
    base_url = base_url or section.get("base-url") or section.get("base_url")
    if base_url is not None:
        if not isinstance(base_url, str) or not _URL.match(base_url):
            raise fail(f"--base-url must be an http(s) URL, got {base_url!r}")
        if not base_url.endswith("/"):
            base_url += "/"
    if templates is None and isinstance(section.get("templates"), str):
        templates = project / section["templates"]
    try:
        files = find_site_files(templates)
    except FileNotFoundError as err:
        raise fail(str(err)) from None
    return config, BuildOptions(out=out.resolve(), title=title, base_url=base_url, files=files)


def _run_build(config, options, quiet: bool, no_cache: bool, cache_dir: Optional[Path]):
    """Lint the base and build the site, with a progress bar on a terminal."""
    from ..lint import lint
    from ..site.build import SiteError, build_site
    from .common import open_base

    if cache_dir is not None:
        config.cache_dir = cache_dir.resolve()
    base, config = open_base(None, config=config, no_cache=no_cache)
    result = lint(base, config)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .common import console

    err = console(stderr=True)
    show = not quiet and err.is_terminal
    try:
        if show:
            with Progress(TextColumn("rendering pages"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                          TimeElapsedColumn(), console=err, transient=True) as bar:
                task = bar.add_task("render", total=None)
                report = build_site(base, result, options, lambda what, done, total: bar.update(task, completed=done, total=total))
        else:
            report = build_site(base, result, options)
    except SiteError as err_:
        raise fail(str(err_)) from None
    return base, report


def build(
    path: Optional[Path] = typer.Argument(None, help=BASE_ARG_HELP, show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=_OUT_HELP, show_default=False),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="The public URL the site will live at (for canonical links and sitemap.xml); pages link to each other relatively either way."),
    title: Optional[str] = typer.Option(None, "--title", help="The site's title (default: \\[tool.claims.site] title, else the base folder's name)."),
    templates: Optional[Path] = typer.Option(None, "--templates", help="A folder with templates/ and static/ to use instead of the built-in ones."),
    full: bool = typer.Option(False, "--full", help="Render every page and rebuild the search index, ignoring the previous build."),
    relayout: bool = typer.Option(False, "--relayout", help="Lay out the whole graph afresh instead of keeping the positions of known notes."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes for rendering (default: one per CPU)."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where the parse cache lives (default .claims-cache)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Parse every note again instead of using the parse cache."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also print how long each stage took."),
) -> None:
    """Build the static site: a page per note, index pages, the graph view and a search index.

    Only pages whose content changed are written again; pass --full to redo everything.
    """
    config, options = _settings(path, out, title, base_url, templates)
    options.full, options.relayout, options.jobs = full, relayout, jobs
    import time

    started = time.perf_counter()
    base, report = _run_build(config, options, quiet, no_cache, cache_dir)
    if verbose:
        stages = ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items())
        typer.echo(f"opening and linting the base: {time.perf_counter() - started - report.seconds:.2f} s; {stages}", err=True)
    if not quiet:
        typer.echo(
            f"{report.pages} pages ({report.rendered} written, {report.pages - report.rendered} unchanged"
            f"{f', {report.removed} removed' if report.removed else ''}) in {report.seconds:.2f} s; "
            f"search: {report.search}; graph layout: {report.layout} -> {options.out}"
        )


def serve(
    path: Optional[Path] = typer.Argument(None, help=BASE_ARG_HELP, show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help=_OUT_HELP, show_default=False),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port to listen on (0 picks a free one)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; the default is reachable only from this machine."),
    interval: float = typer.Option(1.0, "--interval", min=0.1, help="Seconds between checks of the notes and templates for changes."),
    title: Optional[str] = typer.Option(None, "--title", help="The site's title."),
    templates: Optional[Path] = typer.Option(None, "--templates", help="A folder with templates/ and static/ to use instead of the built-in ones."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Where the parse cache lives (default .claims-cache)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Parse every note again at start instead of using the parse cache."),
) -> None:
    """Build the site, serve it on http://HOST:PORT, and rebuild when a note or template changes."""
    import gc

    gc.enable()  # a long-running process: let the cyclic collector run
    from ..site.build import SiteError
    from ..site.serve import serve as run_server

    config, options = _settings(path, out, title, None, templates)
    if cache_dir is not None:
        config.cache_dir = cache_dir.resolve()
    try:
        run_server(config, options, host=host, port=port, interval=interval, use_cache=not no_cache,
                   echo=lambda line: typer.echo(line, err=True))
    except SiteError as err:
        raise fail(str(err)) from None
    except OSError as err:
        raise fail(f"cannot serve on {host}:{port}: {err.strerror or err}") from None


def register(app: typer.Typer) -> None:
    site_app.command("build")(build)
    site_app.command("serve")(serve)
    app.add_typer(site_app, name="site")
