//! SendMessage / ReceiveMessage: limits, characters, attributes, MD5s, delays, polling,
//! batches, retention, in-flight limits, at-least-once delivery and fair queues
//! (aws-rules §1.1, §1.4, §1.5, §1.6, §1.7, §1.11, §1.16, §0.1).

mod common;

use common::*;
use mqlab_engine::sqs::SqsConfig;
use mqlab_engine::EventKind;
use serde_json::{json, Value};

// ---- §1.16 / §1.4 MD5s ---------------------------------------------------------------------

#[test]
fn md5_of_message_body_matches_aws() {
    let mut sim = Sim::new();
    let q = sim.create("md5", json!({}));
    // Expected digests computed independently: python3 -c "import hashlib;
    // print(hashlib.md5('hello'.encode()).hexdigest())" (and the same for the UTF-8 text).
    let r = sim.send(&q, "hello");
    assert_eq!(
        s(&r, "MD5OfMessageBody"),
        "5d41402abc4b2a76b9719d911017c592"
    );
    let r = sim.send(&q, "héllo wörld ✓");
    assert_eq!(
        s(&r, "MD5OfMessageBody"),
        "aa0c8a307a4488bfe0cb56530da19bc3"
    );
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(s(&m, "MD5OfBody"), "5d41402abc4b2a76b9719d911017c592");
    assert_eq!(body(&m), "hello");
}

// Expected MD5OfMessageAttributes values below were computed in this sandbox with python3's
// hashlib following §1.16: attributes sorted by name; for each, 4-byte big-endian length +
// UTF-8 name, 4-byte length + data type, one transport byte (1 = String/Number, 2 = Binary),
// 4-byte length + value bytes (the decoded bytes for Binary); MD5 over the concatenation.

#[test]
fn md5_of_message_attributes_matches_aws() {
    let mut sim = Sim::new();
    let q = sim.create("md5", json!({}));
    let attrs = json!({
        "Population": {"DataType": "Number", "StringValue": "1250800"},
        "City": {"DataType": "String", "StringValue": "Any City"}
    });
    let r = sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "hello", "MessageAttributes": attrs}),
    );
    assert_eq!(
        s(&r, "MD5OfMessageAttributes"),
        "bf1eb494fecc925abadc71de4be9785c"
    );
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(
        s(&m, "MD5OfMessageAttributes"),
        "bf1eb494fecc925abadc71de4be9785c"
    );
    assert_eq!(
        m["MessageAttributes"]["City"]["StringValue"],
        json!("Any City")
    );
    assert_eq!(m["MessageAttributes"]["City"]["DataType"], json!("String"));
    assert_eq!(
        m["MessageAttributes"]["Population"]["StringValue"],
        json!("1250800")
    );
}

#[test]
fn md5_of_binary_message_attribute_uses_transport_byte_2() {
    let mut sim = Sim::new();
    let q = sim.create("md5", json!({}));
    // Bytes 00 01 02 ff, base64 "AAEC/w==".
    let attrs = json!({"Greeting": {"DataType": "Binary", "BinaryValue": "AAEC/w=="}});
    let r = sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b", "MessageAttributes": attrs}),
    );
    assert_eq!(
        s(&r, "MD5OfMessageAttributes"),
        "a97312ca74559818aaecee81b777b53d"
    );
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(
        m["MessageAttributes"]["Greeting"]["BinaryValue"],
        json!("AAEC/w==")
    );
}

#[test]
fn md5_of_message_attributes_sorts_names_and_keeps_custom_type_suffixes() {
    let mut sim = Sim::new();
    let q = sim.create("md5", json!({}));
    let attrs = json!({
        "zeta": {"DataType": "String", "StringValue": "z"},
        "alpha": {"DataType": "String.custom", "StringValue": "a"},
        "mid": {"DataType": "Number.int", "StringValue": "42"},
        "bin": {"DataType": "Binary.png", "BinaryValue": "iVBORw=="}
    });
    let r = sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageAttributes": attrs}),
    );
    assert_eq!(
        s(&r, "MD5OfMessageAttributes"),
        "8dab76121b071d64e215eda9ba139079"
    );
}

#[test]
fn send_without_message_attributes_returns_no_attributes_md5() {
    let mut sim = Sim::new();
    let q = sim.create("md5", json!({}));
    let r = sim.send(&q, "plain");
    assert!(r.get("MD5OfMessageAttributes").is_none_or(|v| v.is_null()));
}

// ---- §1.6 Body size and characters -------------------------------------------------------

#[test]
fn message_body_of_1_mib_is_accepted_and_one_byte_more_is_rejected() {
    let mut sim = Sim::new();
    let q = sim.create("big", json!({}));
    let max = "x".repeat(1_048_576);
    sim.send(&q, &max);
    let over = "x".repeat(1_048_577);
    sim.err("SendMessage", json!({"QueueUrl": q, "MessageBody": over}));
}

#[test]
fn message_body_must_have_at_least_one_character() {
    let mut sim = Sim::new();
    let q = sim.create("empty", json!({}));
    sim.err("SendMessage", json!({"QueueUrl": q, "MessageBody": ""}));
}

#[test]
fn send_message_without_body_fails_with_missing_parameter() {
    let mut sim = Sim::new();
    let q = sim.create("nobody", json!({}));
    sim.err_code("SendMessage", json!({"QueueUrl": q}), "MissingParameter");
}

