"""Stage 1, Dependence: a joint harvest that no agent can do alone (Overcooked-like in spirit).

* **State**: a size × size open grid holding ``n_loads`` (4) loads of two units each (a load that
  is taken reappears on a random free cell), two learners, the shared substrate's needs and pouches.
* **Actions**: the substrate's seven (stay, four moves, collect, give).
* **Rule**: a load yields only when two agents grip it at once: ``collect`` grips a load on the
  agent's cell or next to it, and the grip holds until the agent moves away. Each gripper then
  takes one unit. (Requiring the same cell and the same step made success so rare for an
  untrained pair — about 0.005 loads per episode on 7×7 — that PPO often never found it.)
* **Reward**: a team reward, the learners' mean intake (units collected + received − given).
* **Why cooperation is necessary**: a lone agent can never collect anything, so its return is
  exactly zero whatever it does; every unit of reward requires meeting the partner on a load and
  acting in the same step.
"""

from __future__ import annotations

from claimbase.lab.grid import GridConfig


def dependence(size: int = 7, horizon: int = 50, n_learners: int = 2, n_loads: int = 4) -> GridConfig:
    """The Dependence rule set; ``n_learners=1`` gives the solo control whose return is 0."""
    return GridConfig(
        name="dependence",
        size=size,
        horizon=horizon,
        n_learners=n_learners,
        n_resources=n_loads,
        units_per_cell=2,
        min_collectors=2,
        reach=1,
        team_reward=True,
        respawn="target",
    )
