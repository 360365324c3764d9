//! The AWS SQS documentation's own examples and documented behaviours, replayed through
//! `mqlab api` (the built binary, script on stdin) and checked against what the documentation
//! says. Each test names the behaviour and cites its source. Values that AWS makes up at random
//! (MessageId, ReceiptHandle, TaskHandle) are checked only for shape.
//!
//! Sources:
//! - API Reference: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/
//! - Developer Guide: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/
//! - AWS CLI examples for SQS (AWS Code Library):
//!   https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
//!
//! The CLI examples print digests elided in the middle ("51b0a325...39163aa0"); those are
//! checked by their first and last eight hex digits.

use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The simulation's account, region and epoch (t = 0 is 2026-01-01T00:00:00Z).
const URL_PREFIX: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/";
const ARN_PREFIX: &str = "arn:aws:sqs:us-east-1:123456789012:";
const EPOCH_S: u64 = 1_767_225_600;

// ---------------------------------------------------------------------------------------------
// Running scripts

/// One script line: an SQS call at virtual time `t`.
fn call(t: f64, op: &str, params: Value) -> Value {
    json!({"t": t, "svc": "sqs", "op": op, "params": params})
}

/// The same line, saving values from its answer (`{"name": "Dotted.Path"}`).
fn bind(mut line: Value, names: Value) -> Value {
    line["bind"] = names;
    line
}

fn to_script(lines: &[Value]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn mqlab_api(arg: &str, stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mqlab"))
        .args(["api", arg])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the mqlab binary runs");
    let mut input = child.stdin.take().expect("stdin is piped");
    input
        .write_all(stdin.as_bytes())
        .expect("stdin takes the script");
    drop(input);
    child.wait_with_output().expect("mqlab finishes")
}

fn parse_output(out: &std::process::Output, what: &str) -> Vec<Value> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "mqlab api {what} failed ({}): {}\n{stdout}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad output line {l}: {e}")))
        .collect()
}

/// Runs a script through `mqlab api -`; one output line per call, in input order.
fn run(lines: &[Value]) -> Vec<Value> {
    let script = to_script(lines);
    let out = parse_output(&mqlab_api("-", &script), "-");
    assert_eq!(out.len(), lines.len(), "one answer per call:\n{script}");
    for (i, (o, l)) in out.iter().zip(lines).enumerate() {
        assert_eq!(o["op"], l["op"], "answer {i} is for the wrong call");
    }
    out
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/api")
}

