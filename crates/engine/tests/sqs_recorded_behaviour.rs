//! Behaviours recorded against real AWS (LocalStack's AWS-validated snapshots, aws-rules §1.16) and
//! checked by review: error codes and texts, attribute filters, FIFO details, redrive cycles.

use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::{AwsError, World, WorldConfig};
use serde_json::{json, Value};

fn world() -> World {
    World::new(WorldConfig {
        seed: 5,
        sqs: SqsConfig::for_api_scripts(),
    })
}

fn call(w: &mut World, op: &str, p: Value) -> Result<Value, AwsError> {
    let id = w.call("sqs", op, &p);
    w.take_completions()
        .into_iter()
        .find(|c| c.call == id)
        .expect("completes at once")
        .result
}

fn ok(w: &mut World, op: &str, p: Value) -> Value {
    call(w, op, p).unwrap_or_else(|e| panic!("{op}: {e}"))
}

fn err(w: &mut World, op: &str, p: Value) -> AwsError {
    call(w, op, p).expect_err(op)
}

fn create(w: &mut World, name: &str, attrs: Value) -> String {
    ok(
        w,
        "CreateQueue",
        json!({"QueueName": name, "Attributes": attrs}),
    )["QueueUrl"]
        .as_str()
        .unwrap()
        .to_string()
}

fn arn(name: &str) -> String {
    format!("arn:aws:sqs:us-east-1:123456789012:{name}")
}

#[test]
fn a_queue_that_is_its_own_dead_letter_queue_with_waiting_long_polls_does_not_recurse() {
    let mut w = world();
    let q = create(&mut w, "q", json!({}));
    let policy = json!({"deadLetterTargetArn": arn("q"), "maxReceiveCount": 1}).to_string();
    ok(
        &mut w,
        "SetQueueAttributes",
        json!({"QueueUrl": q, "Attributes": {"RedrivePolicy": policy}}),
    );
    ok(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x"}),
    );
    ok(
        &mut w,
        "ReceiveMessage",
        json!({"QueueUrl": q, "VisibilityTimeout": 0}),
    );
    w.advance_to(1_000);
    w.call(
        "sqs",
        "ReceiveMessage",
        &json!({"QueueUrl": q, "WaitTimeSeconds": 10}),
    );
    w.call(
        "sqs",
        "ReceiveMessage",
        &json!({"QueueUrl": q, "WaitTimeSeconds": 10}),
    );
    w.advance_to(20_000);
    let done = w.take_completions();
    assert_eq!(done.len(), 2, "each long poll answers exactly once");
}

#[test]
fn a_redrive_cycle_between_two_queues_with_waiting_long_polls_answers_each_poll_once() {
    let mut w = world();
    let a = create(&mut w, "a", json!({}));
    let b = create(&mut w, "b", json!({}));
    for (url, target) in [(&a, "b"), (&b, "a")] {
        let policy = json!({"deadLetterTargetArn": arn(target), "maxReceiveCount": 1}).to_string();
        ok(
            &mut w,
            "SetQueueAttributes",
            json!({"QueueUrl": url, "Attributes": {"RedrivePolicy": policy}}),
        );
    }
    ok(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": a, "MessageBody": "x"}),
    );
    ok(
        &mut w,
        "ReceiveMessage",
        json!({"QueueUrl": a, "VisibilityTimeout": 0}),
    );
    w.advance_to(1_000);
    for url in [&a, &a, &b, &b] {
        w.call(
            "sqs",
            "ReceiveMessage",
            &json!({"QueueUrl": url, "WaitTimeSeconds": 5, "VisibilityTimeout": 0}),
        );
    }
    w.advance_to(30_000);
    assert_eq!(w.take_completions().len(), 4);
    w.sqs().check_invariants().unwrap();
}