#[test]
fn maximum_message_size_attribute_limits_send() {
    let mut sim = Sim::new();
    let q = sim.create("small", json!({"MaximumMessageSize": "1024"}));
    sim.send(&q, &"a".repeat(1024));
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "a".repeat(1025)}),
    );
}

#[test]
fn message_attributes_count_toward_message_size() {
    let mut sim = Sim::new();
    let q = sim.create("small", json!({"MaximumMessageSize": "1024"}));
    // 1,000 body bytes + name "a" + type "String" + 100 value bytes > 1,024.
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b".repeat(1000),
               "MessageAttributes": {"a": {"DataType": "String", "StringValue": "v".repeat(100)}}}),
    );
}

#[test]
fn aws_trace_header_system_attribute_does_not_count_toward_message_size() {
    let mut sim = Sim::new();
    let q = sim.create("small", json!({"MaximumMessageSize": "1024"}));
    let trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "b".repeat(1024),
               "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String", "StringValue": trace}}}),
    );
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(sys_attr(&m, "AWSTraceHeader").as_deref(), Some(trace));
}

#[test]
fn disallowed_characters_are_rejected_with_invalid_message_contents() {
    let mut sim = Sim::new();
    let q = sim.create("chars", json!({}));
    for bad in [
        "a\u{0}b", "\u{1}", "x\u{8}", "\u{1F}", "\u{FFFE}", "\u{FFFF}",
    ] {
        sim.err_code(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": bad}),
            "InvalidMessageContents",
        );
    }
}

#[test]
fn allowed_character_ranges_are_accepted() {
    let mut sim = Sim::new();
    let q = sim.create("chars", json!({}));
    for good in [
        "\t\n\r",
        " ~",
        "\u{D7FF}",
        "\u{E000}",
        "\u{FFFD}",
        "\u{10000}",
        "\u{10FFFF}",
        "한국어 😀",
    ] {
        sim.send(&q, good);
    }
    let got = sim.receive_n(&q, 10);
    assert_eq!(got.len(), 8);
}

// ---- §1.6 Message attributes -------------------------------------------------------------

fn string_attrs(n: usize) -> Value {
    let mut m = serde_json::Map::new();
    for i in 0..n {
        m.insert(
            format!("attr{i}"),
            json!({"DataType": "String", "StringValue": "v"}),
        );
    }
    Value::Object(m)
}

#[test]
fn at_most_10_message_attributes_per_message() {
    let mut sim = Sim::new();
    let q = sim.create("attrs", json!({}));
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageAttributes": string_attrs(10)}),
    );
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageAttributes": string_attrs(11)}),
    );
}

#[test]
fn message_attribute_names_follow_the_naming_rules() {
    let mut sim = Sim::new();
    let q = sim.create("names", json!({}));
    let send = |sim: &mut Sim, name: &str| {
        sim.call(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": "x",
                   "MessageAttributes": {name: {"DataType": "String", "StringValue": "v"}}}),
        )
    };
    for good in ["a", "a.b-c_D9", &"n".repeat(256)] {
        assert!(send(&mut sim, good).is_ok(), "{good} must be accepted");
    }
    let long = "n".repeat(257);
    for bad in [
        ".lead", "trail.", "dou..ble", "AWS.x", "Amazon.x", "sp ace", "sl/ash", &long,
    ] {
        assert!(send(&mut sim, bad).is_err(), "{bad} must be rejected");
    }
}

#[test]
fn message_attribute_types_are_string_number_binary_with_optional_custom_suffix() {
    let mut sim = Sim::new();
    let q = sim.create("types", json!({}));
    for (t, member, v) in [
        ("String", "StringValue", "s"),
        ("Number", "StringValue", "1"),
        ("Binary", "BinaryValue", "AA=="),
        ("String.json", "StringValue", "{}"),
        ("Number.float", "StringValue", "1.5"),
        ("Binary.gif", "BinaryValue", "AA=="),
    ] {
        sim.ok(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": "x",
                   "MessageAttributes": {"a": {"DataType": t, member: v}}}),
        );
    }
    sim.err(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x",
               "MessageAttributes": {"a": {"DataType": "Text", "StringValue": "v"}}}),
    );
}

#[test]
fn number_attribute_allows_38_digits_and_rejects_more_or_non_numbers() {
    let mut sim = Sim::new();
    let q = sim.create("nums", json!({}));
    let num = |sim: &mut Sim, v: &str| {
        sim.call(
            "SendMessage",
            json!({"QueueUrl": q, "MessageBody": "x",
                   "MessageAttributes": {"n": {"DataType": "Number", "StringValue": v}}}),
        )
    };
    let d38 = "9".repeat(38);
    let d39 = "9".repeat(39);
    for good in ["0", "-17", "3.25", "1E+100", d38.as_str()] {
        assert!(num(&mut sim, good).is_ok(), "{good} must be accepted");
    }
    for bad in ["abc", "1E+130", "-1E+130", d39.as_str()] {
        assert!(num(&mut sim, bad).is_err(), "{bad} must be rejected");
    }
}

