"""PettingZoo Parallel API views of the stages: one environment of the batched SocialGrid.

For interoperability and API tests, not for training (the batched ``SocialGrid`` is what PPO uses).
Agents are the learners, named ``learner_0`` … ; scripted agents act inside the environment.
Observations are float32 vectors of ``observation.OBS_DIM``; actions ``Discrete(7)``, except in
rule sets that ask the honesty question (Reciprocity), where an action is ``MultiDiscrete([7, 2])``:
the move and the report (0 DENY, 1 ADMIT; read only on the question step). The fixed horizon ends an
episode by *truncation* for every agent at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from gymnasium import spaces
from pettingzoo import ParallelEnv

from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.env_capability import HELD_OUT, TASKS
from claimbase.lab.env_dependence import dependence
from claimbase.lab.env_reciprocity import reciprocity
from claimbase.lab.grid import GridConfig
from claimbase.lab.observation import N_ACTIONS, N_REPORTS, OBS_DIM
from claimbase.lab.socialgrid import SocialGrid

STAGES: dict[str, GridConfig] = {
    "dependence": dependence(),
    "reciprocity": reciprocity(),
    "autonomy": autonomy(),
    **TASKS,
    HELD_OUT.name: HELD_OUT,
}


class SocialGridParallelEnv(ParallelEnv):
    """A single-environment PettingZoo ``ParallelEnv`` over a ``GridConfig``."""

    def __init__(self, cfg: GridConfig, device: str = "cpu") -> None:
        self.cfg = cfg
        self.metadata = {"name": f"socialgrid_{cfg.name}", "render_modes": []}
        self.render_mode = None
        self.grid = SocialGrid(cfg, 1, device=device, auto_reset=False)
        self.possible_agents = [f"learner_{i}" for i in range(cfg.n_learners)]
        self.agents: list[str] = []
        # Every channel is in [0, 1] except the count of others on a cell.
        high = float(max(1, cfg.n_agents - 1))
        self._observation_spaces = {
            a: spaces.Box(0.0, high, (OBS_DIM,), np.float32) for a in self.possible_agents
        }
        self.asks = cfg.p_question > 0
        self._action_spaces = {
            a: spaces.MultiDiscrete([N_ACTIONS, N_REPORTS]) if self.asks else spaces.Discrete(N_ACTIONS)
            for a in self.possible_agents
        }

    def observation_space(self, agent: str) -> spaces.Box:
        return self._observation_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:
        return self._action_spaces[agent]

    def _obs(self, obs: torch.Tensor) -> dict[str, np.ndarray]:
        arr = obs[0].cpu().numpy().astype(np.float32)
        return {a: arr[i] for i, a in enumerate(self.possible_agents)}

    def reset(self, seed: int | None = None, options: dict[str, Any] | None = None):
        self.agents = list(self.possible_agents)
        obs = self._obs(self.grid.reset(seed))
        return obs, {a: {} for a in self.agents}

    def step(self, actions: dict[str, Any]):
        for agent, action in actions.items():
            space = self._action_spaces.get(agent)
            if space is None:
                raise ValueError(f"unknown agent {agent!r}; agents are {self.possible_agents}")
            if not space.contains(np.asarray(action, dtype=space.dtype)):
                raise ValueError(f"{agent}: action {action!r} is outside its action space {space}")
        pairs = [np.atleast_1d(np.asarray(actions.get(a, 0))) for a in self.possible_agents]
        chosen = torch.tensor([[int(p[0]) for p in pairs]], device=self.grid.device)
        reports = torch.tensor([[int(p[1]) if len(p) > 1 else 0 for p in pairs]], device=self.grid.device)
        step = self.grid.step(chosen, reports if self.asks else None)
        obs = self._obs(step.obs)
        rewards = {a: float(step.reward[0, i]) for i, a in enumerate(self.possible_agents)}
        live = self.agents
        terminations = {a: False for a in live}
        truncations = {a: step.done for a in live}
        infos = {a: {} for a in live}
        result = (
            {a: obs[a] for a in live}, {a: rewards[a] for a in live}, terminations, truncations, infos,
        )
        if step.done:
            self.agents = []
        return result


def parallel_env(stage: str, device: str = "cpu") -> SocialGridParallelEnv:
    """The PettingZoo view of a stage or capability task by name (see ``STAGES``)."""
    return SocialGridParallelEnv(STAGES[stage], device)
