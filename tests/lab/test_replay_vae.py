"""The generative-replay VAE over scenario specs."""

import torch

from claimbase.lab.replay import SpecVAE, VAEConfig, novelty, spec_to_vector, train_vae, vector_to_spec
from claimbase.lab.replay import N_BINARY, N_CATEGORICAL, _categorical_groups
from claimbase.lab.scenario import random_scenarios

torch.set_num_threads(1)


def test_specs_survive_coding_round_trip():
    specs = random_scenarios(200, "value", torch.Generator().manual_seed(0))
    specs = specs.with_(res=(specs.res > 0).long())
    x = spec_to_vector(specs)
    back = vector_to_spec(
        x[:, :N_BINARY] > 0.5, [g.argmax(1) for g in _categorical_groups(x)], x[:, N_BINARY + N_CATEGORICAL :]
    )
    assert torch.equal(spec_to_vector(back), x)


def test_vae_learns_and_samples_value_relevant_novel_scenarios():
    train = random_scenarios(1500, "value", torch.Generator().manual_seed(1))
    model = SpecVAE(VAEConfig(epochs=12))
    history = train_vae(model, train, seed=0)
    assert history[-1] < 0.7 * history[0]
    assert all(b < a for a, b in zip(history[:4], history[1:5]))  # falls steadily at first
    samples = model.sample(1000, torch.Generator().manual_seed(2))
    assert samples.value_relevant().float().mean() >= 0.95
    report = novelty(samples, train)
    assert 0.0 <= report.novel_fraction <= 1.0 and report.novel_fraction > 0.5
    assert report.nearest_distance > 0
