#!/usr/bin/env bash
# Checks that every tracked C++ file (git ls-files *.cc *.h) is formatted as the pinned
# .clang-format says: clang-format --dry-run --Werror names each line that is not, and the check
# fails. Fix with `clang-format -i <file>`. Run by ctest (test clang_format, label lint).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is not installed (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-format: not a git checkout: no list of tracked files" >&2
  exit 1
fi
git ls-files -z -- '*.cc' '*.h' | xargs -0 clang-format --dry-run --Werror
echo "check-format: $(git ls-files -- '*.cc' '*.h' | wc -l) files formatted"
