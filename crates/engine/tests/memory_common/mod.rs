//! Scenarios shared by the memory tests (`memory_estimate.rs`, `snapshot_sharing.rs`).

use std::path::Path;

/// A queue filled faster than it drains: most messages only wait.
pub const BUSY_SQS: &str = r#"{
  "seed": 3,
  "queues": [{"QueueName": "orders"}],
  "producers": [{"name": "web", "queue": "orders", "rate_per_s": 200}],
  "consumers": [{"name": "worker", "queue": "orders", "count": 2, "wait_time_s": 20}]
}"#;

/// The JSON of a preset in `scenarios/presets/`.
pub fn preset(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../scenarios/presets")
        .join(format!("{name}.json"));
    std::fs::read_to_string(path).unwrap()
}
