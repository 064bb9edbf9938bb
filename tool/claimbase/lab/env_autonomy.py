"""Stage 3, Autonomy: the agent's own foraging among needy bystanders it may help or ignore.

NMMO-like in spirit: open-ended individual foraging with others around whose welfare is in play.

* **State**: an open grid with abundant resources (refilled to ``n_resources`` cells every step),
  two learners and three scripted bystanders — slow, poor foragers whose need rises twice as fast
  as a learner's and starts high.
* **Actions**: the substrate's seven.
* **Reward**: individual: units collected + received − given. A gift to a bystander costs the
  giver one unit of reward and nobody ever repays it.
* **Why cooperation is optional**: the focal agent's return is maximised by ignoring the
  bystanders; helping them (``give``) or leaving them resources costs it. Whatever prosocial
  behaviour it shows here is a disposition carried in from earlier stages, not a payoff — this is
  where formed values either persist or are optimised away, and the template for capability
  fine-tuning.
"""

from __future__ import annotations

from claimbase.lab.grid import GridConfig


def autonomy(size: int = 7, horizon: int = 50, n_learners: int = 2, n_bystanders: int = 3) -> GridConfig:
    """The Autonomy rule set."""
    return GridConfig(
        name="autonomy",
        size=size,
        horizon=horizon,
        n_learners=n_learners,
        n_bystanders=n_bystanders,
        n_resources=6,
        respawn="target",
    )
