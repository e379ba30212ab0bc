"""Generated files must match their sources: regenerate with `make docs`."""

from aicmo_lsp.protocol import TYPESCRIPT_PATH, typescript

from aicmo_core.generated_files import RULES_DOC_PATH, SCHEMA_PATH, rules_markdown, schema_text


def test_benchmark_schema_is_up_to_date() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "benchmarks/schema.json is stale: run make docs"


def test_rules_doc_is_up_to_date() -> None:
    assert RULES_DOC_PATH.read_text(encoding="utf-8") == rules_markdown(), "docs/rules.md is stale: run make docs"


def test_extension_protocol_constants_are_up_to_date() -> None:
    """The extension's command ids and notification methods come from the server's one table."""
    assert TYPESCRIPT_PATH.read_text(encoding="utf-8") == typescript(), (
        "extension/src/serverProtocol.ts is stale: run make docs"
    )
