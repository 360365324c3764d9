//! `mqlab bench`: engine throughput against a bare in-memory baseline in the same process.
//!
//! Two measurements, reported and never asserted (machines are shared and noisy):
//! 1. SQS send → receive → delete cycles per second through the engine's typed operations,
//!    next to a bare baseline (a `VecDeque` of messages plus an in-flight map keyed by
//!    receipt handle, doing the minimum work), run in the same process, and their ratio.
//! 2. The wall time to fast-forward 14 virtual days of a queue fed at 10 messages/s and
//!    drained by 3 long-polling consumers.

use mqlab_engine::sqs::api::{DeleteMessageInput, ReceiveMessageInput, SendMessageInput};
use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::world::Caller;
use mqlab_engine::{Scenario, World, WorldConfig};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{HashMap, VecDeque};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counting allocations (and reallocations): the `mqlab` binary installs
/// it so that the benchmark can report allocations per cycle and per message. Where it is not
/// installed (tests), the count stays 0 and the report says so.
pub struct CountingAlloc;

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// A load and a store, not an atomic add: the benchmark runs on one thread, and a locked add
/// on every allocation would slow what it measures. Counts from other threads may be lost.
#[inline]
fn count() {
    ALLOCATIONS.store(ALLOCATIONS.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Allocations per unit over a run, or `None` where the counting allocator is not installed.
fn per(allocs: u64, units: u64) -> Option<f64> {
    (allocs > 0 && units > 0).then(|| allocs as f64 / units as f64)
}

const USAGE: &str = "usage: mqlab bench [--cycles N] [--days D] [--json]";

struct Options {
    cycles: u64,
    days: u64,
    json: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        cycles: 200_000,
        days: 14,
        json: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |name: &str| -> Result<u64, String> {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|&v| v > 0)
                .ok_or_else(|| format!("{name}: expected a positive whole number"))
        };
        match a.as_str() {
            "--cycles" => o.cycles = num("--cycles")?,
            "--days" => o.days = num("--days")?.min(365),
            "--json" => o.json = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    Ok(o)
}

/// Runs the benchmark with the arguments after `bench`; returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return 0;
        }
        Err(e) => {
            eprintln!("mqlab bench: {e}\n{USAGE}");
            return 2;
        }
    };
    // Warm up both sides once so neither pays for first-touch allocation in the timed run.
    engine_cycles(o.cycles / 10, false);
    baseline_cycles(o.cycles / 10);

    let a0 = allocations();
    let engine = engine_cycles(o.cycles, false);
    let engine_allocs = per(allocations() - a0, o.cycles);
    let engine_events = engine_cycles(o.cycles, true);
    let base = baseline_cycles(o.cycles);
    let ratio = base / engine;
    let a0 = allocations();
    let (ff_s, ff_msgs) = fast_forward(o.days);
    let ff_allocs = per(allocations() - a0, ff_msgs);

    if o.json {
        println!(
            "{}",
            serde_json::json!({
                "cycles": o.cycles,
                "engine_cycles_per_s": engine,
                "engine_with_events_cycles_per_s": engine_events,
                "baseline_cycles_per_s": base,
                "baseline_over_engine": ratio,
                "fast_forward_days": o.days,
                "fast_forward_wall_s": ff_s,
                "fast_forward_messages": ff_msgs,
                "engine_allocations_per_cycle": engine_allocs,
                "fast_forward_allocations_per_message": ff_allocs,
            })
        );
    } else {
        println!("SQS send→receive→delete cycles ({} per run)", o.cycles);
        println!("  engine (events off)   {:>12.0} cycles/s", engine);
        println!("  engine (events on)    {:>12.0} cycles/s", engine_events);
        println!("  bare baseline         {:>12.0} cycles/s", base);
        println!(
            "  baseline / engine     {:>12.1}× (target: within 10×, 3× long-term)",
            ratio
        );
        println!(
            "Fast-forward {} days at 10 msg/s with 3 consumers: {:.2} s wall, {} messages",
            o.days, ff_s, ff_msgs
        );
        let show = |a: Option<f64>| a.map_or("not counted".to_string(), |a| format!("{a:.1}"));
        println!(
            "Allocations: {} per engine cycle, {} per fast-forwarded message",
            show(engine_allocs),
            show(ff_allocs)
        );
    }
    0
}

