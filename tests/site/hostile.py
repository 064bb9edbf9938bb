"""A claim base written to attack the site: hostile note names, bodies, frontmatter and plot files.

Every script payload sets `window.__pwned` or opens a dialog, and every remote reference points at
`evil.example`, so a browser test can tell whether anything got through.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from conftest import write_base

KNOWN_CLAIM = "The quokka hypothesis explains reef stability"
SCRIPT_NAME = "<img src=x onerror=window.__pwned=1> & <script>window.__pwned=1<\u2215script> name"
QUOTES_NAME = "\"double\" & 'single' quotes"
UNICODE_NAME = "Gödel — naïve ∀x ≠ café"
LONG_NAME = "a very long claim " + "that keeps going " * 12 + "until the end"  # about 230 bytes
EMPTY_SLUG_NAME = "!!! ??? ***"

SVG_ATTACK = """<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40" onload="window.__pwned=1">
  <script>window.__pwned=1</script>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><img src="http://evil.example/fo.png"/></div></foreignObject>
  <a xlink:href="javascript:window.__pwned=1"><rect width="20" height="20" fill="red"/></a>
  <image href="http://evil.example/remote.png" width="5" height="5"/>
  <rect x="30" width="30" height="30" style="fill:url(http://evil.example/paint.svg)"/>
  <set attributeName="onclick" to="window.__pwned=1"/>
  <circle cx="100" cy="20" r="10" fill="steelblue"/>
</svg>
"""
SVG_GOOD = """<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">
  <defs><style type="text/css">*{stroke-linecap:butt}</style></defs>
  <title>a clean plot</title><rect width="120" height="40" fill="#eee"/><path d="M0 30 L60 10 L120 20" stroke="navy" fill="none"/>
