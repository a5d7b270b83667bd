#!/usr/bin/env bash
# `npm test`: every suite.
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
exec node node_modules/jest/bin/jest.js "$@"
