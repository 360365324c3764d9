//! Lambda as an SQS consumer (aws-rules §2.1): functions, event source mappings and their
//! states and validation, the pollers' scaling, batching, FIFO order, failures (whole batch
//! or ReportBatchItemFailures), the DLQ after maxReceiveCount, metrics and billing — all
//! through `World::call` as `mqlab api` makes them.

use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::{AwsError, World, WorldConfig};
use serde_json::{json, Value};

const ACCOUNT: &str = "123456789012";

fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{name}")
}

fn queue_url(name: &str) -> String {
    format!("https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/{name}")
}

fn world() -> World {
    World::new(WorldConfig {
        seed: 7,
        sqs: SqsConfig::for_api_scripts(),
    })
}

fn call(w: &mut World, svc: &str, op: &str, params: Value) -> Result<Value, AwsError> {
    let id = w.call(svc, op, &params);
    let c = w
        .take_completions()
        .into_iter()
        .find(|c| c.call == id)
        .unwrap_or_else(|| panic!("{svc} {op} did not complete at once"));
    w.drain_events();
    c.result
}

fn ok(w: &mut World, svc: &str, op: &str, params: Value) -> Value {
    call(w, svc, op, params.clone()).unwrap_or_else(|e| panic!("{op} {params}: {e}"))
}

fn err(w: &mut World, svc: &str, op: &str, params: Value) -> AwsError {
    match call(w, svc, op, params.clone()) {
        Ok(v) => panic!("{op} {params} succeeded with {v}"),
        Err(e) => e,
    }
}

fn queue(w: &mut World, name: &str, attributes: Value) {
    ok(
        w,
        "sqs",
        "CreateQueue",
        json!({"QueueName": name, "Attributes": attributes}),
    );
}

fn send(w: &mut World, q: &str, bodies: &[String]) {
    for chunk in bodies.chunks(10) {
        let entries: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, b)| json!({"Id": i.to_string(), "MessageBody": b}))
            .collect();
        let out = ok(
            w,
            "sqs",
            "SendMessageBatch",
            json!({"QueueUrl": queue_url(q), "Entries": entries}),
        );
        assert!(
            out.get("Failed")
                .is_none_or(|f| f.as_array().unwrap().is_empty()),
            "{out}"
        );
    }
}

fn bodies(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("m{i}")).collect()
}

fn function(w: &mut World, name: &str, timeout: u32, env: Value) {
    ok(
        w,
        "lambda",
        "CreateFunction",
        json!({
            "FunctionName": name, "Runtime": "python3.12", "Role": format!("arn:aws:iam::{ACCOUNT}:role/r"),
            "Handler": "app.handler", "Code": {"ZipFile": "UEsDBA=="}, "Timeout": timeout,
            "Environment": {"Variables": env},
        }),
    );
}

fn mapping(w: &mut World, params: Value) -> String {
    let out = ok(w, "lambda", "CreateEventSourceMapping", params);
    assert_eq!(out["State"], "Creating");
    out["UUID"].as_str().unwrap().to_string()
}

fn attrs(w: &mut World, q: &str) -> (u64, u64) {
    let a = ok(
        w,
        "sqs",
        "GetQueueAttributes",
        json!({"QueueUrl": queue_url(q), "AttributeNames": ["All"]}),
    );
    let n = |k: &str| a["Attributes"][k].as_str().unwrap().parse::<u64>().unwrap();
    (
        n("ApproximateNumberOfMessages"),
        n("ApproximateNumberOfMessagesNotVisible"),
    )
}

fn the_mapping(w: &World) -> &mqlab_engine::lambda::Mapping {
    w.lambda().mappings().next().unwrap()
}

/// A queue `q` (visibility 360 s) with `n` messages and a function `f` of 60 s per batch.
fn backlog(n: usize, extra: Value) -> World {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "360"}));
    send(&mut w, "q", &bodies(n));
    function(&mut w, "f", 60, json!({"MQLAB_DURATION_MS": "60000"}));
    let mut p = json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f"});
    p.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    mapping(&mut w, p);
    w
}

