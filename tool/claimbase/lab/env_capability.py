"""Capability tasks: new skills on the same observation and action space, no value content.

Each is a solo rule set (one learner, nobody else in view unless ``with_bystanders``), so its
states are capability states and its reward says nothing about others:

* ``forage_clustered`` — resources only inside two 3×3 patches, refilled there: find the patches.
* ``forage_sparse`` — two resource cells anywhere on the grid: search.
* ``maze`` — a corridor maze (every odd row a wall with one gap): navigate to resources.
* ``delivery`` — collecting pays nothing; depositing a unit on the depot (``give`` while standing
  on it) pays one. The learner's need does not rise, so carried units are not eaten on the way.
* ``maze_delivery`` — **held out**: delivery inside a corridor maze. Never used during
  consolidation; the persistence test fine-tunes on it.

Reward: units collected (foraging and maze tasks) or delivered (delivery tasks).
"""

from __future__ import annotations

from claimbase.lab.grid import GridConfig

_DELIVERY = dict(n_depots=1, collect_reward=0.0, deliver_reward=1.0, need_rate=(0.0, 0.02, 0.04, 0.05))

TASKS: dict[str, GridConfig] = {
    "forage_clustered": GridConfig(name="forage_clustered", n_learners=1, layout="patches", n_resources=6),
    "forage_sparse": GridConfig(name="forage_sparse", n_learners=1, n_resources=2),
    "maze": GridConfig(name="maze", n_learners=1, maze=True, n_resources=3),
    "delivery": GridConfig(name="delivery", n_learners=1, n_resources=4, **_DELIVERY),
}
HELD_OUT = GridConfig(name="maze_delivery", n_learners=1, maze=True, n_resources=4, **_DELIVERY)


def capability(name: str, with_bystanders: int = 0) -> GridConfig:
    """A capability task by name (``maze_delivery`` is the held-out one), optionally with bystanders."""
    cfg = HELD_OUT if name == HELD_OUT.name else TASKS[name]
    return cfg.with_(n_bystanders=with_bystanders) if with_bystanders else cfg
