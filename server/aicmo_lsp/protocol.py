"""The server's own protocol: its command ids and custom notifications, in one table.

The VS Code extension's constants (``extension/src/serverProtocol.ts``) are generated from this
table (``make docs``, or ``python -m aicmo_lsp.protocol``), and a test fails when they drift. What
each command takes and answers is in ``docs/lsp.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

GENERATE_SECTION_COMMAND: Final = "aicmo.generateSection"
REGENERATE_ALL_COMMAND: Final = "aicmo.regenerateAllFailing"
SHOW_SECTION_COMMAND: Final = "aicmo.showSection"
REVALIDATE_COMMAND: Final = "aicmo.revalidate"
LIST_PACKS_COMMAND: Final = "aicmo.listPacks"
LIST_RULES_COMMAND: Final = "aicmo.listRules"
STATS_COMMAND: Final = "aicmo.stats"
SET_PACK_COMMAND: Final = "aicmo.setPack"
NEW_REPORT_COMMAND: Final = "aicmo.newReport"
APPLY_SECTION_COMMAND: Final = "aicmo.applySection"
SCORECARD_COMMAND: Final = "aicmo.scorecard"

STATUS_NOTIFICATION: Final = "aicmo/status"  # server -> client
SET_SECRETS_NOTIFICATION: Final = "aicmo/setSecrets"  # client -> server

# The table, keyed by the names the extension uses.
COMMANDS: Final[Mapping[str, str]] = {
    "generateSection": GENERATE_SECTION_COMMAND,
    "regenerateAllFailing": REGENERATE_ALL_COMMAND,
    "showSection": SHOW_SECTION_COMMAND,
    "revalidate": REVALIDATE_COMMAND,
    "listPacks": LIST_PACKS_COMMAND,
    "listRules": LIST_RULES_COMMAND,
    "stats": STATS_COMMAND,
    "setPack": SET_PACK_COMMAND,
    "newReport": NEW_REPORT_COMMAND,
    "applySection": APPLY_SECTION_COMMAND,
    "scorecard": SCORECARD_COMMAND,
}
NOTIFICATIONS: Final[Mapping[str, str]] = {
    "status": STATUS_NOTIFICATION,
    "setSecrets": SET_SECRETS_NOTIFICATION,
}

TYPESCRIPT_PATH = Path(__file__).resolve().parents[2] / "extension" / "src" / "serverProtocol.ts"


def typescript() -> str:
    """The table as the extension's TypeScript constants."""

    def constant(name: str, table: Mapping[str, str], comment: str) -> list[str]:
        entries = [f"  {key}: '{value}'," for key, value in table.items()]
        return [f"/** {comment} */", f"export const {name} = {{", *entries, "} as const;"]

    lines = [
        "// Generated from server/aicmo_lsp/protocol.py by `make docs` (python -m aicmo_lsp.protocol). Do not edit.",
        "",
        *constant("ServerCommand", COMMANDS, "The language server's commands (workspace/executeCommand)."),
        "",
        *constant("ServerNotification", NOTIFICATIONS, "The language server's own notifications."),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    TYPESCRIPT_PATH.write_text(typescript(), encoding="utf-8")
    print(f"wrote {TYPESCRIPT_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