#[test]
fn starts_with_5_concurrent_batches() {
    let mut w = backlog(200, json!({}));
    w.advance_to(999);
    assert_eq!(the_mapping(&w).in_flight, 0, "Creating: no polling yet");
    w.advance_to(1_000);
    let m = the_mapping(&w);
    assert_eq!((m.in_flight, m.concurrency), (5, 5));
    assert_eq!(attrs(&mut w, "q"), (150, 50));
}

#[test]
fn adds_at_most_300_a_minute() {
    let mut w = backlog(5_000, json!({}));
    w.advance_to(1_000);
    w.advance_to(31_000);
    let half = the_mapping(&w).in_flight;
    assert!((150..=155).contains(&half), "after 30 s: {half}");
    w.advance_to(61_000);
    let m = the_mapping(&w);
    assert_eq!(m.concurrency, 305, "5 + 300 after a minute of backlog");
    assert_eq!(m.in_flight, 305);
}

#[test]
fn capped_by_maximum_concurrency() {
    let mut w = backlog(5_000, json!({"ScalingConfig": {"MaximumConcurrency": 12}}));
    w.advance_to(120_000);
    let m = the_mapping(&w);
    assert_eq!((m.concurrency, m.peak_in_flight), (12, 12));
    let uuid = m.uuid.clone();
    let out = ok(
        &mut w,
        "lambda",
        "GetEventSourceMapping",
        json!({"UUID": uuid.clone()}),
    );
    assert_eq!(out["ScalingConfig"]["MaximumConcurrency"], 12);
    for bad in [1, 1_001] {
        let e = err(
            &mut w,
            "lambda",
            "UpdateEventSourceMapping",
            json!({"UUID": uuid.clone(), "ScalingConfig": {"MaximumConcurrency": bad}}),
        );
        assert_eq!(e.code, "ValidationException", "{bad}");
    }
}

#[test]
fn scales_back_to_5_when_idle() {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "60"}));
    send(&mut w, "q", &bodies(3_000));
    function(&mut w, "f", 10, json!({"MQLAB_DURATION_MS": "10000"}));
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f"}),
    );
    w.advance_to(30_000);
    assert!(the_mapping(&w).concurrency > 100);
    w.advance_to(300_000);
    assert_eq!(attrs(&mut w, "q"), (0, 0));
    assert_eq!(the_mapping(&w).concurrency, 5);
    assert_eq!(
        w.lambda().function("f").unwrap().totals.messages_processed,
        3_000
    );
}

#[test]
fn batch_size_and_window_validation() {
    let mut w = world();
    queue(&mut w, "q", json!({}));
    function(&mut w, "f", 3, json!({}));
    let q = queue_arn("q");
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f", "BatchSize": 100}),
    );
    assert_eq!(e.code, "InvalidParameterValueException");
    assert_eq!(e.message, "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
    for (size, window) in [(0, 0), (10_001, 1)] {
        let e = err(
            &mut w,
            "lambda",
            "CreateEventSourceMapping",
            json!({"EventSourceArn": q, "FunctionName": "f", "BatchSize": size, "MaximumBatchingWindowInSeconds": window}),
        );
        assert_eq!(e.code, "ValidationException", "{size}");
    }
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f", "MaximumBatchingWindowInSeconds": 301}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f", "FunctionResponseTypes": ["Nope"]}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": queue_arn("nope"), "FunctionName": "f"}),
    );
    assert_eq!(e.code, "InvalidParameterValueException");
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "g"}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
    let out = ok(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f", "BatchSize": 10_000, "MaximumBatchingWindowInSeconds": 300}),
    );
    assert_eq!(
        (
            out["BatchSize"].as_u64(),
            out["MaximumBatchingWindowInSeconds"].as_u64()
        ),
        (Some(10_000), Some(300))
    );
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f"}),
    );
    assert_eq!(e.code, "ResourceConflictException");
    // Defaults.
    let mut w = world();
    queue(&mut w, "q", json!({}));
    function(&mut w, "f", 3, json!({}));
    let out = ok(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f"}),
    );
    assert_eq!(out["BatchSize"], 10);
    assert_eq!(out["MaximumBatchingWindowInSeconds"], 0);
    assert_eq!(
        out["FunctionArn"],
        format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f")
    );
}

