"""Known properties and reference values of CKA and its companion measures."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch

from claimbase.lab.cka import (
    cka_from_grams,
    effective_rank,
    gram_linear,
    gram_rbf,
    linear_cka,
    linear_cka_null,
    permutation_null,
    principal_angles,
    rbf_cka,
    subspace_overlap,
)


@pytest.fixture(scope="module")
def kornblith_demo() -> tuple[np.ndarray, np.ndarray]:
    """The data of Kornblith et al.'s demo notebook (legacy global RNG, seed 1337)."""
    np.random.seed(1337)
    x = np.random.randn(100, 10)
    y = np.random.randn(100, 10) + x
    return x, y


def random_orthogonal(p: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((p, p)))
    return q * np.sign(np.diag(r))


def test_golden_values_of_the_reference_notebook(kornblith_demo):
    x, y = kornblith_demo
    assert linear_cka(x, y) == pytest.approx(0.55761, abs=5e-6)
    assert rbf_cka(x, y, threshold=0.5) == pytest.approx(0.65483, abs=5e-6)
    assert linear_cka(x, y, debiased=True) == pytest.approx(0.51346, abs=5e-6)


@pytest.mark.parametrize("debiased", [False, True])
def test_gram_form_equals_feature_form(kornblith_demo, debiased):
    x, y = kornblith_demo
    via_grams = cka_from_grams(gram_linear(x), gram_linear(y), debiased=debiased)
    assert via_grams == pytest.approx(linear_cka(x, y, debiased=debiased), abs=1e-12)


@pytest.mark.parametrize("debiased", [False, True])
def test_self_similarity_is_one(kornblith_demo, debiased):
    x, _ = kornblith_demo
    assert linear_cka(x, x, debiased=debiased) == pytest.approx(1.0, abs=1e-12)
    k = gram_linear(x)
    assert cka_from_grams(k, k, debiased=debiased) == pytest.approx(1.0, abs=1e-12)
    assert rbf_cka(x, x, debiased=debiased) == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("debiased", [False, True])
def test_invariances(kornblith_demo, debiased):
    x, y = kornblith_demo
    rng = np.random.default_rng(0)
    reference = linear_cka(x, y, debiased=debiased)
    transforms = {
        "orthogonal": y @ random_orthogonal(10, rng),
        "isotropic scaling": 1.337 * y,
        "translation": y + rng.standard_normal(10),
        "feature permutation": y[:, rng.permutation(10)],
    }
    for name, transformed in transforms.items():
        assert linear_cka(x, transformed, debiased=debiased) == pytest.approx(
            reference, abs=1e-10
        ), name


def test_not_invariant_to_a_generic_invertible_map(kornblith_demo):
    x, y = kornblith_demo
    t = np.random.default_rng(1).standard_normal((10, 10))
    assert abs(np.linalg.det(t)) > 1e-3
    assert abs(linear_cka(x, y @ t) - linear_cka(x, y)) > 0.01


def test_symmetric_and_biased_form_in_unit_interval():
    rng = np.random.default_rng(2)
    for _ in range(20):
        n, p, q = rng.integers(5, 40, size=3)
        x, y = rng.standard_normal((n, p)), rng.standard_normal((n, q))
        value = linear_cka(x, y)
        assert 0.0 <= value <= 1.0
        assert value == pytest.approx(linear_cka(y, x), abs=1e-12)
        assert linear_cka(x, y, debiased=True) == pytest.approx(
            linear_cka(y, x, debiased=True), abs=1e-12
        )


def test_one_dimensional_features_give_squared_pearson():
    rng = np.random.default_rng(3)
    a = rng.standard_normal(200)
    b = 0.7 * a + rng.standard_normal(200)
    assert linear_cka(a, b) == pytest.approx(np.corrcoef(a, b)[0, 1] ** 2, abs=1e-12)


def test_accepts_torch_tensors(kornblith_demo):
    x, y = kornblith_demo
    assert linear_cka(torch.tensor(x, dtype=torch.float64), torch.tensor(y)) == pytest.approx(
        linear_cka(x, y), abs=1e-12
    )


def test_biased_cka_is_inflated_when_features_approach_samples_and_debiasing_removes_it():
    rng = np.random.default_rng(0)
    n = 100
    biased, debiased = {}, {}
    for p in (10, 100, 1000):
        x, y = rng.standard_normal((n, p)), rng.standard_normal((n, p))
        biased[p], debiased[p] = linear_cka(x, y), linear_cka(x, y, debiased=True)
    assert biased[10] < biased[100] < biased[1000]
    assert biased[100] > 0.4 and biased[1000] > 0.85
    assert all(abs(v) < 0.06 for v in debiased.values())


