#!/usr/bin/env bash
# Installs everything the e2e tests (test/e2e/run.mjs) need to run a real VS Code:
#   - Debian packages: chromium (headless browser), ripgrep (VS Code's search binary),
#     libkrb5-dev (a native module of code-server includes gssapi/gssapi.h), a C++ toolchain.
#   - code-server 4.100.3 (VS Code 1.100.3, runs on Node 20) from the npm registry, into
#     .vscode-test/code-server/ with its own package.json (not a dependency of the extension).
# Idempotent: apt is skipped when everything is present, code-server is reused when installed.
# Needs network access only to Debian apt mirrors and the npm registry (no GitHub downloads).
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
RIPGREP_PKG_VERSION="1.15.11"     # @vscode/ripgrep version pinned by code-server 4.100.3
RIPGREP_BIN_VERSION="v13.0.0-10"  # binary release @vscode/ripgrep 1.15.11 downloads

start=$(date +%s)
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base="${VSCODE_TEST_DIR:-$repo/.vscode-test}"
cs_dir="$base/code-server"
tmp_dir="$base/tmp"
log() { printf '[install] %s\n' "$*"; }
elapsed() { echo $(( $(date +%s) - start )); }

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != 20 ]; then
  log "WARNING: code-server $CODE_SERVER_VERSION is built for Node 20, this is Node $(node -v)"
fi

# ---------------------------------------------------------------- apt packages
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "apt done after $(elapsed)s"
else
  log "apt packages already present (chromium, ripgrep, libkrb5-dev, toolchain)"
fi

# ---------------------------------------------------------------- code-server
cs_pkg="$cs_dir/node_modules/code-server/package.json"
if [ -f "$cs_dir/.installed" ] && [ -f "$cs_pkg" ] \
   && [ "$(node -p "require('$cs_pkg').version")" = "$CODE_SERVER_VERSION" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $cs_dir"
else
  log "installing code-server $CODE_SERVER_VERSION into $cs_dir"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir" "$tmp_dir"

  # @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable). Pre-seed its download
  # cache ($TMPDIR/vscode-ripgrep-cache-<pkg version>/) with Debian's rg in the expected tarball.
  case "$(uname -m)" in
    x86_64) rg_target="x86_64-unknown-linux-musl" ;;
    aarch64|arm64) rg_target="aarch64-unknown-linux-musl" ;;
    *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
  esac
  rg_cache="$tmp_dir/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
  rg_stage="$tmp_dir/rg-stage"
  mkdir -p "$rg_cache" "$rg_stage"
  cp "$(command -v rg)" "$rg_stage/rg"
  tar -czf "$rg_cache/ripgrep-$RIPGREP_BIN_VERSION-$rg_target.tar.gz" -C "$rg_stage" rg
  rm -rf "$rg_stage"

  cat > "$cs_dir/package.json" <<JSON
{
  "name": "botmaster-e2e-code-server",
  "private": true,
  "description": "code-server used by test/e2e/run.mjs (installed by scripts/code-server/install.sh)",
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" }
}
JSON
  (
    cd "$cs_dir"
    export TMPDIR="$tmp_dir"
    export npm_config_unsafe_perm=true          # postinstall refuses to run as root otherwise
    export npm_config_yes=true                  # postinstall runs `npx node-gyp`
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
    export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
    # node-gyp builds native modules against these headers instead of downloading them from nodejs.org.
    node_prefix="$(dirname "$(dirname "$(command -v node)")")"
    if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
      export npm_config_nodedir="$node_prefix"
    fi
    npm install --no-package-lock --loglevel=error
  )
  "$cs_dir/node_modules/.bin/code-server" --version >/dev/null
  date -u +%FT%TZ > "$cs_dir/.installed"
  log "code-server installed ($(du -sm "$cs_dir" | cut -f1) MB)"
fi

log "code-server: $("$cs_dir/node_modules/.bin/code-server" --version | head -1)"
log "done in $(elapsed)s"