#[test]
fn a_batching_window_waits_to_fill_the_batch() {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "60"}));
    function(&mut w, "f", 3, json!({}));
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f", "BatchSize": 100, "MaximumBatchingWindowInSeconds": 5}),
    );
    w.advance_to(2_000);
    send(&mut w, "q", &bodies(30));
    // Received at 3 s; the window closes at 8 s.
    w.advance_to(7_999);
    assert_eq!(
        w.lambda().function("f").unwrap().totals.invocations,
        0,
        "the window is still open"
    );
    w.advance_to(8_200);
    let f = w.lambda().function("f").unwrap();
    assert_eq!(
        (f.totals.invocations, f.totals.messages_processed),
        (1, 30),
        "one batch of 30 when the window closed"
    );
    // A full batch goes at once.
    send(&mut w, "q", &bodies(100));
    w.advance_to(9_200);
    let f = w.lambda().function("f").unwrap();
    assert_eq!(
        (f.totals.invocations, f.totals.messages_processed),
        (2, 130)
    );
}

#[test]
fn fifo_batch_size_is_at_most_10_and_has_no_window() {
    let mut w = world();
    queue(
        &mut w,
        "q.fifo",
        json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
    );
    function(&mut w, "f", 3, json!({}));
    let q = queue_arn("q.fifo");
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f", "BatchSize": 11, "MaximumBatchingWindowInSeconds": 1}),
    );
    assert_eq!(e.code, "InvalidParameterValueException");
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f", "MaximumBatchingWindowInSeconds": 1}),
    );
    assert_eq!(e.code, "InvalidParameterValueException");
    ok(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": q, "FunctionName": "f", "BatchSize": 10}),
    );
}

#[test]
fn fifo_messages_are_processed_in_order_one_batch_per_group() {
    let mut w = world();
    queue(
        &mut w,
        "q.fifo",
        json!({"FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "30"}),
    );
    function(&mut w, "f", 3, json!({"MQLAB_DURATION_MS": "500"}));
    let mut sent: [Vec<String>; 2] = [vec![], vec![]];
    for i in 0..40 {
        let g = i % 2;
        let out = ok(
            &mut w,
            "sqs",
            "SendMessage",
            json!({"QueueUrl": queue_url("q.fifo"), "MessageBody": format!("g{g}-{i}"), "MessageGroupId": format!("g{g}")}),
        );
        sent[g].push(out["MessageId"].as_str().unwrap().to_string());
    }
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q.fifo"), "FunctionName": "f", "BatchSize": 5}),
    );
    let mut received: [Vec<String>; 2] = [vec![], vec![]];
    for t in (1..=30).map(|s| s * 1_000) {
        w.advance_to(t);
        for e in w.drain_events() {
            if let mqlab_engine::EventKind::MessageReceived {
                message_id,
                group_id,
                ..
            } = e.kind
            {
                let g = usize::from(group_id.as_deref() == Some("g1"));
                received[g].push(message_id);
            }
        }
    }
    // Two groups: never more than two batches at once, although 5 slots are open.
    assert_eq!(the_mapping(&w).peak_in_flight, 2);
    let f = w.lambda().function("f").unwrap();
    assert_eq!((f.totals.invocations, f.totals.messages_processed), (8, 40));
    // Within each group, messages were received once each, in the order they were sent.
    assert_eq!(received, sent);
    assert_eq!(attrs(&mut w, "q.fifo"), (0, 0));
}

#[test]
fn whole_batch_returns_on_error() {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "30"}));
    function(
        &mut w,
        "f",
        3,
        json!({"MQLAB_FAIL_IF_BODY_CONTAINS": "poison"}),
    );
    let mut b = bodies(9);
    b.push("poison pill".into());
    send(&mut w, "q", &b);
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f"}),
    );
    w.advance_to(2_000);
    let f = w.lambda().function("f").unwrap();
    assert_eq!((f.totals.invocations, f.totals.errors), (1, 1));
    // All ten stay in flight until the visibility timeout ends, then return.
    assert_eq!(attrs(&mut w, "q"), (0, 10));
    w.advance_to(30_999);
    assert_eq!(w.lambda().function("f").unwrap().totals.invocations, 1);
    // Received again at 31 s, failed again when it returned 100 ms later.
    w.advance_to(31_200);
    let f = w.lambda().function("f").unwrap();
    assert_eq!(
        (
            f.totals.invocations,
            f.totals.errors,
            f.totals.messages_processed
        ),
        (2, 2, 0)
    );
}

