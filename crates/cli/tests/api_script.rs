//! `mqlab api`: scripts of AWS calls replayed line by line.

mod common;

use common::{mqlab, text, write_temp};
use mqlab_cli::run_script;
use serde_json::{json, Value};

const CREATE: &str = r#"{"t":0,"svc":"sqs","op":"CreateQueue","params":{"QueueName":"q1"},"bind":{"url":"QueueUrl"}}"#;

fn run(script: &str) -> Vec<Value> {
    let mut out = Vec::new();
    run_script(script, 0, &mut out).unwrap_or_else(|e| panic!("script failed: {e}"));
    let out = String::from_utf8(out).unwrap();
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad output line {l}: {e}")))
        .collect()
}

fn script(lines: &[&str]) -> String {
    lines.join("\n") + "\n"
}

#[test]
fn create_send_receive_give_the_documented_answers() {
    let out = run(&script(&[
        CREATE,
        r#"{"t":1,"svc":"sqs","op":"SendMessage","params":{"QueueUrl":"${url}","MessageBody":"hello"},"bind":{"id":"MessageId"}}"#,
        r#"{"t":2,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","MaxNumberOfMessages":10}}"#,
    ]));
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[0],
        json!({"t": 0.0, "t_done": 0.0, "op": "CreateQueue",
               "response": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q1"}})
    );
    assert_eq!(out[1]["op"], "SendMessage");
    assert_eq!(out[1]["t"], 1.0);
    assert_eq!(
        out[1]["response"]["MD5OfMessageBody"],
        "5d41402abc4b2a76b9719d911017c592"
    );
    let id = out[1]["response"]["MessageId"].as_str().unwrap();
    let msgs = out[2]["response"]["Messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0]["Body"], "hello");
    assert_eq!(msgs[0]["MessageId"], id);
    assert_eq!(msgs[0]["MD5OfBody"], "5d41402abc4b2a76b9719d911017c592");
    assert!(msgs[0]["ReceiptHandle"]
        .as_str()
        .is_some_and(|s| !s.is_empty()));
}

#[test]
fn output_members_come_in_the_documented_order() {
    let mut out = Vec::new();
    run_script(&script(&[CREATE]), 0, &mut out).unwrap();
    let line = String::from_utf8(out).unwrap();
    assert!(
        line.starts_with(r#"{"t":0.0,"t_done":0.0,"op":"CreateQueue","response":{"#),
        "{line}"
    );
    assert!(line.ends_with("}\n"));
}

#[test]
fn a_long_poll_overlaps_later_lines_and_output_stays_in_input_order() {
    let out = run(&script(&[
        CREATE,
        r#"{"t":1,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","WaitTimeSeconds":10,"MaxNumberOfMessages":10},"bind":{"rh":"Messages.0.ReceiptHandle"}}"#,
        r#"{"t":3,"svc":"sqs","op":"SendMessage","params":{"QueueUrl":"${url}","MessageBody":"hello"}}"#,
        r#"{"t":4,"svc":"sqs","op":"DeleteMessage","params":{"QueueUrl":"${url}","ReceiptHandle":"${rh}"}}"#,
    ]));
    let ops: Vec<&str> = out.iter().map(|l| l["op"].as_str().unwrap()).collect();
    assert_eq!(
        ops,
        [
            "CreateQueue",
            "ReceiveMessage",
            "SendMessage",
            "DeleteMessage"
        ]
    );
    assert_eq!(out[1]["t"], 1.0);
    assert_eq!(out[1]["t_done"], 3.0, "{}", out[1]);
    assert_eq!(out[1]["response"]["Messages"][0]["Body"], "hello");
    assert_eq!(out[2]["t"], 3.0);
    assert_eq!(out[2]["t_done"], 3.0);
    // The receipt handle bound when the long poll completed reached the later line.
    assert!(out[3].get("error").is_none(), "{}", out[3]);
    assert_eq!(out[3]["t_done"], 4.0);
}

#[test]
fn a_long_poll_that_finds_nothing_ends_with_its_wait_even_after_the_last_line() {
    let out = run(&script(&[
        CREATE,
        r#"{"t":1,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","WaitTimeSeconds":5}}"#,
        r#"{"t":2,"svc":"sqs","op":"GetQueueUrl","params":{"QueueName":"q1"}}"#,
    ]));
    assert_eq!(out.len(), 3);
    assert_eq!(out[1]["op"], "ReceiveMessage");
    assert_eq!(out[1]["t_done"], 6.0, "{}", out[1]);
    let empty = out[1]["response"]
        .get("Messages")
        .is_none_or(|m| m.as_array().is_some_and(|a| a.is_empty()));
    assert!(empty, "{}", out[1]);
    // The call issued while the poll waited finished first but is printed after it.
    assert_eq!(out[2]["op"], "GetQueueUrl");
    assert_eq!(out[2]["t_done"], 2.0);
}

#[test]
fn names_bound_by_a_pending_long_poll_are_not_yet_known() {
    let out = run(&script(&[
        CREATE,
        r#"{"t":1,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","WaitTimeSeconds":2},"bind":{"rh":"Messages.0.ReceiptHandle"}}"#,
        r#"{"t":1.5,"svc":"sqs","op":"SendMessage","params":{"QueueUrl":"${url}","MessageBody":"rh=${rh}"}}"#,
        r#"{"t":5,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","VisibilityTimeout":0}}"#,
    ]));
    // The send completed the poll, but the send's own params were substituted before that.
    assert_eq!(out[1]["t_done"], 1.5);
    assert_eq!(out[1]["response"]["Messages"][0]["Body"], "rh=${rh}");
}

#[test]
fn substitution_reaches_nested_strings_and_leaves_unknown_names_literal() {
    let out = run(&script(&[
        CREATE,
        r#"{"t":1,"svc":"sqs","op":"SendMessage","params":{"QueueUrl":"${url}","MessageBody":"at ${url} and ${nope}","MessageAttributes":{"where":{"DataType":"String","StringValue":"q=${url}"}}}}"#,
        r#"{"t":2,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","MessageAttributeNames":["All"]}}"#,
    ]));
    let url = "https://sqs.us-east-1.amazonaws.com/123456789012/q1";
    let m = &out[2]["response"]["Messages"][0];
    assert_eq!(m["Body"], format!("at {url} and ${{nope}}"));
    assert_eq!(
        m["MessageAttributes"]["where"]["StringValue"],
        format!("q={url}")
    );
}

#[test]
fn numbers_bound_are_substituted_as_their_json_text() {
    let out = run(&script(&[
        CREATE,
        r#"{"t":0,"svc":"sqs","op":"SendMessage","params":{"QueueUrl":"${url}","MessageBody":"a"}}"#,
        r#"{"t":0,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","AttributeNames":["All"]},"bind":{"first":"Messages.0.Attributes.ApproximateReceiveCount","msgs":"Messages"}}"#,
        r#"{"t":0,"svc":"sqs","op":"SendMessage","params":{"QueueUrl":"${url}","MessageBody":"count=${first} len=${msgs}"}}"#,
    ]));
    assert_eq!(
        out[2]["response"]["Messages"][0]["Attributes"]["ApproximateReceiveCount"],
        "1"
    );
    assert!(out[3].get("response").is_some(), "{}", out[3]);
}

#[test]
fn a_whole_string_placeholder_keeps_the_bound_numbers_type() {
    // A record's ApproximateArrivalTimestamp is a JSON number (epoch seconds); passed on as
    // "${tb}" it must reach GetShardIterator as a number, as AT_TIMESTAMP requires.
    let out = run(&script(&[
        r#"{"t":0,"svc":"kinesis","op":"CreateStream","params":{"StreamName":"s","ShardCount":1}}"#,
        r#"{"t":31,"svc":"kinesis","op":"PutRecord","params":{"StreamName":"s","PartitionKey":"k","Data":"Zmlyc3Q="}}"#,
        r#"{"t":32,"svc":"kinesis","op":"PutRecord","params":{"StreamName":"s","PartitionKey":"k","Data":"c2Vjb25k"}}"#,
        r#"{"t":33,"svc":"kinesis","op":"GetShardIterator","params":{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"},"bind":{"it":"ShardIterator"}}"#,
        r#"{"t":33,"svc":"kinesis","op":"GetRecords","params":{"ShardIterator":"${it}"},"bind":{"tb":"Records.1.ApproximateArrivalTimestamp","seq":"Records.1.SequenceNumber"}}"#,
        r#"{"t":34,"svc":"kinesis","op":"GetShardIterator","params":{"StreamName":"s","ShardId":"shardId-000000000000","ShardIteratorType":"AT_TIMESTAMP","Timestamp":"${tb}"},"bind":{"at":"ShardIterator"}}"#,
        r#"{"t":34,"svc":"kinesis","op":"GetRecords","params":{"ShardIterator":"${at}"}}"#,
        // Inside a longer string the number is inserted as text, as before.
        r#"{"t":35,"svc":"kinesis","op":"PutRecord","params":{"StreamName":"s","PartitionKey":"at-${tb}","Data":"dGhpcmQ="}}"#,
    ]));
    assert_eq!(out.len(), 8);
    let tb = &out[4]["response"]["Records"][1]["ApproximateArrivalTimestamp"];
    assert!(tb.is_number(), "{}", out[4]);
    assert!(out[5].get("error").is_none(), "{}", out[5]);
    let records = out[6]["response"]["Records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{}", out[6]);
    assert_eq!(records[0]["Data"], "c2Vjb25k");
    assert_eq!(
        records[0]["SequenceNumber"],
        out[4]["response"]["Records"][1]["SequenceNumber"]
    );
    assert!(out[7].get("response").is_some(), "{}", out[7]);
}

#[test]
fn unknown_operations_and_services_are_answered_with_errors_not_file_errors() {
    let out = run(&script(&[
        r#"{"svc":"sqs","op":"FrobnicateQueue"}"#,
        r#"{"svc":"nosuch","op":"X","params":{}}"#,
        CREATE,
        r#"{"svc":"sqs","op":"GetQueueUrl","params":{"QueueName":"missing"}}"#,
    ]));
    assert_eq!(out.len(), 4);
    assert!(out[0]["error"]["Code"].is_string(), "{}", out[0]);
    assert!(out[0]["error"]["Message"].is_string());
    assert!(out[1]["error"]["Code"].is_string(), "{}", out[1]);
    assert!(out[2]["response"].is_object());
    // The JSON protocol's shape name; the query protocol calls it
    // AWS.SimpleQueueService.NonExistentQueue.
    assert_eq!(out[3]["error"]["Code"], "QueueDoesNotExist", "{}", out[3]);
    assert_eq!(
        out[3]["error"]["Message"],
        "The specified queue does not exist."
    );
    assert!(out[3].get("response").is_none());
}

#[test]
fn time_defaults_to_the_previous_line_and_blank_lines_are_skipped() {
    let out = run(&format!(
        "\n{CREATE}\n   \n{}\n{}\n\n",
        r#"{"t":2.25,"svc":"sqs","op":"ListQueues"}"#, r#"{"svc":"sqs","op":"ListQueues"}"#
    ));
    assert_eq!(out.len(), 3);
    assert_eq!(out[1]["t"], 2.25);
    assert_eq!(out[2]["t"], 2.25);
    assert_eq!(out[2]["t_done"], 2.25);
}

#[test]
fn the_same_script_and_seed_give_the_same_output() {
    let s = script(&[
        CREATE,
        r#"{"t":1,"svc":"sqs","op":"SendMessage","params":{"QueueUrl":"${url}","MessageBody":"x"}}"#,
        r#"{"t":2,"svc":"sqs","op":"ReceiveMessage","params":{"QueueUrl":"${url}","WaitTimeSeconds":20}}"#,
    ]);
    let mut a = Vec::new();
    let mut b = Vec::new();
    run_script(&s, 42, &mut a).unwrap();
    run_script(&s, 42, &mut b).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_bad_line_stops_the_run_naming_line_and_field() {
    let s = script(&[
        CREATE,
        "",
        r#"{"t":5,"svc":"sqs","op":"ListQueues"}"#,
        r#"{"t":4,"svc":"sqs","op":"ListQueues"}"#,
        CREATE,
    ]);
    let mut out = Vec::new();
    let e = run_script(&s, 0, &mut out).unwrap_err();
    assert_eq!((e.line, e.field.as_str()), (4, "t"));
    assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
}

#[test]
fn the_binary_reports_bad_files_as_script_line_field_and_exits_2() {
    let cases: &[(&str, usize, &str)] = &[
        ("{not json", 2, "json"),
        (r#"{"t":"soon","svc":"sqs","op":"ListQueues"}"#, 2, "t"),
        (r#"{"t":-1,"svc":"sqs","op":"ListQueues"}"#, 2, "t"),
        (
            r#"{"svc":"sqs","op":"ListQueues","params":[1]}"#,
            2,
            "params",
        ),
        (r#"{"svc":"sqs","params":{}}"#, 2, "op"),
        (r#"{"op":"ListQueues"}"#, 2, "svc"),
        (
            r#"{"svc":"sqs","op":"ListQueues","bind":{"x":["QueueUrls"]}}"#,
            2,
            "bind.x",
        ),
        (
            r#"{"svc":"sqs","op":"ListQueues","bind":"QueueUrls"}"#,
            2,
            "bind",
        ),
    ];
    for &(bad, line, field) in cases {
        let path = write_temp("bad.jsonl", &format!("{CREATE}\n{bad}\n{CREATE}\n"));
        let out = mqlab(&["api", path.to_str().unwrap()], "");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        let prefix = format!("{}:{line}: {field}: ", path.display());
        assert!(
            stderr.starts_with(&prefix),
            "{bad}: expected {prefix:?}, got {stderr:?}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        // The line before the bad one was printed, nothing after it.
        assert_eq!(text(&out.stdout).lines().count(), 1, "{bad}");
    }
}

#[test]
fn the_binary_reads_a_script_from_standard_input() {
    let s = script(&[
        CREATE,
        r#"{"t":1,"svc":"sqs","op":"GetQueueUrl","params":{"QueueName":"q1"}}"#,
    ]);
    let out = mqlab(&["api", "-", "--seed", "3"], &s);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let lines: Vec<Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[1]["response"]["QueueUrl"],
        lines[0]["response"]["QueueUrl"]
    );

    let out = mqlab(&["api", "-"], "\n\n{\"t\": 1}\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("<stdin>:3: svc: "),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_binary_reports_a_missing_script_and_bad_utf8() {
    let out = mqlab(&["api", "/nonexistent/script.jsonl"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("/nonexistent/script.jsonl: "));

    let path = common::temp_path("latin1.jsonl");
    let mut bytes = format!("{CREATE}\n").into_bytes();
    bytes.extend_from_slice(b"{\"svc\":\"sqs\",\"op\":\"caf\xe9\"}\n");
    std::fs::write(&path, bytes).unwrap();
    let out = mqlab(&["api", path.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(":2: "), "{}", text(&out.stderr));
}
