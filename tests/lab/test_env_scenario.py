"""Scenario specs, their rendering, the state predicates and the fixed probe set."""

import torch

from claimbase.lab.env_autonomy import autonomy
from claimbase.lab.env_reciprocity import reciprocity
from claimbase.lab.observation import DISTRACTOR, NEED, OBS_DIM, channel_slice
from claimbase.lab.probe_set import ABLATIONS, make_probe_set
from claimbase.lab.scenario import from_grid, random_scenarios, render
from claimbase.lab.socialgrid import SocialGrid

torch.set_num_threads(1)


def test_a_spec_read_off_the_grid_renders_to_the_grid_observation():
    keep = torch.ones(OBS_DIM, dtype=torch.bool)
    keep[channel_slice(DISTRACTOR)] = False
    for cfg in (reciprocity(), autonomy()):
        env = SocialGrid(cfg, 16, seed=1)
        env.reset(1)
        generator = torch.Generator().manual_seed(0)
        for _ in range(7):
            env.step(torch.randint(0, 7, (16, cfg.n_learners), generator=generator))
        ours = render(from_grid(env.state, cfg))
        theirs = env.observe().reshape(-1, OBS_DIM)
        assert torch.equal(ours[:, keep], theirs[:, keep])


def test_rendering_is_deterministic_given_the_seed():
    specs = random_scenarios(50, "value", torch.Generator().manual_seed(0))
    assert torch.equal(render(specs, 3), render(specs, 3))
    assert not torch.equal(render(specs, 3), render(specs, 4))


def test_random_specs_satisfy_their_predicates():
    generator = torch.Generator().manual_seed(2)
    value = random_scenarios(500, "value", generator)
    capability = random_scenarios(500, "capability", generator)
    assert value.value_relevant().all() and not value.capability().any()
    assert capability.capability().all() and not capability.value_relevant().any()


def test_probe_set_is_fixed_hashed_and_paired():
    a, b, c = make_probe_set(200, seed=0), make_probe_set(200, seed=0), make_probe_set(200, seed=1)
    assert a.digest == b.digest and a.digest != c.digest
    assert a.value.sum() == 100
    assert a.scenarios.value_relevant()[a.value].all()
    assert a.scenarios.capability()[~a.value].all()
    assert set(a.ablated) == set(ABLATIONS)
    for name, channel in ABLATIONS.items():
        changed = (a.ablated[name] != a.obs).any(0)
        inside = torch.zeros(OBS_DIM, dtype=torch.bool)
        inside[channel_slice(channel)] = True
        assert changed.any() and not (changed & ~inside).any(), name
        plane = a.ablated[name][:, channel_slice(channel)]
        assert torch.allclose(plane, plane[:1].expand_as(plane))  # every row gets the mean
    need = a.obs[:, channel_slice(NEED)]
    assert torch.allclose(a.ablated["need"][:, channel_slice(NEED)][0], need.mean(0))
