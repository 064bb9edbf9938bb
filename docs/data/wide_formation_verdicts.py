"""Verdicts of the formation predictions over the 20 seeds of the `wide` run on the lent machine.

The run was cut off after its formation jobs (see docs/lab-results.md, "The wide run"); this reads
the runner's job records it left (`wide-formation-jobs.json`, one `result.json` per job) and applies
the same decision rule the evidence notes use. Run from the checkout:

    PYTHONPATH=tool python docs/data/wide_formation_verdicts.py
"""

import json
from pathlib import Path

from claimbase.stats import decide

PREDICTIONS = (("value_gap", 0.10), ("kept_gift_gap", 0.25), ("honesty_d_gap", 0.10))

records = json.loads((Path(__file__).parent / "wide-formation-jobs.json").read_text())
jobs = sorted((r for r in records.values() if r.get("experiment") == "formation"), key=lambda r: r["seed"])
print(f"{len(jobs)} formation jobs, seeds {jobs[0]['seed']}..{jobs[-1]['seed']}, "
      f"{min(j['seconds'] for j in jobs):.0f}-{max(j['seconds'] for j in jobs):.0f} s each")
for metric, sesoi in PREDICTIONS:
    d = decide([j["metrics"][metric] for j in jobs], "greater", sesoi, alpha=0.05)
    print(f"{metric:>14}: {d.verdict:<12} mean {d.estimate:+.3f}, 90% BCa [{d.ci_low:+.3f}, {d.ci_high:+.3f}]")
for name in ("curriculum_reciprocity", "curriculum", "c0", "reward"):
    h = [j["metrics"][f"honesty_{name}"] for j in jobs]
    dd = [j["metrics"][f"honesty_d_{name}"] for j in jobs]
    print(f"{name:>22}: P(admit | unmonitored) {sum(h) / len(h):.3f}, monitored − unmonitored {sum(dd) / len(dd):+.3f}")
