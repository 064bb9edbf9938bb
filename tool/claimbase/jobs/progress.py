"""What a user watches while a run goes: one line per job, an overall bar, elapsed times.

On a terminal this is a live rich display (jobs that finished well are folded away once many lines
are shown); elsewhere (CI logs, pipes) one plain line per finished job.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from .plan import Job
from .runner import DONE, Outcome

MAX_LINES = 20


class Display:
    def __init__(self, console: Console, jobs: list[Job]):
        self.console = console
        self.live = console.is_terminal and bool(jobs)  # nothing to watch on a no-op run
        self.labels = {j.key: j.label for j in jobs}
        self.tasks: dict[str, TaskID] = {}
        self.finished: list[str] = []
        self.bar = Progress(
            TextColumn("{task.description}", markup=True), BarColumn(bar_width=24),
            TextColumn("{task.percentage:>3.0f}%"), TextColumn("{task.fields[status]}", markup=False),
            TimeElapsedColumn(), console=console, transient=False, auto_refresh=self.live,
            refresh_per_second=4, disable=not self.live,
        )
        self.overall = self.bar.add_task(f"[bold]{len(self.labels)} jobs[/bold]", total=max(1, len(self.labels)), status="")

    def __enter__(self) -> "Display":
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def poll(self, progress: Callable[[str], tuple[float, str] | None], pending: list[str]) -> None:
        """Show the progress of running jobs (`pending` keys not finished yet)."""
        if not self.live:
            return
        for key in pending:
            report = progress(key)
            if report is None:
                continue
            if key not in self.tasks:
                self.tasks[key] = self.bar.add_task(escape(self.labels.get(key, key)), total=1.0, status="running")
            fraction, status = report
            self.bar.update(self.tasks[key], completed=fraction, status=status or "running")

    def finish(self, key: str, outcome: Outcome) -> None:
        label = self.labels.get(key, key)
        self.bar.advance(self.overall)
        if not self.live:
            if outcome.ok:
                self.console.print(f"  done    {label} ({outcome.seconds:.2f} s)", markup=False, highlight=False)
            else:
                self.console.print(f"  {outcome.state.upper():<7} {label}: {outcome.reason}", markup=False, highlight=False)
            return
        if key not in self.tasks:
            self.tasks[key] = self.bar.add_task(escape(label), total=1.0, status="")
        task = self.tasks[key]
        if outcome.state == DONE:
            self.bar.update(task, completed=1.0, status=f"done {outcome.seconds:.1f} s")
            self.bar.stop_task(task)
            self.finished.append(key)
        else:
            self.bar.update(task, status=f"{outcome.state}: {outcome.reason.splitlines()[0]}")
            self.bar.stop_task(task)
        shown = sum(1 for t in self.bar.tasks if t.visible) - 1
        while shown > MAX_LINES and self.finished:
            self.bar.update(self.tasks[self.finished.pop(0)], visible=False)
            shown -= 1
