"""aicmo core: benchmark packs, report parsing, rules and checks. No editor or LSP code here."""

__version__ = "0.1.0"
