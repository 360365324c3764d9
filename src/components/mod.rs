//! Small function components: props in, callbacks out, no simulation state of their own.
//! They read the run through `Rc<RefCell<Lab>>` while rendering and change it only by
//! dispatching actions to the reducer.

pub mod app;
pub mod banner;
pub mod charts;
pub mod diagram;
pub mod header;
pub mod help;
pub mod inspector;
pub mod kinesis_inspector;
pub mod learn;
pub mod log;
pub mod params;
pub mod presets;
pub mod queue_table;
pub mod run_stats;
pub mod run_view;
pub mod services;
pub mod sns_inspector;
pub mod toolbar;

use crate::lab::Lab;
use std::cell::RefCell;
use std::rc::Rc;

/// Props hold runs by `Rc`: the same run is equal to itself, whatever it holds now (the
/// `frame` and `panels` counters tell components when to look again).
pub fn same_lab(a: &Rc<RefCell<Lab>>, b: &Rc<RefCell<Lab>>) -> bool {
    Rc::ptr_eq(a, b)
}