#[test]
fn report_batch_item_failures_returns_only_failed_items() {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "30"}));
    function(
        &mut w,
        "f",
        3,
        json!({"MQLAB_FAIL_IF_BODY_CONTAINS": "poison"}),
    );
    let mut b = bodies(9);
    b.push("poison pill".into());
    send(&mut w, "q", &b);
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f", "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    );
    w.advance_to(2_000);
    let f = w.lambda().function("f").unwrap();
    assert_eq!(
        (
            f.totals.invocations,
            f.totals.errors,
            f.totals.messages_processed
        ),
        (1, 0, 9)
    );
    assert_eq!(attrs(&mut w, "q"), (0, 1));
    let uuid = the_mapping(&w).uuid.clone();
    let out = ok(
        &mut w,
        "lambda",
        "GetEventSourceMapping",
        json!({"UUID": uuid}),
    );
    assert_eq!(
        out["FunctionResponseTypes"],
        json!(["ReportBatchItemFailures"])
    );
}

#[test]
fn poison_message_reaches_the_dlq_after_max_receive_count() {
    let mut w = world();
    queue(&mut w, "dlq", json!({}));
    let redrive =
        json!({"deadLetterTargetArn": queue_arn("dlq"), "maxReceiveCount": 3}).to_string();
    queue(
        &mut w,
        "q",
        json!({"VisibilityTimeout": "20", "RedrivePolicy": redrive}),
    );
    function(
        &mut w,
        "f",
        3,
        json!({"MQLAB_FAIL_IF_BODY_CONTAINS": "poison"}),
    );
    let mut b = bodies(4);
    b.push("poison pill".into());
    send(&mut w, "q", &b);
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f", "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    );
    // Received at 1 s, 21 s and 41 s; the fourth receive at 61 s moves it instead.
    w.advance_to(60_000);
    assert_eq!(attrs(&mut w, "dlq"), (0, 0));
    assert_eq!(w.lambda().function("f").unwrap().totals.invocations, 3);
    w.advance_to(62_000);
    assert_eq!(attrs(&mut w, "dlq"), (1, 0));
    assert_eq!(attrs(&mut w, "q"), (0, 0));
    let got = ok(
        &mut w,
        "sqs",
        "ReceiveMessage",
        json!({"QueueUrl": queue_url("dlq")}),
    );
    assert_eq!(got["Messages"][0]["Body"], "poison pill");
}

#[test]
fn visibility_timeout_shorter_than_function_timeout_refused() {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "30"}));
    function(&mut w, "slow", 60, json!({}));
    function(&mut w, "fast", 30, json!({}));
    let e = err(
        &mut w,
        "lambda",
        "CreateEventSourceMapping",
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "slow"}),
    );
    assert_eq!(e.code, "InvalidParameterValueException");
    assert_eq!(
        e.message,
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
    );
    // Equal is enough (6× is AWS's recommendation, not a rule).
    let uuid = mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "fast"}),
    );
    w.advance_to(2_000);
    let e = err(
        &mut w,
        "lambda",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid, "FunctionName": "slow"}),
    );
    assert_eq!(
        e.message,
        "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
    );
}

