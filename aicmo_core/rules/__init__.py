"""Rules, one per module. Importing this package registers all of them.

The order of the imports is the rules' order: a section runs its rules in it, and the hover table
and the prompt's constraints list the rules' lines in it.
"""

# isort: off
from aicmo_core.rules import (  # noqa: F401  (imported to register)
    front_matter,
    front_matter_unclosed,
    unknown_pack,
    pack_detection,
    missing_section,
    unknown_section,
    duplicate_section,
    section_order,
    empty_section,
    min_words,
    max_words,
    min_bullets,
    max_bullets,
    min_headings,
    max_headings,
    required_headings,
    required_substrings,
    forbidden_substrings,
    forbidden_regex,
    placeholder,
    max_avg_sentence_length,
    max_repeated_line_ratio,
    format,
    provisional,
    internal_error,
    check_timeout,
)

# isort: on
from aicmo_core.rules.registry import RULES, Rule, Scope, find_rule, rules_of

__all__ = ["RULES", "Rule", "Scope", "find_rule", "rules_of"]
