#!/usr/bin/env bash
# `npm test`: every suite, on a fresh clone too (toolchain, dependencies and build as needed).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
source "$(dirname "$0")/deps.sh"
pmf_ensure_deps
pmf_build
cd "$PMF_ROOT"
exec node node_modules/jest/bin/jest.js "$@"
