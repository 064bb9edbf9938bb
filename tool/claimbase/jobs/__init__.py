"""Experiments as linked jobs: read experiment notes, plan a DAG of (experiment, seed) jobs keyed on
everything that can change their result, run the stale ones in fresh processes (locally or on Dask),
keep their outputs in a cache, and write the aggregated verdicts back into the base as evidence notes.

One module per stage: `experiments` (notes -> dataclasses), `keys` (cache keys), `plan` (the DAG),
`store` (finished outputs), `runner` + `worker` (one job in one subprocess), `local` / `daskexec`
(executors), `schedule` (driving a plan through an executor), `aggregate` (per-seed metrics ->
verdicts), `evidence` (evidence notes), `lock` (one run per cache at a time).

This package's `__init__` stays empty of imports: every job's worker process imports it.
"""
