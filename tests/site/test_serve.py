"""`claims site serve`: serves the built site locally and rebuilds it when a note changes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import ROOT, claim


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, ""


def test_serve_rebuilds_on_change(base_dir, tmp_path) -> None:
    base = base_dir({"a.md": claim("A.", body="First version.\n"), "b.md": claim("B.", body="Links to [[a]].\n")})
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tool") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimbase", "site", "serve", str(base), "--out", str(tmp_path / "site"),
         "--port", "0", "--interval", "0.2", "--cache-dir", str(tmp_path / "cache")],
        env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            m = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
            url = m.group(1) if m else None
        assert url, "the server did not start"
        status, html = fetch(url + "notes/a.html")
        assert status == 200 and "First version." in html
        assert fetch(url + ".claims-site/manifest.json")[0] == 404
        assert fetch(url + "notes/")[0] == 404  # no folder listings
        time.sleep(0.05)
        (base / "a.md").write_text(claim("A.", body="Second version.\n"), encoding="utf-8")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "Second version." in fetch(url + "notes/a.html")[1]:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the page was not rebuilt")
        (base / "c.md").write_text(claim("C.", body="New note.\n"), encoding="utf-8")
        deadline = time.monotonic() + 30
        while fetch(url + "notes/c.html")[0] != 200:
            assert time.monotonic() < deadline, "a new note got no page"
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode is not None


def test_serve_refuses_a_bad_port(base_dir, tmp_path) -> None:
    base = base_dir({"a.md": claim("A.")})
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tool")}
    result = subprocess.run(
        [sys.executable, "-m", "claimbase", "site", "serve", str(base), "--out", str(Path(tmp_path) / "s"), "--port", "70000"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_in_process_rebuilds_keep_only_what_is_still_true(base_dir, tmp_path) -> None:
    """`serve` keeps the manifest it wrote between rebuilds, but never once the file on disk is
    another one (say, written by a `claims site build` run beside it)."""
    import json

    from claimbase.config import load
    from claimbase.lint import lint
    from claimbase.site.build import MANIFEST, BuildOptions, build_site, check_out_dir
    from claimbase.site.serve import LiveBase, rebuild_once
    from claimbase.site.templates import find_site_files

    base = base_dir({"a.md": claim("A.", body="First.\n"), "b.md": claim("B.", body="Links to [[a]].\n")})
    config = load(base)
    config.cache_dir = tmp_path / "cache"
    out = tmp_path / "site"
    options = BuildOptions(out=out, title="t", files=find_site_files())
    live = LiveBase(config)
    rebuild_once(live, options)
    kept = live.site_reuse["manifest"][1]
    assert check_out_dir(out, base, live.site_reuse) is kept  # the file is the one this process wrote
    assert "manifest" not in live.site_reuse  # taken, so a build that fails cannot leave it behind

    rebuild_once(live, options)
    on_disk = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    on_disk["fingerprint"] = "written by someone else"
    (out / MANIFEST).unlink()
    (out / MANIFEST).write_text(json.dumps(on_disk), encoding="utf-8")
    assert check_out_dir(out, base, live.site_reuse)["fingerprint"] == "written by someone else"

    (base / "a.md").write_text(claim("A.", body="Second.\n"), encoding="utf-8")
    report = rebuild_once(live, options, live.changed())
    assert report.rendered == report.pages  # the foreign fingerprint forces a full render
    assert "Second." in (out / "notes" / "a.html").read_text(encoding="utf-8")
    fresh = build_site(live.base, lint(live.base, config), options)
    assert fresh.rendered == 0  # what serve wrote is what a fresh build would write