#[test]
fn message_attribute_names_accept_a_star_and_plain_prefixes() {
    let mut w = world();
    let q = create(&mut w, "q", json!({"VisibilityTimeout": "0"}));
    let s = |v: &str| json!({"DataType": "String", "StringValue": v});
    ok(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b",
        "MessageAttributes": {"Help.Me": s("1"), "Hello": s("2"), "General": s("3")}}),
    );
    let names = |w: &mut World, pat: Value| -> Vec<String> {
        let r = ok(
            w,
            "ReceiveMessage",
            json!({"QueueUrl": q, "MessageAttributeNames": pat}),
        );
        r["Messages"][0]["MessageAttributes"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    assert_eq!(names(&mut w, json!(["*"])), ["General", "Hello", "Help.Me"]);
    assert_eq!(names(&mut w, json!(["Hel.*"])), ["Hello", "Help.Me"]);
    assert_eq!(names(&mut w, json!(["Hello", "Nope"])), ["Hello"]);
}

#[test]
fn an_empty_message_group_id_is_malformed_on_both_queue_types() {
    let mut w = world();
    let q = create(&mut w, "q", json!({}));
    let f = create(
        &mut w,
        "f.fifo",
        json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
    );
    for url in [&q, &f] {
        let e = err(
            &mut w,
            "SendMessage",
            json!({"QueueUrl": url, "MessageBody": "b", "MessageGroupId": ""}),
        );
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(
            e.message
                .starts_with("Value  for parameter MessageGroupId is invalid."),
            "{e}"
        );
    }
    let e = err(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": f, "MessageBody": "b", "MessageGroupId": "g", "MessageDeduplicationId": ""}),
    );
    assert!(
        e.message
            .starts_with("Value  for parameter MessageDeduplicationId is invalid."),
        "{e}"
    );
}

#[test]
fn fifo_per_message_delay_is_refused_naming_the_value() {
    let mut w = world();
    let f = create(
        &mut w,
        "f.fifo",
        json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
    );
    let e = err(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": f, "MessageBody": "b", "MessageGroupId": "g", "DelaySeconds": 2}),
    );
    assert_eq!(e.message, "Value 2 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.");
}

#[test]
fn fifo_queue_attribute_exists_only_on_fifo_queues_and_cannot_change() {
    let mut w = world();
    let e = err(
        &mut w,
        "CreateQueue",
        json!({"QueueName": "s", "Attributes": {"FifoQueue": "false"}}),
    );
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("InvalidAttributeName", "Unknown Attribute FifoQueue.")
    );
    let e = err(
        &mut w,
        "CreateQueue",
        json!({"QueueName": "s", "Attributes": {"DeduplicationScope": "queue"}}),
    );
    assert_eq!(e.code, "InvalidAttributeName");
    assert_eq!(
        e.message,
        "You can specify the DeduplicationScope only when FifoQueue is set to true."
    );
    let f = create(&mut w, "f.fifo", json!({"FifoQueue": "true"}));
    ok(
        &mut w,
        "SetQueueAttributes",
        json!({"QueueUrl": f, "Attributes": {"FifoQueue": "true"}}),
    );
    let e = err(
        &mut w,
        "SetQueueAttributes",
        json!({"QueueUrl": f, "Attributes": {"FifoQueue": "false"}}),
    );
    assert_eq!(e.code, "InvalidAttributeValue");
    assert!(e.message.contains("Modifying queue type is not supported"));
}

#[test]
fn a_standard_queue_name_ending_in_fifo_gets_the_standard_name_error() {
    let mut w = world();
    let e = err(&mut w, "CreateQueue", json!({"QueueName": "messages.fifo"}));
    assert_eq!(e.code, "InvalidParameterValue");
    assert_eq!(
        e.message,
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    );
}

#[test]
fn queue_name_exists_names_one_differing_attribute() {
    let mut w = world();
    create(&mut w, "q", json!({"DelaySeconds": "1"}));
    let e = err(
        &mut w,
        "CreateQueue",
        json!({"QueueName": "q", "Attributes": {"DelaySeconds": "2"}}),
    );
    assert_eq!(e.code, "QueueNameExists");
    assert_eq!(e.message, "A queue already exists with the same name and a different value for attribute DelaySeconds");
}

