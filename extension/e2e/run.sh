#!/usr/bin/env bash
# The extension's end-to-end test in a real VS Code: installs code-server, Chromium and
# playwright-core when missing (setup.sh), builds the VSIX with `make package` unless one is given,
# then runs e2e.js against it with the machine's python3 (so the VSIX's bundled libraries are used).
#
# Usage: bash extension/e2e/run.sh [VSIX]
# Environment (all optional):
#   AICMO_E2E_INSTALL_DIR  where setup.sh installs (default .realclient at the repository root)
#   AICMO_E2E_OUT          screenshots, logs and metrics.json (default test-output/e2e)
#   AICMO_E2E_PYTHON       the interpreter for aicmo.python.path (default: python3 from PATH)
#   AICMO_E2E_TIMEOUT      time limit of the browser run in seconds (default 300)
# Exit code: that of e2e.js (0 passed, 1 failed, 2 usage), or non-zero from a failing setup step.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
INSTALL_DIR="${AICMO_E2E_INSTALL_DIR:-$ROOT/.realclient}"
OUT="${AICMO_E2E_OUT:-$ROOT/test-output/e2e}"
PYTHON="${AICMO_E2E_PYTHON:-$(command -v python3 || true)}"
TIMEOUT="${AICMO_E2E_TIMEOUT:-300}"
log() { printf '[e2e-run] %s\n' "$*"; }

[ -n "$PYTHON" ] || { echo "[e2e-run] ERROR: python3 not found on PATH" >&2; exit 1; }
t_all=$(date +%s)

t=$(date +%s)
bash "$HERE/setup.sh" "$INSTALL_DIR"
log "setup took $(( $(date +%s) - t )) s"
# shellcheck source=/dev/null
source "$INSTALL_DIR/env.sh"

if [ $# -ge 1 ] && [ -n "$1" ]; then
  VSIX="$1"
else
  t=$(date +%s)
  make -C "$ROOT" package
  log "make package took $(( $(date +%s) - t )) s"
  VSIX=""
fi
if [ -z "$VSIX" ]; then
  VSIX="$(ls -t "$ROOT"/extension/aicmo-linux-x64-*.vsix 2>/dev/null | head -1 || true)"
fi
[ -n "$VSIX" ] && [ -f "$VSIX" ] || { echo "[e2e-run] ERROR: no VSIX (looked for extension/aicmo-linux-x64-*.vsix)" >&2; exit 1; }
log "vsix: $VSIX ($(du -h "$VSIX" | cut -f1)); python: $PYTHON ($("$PYTHON" --version 2>&1))"

t=$(date +%s)
rc=0
node "$HERE/e2e.js" --install-dir "$INSTALL_DIR" --vsix "$VSIX" --python "$PYTHON" --out "$OUT" --timeout "$TIMEOUT" || rc=$?
log "e2e took $(( $(date +%s) - t )) s; everything took $(( $(date +%s) - t_all )) s; exit $rc"
exit "$rc"
