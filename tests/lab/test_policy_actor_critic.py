"""The shared actor-critic and its activation edits."""

import pytest
import torch

from claimbase.lab.observation import OBS_DIM
from claimbase.lab.policy import ActorCritic, LayerEdit

torch.set_num_threads(1)


@pytest.fixture
def net_and_obs():
    torch.manual_seed(0)
    return ActorCritic(), torch.rand(16, OBS_DIM)


def test_shapes(net_and_obs):
    net, obs = net_and_obs
    logits, value = net(obs)
    assert logits.shape == (16, 7) and value.shape == (16,)
    feats = net.features(obs)
    assert [f.shape for f in feats] == [(16, 128), (16, 128)]
    assert torch.allclose(net.action_probs(obs).sum(-1), torch.ones(16))


def test_adding_zero_or_replacing_with_itself_changes_nothing(net_and_obs):
    net, obs = net_and_obs
    logits, _ = net(obs)
    h0 = net.features(obs)[0]
    assert torch.equal(net(obs, [LayerEdit(0, add=torch.zeros(128))])[0], logits)
    assert torch.allclose(net(obs, [LayerEdit(0, replace=h0)])[0], logits)


def test_edits_change_downstream_only_and_leave_no_trace(net_and_obs):
    net, obs = net_and_obs
    before = net.features(obs)
    edited = net.features(obs, [LayerEdit(1, add=torch.ones(128))])
    assert torch.equal(edited[0], before[0]) and torch.allclose(edited[1], before[1] + 1)
    assert torch.equal(net.features(obs)[1], before[1])  # nothing persisted


def test_unit_knockout_and_patch_from_another_input(net_and_obs):
    net, obs = net_and_obs
    units = torch.tensor([3, 7])
    out = net.features(obs, [LayerEdit(0, replace=torch.zeros(1), units=units)])[0]
    assert (out[:, units] == 0).all()
    src = net.features(obs.flip(0))[0]
    patched = net(obs, [LayerEdit(0, replace=src)])[0]
    assert torch.allclose(patched, net(obs.flip(0))[0])


def test_an_edit_needs_exactly_one_operation():
    with pytest.raises(ValueError):
        LayerEdit(0)
    with pytest.raises(ValueError):
        LayerEdit(0, add=torch.zeros(1), replace=torch.zeros(1))