/// Runs `examples/api/NAME.jsonl` by path, as a user would.
fn run_example(name: &str) -> Vec<Value> {
    let path = examples_dir().join(format!("{name}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let out = parse_output(&mqlab_api(path.to_str().unwrap(), ""), name);
    let calls = text.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(out.len(), calls, "{name}: one answer per call");
    out
}

// ---------------------------------------------------------------------------------------------
// Reading answers

/// The response of an answer that must have succeeded.
#[track_caller]
fn ok(line: &Value) -> &Value {
    match line.get("response") {
        Some(r) => r,
        None => panic!("expected a response, got {line}"),
    }
}

/// The error code of an answer that must have failed.
#[track_caller]
fn err(line: &Value) -> &str {
    match line["error"]["Code"].as_str() {
        Some(code) => {
            assert!(
                line["error"]["Message"].is_string(),
                "an error carries a Message: {line}"
            );
            code
        }
        None => panic!("expected an error, got {line}"),
    }
}

/// The messages of a ReceiveMessage answer (none when the member is absent).
#[track_caller]
fn messages(line: &Value) -> Vec<Value> {
    match ok(line).get("Messages") {
        None => Vec::new(),
        Some(Value::Array(m)) => m.clone(),
        Some(other) => panic!("Messages is not a list: {other}"),
    }
}

#[track_caller]
fn bodies(line: &Value) -> Vec<String> {
    messages(line)
        .iter()
        .map(|m| {
            m["Body"]
                .as_str()
                .expect("a message has a Body")
                .to_string()
        })
        .collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

fn sorted_keys(v: &Value) -> Vec<String> {
    let mut keys: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

fn sorted_strings(v: &Value) -> Vec<String> {
    let mut s: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|x| x.as_str().expect("a string").to_string())
        .collect();
    s.sort();
    s
}

/// MessageId: "A unique identifier for the message", shown as a UUID in every example.
#[track_caller]
fn assert_message_id(v: &Value) {
    let id = v
        .as_str()
        .unwrap_or_else(|| panic!("MessageId missing: {v}"));
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "MessageId {id} is not a UUID");
    assert!(
        id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "{id}"
    );
}

/// ReceiptHandle: opaque, non-empty, at most 1,024 characters (Developer Guide, identifiers).
#[track_caller]
fn assert_receipt_handle(v: &Value) {
    let rh = v
        .as_str()
        .unwrap_or_else(|| panic!("ReceiptHandle missing: {v}"));
    assert!(!rh.is_empty() && rh.len() <= 1024, "ReceiptHandle {rh}");
}

/// A CLI example's elided digest ("51b0a325...39163aa0") against a full one.
#[track_caller]
fn assert_elided_digest(actual: &Value, documented: &str) {
    let actual = actual
        .as_str()
        .unwrap_or_else(|| panic!("digest missing: {actual}"));
    let (head, tail) = documented.split_once("...").expect("an elided digest");
    assert_eq!(actual.len(), 32, "{actual} is not an MD5 digest");
    assert!(
        actual.starts_with(head) && actual.ends_with(tail),
        "digest {actual}, documented {documented}"
    );
}

fn url(name: &str) -> String {
    format!("{URL_PREFIX}{name}")
}

fn arn(name: &str) -> String {
    format!("{ARN_PREFIX}{name}")
}

fn create(t: f64, name: &str, var: &str) -> Value {
    bind(
        call(t, "CreateQueue", json!({"QueueName": name})),
        json!({var: "QueueUrl"}),
    )
}

fn create_with(t: f64, name: &str, attributes: Value, var: &str) -> Value {
    bind(
        call(
            t,
            "CreateQueue",
            json!({"QueueName": name, "Attributes": attributes}),
        ),
        json!({var: "QueueUrl"}),
    )
}

fn counts(t: f64, queue: &str) -> Value {
    call(
        t,
        "GetQueueAttributes",
        json!({"QueueUrl": queue, "AttributeNames": [
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed"
        ]}),
    )
}

/// (visible, in flight, delayed) from a `counts` answer.
#[track_caller]
fn count_values(line: &Value) -> (u64, u64, u64) {
    let a = &ok(line)["Attributes"];
    let n = |k: &str| -> u64 { str_of(a, k).parse().expect("a count") };
    (
        n("ApproximateNumberOfMessages"),
        n("ApproximateNumberOfMessagesNotVisible"),
        n("ApproximateNumberOfMessagesDelayed"),
    )
}

fn epoch_ms(t_s: u64) -> String {
    ((EPOCH_S + t_s) * 1000).to_string()
}

// ---------------------------------------------------------------------------------------------
// API Reference examples

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
/// (Examples, AWS JSON protocol): "This is a test message" with two String attributes answers
/// MD5OfMessageBody fafb00f5732ab283681e124bf8747ed1 and MD5OfMessageAttributes
/// c48838208d2b4e14e3ca0093a8443f09.
#[test]
fn send_message_example_returns_the_documented_digests() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({
                "QueueUrl": "${q}",
                "MessageBody": "This is a test message",
                "MessageAttributes": {
                    "my_attribute_name_1": {"DataType": "String", "StringValue": "my_attribute_value_1"},
                    "my_attribute_name_2": {"DataType": "String", "StringValue": "my_attribute_value_2"}
                }
            }),
        ),
    ]);
    assert_eq!(ok(&out[0]), &json!({"QueueUrl": url("MyQueue")}));
    let r = ok(&out[1]);
    assert_eq!(r["MD5OfMessageBody"], "fafb00f5732ab283681e124bf8747ed1");
    assert_eq!(
        r["MD5OfMessageAttributes"],
        "c48838208d2b4e14e3ca0093a8443f09"
    );
    assert_message_id(&r["MessageId"]);
    assert!(
        r.get("SequenceNumber").is_none(),
        "SequenceNumber applies only to FIFO queues: {r}"
    );
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
/// (Examples, AWS JSON protocol): two entries, the second with a 60 s timer and one attribute.
/// The sample answer has `"Failed": []`, test_msg_001 MD5OfMessageBody
/// 0e024d309850c78cba5eabbeff7cae71 (no attribute digest) and test_msg_002
/// MD5OfMessageAttributes 8ef4d60dbc8efda9f260e1dfd09d29f3. (The JSON sample's body digest for
/// test_msg_002, 27118326006d3829667a400ad23d5d98, is not the MD5 of "test message body 2"; the
/// query-protocol sample on the same page gives the right one, 7fb8146a82f95e0af155278f406862c2.)
#[test]
fn send_message_batch_example_returns_the_documented_digests() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessageBatch",
            json!({
                "QueueUrl": "${q}",
                "Entries": [
                    {"Id": "test_msg_001", "MessageBody": "test message body 1"},
                    {
                        "Id": "test_msg_002",
                        "MessageBody": "test message body 2",
                        "DelaySeconds": 60,
                        "MessageAttributes": {
                            "my_attribute_name_1": {"DataType": "String", "StringValue": "my_attribute_value_1"}
                        }
                    }
                ]
            }),
        ),
    ]);
    let r = ok(&out[1]);
    assert_eq!(r["Failed"], json!([]), "{r}");
    let ok_entries = r["Successful"].as_array().expect("Successful");
    assert_eq!(ok_entries.len(), 2);
    let first = ok_entries
        .iter()
        .find(|e| e["Id"] == "test_msg_001")
        .expect("test_msg_001");
    assert_eq!(
        first["MD5OfMessageBody"],
        "0e024d309850c78cba5eabbeff7cae71"
    );
    assert!(first.get("MD5OfMessageAttributes").is_none(), "{first}");
    assert_message_id(&first["MessageId"]);
    let second = ok_entries
        .iter()
        .find(|e| e["Id"] == "test_msg_002")
        .expect("test_msg_002");
    assert_eq!(
        second["MD5OfMessageBody"],
        "7fb8146a82f95e0af155278f406862c2"
    );
    assert_eq!(
        second["MD5OfMessageAttributes"],
        "8ef4d60dbc8efda9f260e1dfd09d29f3"
    );
    assert_message_id(&second["MessageId"]);
    assert_ne!(first["MessageId"], second["MessageId"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
/// (second example, message timers): no DelaySeconds for the first entry, 45 s and 2 minutes
/// for the others; each message becomes available when its own timer ends.
#[test]
fn send_message_batch_message_timers_delay_each_entry_separately() {
    let recv = |t: f64| {
        call(
            t,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10, "VisibilityTimeout": 600}),
        )
    };
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessageBatch",
            json!({
                "QueueUrl": "${q}",
                "Entries": [
                    {"Id": "test_msg_no_message_timer", "MessageBody": "test message body 1"},
                    {"Id": "test_msg_delay_45_seconds", "MessageBody": "test message body 2", "DelaySeconds": 45},
                    {"Id": "test_msg_delay_2_minutes", "MessageBody": "test message body 3", "DelaySeconds": 120}
                ]
            }),
        ),
        counts(2.0, "${q}"),
        recv(2.0),
        recv(45.5),
        recv(46.5),
        recv(120.5),
        recv(121.5),
    ]);
    assert_eq!(ok(&out[1])["Successful"].as_array().unwrap().len(), 3);
    assert_eq!(count_values(&out[2]), (1, 0, 2));
    assert_eq!(bodies(&out[3]), ["test message body 1"]);
    assert!(bodies(&out[4]).is_empty());
    assert_eq!(bodies(&out[5]), ["test message body 2"]);
    assert!(bodies(&out[6]).is_empty());
    assert_eq!(bodies(&out[7]), ["test message body 3"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
/// (Examples, AWS JSON protocol): MaxNumberOfMessages 5, VisibilityTimeout 15,
/// AttributeNames ["All"] answers one message with Attributes SenderId,
/// ApproximateFirstReceiveTimestamp, ApproximateReceiveCount "1" and SentTimestamp (epoch
/// milliseconds), Body, MD5OfBody fafb00f5732ab283681e124bf8747ed1, MessageId, ReceiptHandle.
/// The 15 s visibility applies to the returned message only.
#[test]
fn receive_message_example_returns_the_documented_members() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        bind(
            call(
                1.0,
                "SendMessage",
                json!({"QueueUrl": "${q}", "MessageBody": "This is a test message"}),
            ),
            json!({"id": "MessageId"}),
        ),
        call(
            3.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 5, "VisibilityTimeout": 15, "AttributeNames": ["All"]}),
        ),
        call(17.5, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(
            18.5,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "AttributeNames": ["ApproximateReceiveCount"]}),
        ),
    ]);
    let msgs = messages(&out[2]);
    assert_eq!(msgs.len(), 1);
    let m = &msgs[0];
    assert_eq!(
        sorted_keys(m),
        [
            "Attributes",
            "Body",
            "MD5OfBody",
            "MessageId",
            "ReceiptHandle"
        ]
    );
    assert_eq!(m["Body"], "This is a test message");
    assert_eq!(m["MD5OfBody"], "fafb00f5732ab283681e124bf8747ed1");
    assert_eq!(m["MessageId"], ok(&out[1])["MessageId"]);
    assert_receipt_handle(&m["ReceiptHandle"]);
    let a = &m["Attributes"];
    assert_eq!(
        sorted_keys(a),
        [
            "ApproximateFirstReceiveTimestamp",
            "ApproximateReceiveCount",
            "SenderId",
            "SentTimestamp"
        ]
    );
    assert_eq!(a["ApproximateReceiveCount"], "1");
    assert_eq!(a["SentTimestamp"], epoch_ms(1).as_str());
    assert_eq!(a["ApproximateFirstReceiveTimestamp"], epoch_ms(3).as_str());
    assert!(!str_of(a, "SenderId").is_empty());
    // Hidden for the 15 s asked for, then received again with a new receipt handle.
    assert!(messages(&out[3]).is_empty());
    let again = messages(&out[4]);
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["Attributes"]["ApproximateReceiveCount"], "2");
    assert_ne!(again[0]["ReceiptHandle"], m["ReceiptHandle"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
/// "If no messages are available and the wait time expires, the call does not return a message
/// list."
#[test]
fn receive_message_on_an_empty_queue_returns_no_message_list() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(1.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
    ]);
    assert!(ok(&out[1]).get("Messages").is_none(), "{}", out[1]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
/// (Examples): VisibilityTimeout 60 answers an empty (HTTP 200, no body) response, and the
/// message stays hidden for 60 s from the call.
#[test]
fn change_message_visibility_example_hides_the_message_for_60_seconds() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "This is a test message"}),
        ),
        bind(
            call(2.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
            json!({"rh": "Messages.0.ReceiptHandle"}),
        ),
        call(
            10.0,
            "ChangeMessageVisibility",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${rh}", "VisibilityTimeout": 60}),
        ),
        call(69.5, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(70.5, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
    ]);
    assert_eq!(ok(&out[3]), &json!({}));
    assert!(messages(&out[4]).is_empty());
    assert_eq!(bodies(&out[5]), ["This is a test message"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibilityBatch.html
/// (Examples): two entries with VisibilityTimeout 45 answer
/// `{"Failed": [], "Successful": [{"Id": "change_visibility_msg_1"}, {"Id": "change_visibility_msg_2"}]}`.
#[test]
fn change_message_visibility_batch_example_reports_each_entry() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessageBatch",
            json!({"QueueUrl": "${q}", "Entries": [
                {"Id": "a", "MessageBody": "first"},
                {"Id": "b", "MessageBody": "second"}
            ]}),
        ),
        bind(
            call(
                2.0,
                "ReceiveMessage",
                json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10}),
            ),
            json!({"rh1": "Messages.0.ReceiptHandle", "rh2": "Messages.1.ReceiptHandle"}),
        ),
        call(
            3.0,
            "ChangeMessageVisibilityBatch",
            json!({"QueueUrl": "${q}", "Entries": [
                {"Id": "change_visibility_msg_1", "ReceiptHandle": "${rh1}", "VisibilityTimeout": 45},
                {"Id": "change_visibility_msg_2", "ReceiptHandle": "${rh2}", "VisibilityTimeout": 45}
            ]}),
        ),
        call(
            47.5,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10}),
        ),
        call(
            48.5,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10}),
        ),
    ]);
    assert_eq!(messages(&out[2]).len(), 2);
    let r = ok(&out[3]);
    assert_eq!(r["Failed"], json!([]), "{r}");
    let mut ids: Vec<&str> = r["Successful"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["change_visibility_msg_1", "change_visibility_msg_2"]);
    for e in r["Successful"].as_array().unwrap() {
        assert_eq!(sorted_keys(e), ["Id"]);
    }
    assert!(messages(&out[4]).is_empty());
    assert_eq!(messages(&out[5]).len(), 2);
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (delete-message-batch): FirstMessage and SecondMessage answer
/// `{"Successful": [{"Id": "FirstMessage"}, {"Id": "SecondMessage"}]}`; the messages are gone.
#[test]
fn delete_message_batch_example_deletes_both_messages() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessageBatch",
            json!({"QueueUrl": "${q}", "Entries": [
                {"Id": "a", "MessageBody": "first"},
                {"Id": "b", "MessageBody": "second"}
            ]}),
        ),
        bind(
            call(
                2.0,
                "ReceiveMessage",
                json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10}),
            ),
            json!({"rh1": "Messages.0.ReceiptHandle", "rh2": "Messages.1.ReceiptHandle"}),
        ),
        call(
            3.0,
            "DeleteMessageBatch",
            json!({"QueueUrl": "${q}", "Entries": [
                {"Id": "FirstMessage", "ReceiptHandle": "${rh1}"},
                {"Id": "SecondMessage", "ReceiptHandle": "${rh2}"}
            ]}),
        ),
        counts(4.0, "${q}"),
    ]);
    let r = ok(&out[3]);
    let mut ids: Vec<&str> = r["Successful"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["FirstMessage", "SecondMessage"]);
    assert!(r["Failed"].as_array().is_none_or(|f| f.is_empty()), "{r}");
    assert_eq!(count_values(&out[4]), (0, 0, 0));
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
/// "you must provide the most recently received ReceiptHandle for the message (otherwise, the
/// request succeeds, but the message will not be deleted)."
#[test]
fn delete_message_with_an_old_receipt_handle_succeeds_but_does_not_delete() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "m"}),
        ),
        bind(
            call(
                2.0,
                "ReceiveMessage",
                json!({"QueueUrl": "${q}", "VisibilityTimeout": 0}),
            ),
            json!({"old": "Messages.0.ReceiptHandle"}),
        ),
        bind(
            call(3.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
            json!({"new": "Messages.0.ReceiptHandle"}),
        ),
        call(
            4.0,
            "DeleteMessage",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${old}"}),
        ),
        counts(5.0, "${q}"),
        call(
            6.0,
            "DeleteMessage",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${new}"}),
        ),
        counts(7.0, "${q}"),
    ]);
    assert_ne!(
        messages(&out[2])[0]["ReceiptHandle"],
        messages(&out[3])[0]["ReceiptHandle"],
        "a new receipt handle on every receive"
    );
    assert_eq!(ok(&out[4]), &json!({}));
    assert_eq!(count_values(&out[5]), (0, 1, 0), "not deleted");
    assert_eq!(ok(&out[6]), &json!({}));
    assert_eq!(count_values(&out[7]), (0, 0, 0));
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (create-queue, set-queue-attributes, get-queue-attributes): a RedrivePolicy given with
/// `"maxReceiveCount":"1000"` reads back as `"maxReceiveCount":1000`; `All` returns the
/// documented attributes (ApproximateNumberOfMessages*, CreatedTimestamp and
/// LastModifiedTimestamp in epoch seconds, DelaySeconds, MaximumMessageSize,
/// MessageRetentionPeriod, QueueArn, ReceiveMessageWaitTimeSeconds, RedrivePolicy,
/// VisibilityTimeout). The example's MaximumMessageSize "262144" predates the 1 MiB default
/// (API_SetQueueAttributes: default 1,048,576).
#[test]
fn get_queue_attributes_all_example_lists_the_documented_attributes() {
    let out = run(&[
        create(0.0, "MyDeadLetterQueue", "dlq"),
        create_with(
            1.0,
            "MyQueue",
            json!({
                "RedrivePolicy": format!(
                    "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":\"1000\"}}",
                    arn("MyDeadLetterQueue")
                )
            }),
            "q",
        ),
        call(
            2.0,
            "GetQueueAttributes",
            json!({"QueueUrl": "${q}", "AttributeNames": ["All"]}),
        ),
        call(
            2.0,
            "GetQueueAttributes",
            json!({"QueueUrl": "${q}", "AttributeNames": ["MaximumMessageSize", "VisibilityTimeout"]}),
        ),
    ]);
    let a = &ok(&out[2])["Attributes"];
    let keys = sorted_keys(a);
    for documented in [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
        "CreatedTimestamp",
        "DelaySeconds",
        "LastModifiedTimestamp",
        "MaximumMessageSize",
        "MessageRetentionPeriod",
        "QueueArn",
        "ReceiveMessageWaitTimeSeconds",
        "RedrivePolicy",
        "VisibilityTimeout",
    ] {
        assert!(keys.iter().any(|k| k == documented), "{documented}: {a}");
    }
    for fifo_only in ["FifoQueue", "ContentBasedDeduplication"] {
        assert!(
            a.get(fifo_only).is_none(),
            "{fifo_only} on a standard queue: {a}"
        );
    }
    assert_eq!(a["ApproximateNumberOfMessages"], "0");
    assert_eq!(a["ApproximateNumberOfMessagesDelayed"], "0");
    assert_eq!(a["ApproximateNumberOfMessagesNotVisible"], "0");
    assert_eq!(a["CreatedTimestamp"], (EPOCH_S + 1).to_string().as_str());
    assert_eq!(
        a["LastModifiedTimestamp"],
        (EPOCH_S + 1).to_string().as_str()
    );
    assert_eq!(a["DelaySeconds"], "0");
    assert_eq!(a["MaximumMessageSize"], "1048576");
    assert_eq!(a["MessageRetentionPeriod"], "345600");
    assert_eq!(a["ReceiveMessageWaitTimeSeconds"], "0");
    assert_eq!(a["VisibilityTimeout"], "30");
    assert_eq!(a["QueueArn"], arn("MyQueue").as_str());
    let policy: Value = serde_json::from_str(str_of(a, "RedrivePolicy")).expect("JSON text");
    assert_eq!(
        policy,
        json!({"deadLetterTargetArn": arn("MyDeadLetterQueue"), "maxReceiveCount": 1000})
    );
    assert_eq!(
        ok(&out[3]),
        &json!({"Attributes": {"VisibilityTimeout": "30", "MaximumMessageSize": "1048576"}})
    );
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
/// "The AttributeNames parameter is optional, but if you don't specify values for this
/// parameter, the request returns empty results."
#[test]
fn get_queue_attributes_without_names_returns_empty_results() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(1.0, "GetQueueAttributes", json!({"QueueUrl": "${q}"})),
    ]);
    let r = ok(&out[1]);
    assert!(
        r.get("Attributes")
            .is_none_or(|a| a.as_object().is_some_and(|o| o.is_empty())),
        "{r}"
    );
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (set-queue-attributes): DelaySeconds 10, MaximumMessageSize 131072, MessageRetentionPeriod
/// 259200, ReceiveMessageWaitTimeSeconds 20, a RedrivePolicy and VisibilityTimeout 60; no output.
/// API_GetQueueAttributes: LastModifiedTimestamp is "the time when the queue was last changed".
#[test]
fn set_queue_attributes_example_changes_are_read_back() {
    let out = run(&[
        create(0.0, "MyDeadLetterQueue", "dlq"),
        create(0.0, "MyNewQueue", "q"),
        call(
            5.0,
            "SetQueueAttributes",
            json!({"QueueUrl": "${q}", "Attributes": {
                "DelaySeconds": "10",
                "MaximumMessageSize": "131072",
                "MessageRetentionPeriod": "259200",
                "ReceiveMessageWaitTimeSeconds": "20",
                "RedrivePolicy": format!(
                    "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":\"1000\"}}",
                    arn("MyDeadLetterQueue")
                ),
                "VisibilityTimeout": "60"
            }}),
        ),
        call(
            6.0,
            "GetQueueAttributes",
            json!({"QueueUrl": "${q}", "AttributeNames": ["All"]}),
        ),
    ]);
    assert_eq!(ok(&out[2]), &json!({}));
    let a = &ok(&out[3])["Attributes"];
    assert_eq!(a["DelaySeconds"], "10");
    assert_eq!(a["MaximumMessageSize"], "131072");
    assert_eq!(a["MessageRetentionPeriod"], "259200");
    assert_eq!(a["ReceiveMessageWaitTimeSeconds"], "20");
    assert_eq!(a["VisibilityTimeout"], "60");
    assert_eq!(a["CreatedTimestamp"], EPOCH_S.to_string().as_str());
    assert_eq!(
        a["LastModifiedTimestamp"],
        (EPOCH_S + 5).to_string().as_str()
    );
    let policy: Value = serde_json::from_str(str_of(a, "RedrivePolicy")).unwrap();
    assert_eq!(policy["maxReceiveCount"], 1000);
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (get-queue-url, list-queues): GetQueueUrl answers the queue's URL; ListQueues lists every
/// queue, and with QueueNamePrefix "My" only MyDeadLetterQueue, MyQueue and MyOtherQueue.
#[test]
fn get_queue_url_and_list_queues_examples() {
    let out = run(&[
        create(0.0, "MyDeadLetterQueue", "a"),
        create(0.0, "MyQueue", "b"),
        create(0.0, "MyOtherQueue", "c"),
        create(0.0, "TestQueue1", "d"),
        create(0.0, "TestQueue2", "e"),
        call(1.0, "GetQueueUrl", json!({"QueueName": "MyQueue"})),
        call(1.0, "ListQueues", json!({})),
        call(1.0, "ListQueues", json!({"QueueNamePrefix": "My"})),
    ]);
    assert_eq!(ok(&out[5]), &json!({"QueueUrl": url("MyQueue")}));
    assert_eq!(
        sorted_strings(&ok(&out[6])["QueueUrls"]),
        [
            url("MyDeadLetterQueue"),
            url("MyOtherQueue"),
            url("MyQueue"),
            url("TestQueue1"),
            url("TestQueue2")
        ]
    );
    assert_eq!(
        sorted_strings(&ok(&out[7])["QueueUrls"]),
        [
            url("MyDeadLetterQueue"),
            url("MyOtherQueue"),
            url("MyQueue")
        ]
    );
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (list-dead-letter-source-queues): the DLQ's answer lists the queues whose redrive policy
/// names it, under the member `queueUrls`.
#[test]
fn list_dead_letter_source_queues_example() {
    let policy = format!(
        "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":\"5\"}}",
        arn("MyDeadLetterQueue")
    );
    let out = run(&[
        create(0.0, "MyDeadLetterQueue", "dlq"),
        create_with(0.0, "MyQueue", json!({"RedrivePolicy": policy}), "a"),
        create_with(0.0, "MyOtherQueue", json!({"RedrivePolicy": policy}), "b"),
        create(0.0, "Unrelated", "c"),
        call(
            1.0,
            "ListDeadLetterSourceQueues",
            json!({"QueueUrl": "${dlq}"}),
        ),
    ]);
    assert_eq!(
        sorted_strings(&ok(&out[4])["queueUrls"]),
        [url("MyOtherQueue"), url("MyQueue")]
    );
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (tag-queue, untag-queue, list-queue-tags): tag and untag produce no output; ListQueueTags
/// answers `{"Tags": {"Team": "Alpha"}}`.
#[test]
fn tag_untag_and_list_queue_tags_examples() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "TagQueue",
            json!({"QueueUrl": "${q}", "Tags": {"Team": "Alpha", "Priority": "Highest"}}),
        ),
        call(
            2.0,
            "UntagQueue",
            json!({"QueueUrl": "${q}", "TagKeys": ["Priority"]}),
        ),
        call(3.0, "ListQueueTags", json!({"QueueUrl": "${q}"})),
    ]);
    assert_eq!(ok(&out[1]), &json!({}));
    assert_eq!(ok(&out[2]), &json!({}));
    assert_eq!(ok(&out[3]), &json!({"Tags": {"Team": "Alpha"}}));
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (send-message): "Information about the largest city in Any Region." with a 10 s delay and
/// String, Binary and Number attributes answers MD5OfMessageBody 51b0a325...39163aa0 and
/// MD5OfMessageAttributes 00484c68...59e48f06. The documented attribute digest is the one for
/// Greeting's bytes being the text `SGVsbG8sIFdvcmxkIQ==` (the CLI that produced the example
/// base64-encoded "Hello, World!" and SQS stored that text); on the JSON wire those bytes are
/// base64 once more. The message is delayed 10 s (ApproximateNumberOfMessagesDelayed).
#[test]
fn send_message_cli_example_digests_cover_string_binary_and_number_attributes() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({
                "QueueUrl": "${q}",
                "MessageBody": "Information about the largest city in Any Region.",
                "DelaySeconds": 10,
                "MessageAttributes": {
                    "City": {"DataType": "String", "StringValue": "Any City"},
                    "Greeting": {"DataType": "Binary", "BinaryValue": "U0dWc2JHOHNJRmR2Y214a0lRPT0="},
                    "Population": {"DataType": "Number", "StringValue": "1250800"}
                }
            }),
        ),
        counts(2.0, "${q}"),
        call(
            10.5,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MessageAttributeNames": ["All"]}),
        ),
        call(
            11.5,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MessageAttributeNames": ["All"]}),
        ),
    ]);
    let r = ok(&out[1]);
    assert_elided_digest(&r["MD5OfMessageBody"], "51b0a325...39163aa0");
    assert_elided_digest(&r["MD5OfMessageAttributes"], "00484c68...59e48f06");
    assert_message_id(&r["MessageId"]);
    assert_eq!(count_values(&out[2]), (0, 0, 1));
    assert!(messages(&out[3]).is_empty());
    let m = &messages(&out[4])[0];
    assert_eq!(m["MD5OfMessageAttributes"], r["MD5OfMessageAttributes"]);
    assert_eq!(
        m["MessageAttributes"]["Greeting"],
        json!({"DataType": "Binary", "BinaryValue": "U0dWc2JHOHNJRmR2Y214a0lRPT0="})
    );
    assert_eq!(
        m["MessageAttributes"]["Population"],
        json!({"DataType": "Number", "StringValue": "1250800"})
    );
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (send-message-batch): the two fuel reports answer MD5OfMessageBody 203c4a38...7943237e and
/// 2cf0159a...c1980595, MD5OfMessageAttributes 10809b55...baf283ef and 55623928...ae354a25.
#[test]
fn send_message_batch_cli_example_returns_the_documented_digests() {
    let report = |id: &str, body: &str, seller: &str, city: &str, postal: &str, price: &str| {
        json!({
            "Id": id,
            "MessageBody": body,
            "DelaySeconds": 10,
            "MessageAttributes": {
                "SellerName": {"DataType": "String", "StringValue": seller},
                "City": {"DataType": "String", "StringValue": city},
                "Region": {"DataType": "String", "StringValue": "WA"},
                "PostalCode": {"DataType": "String", "StringValue": postal},
                "PricePerGallon": {"DataType": "Number", "StringValue": price}
            }
        })
    };
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessageBatch",
            json!({"QueueUrl": "${q}", "Entries": [
                report(
                    "FuelReport-0001-2015-09-16T140731Z",
                    "Fuel report for account 0001 on 2015-09-16 at 02:07:31 PM.",
                    "Example Store", "Any City", "99065", "1.99"
                ),
                report(
                    "FuelReport-0002-2015-09-16T140930Z",
                    "Fuel report for account 0002 on 2015-09-16 at 02:09:30 PM.",
                    "Example Fuels", "North Town", "99123", "1.87"
                )
            ]}),
        ),
    ]);
    let entries = ok(&out[1])["Successful"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2);
    let entry = |id: &str| entries.iter().find(|e| e["Id"] == id).unwrap().clone();
    let first = entry("FuelReport-0001-2015-09-16T140731Z");
    assert_elided_digest(&first["MD5OfMessageBody"], "203c4a38...7943237e");
    assert_elided_digest(&first["MD5OfMessageAttributes"], "10809b55...baf283ef");
    assert_message_id(&first["MessageId"]);
    let second = entry("FuelReport-0002-2015-09-16T140930Z");
    assert_elided_digest(&second["MD5OfMessageBody"], "2cf0159a...c1980595");
    assert_elided_digest(&second["MD5OfMessageAttributes"], "55623928...ae354a25");
    assert_message_id(&second["MessageId"]);
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (receive-message): with `--attribute-names All --message-attribute-names All` the message
/// carrying PostalCode "ABC123" and City "Any City" answers MD5OfMessageAttributes
/// 9424c491...26bc3ae7 and both attributes; with `--attribute-names SenderId SentTimestamp
/// --message-attribute-names PostalCode` it answers only those two system attributes, only
/// PostalCode, and MD5OfMessageAttributes b8e89563...e088e74f: the digest covers the
/// attributes returned, not every attribute of the message. (The example's MD5OfBody
/// "1000f835...a35411fa" is not the MD5 of "My first message.", so it is not checked.)
#[test]
fn receive_message_cli_example_digest_covers_only_the_returned_attributes() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({
                "QueueUrl": "${q}",
                "MessageBody": "My first message.",
                "MessageAttributes": {
                    "PostalCode": {"DataType": "String", "StringValue": "ABC123"},
                    "City": {"DataType": "String", "StringValue": "Any City"}
                }
            }),
        ),
        call(
            2.0,
            "ReceiveMessage",
            json!({
                "QueueUrl": "${q}",
                "AttributeNames": ["All"],
                "MessageAttributeNames": ["All"],
                "MaxNumberOfMessages": 10,
                "VisibilityTimeout": 0
            }),
        ),
        call(
            3.0,
            "ReceiveMessage",
            json!({
                "QueueUrl": "${q}",
                "AttributeNames": ["SenderId", "SentTimestamp"],
                "MessageAttributeNames": ["PostalCode"]
            }),
        ),
    ]);
    let all = &messages(&out[2])[0];
    assert_elided_digest(&all["MD5OfMessageAttributes"], "9424c491...26bc3ae7");
    assert_eq!(
        all["MessageAttributes"],
        json!({
            "PostalCode": {"DataType": "String", "StringValue": "ABC123"},
            "City": {"DataType": "String", "StringValue": "Any City"}
        })
    );
    assert_eq!(
        sorted_keys(&all["Attributes"]),
        [
            "ApproximateFirstReceiveTimestamp",
            "ApproximateReceiveCount",
            "SenderId",
            "SentTimestamp"
        ]
    );
    let some = &messages(&out[3])[0];
    assert_eq!(
        sorted_keys(&some["Attributes"]),
        ["SenderId", "SentTimestamp"]
    );
    assert_eq!(
        some["MessageAttributes"],
        json!({"PostalCode": {"DataType": "String", "StringValue": "ABC123"}})
    );
    assert_elided_digest(&some["MD5OfMessageAttributes"], "b8e89563...e088e74f");
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
/// MessageAttributeNames: "you can return all of the attributes by specifying All or .* in your
/// request. You can also use all message attributes starting with a prefix, for example bar.*".
#[test]
fn receive_message_attribute_names_accept_all_dot_star_and_prefixes() {
    let recv = |t: f64, names: Value| {
        call(
            t,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MessageAttributeNames": names, "VisibilityTimeout": 0}),
        )
    };
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({
                "QueueUrl": "${q}",
                "MessageBody": "m",
                "MessageAttributes": {
                    "bar.one": {"DataType": "String", "StringValue": "1"},
                    "bar.two": {"DataType": "Number", "StringValue": "2"},
                    "other": {"DataType": "String", "StringValue": "3"}
                }
            }),
        ),
        recv(2.0, json!(["All"])),
        recv(3.0, json!([".*"])),
        recv(4.0, json!(["bar.*"])),
        call(
            5.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "VisibilityTimeout": 0}),
        ),
    ]);
    let names = |line: &Value| sorted_keys(&messages(line)[0]["MessageAttributes"]);
    assert_eq!(names(&out[2]), ["bar.one", "bar.two", "other"]);
    assert_eq!(names(&out[3]), ["bar.one", "bar.two", "other"]);
    assert_eq!(names(&out[4]), ["bar.one", "bar.two"]);
    let none = &messages(&out[5])[0];
    assert!(none.get("MessageAttributes").is_none(), "{none}");
}

