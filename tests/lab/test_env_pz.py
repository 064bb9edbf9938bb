"""The PettingZoo Parallel API views of the stages."""

import warnings

import pytest
import torch
from pettingzoo.test import parallel_api_test

from claimbase.lab.pz import STAGES, parallel_env

torch.set_num_threads(1)


@pytest.mark.parametrize("stage", ["dependence", "reciprocity", "autonomy", "maze_delivery"])
def test_parallel_api(stage):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the API test reports soft failures as warnings
        parallel_api_test(parallel_env(stage), num_cycles=100)


def test_every_stage_has_a_view_whose_observations_fit_the_space():
    for stage in STAGES:
        env = parallel_env(stage)
        obs, _ = env.reset(seed=0)
        while env.agents:
            for agent in env.agents:
                assert env.observation_space(agent).contains(obs[agent]), stage
            obs, *_ = env.step({a: env.action_space(a).sample() for a in env.agents})
