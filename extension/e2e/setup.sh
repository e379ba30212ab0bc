#!/usr/bin/env bash
# Installs a real VS Code for aicmo's headless end-to-end test, from the package registries only:
#   - code-server (VS Code 1.100.3 for the browser) from npm
#   - Chromium and ripgrep from Debian (apt)
#   - playwright-core (drives the system Chromium, downloads no browser) from npm
# Adapted from the verified recipe (pitfalls in extension/e2e/README.md).
#
# Usage: bash extension/e2e/setup.sh [INSTALL_DIR]   (default: .realclient at the repository root)
# Idempotent: each step is skipped when its stamp file says it is done. Remove INSTALL_DIR to redo.
# Afterwards: source INSTALL_DIR/env.sh   (exports CODE_SERVER, CHROMIUM, REALCLIENT_NODE_MODULES)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3   # bundles VS Code 1.100.3 and still runs on Node 20
PLAYWRIGHT_VERSION=1.65.1
# code-server 4.100.3 pins @vscode/ripgrep 1.15.11 (lib/vscode/npm-shrinkwrap.json), whose postinstall
# looks for ripgrep-v13.0.0-10-<target>.tar.gz in $TMPDIR/vscode-ripgrep-cache-1.15.11/ before it
# would download from GitHub (unreachable). Another code-server version may pin another one.
RIPGREP_NPM_VERSION=1.15.11
RIPGREP_ASSET_VERSION=v13.0.0-10
APT_PACKAGES=(chromium ripgrep libkrb5-dev build-essential fonts-dejavu-core)

log() { printf '[e2e-setup] %s\n' "$*"; }
die() { printf '[e2e-setup] ERROR: %s\n' "$*" >&2; exit 1; }

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="${1:-$ROOT/.realclient}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
log "install dir: $DIR"

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || die "node not found (Node 20 is needed)"
[ "$node_major" = 20 ] || die "code-server $CODE_SERVER_VERSION needs Node 20; this is Node $node_major"
command -v npm >/dev/null || die "npm not found"

# 1. Debian packages, only those that are missing.
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  log "apt: installing ${missing[*]}"
  start=$(date +%s)
  { $SUDO apt-get update -qq \
      && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; \
  } < /dev/null > "$DIR/apt.log" 2>&1 || { tail -30 "$DIR/apt.log" >&2; die "apt-get failed; full log: $DIR/apt.log"; }
  log "apt: done in $(( $(date +%s) - start )) s"
else
  log "apt: ${APT_PACKAGES[*]} already installed"
fi
CHROMIUM="$(command -v chromium || true)"
[ -n "$CHROMIUM" ] || die "chromium not on PATH after apt"
RG="$(command -v rg || true)"
[ -n "$RG" ] || die "rg not on PATH after apt"

# Native modules (argon2, kerberos, node-pty, spdlog, ...) are compiled here. node-gyp would download
# Node's headers unless pointed at local ones, and argon2 and kerberos first try a prebuilt binary from
# GitHub unless told to build from source.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
  log "node-gyp: using the local Node headers in /usr/include/node"
fi
export npm_config_build_from_source=true

# 2. code-server from npm, with the ripgrep download pre-seeded from Debian's ripgrep.
CS_DIR="$DIR/code-server"
CS_STAMP="$CS_DIR/.installed-$CODE_SERVER_VERSION"
if [ -f "$CS_STAMP" ]; then
  log "code-server $CODE_SERVER_VERSION already installed"
else
  case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) die "unsupported machine $(uname -m)" ;;
  esac
  export TMPDIR="$DIR/tmp"
  rg_cache="$TMPDIR/vscode-ripgrep-cache-$RIPGREP_NPM_VERSION"
  rg_tar="$rg_cache/ripgrep-$RIPGREP_ASSET_VERSION-$rg_target.tar.gz"
  mkdir -p "$rg_cache"
  log "ripgrep: seeding $rg_tar with $RG"
  rg_stage="$(mktemp -d)"
  cp "$RG" "$rg_stage/rg"
  tar -czf "$rg_tar" -C "$rg_stage" rg
  rm -rf "$rg_stage"

  rm -rf "$CS_DIR"   # a half-finished earlier install is not reused
  mkdir -p "$CS_DIR"
  printf '{ "name": "aicmo-e2e-code-server", "private": true }\n' > "$CS_DIR/package.json"
  log "npm: installing code-server@$CODE_SERVER_VERSION (builds native modules; about 2 minutes)"
  start=$(date +%s)
  (cd "$CS_DIR" && npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm --foreground-scripts \
      "code-server@$CODE_SERVER_VERSION" < /dev/null > "$DIR/code-server-install.log" 2>&1) \
    || { tail -40 "$DIR/code-server-install.log" >&2; die "code-server install failed; full log: $DIR/code-server-install.log"; }
  [ -x "$CS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] \
    || die "code-server installed without its ripgrep binary; see $DIR/code-server-install.log"
  touch "$CS_STAMP"
  log "code-server installed in $(( $(date +%s) - start )) s"
fi
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
"$CODE_SERVER" --version > /dev/null || die "code-server does not start: $CODE_SERVER --version"

# 3. playwright-core from npm (no browser download: it drives Debian's Chromium).
TOOLS_DIR="$DIR/node"
TOOLS_STAMP="$TOOLS_DIR/.installed-playwright-$PLAYWRIGHT_VERSION"
if [ -f "$TOOLS_STAMP" ]; then
  log "playwright-core $PLAYWRIGHT_VERSION already installed"
else
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] || printf '{ "name": "aicmo-e2e-tools", "private": true }\n' > "$TOOLS_DIR/package.json"
  log "npm: installing playwright-core@$PLAYWRIGHT_VERSION"
  start=$(date +%s)
  (cd "$TOOLS_DIR" && npm install --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION" \
      < /dev/null > "$DIR/tools-install.log" 2>&1) \
    || { tail -40 "$DIR/tools-install.log" >&2; die "playwright-core install failed; full log: $DIR/tools-install.log"; }
  touch "$TOOLS_STAMP"
  log "playwright-core installed in $(( $(date +%s) - start )) s"
fi

cat > "$DIR/env.sh" <<ENV
# source this file to get the paths of the installed pieces
export CODE_SERVER="$CODE_SERVER"
export CHROMIUM="$CHROMIUM"
export REALCLIENT_NODE_MODULES="$TOOLS_DIR/node_modules"
ENV
log "versions: code-server $("$CODE_SERVER" --version | head -1), $("$CHROMIUM" --version 2>/dev/null | head -1)"
log "size: $(du -sh "$DIR" | cut -f1) in $DIR"
log "done; source $DIR/env.sh"
