//! Lambda declared in a scenario (`functions`, `event_source_mappings`, with CreateFunction's
//! and CreateEventSourceMapping's members): built with the world, polling its queue, scaling
//! its concurrent batches on a spike, and validated as the calls are (aws-rules §2.1).

use mqlab_engine::{Scenario, World};
use serde_json::{json, Value};

const SCENARIO: &str = include_str!("../../../scenarios/lambda-consumer.json");

fn scenario_with(edit: impl FnOnce(&mut Value)) -> Scenario {
    let mut v: Value = serde_json::from_str(SCENARIO).unwrap();
    edit(&mut v);
    Scenario::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn queue_len(w: &World, name: &str) -> usize {
    w.sqs().queues().find(|q| q.name == name).unwrap().len()
}

#[test]
fn a_scenario_mapping_scales_its_batches_on_a_spike_up_to_its_maximum_concurrency() {
    let mut w = World::from_scenario(&scenario_with(|_| {})).unwrap();
    w.advance_to(29_000);
    let f = w.lambda().function("process-order").unwrap();
    // 10 orders a second: the first 5 batches keep up.
    assert!(
        f.totals.peak_concurrency <= 5,
        "{}",
        f.totals.peak_concurrency
    );
    w.advance_to(5 * 60_000);
    let f = w.lambda().function("process-order").unwrap();
    assert_eq!(
        f.totals.peak_concurrency, 50,
        "capped by ScalingConfig.MaximumConcurrency"
    );
    // The spike of 3,000 is drained (what is left is the last seconds' traffic in flight).
    assert!(queue_len(&w, "orders") < 100, "{}", queue_len(&w, "orders"));
    assert!(
        f.totals.messages_processed > 5_000,
        "{}",
        f.totals.messages_processed
    );
}

#[test]
fn a_scenario_mappings_poison_messages_reach_the_dlq_and_only_they_return() {
    let mut w = World::from_scenario(&scenario_with(|_| {})).unwrap();
    w.advance_to(5 * 60_000);
    let f = w.lambda().function("process-order").unwrap();
    // ReportBatchItemFailures: only the poison messages went back, 3 receives each.
    assert_eq!(f.totals.errors, 0);
    let dlq = queue_len(&w, "orders-dlq");
    assert!(dlq >= 8, "poison messages in the DLQ: {dlq}");
    assert!(
        f.totals.messages_failed <= 3 * (dlq as u64 + 2),
        "{}",
        f.totals.messages_failed
    );
}

#[test]
fn a_scenario_lambda_is_validated_as_its_calls_are_and_names_its_place() {
    let bad = scenario_with(|v| v["event_source_mappings"][0]["FunctionName"] = json!("nope"));
    let e = World::from_scenario(&bad).expect_err("unknown function");
    assert_eq!(e.field, "event_source_mappings[0]");
    assert!(
        e.message.contains("ResourceNotFoundException"),
        "{}",
        e.message
    );

    // The queue's visibility timeout (30 s) is shorter than the function's timeout.
    let bad = scenario_with(|v| v["functions"][0]["Timeout"] = json!(60));
    let e = World::from_scenario(&bad).expect_err("visibility shorter than timeout");
    assert_eq!(e.field, "event_source_mappings[0]");
    assert!(
        e.message.contains("Queue visibility timeout"),
        "{}",
        e.message
    );

    let bad = scenario_with(|v| v["functions"][0]["MemorySize"] = json!("big"));
    let e = World::from_scenario(&bad).expect_err("wrong type");
    assert_eq!(e.field, "functions[0]");

    let mut v: Value = serde_json::from_str(SCENARIO).unwrap();
    v["functions"] = json!([3]);
    let e = Scenario::from_json(&v.to_string()).expect_err("not an object");
    assert_eq!(e.field, "functions[0]");
}
