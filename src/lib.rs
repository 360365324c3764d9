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
pub mod lab;
pub mod sim;
pub mod state;

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
