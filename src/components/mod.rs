//! Small function components: props in, callbacks out, no simulation state of their own.

pub mod app;
pub mod controls;
pub mod queue_table;
pub mod run_stats;
