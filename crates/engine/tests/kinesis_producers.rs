//! Producers writing to a stream resend the records it throttles, with a backoff, a bounded
//! number of times.

use mqlab_engine::actors::PUT_ATTEMPTS_MAX;
use mqlab_engine::{EventKind, Scenario, World};

fn world(rate: u32, until_ms: u64) -> (World, Vec<mqlab_engine::Event>) {
    let json = format!(
        r#"{{"streams": [{{"StreamName": "s", "ShardCount": 1}}],
            "producers": [{{"name": "p", "stream": "s", "rate_per_s": {rate}, "batch_size": 10,
                            "partition_keys": ["a", "b", "c"], "stop_s": 2}}]}}"#
    );
    let mut w = World::from_scenario(&Scenario::from_json(&json).unwrap()).unwrap();
    w.advance_to(until_ms);
    let ev = w.drain_events();
    (w, ev)
}

#[test]
fn records_a_stream_throttles_are_sent_again_after_a_backoff() {
    // 1,500 records a second for 2 s into one shard (1,000 a second): about a third throttled.
    let (w, events) = world(1_500, 10_000);
    let p = &w.actors().producers[0];
    assert!(p.retried > 500, "{}", p.retried);
    // Resends come later than the first try, once the shard's second has rolled over: more
    // records got in than two seconds of new writes alone would allow.
    let put = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RecordPut { .. }))
        .count();
    assert!(put > 2_000, "{put}");
    let last_put = events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::RecordPut { .. }))
        .map(|e| e.t)
        .max()
        .unwrap();
    assert!(
        last_put >= 2_000,
        "resends land after the producer stopped: {last_put}"
    );
}

#[test]
fn a_producer_under_its_shards_capacity_resends_nothing() {
    let (w, _) = world(500, 5_000);
    assert_eq!(w.actors().producers[0].retried, 0);
    assert_eq!(PUT_ATTEMPTS_MAX, 3);
}