#[test]
fn a_fifo_batch_entry_without_a_deduplication_id_fails_the_whole_request() {
    let mut w = world();
    let f = create(&mut w, "f.fifo", json!({"FifoQueue": "true"}));
    let e = err(
        &mut w,
        "SendMessageBatch",
        json!({"QueueUrl": f, "Entries": [
        {"Id": "a", "MessageBody": "x", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
        {"Id": "b", "MessageBody": "y", "MessageGroupId": "g"}]}),
    );
    assert_eq!(e.code, "InvalidParameterValue");
    assert!(e.message.contains("ContentBasedDeduplication"));
}

#[test]
fn an_oversized_batch_entry_fails_with_the_batch_wording() {
    let mut w = world();
    let q = create(&mut w, "q", json!({"MaximumMessageSize": "1024"}));
    let r = ok(
        &mut w,
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
        {"Id": "a", "MessageBody": "x".repeat(2000)}, {"Id": "b", "MessageBody": "ok"}]}),
    );
    assert_eq!(r["Failed"][0]["Message"], "One or more parameters cannot be validated. Reason: Message must be shorter than 1024 bytes.");
    assert_eq!(r["Successful"][0]["Id"], "b");
}

#[test]
fn sse_kms_and_sse_sqs_together_is_an_invalid_attribute_name() {
    let mut w = world();
    let q = create(&mut w, "q", json!({}));
    let e = err(
        &mut w,
        "SetQueueAttributes",
        json!({"QueueUrl": q, "Attributes": {"KmsMasterKeyId": "k", "SqsManagedSseEnabled": "true"}}),
    );
    assert_eq!(e.code, "InvalidAttributeName");
}

#[test]
fn move_task_errors_name_what_is_wrong() {
    let mut w = world();
    create(&mut w, "dlq", json!({}));
    let policy = json!({"deadLetterTargetArn": arn("dlq"), "maxReceiveCount": 1}).to_string();
    create(&mut w, "src", json!({"RedrivePolicy": policy}));
    let dlq_url = mqlab_engine::sqs::queue_url("dlq");
    for i in 0..20 {
        ok(
            &mut w,
            "SendMessage",
            json!({"QueueUrl": dlq_url, "MessageBody": format!("m{i}")}),
        );
    }
    let h = ok(
        &mut w,
        "StartMessageMoveTask",
        json!({"SourceArn": arn("dlq"), "MaxNumberOfMessagesPerSecond": 1}),
    )["TaskHandle"]
        .clone();
    let e = err(
        &mut w,
        "StartMessageMoveTask",
        json!({"SourceArn": arn("dlq")}),
    );
    assert_eq!(e.code, "InvalidParameterValue");
    let e = err(
        &mut w,
        "CancelMessageMoveTask",
        json!({"TaskHandle": "garbage"}),
    );
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "InvalidParameterValue",
            "Value for parameter TaskHandle is invalid."
        )
    );
    use base64::Engine as _;
    let b64 = |v: Value| base64::engine::general_purpose::STANDARD.encode(v.to_string());
    let e = err(
        &mut w,
        "CancelMessageMoveTask",
        json!({"TaskHandle": b64(json!({"taskId": "x", "sourceArn": arn("nope")}))}),
    );
    assert_eq!(
        e.message,
        "The resource that you specified for the SourceArn parameter doesn't exist."
    );
    let e = err(
        &mut w,
        "CancelMessageMoveTask",
        json!({"TaskHandle": b64(json!({"taskId": "x", "sourceArn": arn("dlq")}))}),
    );
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ResourceNotFoundException", "Task does not exist.")
    );
    ok(&mut w, "CancelMessageMoveTask", json!({"TaskHandle": h}));
}

