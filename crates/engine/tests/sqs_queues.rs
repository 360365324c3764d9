//! Queue lifecycle, naming, attributes, ListQueues and PurgeQueue (aws-rules §1.2, §1.12, §1.15,
//! §1.16, §0.1).

mod common;

use common::*;
use serde_json::json;

// ---- §1.2 Queue lifecycle and naming ------------------------------------------------------

#[test]
fn create_queue_returns_a_url_with_region_account_and_name() {
    let mut sim = Sim::new();
    let q = sim.create("orders", json!({}));
    assert_eq!(q, url("orders"));
}

#[test]
fn queue_arn_is_region_account_and_name() {
    let mut sim = Sim::new();
    let q = sim.create("orders", json!({}));
    assert_eq!(sim.attr(&q, "QueueArn"), arn("orders"));
}

#[test]
fn get_queue_url_returns_the_queue_url() {
    let mut sim = Sim::new();
    let q = sim.create("orders", json!({}));
    let v = sim.ok("GetQueueUrl", json!({"QueueName": "orders"}));
    assert_eq!(s(&v, "QueueUrl"), q);
}

#[test]
fn unknown_queue_fails_with_queue_does_not_exist() {
    let mut sim = Sim::new();
    sim.err_code(
        "GetQueueUrl",
        json!({"QueueName": "nope"}),
        "QueueDoesNotExist",
    );
    sim.err_code(
        "SendMessage",
        json!({"QueueUrl": url("nope"), "MessageBody": "x"}),
        "QueueDoesNotExist",
    );
    sim.err_code(
        "ReceiveMessage",
        json!({"QueueUrl": url("nope")}),
        "QueueDoesNotExist",
    );
    sim.err_code(
        "GetQueueAttributes",
        json!({"QueueUrl": url("nope"), "AttributeNames": ["All"]}),
        "QueueDoesNotExist",
    );
    sim.err_code(
        "PurgeQueue",
        json!({"QueueUrl": url("nope")}),
        "QueueDoesNotExist",
    );
}

#[test]
fn create_queue_with_same_name_and_identical_attributes_returns_the_existing_url() {
    let mut sim = Sim::new();
    let q = sim.create("same", json!({"VisibilityTimeout": "45"}));
    sim.send(&q, "kept");
    sim.at(2.0);
    let again = sim.create("same", json!({"VisibilityTimeout": "45"}));
    assert_eq!(again, q);
    // It is the same queue: the message sent before is still there.
    let m = sim
        .receive_one(&q)
        .expect("the existing queue keeps its message");
    assert_eq!(body(&m), "kept");
}

#[test]
fn create_queue_with_same_name_and_different_attributes_fails_with_queue_name_exists() {
    let mut sim = Sim::new();
    sim.create("same", json!({"VisibilityTimeout": "45"}));
    sim.at(2.0);
    let e = sim.err(
        "CreateQueue",
        json!({"QueueName": "same", "Attributes": {"VisibilityTimeout": "60"}}),
    );
    // §1.16: QueueNameExists is QueueAlreadyExists in the legacy query protocol.
    assert!(
        e.code == "QueueNameExists" || e.code == "QueueAlreadyExists",
        "got {e}"
    );
    assert_eq!(sim.attr(&url("same"), "VisibilityTimeout"), "45");
}

#[test]
fn create_queue_within_60_seconds_of_delete_fails_with_queue_deleted_recently() {
    let mut sim = Sim::new();
    let q = sim.create("recycled", json!({}));
    sim.at(5.0);
    sim.ok("DeleteQueue", json!({"QueueUrl": q}));
    sim.at(35.0);
    sim.err_code(
        "CreateQueue",
        json!({"QueueName": "recycled"}),
        "QueueDeletedRecently",
    );
    sim.at(66.0);
    let again = sim.create("recycled", json!({}));
    assert_eq!(again, url("recycled"));
}