/// https://docs.aws.amazon.com/code-library/latest/ug/cli_2_sqs_code_examples.html
/// (start-message-move-task, list-message-move-tasks, cancel-message-move-task) and
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListMessageMoveTasksResultEntry.html:
/// StartMessageMoveTask answers a TaskHandle; a running task is listed with its TaskHandle,
/// Status RUNNING, SourceArn, DestinationArn, MaxNumberOfMessagesPerSecond 50,
/// ApproximateNumberOfMessagesMoved, ApproximateNumberOfMessagesToMove and StartedTimestamp
/// (epoch milliseconds); CancelMessageMoveTask answers ApproximateNumberOfMessagesMoved; only
/// one active task per source queue (API_StartMessageMoveTask).
#[test]
fn message_move_task_examples_start_list_and_cancel() {
    let policy = format!(
        "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":\"1\"}}",
        arn("MyQueue1")
    );
    let mut lines = vec![
        create(0.0, "MyQueue1", "dlq"),
        create(0.0, "MyQueue2", "dest"),
        create_with(0.0, "MySource", json!({"RedrivePolicy": policy}), "src"),
    ];
    for batch in 0..20 {
        let entries: Vec<Value> = (0..10)
            .map(|i| json!({"Id": format!("m{i}"), "MessageBody": format!("message {}", batch * 10 + i)}))
            .collect();
        lines.push(call(
            1.0,
            "SendMessageBatch",
            json!({"QueueUrl": "${dlq}", "Entries": entries}),
        ));
    }
    let first = lines.len();
    lines.extend([
        bind(
            call(
                2.0,
                "StartMessageMoveTask",
                json!({
                    "SourceArn": arn("MyQueue1"),
                    "DestinationArn": arn("MyQueue2"),
                    "MaxNumberOfMessagesPerSecond": 50
                }),
            ),
            json!({"task": "TaskHandle"}),
        ),
        call(
            2.5,
            "StartMessageMoveTask",
            json!({"SourceArn": arn("MyQueue1")}),
        ),
        call(
            3.0,
            "ListMessageMoveTasks",
            json!({"SourceArn": arn("MyQueue1"), "MaxResults": 2}),
        ),
        call(
            3.0,
            "CancelMessageMoveTask",
            json!({"TaskHandle": "${task}"}),
        ),
        counts(4.0, "${dest}"),
        counts(4.0, "${dlq}"),
    ]);
    let out = run(&lines);
    let started = ok(&out[first]);
    assert!(str_of(started, "TaskHandle").len() > 1, "{started}");
    assert!(
        err(&out[first + 1]).len() > 1,
        "a second active task is refused"
    );
    let results = ok(&out[first + 2])["Results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 1);
    let task = &results[0];
    assert_eq!(task["Status"], "RUNNING");
    assert_eq!(task["TaskHandle"], started["TaskHandle"]);
    assert_eq!(task["SourceArn"], arn("MyQueue1").as_str());
    assert_eq!(task["DestinationArn"], arn("MyQueue2").as_str());
    assert_eq!(task["MaxNumberOfMessagesPerSecond"], 50);
    assert_eq!(task["ApproximateNumberOfMessagesToMove"], 200);
    let moved = task["ApproximateNumberOfMessagesMoved"].as_u64().unwrap();
    assert!((1..200).contains(&moved), "about 50 a second: {task}");
    assert_eq!(
        task["StartedTimestamp"].as_u64(),
        Some((EPOCH_S + 2) * 1000),
        "{task}"
    );
    let cancelled = ok(&out[first + 3]);
    let moved_at_cancel = cancelled["ApproximateNumberOfMessagesMoved"]
        .as_u64()
        .expect("ApproximateNumberOfMessagesMoved");
    let (dest_visible, _, _) = count_values(&out[first + 4]);
    let (dlq_visible, _, _) = count_values(&out[first + 5]);
    assert_eq!(dest_visible, moved_at_cancel, "already moved messages stay");
    assert_eq!(dest_visible + dlq_visible, 200);
}

// ---------------------------------------------------------------------------------------------
// Developer Guide behaviours

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
/// "if the default timeout for a queue is 60 seconds, 15 seconds have elapsed since you received
/// the message, and you send a ChangeMessageVisibility call with VisibilityTimeout set to 10
/// seconds, the 10 seconds begin to count from the time that you make the
/// ChangeMessageVisibility call" (a total of 25 seconds). "the new timeout period applies only
/// to the particular receipt of the message."
#[test]
fn visibility_timeout_change_counts_from_the_call_and_applies_to_that_receipt_only() {
    let out = run(&[
        create_with(0.0, "MyQueue", json!({"VisibilityTimeout": "60"}), "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "m"}),
        ),
        bind(
            call(2.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
            json!({"rh": "Messages.0.ReceiptHandle"}),
        ),
        call(
            17.0,
            "ChangeMessageVisibility",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${rh}", "VisibilityTimeout": 10}),
        ),
        call(26.5, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(27.5, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        // The next receipt gets the queue's 60 s again, not the 10 s.
        call(38.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(87.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(88.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
    ]);
    assert_eq!(ok(&out[3]), &json!({}));
    assert!(messages(&out[4]).is_empty(), "still hidden at 24.5 s");
    assert_eq!(bodies(&out[5]), ["m"], "visible 10 s after the change");
    assert!(messages(&out[6]).is_empty());
    assert!(messages(&out[7]).is_empty());
    assert_eq!(bodies(&out[8]), ["m"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
/// "To terminate a message's visibility timeout after calling ReceiveMessage, call
/// ChangeMessageVisibility with VisibilityTimeout set to 0 seconds." The message is then
/// "immediately visible".
#[test]
fn visibility_timeout_zero_makes_the_message_visible_immediately() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "m"}),
        ),
        bind(
            call(2.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
            json!({"rh": "Messages.0.ReceiptHandle"}),
        ),
        call(3.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(
            4.0,
            "ChangeMessageVisibility",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${rh}", "VisibilityTimeout": 0}),
        ),
        call(
            4.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "AttributeNames": ["ApproximateReceiveCount"]}),
        ),
    ]);
    assert!(messages(&out[3]).is_empty());
    let m = messages(&out[5]);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["Attributes"]["ApproximateReceiveCount"], "2");
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
/// "The maximum visibility timeout is 12 hours from the time that Amazon SQS receives the
/// ReceiveMessage request. ... if you receive a message and immediately set the 12 hour maximum
/// by sending a ChangeMessageVisibility call with VisibilityTimeout equal to 43,200 seconds, it
/// will likely fail. However, using a value of 43,195 seconds will work".
#[test]
fn visibility_timeout_cannot_run_past_12_hours_from_the_receive() {
    let change = |t: f64, v: u32| {
        call(
            t,
            "ChangeMessageVisibility",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${rh}", "VisibilityTimeout": v}),
        )
    };
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "m"}),
        ),
        bind(
            call(2.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
            json!({"rh": "Messages.0.ReceiptHandle"}),
        ),
        change(3.0, 43_200),
        change(3.0, 43_195),
        change(3.0, 43_201),
    ]);
    assert_eq!(err(&out[3]), "InvalidParameterValue");
    assert_eq!(ok(&out[4]), &json!({}));
    assert_eq!(err(&out[5]), "InvalidParameterValue");
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
/// "Amazon SQS sends a response after it collects at least one available message, up to the
/// maximum number of messages specified in the request. Amazon SQS sends an empty response only
/// if the polling wait time expires."
#[test]
fn long_poll_answers_when_a_message_arrives_or_when_the_wait_ends() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "WaitTimeSeconds": 20, "MaxNumberOfMessages": 10}),
        ),
        call(
            6.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "arrives during the wait"}),
        ),
        call(
            30.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "WaitTimeSeconds": 5}),
        ),
    ]);
    assert_eq!(bodies(&out[1]), ["arrives during the wait"]);
    assert_eq!(out[1]["t"], 1.0);
    assert_eq!(
        out[1]["t_done"], 6.0,
        "answers as soon as the message arrives"
    );
    assert!(messages(&out[3]).is_empty());
    assert_eq!(out[3]["t_done"], 35.0, "answers empty when the wait ends");
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-short-and-long-polling.html
/// "Short polling occurs when the WaitTimeSeconds parameter of a ReceiveMessage request is set
/// to 0 in one of two ways: The ReceiveMessage call sets WaitTimeSeconds to 0. The
/// ReceiveMessage call doesn't set WaitTimeSeconds, but the queue attribute
/// ReceiveMessageWaitTimeSeconds is set to 0." Otherwise the queue attribute's wait applies.
#[test]
fn queue_receive_wait_time_long_polls_unless_the_call_asks_for_zero() {
    let out = run(&[
        create_with(
            0.0,
            "MyQueue",
            json!({"ReceiveMessageWaitTimeSeconds": "20"}),
            "q",
        ),
        call(1.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(
            2.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "WaitTimeSeconds": 0}),
        ),
        call(
            5.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "m"}),
        ),
    ]);
    assert_eq!(bodies(&out[1]), ["m"]);
    assert_eq!(out[1]["t_done"], 5.0);
    assert!(messages(&out[2]).is_empty());
    assert_eq!(out[2]["t_done"], 2.0);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
