"""Invariants of the SocialGrid substrate and its stages."""

import torch

from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.env_capability import HELD_OUT, TASKS, capability
from claimbase.lab.env_dependence import dependence
from claimbase.lab.env_reciprocity import reciprocity
from claimbase.lab.grid import COLLECT, DOWN, GIVE, LEFT, PEER, STAY, UP, GridConfig
from claimbase.lab.observation import (
    APPEARANCE, BYSTANDER, CENTER, NEED, OBS_DIM, OTHERS, RES, WALL, WINDOW, channel_slice, scalar_index,
)
from claimbase.lab.socialgrid import SocialGrid

torch.set_num_threads(1)


def random_actions(env: SocialGrid, generator: torch.Generator) -> torch.Tensor:
    return torch.randint(0, 7, (env.num_envs, env.n_learners), generator=generator)


def play(env: SocialGrid, steps: int, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    return [env.step(random_actions(env, generator)) for _ in range(steps)]


def placed(cfg: GridConfig, positions: list[tuple[int, int]], batch: int = 1, seed: int = 0) -> SocialGrid:
    """An env whose agents stand at given cells, with no resources and no monitoring."""
    env = SocialGrid(cfg, batch, seed=seed, auto_reset=False)
    s = env.state
    s.pos = torch.tensor(positions).expand(batch, -1, -1).clone()
    s.res.zero_()
    s.fertile.zero_()
    s.monitored.zero_()
    s.need.fill_(0.2)
    return env


def test_solo_agent_in_dependence_earns_exactly_zero():
    env = SocialGrid(dependence(n_learners=1), 200, seed=1)
    env.reset(1)
    steps = play(env, 120)  # more than two episodes
    assert all(bool((s.reward == 0).all()) for s in steps)
    assert all(int(s.events.collected.sum()) == 0 for s in steps)


def test_dependence_pair_harvests_a_load_together_not_apart():
    cfg = dependence().with_(respawn="none")
    env = placed(cfg, [(3, 3), (3, 4)])
    env.state.res[0, 3, 3] = 2
    one = env.step(torch.tensor([[COLLECT, STAY]]))
    assert one.reward.sum() == 0 and env.state.grip[0, 0] == 3 * 7 + 3  # gripping, waiting
    both = env.step(torch.tensor([[STAY, COLLECT]]))  # the grip held; the partner reaches over
    assert torch.equal(both.reward, torch.tensor([[1.0, 1.0]]))
    assert env.state.res.sum() == 0


def test_dependence_grip_is_released_by_moving():
    env = placed(dependence().with_(respawn="none"), [(3, 3), (3, 4)])
    env.state.res[0, 3, 3] = 2
    env.step(torch.tensor([[COLLECT, STAY]]))
    env.step(torch.tensor([[UP, STAY]]))
    assert env.step(torch.tensor([[STAY, COLLECT]])).reward.sum() == 0


def test_units_are_conserved_in_every_stage():
    for cfg in (dependence(), reciprocity(), autonomy(), *TASKS.values(), HELD_OUT):
        env = SocialGrid(cfg, 32, seed=2)
        start = env.reset(2) is not None and env.state.total_units().clone()
        generator = torch.Generator().manual_seed(0)
        for _ in range(cfg.horizon - 1):
            env.step(random_actions(env, generator))
            assert torch.equal(env.state.total_units(), start), cfg.name


def test_give_moves_one_unit_to_the_neediest_neighbour():
    cfg = autonomy().with_(respawn="none", n_bystanders=1, bystander_move_p=0.0, bystander_collect_p=0.0)
    env = placed(cfg, [(3, 3), (0, 0), (3, 4)])  # learner, far learner, adjacent bystander
    s = env.state
    s.pouch[0, 0] = 2
    s.need[0] = torch.tensor([0.1, 0.9, 0.8])
    before = s.total_units().clone()
    step = env.step(torch.tensor([[GIVE, STAY]]))
    assert s.pouch[0, 0] == 1
    assert s.tally.received[0].tolist() == [0, 0, 1] and s.tally.given[0, 0] == 1
    assert s.tally.gave_to_needy[0, 0] == 1
    assert abs(float(s.need[0, 2]) - (0.8 - 0.5 + cfg.need_rate[2])) < 1e-6  # eaten on receipt
    assert step.reward[0, 0] == -1.0
    assert torch.equal(s.total_units(), before)


def test_give_on_a_depot_delivers():
    cfg = capability("delivery").with_(respawn="none")
    env = placed(cfg, [(2, 2)])
    env.state.depot.zero_()
    env.state.depot[0, 2, 2] = True
    env.state.pouch[0, 0] = 1
    step = env.step(torch.tensor([[GIVE]]))
    assert step.reward[0, 0] == 1.0 and env.state.tally.delivered[0, 0] == 1


def test_commons_regrows_near_resources_and_collapses_when_bare():
    cfg = reciprocity().with_(n_peers=0, horizon=1000)
    env = SocialGrid(cfg, 64, seed=3)
    s = env.state
    s.pos.zero_()  # the learner stays in a corner, away from the patches
    s.fertile.zero_()
    s.fertile[:, 2:5, 2:5] = True
    s.res.zero_()
    s.res[:, 2, 2] = 1
    s.res[:, 2, 3] = 1  # a patch with two of nine units left
    bare = SocialGrid(cfg, 64, seed=3)
    bare.state = s.clone()
    bare.state.res.zero_()
    for _ in range(60):
        env.step(torch.full((64, 1), STAY))
        bare.step(torch.full((64, 1), STAY))
    assert env.state.res.sum() > 2 * 64 * 2  # regrew well past the two units per env
    assert bare.state.res.sum() == 0  # a patch harvested bare never regrows
    assert (env.state.res[:, ~s.fertile[0]] == 0).all()  # only fertile cells grow


def test_peers_repay_gifts_only_when_they_observed_them():
    cfg = reciprocity(n_peers=1).with_(respawn="none", return_prob=1.0, scripted_noise=0.0)
    received = {}
    for monitored in (False, True):
        env = placed(cfg, [(3, 3), (3, 4)], batch=16)
        s = env.state
        s.monitored.fill_(monitored)
        s.res[:, 2:4, 4] = 9  # the peer stays to forage where it is
        s.pouch[:, 0] = 1
        s.pouch[:, 1] = 3
        env.step(torch.full((16, 1), GIVE))
        for _ in range(4):
            env.step(torch.full((16, 1), STAY))
        received[monitored] = s.tally.received[:, 0]
        assert (s.tally.given[:, 0] == 1).all()
    assert (received[False] == 0).all()
    assert (received[True] == cfg.return_units).all()


def test_peer_walks_back_to_repay_a_creditor():
    cfg = reciprocity(n_peers=1).with_(respawn="none", return_prob=1.0, scripted_noise=0.0)
    env = placed(cfg, [(3, 3), (3, 4)], batch=4)
    s = env.state
    s.monitored.fill_(True)
    s.res[:, 2:4, 4] = 9
    s.pouch[:, 0] = 1
    s.pouch[:, 1] = 3
    env.step(torch.full((4, 1), GIVE))  # first unit repaid at once
    env.step(torch.full((4, 1), LEFT))
    env.step(torch.full((4, 1), LEFT))  # the learner walks off; the peer follows
    for _ in range(4):
        env.step(torch.full((4, 1), STAY))
    assert (s.tally.received[:, 0] == 2).all() and (s.debt == 0).all()
    assert (s.kind[:, 1] == PEER).all()


def test_observation_layout_and_channel_semantics():
    cfg = autonomy().with_(n_learners=1, n_bystanders=2, respawn="none", bystander_move_p=0.0)
    env = placed(cfg, [(0, 3), (1, 3), (6, 6)])  # learner on the top row; a bystander below it
    s = env.state
    s.res[0, 0, 4] = 1
    s.need[0] = torch.tensor([0.3, 0.7, 0.9])
    s.appearance[0] = torch.tensor([0.0, 0.25, 0.5])
    s.pouch[0, 0] = 2
    s.monitored[0] = True
    obs = env.observe()[0, 0]
    assert obs.shape == (OBS_DIM,)
    plane = lambda ch: obs[channel_slice(ch)].view(WINDOW, WINDOW)  # noqa: E731
    assert plane(RES)[2, 3] == 0.5  # one unit, right of the centre
    assert (plane(WALL)[:2] == 1).all() and (plane(WALL)[2:] == 0).all()  # above the top row
    assert plane(OTHERS).sum() == 1 and plane(OTHERS)[3, 2] == 1  # self excluded; far one unseen
    assert abs(float(plane(NEED)[3, 2]) - 0.7) < 1e-6
    assert plane(APPEARANCE)[3, 2] == 0.25 and plane(BYSTANDER)[3, 2] == 1
    assert plane(OTHERS).flatten()[CENTER] == 0
    assert abs(float(obs[scalar_index("own_need")]) - 0.3) < 1e-6
    assert abs(float(obs[scalar_index("pouch")]) - 2 / 3) < 1e-6
    assert obs[scalar_index("monitored")] == 1 and obs[scalar_index("time_left")] == 1


def test_walls_block_moves_and_the_maze_has_one_gap_per_wall_row():
    env = SocialGrid(capability("maze"), 64, seed=4)
    wall = env.state.wall
    for row in (1, 3, 5):
        assert ((~wall[:, row]).sum(-1) == 1).all()
    assert not wall[:, 0].any()
    start = env.state.pos.clone()
    blocked = wall.view(64, -1).gather(1, ((start[..., 0] + 1).clamp(max=6) * 7 + start[..., 1]))
    env.step(torch.full((64, 1), DOWN))
    moved = (env.state.pos != start).any(-1)
    assert not (moved & blocked).any()


def test_same_seed_same_trajectory_different_seed_different():
    def trajectory(seed: int):
        env = SocialGrid(reciprocity(), 8, seed=seed)
        obs = [env.reset(seed)]
        generator = torch.Generator().manual_seed(7)
        rewards = []
        for _ in range(30):
            step = env.step(random_actions(env, generator))
            obs.append(step.obs)
            rewards.append(step.reward)
        return torch.stack(obs), torch.stack(rewards)

    a, b, c = trajectory(5), trajectory(5), trajectory(6)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


def test_episodes_end_and_reset_together():
    env = SocialGrid(autonomy().with_(horizon=5), 4, seed=0)
    env.reset(0)
    steps = play(env, 10)
    assert [s.done for s in steps] == [False] * 4 + [True] + [False] * 4 + [True]
    assert steps[4].episode is not None and env.state.t == 0