#[test]
fn deleted_queue_does_not_exist_after_the_deletion_window() {
    let mut sim = Sim::new();
    let q = sim.create("gone", json!({}));
    sim.send(&q, "x");
    sim.ok("DeleteQueue", json!({"QueueUrl": q}));
    // Deletion takes up to 60 s; after it, the queue is unknown.
    sim.at(61.0);
    sim.err_code(
        "SendMessage",
        json!({"QueueUrl": q, "MessageBody": "x"}),
        "QueueDoesNotExist",
    );
    sim.err_code(
        "GetQueueUrl",
        json!({"QueueName": "gone"}),
        "QueueDoesNotExist",
    );
    let v = sim.ok("ListQueues", json!({}));
    assert!(list(&v, "QueueUrls").iter().all(|u| u != &json!(q)));
}

#[test]
fn queue_name_may_be_80_characters_but_not_81() {
    let mut sim = Sim::new();
    let n80 = "a".repeat(80);
    sim.create(&n80, json!({}));
    let n81 = "b".repeat(81);
    sim.err("CreateQueue", json!({"QueueName": n81}));
}

#[test]
fn queue_name_allows_only_alphanumerics_hyphens_and_underscores() {
    let mut sim = Sim::new();
    sim.create("Ab-9_z", json!({}));
    for bad in ["has space", "dot.ted", "slash/ed", "star*", "", "ümlaut"] {
        sim.err("CreateQueue", json!({"QueueName": bad}));
    }
}

#[test]
fn fifo_queue_name_must_end_with_dot_fifo() {
    let mut sim = Sim::new();
    sim.err(
        "CreateQueue",
        json!({"QueueName": "orders", "Attributes": {"FifoQueue": "true"}}),
    );
    // A .fifo name without FifoQueue=true is not a valid standard queue name either.
    sim.err("CreateQueue", json!({"QueueName": "orders.fifo"}));
    let q = sim.create_fifo("orders.fifo", json!({}));
    assert_eq!(q, url("orders.fifo"));
    assert_eq!(sim.attr(&q, "FifoQueue"), "true");
}

#[test]
fn fifo_suffix_counts_toward_the_80_character_limit() {
    let mut sim = Sim::new();
    let ok = format!("{}.fifo", "a".repeat(75));
    assert_eq!(ok.len(), 80);
    sim.create_fifo(&ok, json!({}));
    let too_long = format!("{}.fifo", "b".repeat(76));
    sim.err(
        "CreateQueue",
        json!({"QueueName": too_long, "Attributes": {"FifoQueue": "true"}}),
    );
}

#[test]
fn queue_type_cannot_be_changed_after_creation() {
    let mut sim = Sim::new();
    let q = sim.create("plain", json!({}));
    assert!(sim.set_attrs(&q, json!({"FifoQueue": "true"})).is_err());
    let f = sim.create_fifo("ordered.fifo", json!({}));
    assert!(sim.set_attrs(&f, json!({"FifoQueue": "false"})).is_err());
    assert_eq!(sim.attr(&f, "FifoQueue"), "true");
    assert!(sim.attrs(&q).get("FifoQueue").is_none_or(|v| v == "false"));
}

// ---- §1.2 Attributes: defaults and ranges ---------------------------------------------------

#[test]
fn get_queue_attributes_all_returns_the_documented_defaults() {
    let mut sim = Sim::new();
    let q = sim.create("defaults", json!({}));
    let a = sim.attrs(&q);
    let expect = [
        ("VisibilityTimeout", "30"),
        ("DelaySeconds", "0"),
        ("MaximumMessageSize", "1048576"),
        ("MessageRetentionPeriod", "345600"),
        ("ReceiveMessageWaitTimeSeconds", "0"),
        ("ApproximateNumberOfMessages", "0"),
        ("ApproximateNumberOfMessagesNotVisible", "0"),
        ("ApproximateNumberOfMessagesDelayed", "0"),
        ("SqsManagedSseEnabled", "true"),
    ];
    for (k, v) in expect {
        assert_eq!(a.get(k).and_then(|x| x.as_str()), Some(v), "attribute {k}");
    }
    assert_eq!(a["QueueArn"], json!(arn("defaults")));
    assert!(a.contains_key("CreatedTimestamp"));
    assert!(a.contains_key("LastModifiedTimestamp"));
    // A standard queue has no FIFO-only attributes set.
    assert!(a.get("FifoQueue").is_none_or(|v| v == "false"));
    assert!(a.get("ContentBasedDeduplication").is_none());
}

