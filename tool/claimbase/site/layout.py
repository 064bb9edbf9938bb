"""Positions for the whole-graph view: a force layout that stays fast at 10,000 notes and more.

networkx's `spring_layout` compares every pair of nodes; at 10,000 nodes its 50 iterations take
about 280 s.  Here the pairwise repulsion is computed the way particle-mesh simulations compute
gravity: each node's mass is spread onto a grid (cloud-in-cell), the grid is convolved with the
repulsive force kernel by FFT, and each node reads the force back from the grid.  One iteration is
O(n + G^2 log G) instead of O(n^2).  Attraction runs along the edges (linear, as in ForceAtlas2),
repulsion grows with degree (hubs push harder, so their neighbourhoods spread out), and a weak
gravity keeps components from drifting apart.  The step shrinks as the layout cools.

Positions are cached between builds by note path.  When the graph changed a little, the known
notes keep their places (the reader's mental map survives) and only new notes move: each starts at
the mean of its placed neighbours and settles against the fixed rest.  A full layout is run when
there is no cache or when a large share of the notes is new.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRID = 128  # grid cells along the longer side of the layout
FULL_ITERATIONS = 120
REFINE_ITERATIONS = 40
NEW_SHARE_FOR_FULL = 0.25
REPULSION = 1.0
GRAVITY = 1.0


@dataclass(slots=True)
class Layout:
    """Positions in [0, 1] x [0, 1], one row per node, in the order of the `paths` given."""

    paths: list[str]
    xy: np.ndarray  # float64, shape (n, 2)
    iterations: int
    full: bool


def layout(paths: list[str], edges: list[tuple[int, int]], cache: dict[str, tuple[float, float]] | None = None,
           seed: int = 1, force_full: bool = False) -> Layout:
    """Lay out nodes `paths` (their identities for the cache) joined by undirected `edges`."""
    n = len(paths)
    if n == 0:
        return Layout([], np.zeros((0, 2)), 0, True)
    src, dst = _edge_arrays(edges, n)
    rng = np.random.default_rng(seed)
    known = np.zeros(n, dtype=bool)
    pos = np.zeros((n, 2))
    if cache and not force_full:
        for i, path in enumerate(paths):
            hit = cache.get(path)
            if hit is not None:
                pos[i] = hit
                known[i] = True
    full = force_full or known.sum() < (1 - NEW_SHARE_FOR_FULL) * n
    scale = np.sqrt(n) * 3.0
    if full:
        pos = (rng.random((n, 2)) - 0.5) * scale
        movable = np.ones(n, dtype=bool)
        iterations = FULL_ITERATIONS
    else:
        pos = _from_unit(pos, known, scale)
        _place_new(pos, known, src, dst, rng, scale)
        movable = ~known
        iterations = REFINE_ITERATIONS if movable.any() else 0
    if iterations:
        pos = _simulate(pos, src, dst, movable, iterations, rng, gentle=not full)
    return Layout(list(paths), _to_unit(pos), iterations, bool(full))


def _edge_arrays(edges: list[tuple[int, int]], n: int) -> tuple[np.ndarray, np.ndarray]:
    if not edges:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(edges, dtype=np.int64)
    arr = arr[arr[:, 0] != arr[:, 1]]
    arr.sort(axis=1)
    arr = np.unique(arr, axis=0) if len(arr) else arr
    return arr[:, 0], arr[:, 1]


def _from_unit(pos: np.ndarray, known: np.ndarray, scale: float) -> np.ndarray:
    out = pos.copy()
    out[known] = (pos[known] - 0.5) * scale
    return out


def _to_unit(pos: np.ndarray) -> np.ndarray:
    lo = pos.min(axis=0)
    span = float((pos.max(axis=0) - lo).max()) or 1.0
    unit = (pos - lo) / span
    # centre the shorter side
    unit += (1.0 - unit.max(axis=0)) / 2.0
    return unit


def _place_new(pos: np.ndarray, known: np.ndarray, src: np.ndarray, dst: np.ndarray, rng, scale: float) -> None:
    """Put each new node at the mean of its known neighbours (plus a little jitter); new nodes with
    no known neighbour go at random near the middle."""
    n = len(pos)
    placed = known.copy()
    for _ in range(3):  # new nodes linked only to new nodes get placed on later rounds
        total = np.zeros((n, 2))
        count = np.zeros(n)
        for a, b in ((src, dst), (dst, src)):
            ok = placed[b]
            np.add.at(total, a[ok], pos[b[ok]])
            np.add.at(count, a[ok], 1)
        fresh = ~placed & (count > 0)
        if not fresh.any():
            break
        pos[fresh] = total[fresh] / count[fresh, None] + rng.normal(0, scale * 0.01, (int(fresh.sum()), 2))
        placed |= fresh
    lonely = ~placed
    if lonely.any():
        pos[lonely] = (rng.random((int(lonely.sum()), 2)) - 0.5) * scale * 0.5


def _kernel(size: int) -> tuple[np.ndarray, np.ndarray]:
    """FFTs of the x and y repulsion kernels (r / |r|^2, in cell units) on a (2*size)^2 grid."""
    m = 2 * size
    ax = np.arange(m)
    ax = np.where(ax < size, ax, ax - m).astype(np.float64)
    dx, dy = np.meshgrid(ax, ax, indexing="ij")
    r2 = dx * dx + dy * dy
    r2[0, 0] = 1.0
    kx, ky = dx / r2, dy / r2
    kx[0, 0] = ky[0, 0] = 0.0
    return np.fft.rfft2(kx), np.fft.rfft2(ky)


def _simulate(pos: np.ndarray, src: np.ndarray, dst: np.ndarray, movable: np.ndarray, iterations: int, rng,
              gentle: bool) -> np.ndarray:
    """Move the `movable` nodes for `iterations` steps under repulsion, attraction and gravity."""
    n = len(pos)
    degree = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    mass = degree.astype(np.float64) + 1.0
    ends = np.concatenate([src, dst])
    order = np.argsort(ends, kind="stable")
    nbr = np.concatenate([dst, src])[order]
    linked = degree > 0
    starts = (np.cumsum(degree) - degree)[linked]
    kx_hat, ky_hat = _kernel(GRID)
    m = 2 * GRID
    pos = pos.copy()
    span0 = float(np.ptp(pos, axis=0).max()) or 1.0
    for it in range(iterations):
        lo = pos.min(axis=0)
        span = float(np.ptp(pos, axis=0).max()) or 1.0
        h = span / (GRID - 1)  # cell size in layout units
        g = (pos - lo) / h
        i0 = np.floor(g).astype(np.int64)
        np.clip(i0, 0, GRID - 2, out=i0)
        f = g - i0
        wx1, wy1 = f[:, 0], f[:, 1]
        wx0, wy0 = 1.0 - wx1, 1.0 - wy1
        idx = i0[:, 0] * m + i0[:, 1]
        # the same cloud-in-cell weights deposit and read back, so a node never pushes itself
        weights = ((0, wx0 * wy0), (1, wx0 * wy1), (m, wx1 * wy0), (m + 1, wx1 * wy1))
        rho = np.zeros(m * m)
        for off, w in weights:
            rho += np.bincount(idx + off, weights=w * mass, minlength=m * m)
        rho_hat = np.fft.rfft2(rho.reshape(m, m))
        fx_grid = np.fft.irfft2(rho_hat * kx_hat, s=(m, m)).ravel()
        fy_grid = np.fft.irfft2(rho_hat * ky_hat, s=(m, m)).ravel()
        force = np.zeros((n, 2))
        for off, w in weights:
            force[:, 0] += fx_grid[idx + off] * w
            force[:, 1] += fy_grid[idx + off] * w
        force *= (REPULSION / h) * mass[:, None]  # the grid works in cells: r/|r|^2 scales as 1/h
        if len(nbr):  # linear attraction: the sum over neighbours of (their position - mine)
            force[linked] += np.add.reduceat(pos[nbr], starts, axis=0) - degree[linked, None] * pos[linked]
        to_centre = pos.mean(axis=0) - pos
        dist = np.sqrt((to_centre * to_centre).sum(axis=1)) + 1e-9
        force += (GRAVITY * mass / dist)[:, None] * to_centre
        cap = (1.0 - it / iterations) * (0.01 if gentle else 0.05) * span0 + 1e-9
        length = np.sqrt((force * force).sum(axis=1)) + 1e-12
        step = force * (np.minimum(length, cap) / length)[:, None]
        step[~movable] = 0.0
        pos += step
    return pos
