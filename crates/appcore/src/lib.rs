//! # mqlab-appcore
//!
//! Everything the web app decides that does not need a browser, so that it is tested natively
//! (the Yew components in `src/` only render this and forward user input):
//!
//! - [`view`] — folds the engine's events into the view model the canvas and panels draw.
//! - [`sns_view`] — topics, subscriptions and message copies, folded from SNS events.
//! - [`presets`] — the preset scenarios with their explanations.
//! - [`i18n`] — every UI string in English and Korean.
//! - [`share`] — the URL fragment (scenario, seed, time), import/export and autosave codec.
//! - [`edits`] — the changes made while a run goes on, on its timeline.
//! - [`json_path`] — names the member of a JSON text an error is about.
//! - [`cli`] — the AWS CLI command equivalent to an API call, for the call log.
//! - [`params`] — the editable parameters with AWS's names and ranges.
//! - [`labels`] — where the diagram's texts go so that none is drawn over another.
//! - [`sim`] — one run as the page drives it: the world, advanced in steps, its events hashed.
//! - [`course`] — lessons as data (`lessons/*.json`): their format, validation, the run at
//!   each step, and checkpoints — declarative predicates evaluated against the run.
//! - [`lab`] — the driver of a run: view model, edits on a timeline, snapshots for seeking
//!   back, and the memory budget that keeps a run from exhausting the tab.

pub mod axis;
pub mod cli;
pub mod course;
pub mod edits;
pub mod i18n;
pub mod json_path;
pub mod kinesis_view;
pub mod lab;
pub mod labels;
pub mod numbers;
pub mod palette;
pub mod params;
pub mod presets;
pub mod services_view;
pub mod share;
pub mod sim;
pub mod sns_view;
pub mod view;
