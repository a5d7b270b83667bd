#!/usr/bin/env bash
# Prints, one per line, the stacks whose incident file (incidents/<stack>.yaml) was added,
# changed or renamed between two commits. Deleted files print nothing: a closed incident keeps
# its stack and evidence until someone destroys it on purpose.
#
#   changed-incidents.sh <base-commit> [<head-commit>]
#
# A base of all zeros (the first push of a branch) or one that is not in the clone lists every
# incident file. Names that are not valid stack names (letters, digits, _ . -) are reported on
# stderr and skipped.
set -euo pipefail
base="${1:?usage: changed-incidents.sh <base-commit> [<head-commit>]}"
head="${2:-HEAD}"

if [[ "$base" =~ ^0+$ ]] || ! git cat-file -e "${base}^{commit}" 2>/dev/null; then
  files=$(git ls-tree -r --name-only "$head" -- incidents/)
else
  files=$(git diff --name-only --diff-filter=AMR "$base" "$head" -- incidents/)
fi

while IFS= read -r file; do
  [[ -z "$file" ]] && continue
  [[ "$file" == incidents/*.yaml && "$file" != incidents/*/* ]] || continue
  stack="${file#incidents/}"
  stack="${stack%.yaml}"
  if [[ "$stack" =~ ^[A-Za-z0-9_.-]+$ ]]; then
    echo "$stack"
  else
    echo "skipping $file: '$stack' is not a valid stack name (letters, digits, _ . -)" >&2
  fi
done <<<"$files" | sort -u
