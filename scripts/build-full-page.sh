#!/usr/bin/env bash
# Builds the full page, `full/`: the same app with the `full` feature, which links every service
# the engine simulates (Lambda, …). The first download (index.html) stays under its size ceiling
# and opens the full page for a scenario, preset, lesson, link or file that names such a
# service. Built into target/full-dist; Trunk's post_build hook (Trunk.toml) copies it into
# dist/full/ each time the first download is built (so `trunk serve` keeps it across rebuilds).
#
#   scripts/build-full-page.sh [--release]     # needs scripts/setup.sh sourced (trunk on PATH)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# The page's shell with the feature switched on: generated, so the two pages cannot drift.
page=.full-page.html
trap 'rm -f "$root/$page"' EXIT
sed -e 's|data-bin="mqlab"|data-bin="mqlab" data-cargo-features="full"|' index.html >"$page"
grep -q 'data-cargo-features="full"' "$page" || {
    echo "build-full-page: index.html has no data-bin=\"mqlab\" link to switch the feature on" >&2
    exit 1
}
PATH="$root/scripts/trunk-cargo:$PATH" trunk build "$page" "$@" --dist target/full-dist --public-url /full/
