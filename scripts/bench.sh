#!/usr/bin/env bash
# `npm run bench`: the fleet-sweep benchmark (bench/README.md). Not a test: it measures, writes
# bench/results/ and takes about 40 minutes on 2 cores. Options: `npm run bench -- --help`.
set -euo pipefail
source "$(dirname "$0")/prepare.sh"
exec node dist/bench/main.js "$@"