/// Cycles per second through the engine's typed operations, one virtual ms per cycle so that
/// visibility and retention timers run as they would. The two settings run in functions of
/// their own so that a profiler can count one of them alone (e.g. callgrind's
/// `--toggle-collect='*quiet_engine_cycles*'`).
fn engine_cycles(n: u64, events: bool) -> f64 {
    if events {
        recorded_engine_cycles(n)
    } else {
        quiet_engine_cycles(n)
    }
}

/// Events off.
#[inline(never)]
fn quiet_engine_cycles(n: u64) -> f64 {
    cycles(n, false)
}

/// Every event recorded.
#[inline(never)]
fn recorded_engine_cycles(n: u64) -> f64 {
    cycles(n, true)
}

#[inline(always)]
fn cycles(n: u64, events: bool) -> f64 {
    let mut w = World::new(WorldConfig {
        seed: 1,
        sqs: SqsConfig::for_api_scripts(),
    });
    w.set_event_recording(events);
    let url = w
        .call(
            "sqs",
            "CreateQueue",
            &serde_json::json!({"QueueName": "bench"}),
        )
        .to_string();
    let url = w
        .take_completions()
        .pop()
        .and_then(|c| c.result.ok())
        .and_then(|v| v["QueueUrl"].as_str().map(String::from))
        .unwrap_or(url);
    let send = SendMessageInput {
        queue_url: Some(url.clone()),
        message_body: Some("x".repeat(64).into()),
        ..Default::default()
    };
    let recv = ReceiveMessageInput {
        queue_url: Some(url.clone()),
        ..Default::default()
    };
    let start = Instant::now();
    for i in 0..n {
        let handle = w.with_sqs(|sqs, ctx| {
            sqs.send_message(ctx, &send, None).ok();
            sqs.receive_message(ctx, &recv, Caller::External(0), None)
                .and_then(|r| r.ok())
                .and_then(|mut out| out.messages.pop())
                .map(|m| m.receipt_handle)
        });
        if let Some(h) = handle {
            let del = DeleteMessageInput {
                queue_url: Some(url.clone()),
                receipt_handle: Some(h),
            };
            w.with_sqs(|sqs, ctx| sqs.delete_message(ctx, &del, None))
                .ok();
        }
        w.advance_to(i + 1);
        if events && i % 1024 == 0 {
            black_box(w.drain_events());
        }
    }
    black_box(w.drain_events());
    n as f64 / start.elapsed().as_secs_f64()
}

/// The least a queue with visibility must do: a FIFO list of messages and a map of in-flight
/// ones by receipt handle.
fn baseline_cycles(n: u64) -> f64 {
    let mut queue: VecDeque<(u64, String)> = VecDeque::new();
    let mut in_flight: HashMap<u64, (u64, String)> = HashMap::new();
    let mut next_id = 0u64;
    let mut next_handle = 0u64;
    let body = "x".repeat(64);
    let start = Instant::now();
    for _ in 0..n {
        next_id += 1;
        queue.push_back((next_id, body.clone()));
        let handle = queue.pop_front().map(|m| {
            next_handle += 1;
            in_flight.insert(next_handle, m);
            next_handle
        });
        if let Some(h) = handle {
            black_box(in_flight.remove(&h));
        }
    }
    black_box(&queue);
    n as f64 / start.elapsed().as_secs_f64()
}

/// Wall seconds to simulate `days` of a busy queue, and the messages sent.
fn fast_forward(days: u64) -> (f64, u64) {
    let scenario = Scenario::from_json(
        r#"{"name":"fast-forward","seed":1,
            "queues":[{"QueueName":"busy"}],
            "producers":[{"name":"producer","queue":"busy","rate_per_s":10}],
            "consumers":[{"name":"consumer","queue":"busy","count":3,"wait_time_s":20,
                          "max_messages":10,"processing":{"dist":"fixed","ms":50}}]}"#,
    )
    .expect("built-in scenario is valid");
    let mut w = World::from_scenario(&scenario).expect("built-in scenario builds");
    w.set_event_recording(false);
    let end = days * 24 * 3_600_000;
    let start = Instant::now();
    let mut t = 0;
    while t < end {
        t = (t + 3_600_000).min(end);
        w.advance_to(t);
    }
    let sent = w.sqs().queue_summaries().iter().map(|q| q.sent).sum();
    (start.elapsed().as_secs_f64(), sent)
}
