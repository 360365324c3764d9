//! What one snapshot (`World::clone()`) of a busy world costs: wall time and bytes allocated,
//! after 10 virtual minutes of a Kinesis preset and of a busy SQS scenario. The web page keeps
//! up to 24 such snapshots for seeking back, so this is the number the memory budget is about.
//!
//! ```sh
//! cargo run --release -p mqlab-engine --example clone_cost -- [virtual-minutes] [all]
//! ```

use mqlab_engine::{Scenario, World};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts bytes allocated, so a clone's cost is measured rather than guessed.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size.saturating_sub(layout.size()), Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A queue that fills faster than it drains: most of its messages only wait.
const BUSY_SQS: &str = r#"{
  "name": "busy-sqs",
  "seed": 3,
  "queues": [{"QueueName": "orders"}],
  "producers": [{"name": "web", "queue": "orders", "rate_per_s": 200}],
  "consumers": [{"name": "worker", "queue": "orders", "count": 2, "wait_time_s": 20}]
}"#;

fn measure(name: &str, json: &str, minutes: u64) {
    let scenario = Scenario::from_json(json).expect("scenario parses");
    let mut world = World::from_scenario(&scenario).expect("scenario builds");
    let mut snapshots = Vec::new();
    // Snapshots a minute apart, as the page takes them, so "what one more costs" is measured
    // against a world that already has some.
    for m in 1..=minutes {
        world.advance_to(m * 60_000);
        world.drain_events();
        snapshots.push(world.clone());
    }
    // The fastest of a few clones: the first may pay for page faults of a fresh heap.
    let (mut took, mut bytes) = (std::time::Duration::MAX, 0);
    for _ in 0..5 {
        let before = ALLOCATED.load(Ordering::Relaxed);
        let t0 = Instant::now();
        let copy = world.clone();
        took = took.min(t0.elapsed());
        bytes = ALLOCATED.load(Ordering::Relaxed) - before;
        drop(copy);
    }
    println!(
        "{name}: after {minutes} virtual min, world.clone() took {:.3} ms and allocated {:.2} MiB",
        took.as_secs_f64() * 1e3,
        bytes as f64 / (1 << 20) as f64
    );
    print_estimate(&world);
}

fn mib(b: u64) -> String {
    format!("{:.2} MiB", b as f64 / (1 << 20) as f64)
}

/// The engine's own estimates, to set beside the measured clone.
fn print_estimate(world: &World) {
    let t0 = Instant::now();
    let held = world.memory_estimate();
    let snap = world.snapshot_cost_estimate();
    let took = t0.elapsed();
    println!(
        "  estimated: holds {} (messages {}, records {}, payloads {}, events {}, metrics {}, \
         timers {}, other {}); one more snapshot {} (estimates took {:.3} ms)",
        mib(held.total()),
        mib(held.messages),
        mib(held.records),
        mib(held.payloads),
        mib(held.events_pending),
        mib(held.metrics),
        mib(held.timers),
        mib(held.other),
        mib(snap.total()),
        took.as_secs_f64() * 1e3
    );
}

fn main() {
    let minutes = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/presets/");
    // `all` as a second argument: every preset, to see which one a snapshot costs most.
    let mut presets = vec![
        "kinesis-efo-vs-shared".to_string(),
        "kinesis-provisioned".into(),
    ];
    if std::env::args().nth(2).as_deref() == Some("all") {
        let mut names: Vec<String> = std::fs::read_dir(root)
            .expect("presets")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
            .collect();
        names.sort();
        presets = names;
    }
    for preset in &presets {
        let json = std::fs::read_to_string(format!("{root}{preset}.json")).expect("preset");
        measure(preset, &json, minutes);
    }
    measure("busy-sqs", BUSY_SQS, minutes);
}
