#!/usr/bin/env bash
# Build mqlab and serve it at http://127.0.0.1:8080/ (rebuilds when sources change).
#
#   scripts/serve.sh          # release build: what the tests check and what users get
#   scripts/serve.sh --dev    # debug build: faster rebuilds while working on the app
#
# Release is the default because the page is a simulation: a debug build is several MB of wasm
# and runs the engine many times slower, which is not what a learner should see. A warm release
# rebuild takes 5-11 s; use --dev when iterating on the UI.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh serve

profile=(--release)
if [[ "${1:-}" == --dev ]]; then
    profile=()
    shift
fi

# The full page (full/: every service the engine simulates) is built once here; Trunk's
# post_build hook copies it into dist/full/ with each rebuild of the page.
echo "[serve] building the full page (full/) first"
scripts/build-full-page.sh "${profile[@]}"
echo "[serve] http://127.0.0.1:8080/ (the page appears once Trunk logs 'success'; Ctrl-C stops)"
# Trunk's cargo goes through scripts/trunk-cargo/cargo, which selects the app package (see there).
PATH="$PWD/scripts/trunk-cargo:$PATH" exec trunk serve "${profile[@]}" --address 127.0.0.1 --port 8080 "$@"
