#!/usr/bin/env bash
# `npm run test:unit`: the inner loop. Only jest's `unit` project (in-process, from the TypeScript
# sources): no Pulumi CLI, no build. The toolchain's node-only part puts Node >= 22 on PATH.
set -euo pipefail
PMF_SKIP_PULUMI=1 source "$(dirname "$0")/toolchain.sh"
# The project flag last: it takes a list, and would swallow the paths given after it.
exec node node_modules/jest/bin/jest.js "$@" --selectProjects unit
