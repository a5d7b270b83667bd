# shellcheck shell=bash
# Source after toolchain.sh: installs node_modules with `npm ci` unless they already match
# package-lock.json, then makes sure the dynamic-provider launcher sits beside the pulumi CLI.
# Both steps run only when needed, so following the README (`npm ci && npm run build`, then
# `npm run demo`) installs and builds once.
pmf_ensure_deps() {
  local stamp="$PMF_ROOT/node_modules/.pmf-lock.sha256" lock="$PMF_ROOT/package-lock.json" want
  local record="$PMF_ROOT/node_modules/.package-lock.json"
  want=$(sha256sum "$lock" | cut -d' ' -f1)
  # A user's own `npm ci` leaves npm's record of the install (node_modules/.package-lock.json)
  # newer than the lock file it installed from, and newer than our stamp if there is one: current.
  if [ "$record" -nt "$lock" ] && { [ ! -f "$stamp" ] || [ "$record" -nt "$stamp" ]; }; then
    echo "$want" >"$stamp"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$PMF_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$want" >"$stamp"
  fi
  if command -v pulumi >/dev/null 2>&1; then
    pmf_ensure_dynamic_provider_plugin "$(dirname "$(command -v pulumi)")"
  fi
}

# tsc's build mode: nothing to do (well under a second) when dist/ is newer than every source
# and the last build had no error; a build with errors is reported again, never skipped.
pmf_build() {
  (cd "$PMF_ROOT" && node node_modules/typescript/bin/tsc -b tsconfig.json)
}
