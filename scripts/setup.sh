#!/usr/bin/env bash
# Install (once) the tools mqlab needs, each pinned to the version that is known to work here
# (see the versions table in the design notes), and put them on PATH.
#
#   source scripts/setup.sh serve   # what scripts/serve.sh does: build tools only
#   source scripts/setup.sh test    # what scripts/test.sh does: + Chromium, chromedriver, cargo-fuzz
#   bash scripts/setup.sh test      # install only (PATH changes are lost when it returns)
#
# Every step first checks the exact version already present, so a repeat run takes well under a
# second and never touches the network. Only package registries are reachable from the machines
# this runs on (crates.io, npm, Debian), so nothing is downloaded from GitHub: Trunk is told to
# stay offline (Trunk.toml) and finds every helper on PATH.

mqlab_setup() {
    local mode=${1:-serve}
    case "$mode" in
        serve | test) ;;
        *)
            echo "[setup] usage: scripts/setup.sh serve|test (got '$mode')" >&2
            return 2
            ;;
    esac

    local root
    root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
    local t0=$EPOCHREALTIME
    local done_steps=()

    # Pins. wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock (read below).
    local trunk_version=0.21.14
    local binaryen_version=132
    local cargo_fuzz_version=0.13.2

    # Tools land in ~/.cargo/bin; node_modules/.bin first so Trunk finds binaryen 132's wasm-opt
    # (never Debian's binaryen 108, which cannot read the wasm current rustc emits).
    export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
    # Trunk's update check cannot reach its server from here.
    export TRUNK_SKIP_VERSION_CHECK=true
    # No prompts, ever (CI has no stdin).
    export DEBIAN_FRONTEND=noninteractive

    _setup_fail() {
        echo "[setup] ERROR: $*" >&2
        return 1
    }

    # 0. Rust itself is a prerequisite (rustup), as are node and npm.
    command -v cargo >/dev/null || { _setup_fail "cargo not found: install Rust with rustup (https://rustup.rs)"; return 1; }
    # The real cargo, for the shim Trunk runs (scripts/trunk-cargo/cargo: see why there).
    MQLAB_REAL_CARGO=$(command -v cargo)
    export MQLAB_REAL_CARGO
    command -v rustup >/dev/null || { _setup_fail "rustup not found: the wasm32 target is added with rustup"; return 1; }
    command -v npm >/dev/null || { _setup_fail "npm not found: install Node.js 20 + npm (apt-get install nodejs npm)"; return 1; }

    # 1. The wasm32 target of the default toolchain.
    local sysroot
    sysroot=$(rustc --print sysroot)
    if [[ ! -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]]; then
        echo "[setup] adding Rust target wasm32-unknown-unknown (seconds, once)..."
        rustup target add wasm32-unknown-unknown || { _setup_fail "rustup target add wasm32-unknown-unknown failed"; return 1; }
    fi
    done_steps+=("wasm32")

    # 2. Trunk, the build tool and dev server. 0.22 needs a newer rustc than 1.95.
    if [[ "$(trunk --version 2>/dev/null)" != "trunk $trunk_version" ]]; then
        echo "[setup] installing trunk $trunk_version (about 10 minutes, once)..."
        cargo install --locked "trunk@$trunk_version" || { _setup_fail "cargo install trunk@$trunk_version failed"; return 1; }
    fi
    done_steps+=("trunk $trunk_version")

    # 3. wasm-bindgen-cli (also provides wasm-bindgen-test-runner) at exactly the wasm-bindgen
    #    version in Cargo.lock: Trunk uses a wasm-bindgen on PATH only when it matches, otherwise it
    #    tries to download one and fails.
    if [[ ! -f "$root/Cargo.lock" ]]; then
        echo "[setup] no Cargo.lock yet: resolving dependencies once..."
        (cd "$root" && cargo generate-lockfile) || { _setup_fail "cargo generate-lockfile failed"; return 1; }
    fi
    local wbg_version
    wbg_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' "$root/Cargo.lock")
    [[ -n "$wbg_version" ]] || { _setup_fail "no wasm-bindgen package in Cargo.lock"; return 1; }
    local trunk_wbg
    trunk_wbg=$(sed -n 's/^wasm_bindgen *= *"\(.*\)".*/\1/p' "$root/Trunk.toml")
    if [[ "$trunk_wbg" != "$wbg_version" ]]; then
        _setup_fail "Trunk.toml pins wasm_bindgen = \"$trunk_wbg\" but Cargo.lock has wasm-bindgen $wbg_version: make them equal"
        return 1
    fi
    if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg_version" ||
        "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $wbg_version" ]]; then
        echo "[setup] installing wasm-bindgen-cli $wbg_version to match Cargo.lock (about 3 minutes, once)..."
        # Not --locked: its own lockfile names a crate version the registry lacks.
        cargo install --force "wasm-bindgen-cli@$wbg_version" || { _setup_fail "cargo install wasm-bindgen-cli@$wbg_version failed"; return 1; }
    fi
    done_steps+=("wasm-bindgen $wbg_version")

    # 3b. Every crate the build needs, now: Trunk runs cargo with --offline (Trunk.toml). A copy
    #     of Cargo.lock in target/ records what was fetched last.
    if ! cmp -s "$root/Cargo.lock" "$root/target/.mqlab-fetched-lock" 2>/dev/null; then
        echo "[setup] fetching crates for Cargo.lock (seconds when cached)..."
        (cd "$root" && cargo fetch --quiet) || { _setup_fail "cargo fetch failed"; return 1; }
        mkdir -p "$root/target" && cp "$root/Cargo.lock" "$root/target/.mqlab-fetched-lock"
    fi
    done_steps+=("crates")

    # 4. npm tools (binaryen's wasm-opt, playwright-core), exactly as package-lock.json says.
    #    A copy of the lockfile inside node_modules records what was installed last.
    if ! cmp -s "$root/package-lock.json" "$root/node_modules/.mqlab-installed-lock.json" 2>/dev/null; then
        echo "[setup] installing npm packages from package-lock.json (binaryen $binaryen_version, playwright-core; seconds)..."
        (cd "$root" && npm ci --no-audit --no-fund --loglevel=error) || { _setup_fail "npm ci failed"; return 1; }
        cp "$root/package-lock.json" "$root/node_modules/.mqlab-installed-lock.json"
    fi
    # (Asking wasm-opt its version takes half a second: binaryen's npm build runs on node.)
    if [[ "$(command -v wasm-opt)" != "$root/node_modules/.bin/wasm-opt" ]] ||
        ! grep -q "\"version\": \"$binaryen_version\." "$root/node_modules/binaryen/package.json"; then
        _setup_fail "wasm-opt on PATH is '$(command -v wasm-opt)', want binaryen $binaryen_version from node_modules; delete node_modules and rerun"
        return 1
    fi
    done_steps+=("wasm-opt $binaryen_version")

    if [[ "$mode" == test ]]; then
        # 5. Chromium and its driver from Debian (the browser tests and the end-to-end tests), and
        #    a Korean font so the Korean screenshots show Hangul rather than empty boxes.
        if ! dpkg-query -W -f='${Status}\n' chromium chromium-driver fonts-nanum 2>/dev/null | grep -c '^install ok installed$' | grep -qx 3; then
            echo "[setup] installing Debian chromium + chromium-driver + fonts-nanum (about 30 seconds, once)..."
            local sudo=()
            [[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
            "${sudo[@]}" apt-get update -qq || { _setup_fail "apt-get update failed"; return 1; }
            "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-nanum ||
                { _setup_fail "apt-get install chromium chromium-driver failed"; return 1; }
        fi
        local chromium_major driver_major
        chromium_major=$(dpkg-query -W -f='${Version}' chromium | cut -d. -f1)
        driver_major=$(dpkg-query -W -f='${Version}' chromium-driver | cut -d. -f1)
        if [[ "$chromium_major" != "$driver_major" ]]; then
            _setup_fail "chromium $chromium_major and chromium-driver $driver_major differ: apt-get install chromium chromium-driver"
            return 1
        fi
        done_steps+=("chromium $chromium_major")

        # 6. The nightly toolchain and cargo-fuzz (a short fuzz run of the engine's API).
        if ! compgen -G "${RUSTUP_HOME:-$HOME/.rustup}/toolchains/nightly-*" >/dev/null; then
            echo "[setup] installing the nightly Rust toolchain for cargo-fuzz (about a minute, once)..."
            rustup toolchain install nightly --profile minimal || { _setup_fail "rustup toolchain install nightly failed"; return 1; }
        fi
        if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]]; then
            echo "[setup] installing cargo-fuzz $cargo_fuzz_version (about 2 minutes, once)..."
            cargo install --locked --force "cargo-fuzz@$cargo_fuzz_version" || { _setup_fail "cargo install cargo-fuzz@$cargo_fuzz_version failed"; return 1; }
        fi
        done_steps+=("nightly + cargo-fuzz $cargo_fuzz_version")
    fi

    local t1=$EPOCHREALTIME elapsed_ms
    elapsed_ms=$(((${t1/[.,]/} - ${t0/[.,]/}) / 1000))
    local IFS=,
    printf '[setup] ready for %s in %d.%03ds: %s\n' "$mode" $((elapsed_ms / 1000)) $((elapsed_ms % 1000)) "${done_steps[*]}"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    # Run as a program: install, report, exit with its status.
    set -uo pipefail
    mqlab_setup "$@"
    exit $?
else
    # Sourced: install and keep the PATH it exported.
    mqlab_setup "$@"
fi
