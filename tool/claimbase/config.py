"""Settings: `[tool.claims]` in pyproject.toml, overridden by command-line options."""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import SEVERITIES


class ConfigError(Exception):
    """A setting is wrong; the message says which and where."""


@dataclass
class Config:
    base: Path
    project_root: Path | None = None
    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    cache_dir: Path | None = None
    evidence_dir: str = "evidence"
    source: Path | None = None  # the pyproject.toml the settings came from
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)  # e.g. [tool.claims.site]

    def selects(self, code: str, slug: str) -> bool:
        def hit(patterns: list[str]) -> bool:
            return any(p == "ALL" or p == slug or code.startswith(p) for p in patterns)

        return (hit(self.select) or hit(self.extend_select)) and not hit(self.ignore)

    def ignored_in(self, path: str, code: str, slug: str) -> bool:
        for pattern, rules in self.per_file_ignores.items():
            if fnmatch.fnmatch(path, pattern) and any(r == "ALL" or r == slug or code.startswith(r) for r in rules):
                return True
        return False

    def excluded(self, rel_path: str) -> bool:
        return any(fnmatch.fnmatch(rel_path, p) or fnmatch.fnmatch(rel_path, p.rstrip("/") + "/*") for p in self.exclude)


def find_pyproject(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _list(value: Any, name: str, where: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: [tool.claims] {name} must be a list of strings")
    return list(value)


def load(base: Path | None = None, cwd: Path | None = None) -> Config:
    """Read settings for the base at `base` (or the one pyproject.toml names, or the cwd)."""
    cwd = cwd or Path.cwd()
    start = (base if base is not None and base.is_dir() else (base.parent if base is not None else cwd)).resolve()
    pyproject = find_pyproject(start) or (find_pyproject(cwd.resolve()) if base is None else None)
    table: dict[str, Any] = {}
    if pyproject is not None:
        try:
            with open(pyproject, "rb") as fh:
                table = tomllib.load(fh).get("tool", {}).get("claims", {})
        except (tomllib.TOMLDecodeError, OSError) as err:
            raise ConfigError(f"{pyproject}: cannot read settings: {err}") from None
    root = pyproject.parent if pyproject is not None else cwd.resolve()
    if base is None:
        base = (root / table["base"]) if isinstance(table.get("base"), str) else cwd
    config = Config(base=base.resolve(), project_root=root if pyproject else None, source=pyproject if table else None)
    where = pyproject or Path("pyproject.toml")
    for key, value in table.items():
        name = key.replace("_", "-")
        if name == "base":
            continue
        elif name == "select":
            config.select = _list(value, name, where)
        elif name == "extend-select":
            config.extend_select = _list(value, name, where)
        elif name == "ignore":
            config.ignore = _list(value, name, where)
        elif name == "exclude":
            config.exclude = _list(value, name, where)
        elif name == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [tool.claims] per-file-ignores must be a table of glob = [rules]")
            config.per_file_ignores = {k: _list(v, f"per-file-ignores.{k}", where) for k, v in value.items()}
        elif name == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [tool.claims] severity must be a table of rule = level")
            for rule_name, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(f"{where}: [tool.claims.severity] {rule_name} = {level!r}; expected one of {', '.join(SEVERITIES)}")
            config.severity = dict(value)
        elif name == "cache-dir":
            config.cache_dir = (root / str(value)).resolve()
        elif name == "evidence-dir":
            config.evidence_dir = str(value)
        elif isinstance(value, dict):
            config.sections[name] = value
        else:
            raise ConfigError(f"{where}: unknown setting [tool.claims] {key}")
    if config.cache_dir is None:
        config.cache_dir = (root if pyproject else config.base) / ".claims-cache"
    return config
