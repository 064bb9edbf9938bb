"""The formation curriculum and its baselines run end to end on tiny budgets."""

import torch

from claimbase.lab.curriculum import (
    CurriculumConfig, autonomy_only, explicit_reward, formation, prosocial_shaping,
)
from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.grid import GIVE, STAY
from claimbase.lab.ppo import PPOConfig
from claimbase.lab.socialgrid import SocialGrid

torch.set_num_threads(1)

TINY = CurriculumConfig(
    dependence_steps=3200, reciprocity_steps=3200, autonomy_steps=3200,
    decisions_per_step=32, hidden=32, ppo=PPOConfig(update_epochs=1, num_minibatches=2),
)


def test_formation_trains_each_stage_in_order():
    result = formation(TINY, seed=0)
    assert list(result.curves) == ["dependence", "reciprocity", "autonomy"]
    assert all(log.agent_steps[-1] == 3200 for log in result.curves.values())
    assert result.agent_steps == TINY.total_steps


def test_c0_is_compute_matched_and_autonomy_only():
    c0, sva = autonomy_only(TINY, seed=0), formation(TINY, seed=0)
    assert list(c0.curves) == ["autonomy"]
    assert c0.agent_steps == sva.agent_steps
    assert sum(log.gradient_samples for log in c0.curves.values()) == sum(
        log.gradient_samples for log in sva.curves.values()
    )


def test_explicit_reward_pays_a_bonus_per_gift_to_the_needy():
    cfg = autonomy().with_(n_bystanders=1, respawn="none", bystander_move_p=0.0)
    env = SocialGrid(cfg, 1, seed=0)
    env.state.pos = torch.tensor([[[3, 3], [0, 0], [3, 4]]])
    env.state.pouch[0, 0] = 1
    env.state.need[0, 2] = 0.9
    step = env.step(torch.tensor([[GIVE, STAY]]))
    bonus = prosocial_shaping(2.0)(step)
    assert bonus.tolist() == [[2.0, 0.0]] and step.reward[0, 0] == -1.0


def test_explicit_reward_logs_the_environment_return():
    plain, shaped = formation(TINY, seed=1), explicit_reward(TINY, seed=1)
    first = lambda f: f.curves["dependence"].episode_return[0]  # noqa: E731
    assert first(plain) == first(shaped)  # same first rollout; the bonus is not logged as return


def test_progress_is_reported_over_the_whole_run():
    seen = []
    formation(TINY, seed=0, progress=lambda frac, msg: seen.append(frac))
    assert seen == sorted(seen) and abs(seen[-1] - 1.0) < 1e-9 and seen[0] < 0.34