#[test]
fn mapping_states() {
    let mut w = world();
    queue(&mut w, "q", json!({}));
    function(&mut w, "f", 3, json!({}));
    let uuid = mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f"}),
    );
    let get = |w: &mut World| {
        ok(
            w,
            "lambda",
            "GetEventSourceMapping",
            json!({"UUID": uuid.clone()}),
        )["State"]
            .clone()
    };
    assert_eq!(get(&mut w), "Creating");
    let e = err(
        &mut w,
        "lambda",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid.clone(), "BatchSize": 5}),
    );
    assert_eq!(e.code, "ResourceInUseException");
    w.advance_to(1_000);
    assert_eq!(get(&mut w), "Enabled");
    let out = ok(
        &mut w,
        "lambda",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid.clone(), "BatchSize": 5}),
    );
    assert_eq!(
        (out["State"].as_str(), out["BatchSize"].as_u64()),
        (Some("Updating"), Some(5))
    );
    w.advance_to(2_000);
    assert_eq!(get(&mut w), "Enabled");
    let out = ok(
        &mut w,
        "lambda",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid.clone(), "Enabled": false}),
    );
    assert_eq!(out["State"], "Disabling");
    w.advance_to(3_000);
    assert_eq!(get(&mut w), "Disabled");
    // A disabled mapping leaves the queue alone.
    send(&mut w, "q", &bodies(3));
    w.advance_to(10_000);
    assert_eq!(attrs(&mut w, "q"), (3, 0));
    let out = ok(
        &mut w,
        "lambda",
        "UpdateEventSourceMapping",
        json!({"UUID": uuid.clone(), "Enabled": true}),
    );
    assert_eq!(out["State"], "Enabling");
    w.advance_to(11_000);
    assert_eq!(get(&mut w), "Enabled");
    w.advance_to(11_200);
    assert_eq!(attrs(&mut w, "q"), (0, 0));
    let out = ok(
        &mut w,
        "lambda",
        "DeleteEventSourceMapping",
        json!({"UUID": uuid.clone()}),
    );
    assert_eq!(out["State"], "Deleting");
    assert_eq!(get(&mut w), "Deleting");
    w.advance_to(12_200);
    let e = err(
        &mut w,
        "lambda",
        "GetEventSourceMapping",
        json!({"UUID": uuid.clone()}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
    let e = err(
        &mut w,
        "lambda",
        "DeleteEventSourceMapping",
        json!({"UUID": uuid}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
}

#[test]
fn a_mapping_created_disabled_stays_disabled() {
    let mut w = world();
    queue(&mut w, "q", json!({}));
    function(&mut w, "f", 3, json!({}));
    send(&mut w, "q", &bodies(2));
    let uuid = mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f", "Enabled": false}),
    );
    w.advance_to(5_000);
    let out = ok(
        &mut w,
        "lambda",
        "GetEventSourceMapping",
        json!({"UUID": uuid}),
    );
    assert_eq!(out["State"], "Disabled");
    assert_eq!(attrs(&mut w, "q"), (2, 0));
}

#[test]
fn lists_page_with_marker_and_filter() {
    let mut w = world();
    for q in ["a", "b", "c"] {
        queue(&mut w, q, json!({}));
    }
    function(&mut w, "f", 3, json!({}));
    function(&mut w, "g", 3, json!({}));
    for q in ["a", "b", "c"] {
        mapping(
            &mut w,
            json!({"EventSourceArn": queue_arn(q), "FunctionName": "f"}),
        );
    }
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("a"), "FunctionName": "g"}),
    );
    let p1 = ok(
        &mut w,
        "lambda",
        "ListEventSourceMappings",
        json!({"FunctionName": "f", "MaxItems": 2}),
    );
    assert_eq!(p1["EventSourceMappings"].as_array().unwrap().len(), 2);
    let marker = p1["NextMarker"].as_str().unwrap().to_string();
    let p2 = ok(
        &mut w,
        "lambda",
        "ListEventSourceMappings",
        json!({"FunctionName": "f", "MaxItems": 2, "Marker": marker}),
    );
    assert_eq!(
        p2["EventSourceMappings"][0]["EventSourceArn"],
        queue_arn("c")
    );
    assert!(p2.get("NextMarker").is_none());
    let by_queue = ok(
        &mut w,
        "lambda",
        "ListEventSourceMappings",
        json!({"EventSourceArn": queue_arn("a")}),
    );
    assert_eq!(by_queue["EventSourceMappings"].as_array().unwrap().len(), 2);
    let fns = ok(&mut w, "lambda", "ListFunctions", json!({"MaxItems": 1}));
    assert_eq!(fns["Functions"][0]["FunctionName"], "f");
    assert_eq!(fns["NextMarker"], "g");
    let fns = ok(&mut w, "lambda", "ListFunctions", json!({"Marker": "g"}));
    assert_eq!(fns["Functions"][0]["FunctionName"], "g");
}