def test_permutation_null_separates_related_from_unrelated():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((150, 8))
    related = x @ rng.standard_normal((8, 6)) + 0.5 * rng.standard_normal((150, 6))
    unrelated = rng.standard_normal((150, 6))
    dcka = functools.partial(linear_cka, debiased=True)
    hit = permutation_null(x, related, statistic=dcka, permutations=99, seed=0)
    miss = permutation_null(x, unrelated, statistic=dcka, permutations=99, seed=0)
    assert hit.null.shape == (99,)
    assert hit.p_value == pytest.approx(0.01)
    assert miss.p_value > 0.05
    assert abs(hit.null_mean) < 0.05
    again = permutation_null(x, related, statistic=dcka, permutations=99, seed=0)
    np.testing.assert_array_equal(hit.null, again.null)


@pytest.mark.parametrize("debiased", [False, True])
def test_fast_linear_null_agrees_with_the_generic_one(debiased):
    rng = np.random.default_rng(8)
    x = rng.standard_normal((80, 5))
    y = x[:, :3] + rng.standard_normal((80, 3))
    statistic = functools.partial(linear_cka, debiased=debiased)
    generic = permutation_null(x, y, statistic=statistic, permutations=30, seed=2)
    fast = linear_cka_null(x, y, debiased=debiased, permutations=30, seed=2)
    assert fast.observed == pytest.approx(generic.observed, abs=1e-12)
    np.testing.assert_allclose(fast.null, generic.null, atol=1e-12)
    assert fast.p_value == generic.p_value


def test_biased_permutation_null_sits_high_when_features_approach_samples():
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((60, 60)), rng.standard_normal((60, 60))
    result = permutation_null(x, y, permutations=50, seed=1)
    assert result.null_mean > 0.4
    assert abs(result.observed - result.null_mean) < 0.05


def test_effective_rank_bounds():
    rng = np.random.default_rng(6)
    isotropic = rng.standard_normal((20000, 5))
    assert effective_rank(isotropic) == pytest.approx(5.0, rel=0.02)
    rank_one = np.outer(rng.standard_normal(300), rng.standard_normal(7))
    assert effective_rank(rank_one) == pytest.approx(1.0, abs=1e-9)
    scaled = isotropic * np.array([10.0, 1.0, 1.0, 1.0, 1.0])
    assert 1.0 < effective_rank(scaled) < 2.0


def test_principal_angles_of_known_subspaces():
    e = np.eye(4)
    assert np.allclose(principal_angles(e[:, :2], e[:, :2]), 0.0)
    assert np.allclose(principal_angles(e[:, :2], e[:, 2:]), np.pi / 2)
    tilted = np.stack([e[:, 0], (e[:, 1] + e[:, 2]) / np.sqrt(2)], axis=1)
    assert np.allclose(np.sort(principal_angles(e[:, :2], tilted)), [0.0, np.pi / 4])


def test_cka_is_not_a_subspace_overlap_measure():
    """Two copies of a representation placed in orthogonal subspaces: CKA 1, overlap 0."""
    rng = np.random.default_rng(7)
    z = rng.standard_normal((500, 4))
    basis = random_orthogonal(16, rng)
    in_first, in_second = z @ basis[:, :4].T, z @ basis[:, 4:8].T
    assert linear_cka(in_first, in_second) == pytest.approx(1.0, abs=1e-12)
    assert linear_cka(in_first, in_second, debiased=True) == pytest.approx(1.0, abs=1e-12)
    assert subspace_overlap(in_first, in_second, k=4) == pytest.approx(0.0, abs=1e-12)
    assert subspace_overlap(in_first, 2.0 * in_first, k=4) == pytest.approx(1.0, abs=1e-12)


def test_rbf_gram_is_a_kernel_with_unit_diagonal(kornblith_demo):
    x, _ = kornblith_demo
    k = gram_rbf(x)
    assert np.allclose(np.diag(k), 1.0)
    assert np.allclose(k, k.T)
    assert np.linalg.eigvalsh(k).min() > -1e-9


def test_rejects_unpaired_rows():
    with pytest.raises(ValueError, match="paired"):
        linear_cka(np.ones((5, 2)), np.ones((6, 2)))
