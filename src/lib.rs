//! # mqlab (the web app)
//!
//! A view over `mqlab-engine`: no simulation rules live here.
//!
//! ## Layout
//!
//! - [`sim`] — `Sim`: one engine `World` plus what the page keeps about the run (the running
//!   events hash, the virtual-time target a frame advances to).
//! - [`view_model`] — the pure function from engine state to what the page shows; testable
//!   natively, rendered by the components.
//! - [`state`] — the app's reducer: play, pause, and one `Frame` action per animation frame.
//! - [`frame_loop`] — a `requestAnimationFrame` loop held as a handle: dropping it stops it.
//! - [`components`] — small function components with props and callbacks.
//!
//! ## The run loop
//!
//! While playing, the frame loop dispatches `Action::Frame { real_elapsed_ms }` on every
//! animation frame; the reducer advances the world by `speed × elapsed` of virtual time, drains
//! and hashes its events, and folds the world into a fresh `ViewModel`, which the components
//! render. Pausing drops the frame loop, so a paused page does no work.

pub mod components;
pub mod frame_loop;
pub mod sim;
pub mod state;
pub mod view_model;

pub use components::app::App;

/// The built-in scenario: one producer, a queue "orders", two long-polling consumers.
pub const SMOKE_SCENARIO: &str = include_str!("../scenarios/smoke.json");