#[test]
fn create_function_defaults_and_validation() {
    let mut w = world();
    let out = ok(
        &mut w,
        "lambda",
        "CreateFunction",
        json!({"FunctionName": "f", "Runtime": "nodejs20.x", "Role": "arn:aws:iam::123456789012:role/r", "Handler": "index.handler", "Code": {}}),
    );
    assert_eq!(
        (out["Timeout"].as_u64(), out["MemorySize"].as_u64()),
        (Some(3), Some(128))
    );
    assert_eq!(out["State"], "Active");
    assert_eq!(
        out["FunctionArn"],
        format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f")
    );
    let e = err(
        &mut w,
        "lambda",
        "CreateFunction",
        json!({"FunctionName": "f"}),
    );
    assert_eq!(e.code, "ResourceConflictException");
    for (k, v) in [("Timeout", 0), ("MemorySize", 127), ("MemorySize", 10_241)] {
        let e = err(
            &mut w,
            "lambda",
            "CreateFunction",
            json!({"FunctionName": "g", k: v}),
        );
        assert_eq!(e.code, "ValidationException", "{k} {v}");
    }
    let e = err(
        &mut w,
        "lambda",
        "CreateFunction",
        json!({"FunctionName": "g", "Timeout": 901}),
    );
    assert_eq!(e.code, "InvalidParameterValueException");
    let e = err(
        &mut w,
        "lambda",
        "CreateFunction",
        json!({"FunctionName": "bad name"}),
    );
    assert_eq!(e.code, "ValidationException");
    let got = ok(
        &mut w,
        "lambda",
        "GetFunction",
        json!({"FunctionName": format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:f")}),
    );
    assert_eq!(got["Configuration"]["FunctionName"], "f");
    ok(
        &mut w,
        "lambda",
        "DeleteFunction",
        json!({"FunctionName": "f"}),
    );
    let e = err(
        &mut w,
        "lambda",
        "GetFunction",
        json!({"FunctionName": "f"}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
}

#[test]
fn metrics_on_the_bus() {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "30"}));
    function(
        &mut w,
        "f",
        3,
        json!({"MQLAB_DURATION_MS": "250", "MQLAB_FAIL_IF_BODY_CONTAINS": "poison"}),
    );
    let mut b = bodies(49);
    b.push("poison".into());
    send(&mut w, "q", &b);
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f"}),
    );
    w.advance_to(60_000);
    let rows: Vec<_> = w
        .metric_datapoints()
        .into_iter()
        .filter(|d| d.namespace == "AWS/Lambda")
        .collect();
    let v = |m: &str| rows.iter().find(|d| d.metric == m).map(|d| d.value);
    assert_eq!(
        v("Invocations"),
        Some(6.0),
        "5 batches, then the failed one again after 30 s"
    );
    assert_eq!(v("Errors"), Some(2.0));
    assert_eq!(v("Duration"), Some(250.0));
    assert_eq!(v("ConcurrentExecutions"), Some(5.0));
    assert_eq!(rows[0].dimension("FunctionName"), Some("f"));
}

