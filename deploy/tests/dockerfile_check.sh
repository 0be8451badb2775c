#!/usr/bin/env bash
# Checks deploy/Dockerfile without a Docker engine:
#  - both stages are Debian 12 (bookworm); the build stage runs the README's own scripts,
#    scripts/install-deps.sh then scripts/build.sh, into the build folder MC_BUILD_DIR names;
#  - every binary the runtime stage copies is a CMake target (add_executable) built at that path
#    (the folder of the CMakeLists.txt that defines it), and is built in this build tree;
#  - every shared library those binaries load (ldd) belongs to a Debian package that the runtime
#    stage's apt-get install line brings in, itself or through its dependencies;
#  - the image runs as a non-root user; Dockerfile.dockerignore keeps build trees out.
# Usage: dockerfile_check.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$1"
build="$2"
dockerfile="$src/deploy/Dockerfile"
errors=0
fail() { echo "ERROR $*" >&2; errors=$((errors + 1)); }

# The Dockerfile's instructions, one per line (continuations joined, comments dropped).
instructions="$(sed -e '/^[[:space:]]*#/d' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta')"
froms="$(grep -E '^FROM ' <<<"$instructions")"
[ "$(wc -l <<<"$froms")" -ge 2 ] || fail "the Dockerfile must be multi-stage"
while read -r _ image _; do
  [[ "$image" == debian:bookworm* ]] || fail "stage image $image is not debian:bookworm"
done <<<"$froms"

# Build stage: the first stage, up to the second FROM.
build_stage="$(awk '/^FROM /{n++} n==1' <<<"$instructions")"
runtime_stage="$(awk '/^FROM /{n++} n>=2' <<<"$instructions")"
run_build="$(grep -E '^RUN ' <<<"$build_stage" || true)"
grep -q 'scripts/install-deps\.sh' <<<"$run_build" || fail "the build stage does not run scripts/install-deps.sh"
grep -q 'scripts/build\.sh' <<<"$run_build" || fail "the build stage does not run scripts/build.sh"
if ! grep -qE 'scripts/install-deps\.sh.*scripts/build\.sh' <<<"$run_build"; then
  fail "scripts/install-deps.sh must come before scripts/build.sh"
fi
build_dir="$(grep -oE 'MC_BUILD_DIR=[^ ]+' <<<"$build_stage" | head -n1 | cut -d= -f2)"
[ -n "$build_dir" ] || fail "the build stage does not set MC_BUILD_DIR"

# Binaries copied from the build stage.
copies="$(grep -E '^COPY --from=build ' <<<"$runtime_stage" || true)"
[ -n "$copies" ] || fail "the runtime stage copies nothing from the build stage"
binaries=()
while read -r _ _ from _; do
  [ -n "$from" ] || continue
  rel="${from#"$build_dir"/}"
  [ "$rel" != "$from" ] || { fail "COPY $from: not under MC_BUILD_DIR ($build_dir)"; continue; }
  name="$(basename "$rel")"
  dir="$(dirname "$rel")"
  defined_in="$(grep -rlE --include=CMakeLists.txt "^[[:space:]]*add_executable\([[:space:]]*$name[[:space:]]" "$src" \
    --exclude-dir='build' --exclude-dir='build-*' --exclude-dir=node_modules --exclude-dir=.git || true)"
  if [ -z "$defined_in" ]; then
    fail "COPY $from: $name is not a CMake target (no add_executable($name ...))"
    continue
  fi
  target_dir="$(dirname "${defined_in#"$src"/}")"
  [ "$target_dir" = "$dir" ] || fail "COPY $from: CMake builds $name in $target_dir/, not $dir/"
  if [ -x "$build/$rel" ]; then
    binaries+=("$build/$rel")
  else
    fail "COPY $from: $build/$rel is not built"
  fi
done <<<"$copies"
echo "dockerfile: copies ${#binaries[@]} built CMake targets"

# Runtime packages: the apt-get install line of the runtime stage, and everything they depend on
# (read from the dpkg database: the same packages are installed here, as the build needs them).
packages="$(grep -E '^RUN .*apt-get install' <<<"$runtime_stage" \
  | sed -e 's/.*apt-get install//' -e 's/&&.*//' | tr ' ' '\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' || true)"
[ -n "$packages" ] || fail "the runtime stage installs no package with apt-get"
declare -A closure=()
queue=($packages)
while [ ${#queue[@]} -gt 0 ]; do
  p="${queue[0]}"
  queue=("${queue[@]:1}")
  [ -z "${closure[$p]:-}" ] || continue
  closure[$p]=1
  deps="$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$p" 2>/dev/null || true)"
  for d in $(sed -e 's/([^)]*)//g' -e 's/[,|]/ /g' <<<"$deps"); do
    d="${d%%:*}"
    [ -n "${closure[$d]:-}" ] || queue+=("$d")
  done
done

# Every library the binaries load comes from one of those packages.
declare -A needed=()
for bin in "${binaries[@]}"; do
  while read -r lib; do
    needed[$lib]="${needed[$lib]:-$(basename "$bin")}"
  done < <(ldd "$bin" | awk '/not found/{print "NOTFOUND:" $1; next}
                              $2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
done
# One dpkg -S for all of them, under each name a merged /usr may give the file.
declare -A owner=()
candidates=()
for lib in "${!needed[@]}"; do
  [[ "$lib" == NOTFOUND:* ]] && continue
  candidates+=("$lib" "/usr$lib" "${lib#/usr}" "$(readlink -f "$lib")")
done
while IFS= read -r line; do
  pkgs="${line%%: /*}"
  path="/${line#*: /}"
  owner[$path]="${pkgs%%[:,]*}"
done < <(dpkg -S "${candidates[@]}" 2>/dev/null || true)
for lib in "${!needed[@]}"; do
  bin="${needed[$lib]}"
  if [[ "$lib" == NOTFOUND:* ]]; then
    fail "$bin needs ${lib#NOTFOUND:}, not found here"
    continue
  fi
  pkg=""
  for c in "$lib" "/usr$lib" "${lib#/usr}" "$(readlink -f "$lib")"; do
    pkg="${owner[$c]:-}"
    [ -z "$pkg" ] || break
  done
  if [ -z "$pkg" ]; then
    fail "$bin loads $lib, which no Debian package owns"
  elif [ -z "${closure[$pkg]:-}" ]; then
    fail "$bin loads $lib from package $pkg, which the runtime stage does not install"
  fi
done
echo "dockerfile: ${#needed[@]} shared libraries, all from the runtime stage's packages"

# A non-root user, and no build tree in the context.
user="$(grep -E '^USER ' <<<"$runtime_stage" | tail -n1 | awk '{print $2}')"
case "${user%%:*}" in
  "" | root | 0) fail "the image must run as a non-root USER" ;;
esac
ignore="$src/deploy/Dockerfile.dockerignore"
if [ ! -f "$ignore" ]; then
  fail "deploy/Dockerfile.dockerignore is missing"
else
  for pattern in build 'build-*' .git '**/node_modules'; do
    grep -qxF "$pattern" "$ignore" || fail "Dockerfile.dockerignore does not exclude $pattern"
  done
fi

if [ "$errors" -gt 0 ]; then
  echo "dockerfile: $errors error(s)" >&2
  exit 1
fi
echo "dockerfile: valid"
