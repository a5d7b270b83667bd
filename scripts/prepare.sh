# shellcheck shell=bash
# Source this before running anything of the project: toolchain on PATH, node_modules matching
# package-lock.json, and a fresh build. Used by `npm test` and `npm run demo`, so both work on a
# fresh clone.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
pmf_ensure_deps
pmf_build
cd "$PMF_ROOT"