#[test]
fn message_attributes_are_returned_only_when_asked_for() {
    let mut sim = Sim::new();
    let q = sim.create("sel", json!({}));
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "MessageAttributes": {
            "foo.a": {"DataType": "String", "StringValue": "1"},
            "foo.b": {"DataType": "String", "StringValue": "2"},
            "bar": {"DataType": "String", "StringValue": "3"}}}),
    );
    let v = sim.ok(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0, "VisibilityTimeout": 0}),
    );
    let m = &messages(&v)[0];
    assert!(m
        .get("MessageAttributes")
        .and_then(|a| a.as_object())
        .is_none_or(|a| a.is_empty()));
    let keys = |v: &Value| {
        let mut k: Vec<String> = messages(v)[0]["MessageAttributes"]
            .as_object()
            .map(|a| a.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    };
    for (sel, want) in [
        (json!(["All"]), vec!["bar", "foo.a", "foo.b"]),
        (json!([".*"]), vec!["bar", "foo.a", "foo.b"]),
        (json!(["foo.*"]), vec!["foo.a", "foo.b"]),
        (json!(["bar"]), vec!["bar"]),
    ] {
        let v = sim.ok(
            "ReceiveMessage",
            json!({"QueueUrl": q, "WaitTimeSeconds": 0, "VisibilityTimeout": 0,
                   "MessageAttributeNames": sel}),
        );
        assert_eq!(keys(&v), want, "selection {sel}");
    }
}

// ---- §1.4 System attributes ----------------------------------------------------------------

#[test]
fn sent_timestamp_is_epoch_milliseconds_of_the_send() {
    let mut sim = Sim::new();
    let q = sim.create("ts", json!({}));
    sim.at_ms(1_234);
    sim.send(&q, "x");
    sim.at(3.0);
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(
        sys_attr(&m, "SentTimestamp").unwrap(),
        (EPOCH_S * 1000 + 1_234).to_string()
    );
}

#[test]
fn approximate_first_receive_timestamp_is_the_first_receive_and_is_kept() {
    let mut sim = Sim::new();
    let q = sim.create("ts", json!({"VisibilityTimeout": "10"}));
    sim.send(&q, "x");
    sim.at(5.0);
    let m = sim.receive_one(&q).unwrap();
    let first = (EPOCH_S * 1000 + 5_000).to_string();
    assert_eq!(
        sys_attr(&m, "ApproximateFirstReceiveTimestamp").unwrap(),
        first
    );
    sim.at(20.0);
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(
        sys_attr(&m, "ApproximateFirstReceiveTimestamp").unwrap(),
        first
    );
}

#[test]
fn approximate_receive_count_counts_receives_without_delete() {
    let mut sim = Sim::new();
    let q = sim.create("rc", json!({"VisibilityTimeout": "0"}));
    sim.send(&q, "x");
    for want in 1..=3 {
        let m = sim.receive_one(&q).unwrap();
        assert_eq!(receive_count(&m), want);
    }
}

#[test]
fn receive_with_all_returns_the_standard_system_attributes() {
    let mut sim = Sim::new();
    let q = sim.create("sys", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    for a in [
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
    ] {
        assert!(sys_attr(&m, a).is_some(), "{a} missing in {m}");
    }
    // FIFO-only attributes are not on a standard message without a group.
    assert!(sys_attr(&m, "SequenceNumber").is_none());
}

#[test]
fn system_attributes_are_returned_only_when_asked_for() {
    let mut sim = Sim::new();
    let q = sim.create("sys", json!({"VisibilityTimeout": "0"}));
    sim.send(&q, "x");
    let v = sim.ok(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0}),
    );
    let m = &messages(&v)[0];
    assert!(m
        .get("Attributes")
        .and_then(|a| a.as_object())
        .is_none_or(|a| a.is_empty()));
    let v = sim.ok(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0,
               "MessageSystemAttributeNames": ["ApproximateReceiveCount"]}),
    );
    let a = messages(&v)[0]["Attributes"].as_object().unwrap().clone();
    assert_eq!(a.len(), 1);
    assert_eq!(a["ApproximateReceiveCount"], json!("2"));
}

#[test]
fn legacy_attribute_names_parameter_still_selects_system_attributes() {
    let mut sim = Sim::new();
    let q = sim.create("sys", json!({}));
    sim.send(&q, "x");
    let v = sim.ok(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0, "AttributeNames": ["SentTimestamp"]}),
    );
    let m = &messages(&v)[0];
    assert_eq!(
        sys_attr(m, "SentTimestamp").unwrap(),
        (EPOCH_S * 1000).to_string()
    );
}

#[test]
fn message_ids_are_unique_and_at_most_100_characters() {
    let mut sim = Sim::new();
    let q = sim.create("ids", json!({}));
    let mut ids: Vec<String> = (0..50).map(|i| sim.send_id(&q, &format!("m{i}"))).collect();
    assert!(ids.iter().all(|i| !i.is_empty() && i.len() <= 100));
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50);
}

#[test]
fn received_message_carries_the_message_id_returned_by_send() {
    let mut sim = Sim::new();
    let q = sim.create("ids", json!({}));
    let id = sim.send_id(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(msg_id(&m), id);
}

// ---- §1.5 Delay queues and message timers ----------------------------------------------------

#[test]
fn queue_delay_hides_new_messages_from_enqueue() {
    let mut sim = Sim::new();
    let q = sim.create("delay", json!({"DelaySeconds": "10"}));
    sim.at(1.0);
    sim.send(&q, "late");
    sim.at(10.9);
    assert!(sim.receive_one(&q).is_none());
    sim.at(11.0);
    assert_eq!(body(&sim.receive_one(&q).unwrap()), "late");
}

#[test]
fn delayed_messages_are_counted_in_approximate_number_of_messages_delayed() {
    let mut sim = Sim::new();
    let q = sim.create("delay", json!({"DelaySeconds": "900"}));
    sim.send(&q, "a");
    sim.send(&q, "b");
    // Approximate counts may need a minute to converge (§1.2).
    sim.at(70.0);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessagesDelayed"), 2);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessages"), 0);
    sim.at(1000.0);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessagesDelayed"), 0);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessages"), 2);
}