#[test]
fn billing() {
    let mut w = world();
    assert!(
        w.bill().iter().all(|b| b.service != "Lambda"),
        "no line before Lambda is used"
    );
    queue(&mut w, "q", json!({"VisibilityTimeout": "30"}));
    ok(
        &mut w,
        "lambda",
        "CreateFunction",
        json!({"FunctionName": "f", "MemorySize": 1024, "Environment": {"Variables": {"MQLAB_DURATION_MS": "2000"}}}),
    );
    send(&mut w, "q", &bodies(100));
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f"}),
    );
    w.advance_to(60_000);
    let line = w
        .bill()
        .into_iter()
        .find(|b| b.service == "Lambda")
        .unwrap();
    assert_eq!(line.requests, 10);
    // 10 requests at $0.20 per million, 10 × 2 s × 1 GB at $0.0000166667 per GB-second.
    let expected = 10.0 * 0.20 / 1e6 + 20.0 * 0.000_016_666_7;
    assert!(
        (line.usd - expected).abs() < 1e-12,
        "{} vs {expected}",
        line.usd
    );
}

#[test]
fn a_timeout_fails_the_whole_batch() {
    let mut w = world();
    queue(&mut w, "q", json!({"VisibilityTimeout": "30"}));
    function(&mut w, "f", 1, json!({"MQLAB_DURATION_MS": "5000"}));
    send(&mut w, "q", &bodies(3));
    mapping(
        &mut w,
        json!({"EventSourceArn": queue_arn("q"), "FunctionName": "f", "FunctionResponseTypes": ["ReportBatchItemFailures"]}),
    );
    w.advance_to(2_000);
    let f = w.lambda().function("f").unwrap();
    assert_eq!((f.totals.invocations, f.totals.errors), (1, 1));
    assert_eq!(attrs(&mut w, "q"), (0, 3));
}

#[test]
fn malformed_requests_are_refused_with_lambdas_errors() {
    let mut w = world();
    queue(&mut w, "q", json!({}));
    function(&mut w, "f", 3, json!({}));
    let q = queue_arn("q");
    let cases = [
        ("CreateFunction", json!([1])),
        ("CreateFunction", json!({"FunctionName": 5})),
        (
            "CreateFunction",
            json!({"FunctionName": "g", "Timeout": 1e20}),
        ),
        (
            "CreateFunction",
            json!({"FunctionName": "g", "Timeout": i64::MAX}),
        ),
        (
            "CreateFunction",
            json!({"FunctionName": "g", "Environment": {"Variables": {"MQLAB_DURATION_MS": "-1"}}}),
        ),
        ("CreateEventSourceMapping", json!({})),
        (
            "CreateEventSourceMapping",
            json!({"EventSourceArn": q, "FunctionName": "f", "BatchSize": -1}),
        ),
        (
            "CreateEventSourceMapping",
            json!({"EventSourceArn": q, "FunctionName": "f", "BatchSize": i64::MAX}),
        ),
        (
            "CreateEventSourceMapping",
            json!({"EventSourceArn": q, "FunctionName": "f", "ScalingConfig": {"MaximumConcurrency": -5}}),
        ),
        (
            "CreateEventSourceMapping",
            json!({"EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s", "FunctionName": "f"}),
        ),
        ("GetEventSourceMapping", json!({})),
        ("UpdateEventSourceMapping", json!({"UUID": "nope"})),
        ("ListEventSourceMappings", json!({"Marker": "x"})),
        ("ListEventSourceMappings", json!({"MaxItems": 0})),
        ("ListFunctions", json!({"MaxItems": 10_001})),
        ("GetFunction", json!({"FunctionName": ""})),
        ("Invoke", json!({})),
    ];
    for (op, params) in cases {
        let e = err(&mut w, "lambda", op, params.clone());
        assert!(
            [
                "InvalidParameterValueException",
                "ValidationException",
                "ResourceNotFoundException",
                "InvalidAction"
            ]
            .contains(&e.code.as_str()),
            "{op} {params}: {e}"
        );
    }
    assert_eq!(w.lambda().mappings().count(), 0);
}
