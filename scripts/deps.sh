# shellcheck shell=bash
# Source after toolchain.sh: installs node_modules with `npm ci` unless they already match
# package-lock.json, then makes sure the dynamic-provider launcher sits beside the pulumi CLI.
pmf_ensure_deps() {
  local stamp="$PMF_ROOT/node_modules/.pmf-lock.sha256" want
  want=$(sha256sum "$PMF_ROOT/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    (cd "$PMF_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$want" >"$stamp"
  fi
  if command -v pulumi >/dev/null 2>&1; then
    pmf_ensure_dynamic_provider_plugin "$(dirname "$(command -v pulumi)")"
  fi
}

pmf_build() {
  (cd "$PMF_ROOT" && node node_modules/typescript/bin/tsc -p tsconfig.json)
}
