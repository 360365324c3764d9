//! A synthetic payload reads as the bytes it stands for: the same on every read and in a
//! cloned world, equal to what the producers' padding code wrote before payloads could be
//! synthetic (the JSON head, then spaces up to `body_bytes`), with the MD5, SHA-256 and JSON
//! quoting of those bytes. Every answer (ReceiveMessage, GetRecords), envelope and event
//! shows those bytes.

use base64::Engine as _;
use md5::{Digest, Md5};
use mqlab_engine::payload::Payload;
use mqlab_engine::sns::envelope::Envelope;
use mqlab_engine::{EventKind, Scenario, World};
use proptest::prelude::*;
use serde_json::{json, Value};

/// What `Actors::send` built before payloads: the head, padded with spaces to `body_bytes`.
fn old_body(producer: &str, n: u64, poison: bool, body_bytes: usize) -> String {
    let mut body = if poison {
        format!(
            "{{\"producer\":\"{producer}\",\"n\":{n},{}}}",
            mqlab_engine::actors::POISON_MARK
        )
    } else {
        format!("{{\"producer\":\"{producer}\",\"n\":{n}}}")
    };
    if body.len() < body_bytes {
        body.push_str(&" ".repeat(body_bytes - body.len()));
    }
    body
}

fn md5_hex(b: &[u8]) -> String {
    Md5::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

fn n_of(body: &str) -> u64 {
    let v: Value = serde_json::from_str(body).unwrap();
    v["n"].as_u64().unwrap()
}

fn world(scenario: Value) -> World {
    World::from_scenario(&Scenario::from_json(&scenario.to_string()).unwrap()).unwrap()
}

fn call(w: &mut World, svc: &str, op: &str, params: Value) -> Value {
    let id = w.call(svc, op, &params);
    let done = w.take_completions();
    let c = done.into_iter().find(|c| c.call == id).expect("answered");
    c.result.unwrap_or_else(|e| panic!("{op}: {e}"))
}

proptest! {
    #[test]
    fn synthetic_payloads_read_as_head_pad_tail(
        head in "\\PC{0,40}",
        pad in 0usize..20_000,
        tail in "\\PC{0,20}",
        needle in "[ a-z\"{}]{0,6}",
    ) {
        let p = Payload::synthetic(head.clone(), pad, tail.clone());
        let bytes = format!("{head}{}{tail}", " ".repeat(pad));
        prop_assert_eq!(p.len(), bytes.len());
        prop_assert_eq!(&*p.as_str(), bytes.as_str());
        prop_assert_eq!(p.as_bytes(), p.as_bytes());
        prop_assert_eq!(&p.clone(), &Payload::text(bytes.clone()));
        prop_assert_eq!(p.md5_hex(), md5_hex(bytes.as_bytes()));
        // Cached MD5 is the same as the first.
        prop_assert_eq!(p.md5_hex(), md5_hex(bytes.as_bytes()));
        prop_assert_eq!(
            p.sha256(),
            <[u8; 32]>::from(sha2::Sha256::digest(bytes.as_bytes()))
        );
        prop_assert_eq!(p.contains(&needle), bytes.contains(&needle));
        prop_assert_eq!(p.starts_with(&needle), bytes.starts_with(&needle));
        prop_assert_eq!(p.retained_bytes(), head.len() + tail.len());
        let quoted = p.json_quoted("<", ">");
        prop_assert!(quoted.is_synthetic());
        let expected = format!("<{}>", serde_json::to_string(&bytes).unwrap());
        prop_assert_eq!(&*quoted.as_str(), expected.as_str());
    }
}

#[test]
fn sqs_bodies_and_their_md5s_are_the_old_padded_bytes() {
    let mut w = world(json!({
        "seed": 5,
        "queues": [{"QueueName": "q"}],
        "producers": [{"name": "web", "queue": "q", "rate_per_s": 5, "body_bytes": 5000,
                       "poison_every": 3}]
    }));
    w.advance_to(10_000);
    let copy = w.clone();
    let q = w.sqs().queue_by_name("q").unwrap();
    let mut seen = 0;
    for m in q.messages() {
        let n = n_of(&m.body.as_str());
        let old = old_body("web", n, n.is_multiple_of(3), 5000);
        assert!(m.body.is_synthetic());
        assert_eq!(m.body, old);
        assert_eq!(m.body.as_str(), m.body.as_str(), "every read the same");
        let twin = copy.sqs().queue_by_name("q").unwrap().messages();
        let twin = twin.into_iter().find(|x| x.id == m.id).unwrap();
        assert_eq!(twin.body, m.body);
        assert_eq!(twin.body.as_bytes(), old.as_bytes());
        seen += 1;
    }
    assert!(seen >= 40, "{seen}");
    // What a ReceiveMessage answer says.
    let url = "https://sqs.us-east-1.amazonaws.com/123456789012/q";
    let r = call(
        &mut w,
        "sqs",
        "ReceiveMessage",
        json!({"QueueUrl": url, "MaxNumberOfMessages": 10}),
    );
    let msgs = r["Messages"].as_array().unwrap();
    assert!(!msgs.is_empty());
    for m in msgs {
        let body = m["Body"].as_str().unwrap();
        let n = n_of(body);
        assert_eq!(body, old_body("web", n, n.is_multiple_of(3), 5000));
        assert_eq!(m["MD5OfBody"], md5_hex(body.as_bytes()));
    }
}

#[test]
fn sns_envelopes_of_padded_messages_are_the_envelopes_of_their_bytes() {
    let p = Payload::padded("{\"producer\":\"web\",\"n\":7}", 3000);
    let text = Payload::text(p.as_str().into_owned());
    let attrs = Default::default();
    let env = |message| Envelope {
        kind: "Notification",
        message_id: "id-1",
        topic_arn: "arn:aws:sns:us-east-1:123456789012:t",
        subject: Some("hello \"you\""),
        message,
        timestamp: "2026-01-01T00:00:00.000Z".into(),
        signature_version: Some("1"),
        subscription_arn: "arn:aws:sns:us-east-1:123456789012:t:sub",
        token: None,
        attributes: Some(&attrs),
        sequence_number: None,
        replayed: false,
    };
    let synthetic = env(&p).to_json();
    let materialised = env(&text).to_json();
    assert!(synthetic.is_synthetic());
    assert!(synthetic.retained_bytes() < 2_000);
    assert_eq!(synthetic.as_bytes(), materialised.as_bytes());
    assert_eq!(synthetic.md5_hex(), materialised.md5_hex());

    // In a run: the envelope in the queue carries the old bytes as its Message.
    let q = |n: &str| format!("arn:aws:sqs:us-east-1:123456789012:{n}");
    let mut w = world(json!({
        "seed": 6,
        "queues": [{"QueueName": "env"}, {"QueueName": "raw"}],
        "topics": [{"Name": "t", "Subscriptions": [
            {"Protocol": "sqs", "Endpoint": q("env")},
            {"Protocol": "sqs", "Endpoint": q("raw"), "Attributes": {"RawMessageDelivery": "true"}}
        ]}],
        "producers": [{"name": "web", "topic": "t", "rate_per_s": 2, "body_bytes": 3000}]
    }));
    w.advance_to(5_000);
    let env_q = w.sqs().queue_by_name("env").unwrap();
    assert!(env_q.messages().count() >= 5);
    for m in env_q.messages() {
        assert!(m.body.is_synthetic());
        let v: Value = serde_json::from_str(&m.body.as_str()).unwrap();
        let message = v["Message"].as_str().unwrap();
        assert_eq!(message, old_body("web", n_of(message), false, 3000));
    }
    for m in w.sqs().queue_by_name("raw").unwrap().messages() {
        let n = n_of(&m.body.as_str());
        assert_eq!(m.body, old_body("web", n, false, 3000));
    }
}

#[test]
fn kinesis_records_and_s3_etags_are_of_the_old_padded_bytes() {
    let mut w = world(json!({
        "seed": 8,
        "streams": [{"StreamName": "s", "ShardCount": 1}],
        "buckets": [{"Bucket": "uploads"}],
        "producers": [
            {"name": "app", "stream": "s", "rate_per_s": 2, "body_bytes": 4000},
            {"name": "up", "bucket": "uploads", "rate_per_s": 1, "body_bytes": 4000}
        ]
    }));
    w.advance_to(5_000);
    let etags: Vec<(String, String)> = w
        .drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::ObjectPut { key, etag, .. } => Some((key, etag)),
            _ => None,
        })
        .collect();
    assert!(etags.len() >= 4);
    for (key, etag) in etags {
        let n: u64 = key.rsplit('/').next().unwrap().parse().unwrap();
        assert_eq!(etag, md5_hex(old_body("up", n, false, 4000).as_bytes()));
    }
    let shard = "shardId-000000000000";
    let it = call(
        &mut w,
        "kinesis",
        "GetShardIterator",
        json!({"StreamName": "s", "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}),
    );
    let r = call(
        &mut w,
        "kinesis",
        "GetRecords",
        json!({"ShardIterator": it["ShardIterator"]}),
    );
    let recs = r["Records"].as_array().unwrap();
    assert!(recs.len() >= 8);
    for rec in recs {
        let data = base64::engine::general_purpose::STANDARD
            .decode(rec["Data"].as_str().unwrap())
            .unwrap();
        let text = String::from_utf8(data).unwrap();
        assert_eq!(text, old_body("app", n_of(&text), false, 4000));
    }
}
