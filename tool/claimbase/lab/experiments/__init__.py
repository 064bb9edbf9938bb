"""The SVA experiments, one file each, run by `claims run` from the notes in `claims/experiments/`.

* ``formation`` — trains the curriculum, C0 and explicit-reward formations (per seed);
* ``consolidation`` — rounds of capability training with each consolidation arm, measured per round;
* ``entanglement``, ``specificity`` — conditions 1 and 5, from the consolidation trajectories;
* ``persistence`` — condition 2: unprotected fine-tuning on a held-out task after consolidation;
* ``probes`` — condition 3: the perturbation probe battery against the reward-only baseline;
* ``mechanistic`` — condition 4: does giving route through a welfare representation;
* ``alignment_tax`` — capability against the compute-matched C0, and the cost of ablating values;
* ``correlated_failure`` — do copies of one aligned policy fail on the same items.

Each module holds a dataclass of hyper-parameters (``Params``) and ``run(ctx) -> dict[str, float]``;
``common`` holds the plumbing they share (threads, parameters, checkpoints, plots).
"""