#[test]
fn message_timer_overrides_the_queue_delay() {
    let mut sim = Sim::new();
    let q = sim.create("timer", json!({"DelaySeconds": "60"}));
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "short", "DelaySeconds": 5}),
    );
    let q2 = sim.create("timer2", json!({"DelaySeconds": "5"}));
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q2, "MessageBody": "long", "DelaySeconds": 120}),
    );
    sim.at(4.9);
    assert!(sim.receive_one(&q).is_none());
    sim.at(5.0);
    assert_eq!(body(&sim.receive_one(&q).unwrap()), "short");
    sim.at(60.0);
    assert!(sim.receive_one(&q2).is_none());
    sim.at(120.0);
    assert_eq!(body(&sim.receive_one(&q2).unwrap()), "long");
}

#[test]
fn message_delay_seconds_above_900_is_rejected() {
    let mut sim = Sim::new();
    let q = sim.create("timer", json!({}));
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "DelaySeconds": 900}),
    );
    sim.err_code(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x", "DelaySeconds": 901}),
        "InvalidParameterValue",
    );
}

#[test]
fn delay_seconds_change_is_not_retroactive_on_standard_queues() {
    let mut sim = Sim::new();
    let q = sim.create("delay", json!({"DelaySeconds": "900"}));
    sim.send(&q, "queued");
    sim.at(1.0);
    sim.set_attrs(&q, json!({"DelaySeconds": "0"})).unwrap();
    // Well past the 60 s propagation: the queued message keeps its 900 s delay.
    sim.at(120.0);
    assert!(sim.receive_one(&q).is_none());
    sim.send(&q, "new");
    assert_eq!(body(&sim.receive_one(&q).unwrap()), "new");
    sim.at(900.0);
    assert_eq!(body(&sim.receive_one(&q).unwrap()), "queued");
}

#[test]
fn delay_end_is_reported_as_a_message_visible_event() {
    let mut sim = Sim::new();
    let q = sim.create("delay", json!({"DelaySeconds": "3"}));
    let id = sim.send_id(&q, "x");
    sim.at(5.0);
    let ev = sim.events();
    let vis: Vec<_> = ev
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::MessageVisible { message_id, reason, .. }
            if *message_id == id && *reason == mqlab_engine::event::VisibleReason::DelayEnded)
        })
        .collect();
    assert_eq!(vis.len(), 1);
    assert_eq!(vis[0].t, 3_000);
}

// ---- §1.4 ReceiveMessage parameters and §1.1 polling ---------------------------------------

#[test]
fn max_number_of_messages_must_be_1_to_10() {
    let mut sim = Sim::new();
    let q = sim.create("max", json!({}));
    for bad in [0, 11] {
        sim.err_code(
            "ReceiveMessage",
            json!({"QueueUrl": q, "MaxNumberOfMessages": bad, "WaitTimeSeconds": 0}),
            "InvalidParameterValue",
        );
    }
}

#[test]
fn receive_returns_at_most_max_number_of_messages() {
    let mut sim = Sim::new();
    let q = sim.create("max", json!({}));
    for i in 0..15 {
        sim.send(&q, &format!("m{i}"));
    }
    assert_eq!(sim.receive_n(&q, 10).len(), 10);
    assert_eq!(sim.receive_n(&q, 3).len(), 3);
    assert_eq!(sim.receive_n(&q, 10).len(), 2);
}

#[test]
fn receive_without_max_number_of_messages_returns_one_message() {
    let mut sim = Sim::new();
    let q = sim.create("one", json!({}));
    for i in 0..5 {
        sim.send(&q, &format!("m{i}"));
    }
    let v = sim.ok(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0}),
    );
    assert_eq!(messages(&v).len(), 1);
}

#[test]
fn wait_time_seconds_must_be_0_to_20() {
    let mut sim = Sim::new();
    let q = sim.create("wait", json!({}));
    for bad in [21, -1] {
        sim.err_code(
            "ReceiveMessage",
            json!({"QueueUrl": q, "WaitTimeSeconds": bad}),
            "InvalidParameterValue",
        );
    }
}

#[test]
fn short_poll_answers_immediately_even_when_empty() {
    let mut sim = Sim::new();
    let q = sim.create("short", json!({}));
    let v = sim.ok("ReceiveMessage", json!({"QueueUrl": q}));
    assert!(messages(&v).is_empty());
}

#[test]
fn long_poll_returns_as_soon_as_a_message_arrives() {
    let mut sim = Sim::new();
    let q = sim.create("long", json!({}));
    let id = sim.start(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 20}),
    );
    assert!(
        sim.completion(id).is_none(),
        "a long poll on an empty queue waits"
    );
    sim.at(5.0);
    assert!(sim.completion(id).is_none());
    sim.send(&q, "arrived");
    sim.at(5.0);
    let c = sim
        .completion(id)
        .expect("long poll answered when the message arrived");
    assert_eq!(c.at, 5_000);
    let ms = messages(&c.result.unwrap());
    assert_eq!(bodies(&ms), vec!["arrived".to_string()]);
}