#[test]
fn maximum_message_size_defaults_to_1_mib() {
    let mut sim = Sim::new();
    let q = sim.create("big", json!({}));
    assert_eq!(sim.attr(&q, "MaximumMessageSize"), "1048576");
}

#[test]
fn sqs_managed_sse_is_enabled_by_default_on_a_new_queue() {
    let mut sim = Sim::new();
    let q = sim.create("sse", json!({}));
    assert_eq!(sim.attr(&q, "SqsManagedSseEnabled"), "true");
    let q2 = sim.create("nosse", json!({"SqsManagedSseEnabled": "false"}));
    assert_eq!(sim.attr(&q2, "SqsManagedSseEnabled"), "false");
}

#[test]
fn fifo_queue_defaults_dedup_scope_queue_and_throughput_limit_per_queue() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("d.fifo", json!({}));
    let a = sim.attrs(&q);
    assert_eq!(a["FifoQueue"], json!("true"));
    assert_eq!(a["ContentBasedDeduplication"], json!("false"));
    assert_eq!(a["DeduplicationScope"], json!("queue"));
    assert_eq!(a["FifoThroughputLimit"], json!("perQueue"));
}

#[test]
fn created_timestamp_is_epoch_seconds_of_the_virtual_creation_time() {
    let mut sim = Sim::new();
    sim.at(10.5);
    let q = sim.create("ts", json!({}));
    assert_eq!(sim.attr_u64(&q, "CreatedTimestamp"), EPOCH_S + 10);
    assert_eq!(sim.attr_u64(&q, "LastModifiedTimestamp"), EPOCH_S + 10);
}

#[test]
fn last_modified_timestamp_moves_when_attributes_are_set() {
    let mut sim = Sim::new();
    let q = sim.create("ts", json!({}));
    sim.at(100.0);
    sim.set_attrs(&q, json!({"VisibilityTimeout": "40"}))
        .unwrap();
    assert_eq!(sim.attr_u64(&q, "CreatedTimestamp"), EPOCH_S);
    assert_eq!(sim.attr_u64(&q, "LastModifiedTimestamp"), EPOCH_S + 100);
}

#[test]
fn get_queue_attributes_without_attribute_names_returns_no_attributes() {
    let mut sim = Sim::new();
    let q = sim.create("quiet", json!({}));
    let v = sim.ok("GetQueueAttributes", json!({"QueueUrl": q}));
    let n = v
        .get("Attributes")
        .and_then(|a| a.as_object())
        .map_or(0, |a| a.len());
    assert_eq!(n, 0, "got {v}");
}

#[test]
fn get_queue_attributes_returns_only_the_names_asked_for() {
    let mut sim = Sim::new();
    let q = sim.create("some", json!({}));
    let v = sim.ok(
        "GetQueueAttributes",
        json!({"QueueUrl": q, "AttributeNames": ["VisibilityTimeout", "DelaySeconds"]}),
    );
    let a = v["Attributes"].as_object().unwrap();
    assert_eq!(a.len(), 2, "got {v}");
    assert_eq!(a["VisibilityTimeout"], json!("30"));
    assert_eq!(a["DelaySeconds"], json!("0"));
}

#[test]
fn unknown_attribute_name_fails_with_invalid_attribute_name() {
    let mut sim = Sim::new();
    sim.err_code(
        "CreateQueue",
        json!({"QueueName": "x", "Attributes": {"Colour": "blue"}}),
        "InvalidAttributeName",
    );
    let q = sim.create("y", json!({}));
    sim.err_code(
        "GetQueueAttributes",
        json!({"QueueUrl": q, "AttributeNames": ["Colour"]}),
        "InvalidAttributeName",
    );
    sim.err_code(
        "SetQueueAttributes",
        json!({"QueueUrl": q, "Attributes": {"Colour": "blue"}}),
        "InvalidAttributeName",
    );
}

