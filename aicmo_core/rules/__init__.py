"""Rules, one per module. Importing this package registers all of them."""

from aicmo_core.rules import (  # noqa: F401  (imported to register)
    document_rules,
    duplicate_section,
    empty_section,
    forbidden_regex,
    forbidden_substrings,
    format,
    max_avg_sentence_length,
    max_bullets,
    max_headings,
    max_repeated_line_ratio,
    max_words,
    min_bullets,
    min_headings,
    min_words,
    missing_section,
    provisional,
    required_headings,
    required_substrings,
    section_order,
    unknown_section,
)
from aicmo_core.rules.registry import RULES, Rule, Scope, find_rule

__all__ = ["RULES", "Rule", "Scope", "find_rule"]
