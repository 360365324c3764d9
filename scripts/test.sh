#!/usr/bin/env bash
# Every check mqlab has, in order, stopping at the first failure:
#
#   fmt, clippy (native, whole workspace), clippy (app, wasm32), native tests (engine + CLI),
#   expected hash (CLI, native), trunk build --release, bundle size, browser tests (app in
#   headless Chromium, including native-vs-wasm determinism), end-to-end (Playwright against
#   dist/), and a short fuzz run of the engine's API.
#
#   scripts/test.sh                         # everything (what CI runs: .ci/run)
#   scripts/test.sh e2e browser-tests       # only the named stages, in the usual order (a
#                                           # stage may need an earlier one's output: e2e needs
#                                           # dist/ from trunk-build, browser-tests the hash)
#   MQLAB_FUZZ_SECONDS=10 scripts/test.sh   # a shorter fuzz run (default 60 s)
#
# Works unattended (CI=true, no stdin): nothing prompts, nothing opens a window.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

source scripts/setup.sh test

fuzz_seconds=${MQLAB_FUZZ_SECONDS:-60}
# The design's bar was the whole app under 350 KB of gzipped wasm + JS, set when the app
# simulated SQS alone. With SNS (filter-policy compiler, delivery, S3 events) and Kinesis (shards,
# KCL-style readers) in the same wasm module it measures ~570 KB (README, Benchmarks): the bar
# is renegotiated to a ceiling that stops unnoticed growth, and the size is reported against the
# design's figure every run.
bundle_design_bytes=$((350 * 1024))
# Content that grows is loaded when opened, not compiled in: lessons (lessons/*.json), the
# presets' explanations (texts/presets.json), the preset scenarios and the Korean texts
# (texts/ko.json) are files beside the page, fetched by the app.
bundle_gzip_max_bytes=$((640 * 1024))
# The full page (full/: the same app with every service the engine simulates) is downloaded only
# when a lesson, link or file needs one of the services beyond SQS, SNS, S3 events and Kinesis;
# its own ceiling stops unnoticed growth there too (README, Benchmarks: what each service adds).
# Raised from 900 KB when Amazon MQ's and Kinesis Video Streams' scenarios made the full page
# link those two services (~1,028 KB with them).
full_page_gzip_max_bytes=$((1100 * 1024))
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-$([[ -t 1 ]] && echo always || echo never)}

stages_all=(fmt clippy clippy-wasm test expected-hash trunk-build bundle-size browser-tests e2e fuzz)
only=("$@")
for name in "${only[@]}"; do
    [[ " ${stages_all[*]} " == *" $name "* ]] || {
        echo "[test] unknown stage '$name'; stages: ${stages_all[*]}" >&2
        exit 2
    }
done

passed=()
t_start=$EPOCHREALTIME

ms_since() {
    local now=$EPOCHREALTIME
    echo $(((${now/[.,]/} - ${1/[.,]/}) / 1000))
}

seconds() {
    printf '%d.%ds' $(($1 / 1000)) $((($1 % 1000) / 100))
}

summary() {
    echo
    echo "[test] ──────── summary ────────"
    local line
    for line in "${passed[@]}"; do
        echo "[test]   ok    $line"
    done
}