</svg>
"""
PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)

BODY_ATTACKS = """
Raw HTML and scripts: <script>window.__pwned=1</script> <b onclick="window.__pwned=1">bold</b>
<img src="x" onerror="window.__pwned=1"> <iframe src="javascript:window.__pwned=1"></iframe>
<svg onload="window.__pwned=1"><script>window.__pwned=1</script></svg>
<object data="javascript:window.__pwned=1"></object> <embed src="http://evil.example/e.swf">
<style>body {{ background: url(http://evil.example/bg.png) }}</style>
<link rel="stylesheet" href="http://evil.example/x.css">
<meta http-equiv="refresh" content="0;url=http://evil.example/">
<base href="http://evil.example/">
<form action="http://evil.example/"><input name="q"><button>send</button></form>
<a href="javascript:window.__pwned=1">raw js link</a> <a href="http://evil.example/" onmouseover="window.__pwned=1">evil</a>
<img src="http://evil.example/track.png"> <video src="http://evil.example/v.mp4" autoplay></video>
<abbr title="[[{known}]]">abbr with a wiki-link inside an attribute</abbr>

Markdown links: [js](javascript:window.__pwned=1) [caps](JaVaScRiPt:window.__pwned=1)
[tab](java&#x09;script:window.__pwned=1) [entity](&#106;avascript:window.__pwned=1)
[vb](vbscript:msgbox(1)) [data](data:text/html,<script>window.__pwned=1</script>)
[file](file:///etc/passwd) [up](../../../../etc/passwd) [proto](//evil.example/x)
[backslash](\\\\evil.example\\x) [html file](page.html) [missing file](nothing-here.png)
![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+)
![remote image](http://evil.example/remote.png) ![alt with [[{known}]] inside](plots/good.svg)
<http://evil.example/autolink> [external](https://example.org/ok)

Wiki-links: [[{script}]] [[{quotes}]] [[{unicode}]] [[{known}|an <img src=x onerror=window.__pwned=1> alias]]
[[missing <b onclick="window.__pwned=1">note</b>]] [[../../etc/passwd]] [[{known}#No such heading]]
[[{known}#Mechanism]] `[[not a link in code]]`

## Mechanism {{#id onclick=alert(1)}}

Text under a heading.
""".format(known=KNOWN_CLAIM, script=SCRIPT_NAME, quotes=QUOTES_NAME, unicode=UNICODE_NAME)


def _note(meta: dict, body: str) -> str:
    lines = ["---"]
    for key, value in meta.items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines += ["---", body]
    return "\n".join(lines) + "\n"


def write_hostile_base(root: Path) -> Path:
    """Write the hostile base into `root` and return it."""
    hostile_meta = {
        "type": "claim",
        "description": "<script>window.__pwned=1</script> described <img src=x onerror=window.__pwned=1>",
        "confidence": "likely",
        "domain": "<b onmouseover=\"window.__pwned=1\">evil domain</b>",
        "source": "\"><script>window.__pwned=1</script>",
        "aliases": ["<svg onload=window.__pwned=1>"],
        "extra": {"nested": ["javascript:window.__pwned=1", "[[" + KNOWN_CLAIM + "]]"]},
    }
    files: dict[str, str | bytes] = {
        f"claims/{KNOWN_CLAIM}.md": _note(
            {"type": "claim", "description": "Reefs stay stable because of quokkas.", "confidence": "speculative",
             "domain": "ecology"},
            f"# {KNOWN_CLAIM}\n\nThe quokka hypothesis, stated plainly.\n\n## Mechanism\n\nQuokkas graze.\n",
        ),
        f"claims/{SCRIPT_NAME}.md": _note(hostile_meta, BODY_ATTACKS),
        f"claims/{QUOTES_NAME}.md": _note(
            {"type": "claim", "description": "Quotes \" ' < > &", "confidence": "proven",
             "supported_by": [f"[[{KNOWN_CLAIM}]]"], "challenged_by": [f"[[{SCRIPT_NAME}]]"]},
            "Links back to [[" + UNICODE_NAME + "]].\n",
        ),
        f"claims/{UNICODE_NAME}.md": _note(
            {"type": "claim", "description": "Unicode everywhere: ∀ ≠ ü", "confidence": "experimental",
             "depends_on": [f"[[{QUOTES_NAME}]]", "[[a premise never written]]"]},
            "Body with <u>underline</u> and [[" + LONG_NAME + "]].\n",
        ),
        f"claims/{LONG_NAME}.md": _note({"type": "claim", "description": "Long.", "confidence": "speculative"}, "Long.\n"),
        f"claims/{EMPTY_SLUG_NAME}.md": _note({"type": "claim", "description": "Nothing sluggable.", "confidence": "speculative"},
                                              "[[" + KNOWN_CLAIM + "]]\n"),
        "claims/A b.md": _note({"type": "claim", "description": "Collides with a-b.", "confidence": "speculative"}, "x\n"),
        "claims/a-b.md": _note({"type": "claim", "description": "Collides with A b.", "confidence": "speculative"}, "y\n"),
        "claims/con.md": _note({"type": "claim", "description": "A reserved file name on Windows.", "confidence": "speculative"}, "z\n"),
        "claims/index.md": _note({"type": "claim", "description": "Named index.", "confidence": "speculative"}, "# Index title\n"),
        "claims/page.html": "<script>window.__pwned=1</script>",
        "claims/plots/good.svg": SVG_GOOD,
        "evidence/run-1.md": _note(
            {"type": "evidence", "experiment": "[[exp-1]]",
             "verdicts": [{"claim": f"[[{KNOWN_CLAIM}]]", "verdict": "supports", "metric": "<b>gain</b>",
                           "estimate": 0.4, "ci": [0.1, 0.7], "statistic": "mean", "reason": "<script>window.__pwned=1</script>"}],
             "metrics": {"gain": {"mean": 0.4, "ci": [0.1, 0.7], "per_seed": [0.3, 0.5]}, "<i>odd</i>": 3}},
            "A run. ![the plot](run-1/evil.svg)\n",
        ),
        "evidence/run-1/evil.svg": SVG_ATTACK,
        "evidence/run-1/good.svg": SVG_GOOD,
        "evidence/run-1/fake.png": "<html><script>window.__pwned=1</script></html>",
        "evidence/run-1/real.png": PNG_BYTES,
        "experiments/exp-1.md": _note(
            {"type": "experiment", "description": "An experiment <script>window.__pwned=1</script>",
             "tests": [{"claim": f"[[{KNOWN_CLAIM}]]",
                        "prediction": {"metric": "gain", "direction": "greater", "sesoi": 0.1, "statistic": "mean"},
                        "text": "<img src=x onerror=window.__pwned=1>"}],
             "job": {"run": "pkg.mod:run", "seeds": [1, 2], "params": {"lr": "<script>x</script>"}}},
            "Runs the quokka test.\n",
        ),
    }
    return write_base(root, files)
