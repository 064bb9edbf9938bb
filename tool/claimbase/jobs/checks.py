"""What the experiment lint rules share: the experiments read once per lint, the code they name
found (never imported), and the files read recorded so that editing them invalidates a cached lint
result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .experiments import DEFAULT_PROFILE, Experiment, read_all
from .keys import CodeIndex, EntryError
from .plan import entry_module, search_path

if TYPE_CHECKING:  # pragma: no cover
    from ..rules.base import Context


@dataclass
class Analysis:
    experiments: dict[int, Experiment]
    code: CodeIndex
    entry_errors: dict[int, str] = field(default_factory=dict)  # experiment node -> what is wrong
    by_profile: dict[str, dict[int, Experiment]] = field(default_factory=dict)

    def for_profile(self, base, profile: str) -> dict[int, Experiment]:
        if profile not in self.by_profile:
            self.by_profile[profile] = read_all(base, profile)
        return self.by_profile[profile]


def analyse(ctx: "Context") -> Analysis:
    """The shared analysis of the base's experiments (computed by the first rule that asks)."""
    found = ctx.shared.get("experiments")
    if found is not None:
        return found
    base = ctx.base
    experiments = read_all(base, DEFAULT_PROFILE)
    paths = search_path(ctx.config)
    analysis = Analysis(experiments, CodeIndex(paths), by_profile={DEFAULT_PROFILE: experiments})
    for node, exp in experiments.items():
        if exp.entry is None:
            analysis.entry_errors[node] = "has no entry point: `job: {run: package.module:function}`"
            continue
        module = entry_module(exp)
        try:
            analysis.code.check_entry(exp.entry)
        except EntryError as err:
            analysis.entry_errors[node] = str(err)
            if module:  # where the module would be: creating it must invalidate a cached lint
                ctx.inputs.append(str(Path(paths[0], *module.split(".")).with_suffix(".py")))
            continue
        ctx.inputs.extend(analysis.code.files(module))
    ctx.shared["experiments"] = analysis
    return analysis
