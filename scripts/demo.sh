#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded emulator.
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
exec node dist/scripts/demo.js "$@"
