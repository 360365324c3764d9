//! What the lesson-number tests (`course_scaling.rs`, `course_beyond.rs`, `course_mq.rs`)
//! share: a lesson read from `lessons/`, and the run one of its steps sets up.
#![allow(dead_code)]

use mqlab_appcore::course::{lab_at_step, parse_lesson, setup_lab, Lesson};
use mqlab_appcore::lab::Lab;
use std::path::Path;

pub fn lesson(id: &str) -> Lesson {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../lessons/{id}.json"));
    let text = std::fs::read_to_string(path).unwrap();
    parse_lesson(&format!("lessons/{id}.json"), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// The run step `k` sets up, at its start (not played).
pub fn fresh(l: &Lesson, k: usize) -> Lab {
    setup_lab(l.steps[k].setup.as_ref().unwrap()).unwrap_or_else(|(m, e)| panic!("{m}: {e}"))
}

/// The run as the learner has it at step `k` (every step before it played).
pub fn at_step(l: &Lesson, k: usize) -> Lab {
    lab_at_step(l, k).unwrap_or_else(|(m, e)| panic!("{}: {m}: {e}", l.id))
}
