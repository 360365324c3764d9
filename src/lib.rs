//! # mqlab (the web app)
//!
//! A view over `mqlab-engine`: no simulation rules live here. What the page shows is folded
//! from the engine's events by `mqlab_appcore::view` (tested natively); this crate drives the
//! engine in time, draws, and forwards user input.
//!
//! ## Layout
//!
//! - [`sim`] — `Sim`: one engine `World` and the running events hash (the CLI's fingerprint).
//! - [`lab`] — `Lab`: a run as the page drives it — the sim, its view model, the user's edits
//!   on a timeline, snapshots for seeking back.
//! - [`state`] — the app's reducer: play, pause, step, speed, seek, presets, edits, compare.
//! - [`frame_loop`] — a `requestAnimationFrame` loop held as a handle: dropping it stops it.
//! - [`canvas`] — the diagram and the charts, drawn on `<canvas>` from the view model.
//! - [`components`] — small function components with props and callbacks.
//! - [`browser`], [`format`] — storage, URL, files, media queries; how numbers print.
//!
//! ## The run loop
//!
//! While playing, the frame loop dispatches `Action::Frame { real_ms }` on every animation
//! frame; the reducer advances each run by `speed × elapsed` of virtual time (stopping at the
//! chart-sample grid, recorded edits and snapshot instants on the way), folds the drained
//! events into the view model, and bumps the frame counter: the canvas redraws every frame,
//! the DOM panels at most ten times a second. Pausing drops the frame loop, so a paused page
//! does no work.

pub mod browser;
pub mod canvas;
pub mod components;
pub mod format;
pub mod frame_loop;
pub mod state;

// The run's driver and its world live in appcore (no browser needed: tested natively).
pub use mqlab_appcore::{lab, sim};

pub use components::app::App;

/// A small scenario: one producer, a queue "orders", two long-polling consumers. The
/// determinism test hashes it natively (the CLI) and in wasm.
pub const SMOKE_SCENARIO: &str = include_str!("../scenarios/smoke.json");

/// Panics on purpose, so the end-to-end test can prove that a panic leaves a banner with a
/// way back rather than a dead page. Nothing on the page calls it; a test does, through
/// `window.wasmBindings.mqlab_selftest_panic()`.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mqlab_selftest_panic() {
    panic!("self-test panic (mqlab_selftest_panic)");
}

/// Stops the program the way running out of memory does: a WebAssembly trap that no panic
/// hook sees (an allocation failure aborts without panicking). The page's own script
/// (index.html) must still show the banner at once. Nothing on the page calls it; a test does.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mqlab_selftest_abort() {
    std::process::abort();
}

/// The size of the program's WebAssembly memory, bytes: what the run really holds (the engine,
/// the view, the snapshots), as the browser counts it against its 4 GiB limit. Read by the
/// memory test and benchmark (`window.wasmBindings.mqlab_memory_bytes()`); the page's own
/// guard is the engine's estimate (`Lab`'s memory budget).
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mqlab_memory_bytes() -> f64 {
    browser::wasm_memory_bytes()
}
