"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json

from .. import __version__

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(result, base, out, *, color: bool = False, prefix: str = "") -> None:
    from ..rules import all_rules

    rules = all_rules()
    index = {r.slug: i for i, r in enumerate(rules)}
    descriptors = []
    for r in rules:
        sections = r.sections()
        descriptors.append(
            {
                "id": r.code,
                "name": r.slug,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": sections.get("What it does", r.summary)},
                "help": {"text": sections.get("Fix", "")},
                "defaultConfiguration": {"level": _LEVEL[r.severity]},
            }
        )
    results = []
    for f in result.findings:
        region = {"startLine": f.line, "startColumn": f.col}
        if f.end_col:
            region["endColumn"] = f.end_col
        entry = {
            "ruleId": f.code,
            "ruleIndex": index.get(f.rule, 0),
            "level": _LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": prefix + f.path, "uriBaseId": "BASE"}, "region": region}}
            ],
        }
        if f.related:
            entry["relatedLocations"] = [
                {"id": i, "physicalLocation": {"artifactLocation": {"uri": prefix + p, "uriBaseId": "BASE"}, "region": {"startLine": ln}}}
                for i, (p, ln) in enumerate(f.related)
            ]
        results.append(entry)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claimbase",
                        "version": __version__,
                        "informationUri": "https://github.com/claimbase/claimbase",
                        "rules": descriptors,
                    }
                },
                "originalUriBaseIds": {"BASE": {"uri": base.root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {"mostWantedMissing": [{"name": n, "linkedFrom": c} for n, c in result.wanted]},
            }
        ],
    }
    json.dump(doc, out, indent=2, ensure_ascii=False)
    out.write("\n")