#[test]
fn fifo_an_earlier_message_visible_again_is_received_while_a_later_one_is_in_flight() {
    let mut w = world();
    let f = create(
        &mut w,
        "f.fifo",
        json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
    );
    for (g, b) in [("g1", "g1-m1"), ("g1", "g1-m2"), ("g2", "g2-m1")] {
        ok(
            &mut w,
            "SendMessage",
            json!({"QueueUrl": f, "MessageBody": b, "MessageGroupId": g}),
        );
    }
    let r = ok(
        &mut w,
        "ReceiveMessage",
        json!({"QueueUrl": f, "MaxNumberOfMessages": 2}),
    );
    let bodies: Vec<&str> = r["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["g1-m1", "g1-m2"]);
    let h = r["Messages"][0]["ReceiptHandle"].clone();
    ok(
        &mut w,
        "ChangeMessageVisibility",
        json!({"QueueUrl": f, "ReceiptHandle": h, "VisibilityTimeout": 1}),
    );
    w.advance_to(2_000);
    let r = ok(
        &mut w,
        "ReceiveMessage",
        json!({"QueueUrl": f, "MaxNumberOfMessages": 3}),
    );
    let mut bodies: Vec<&str> = r["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Body"].as_str().unwrap())
        .collect();
    bodies.sort();
    assert_eq!(
        bodies,
        ["g1-m1", "g2-m1"],
        "g1-m2 is still in flight, so nothing after it"
    );
}

#[test]
fn message_attribute_names_may_hold_unicode_letters() {
    let mut w = world();
    let q = create(&mut w, "q", json!({}));
    ok(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b",
        "MessageAttributes": {"attr.1øßä": {"DataType": "String", "StringValue": "v"}}}),
    );
    let e = err(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b",
        "MessageAttributes": {"a": {"DataType": "String", "StringValue": "bad\u{0}"}}}),
    );
    assert_eq!(e.code, "InvalidParameterValue");
}

#[test]
fn a_queue_url_of_another_account_does_not_exist_but_a_bare_name_resolves() {
    let mut w = world();
    create(&mut w, "q", json!({}));
    let e = err(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/999999999999/q", "MessageBody": "b"}),
    );
    assert_eq!(e.code, "QueueDoesNotExist");
    ok(
        &mut w,
        "SendMessage",
        json!({"QueueUrl": "q", "MessageBody": "b"}),
    );
}

#[test]
fn a_refused_tag_queue_leaves_the_tags_unchanged() {
    let mut w = world();
    let q = create(&mut w, "q", json!({}));
    let many: serde_json::Map<String, Value> =
        (0..49).map(|i| (format!("k{i}"), json!("v"))).collect();
    ok(&mut w, "TagQueue", json!({"QueueUrl": q, "Tags": many}));
    let e = err(
        &mut w,
        "TagQueue",
        json!({"QueueUrl": q, "Tags": {"x": "1", "y": "2"}}),
    );
    assert_eq!(e.code, "InvalidParameterValue");
    let tags = ok(&mut w, "ListQueueTags", json!({"QueueUrl": q}));
    assert_eq!(tags["Tags"].as_object().unwrap().len(), 49);
}

/// aws-rules §1.17: CreateQueue's tags count against the same 50-tag quota as TagQueue's.
#[test]
fn create_queue_refuses_more_than_50_tags() {
    let mut w = world();
    let tags = |n: usize| -> serde_json::Map<String, Value> {
        (0..n).map(|i| (format!("k{i}"), json!("v"))).collect()
    };
    let e = err(
        &mut w,
        "CreateQueue",
        json!({"QueueName": "q", "tags": tags(51)}),
    );
    assert_eq!(e.code, "InvalidParameterValue");
    assert_eq!(
        err(&mut w, "GetQueueUrl", json!({"QueueName": "q"})).code,
        "QueueDoesNotExist"
    );
    let q = ok(
        &mut w,
        "CreateQueue",
        json!({"QueueName": "q", "tags": tags(50)}),
    )["QueueUrl"]
        .clone();
    let listed = ok(&mut w, "ListQueueTags", json!({"QueueUrl": q}));
    assert_eq!(listed["Tags"].as_object().unwrap().len(), 50);
}
