"""Cache keys: what can change a job's result, hashed.

A job's key covers its entry point, its resolved parameters, its seed, the code it runs, the keys of
the upstream jobs it reads (same seed), and a small environment key (Python minor version, the
versions of the libraries that matter, the device).  A run's key covers the experiment's name and
profile, its predictions and the keys of all its jobs; it is what an evidence note records and what
`stale-evidence` recomputes.

"The code it runs" is the entry point's module and every module it imports, transitively, that
belongs to the project: modules of the same top-level package, and anything not installed in the
standard library or site-packages.  Modules are found on the search path without importing them,
parsed with `ast`, and hashed on their syntax tree, so an edited comment or blank line does not
invalidate a ten-minute result while any change to what the code does (docstrings included) does.
Libraries outside the project enter only through the environment key.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

KEY_FORMAT = 1
KEY_LIBRARIES = ("numpy", "torch")


def digest(value: Any, length: int = 20) -> str:
    """A short, stable hex digest of a JSON-able value."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:length]


@lru_cache(maxsize=None)
def library_version(name: str) -> str | None:
    """The installed version of a distribution, read from its metadata (nothing is imported)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def environment(device: str = "cpu", libraries: tuple[str, ...] = KEY_LIBRARIES) -> dict[str, Any]:
    """The small environment key: Python minor version, library versions, device."""
    env: dict[str, Any] = {"python": f"{sys.version_info.major}.{sys.version_info.minor}"}
    for lib in libraries:
        env[lib] = library_version(lib)
    env["device"] = device
    return env


def job_key(entry: str, params: dict[str, Any], seed: int, code: str, env: dict[str, Any], upstream: dict[str, str]) -> str:
    return digest({"format": KEY_FORMAT, "entry": entry, "params": params, "seed": seed, "code": code, "env": env, "upstream": upstream})


def run_key(experiment: str, profile: str, predictions: list[dict[str, Any]], jobs: dict[int, str]) -> str:
    return digest(
        {"format": KEY_FORMAT, "experiment": experiment, "profile": profile, "predictions": predictions,
         "jobs": sorted(jobs.items())}
    )


# --- the code an entry point runs -------------------------------------------------------------------


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool


class EntryError(Exception):
    """An entry point that cannot be found; the message says what is wrong."""


class CodeIndex:
    """Finds and hashes project modules on a search path, without importing anything.

    One index is shared by every experiment of a run (or a lint), so each module is read and
    parsed once.
    """

    def __init__(self, search_path: list[str]):
        self.search_path = [p for p in dict.fromkeys(search_path) if p and os.path.isdir(p)]
        self._installed = _installed_roots()
        self._found: dict[str, Module | None] = {}
        self._trees: dict[Path, ast.Module | None] = {}
        self._hashes: dict[Path, str] = {}
        self._closures: dict[str, dict[str, str]] = {}

    # -- locating ----------------------------------------------------------------------------------
    def locate(self, name: str) -> Module | None:
        if name in self._found:
            return self._found[name]
        found = None
        parts = name.split(".")
        if all(p.isidentifier() for p in parts):
            for root in self.search_path:
                base = Path(root, *parts)
                init = base / "__init__.py"
                if init.is_file():
                    found = Module(name, init, True)
                    break
                plain = base.with_suffix(".py")
                if plain.is_file():
                    found = Module(name, plain, False)
                    break
        self._found[name] = found
        return found

    def tree(self, path: Path) -> ast.Module | None:
        if path not in self._trees:
            try:
                self._trees[path] = ast.parse(path.read_bytes(), filename=str(path))
            except (OSError, SyntaxError, ValueError):
                self._trees[path] = None
        return self._trees[path]

    def file_hash(self, path: Path) -> str:
        if path not in self._hashes:
            tree = self.tree(path)
            if tree is not None:
                text = ast.dump(tree, annotate_fields=False, include_attributes=False).encode()
            else:  # unparsable: hash the bytes, so that fixing the file changes the key
                try:
                    text = path.read_bytes()
                except OSError:
                    text = b"<unreadable>"
            self._hashes[path] = hashlib.sha256(text).hexdigest()[:20]
        return self._hashes[path]

    def _is_project(self, module: Module, top: str) -> bool:
        if module.name.split(".")[0] == top:
            return True
        resolved = str(module.path.resolve())
        return not any(resolved.startswith(root) for root in self._installed)

    # -- the entry point ---------------------------------------------------------------------------
    def check_entry(self, entry: str) -> tuple[Module, ast.AST | None]:
        """The entry point's module and the definition of its function; raises EntryError."""
        module_name, sep, func = entry.partition(":")
        if not sep or not module_name or not func.isidentifier():
            raise EntryError(f"'{entry}' is not of the form package.module:function")
        module = self.locate(module_name)
        if module is None:
            raise EntryError(f"module '{module_name}' of entry point '{entry}' is not found on the search path")
        tree = self.tree(module.path)
        if tree is None:
            raise EntryError(f"module '{module_name}' ({module.path}) cannot be parsed")
        definition = _top_level_definition(tree, func)
        if definition is False:
            raise EntryError(f"module '{module_name}' ({module.path}) defines no '{func}'")
        return module, definition if isinstance(definition, ast.AST) else None

    def closure(self, module_name: str) -> dict[str, str]:
        """Project module name -> hash, for `module_name`, its packages and what they import.

        A module reached by name (the entry point's, and what project code imports) counts with
        every import it contains, lazy ones inside functions too; a package reached only as the
        parent of such a module counts with the imports its body runs on import, so that a package
        `__init__` with a lazy accessor does not pull in everything it could import.
        """
        if module_name in self._closures:
            return self._closures[module_name]
        top = module_name.split(".")[0]
        found: dict[str, str] = {}
        full: dict[str, bool] = {}  # module -> whether its function-level imports were followed
        stack = [(module_name, True)]
        while stack:
            name, whole = stack.pop()
            if name in full and (full[name] or not whole):
                continue
            full[name] = whole
            parts = name.split(".")
            stack.extend((".".join(parts[:i]), False) for i in range(1, len(parts)))
            module = self.locate(name)
            if module is None or not self._is_project(module, top):
                continue
            found[name] = self.file_hash(module.path)
            tree = self.tree(module.path)
            if tree is not None:
                stack.extend((n, True) for n in _imports(tree, module, whole))
        result = dict(sorted(found.items()))
        self._closures[module_name] = result
        return result

    def files(self, module_name: str) -> list[str]:
        """The files of `module_name`'s closure (for the lint result cache's inputs)."""
        modules = (self.locate(n) for n in self.closure(module_name))
        return [str(m.path) for m in modules if m is not None]

    def returned_metrics(self, entry: str) -> set[str] | None:
        """The metric names the entry point's `return {...}` statements name, or None when they
        cannot be read off the code (a computed key, a dict built elsewhere)."""
        try:
            _, definition = self.check_entry(entry)
        except EntryError:
            return None
        if not isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        return _returned_keys(definition)


