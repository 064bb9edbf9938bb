"""The lint rules.  Each module holds one rule; importing this package registers them all."""

from . import (  # noqa: F401  (imported for their registration)
    ambiguous_link,
    broken_link,
    circular_support,
    contested_claim,
    contradicted_claim,
    duplicate_claim,
    invalid_field,
    invalid_frontmatter,
    missing_entry_point,
    missing_field,
    needs_cycle,
    overconfident_claim,
    stale_evidence,
    unknown_metric,
    unknown_upstream,
    unreadable_file,
    unsupported_claim,
    unused_suppression,
    weakened_premise,
)
from .base import RULES, Context, Hit, Rule, rule


def all_rules() -> list[Rule]:
    return sorted(RULES, key=lambda r: r.code)


def by_name(name: str) -> Rule | None:
    for r in RULES:
        if name in (r.slug, r.code):
            return r
    return None


__all__ = ["Context", "Hit", "Rule", "all_rules", "by_name", "rule"]
