#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Ember's set-up on a fresh Debian 12 machine, and the two things a newcomer does:
#   bash tools/setup.sh --run    install, build, create the demo project once, start the app on it
#   bash tools/setup.sh --test   install, build, run the whole test suite ("N passed, N failed")
# Idempotent: packages already installed are not fetched again, an existing build is reused.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${EMBER_BUILD_DIR:-$top/build}
mode=${1:---run}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_packages() {
  local wanted missing=()
  wanted=$(grep -v '^[[:space:]]*#' "$top/tools/debian-packages.txt" | awk 'NF {print $1}')
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  say "Installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build_tree() {
  if [ ! -f "$build/build.ninja" ]; then
    say "Configuring $build"
    meson setup "$build" "$top" "$@"
  fi
  say "Building"
  ninja -C "$build"
}

run_app() {
  local data=${XDG_DATA_HOME:-$HOME/.local/share}/ember/demos
  local demo=$data/keywords.ember
  if [ ! -f "$demo" ]; then
    say "Creating the keyword-spotting demo project at $demo (about half a minute, once)"
    mkdir -p "$data"
    "$build/src/cli/ember-cli" demo create --kind keywords "$demo"
  fi
  say "Starting Ember on $demo"
  export GSETTINGS_SCHEMA_DIR=$build/resources
  exec "$build/src/app/ember" "$demo"
}

run_tests() {
  local log=$build/meson-logs/testlog.json
  say "Running the test suite"
  rm -f "$log"
  set +e
  xvfb-run -a -s "-screen 0 1280x800x24" meson test -C "$build" --print-errorlogs \
    --num-processes "${EMBER_TEST_JOBS:-2}" "$@"
  local status=$?
  set -e
  /usr/bin/python3 "$top/tools/test-summary.py" "$log"
  return $status
}

case "$mode" in
  --run) install_packages; build_tree; run_app ;;
  --test) shift || true; install_packages; build_tree; run_tests "$@" ;;
  --install-only) install_packages ;;
  *) echo "usage: $0 --run | --test [meson test args]" >&2; exit 2 ;;
esac