#[test]
fn long_poll_returns_empty_when_the_wait_expires() {
    let mut sim = Sim::new();
    let q = sim.create("long", json!({}));
    let id = sim.start(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 20}),
    );
    sim.at(19.999);
    assert!(sim.completion(id).is_none());
    sim.at(20.0);
    let c = sim.completion(id).expect("long poll ends with its wait");
    assert_eq!(c.at, 20_000);
    assert!(messages(&c.result.unwrap()).is_empty());
}

#[test]
fn long_poll_returns_immediately_when_a_message_is_already_available() {
    let mut sim = Sim::new();
    let q = sim.create("long", json!({}));
    sim.send(&q, "ready");
    let id = sim.start(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 20}),
    );
    let c = sim.completion(id).expect("answered at once");
    assert_eq!(c.at, 0);
    assert_eq!(messages(&c.result.unwrap()).len(), 1);
}

#[test]
fn queue_receive_message_wait_time_makes_receives_long_polls() {
    let mut sim = Sim::new();
    let q = sim.create("qwait", json!({"ReceiveMessageWaitTimeSeconds": "5"}));
    let id = sim.start("ReceiveMessage", json!({"QueueUrl": q}));
    assert!(sim.completion(id).is_none(), "queue wait time applies");
    sim.at(5.0);
    let c = sim
        .completion(id)
        .expect("ends after the queue's wait time");
    assert_eq!(c.at, 5_000);
}

#[test]
fn call_wait_time_seconds_overrides_the_queue_attribute() {
    let mut sim = Sim::new();
    let q = sim.create("qwait", json!({"ReceiveMessageWaitTimeSeconds": "20"}));
    // WaitTimeSeconds=0 in the call: a short poll despite the queue's 20 s.
    let v = sim.ok(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0}),
    );
    assert!(messages(&v).is_empty());
    // And a shorter wait than the queue's.
    let id = sim.start(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 2}),
    );
    sim.at(2.0);
    assert_eq!(sim.completion(id).expect("2 s wait").at, 2_000);
}

#[test]
fn empty_receives_are_recorded_as_events() {
    let mut sim = Sim::new();
    let q = sim.create("e", json!({}));
    sim.events();
    sim.ok(
        "ReceiveMessage",
        json!({"QueueUrl": q, "WaitTimeSeconds": 0}),
    );
    let ev = sim.events();
    assert_eq!(
        count_events(&ev, |k| matches!(
            k,
            EventKind::EmptyReceive {
                long_poll: false,
                ..
            }
        )),
        1
    );
}

#[test]
fn short_polling_can_return_false_empties_and_eventually_finds_the_message() {
    let mut sim = Sim::with(7, SqsConfig::default());
    let q = sim.create("sampled", json!({}));
    sim.send(&q, "only");
    let (mut hits, mut empties) = (0, 0);
    for i in 0..200 {
        sim.at(1.0 + i as f64);
        let v = sim.ok(
            "ReceiveMessage",
            json!({"QueueUrl": q, "WaitTimeSeconds": 0, "VisibilityTimeout": 0}),
        );
        if messages(&v).is_empty() {
            empties += 1;
        } else {
            hits += 1;
        }
    }
    assert!(
        empties > 0,
        "short polls sample a subset of servers: expected false empties"
    );
    assert!(
        hits > 0,
        "repeated short polls eventually sample every server"
    );
}

#[test]
fn long_polling_queries_all_servers_and_finds_a_lone_message() {
    let mut sim = Sim::with(7, SqsConfig::default());
    let q = sim.create("sampled", json!({}));
    sim.send(&q, "only");
    for i in 0..50 {
        sim.at(1.0 + 30.0 * i as f64);
        let id = sim.start(
            "ReceiveMessage",
            json!({"QueueUrl": q, "WaitTimeSeconds": 20, "VisibilityTimeout": 0}),
        );
        sim.at(1.0 + 30.0 * i as f64 + 20.0);
        let c = sim.completion(id).expect("long poll finished");
        let ms = messages(&c.result.unwrap());
        assert_eq!(ms.len(), 1, "long poll {i} missed the message");
    }
}

// ---- §1.6 Batches ---------------------------------------------------------------------------

fn entries(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"Id": format!("e{i}"), "MessageBody": format!("b{i}")}))
        .collect()
}

#[test]
fn send_message_batch_accepts_at_most_10_entries() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    let v = sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": entries(10)}),
    );
    assert_eq!(list(&v, "Successful").len(), 10);
    assert!(list(&v, "Failed").is_empty());
    sim.err_code(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": entries(11)}),
        "TooManyEntriesInBatchRequest",
    );
}

#[test]
fn delete_and_change_visibility_batches_accept_at_most_10_entries() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    let e: Vec<Value> = (0..11)
        .map(|i| json!({"Id": format!("e{i}"), "ReceiptHandle": "x", "VisibilityTimeout": 1}))
        .collect();
    sim.err_code(
        "DeleteMessageBatch",
        json!({"QueueUrl": q, "Entries": e}),
        "TooManyEntriesInBatchRequest",
    );
    sim.err_code(
        "ChangeMessageVisibilityBatch",
        json!({"QueueUrl": q, "Entries": e}),
        "TooManyEntriesInBatchRequest",
    );
}

#[test]
fn empty_batch_fails_with_empty_batch_request() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    for op in [
        "SendMessageBatch",
        "DeleteMessageBatch",
        "ChangeMessageVisibilityBatch",
    ] {
        sim.err_code(
            op,
            json!({"QueueUrl": q, "Entries": []}),
            "EmptyBatchRequest",
        );
    }
}

