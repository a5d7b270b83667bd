#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded emulator (toolchain, dependencies and build as needed).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
source "$(dirname "$0")/deps.sh"
pmf_ensure_deps
pmf_build
cd "$PMF_ROOT"
exec node dist/scripts/demo.js "$@"
