#!/usr/bin/env bash
# Debian's Abseil leaves absl::Status unmarked, so a dropped status compiles silently. The
# project marks every function its headers declare as returning absl::Status or
# absl::StatusOr<...> [[nodiscard]] (then -Werror makes a dropped one an error); this check
# names each declaration in a tracked header that lacks it. Run by ctest (test nodiscard,
# label lint).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=$(git ls-files -- '*.h' | xargs grep -nE \
  '^\s*((static|virtual|inline|constexpr)\s+)*absl::Status(Or<.*>)?\s+~?[A-Za-z_][A-Za-z0-9_:]*\s*\(' \
  | grep -v '\[\[nodiscard\]\]' || true)
if [ -n "$missing" ]; then
  echo "check-nodiscard: Status-returning declarations without [[nodiscard]]:"
  echo "$missing"
  exit 1
fi
echo "check-nodiscard: every Status-returning declaration in $(git ls-files -- '*.h' | wc -l) headers is [[nodiscard]]"
