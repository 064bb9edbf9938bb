"""Frontmatter schemas per note type: the single source for the field checks and for the JSON
Schema files in `schema/` (written by `claims schema --write`, checked by a test).

The checker below is a small interpreter of these specs rather than a general JSON Schema
validator: validating every note of a 10,000-note base with `jsonschema` would cost about a second,
and the specs need only a handful of value kinds.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from .model import CONFIDENCE_LEVELS, Problem

VERDICTS = ("supports", "challenges", "inconclusive")
EVIDENCE_STATUS = ("current", "superseded", "retracted", "invalidated")
DIRECTIONS = ("greater", "less")
# How a prediction is decided (see stats.decide): the one-sided (1 - alpha) bootstrap bound of the
# mean over seeds, by this bootstrap method, confirmed by a one-sample t-test.
STATISTICS = {"bootstrap-bca": "bca", "bootstrap-percentile": "percentile"}
PROFILE_KEYS = ("params", "seeds", "timeout")


@dataclass(frozen=True)
class Spec:
    """What one field may hold.  `kind` is one of: text, string, enum, date, links, year, url,
    bool, number, mapping, list, verdicts, tests, job, profiles, run, metrics."""

    kind: str
    doc: str
    values: tuple[str, ...] = ()


_COMMON = {
    "type": Spec("string", "The note type."),
    "created": Spec("date", "When the note was written (YYYY-MM-DD)."),
    "tags": Spec("list", "Free tags."),
    "aliases": Spec("list", "Other names this note may be linked by."),
    "lint": Spec("mapping", "Inline lint settings, e.g. `{ignore: [broken-link]}`."),
}

_CLAIM = {
    "description": Spec("text", "One sentence saying what the claim asserts."),
    "confidence": Spec("enum", "How strongly the claim is asserted.", CONFIDENCE_LEVELS),
    "domain": Spec("string", "The domain the claim belongs to."),
    "secondary_domains": Spec("list", "Other domains it touches."),
    "source": Spec("text", "Free-text account of where the claim comes from; wiki-links inside cite."),
    "sources": Spec("links", "Source notes cited as backing."),
    "depends_on": Spec("links", "Premises: one linked argument that stands only if all of them do."),
    "supported_by": Spec("links", "Notes each giving an independent pro argument."),
    "supports": Spec("links", "Claims this note supports."),
    "challenged_by": Spec("links", "Notes each giving a con argument."),
    "challenges": Spec("links", "Claims this note challenges."),
    "last_evaluated": Spec("date", "When the claim was last checked against the evidence."),
    "status": Spec("string", "Free editorial status."),
}

SPECS: dict[str, dict[str, Spec]] = {
    "claim": _CLAIM,
    "position": _CLAIM,
    "belief": _CLAIM,
    "conviction": _CLAIM,
    "source": {
        "title": Spec("text", "Title of the work."),
        "authors": Spec("list", "Authors, as written."),
        "year": Spec("year", "Year of publication."),
        "url": Spec("url", "Where to read it."),
        "doi": Spec("string", "Digital object identifier."),
        "venue": Spec("string", "Journal, conference or site."),
        "retracted": Spec("bool", "True if the work was retracted; it then backs nothing."),
        "description": Spec("text", "What the source is."),
    },
    "experiment": {
        "description": Spec("text", "What the experiment does."),
        "domain": Spec("string", "The domain it belongs to."),
        "job": Spec("job", "The job: entry point, parameters, seeds, upstream experiments."),
        "tests": Spec("tests", "The claims it tests, each with a prediction stated before the run."),
        "profiles": Spec("profiles", "Named parameter/seed overrides (smoke, standard, extended)."),
    },
    "evidence": {
        "description": Spec("text", "What the result is."),
        "verdicts": Spec("verdicts", "Per tested claim: supports, challenges or inconclusive."),
        "experiment": Spec("links", "The experiment whose run produced this evidence."),
        "run": Spec("run", "The run that produced it: key, profile, times, host, executor, versions."),
        "metrics": Spec("metrics", "Metric values with their intervals and per-seed values."),
        "status": Spec("enum", "Whether the evidence still counts.", EVIDENCE_STATUS),
        "superseded_by": Spec("links", "Newer evidence that replaces this one."),
        "smoke": Spec("bool", "A plumbing run: never counts in the argument."),
        "provenance": Spec("mapping", "Where an attached result came from."),
        "source": Spec("text", "Free-text account of where the result comes from."),
        "sources": Spec("links", "Source notes of the result."),
        "weight": Spec("number", "The strength of this evidence's arguments (default 1)."),
    },
    "map": {"description": Spec("text", "What the map covers.")},
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "claim": ("type", "description", "confidence"),
    "position": ("type", "description", "confidence"),
    "belief": ("type", "description"),
    "conviction": ("type", "description"),
    "source": ("type", "title"),
    "experiment": ("type", "description", "tests", "job"),
    "evidence": ("type", "verdicts"),
    "map": ("type",),
}

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_PLACEHOLDER = re.compile(r"\{\{[^{}]*\}\}|<%.*?%>|\$\{[^}]*\}")
_ENTRY = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")


def check_fields(note_type: str | None, meta: dict[str, Any], key_lines: dict[str, int], is_map: bool) -> list[Problem]:
    """Missing required fields and invalid values, with the line of each field."""
    problems: list[Problem] = []
    first = min(key_lines.values(), default=1)
    if note_type is None:
        if "type" in meta:
            problems.append(Problem("invalid-field", "'type' must be a string naming the note type", key_lines.get("type", first)))
        elif not is_map:
            problems.append(Problem("missing-field", "no 'type' field: the note type is unknown", first))
        return problems
    for name in REQUIRED.get(note_type, ("type",)):
        value = meta.get(name)
        if value is None or value == "" or value == []:
            what = "is empty" if name in meta else "is missing"
            problems.append(Problem("missing-field", f"required field '{name}' {what} (type: {note_type})", key_lines.get(name, first)))
    specs = SPECS.get(note_type, {})
    for name, value in meta.items():
        spec = specs.get(name) or _COMMON.get(name)
        line = key_lines.get(name, first)
        if isinstance(value, str) and _PLACEHOLDER.search(value):
            problems.append(Problem("invalid-field", f"'{name}' still holds a template placeholder: {value[:60]!r}", line))
            continue
        if spec is None or value is None:
            continue
        message = _check(spec, value)
        if message:
            problems.append(Problem("invalid-field", f"'{name}' {message}", line))
    return problems


def _check(spec: Spec, value: Any) -> str | None:
    kind = spec.kind
    if kind in ("text", "string"):
        if not isinstance(value, str):
            return f"should be text, found {_describe(value)}"
        if kind == "string" and "\n" in value.strip():
            return "should be a single line"
        return None
    if kind == "enum":
        if not isinstance(value, str) or value not in spec.values:
            hint = _closest(value, spec.values)
            return f"is {value!r}; expected one of {', '.join(spec.values)}{hint}"
        return None
    if kind == "date":
        return check_date(value)
    if kind == "links":
        if isinstance(value, str):
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"should be a list of [[links]], found {_describe(value)}"
        return None
    if kind == "list":
        if not isinstance(value, (list, str)):
            return f"should be a list, found {_describe(value)}"
        return None
    if kind == "year":
        if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 2200:
            return f"should be a four-digit year, found {value!r}"
        return None
    if kind == "url":
        if not isinstance(value, str) or not re.match(r"^https?://\S+$", value):
            return f"should be an http(s) URL, found {value!r}"
        return None
    if kind == "bool":
        if not isinstance(value, bool):
            return f"should be true or false, found {value!r}"
        return None
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return f"should be a non-negative number, found {value!r}"
        return None
    if kind == "mapping":
        if not isinstance(value, dict):
            return f"should be a mapping, found {_describe(value)}"
        return None
    if kind == "verdicts":
        return _check_verdicts(value)
    if kind == "tests":
        return _check_tests(value)
    if kind == "job":
        return _check_job(value)
    if kind == "profiles":
        return _check_profiles(value)
    if kind == "run":
        return _check_run(value)
    if kind == "metrics":
        return _check_metrics(value)
    return None


def check_date(value: Any) -> str | None:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return None
    text = str(value)
    m = _DATE.match(text)
    if not m:
        return f"should be a date YYYY-MM-DD, found {text!r}"
    try:
        _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as err:
        return f"is an impossible date {text!r} ({err})"
    return None


def _check_verdicts(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "should be a list of {claim, verdict} entries"
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or not isinstance(item.get("claim"), str):
            return f"entry {i} needs a 'claim' naming the claim it judges"
        if item.get("verdict") not in VERDICTS:
            return f"entry {i} has verdict {item.get('verdict')!r}; expected one of {', '.join(VERDICTS)}"
    return None


def _check_tests(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "should be a list of {claim, prediction} entries"
    for i, item in enumerate(value, 1):
        if not isinstance(item, dict) or not isinstance(item.get("claim"), str):
            return f"entry {i} needs a 'claim' naming the claim it tests"
        prediction = item.get("prediction")
        if not isinstance(prediction, dict):
            return f"entry {i} needs a 'prediction' mapping (metric, direction, sesoi, statistic)"
        if not isinstance(prediction.get("metric"), str):
            return f"entry {i}: the prediction needs a 'metric'"
        if prediction.get("direction") not in DIRECTIONS:
            return f"entry {i}: the prediction's 'direction' must be one of {', '.join(DIRECTIONS)}"
        sesoi = prediction.get("sesoi", 0)
        if not _is_number(sesoi) or sesoi < 0:
            return f"entry {i}: the prediction's 'sesoi' must be a number >= 0, found {sesoi!r}"
        alpha = prediction.get("alpha", 0.05)
        if not _is_number(alpha) or not 0 < alpha < 0.5:
            return f"entry {i}: the prediction's 'alpha' must lie between 0 and 0.5, found {alpha!r}"
        statistic = prediction.get("statistic", "bootstrap-bca")
        if statistic not in STATISTICS:
            return f"entry {i}: the prediction's 'statistic' is {statistic!r}; expected one of {', '.join(STATISTICS)}"
        if "baseline" in prediction and not isinstance(prediction["baseline"], str):
            return f"entry {i}: the prediction's 'baseline' must name a metric"
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_seeds_timeout(value: dict, where: str) -> str | None:
    seeds = value.get("seeds")
    if seeds is not None and (
        not isinstance(seeds, list) or not seeds or not all(isinstance(s, int) and not isinstance(s, bool) for s in seeds)
    ):
        return f"{where}'seeds' should be a non-empty list of integers"
    timeout = value.get("timeout")
    if timeout is not None and (not _is_number(timeout) or timeout <= 0):
        return f"{where}'timeout' should be a positive number of seconds, found {timeout!r}"
    if "params" in value and not isinstance(value["params"], dict):
        return f"{where}'params' should be a mapping"
    return None


def _check_job(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "should be a mapping with at least 'run: module:function'"
    run = value.get("run")
    if not isinstance(run, str) or not _ENTRY.match(run):
        return f"needs 'run' as 'package.module:function', found {run!r}"
    problem = _check_seeds_timeout(value, "")
    if problem:
        return problem
    needs = value.get("needs")
    if needs is not None and not isinstance(needs, str) and (
        not isinstance(needs, list) or not all(isinstance(n, str) for n in needs)
    ):
        return "'needs' should be a list of [[experiment]] links"
    return None


def _check_profiles(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "should be a mapping of profile name -> {params, seeds, timeout}"
    for name, profile in value.items():
        if not isinstance(profile, dict):
            return f"profile '{name}' should be a mapping with params, seeds or timeout"
        unknown = [k for k in profile if k not in PROFILE_KEYS]
        if unknown:
            return f"profile '{name}' has unknown key '{unknown[0]}'; a profile may set {', '.join(PROFILE_KEYS)}"
        problem = _check_seeds_timeout(profile, f"profile '{name}': ")
        if problem:
            return problem
    return None


def _check_run(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"should be a mapping (key, profile, started, finished, ...), found {_describe(value)}"
    if "key" in value and not isinstance(value["key"], str):
        return f"'key' should be the run key as text, found {_describe(value['key'])}"
    for name in ("params", "versions"):
        if name in value and not isinstance(value[name], dict):
            return f"'{name}' should be a mapping"
    if "seeds" in value and not (isinstance(value["seeds"], list) and all(_is_number(s) for s in value["seeds"])):
        return "'seeds' should be a list of integers"
    return None


def _check_metrics(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"should be a mapping of metric -> value or {{mean, ci, values}}, found {_describe(value)}"
    for name, entry in value.items():
        if _is_number(entry):
            continue
        if not isinstance(entry, dict):
            return f"metric '{name}' should be a number or a mapping {{mean, ci, values}}"
        ci = entry.get("ci")
        if ci is not None and not (isinstance(ci, list) and len(ci) == 2 and all(c is None or _is_number(c) for c in ci)):
            return f"metric '{name}': 'ci' should be [low, high]"
    return None


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"[:80]


def _closest(value: Any, choices: tuple[str, ...]) -> str:
    synonyms = {"high": "likely", "moderate": "experimental", "medium": "experimental", "low": "speculative",
                "certain": "proven", "established": "proven", "tentative": "speculative"}
    if isinstance(value, str) and value.lower() in synonyms and synonyms[value.lower()] in choices:
        return f" (perhaps '{synonyms[value.lower()]}'?)"
    if isinstance(value, str) and value.strip().lower() in choices:
        return f" (perhaps '{value.strip().lower()}'?)"
    return ""


def json_schema(note_type: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one note type's frontmatter."""
    props: dict[str, Any] = {}
    for name, spec in {**_COMMON, **SPECS.get(note_type, {})}.items():
        props[name] = {"description": spec.doc, **_json_kind(spec)}
    props["type"] = {"description": "The note type.", "const": note_type}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://claimbase.dev/schema/{note_type}.json",
        "title": f"claimbase {note_type} note frontmatter",
        "type": "object",
        "required": list(REQUIRED.get(note_type, ("type",))),
        "properties": props,
        "additionalProperties": True,
    }