def _installed_roots() -> tuple[str, ...]:
    roots = set()
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        if paths.get(key):
            roots.add(str(Path(paths[key]).resolve()))
    for p in sys.path:
        if "site-packages" in p or "dist-packages" in p:
            roots.add(str(Path(p).resolve()))
    return tuple(r.rstrip(os.sep) + os.sep for r in roots)


def _top_level_definition(tree: ast.Module, name: str) -> ast.AST | bool:
    """The node defining `name` at module level; True if defined some other way; False if not."""
    found: ast.AST | bool = False
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            found = node
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found = True
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                found = True
    return found


def _import_nodes(tree: ast.Module, everywhere: bool):
    """The import statements of `tree`: all of them, or those run when the module is imported
    (not inside function bodies)."""
    if everywhere:
        yield from (n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)))
        return
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _imports(tree: ast.Module, module: Module, everywhere: bool = True) -> list[str]:
    """Absolute names of the modules `tree` imports (see `_import_nodes`)."""
    names: list[str] = []
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node in _import_nodes(tree, everywhere):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                keep = len(parts) - (node.level - 1)
                if keep < 0:
                    continue
                prefix = ".".join(parts[:keep])
                base = ".".join(p for p in (prefix, node.module or "") if p)
            else:
                base = node.module or ""
            if not base:
                continue
            names.append(base)
            names.extend(f"{base}.{a.name}" for a in node.names if a.name != "*")  # submodules, if any
    return names


def _returned_keys(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str] | None:
    returns: list[ast.expr | None] = []
    assigned: dict[str, list[ast.AST]] = {}
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # a nested function's returns are not this function's
        if isinstance(node, ast.Return):
            returns.append(node.value)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    assigned.setdefault(t.id, []).append(node.value if node.value is not None else node)
                elif isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                    assigned.setdefault(t.value.id, []).append(t)
        stack.extend(ast.iter_child_nodes(node))
    if not returns:
        return None
    keys: set[str] = set()
    for value in returns:
        found = _dict_keys(value)
        if found is None and isinstance(value, ast.Name) and value.id in assigned:
            found = set()
            for how in assigned[value.id]:
                part = _dict_keys(how) if not isinstance(how, ast.Subscript) else _subscript_key(how)
                if part is None:
                    return None
                found |= part
        if found is None:
            return None
        keys |= found
    return keys


def _dict_keys(value: ast.AST | None) -> set[str] | None:
    if isinstance(value, ast.Dict):
        if all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in value.keys):
            return {k.value for k in value.keys}  # type: ignore[union-attr]
        return None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
        if all(k.arg is not None for k in value.keywords):
            return {k.arg for k in value.keywords}  # type: ignore[misc]
    return None


def _subscript_key(target: ast.Subscript) -> set[str] | None:
    key = target.slice
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return {key.value}
    return None