/// "For each message group ID, all messages are sent and received in strict order." "When you
/// receive a message with a message group ID, no more messages for the same message group ID are
/// returned unless you delete the message or it becomes visible." Other groups stay receivable.
#[test]
fn fifo_group_is_ordered_and_locked_while_a_message_is_in_flight() {
    let send = |t: f64, body: &str, group: &str| {
        call(
            t,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": body, "MessageGroupId": group}),
        )
    };
    let out = run(&[
        create_with(
            0.0,
            "orders.fifo",
            json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
            "q",
        ),
        send(1.0, "order-1 created", "order-1"),
        send(2.0, "order-1 paid", "order-1"),
        send(3.0, "order-2 created", "order-2"),
        bind(
            call(4.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
            json!({"rh": "Messages.0.ReceiptHandle"}),
        ),
        call(5.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(6.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        call(
            7.0,
            "DeleteMessage",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${rh}"}),
        ),
        call(8.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
    ]);
    assert_eq!(
        ok(&out[0]),
        &json!({"QueueUrl": url("orders.fifo")}),
        "FIFO queue URLs keep the .fifo suffix"
    );
    assert_eq!(bodies(&out[4]), ["order-1 created"]);
    assert_eq!(
        bodies(&out[5]),
        ["order-2 created"],
        "another group is free"
    );
    assert!(messages(&out[6]).is_empty(), "order-1 is locked");
    assert_eq!(bodies(&out[8]), ["order-1 paid"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html
/// "Amazon SQS first attempts to return as many messages with the same message group ID as
/// possible ... if there are fewer than 10 messages available with the same message group ID,
/// you might receive messages from another message group ID, in the same batch of 10 messages,
/// but still in FIFO order." API_SendMessageBatch: FIFO entries keep the order given.
#[test]
fn fifo_receive_fills_the_batch_from_the_same_group_first() {
    let out = run(&[
        create_with(
            0.0,
            "q.fifo",
            json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
            "q",
        ),
        call(
            1.0,
            "SendMessageBatch",
            json!({"QueueUrl": "${q}", "Entries": [
                {"Id": "a", "MessageBody": "g-1", "MessageGroupId": "g"},
                {"Id": "b", "MessageBody": "g-2", "MessageGroupId": "g"},
                {"Id": "c", "MessageBody": "h-1", "MessageGroupId": "h"},
                {"Id": "d", "MessageBody": "g-3", "MessageGroupId": "g"}
            ]}),
        ),
        call(
            2.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10}),
        ),
    ]);
    let r = ok(&out[1]);
    assert_eq!(r["Failed"], json!([]));
    let seq: Vec<u128> = r["Successful"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ["a", "b", "d"].contains(&e["Id"].as_str().unwrap()))
        .map(|e| str_of(e, "SequenceNumber").parse().unwrap())
        .collect();
    assert!(seq.windows(2).all(|w| w[0] < w[1]), "{seq:?}");
    assert_eq!(bodies(&out[2]), ["g-1", "g-2", "g-3", "h-1"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
/// MessageDeduplicationId: "any messages sent with the same MessageDeduplicationId are accepted
/// successfully but aren't delivered during the 5-minute deduplication interval"; with
/// ContentBasedDeduplication "Amazon SQS uses a SHA-256 hash to generate the
/// MessageDeduplicationId using the body of the message"; "The MessageDeduplicationId is
/// available to the consumer of the message". SequenceNumber "continues to increase for a
/// particular MessageGroupId". ReceiveMessage All returns MessageGroupId,
/// MessageDeduplicationId and SequenceNumber for FIFO messages (API_Message).
#[test]
fn fifo_content_based_deduplication_accepts_a_duplicate_without_delivering_it() {
    let send = |t: f64, body: &str| {
        call(
            t,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": body, "MessageGroupId": "order-1"}),
        )
    };
    let out = run(&[
        create_with(
            0.0,
            "orders.fifo",
            json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
            "q",
        ),
        send(1.0, "order-1 created"),
        send(2.0, "order-1 paid"),
        send(3.0, "order-1 created"),
        counts(4.0, "${q}"),
        call(
            5.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10, "AttributeNames": ["All"]}),
        ),
    ]);
    let first = ok(&out[1]);
    let second = ok(&out[2]);
    let dup = ok(&out[3]);
    assert_message_id(&first["MessageId"]);
    let s1: u128 = str_of(first, "SequenceNumber").parse().unwrap();
    let s2: u128 = str_of(second, "SequenceNumber").parse().unwrap();
    assert!(s1 < s2, "SequenceNumber increases within the group");
    assert_eq!(dup["MD5OfMessageBody"], first["MD5OfMessageBody"]);
    assert_eq!(
        count_values(&out[4]),
        (2, 0, 0),
        "the duplicate is not stored"
    );
    let msgs = messages(&out[5]);
    assert_eq!(
        msgs.iter().map(|m| m["Body"].clone()).collect::<Vec<_>>(),
        ["order-1 created", "order-1 paid"]
    );
    let a = &msgs[0]["Attributes"];
    assert_eq!(a["MessageGroupId"], "order-1");
    // SHA-256 of "order-1 created".
    assert_eq!(
        a["MessageDeduplicationId"],
        "4ee55d99e718cbe6b7aa1e94c806ea3bd8d951f1f9632f105fbd4b7ab9938ffb"
    );
    assert_eq!(a["SequenceNumber"], first["SequenceNumber"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
/// "If a message is sent successfully but the acknowledgement is lost and the message is resent
/// with the same MessageDeduplicationId after the deduplication interval, Amazon SQS can't
/// detect duplicate messages." An explicit MessageDeduplicationId dedups regardless of body.
#[test]
fn fifo_deduplication_interval_is_five_minutes() {
    let send = |t: f64, body: &str| {
        call(
            t,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": body, "MessageGroupId": "g", "MessageDeduplicationId": "id-1"}),
        )
    };
    let out = run(&[
        create_with(0.0, "plain.fifo", json!({"FifoQueue": "true"}), "q"),
        send(1.0, "first"),
        send(2.0, "different body, same id"),
        send(302.0, "after the 5-minute interval"),
        call(
            303.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10}),
        ),
    ]);
    assert_eq!(ok(&out[2])["MessageId"], ok(&out[1])["MessageId"]);
    assert_ne!(ok(&out[3])["MessageId"], ok(&out[1])["MessageId"]);
    assert_eq!(bodies(&out[4]), ["first", "after the 5-minute interval"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
/// FIFO rules: "If you do not provide a MessageGroupId when sending a message to a FIFO queue,
/// the action fails." "If you don't provide a MessageDeduplicationId and the queue doesn't have
/// ContentBasedDeduplication set, the action fails with an error." DelaySeconds: "When you set
/// FifoQueue, you can't set DelaySeconds per message."
#[test]
fn fifo_send_requires_a_group_and_a_deduplication_id_and_refuses_message_timers() {
    let out = run(&[
        create_with(0.0, "plain.fifo", json!({"FifoQueue": "true"}), "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "no group", "MessageDeduplicationId": "d1"}),
        ),
        call(
            2.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "no dedup id", "MessageGroupId": "g"}),
        ),
        call(
            3.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "timer", "MessageGroupId": "g", "MessageDeduplicationId": "d2", "DelaySeconds": 10}),
        ),
    ]);
    assert_eq!(err(&out[1]), "MissingParameter");
    assert_eq!(err(&out[2]), "InvalidParameterValue");
    assert_eq!(err(&out[3]), "InvalidParameterValue");
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
/// ReceiveRequestAttemptId: "During a visibility timeout, subsequent calls with the same
/// ReceiveRequestAttemptId return the same messages and receipt handles."
#[test]
fn fifo_receive_request_attempt_id_returns_the_same_messages_and_handles() {
    let out = run(&[
        create_with(
            0.0,
            "q.fifo",
            json!({"FifoQueue": "true", "ContentBasedDeduplication": "true"}),
            "q",
        ),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "a", "MessageGroupId": "g"}),
        ),
        call(
            2.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "ReceiveRequestAttemptId": "attempt-1"}),
        ),
        call(
            3.0,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "ReceiveRequestAttemptId": "attempt-1"}),
        ),
        call(4.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
    ]);
    let first = messages(&out[2]);
    let retry = messages(&out[3]);
    assert_eq!(first.len(), 1);
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0]["MessageId"], first[0]["MessageId"]);
    assert_eq!(retry[0]["ReceiptHandle"], first[0]["ReceiptHandle"]);
    assert!(messages(&out[4]).is_empty());
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
/// "When working with FIFO queues, DeleteMessage operations will fail if the request is
/// received outside of the visibility timeout window."
#[test]
fn fifo_delete_after_the_visibility_timeout_fails() {
    let out = run(&[
        create_with(
            0.0,
            "q.fifo",
            json!({"FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "5"}),
            "q",
        ),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "a", "MessageGroupId": "g"}),
        ),
        bind(
            call(2.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
            json!({"rh": "Messages.0.ReceiptHandle"}),
        ),
        call(
            10.0,
            "DeleteMessage",
            json!({"QueueUrl": "${q}", "ReceiptHandle": "${rh}"}),
        ),
    ]);
    assert_eq!(messages(&out[2]).len(), 1);
    assert!(out[3].get("error").is_some(), "{}", out[3]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
/// "The maxReceiveCount is the number of times a consumer tries receiving a message from a queue
/// without deleting it before being moved to the dead-letter queue." API_SetQueueAttributes:
/// "When the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS
/// moves the message to the dead-letter-queue." API_Message: DeadLetterQueueSourceArn.
#[test]
fn dead_letter_queue_gets_the_message_once_max_receive_count_is_exceeded() {
    let out = run_example("dlq_redrive");
    // 0 CreateQueue dlq, 1 QueueArn, 2 CreateQueue orders, 3 RedrivePolicy, 4 SendMessage,
    // 5-6 two receives, 7 third receive, 8 DLQ count, 9 ListDeadLetterSourceQueues,
    // 10 receive from the DLQ, 11 StartMessageMoveTask, 12 ListMessageMoveTasks,
    // 13 receive from orders, 14 DLQ count.
    let id = ok(&out[4])["MessageId"].clone();
    assert_eq!(
        messages(&out[5])[0]["Attributes"]["ApproximateReceiveCount"],
        "1"
    );
    assert_eq!(
        messages(&out[6])[0]["Attributes"]["ApproximateReceiveCount"],
        "2"
    );
    assert!(
        messages(&out[7]).is_empty(),
        "moved instead of a 3rd receive"
    );
    assert_eq!(
        ok(&out[8])["Attributes"]["ApproximateNumberOfMessages"],
        "1"
    );
    assert_eq!(ok(&out[9]), &json!({"queueUrls": [url("orders")]}));
    let moved = &messages(&out[10])[0];
    assert_eq!(moved["MessageId"], id);
    assert_eq!(moved["Body"], "poison pill");
    assert_eq!(
        moved["Attributes"]["DeadLetterQueueSourceArn"],
        arn("orders").as_str()
    );
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-configure-dead-letter-queue-redrive.html
/// (and sqs-dead-letter-queues.html): the redrive task moves the messages back to the source
/// queue; "all redriven messages are considered new messages with a new messageid, enqueueTime,
/// and retention period." A finished task is listed as COMPLETED without a TaskHandle
/// (API_ListMessageMoveTasksResultEntry: "When this field is returned, the response is for a
/// task that is running").
#[test]
fn redrive_moves_messages_back_with_a_new_message_id() {
    let out = run_example("dlq_redrive");
    let id = ok(&out[4])["MessageId"].clone();
    assert!(str_of(ok(&out[11]), "TaskHandle").len() > 1);
    let tasks = ok(&out[12])["Results"].as_array().unwrap().clone();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["Status"], "COMPLETED");
    assert_eq!(tasks[0]["SourceArn"], arn("orders-dlq").as_str());
    assert_eq!(tasks[0]["ApproximateNumberOfMessagesMoved"], 1);
    assert!(tasks[0].get("TaskHandle").is_none(), "{}", tasks[0]);
    let back = &messages(&out[13])[0];
    assert_eq!(back["Body"], "poison pill");
    assert_message_id(&back["MessageId"]);
    assert_ne!(back["MessageId"], id, "a new message ID");
    assert_eq!(back["Attributes"]["ApproximateReceiveCount"], "1");
    assert_eq!(
        ok(&out[14])["Attributes"]["ApproximateNumberOfMessages"],
        "0"
    );
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
/// "The expiration of a message is always based on its original enqueue timestamp. When a
/// message is moved to a dead-letter queue, the enqueue timestamp is unchanged."
#[test]
fn dead_letter_queue_expiry_counts_from_the_original_enqueue_time() {
    let out = run(&[
        create_with(0.0, "dlq", json!({"MessageRetentionPeriod": "120"}), "dlq"),
        create_with(
            0.0,
            "src",
            json!({"VisibilityTimeout": "0", "RedrivePolicy": format!(
                "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":1}}",
                arn("dlq")
            )}),
            "src",
        ),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${src}", "MessageBody": "m"}),
        ),
        call(50.0, "ReceiveMessage", json!({"QueueUrl": "${src}"})),
        call(51.0, "ReceiveMessage", json!({"QueueUrl": "${src}"})),
        counts(52.0, "${dlq}"),
        counts(115.0, "${dlq}"),
        counts(125.0, "${dlq}"),
    ]);
    assert_eq!(bodies(&out[3]), ["m"]);
    assert!(messages(&out[4]).is_empty());
    assert_eq!(count_values(&out[5]).0, 1);
    assert_eq!(count_values(&out[6]).0, 1);
    assert_eq!(
        count_values(&out[7]).0,
        0,
        "sent at 1 s, retention 120 s: gone by 125 s although it reached the DLQ at 51 s"
    );
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-delay-queues.html
/// and sqs-message-timers.html: a delay queue hides each new message for DelaySeconds; a
/// message timer (SendMessage DelaySeconds) overrides the queue's delay for that message.
/// API_GetQueueAttributes: delayed messages count in ApproximateNumberOfMessagesDelayed.
#[test]
fn delay_queue_hides_new_messages_and_a_message_timer_overrides_it() {
    let recv = |t: f64| {
        call(
            t,
            "ReceiveMessage",
            json!({"QueueUrl": "${q}", "MaxNumberOfMessages": 10, "VisibilityTimeout": 0}),
        )
    };
    let out = run(&[
        create_with(0.0, "delay", json!({"DelaySeconds": "45"}), "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "queue delay"}),
        ),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "timer", "DelaySeconds": 5}),
        ),
        counts(2.0, "${q}"),
        recv(5.5),
        recv(6.5),
        recv(45.5),
        recv(46.5),
    ]);
    assert_eq!(count_values(&out[3]), (0, 0, 2));
    assert!(messages(&out[4]).is_empty());
    assert_eq!(bodies(&out[5]), ["timer"]);
    assert_eq!(bodies(&out[6]), ["timer"]);
    let mut b = bodies(&out[7]);
    b.sort();
    assert_eq!(b, ["queue delay", "timer"]);
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_PurgeQueue.html
/// "Deletes available messages in a queue (including in-flight messages)"; "you can't send
/// another PurgeQueue request within 60 seconds" (PurgeQueueInProgress).
#[test]
fn purge_queue_deletes_in_flight_messages_and_only_once_a_minute() {
    let out = run(&[
        create(0.0, "MyQueue", "q"),
        call(
            1.0,
            "SendMessageBatch",
            json!({"QueueUrl": "${q}", "Entries": [
                {"Id": "a", "MessageBody": "a"},
                {"Id": "b", "MessageBody": "b"}
            ]}),
        ),
        call(2.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
        counts(3.0, "${q}"),
        call(4.0, "PurgeQueue", json!({"QueueUrl": "${q}"})),
        call(10.0, "PurgeQueue", json!({"QueueUrl": "${q}"})),
        counts(70.0, "${q}"),
        call(70.0, "PurgeQueue", json!({"QueueUrl": "${q}"})),
    ]);
    assert_eq!(count_values(&out[3]), (1, 1, 0));
    assert_eq!(ok(&out[4]), &json!({}));
    assert_eq!(err(&out[5]), "PurgeQueueInProgress");
    assert_eq!(count_values(&out[6]), (0, 0, 0));
    assert_eq!(ok(&out[7]), &json!({}));
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
/// MessageRetentionPeriod: "The length of time, in seconds, for which Amazon SQS retains a
/// message" (60 to 1,209,600).
#[test]
fn messages_expire_after_the_retention_period() {
    let out = run(&[
        create_with(0.0, "short", json!({"MessageRetentionPeriod": "60"}), "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "expires"}),
        ),
        counts(60.0, "${q}"),
        counts(62.0, "${q}"),
        call(62.0, "ReceiveMessage", json!({"QueueUrl": "${q}"})),
    ]);
    assert_eq!(count_values(&out[2]).0, 1);
    assert_eq!(count_values(&out[3]).0, 0);
    assert!(messages(&out[4]).is_empty());
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
/// "If you provide the name of an existing queue along with the exact names and values of all
/// the queue's attributes, CreateQueue returns the queue URL for the existing queue. If the
/// queue name, attribute names, or attribute values don't match an existing queue, CreateQueue
/// returns an error" (QueueNameExists); "After you delete a queue, you must wait at least 60
/// seconds before creating a queue with the same name" (QueueDeletedRecently).
#[test]
fn create_queue_is_idempotent_only_with_identical_attributes() {
    let out = run(&[
        create_with(0.0, "MyQueue", json!({"VisibilityTimeout": "30"}), "q"),
        call(
            1.0,
            "CreateQueue",
            json!({"QueueName": "MyQueue", "Attributes": {"VisibilityTimeout": "30"}}),
        ),
        call(
            2.0,
            "CreateQueue",
            json!({"QueueName": "MyQueue", "Attributes": {"VisibilityTimeout": "60"}}),
        ),
        call(3.0, "DeleteQueue", json!({"QueueUrl": "${q}"})),
        call(10.0, "CreateQueue", json!({"QueueName": "MyQueue"})),
        call(64.0, "CreateQueue", json!({"QueueName": "MyQueue"})),
    ]);
    assert_eq!(ok(&out[1]), &json!({"QueueUrl": url("MyQueue")}));
    assert_eq!(err(&out[2]), "QueueNameExists");
    assert_eq!(ok(&out[3]), &json!({}));
    assert_eq!(err(&out[4]), "QueueDeletedRecently");
    assert_eq!(ok(&out[5]), &json!({"QueueUrl": url("MyQueue")}));
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
/// MaximumMessageSize: "The limit of how many bytes a message can contain before Amazon SQS
/// rejects it. Valid values: An integer from 1,024 bytes (1 KiB) up to 1,048,576 bytes
/// (1 MiB)." API_SendMessage MessageBody: "The minimum size is one character."
#[test]
fn maximum_message_size_rejects_a_longer_body() {
    let out = run(&[
        create_with(0.0, "small", json!({"MaximumMessageSize": "1024"}), "q"),
        call(
            1.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "x".repeat(1024)}),
        ),
        call(
            2.0,
            "SendMessage",
            json!({"QueueUrl": "${q}", "MessageBody": "x".repeat(1025)}),
        ),
        call(
            3.0,
            "CreateQueue",
            json!({"QueueName": "tiny", "Attributes": {"MaximumMessageSize": "1023"}}),
        ),
    ]);
    assert_message_id(&ok(&out[1])["MessageId"]);
    assert_eq!(err(&out[2]), "InvalidParameterValue");
    assert_eq!(err(&out[3]), "InvalidAttributeValue");
}

/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
/// FIFO attributes and their defaults: FifoQueue "true", ContentBasedDeduplication (default
/// false), DeduplicationScope (messageGroup | queue, default queue), FifoThroughputLimit
/// (perQueue | perMessageGroupId, default perQueue). API_CreateQueue: "You can't change the
/// queue type after you create it".
#[test]
fn fifo_queue_attributes_have_the_documented_defaults() {
    let out = run(&[
        create_with(0.0, "f.fifo", json!({"FifoQueue": "true"}), "q"),
        call(
            1.0,
            "GetQueueAttributes",
            json!({"QueueUrl": "${q}", "AttributeNames": ["All"]}),
        ),
        call(
            2.0,
            "SetQueueAttributes",
            json!({"QueueUrl": "${q}", "Attributes": {"FifoQueue": "false"}}),
        ),
    ]);
    let a = &ok(&out[1])["Attributes"];
    assert_eq!(a["FifoQueue"], "true");
    assert_eq!(a["ContentBasedDeduplication"], "false");
    assert_eq!(a["DeduplicationScope"], "queue");
    assert_eq!(a["FifoThroughputLimit"], "perQueue");
    assert_eq!(a["QueueArn"], arn("f.fifo").as_str());
    assert!(out[2].get("error").is_some(), "{}", out[2]);
}

/// Error codes from each operation's "Errors" section in the API Reference
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_<Operation>.html)
/// and the Developer Guide's error example
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html:
/// Code InvalidParameterValue, "Value (quename_nonalpha) for parameter QueueName is invalid.").
#[test]
fn documented_error_codes() {
    let out = run_example("errors");
    let codes: Vec<(&str, Option<&str>)> = out
        .iter()
        .map(|l| (l["op"].as_str().unwrap(), l["error"]["Code"].as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("GetQueueUrl", Some("QueueDoesNotExist")),
            ("SendMessage", Some("QueueDoesNotExist")),
            ("CreateQueue", None),
            ("CreateQueue", None),
            ("CreateQueue", Some("QueueNameExists")),
            ("CreateQueue", Some("InvalidParameterValue")),
            ("CreateQueue", Some("InvalidAttributeValue")),
            ("CreateQueue", Some("InvalidAttributeName")),
            ("SendMessage", Some("MissingParameter")),
            ("SendMessage", Some("InvalidParameterValue")),
            ("SendMessage", Some("InvalidMessageContents")),
            ("ReceiveMessage", Some("InvalidParameterValue")),
            ("ReceiveMessage", Some("InvalidParameterValue")),
            ("ReceiveMessage", Some("InvalidParameterValue")),
            ("DeleteMessage", Some("ReceiptHandleIsInvalid")),
            ("ChangeMessageVisibility", Some("ReceiptHandleIsInvalid")),
            ("GetQueueAttributes", Some("InvalidAttributeName")),
            ("PurgeQueue", None),
            ("PurgeQueue", Some("PurgeQueueInProgress")),
            ("DeleteQueue", None),
            ("CreateQueue", Some("QueueDeletedRecently")),
            ("StartMessageMoveTask", Some("ResourceNotFoundException")),
            ("CreateQueue", None),
        ]
    );
    for line in &out {
        if let Some(e) = line.get("error") {
            assert_eq!(sorted_keys(e), ["Code", "Message"], "{line}");
            assert!(!str_of(e, "Message").is_empty(), "{line}");
        }
    }
    assert_eq!(
        out[0]["error"]["Message"], "The specified queue does not exist.",
        "the documented QueueDoesNotExist text"
    );
}

/// Batch validation errors listed on
/// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
/// (EmptyBatchRequest, BatchEntryIdsNotDistinct, InvalidBatchEntryId,
/// TooManyEntriesInBatchRequest: "The batch request contains more entries than permissible. For
/// Amazon SQS, the maximum number of entries you can include in a single SendMessageBatch,
/// DeleteMessageBatch, or ChangeMessageVisibilityBatch request is 10.") and its partial-failure
/// contract: "The result of sending each message is reported individually in the response.
/// Because the batch request can result in a combination of successful and unsuccessful
/// actions, you should check for batch errors even when the call returns an HTTP status code of
/// 200." A bad entry is reported in Failed with Id, SenderFault, Code and Message
/// (API_BatchResultErrorEntry).
#[test]
fn batch_calls_report_partial_failures_and_reject_malformed_batches() {
    let out = run_example("batch_partial_failure");
    // 1 the API Reference example, 2 one bad body, 3 receive, 4 change visibility, 5 delete
    // with a bogus handle, 6-9 malformed batches, 10 the delayed message.
    let r = ok(&out[2]);
    assert_eq!(r["Successful"].as_array().unwrap().len(), 1);
    assert_eq!(r["Successful"][0]["Id"], "ok");
    let failed = r["Failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["Id"], "bad");
    assert_eq!(failed[0]["Code"], "InvalidMessageContents");
    assert_eq!(failed[0]["SenderFault"], true);
    assert!(failed[0]["Message"].is_string());

    let d = ok(&out[5]);
    let mut ok_ids: Vec<&str> = d["Successful"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Id"].as_str().unwrap())
        .collect();
    ok_ids.sort();
    assert_eq!(ok_ids, ["FirstMessage", "SecondMessage"]);
    let failed = d["Failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["Id"], "Bogus");
    assert_eq!(failed[0]["Code"], "ReceiptHandleIsInvalid");
    assert_eq!(failed[0]["SenderFault"], true);

    assert_eq!(err(&out[6]), "EmptyBatchRequest");
    assert_eq!(err(&out[7]), "BatchEntryIdsNotDistinct");
    assert_eq!(err(&out[8]), "InvalidBatchEntryId");
    assert_eq!(err(&out[9]), "TooManyEntriesInBatchRequest");
    assert_eq!(bodies(&out[10]), ["test message body 2"]);
}

// ---------------------------------------------------------------------------------------------
// The runnable examples in examples/api

/// Every script in examples/api runs cleanly: exit status 0, one answer per call, each answer a
/// response or an AWS error (never the runner's own InternalError or an unknown operation).
#[test]
fn every_example_script_runs_cleanly() {
    let mut names: Vec<String> = std::fs::read_dir(examples_dir())
        .expect("examples/api exists")
        .filter_map(|e| {
            let p = e.ok()?.path();
            if p.extension()? != "jsonl" {
                return None;
            }
            Some(p.file_stem()?.to_str()?.to_string())
        })
        .collect();
    names.sort();
    for expected in [
        "basic_send_receive_delete",
        "batch_partial_failure",
        "dlq_redrive",
        "errors",
        "fifo_ordering_dedup",
        "kinesis-basics",
        "kinesis-errors",
        "kinesis-resharding",
        "long_polling",
        "s3-events",
        "sns-fanout",
        "sns-filter",
        "visibility_timeout",
    ] {
        assert!(names.iter().any(|n| n == expected), "missing {expected}");
    }
    for name in &names {
        for line in run_example(name) {
            assert!(
                line.get("response").is_some() != line.get("error").is_some(),
                "{name}: {line}"
            );
            if let Some(code) = line["error"]["Code"].as_str() {
                assert!(
                    ![
                        "InternalError",
                        "UnknownOperationException",
                        "UnsupportedOperation"
                    ]
                    .contains(&code),
                    "{name}: {line}"
                );
            }
        }
    }
}

/// examples/api/basic_send_receive_delete.jsonl: the API Reference SendMessage and
/// ReceiveMessage examples, then delete (see the tests above for the sources).
#[test]
fn example_basic_send_receive_delete() {
    let out = run_example("basic_send_receive_delete");
    let sent = ok(&out[1]);
    assert_eq!(sent["MD5OfMessageBody"], "fafb00f5732ab283681e124bf8747ed1");
    assert_eq!(
        sent["MD5OfMessageAttributes"],
        "c48838208d2b4e14e3ca0093a8443f09"
    );
    assert_eq!(
        ok(&out[2])["Attributes"],
        json!({"ApproximateNumberOfMessages": "1", "ApproximateNumberOfMessagesNotVisible": "0"})
    );
    let m = &messages(&out[3])[0];
    assert_eq!(m["MessageId"], sent["MessageId"]);
    assert_eq!(m["MD5OfMessageAttributes"], sent["MD5OfMessageAttributes"]);
    assert_eq!(
        ok(&out[4])["Attributes"],
        json!({"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "1"})
    );
    assert_eq!(ok(&out[5]), &json!({}));
    assert!(messages(&out[6]).is_empty());
    assert_eq!(
        ok(&out[7])["Attributes"]["ApproximateNumberOfMessages"],
        "0"
    );
}

/// examples/api/visibility_timeout.jsonl: the Developer Guide's 60 s / 15 s / 10 s example,
/// terminating visibility with 0, a per-receive VisibilityTimeout and the 12-hour ceiling.
#[test]
fn example_visibility_timeout() {
    let out = run_example("visibility_timeout");
    let count = |i: usize| messages(&out[i])[0]["Attributes"]["ApproximateReceiveCount"].clone();
    assert_eq!(count(2), "1");
    assert!(messages(&out[3]).is_empty());
    assert_eq!(ok(&out[4]), &json!({}));
    assert!(
        messages(&out[5]).is_empty(),
        "hidden until 10 s after the change"
    );
    assert_eq!(count(6), "2");
    assert!(
        messages(&out[7]).is_empty(),
        "the 10 s was for one receipt only"
    );
    assert_eq!(ok(&out[8]), &json!({}));
    assert_eq!(count(9), "3", "visible at once after VisibilityTimeout 0");
    assert!(messages(&out[10]).is_empty());
    assert_eq!(count(11), "4", "the per-receive 5 s ended");
    assert_eq!(err(&out[12]), "InvalidParameterValue");
    assert_eq!(ok(&out[13]), &json!({}));
    assert_eq!(ok(&out[14]), &json!({}));
    assert_eq!(
        ok(&out[15])["Attributes"],
        json!({"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"})
    );
}

/// examples/api/long_polling.jsonl: a long poll overlapped by a send, a long poll that times
/// out, and the queue's ReceiveMessageWaitTimeSeconds.
#[test]
fn example_long_polling() {
    let out = run_example("long_polling");
    assert_eq!(out[1]["t_done"], 6.0);
    assert_eq!(bodies(&out[1]), ["arrives during the wait"]);
    assert_eq!(out[3]["t_done"], 15.0);
    assert!(messages(&out[3]).is_empty());
    assert_eq!(out[5]["t_done"], 30.0);
    assert_eq!(bodies(&out[5]), ["second"]);
    assert_eq!(out[6]["t_done"], 22.0);
    assert!(messages(&out[6]).is_empty());
}

/// examples/api/fifo_ordering_dedup.jsonl: group order and locking, content-based and explicit
/// deduplication (5-minute interval), and the FIFO send errors.
#[test]
fn example_fifo_ordering_dedup() {
    let out = run_example("fifo_ordering_dedup");
    assert_eq!(ok(&out[4])["MessageId"], ok(&out[1])["MessageId"]);
    assert_eq!(
        ok(&out[5])["Attributes"]["ApproximateNumberOfMessages"],
        "3"
    );
    assert_eq!(bodies(&out[6]), ["order-1 created"]);
    assert_eq!(bodies(&out[7]), ["order-2 created"]);
    assert!(messages(&out[8]).is_empty());
    assert_eq!(bodies(&out[10]), ["order-1 paid"]);
    assert_eq!(err(&out[11]), "MissingParameter");
    assert_eq!(err(&out[12]), "InvalidParameterValue");
    assert_eq!(err(&out[14]), "InvalidParameterValue");
    assert_eq!(ok(&out[16])["MessageId"], ok(&out[15])["MessageId"]);
    assert_ne!(ok(&out[17])["MessageId"], ok(&out[15])["MessageId"]);
    assert_eq!(bodies(&out[18]), ["first", "after the 5-minute interval"]);
}
