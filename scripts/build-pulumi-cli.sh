#!/usr/bin/env bash
# Builds the Pulumi CLI from Pulumi's Go modules, the way the official release does
# (CGO off, -trimpath, osusergo/grpcnotrace tags, version ldflag), because the CLI
# cannot be downloaded on these machines.
#
# Only the CLI (engine) is built. Pulumi's Node.js language host lives in its own untagged Go
# module (sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the module proxy reachable here does
# not serve at any version, so programs are run through the Automation API instead: it serves
# the program over gRPC in-process and passes `--client` to this very CLI (see scripts/stack.ts).
#
# Usage: build-pulumi-cli.sh VERSION DEST_DIR
set -euo pipefail
version="${1:?version, e.g. 3.259.0}"
dest="${2:?destination directory}"
work="$(mktemp -d)"
log="$dest.build.log"
mkdir -p "$(dirname "$log")"
trap 'rm -rf "$work"' EXIT
# Go's progress output is long; it goes to a log that is shown only when a step fails.
exec 3>&2 4>&1 >"$log" 2>&1
trap 'rc=$?; rm -rf "$work"; if [ $rc -ne 0 ]; then tail -n 40 "$log" >&3; echo "pulumi CLI build failed; full log: $log" >&3; fi' EXIT
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
cd "$work"
go mod init pulumi-cli-build >/dev/null 2>&1
# pkg/go.mod points sdk at ../sdk (a local replace), so `go install pkg@vX` refuses:
# a wrapper module requires both at the same tag instead.
go get "github.com/pulumi/pulumi/pkg/v3@v${version}" "github.com/pulumi/pulumi/sdk/v3@v${version}" >/dev/null
# Copy pkg/go.mod's non-local replace lines (the forked clipboard module) so the build
# resolves exactly as Pulumi's own does.
pkgmod="$(go env GOMODCACHE)/cache/download/github.com/pulumi/pulumi/pkg/v3/@v/v${version}.mod"
grep -E '^replace .* => [^.]' "$pkgmod" >>go.mod || true
cat >tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
GO
go mod tidy
mkdir -p "$dest"
go build -trimpath -tags osusergo,grpcnotrace \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}" \
  -o "$dest/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