#[test]
fn batch_entry_ids_must_be_distinct() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    sim.err_code(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}]}),
        "BatchEntryIdsNotDistinct",
    );
    assert!(
        sim.receive_n(&q, 10).is_empty(),
        "a refused batch enqueues nothing"
    );
}

#[test]
fn batch_entry_id_is_alphanumeric_hyphen_underscore_up_to_80_characters() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    let id80 = "i".repeat(80);
    sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "Ab-9_z", "MessageBody": "a"}, {"Id": id80, "MessageBody": "b"}]}),
    );
    for bad in ["has.dot".to_string(), "sp ace".to_string(), "i".repeat(81)] {
        sim.err_code(
            "SendMessageBatch",
            json!({"QueueUrl": q, "Entries": [{"Id": bad, "MessageBody": "a"}]}),
            "InvalidBatchEntryId",
        );
    }
}

#[test]
fn batch_total_payload_over_1_mib_fails_with_batch_request_too_long() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    let half = "h".repeat(524_288);
    sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "a", "MessageBody": half}, {"Id": "b", "MessageBody": half}]}),
    );
    let big = "b".repeat(600_000);
    sim.err_code(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "a", "MessageBody": big}, {"Id": "b", "MessageBody": big}]}),
        "BatchRequestTooLong",
    );
}

#[test]
fn batch_partial_failure_lists_failed_entries_with_sender_fault_and_code() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    let v = sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "good", "MessageBody": "hello"},
            {"Id": "bad", "MessageBody": "nul\u{0}"}]}),
    );
    let ok = list(&v, "Successful");
    let failed = list(&v, "Failed");
    assert_eq!(ok.len(), 1);
    assert_eq!(s(&ok[0], "Id"), "good");
    assert_eq!(
        s(&ok[0], "MD5OfMessageBody"),
        "5d41402abc4b2a76b9719d911017c592"
    );
    assert!(!s(&ok[0], "MessageId").is_empty());
    assert_eq!(failed.len(), 1);
    assert_eq!(s(&failed[0], "Id"), "bad");
    assert_eq!(failed[0]["SenderFault"], json!(true));
    assert_eq!(s(&failed[0], "Code"), "InvalidMessageContents");
    assert!(failed[0].get("Message").is_some());
    assert_eq!(bodies(&sim.receive_n(&q, 10)), vec!["hello".to_string()]);
}

#[test]
fn delete_message_batch_reports_invalid_handles_in_failed() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    let v = sim.ok(
        "DeleteMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "ok", "ReceiptHandle": handle(&m)},
            {"Id": "junk", "ReceiptHandle": "not-a-receipt-handle"}]}),
    );
    let ok = list(&v, "Successful");
    let failed = list(&v, "Failed");
    assert_eq!(ok.len(), 1);
    assert_eq!(s(&ok[0], "Id"), "ok");
    assert_eq!(failed.len(), 1);
    assert_eq!(s(&failed[0], "Id"), "junk");
    assert_eq!(s(&failed[0], "Code"), "ReceiptHandleIsInvalid");
    assert_eq!(failed[0]["SenderFault"], json!(true));
}

#[test]
fn change_message_visibility_batch_applies_each_entry() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({"VisibilityTimeout": "600"}));
    sim.send(&q, "a");
    sim.send(&q, "b");
    let got = sim.receive_n(&q, 10);
    assert_eq!(got.len(), 2);
    let v = sim.ok(
        "ChangeMessageVisibilityBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "x", "ReceiptHandle": handle(&got[0]), "VisibilityTimeout": 0},
            {"Id": "y", "ReceiptHandle": handle(&got[1]), "VisibilityTimeout": 100}]}),
    );
    assert_eq!(list(&v, "Successful").len(), 2);
    let now = sim.receive_n(&q, 10);
    assert_eq!(bodies(&now), vec![body(&got[0])]);
    sim.at(100.0);
    let later = sim.receive_n(&q, 10);
    assert_eq!(bodies(&later), vec![body(&got[1])]);
}

#[test]
fn batch_entries_with_message_ids_and_md5s() {
    let mut sim = Sim::new();
    let q = sim.create("batch", json!({}));
    let v = sim.ok(
        "SendMessageBatch",
        json!({"QueueUrl": q, "Entries": [
            {"Id": "a", "MessageBody": "hello",
             "MessageAttributes": {"City": {"DataType": "String", "StringValue": "Any City"},
                                   "Population": {"DataType": "Number", "StringValue": "1250800"}}}]}),
    );
    let ok = list(&v, "Successful");
    assert_eq!(
        s(&ok[0], "MD5OfMessageBody"),
        "5d41402abc4b2a76b9719d911017c592"
    );
    assert_eq!(
        s(&ok[0], "MD5OfMessageAttributes"),
        "bf1eb494fecc925abadc71de4be9785c"
    );
    let m = sim.receive_one(&q).unwrap();
    assert_eq!(msg_id(&m), s(&ok[0], "MessageId"));
}

// ---- §1.3 Deleting -------------------------------------------------------------------------