# stage NAME COMMAND...: run one stage in a subshell with errexit on (a failing step inside a
# shell function stops it), time it, and on failure stop everything with a message naming it.
stage() {
    local name=$1
    shift
    if [[ ${#only[@]} -gt 0 && " ${only[*]} " != *" $name "* ]]; then
        return 0
    fi
    echo
    echo "[test] ════ $name ════"
    local t0=$EPOCHREALTIME rc
    set +e
    (
        set -euo pipefail
        "$@"
    )
    rc=$?
    set -e
    local took
    took=$(seconds "$(ms_since "$t0")")
    if [[ $rc -ne 0 ]]; then
        summary
        echo "[test]   FAIL  $name (exit $rc, after $took)"
        echo
        echo "[test] FAILED at stage '$name'. Fix it, then rerun scripts/test.sh." >&2
        exit "$rc"
    fi
    passed+=("$(printf '%-14s %s' "$name" "$took")")
}

# ── stages that are more than one command ──────────────────────────────────────────────────

# The determinism check's native half: the CLI hashes every event of 10 virtual minutes of the
# smoke scenario; the browser test computes the same hash in wasm and must agree. The value
# reaches the wasm test at compile time (MQLAB_EXPECTED_HASH), since a wasm test cannot read
# files.
expected_hash() {
    local out hash
    out=$(cargo run --quiet -p mqlab-cli --release -- hash scenarios/smoke.json --for 10m)
    hash=$(printf '%s\n' "$out" | tail -n 1 | awk '{ print $NF }')
    if [[ ! "$hash" =~ ^(0x)?[0-9a-fA-F]+$ ]]; then
        echo "the CLI printed no hash (last line: '$(printf '%s\n' "$out" | tail -n 1)')" >&2
        return 1
    fi
    mkdir -p target
    echo "$hash" >target/expected_hash.txt
    echo "native events hash of scenarios/smoke.json over 10 minutes: $hash"
}

# gzip -9 of `dir`'s wasm and JS, printed per file; the total in $gz_total.
gz_total=0
gz_sizes() {
    local dir=$1 files f size
    shopt -s nullglob
    files=("$dir"/*.wasm "$dir"/*.js)
    gz_total=0
    [[ ${#files[@]} -gt 0 ]] || {
        echo "$dir/ has no .wasm or .js: did trunk build run?" >&2
        return 1
    }
    for f in "${files[@]}"; do
        size=$(gzip -9 -c "$f" | wc -c)
        gz_total=$((gz_total + size))
        printf '  %-40s %8d bytes raw %8d bytes gzip -9\n' "${f#dist/}" "$(wc -c <"$f")" "$size"
    done
}

bundle_size() {
    local total
    gz_sizes dist || return 1
    total=$gz_total
    printf '  total gzipped wasm + JS: %d KB (ceiling %d KB; the design asked for %d KB: %+d KB)\n' \
        $((total / 1024)) $((bundle_gzip_max_bytes / 1024)) $((bundle_design_bytes / 1024)) \
        $(((total - bundle_design_bytes) / 1024))
    [[ $total -le $bundle_gzip_max_bytes ]] || {
        echo "the bundle is over the size budget" >&2
        return 1
    }
    echo "the full page (full/, downloaded when a lesson, link or file needs it):"
    gz_sizes dist/full || return 1
    printf '  total gzipped wasm + JS: %d KB (ceiling %d KB; %+d KB over the first download)\n' \
        $((gz_total / 1024)) $((full_page_gzip_max_bytes / 1024)) $(((gz_total - total) / 1024))
    [[ $gz_total -le $full_page_gzip_max_bytes ]] || {
        echo "the full page is over its size budget" >&2
        return 1
    }
}

# The full page first (into target/full-dist): Trunk's post_build hook copies it into dist/full/
# when the first download is built.
trunk_build() {
    scripts/build-full-page.sh --release &&
        env PATH="$root/scripts/trunk-cargo:$PATH" trunk build --release
}

# The workspace's tests, then appcore's again as the full page builds it (its lessons of the
# services only the full page links run there).
test_native() {
    cargo test && cargo test -p mqlab-appcore --features full
}

browser_tests() {
    local hash
    hash=$(cat target/expected_hash.txt)
    MQLAB_EXPECTED_HASH=$hash cargo test -p mqlab --target wasm32-unknown-unknown
    # The full page's build (full/): every pinned scenario, including those only it runs.
    MQLAB_EXPECTED_HASH=$hash cargo test -p mqlab --target wasm32-unknown-unknown --features full --test determinism
}

e2e() {
    local log=target/e2e-server.log url="" pid attempt
    mkdir -p target
    node e2e/static-server.mjs dist 0 >"$log" 2>&1 &
    pid=$!
    # Stop the server however this stage ends.
    # shellcheck disable=SC2064 # expand $pid now: it is local to this function
    trap "kill $pid 2>/dev/null; wait $pid 2>/dev/null || true" EXIT
    for ((attempt = 0; attempt < 100; attempt++)); do
        url=$(sed -n 's/^listening //p' "$log")
        [[ -n "$url" ]] && break
        kill -0 "$pid" 2>/dev/null || {
            cat "$log" >&2
            return 1
        }
        sleep 0.05
    done
    [[ -n "$url" ]] || {
        echo "the static server did not start" >&2
        return 1
    }
    echo "serving dist/ at $url"
    MQLAB_BASE_URL=$url node --test --test-reporter=spec e2e/
    echo "screenshot: e2e/screenshots/smoke.png"
}

fuzz() {
    if [[ ! -d fuzz ]]; then
        echo "no fuzz/ directory yet: skipping the fuzz run"
        return 0
    fi
    # New inputs go to target/ (ignored), so a test run leaves the tree clean; the committed
    # corpus, if any, seeds the run.
    local corpus=("$root/target/fuzz-corpus/api_script")
    mkdir -p "${corpus[0]}"
    if [[ -d fuzz/corpus/api_script ]]; then
        corpus+=("$root/fuzz/corpus/api_script")
    fi
    cargo +nightly fuzz run api_script "${corpus[@]}" -- -max_total_time="$fuzz_seconds"
}

# ── the run ────────────────────────────────────────────────────────────────────────────────

stage "fmt" cargo fmt --all -- --check
stage "clippy" cargo clippy --workspace --all-targets -- -D warnings
# --no-deps: the engine is linted by the native stage above; this one is about the app on wasm32.
stage "clippy-wasm" cargo clippy -p mqlab --no-deps --target wasm32-unknown-unknown --all-targets -- -D warnings
stage "test" test_native
stage "expected-hash" expected_hash
# Trunk's cargo goes through scripts/trunk-cargo/cargo, which selects the app package (see there).
stage "trunk-build" trunk_build
stage "bundle-size" bundle_size
stage "browser-tests" browser_tests
stage "e2e" e2e
stage "fuzz" fuzz

summary
echo "[test] all ${#passed[@]} stages run passed in $(seconds "$(ms_since "$t_start")")"