/// Asserts `name` accepts `lo` and `hi` and rejects `lo - 1` (when ≥ 0) and `hi + 1` with
/// InvalidAttributeValue, both in CreateQueue and SetQueueAttributes.
fn check_range(name: &str, lo: i64, hi: i64) {
    check_range_with(name, lo, hi, true)
}

fn check_range_with(name: &str, lo: i64, hi: i64, read_back: bool) {
    let mut sim = Sim::new();
    let q = sim.create("range", json!({}));
    for v in [lo, hi] {
        sim.set_attrs(&q, json!({ name: v.to_string() }))
            .unwrap_or_else(|e| panic!("{name}={v} must be accepted: {e}"));
        if read_back {
            assert_eq!(sim.attr(&q, name), v.to_string());
        }
    }
    let mut bad = vec![hi + 1, -1];
    if lo > 0 {
        bad.push(lo - 1);
    }
    for v in bad {
        let e = sim
            .set_attrs(&q, json!({ name: v.to_string() }))
            .expect_err(&format!("{name}={v} must be rejected"));
        assert_eq!(e.code, "InvalidAttributeValue", "{name}={v}: {e}");
        sim.err_code(
            "CreateQueue",
            json!({"QueueName": format!("c{}", v.unsigned_abs()), "Attributes": { name: v.to_string() }}),
            "InvalidAttributeValue",
        );
    }
    sim.err_code(
        "SetQueueAttributes",
        json!({"QueueUrl": q, "Attributes": { name: "ten" }}),
        "InvalidAttributeValue",
    );
}

#[test]
fn visibility_timeout_attribute_ranges_from_0_to_43200_seconds() {
    check_range("VisibilityTimeout", 0, 43_200);
}

#[test]
fn visibility_timeout_above_12_hours_is_rejected() {
    let mut sim = Sim::new();
    sim.err_code(
        "CreateQueue",
        json!({"QueueName": "long", "Attributes": {"VisibilityTimeout": "43201"}}),
        "InvalidAttributeValue",
    );
}

#[test]
fn delay_seconds_attribute_ranges_from_0_to_900_seconds() {
    check_range("DelaySeconds", 0, 900);
}

#[test]
fn maximum_message_size_ranges_from_1024_to_1048576_bytes() {
    check_range("MaximumMessageSize", 1_024, 1_048_576);
}

#[test]
fn message_retention_period_ranges_from_60_seconds_to_14_days() {
    check_range("MessageRetentionPeriod", 60, 1_209_600);
}

#[test]
fn receive_message_wait_time_seconds_ranges_from_0_to_20() {
    check_range("ReceiveMessageWaitTimeSeconds", 0, 20);
}

#[test]
fn kms_data_key_reuse_period_ranges_from_60_to_86400_seconds() {
    // Only returned by GetQueueAttributes for a queue using SSE-KMS: not read back here.
    check_range_with("KmsDataKeyReusePeriodSeconds", 60, 86_400, false);
}