#[test]
fn deleted_message_is_not_received_again() {
    let mut sim = Sim::new();
    let q = sim.create("del", json!({"VisibilityTimeout": "1"}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    sim.at(10.0);
    assert!(sim.receive_one(&q).is_none());
    assert_eq!(sim.w.sqs().queue_summaries()[0].deleted, 1);
}

#[test]
fn delete_with_a_malformed_receipt_handle_fails_with_receipt_handle_is_invalid() {
    let mut sim = Sim::new();
    let q = sim.create("del", json!({}));
    let e = sim.delete(&q, "garbage").unwrap_err();
    assert_eq!(e.code, "ReceiptHandleIsInvalid");
}

#[test]
fn deleting_twice_with_the_same_handle_succeeds() {
    let mut sim = Sim::new();
    let q = sim.create("del", json!({}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
    sim.delete(&q, &handle(&m)).unwrap();
}

#[test]
fn deleting_an_in_flight_message_removes_it_before_its_visibility_timeout() {
    let mut sim = Sim::new();
    let q = sim.create("del", json!({"VisibilityTimeout": "600"}));
    sim.send(&q, "x");
    let m = sim.receive_one(&q).unwrap();
    sim.at(70.0);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessagesNotVisible"), 1);
    sim.delete(&q, &handle(&m)).unwrap();
    sim.at(140.0);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessagesNotVisible"), 0);
    sim.at(700.0);
    assert!(sim.receive_one(&q).is_none());
}

// ---- §1.1 At-least-once delivery -------------------------------------------------------------

#[test]
fn standard_queue_can_deliver_a_message_again_after_a_successful_delete() {
    let mut sim = Sim::with(
        3,
        SqsConfig {
            duplicate_delivery_probability: 0.5,
            ..SqsConfig::for_api_scripts()
        },
    );
    let q = sim.create("alo", json!({"VisibilityTimeout": "5"}));
    let mut deleted = std::collections::BTreeSet::new();
    let mut again = 0;
    for i in 0..100 {
        sim.send(&q, &format!("m{i}"));
    }
    for step in 0..200 {
        sim.at(step as f64 * 3.0);
        for m in sim.receive_n(&q, 10) {
            if !deleted.insert(msg_id(&m)) {
                again += 1;
            }
            sim.delete(&q, &handle(&m)).unwrap();
        }
    }
    assert_eq!(deleted.len(), 100);
    assert!(again > 0, "at-least-once: some deleted messages come back");
    let ev = sim.events();
    assert!(ev.iter().any(|e| matches!(
        e.kind,
        EventKind::MessageReceived {
            duplicate: true,
            ..
        }
    )));
}

#[test]
fn api_script_config_delivers_each_message_exactly_once() {
    let mut sim = Sim::new();
    let q = sim.create("once", json!({"VisibilityTimeout": "5"}));
    for i in 0..100 {
        sim.send(&q, &format!("m{i}"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for step in 0..100 {
        sim.at(step as f64 * 3.0);
        for m in sim.receive_n(&q, 10) {
            assert!(seen.insert(msg_id(&m)), "duplicate delivery");
            sim.delete(&q, &handle(&m)).unwrap();
        }
    }
    assert_eq!(seen.len(), 100);
}

// ---- §1.2 / §1.16 Retention ----------------------------------------------------------------

#[test]
fn message_expires_after_the_retention_period() {
    let mut sim = Sim::new();
    let q = sim.create("ret", json!({"MessageRetentionPeriod": "60"}));
    let id = sim.send_id(&q, "x");
    sim.at(59.0);
    sim.at(61.0);
    assert!(sim.receive_one(&q).is_none());
    let ev = sim.events();
    let exp: Vec<_> = ev
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::MessageExpired { message_id, .. } if *message_id == id))
        .collect();
    assert_eq!(exp.len(), 1);
    assert!(exp[0].t <= 61_000 && exp[0].t >= 60_000);
}

#[test]
fn message_can_expire_while_in_flight() {
    let mut sim = Sim::new();
    let q = sim.create(
        "ret",
        json!({"MessageRetentionPeriod": "60", "VisibilityTimeout": "3600"}),
    );
    let id = sim.send_id(&q, "x");
    sim.at(10.0);
    assert!(sim.receive_one(&q).is_some());
    sim.at(120.0);
    let ev = sim.events();
    assert!(ev.iter().any(
        |e| matches!(&e.kind, EventKind::MessageExpired { message_id, .. } if *message_id == id)
    ));
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessagesNotVisible"), 0);
    sim.at(3700.0);
    assert!(sim.receive_one(&q).is_none());
}

#[test]
fn reducing_the_retention_period_expires_older_messages() {
    let mut sim = Sim::new();
    let q = sim.create("ret", json!({"MessageRetentionPeriod": "3600"}));
    sim.send(&q, "old");
    sim.at(200.0);
    sim.set_attrs(&q, json!({"MessageRetentionPeriod": "120"}))
        .unwrap();
    // Changes take up to 15 minutes to propagate; by then the message, 20 min old, is past
    // the new 2 min retention although still within the old hour.
    sim.at(200.0 + 15.0 * 60.0 + 1.0);
    assert!(sim.receive_one(&q).is_none());
}

// ---- §1.7 In-flight limits ------------------------------------------------------------------

#[test]
fn standard_queue_in_flight_limit_returns_over_limit_on_short_polls() {
    let mut sim = Sim::new();
    let q = sim.create("busy", json!({"VisibilityTimeout": "43200"}));
    let batch: Vec<Value> = (0..10)
        .map(|i| json!({"Id": format!("e{i}"), "MessageBody": "x"}))
        .collect();
    for _ in 0..13_000 {
        sim.ok("SendMessageBatch", json!({"QueueUrl": q, "Entries": batch}));
    }
    let mut inflight = 0usize;
    let mut over_limit = None;
    for _ in 0..13_000 {
        match sim.call(
            "ReceiveMessage",
            json!({"QueueUrl": q, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 0}),
        ) {
            Ok(v) => inflight += messages(&v).len(),
            Err(e) => {
                over_limit = Some(e);
                break;
            }
        }
    }
    let e = over_limit.expect("the ~120,000 in-flight limit must refuse a short poll");
    assert_eq!(e.code, "OverLimit");
    // "~120,000 depending on traffic and backlog".
    assert!(
        (100_000..=130_000).contains(&inflight),
        "refused at {inflight} in flight"
    );
}

// ---- §1.11 Fair queues -------------------------------------------------------------------

fn send_tenant(sim: &mut Sim, q: &str, tenant: &str, body: &str) {
    sim.ok(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": body, "MessageGroupId": tenant}),
    );
}

#[test]
fn fair_queue_prefers_a_quiet_tenants_messages_over_a_noisy_tenants_backlog() {
    let mut sim = Sim::new();
    let q = sim.create("fair", json!({"VisibilityTimeout": "600"}));
    for i in 0..500 {
        send_tenant(&mut sim, &q, "noisy", &format!("noisy{i}"));
    }
    // The consumers hold 60 of the noisy tenant's messages in flight: all of the queue's
    // in-flight messages, and ≥ 30 of its own — the noisy-neighbour condition.
    for _ in 0..6 {
        let got = sim.receive_n(&q, 10);
        assert_eq!(got.len(), 10);
    }
    sim.at(1.0);
    for i in 0..3 {
        send_tenant(&mut sim, &q, "quiet", &format!("quiet{i}"));
    }
    sim.at(2.0);
    let next = sim.receive_n(&q, 10);
    let quiet = bodies(&next)
        .iter()
        .filter(|b| b.starts_with("quiet"))
        .count();
    assert_eq!(
        quiet,
        3,
        "the quiet tenant's messages come ahead of the 440-message noisy backlog, got {:?}",
        bodies(&next)
    );
}

#[test]
fn fair_queue_delays_a_noisy_tenant_but_never_drops_its_messages() {
    let mut sim = Sim::new();
    let q = sim.create("fair", json!({"VisibilityTimeout": "600"}));
    for i in 0..200 {
        send_tenant(&mut sim, &q, "noisy", &format!("n{i}"));
    }
    for i in 0..20 {
        send_tenant(&mut sim, &q, "quiet", &format!("q{i}"));
    }
    let mut got = 0;
    for step in 0..100 {
        sim.at(step as f64);
        for m in sim.receive_n(&q, 10) {
            sim.delete(&q, &handle(&m)).unwrap();
            got += 1;
        }
    }
    assert_eq!(got, 220);
}

#[test]
fn standard_queue_does_not_lock_message_groups() {
    let mut sim = Sim::new();
    let q = sim.create("fair", json!({}));
    for i in 0..3 {
        send_tenant(&mut sim, &q, "t1", &format!("m{i}"));
    }
    // Same-group messages can be in flight together on a standard queue.
    let a = sim.receive_n(&q, 1);
    let b = sim.receive_n(&q, 10);
    assert_eq!(a.len() + b.len(), 3);
}

#[test]
fn short_poll_with_few_messages_often_returns_fewer_than_requested() {
    let mut sim = Sim::with(11, SqsConfig::default());
    let q = sim.create("few", json!({}));
    for i in 0..20 {
        sim.send(&q, &format!("m{i}"));
    }
    let mut short = 0;
    for i in 0..50 {
        sim.at(1.0 + i as f64);
        let got = sim.receive(
            &q,
            json!({"MaxNumberOfMessages": 10, "VisibilityTimeout": 0}),
        );
        if got.len() < 10 {
            short += 1;
        }
    }
    assert!(
        short > 0,
        "with < 1,000 messages a short poll gets fewer than asked"
    );
}

#[test]
fn fair_queue_serves_the_noisy_tenant_with_fewest_in_flight_first() {
    let mut sim = Sim::new();
    let q = sim.create("fair", json!({"VisibilityTimeout": "3600"}));
    for i in 0..60 {
        send_tenant(&mut sim, &q, "a", &format!("a{i}"));
    }
    for i in 0..40 {
        send_tenant(&mut sim, &q, "b", &format!("b{i}"));
    }
    let (mut a, mut b) = (0, 0);
    for _ in 0..10 {
        for m in sim.receive_n(&q, 10) {
            if body(&m).starts_with('a') {
                a += 1;
            } else {
                b += 1;
            }
        }
    }
    assert_eq!(a + b, 100);
    assert!(a >= 30 && b >= 30, "both tenants noisy: a {a}, b {b}");
    assert_ne!(a, b);
    sim.at(1.0);
    for i in 0..50 {
        send_tenant(&mut sim, &q, "a", &format!("a-more{i}"));
        send_tenant(&mut sim, &q, "b", &format!("b-more{i}"));
    }
    sim.at(2.0);
    let fewest = if a < b { 'a' } else { 'b' };
    let next = sim.receive_n(&q, 5);
    assert!(
        next.iter().all(|m| body(m).starts_with(fewest)),
        "expected tenant {fewest} (a {a} / b {b} in flight), got {:?}",
        bodies(&next)
    );
}
