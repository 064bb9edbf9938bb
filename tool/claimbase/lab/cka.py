"""Representation similarity: centred kernel alignment (CKA) and its honest companions.

Every function takes two activation matrices whose rows are the *same* n examples (n × p₁ and
n × p₂; numpy arrays or torch tensors, converted to float64) and returns plain floats.

What is here and why:

* ``linear_cka`` — linear CKA (Kornblith et al. 2019), computed in feature space, optionally with
  the unbiased HSIC estimator (``debiased=True``, Song et al. 2007) that removes the strong upward
  bias biased CKA shows when the number of features is comparable to the number of examples.
* ``gram_linear``, ``gram_rbf`` and ``cka_from_grams`` — the same index computed from n × n Gram
  matrices; the only route to kernel (RBF) CKA, and an independent check of the feature form.
* ``permutation_null`` (any statistic) and ``linear_cka_null`` (faster, linear CKA only) — CKA
  with the rows of one matrix shuffled: what the index reads when the pairing between examples
  carries no information. Always report it beside an observed CKA.
* ``effective_rank`` — the participation ratio of a representation, to detect collapse (when every
  CKA rises at once because the representation has shrunk to a few directions).
* ``principal_angles`` and ``subspace_overlap`` — CKA is invariant to orthogonal maps, so two
  representations living in orthogonal subspaces of the same layer can have CKA = 1. Whether two
  responses use the *same* directions of a layer is a different question, answered by the angles
  between their principal subspaces.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Matrix = np.ndarray


def as_matrix(x: object) -> Matrix:
    """Return ``x`` (array or tensor) as a float64 n × p matrix; a 1-D input becomes one column."""
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    m = np.asarray(x, dtype=np.float64)
    if m.ndim == 1:
        m = m[:, None]
    if m.ndim != 2:
        raise ValueError(f"expected a 1-D or 2-D array, got shape {m.shape}")
    return m


def _centre_columns(x: Matrix) -> Matrix:
    return x - x.mean(axis=0, keepdims=True)


def _check_rows(x: Matrix, y: Matrix, minimum: int) -> int:
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"row counts differ: {x.shape[0]} vs {y.shape[0]} (rows must be paired)")
    n = x.shape[0]
    if n < minimum:
        raise ValueError(f"need at least {minimum} examples, got {n}")
    return n


def _unbiased_inner(x: Matrix, y: Matrix) -> float:
    """Unbiased HSIC between the linear kernels of centred ``x`` and ``y``, up to a constant factor.

    This is the feature-space expression of the U-statistic: with r the row squared norms,
    ‖XᵀY‖² − n/(n−2)·r_xᵀr_y + Σr_x·Σr_y / ((n−1)(n−2)). The factor dropped is common to every
    call with the same n, so it cancels in CKA.
    """
    n = x.shape[0]
    rx = np.einsum("ij,ij->i", x, x)
    ry = np.einsum("ij,ij->i", y, y)
    cross = float(np.sum((x.T @ y) ** 2))
    return cross - n / (n - 2) * float(rx @ ry) + float(rx.sum() * ry.sum()) / ((n - 1) * (n - 2))


def linear_cka(x: object, y: object, *, debiased: bool = False) -> float:
    """Linear CKA between two representations of the same examples, in feature space.

    Biased: ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F) on column-centred X and Y; lies in [0, 1].
    Debiased: each HSIC replaced by its unbiased estimator; can be slightly negative, and needs
    n ≥ 4. Cost is O(n·p₁·p₂), so it suits n ≫ p (thousands of states, a hundred units).
    """
    xm, ym = as_matrix(x), as_matrix(y)
    _check_rows(xm, ym, 4 if debiased else 2)
    xc, yc = _centre_columns(xm), _centre_columns(ym)
    if debiased:
        xy, xx, yy = _unbiased_inner(xc, yc), _unbiased_inner(xc, xc), _unbiased_inner(yc, yc)
    else:
        xy = float(np.sum((yc.T @ xc) ** 2))
        xx = float(np.sum((xc.T @ xc) ** 2))
        yy = float(np.sum((yc.T @ yc) ** 2))
    denominator = np.sqrt(xx * yy)
    if not denominator > 0:
        raise ValueError("a representation is constant over the examples; CKA is undefined")
    return float(xy / denominator)


def linear_cka_matrix(representations: list[object], *, debiased: bool = False) -> Matrix:
    """Linear CKA between every pair of representations of the same examples (k × k, symmetric).

    Equal to calling ``linear_cka`` on each pair, but each representation's self-similarity is
    computed once: k self-terms and k(k−1)/2 cross-terms instead of three terms per pair. A
    constant representation makes its row and column NaN.
    """
    mats = [_centre_columns(as_matrix(r)) for r in representations]
    if not mats:
        return np.zeros((0, 0))
    for m in mats[1:]:
        _check_rows(mats[0], m, 4 if debiased else 2)

    def inner(x: Matrix, y: Matrix) -> float:
        return _unbiased_inner(x, y) if debiased else float(np.sum((x.T @ y) ** 2))

    k = len(mats)
    selfs = np.array([inner(m, m) for m in mats])
    out = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            denominator = np.sqrt(selfs[i] * selfs[j])
            value = inner(mats[i], mats[j]) / denominator if denominator > 0 else np.nan
            out[i, j] = out[j, i] = value
    for i in np.flatnonzero(~(selfs > 0)):
        out[i, :] = out[:, i] = np.nan
    return out


def gram_linear(x: object) -> Matrix:
    """The linear-kernel Gram matrix X Xᵀ (n × n)."""
    xm = as_matrix(x)
    return xm @ xm.T


def gram_rbf(x: object, *, threshold: float = 0.5) -> Matrix:
    """An RBF-kernel Gram matrix whose bandwidth is a fraction of the typical distance.

    k(i, j) = exp(−d²_ij / (2 σ²)) with σ² = threshold² × median of all n² squared distances
    (diagonal zeros included), i.e. σ ≈ threshold × the median distance. This is the convention of
    Kornblith et al.'s reference notebook, which the golden values in the tests assume.
    """
    xm = as_matrix(x)
    sq_norms = np.einsum("ij,ij->i", xm, xm)
    sq_dist = np.maximum(sq_norms[:, None] + sq_norms[None, :] - 2.0 * (xm @ xm.T), 0.0)
    bandwidth_sq = threshold**2 * float(np.median(sq_dist))
    if not bandwidth_sq > 0:
        raise ValueError("median pairwise distance is zero; choose another kernel or threshold")
    return np.exp(-sq_dist / (2.0 * bandwidth_sq))


def centre_gram(gram: Matrix, *, debiased: bool = False) -> Matrix:
    """Double-centre a Gram matrix: H K H, or its U-centred version for the unbiased estimator.

    U-centring (Székely & Rizzo 2014) works on the off-diagonal entries only:
    K̃_ij = K_ij − r_i/(n−2) − r_j/(n−2) + S/((n−1)(n−2)) for i ≠ j and K̃_ii = 0, where r are the
    row sums and S the total of K with its diagonal set to zero.
    """
    k = np.array(gram, dtype=np.float64, copy=True)
    if k.ndim != 2 or k.shape[0] != k.shape[1]:
        raise ValueError(f"a Gram matrix must be square, got shape {k.shape}")
    n = k.shape[0]
    if not debiased:
        row = k.mean(axis=1, keepdims=True)
        col = k.mean(axis=0, keepdims=True)
        return k - row - col + k.mean()
    if n < 4:
        raise ValueError(f"the unbiased estimator needs at least 4 examples, got {n}")
    np.fill_diagonal(k, 0.0)
    row = k.sum(axis=1)
    total = row.sum()
    k -= row[:, None] / (n - 2) + row[None, :] / (n - 2)
    k += total / ((n - 1) * (n - 2))
    np.fill_diagonal(k, 0.0)
    return k


def cka_from_grams(k: Matrix, l: Matrix, *, debiased: bool = False) -> float:
    """CKA from two n × n Gram matrices: ⟨K̃, L̃⟩_F / (‖K̃‖_F ‖L̃‖_F) after (U-)centring."""
    kc, lc = centre_gram(k, debiased=debiased), centre_gram(l, debiased=debiased)
    if kc.shape != lc.shape:
        raise ValueError(f"Gram shapes differ: {kc.shape} vs {lc.shape}")
    denominator = np.sqrt(float(np.sum(kc * kc)) * float(np.sum(lc * lc)))
    if not denominator > 0:
        raise ValueError("a centred Gram matrix is zero; CKA is undefined")
    return float(np.sum(kc * lc) / denominator)


def rbf_cka(x: object, y: object, *, threshold: float = 0.5, debiased: bool = False) -> float:
    """Kernel CKA with RBF kernels (see ``gram_rbf`` for the bandwidth). O(n²) memory."""
    xm, ym = as_matrix(x), as_matrix(y)
    _check_rows(xm, ym, 4 if debiased else 2)
    return cka_from_grams(
        gram_rbf(xm, threshold=threshold), gram_rbf(ym, threshold=threshold), debiased=debiased
    )


@dataclass(frozen=True)
class PermutationNull:
    """An observed similarity beside its distribution under shuffled pairing.

    ``p_value`` is one-sided, (1 + #{null ≥ observed}) / (1 + permutations), so it is never 0.
    """

    observed: float
    null: np.ndarray
    p_value: float

    @property
    def null_mean(self) -> float:
        return float(self.null.mean())


def permutation_null(
    x: object,
    y: object,
    *,
    statistic: Callable[[Matrix, Matrix], float] = linear_cka,
    permutations: int = 200,
    seed: int = 0,
) -> PermutationNull:
    """Compare ``statistic(x, y)`` with its values after shuffling the rows of ``y``.

    Shuffling destroys the example-to-example pairing while keeping each representation's own
    geometry, so the null tells how much of the observed similarity any two unrelated
    representations of this shape and spectrum would show (large for biased CKA when p ~ n).
    """
    xm, ym = as_matrix(x), as_matrix(y)
    _check_rows(xm, ym, 2)
    rng = np.random.default_rng(seed)
    observed = float(statistic(xm, ym))
    null = np.array([statistic(xm, ym[rng.permutation(ym.shape[0])]) for _ in range(permutations)])
    p_value = (1.0 + float(np.sum(null >= observed))) / (1.0 + permutations)
    return PermutationNull(observed=observed, null=null, p_value=p_value)


def linear_cka_null(
    x: object,
    y: object,
    *,
    debiased: bool = False,
    permutations: int = 200,
    seed: int = 0,
) -> PermutationNull:
    """``permutation_null`` for linear CKA, about three times faster.

    Shuffling rows changes only the cross term of CKA: each representation's self-similarity,
    and for the debiased form the row norms' sums, stay fixed and are computed once. The same
    ``seed`` draws the same permutations as ``permutation_null``, so the two agree.
    """
    xm, ym = as_matrix(x), as_matrix(y)
    n = _check_rows(xm, ym, 4 if debiased else 2)
    xc, yc = _centre_columns(xm), _centre_columns(ym)
    rx, ry = np.einsum("ij,ij->i", xc, xc), np.einsum("ij,ij->i", yc, yc)

    def cross(y_rows: Matrix, ry_rows: Matrix) -> float:
        value = float(np.sum((xc.T @ y_rows) ** 2))
        if debiased:
            value += -n / (n - 2) * float(rx @ ry_rows) + float(rx.sum() * ry.sum()) / (
                (n - 1) * (n - 2)
            )
        return value

    if debiased:
        self_x, self_y = _unbiased_inner(xc, xc), _unbiased_inner(yc, yc)
    else:
        self_x, self_y = float(np.sum((xc.T @ xc) ** 2)), float(np.sum((yc.T @ yc) ** 2))
    denominator = np.sqrt(self_x * self_y)
    if not denominator > 0:
        raise ValueError("a representation is constant over the examples; CKA is undefined")
    rng = np.random.default_rng(seed)
    observed = cross(yc, ry) / denominator
    null = np.empty(permutations)
    for i in range(permutations):
        order = rng.permutation(n)
        null[i] = cross(yc[order], ry[order]) / denominator
    p_value = (1.0 + float(np.sum(null >= observed))) / (1.0 + permutations)
    return PermutationNull(observed=float(observed), null=null, p_value=p_value)


def effective_rank(x: object) -> float:
    """Participation ratio (Σλ)² / Σλ² of the covariance eigenvalues λ of the columns of ``x``.

    Between 1 (one direction carries all variance) and p (isotropic). A falling effective rank
    next to rising CKA points to collapse rather than to shared structure.
    """
    s = np.linalg.svd(_centre_columns(as_matrix(x)), compute_uv=False)
    variances = s**2
    total = float(variances.sum())
    if not total > 0:
        raise ValueError("the representation is constant; effective rank is undefined")
    return total**2 / float(np.sum(variances**2))


def _orthonormal_basis(a: Matrix, tolerance: float = 1e-10) -> Matrix:
    """An orthonormal basis of the column space of ``a``, dropping numerically null directions."""
    u, s, _ = np.linalg.svd(a, full_matrices=False)
    if s.size == 0 or s[0] == 0:
        raise ValueError("the subspace is empty (all columns are zero)")
    return u[:, s > tolerance * s[0]]


def principal_angles(a: object, b: object) -> np.ndarray:
    """Principal angles (radians, ascending) between the column spaces of ``a`` (d × k₁) and ``b``.

    0 means a shared direction, π/2 an orthogonal one; there are min(rank a, rank b) angles.
    """
    qa, qb = _orthonormal_basis(as_matrix(a)), _orthonormal_basis(as_matrix(b))
    if qa.shape[0] != qb.shape[0]:
        raise ValueError(f"ambient dimensions differ: {qa.shape[0]} vs {qb.shape[0]}")
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return np.arccos(np.clip(cosines, 0.0, 1.0))


def principal_subspace(x: object, k: int) -> Matrix:
    """The top-``k`` principal directions of the rows of ``x`` (a p × k orthonormal basis)."""
    xm = _centre_columns(as_matrix(x))
    if not 1 <= k <= min(xm.shape):
        raise ValueError(f"k must be in [1, {min(xm.shape)}], got {k}")
    _, _, vt = np.linalg.svd(xm, full_matrices=False)
    return vt[:k].T


def subspace_overlap(x: object, y: object, k: int) -> float:
    """Mean squared cosine of the principal angles between the top-``k`` subspaces of x and y.

    Both representations must live in the same space (same layer, same p). 1 means the two
    responses use the same k directions; k/p is the expectation for random subspaces.
    """
    angles = principal_angles(principal_subspace(x, k), principal_subspace(y, k))
    return float(np.mean(np.cos(angles) ** 2))