#[test]
fn per_message_group_throughput_limit_requires_message_group_dedup_scope() {
    let mut sim = Sim::new();
    sim.err(
        "CreateQueue",
        json!({"QueueName": "ht.fifo", "Attributes": {"FifoQueue": "true",
               "FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "queue"}}),
    );
    let q = sim.create_fifo(
        "ht2.fifo",
        json!({"FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "messageGroup"}),
    );
    assert_eq!(sim.attr(&q, "FifoThroughputLimit"), "perMessageGroupId");
    // Nor may the scope be widened back to queue while the limit is per group.
    assert!(sim
        .set_attrs(&q, json!({"DeduplicationScope": "queue"}))
        .is_err());
}

#[test]
fn dedup_scope_and_throughput_limit_accept_only_their_documented_values() {
    let mut sim = Sim::new();
    let q = sim.create_fifo("v.fifo", json!({}));
    sim.set_attrs(&q, json!({"DeduplicationScope": "messageGroup"}))
        .unwrap();
    assert!(sim
        .set_attrs(&q, json!({"DeduplicationScope": "perGroup"}))
        .is_err());
    assert!(sim
        .set_attrs(&q, json!({"FifoThroughputLimit": "perQueueish"}))
        .is_err());
}

#[test]
fn attribute_change_is_reported_as_an_event_and_visible_in_get_queue_attributes() {
    let mut sim = Sim::new();
    let q = sim.create("chg", json!({}));
    sim.events();
    sim.set_attrs(&q, json!({"DelaySeconds": "7"})).unwrap();
    assert_eq!(sim.attr(&q, "DelaySeconds"), "7");
    let ev = sim.events();
    assert_eq!(
        count_events(&ev, |k| matches!(
            k,
            mqlab_engine::EventKind::QueueAttributesChanged { attributes, .. }
                if attributes.iter().any(|a| a == "DelaySeconds")
        )),
        1
    );
}

// ---- §1.2 ListQueues ----------------------------------------------------------------------

#[test]
fn list_queues_returns_every_queue_url() {
    let mut sim = Sim::new();
    let mut made: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|n| sim.create(n, json!({})))
        .collect();
    let v = sim.ok("ListQueues", json!({}));
    let mut got: Vec<String> = list(&v, "QueueUrls")
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    made.sort();
    got.sort();
    assert_eq!(got, made);
}

#[test]
fn list_queues_filters_by_queue_name_prefix() {
    let mut sim = Sim::new();
    for n in ["orders-eu", "orders-us", "payments", "ordersfifo"] {
        sim.create(n, json!({}));
    }
    let v = sim.ok("ListQueues", json!({"QueueNamePrefix": "orders-"}));
    let mut got: Vec<String> = list(&v, "QueueUrls")
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, vec![url("orders-eu"), url("orders-us")]);
    let none = sim.ok("ListQueues", json!({"QueueNamePrefix": "zzz"}));
    assert!(list(&none, "QueueUrls").is_empty());
}

#[test]
fn list_queues_paginates_with_max_results_and_next_token() {
    let mut sim = Sim::new();
    for i in 0..5 {
        sim.create(&format!("page{i}"), json!({}));
    }
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut p = json!({"MaxResults": 2});
        if let Some(t) = &token {
            p["NextToken"] = json!(t);
        }
        let v = sim.ok("ListQueues", p);
        let urls = list(&v, "QueueUrls");
        assert!(urls.len() <= 2, "MaxResults 2 gave {}", urls.len());
        seen.extend(urls.iter().map(|u| u.as_str().unwrap().to_string()));
        pages += 1;
        assert!(pages <= 5, "pagination does not end");
        match v.get("NextToken").and_then(|t| t.as_str()) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5);
    assert!(
        pages >= 3,
        "5 queues at 2 per page need 3 pages, got {pages}"
    );
}

#[test]
fn list_queues_returns_at_most_1000_results_per_call() {
    let mut sim = Sim::new();
    for i in 0..1001 {
        sim.create(&format!("q{i:04}"), json!({}));
    }
    let v = sim.ok("ListQueues", json!({}));
    assert_eq!(list(&v, "QueueUrls").len(), 1000);
    let v = sim.ok("ListQueues", json!({"MaxResults": 1000}));
    assert_eq!(list(&v, "QueueUrls").len(), 1000);
    assert!(v.get("NextToken").and_then(|t| t.as_str()).is_some());
    sim.err("ListQueues", json!({"MaxResults": 1001}));
    sim.err("ListQueues", json!({"MaxResults": 0}));
}

// ---- §1.12 PurgeQueue -------------------------------------------------------------------------

#[test]
fn purge_deletes_all_messages_including_in_flight_ones() {
    let mut sim = Sim::new();
    let q = sim.create("p", json!({"VisibilityTimeout": "5"}));
    for i in 0..5 {
        sim.send(&q, &format!("m{i}"));
    }
    let inflight = sim.receive_n(&q, 2);
    assert_eq!(inflight.len(), 2);
    sim.events();
    sim.ok("PurgeQueue", json!({"QueueUrl": q}));
    // Purge takes up to 60 s; afterwards nothing is left, not even the in-flight ones whose
    // visibility timeout (5 s) has long expired.
    sim.at(61.0);
    assert!(sim.receive_n(&q, 10).is_empty());
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessages"), 0);
    assert_eq!(sim.attr_u64(&q, "ApproximateNumberOfMessagesNotVisible"), 0);
    let ev = sim.events();
    assert!(ev
        .iter()
        .any(|e| matches!(e.kind, mqlab_engine::EventKind::QueuePurged { .. })));
}

#[test]
fn purge_within_60_seconds_is_refused_with_purge_queue_in_progress() {
    let mut sim = Sim::new();
    let q = sim.create("p", json!({}));
    sim.ok("PurgeQueue", json!({"QueueUrl": q}));
    sim.at(30.0);
    sim.err_code("PurgeQueue", json!({"QueueUrl": q}), "PurgeQueueInProgress");
    sim.at(61.0);
    sim.ok("PurgeQueue", json!({"QueueUrl": q}));
}

#[test]
fn messages_sent_after_the_purge_window_survive() {
    let mut sim = Sim::new();
    let q = sim.create("p", json!({}));
    sim.send(&q, "old");
    sim.ok("PurgeQueue", json!({"QueueUrl": q}));
    sim.at(61.0);
    sim.send(&q, "new");
    sim.at(130.0);
    let got = sim.receive_n(&q, 10);
    assert_eq!(bodies(&got), vec!["new".to_string()]);
}

/// aws-rules §1.18: AddPermission / RemovePermission edit the queue's Policy, with moto's
/// checks and texts.
#[test]
fn add_permission_and_remove_permission_edit_the_queue_policy() {
    let mut sim = Sim::new();
    let q = sim.create("perm", json!({}));
    sim.ok(
        "AddPermission",
        json!({"QueueUrl": q, "Label": "readers", "AWSAccountIds": ["111122223333"],
               "Actions": ["ReceiveMessage", "DeleteMessage"]}),
    );
    let attrs = sim.ok(
        "GetQueueAttributes",
        json!({"QueueUrl": q, "AttributeNames": ["Policy"]}),
    );
    let policy: serde_json::Value =
        serde_json::from_str(attrs["Attributes"]["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(
        policy["Statement"],
        json!([{
            "Sid": "readers", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": ["SQS:ReceiveMessage", "SQS:DeleteMessage"],
            "Resource": arn("perm")
        }])
    );
    let e = sim.err_code(
        "AddPermission",
        json!({"QueueUrl": q, "Label": "readers", "AWSAccountIds": ["111122223333"],
               "Actions": ["SendMessage"]}),
        "InvalidParameterValue",
    );
    assert_eq!(
        e.message,
        "Value readers for parameter Label is invalid. Reason: Already exists."
    );
    let e = sim.err_code(
        "AddPermission",
        json!({"QueueUrl": q, "Label": "x", "AWSAccountIds": ["111122223333"],
               "Actions": vec!["SendMessage"; 8]}),
        "OverLimit",
    );
    assert_eq!(e.message, "8 Actions were found, maximum allowed is 7.");
    sim.err_code(
        "AddPermission",
        json!({"QueueUrl": q, "Label": "x", "AWSAccountIds": ["111122223333"],
               "Actions": ["CreateQueue"]}),
        "InvalidParameterValue",
    );
    sim.err_code(
        "AddPermission",
        json!({"QueueUrl": q, "Label": "x", "AWSAccountIds": [], "Actions": ["SendMessage"]}),
        "InvalidParameterValue",
    );
    sim.err_code(
        "AddPermission",
        json!({"QueueUrl": q, "Label": "x", "AWSAccountIds": ["111122223333"]}),
        "MissingParameter",
    );
    let e = sim.err_code(
        "RemovePermission",
        json!({"QueueUrl": q, "Label": "nope"}),
        "InvalidParameterValue",
    );
    assert_eq!(
        e.message,
        "Value nope for parameter Label is invalid. Reason: can't find label on existing policy."
    );
    sim.ok(
        "RemovePermission",
        json!({"QueueUrl": q, "Label": "readers"}),
    );
    let attrs = sim.ok(
        "GetQueueAttributes",
        json!({"QueueUrl": q, "AttributeNames": ["Policy"]}),
    );
    assert!(attrs["Attributes"].get("Policy").is_none(), "{attrs}");
}
