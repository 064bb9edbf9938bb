"""Generative replay in scenario-spec space: a small VAE over ``scenario.Scenario`` specs.

Pixel-level generative replay scales badly; here the generator models the compact spec of a scene
(window resources, walls and depots; up to four others as slots; own need, pouch, monitored bit,
time left), and the environment's own renderer turns a decoded spec into an observation. Every
replayed state is therefore a valid state, and the value predicate P_v can be checked on it.

A spec is coded as one vector: binary fields (resource presence, walls, depots, slot presence,
bystander flags, monitored bit) scored with Bernoulli likelihoods; categorical fields (each slot's
cell in the window, the pouch count) with softmax likelihoods; continuous fields in [0, 1] (needs,
appearances, own need, time left) with Gaussians of fixed width ``sigma``. The model reproduces
resource *presence*; a decoded resource cell holds one unit.

A decoded sample is the likelihood's mode: bits above ½, the most likely category, the mean.
"Novel" samples are those whose quantised spec (continuous fields rounded to 0.1) matches no
training spec.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from claimbase.lab.observation import CELLS, WINDOW
from claimbase.lab.scenario import MAX_OTHERS, POUCH_CAP, RADIUS, Scenario, canonical

K = MAX_OTHERS
N_BINARY = 3 * CELLS + 2 * K + 1
CATEGORIES = [CELLS] * K + [POUCH_CAP + 1]
N_CATEGORICAL = sum(CATEGORIES)
N_CONTINUOUS = 2 * K + 2
SPEC_DIM = N_BINARY + N_CATEGORICAL + N_CONTINUOUS


def spec_to_vector(scenarios: Scenario) -> Tensor:
    """Code specs as ``M × SPEC_DIM`` floats (binary | one-hot categorical | continuous)."""
    m = len(scenarios)
    cell = (scenarios.other_offset[..., 0] + RADIUS) * WINDOW + (scenarios.other_offset[..., 1] + RADIUS)
    binary = torch.cat(
        [
            (scenarios.res > 0).flatten(1), scenarios.wall.flatten(1), scenarios.depot.flatten(1),
            scenarios.other_present, scenarios.other_bystander, scenarios.monitored[:, None],
        ],
        dim=1,
    ).float()
    categorical = torch.cat(
        [F.one_hot(cell, CELLS).flatten(1), F.one_hot(scenarios.pouch, POUCH_CAP + 1)], dim=1
    ).float()
    continuous = torch.cat(
        [
            scenarios.other_need, scenarios.other_appearance,
            scenarios.own_need[:, None], scenarios.time_left[:, None],
        ],
        dim=1,
    ).float()
    return torch.cat([binary, categorical, continuous], dim=1).reshape(m, SPEC_DIM)


def _categorical_groups(x: Tensor) -> list[Tensor]:
    return list(torch.split(x[:, N_BINARY : N_BINARY + N_CATEGORICAL], CATEGORIES, dim=1))


def vector_to_spec(binary: Tensor, categories: list[Tensor], continuous: Tensor) -> Scenario:
    """Assemble specs from decoded parts: bits, category indices (one per group), values."""
    m = binary.shape[0]
    planes = binary[:, : 3 * CELLS].view(m, 3, WINDOW, WINDOW)
    rest = binary[:, 3 * CELLS :]
    cells = torch.stack(categories[:K], dim=1)
    return canonical(
        Scenario(
            res=planes[:, 0].long(), wall=planes[:, 1], depot=planes[:, 2],
            other_present=rest[:, :K], other_bystander=rest[:, K : 2 * K], monitored=rest[:, 2 * K],
            other_offset=torch.stack([cells // WINDOW - RADIUS, cells % WINDOW - RADIUS], dim=-1),
            pouch=categories[K],
            other_need=continuous[:, :K], other_appearance=continuous[:, K : 2 * K],
            own_need=continuous[:, 2 * K], time_left=continuous[:, 2 * K + 1],
        )
    )


@dataclass(frozen=True)
class VAEConfig:
    """Hyper-parameters of the spec VAE and its training."""

    latent: int = 16
    """Dimension of the latent code z."""
    hidden: int = 128
    """Width of the encoder's and decoder's two hidden layers."""
    sigma: float = 0.1
    """Standard deviation of the Gaussian likelihood of continuous fields."""
    epochs: int = 40
    """Passes over the training specs."""
    batch_size: int = 256
    """Specs per gradient step."""
    learning_rate: float = 2e-3
    """Adam step size."""


class SpecVAE(nn.Module):
    """Encoder q(z | spec) and decoder p(spec | z), both two-layer MLPs."""

    def __init__(self, cfg: VAEConfig = VAEConfig()) -> None:
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden
        self.encoder = nn.Sequential(nn.Linear(SPEC_DIM, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, 2 * cfg.latent))
        self.decoder = nn.Sequential(nn.Linear(cfg.latent, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, SPEC_DIM))

    def decode(self, z: Tensor) -> Tensor:
        """Decoder outputs: logits for binary and categorical fields, means for continuous ones."""
        out = self.decoder(z)
        cont = torch.sigmoid(out[:, N_BINARY + N_CATEGORICAL :])
        return torch.cat([out[:, : N_BINARY + N_CATEGORICAL], cont], dim=1)

    def negative_elbo(self, x: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """Mean over the batch of −ELBO = reconstruction NLL + KL(q(z|x) ‖ N(0, I)), in nats.

        The Gaussian terms drop their constant, so this is −ELBO up to a fixed offset.
        """
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        eps = torch.randn(mu.shape, generator=generator, device=mu.device)
        z = mu + (0.5 * logvar).exp() * eps
        out = self.decode(z)
        nll = F.binary_cross_entropy_with_logits(out[:, :N_BINARY], x[:, :N_BINARY], reduction="none").sum(1)
        for logits, target in zip(_categorical_groups(out), _categorical_groups(x)):
            nll = nll + F.cross_entropy(logits, target.argmax(1), reduction="none")
        cont = N_BINARY + N_CATEGORICAL
        nll = nll + ((out[:, cont:] - x[:, cont:]) ** 2).sum(1) / (2 * self.cfg.sigma**2)
        kl = 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(1)
        return (nll + kl).mean()

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator) -> Scenario:
        """Decode n draws from the prior into specs (likelihood modes)."""
        z = torch.randn((n, self.cfg.latent), generator=generator)
        out = self.decode(z)
        return vector_to_spec(
            out[:, :N_BINARY] > 0,
            [g.argmax(1) for g in _categorical_groups(out)],
            out[:, N_BINARY + N_CATEGORICAL :].clamp(0.0, 1.0),
        )


def train_vae(model: SpecVAE, scenarios: Scenario, seed: int) -> list[float]:
    """Fit the VAE to specs; returns the mean −ELBO of each epoch (it should fall)."""
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    data = spec_to_vector(scenarios)
    cfg = model.cfg
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.learning_rate)
    history = []
    for _ in range(cfg.epochs):
        order = torch.randperm(len(data), generator=generator)
        total, count = 0.0, 0
        for lo in range(0, len(data), cfg.batch_size):
            batch = data[order[lo : lo + cfg.batch_size]]
            loss = model.negative_elbo(batch, generator)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
            count += len(batch)
        history.append(total / count)
    return history


def _quantised(scenarios: Scenario) -> Tensor:
    x = spec_to_vector(scenarios)
    cont = N_BINARY + N_CATEGORICAL
    x[:, cont:] = torch.round(x[:, cont:] * 10)
    return x


@dataclass
class Novelty:
    """How new the generated specs are relative to the training specs."""

    novel_fraction: float
    """Share of samples whose quantised spec matches no training spec."""
    nearest_distance: float
    """Mean Euclidean distance (spec vectors) from a sample to its nearest training spec."""
    train_nearest_distance: float
    """The same statistic within the training set (each spec to its nearest other), for scale."""


def novelty(samples: Scenario, train: Scenario) -> Novelty:
    """Compare generated specs with the training specs."""
    seen = {tuple(row.tolist()) for row in _quantised(train)}
    novel = sum(tuple(row.tolist()) not in seen for row in _quantised(samples))
    a, b = spec_to_vector(samples), spec_to_vector(train)
    to_train = torch.cdist(a, b).min(1).values.mean().item()
    within = torch.cdist(b, b) + torch.diag(torch.full((len(b),), float("inf")))
    return Novelty(novel / len(samples), to_train, within.min(1).values.mean().item())