_LINK_LIST = {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}


def _json_kind(spec: Spec) -> dict[str, Any]:
    kind = spec.kind
    if kind in ("text", "string"):
        return {"type": "string"}
    if kind == "enum":
        return {"enum": list(spec.values)}
    if kind == "date":
        return {"type": "string", "format": "date", "pattern": _DATE.pattern}
    if kind in ("links", "list"):
        return dict(_LINK_LIST)
    if kind == "year":
        return {"type": "integer", "minimum": 1000, "maximum": 2200}
    if kind == "url":
        return {"type": "string", "format": "uri", "pattern": "^https?://"}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "number":
        return {"type": "number", "minimum": 0}
    if kind == "verdicts":
        return {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["claim", "verdict"],
                "properties": {"claim": {"type": "string"}, "verdict": {"enum": list(VERDICTS)}},
            },
        }
    if kind == "tests":
        return {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["claim", "prediction"],
                "properties": {
                    "claim": {"type": "string"},
                    "prediction": {
                        "type": "object",
                        "required": ["metric", "direction"],
                        "properties": {
                            "metric": {"type": "string"},
                            "direction": {"enum": list(DIRECTIONS)},
                            "sesoi": {"type": "number", "minimum": 0},
                            "alpha": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5},
                            "statistic": {"enum": list(STATISTICS)},
                            "baseline": {"type": "string"},
                        },
                    },
                },
            },
        }
    if kind == "job":
        return {
            "type": "object",
            "required": ["run"],
            "properties": {
                "run": {"type": "string", "pattern": _ENTRY.pattern},
                "params": {"type": "object"},
                "seeds": {"type": "array", "minItems": 1, "items": {"type": "integer"}},
                "needs": dict(_LINK_LIST),
                "timeout": {"type": "number", "exclusiveMinimum": 0},
            },
        }
    if kind == "profiles":
        return {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "params": {"type": "object"},
                    "seeds": {"type": "array", "minItems": 1, "items": {"type": "integer"}},
                    "timeout": {"type": "number", "exclusiveMinimum": 0},
                },
            },
        }
    if kind == "run":
        return {
            "type": "object",
            "properties": {
                "key": {"type": "string"},
                "profile": {"type": "string"},
                "params": {"type": "object"},
                "seeds": {"type": "array", "items": {"type": "integer"}},
                "versions": {"type": "object"},
            },
        }
    if kind == "metrics":
        return {"type": "object", "additionalProperties": {"anyOf": [{"type": "number"}, {"type": "object"}]}}
    return {"type": "object"}
