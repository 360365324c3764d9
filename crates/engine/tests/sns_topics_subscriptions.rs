//! SNS topics and subscriptions (aws-rules §3.1, §3.3): names, attributes, idempotent creates,
//! deletion, paging, tags, protocols and endpoints, confirmation, subscription attributes.

mod sns_common;

use serde_json::json;
use sns_common::*;

#[test]
fn create_topic_returns_an_arn_of_the_account_and_region() {
    let mut s = Sim::new();
    assert_eq!(s.create_topic("orders", json!({})), topic_arn("orders"));
}

#[test]
fn create_topic_twice_with_the_same_attributes_returns_the_same_arn() {
    let mut s = Sim::new();
    let a = s.create_topic("orders", json!({"DisplayName": "Orders"}));
    let b = s.create_topic("orders", json!({"DisplayName": "Orders"}));
    let c = s.create_topic("orders", json!({}));
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn create_topic_with_different_attributes_is_refused() {
    let mut s = Sim::new();
    s.create_topic("orders", json!({"DisplayName": "Orders"}));
    let e = s.err(
        "CreateTopic",
        json!({"Name": "orders", "Attributes": {"DisplayName": "Other"}}),
        "InvalidParameterException",
    );
    assert!(
        e.message
            .contains("Topic already exists with different attributes"),
        "{e}"
    );
}

#[test]
fn topic_names_allow_only_letters_digits_hyphens_and_underscores() {
    let mut s = Sim::new();
    for bad in ["bad name", "a.b", "", &"a".repeat(257)] {
        let e = s.err(
            "CreateTopic",
            json!({"Name": bad}),
            "InvalidParameterException",
        );
        assert_eq!(e.message, "Invalid parameter: Topic Name");
    }
    s.create_topic(&"a".repeat(256), json!({}));
    s.create_topic("Ok_name-1", json!({}));
}

#[test]
fn fifo_topic_names_must_end_in_dot_fifo() {
    let mut s = Sim::new();
    let e = s.err(
        "CreateTopic",
        json!({"Name": "orders", "Attributes": {"FifoTopic": "true"}}),
        "InvalidParameterException",
    );
    assert!(
        e.message
            .starts_with("Fifo Topic names must end with .fifo"),
        "{e}"
    );
    // The suffix without FifoTopic=true is just an invalid standard name.
    s.err(
        "CreateTopic",
        json!({"Name": "orders.fifo"}),
        "InvalidParameterException",
    );
    let arn = s.create_fifo_topic("orders.fifo", json!({}));
    assert_eq!(arn, topic_arn("orders.fifo"));
    let a = s.topic_attrs(&arn);
    assert_eq!(a["FifoTopic"], "true");
    assert_eq!(a["ContentBasedDeduplication"], "false");
    assert_eq!(a["FifoThroughputScope"], "Topic");
}

#[test]
fn get_topic_attributes_reports_arn_owner_counts_and_effective_delivery_policy() {
    let mut s = Sim::new();
    let t = s.create_topic("orders", json!({}));
    s.create_queue("q", json!({}));
    s.subscribe_queue(&t, "q", json!({}));
    s.subscribe(&t, "https", "https://example.com/hook", json!({}));
    let a = s.topic_attrs(&t);
    assert_eq!(a["TopicArn"], t);
    assert_eq!(a["Owner"], ACCOUNT);
    assert_eq!(a["SubscriptionsConfirmed"], "1");
    assert_eq!(a["SubscriptionsPending"], "1");
    assert_eq!(a["SubscriptionsDeleted"], "0");
    assert_eq!(a["DisplayName"], "");
    assert!(
        a.get("FifoTopic").is_none(),
        "standard topics do not show FifoTopic"
    );
    let p: serde_json::Value =
        serde_json::from_str(a["EffectiveDeliveryPolicy"].as_str().unwrap()).unwrap();
    let r = &p["http"]["defaultHealthyRetryPolicy"];
    assert_eq!(r["numRetries"], 3);
    assert_eq!(r["minDelayTarget"], 20);
    assert_eq!(r["maxDelayTarget"], 20);
    assert_eq!(r["backoffFunction"], "linear");
    let policy: serde_json::Value = serde_json::from_str(a["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(policy["Statement"][0]["Resource"], t);
}

#[test]
fn set_topic_attributes_changes_settable_attributes_but_not_fifo_topic() {
    let mut s = Sim::new();
    let t = s.create_topic("orders", json!({}));
    s.ok(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "DisplayName", "AttributeValue": "Shop"}),
    );
    assert_eq!(s.topic_attrs(&t)["DisplayName"], "Shop");
    let e = s.err(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "FifoTopic", "AttributeValue": "true"}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: AttributeName");
    s.err(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "Nope", "AttributeValue": "1"}),
        "InvalidParameterException",
    );
}

#[test]
fn content_based_deduplication_and_throughput_scope_are_only_for_fifo_topics() {
    let mut s = Sim::new();
    for attr in ["ContentBasedDeduplication", "FifoThroughputScope"] {
        let value = if attr == "FifoThroughputScope" {
            "Topic"
        } else {
            "true"
        };
        s.err(
            "CreateTopic",
            json!({"Name": "std", "Attributes": {attr: value}}),
            "InvalidParameterException",
        );
    }
    let t = s.create_fifo_topic(
        "f.fifo",
        json!({"ContentBasedDeduplication": "true", "FifoThroughputScope": "MessageGroup"}),
    );
    let a = s.topic_attrs(&t);
    assert_eq!(a["ContentBasedDeduplication"], "true");
    assert_eq!(a["FifoThroughputScope"], "MessageGroup");
    s.err(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "FifoThroughputScope", "AttributeValue": "Queue"}),
        "InvalidParameterException",
    );
}

#[test]
fn signature_version_must_be_1_or_2() {
    let mut s = Sim::new();
    s.err(
        "CreateTopic",
        json!({"Name": "t", "Attributes": {"SignatureVersion": "3"}}),
        "InvalidParameterException",
    );
    let t = s.create_topic("t", json!({"SignatureVersion": "2"}));
    assert_eq!(s.topic_attrs(&t)["SignatureVersion"], "2");
}

#[test]
fn archive_policy_is_only_for_fifo_topics_and_keeps_1_to_365_days() {
    let mut s = Sim::new();
    let policy = r#"{"MessageRetentionPeriod":"30"}"#;
    s.err(
        "CreateTopic",
        json!({"Name": "t", "Attributes": {"ArchivePolicy": policy}}),
        "InvalidParameterException",
    );
    s.err(
        "CreateTopic",
        json!({"Name": "f.fifo", "Attributes": {"FifoTopic": "true", "ArchivePolicy": r#"{"MessageRetentionPeriod":"400"}"#}}),
        "InvalidParameterException",
    );
    let t = s.create_fifo_topic("f.fifo", json!({"ArchivePolicy": policy}));
    assert_eq!(s.topic_attrs(&t)["ArchivePolicy"], policy);
}

#[test]
fn a_topic_delivery_policy_is_validated_and_shows_in_the_effective_policy() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.err(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "DeliveryPolicy", "AttributeValue": "{not json"}),
        "InvalidParameterException",
    );
    let policy = json!({"http": {"defaultHealthyRetryPolicy": {
        "minDelayTarget": 5, "maxDelayTarget": 5, "numRetries": 7}}});
    s.ok(
        "SetTopicAttributes",
        json!({"TopicArn": t, "AttributeName": "DeliveryPolicy", "AttributeValue": policy.to_string()}),
    );
    let a = s.topic_attrs(&t);
    let eff: serde_json::Value =
        serde_json::from_str(a["EffectiveDeliveryPolicy"].as_str().unwrap()).unwrap();
    assert_eq!(eff["http"]["defaultHealthyRetryPolicy"]["numRetries"], 7);
    assert_eq!(
        eff["http"]["defaultHealthyRetryPolicy"]["minDelayTarget"],
        5
    );
}

#[test]
fn delete_topic_deletes_its_subscriptions() {
    let mut s = Sim::new();
    let t = s.create_topic("orders", json!({}));
    s.create_queue("q", json!({}));
    let sub = s.subscribe_queue(&t, "q", json!({}));
    s.ok("DeleteTopic", json!({"TopicArn": t}));
    s.err(
        "GetTopicAttributes",
        json!({"TopicArn": t}),
        "NotFoundException",
    );
    s.err(
        "GetSubscriptionAttributes",
        json!({"SubscriptionArn": sub}),
        "NotFoundException",
    );
    assert_eq!(
        s.ok("ListSubscriptions", json!({}))["Subscriptions"],
        json!([])
    );
    // Deleting it again succeeds.
    s.ok("DeleteTopic", json!({"TopicArn": t}));
}

#[test]
fn publish_to_a_deleted_topic_is_not_found() {
    let mut s = Sim::new();
    let t = s.create_topic("orders", json!({}));
    s.ok("DeleteTopic", json!({"TopicArn": t}));
    let e = s.err(
        "Publish",
        json!({"TopicArn": t, "Message": "hi"}),
        "NotFoundException",
    );
    assert_eq!(e.message, "Topic does not exist");
}

#[test]
fn a_malformed_or_foreign_region_topic_arn_is_an_invalid_parameter() {
    let mut s = Sim::new();
    s.create_topic("orders", json!({}));
    let e = s.err(
        "GetTopicAttributes",
        json!({"TopicArn": "arn:aws:sns:eu-west-1:123456789012:orders"}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: TopicArn");
    let e = s.err(
        "GetTopicAttributes",
        json!({"TopicArn": "orders"}),
        "InvalidParameterException",
    );
    assert!(
        e.message
            .contains("An ARN must have at least 6 elements, not 1"),
        "{e}"
    );
}

#[test]
fn list_topics_pages_100_at_a_time() {
    let mut s = Sim::new();
    for i in 0..150 {
        s.create_topic(&format!("t{i:03}"), json!({}));
    }
    let p1 = s.ok("ListTopics", json!({}));
    assert_eq!(p1["Topics"].as_array().unwrap().len(), 100);
    assert_eq!(p1["Topics"][0]["TopicArn"], topic_arn("t000"));
    let tok = p1["NextToken"].as_str().unwrap().to_string();
    let p2 = s.ok("ListTopics", json!({"NextToken": tok}));
    let arns = p2["Topics"].as_array().unwrap();
    assert_eq!(arns.len(), 50);
    assert_eq!(arns[0]["TopicArn"], topic_arn("t100"));
    assert!(p2.get("NextToken").is_none());
}

#[test]
fn tags_can_be_added_listed_and_removed() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.ok(
        "TagResource",
        json!({"ResourceArn": t, "Tags": [{"Key": "team", "Value": "a"}, {"Key": "env", "Value": "prod"}]}),
    );
    let tags = s.ok("ListTagsForResource", json!({"ResourceArn": t}));
    assert_eq!(
        tags["Tags"],
        json!([{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "a"}])
    );
    s.ok(
        "UntagResource",
        json!({"ResourceArn": t, "TagKeys": ["env"]}),
    );
    let tags = s.ok("ListTagsForResource", json!({"ResourceArn": t}));
    assert_eq!(tags["Tags"], json!([{"Key": "team", "Value": "a"}]));
    s.err(
        "TagResource",
        json!({"ResourceArn": topic_arn("nope"), "Tags": [{"Key": "a", "Value": "b"}]}),
        "ResourceNotFoundException",
    );
    s.err(
        "TagResource",
        json!({"ResourceArn": t, "Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}),
        "InvalidParameterException",
    );
    let many: Vec<_> = (0..50)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    s.err(
        "TagResource",
        json!({"ResourceArn": t, "Tags": many}),
        "TagLimitExceededException",
    );
}

#[test]
fn create_topic_with_different_tags_is_refused() {
    let mut s = Sim::new();
    s.ok(
        "CreateTopic",
        json!({"Name": "t", "Tags": [{"Key": "a", "Value": "1"}]}),
    );
    let e = s.err(
        "CreateTopic",
        json!({"Name": "t", "Tags": [{"Key": "a", "Value": "2"}]}),
        "InvalidParameterException",
    );
    assert!(e.message.contains("different tags"), "{e}");
}

// ------------------------------------------------------------------------------ subscriptions

#[test]
fn subscribe_to_an_unknown_topic_is_not_found() {
    let mut s = Sim::new();
    s.err(
        "Subscribe",
        json!({"TopicArn": topic_arn("nope"), "Protocol": "sqs", "Endpoint": queue_arn("q")}),
        "NotFoundException",
    );
}

#[test]
fn subscription_arn_is_the_topic_arn_and_a_uuid() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe_queue(&t, "q", json!({}));
    let id = sub
        .strip_prefix(&format!("{t}:"))
        .expect("topic ARN prefix");
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
}

#[test]
fn same_subscription_twice_returns_the_same_arn() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let a = s.subscribe_queue(&t, "q", json!({"RawMessageDelivery": "true"}));
    let b = s.subscribe_queue(&t, "q", json!({"RawMessageDelivery": "true"}));
    let c = s.subscribe_queue(&t, "q", json!({}));
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(s.topic_attrs(&t)["SubscriptionsConfirmed"], "1");
}

/// aws-rules §3.3: Subscribe is idempotent when the attributes it gives restate the
/// subscription's values or their defaults; only the attributes given are compared.
#[test]
fn subscribing_again_with_default_or_equal_attributes_returns_the_existing_subscription() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let a = s.subscribe_queue(&t, "q", json!({}));
    // Defaults restated: RawMessageDelivery=false, FilterPolicyScope=MessageAttributes.
    let b = s.subscribe_queue(
        &t,
        "q",
        json!({"RawMessageDelivery": "false", "FilterPolicyScope": "MessageAttributes"}),
    );
    assert_eq!(a, b);
    let f = s.subscribe_queue(&t, "f", json!({"FilterPolicy": r#"{"kind": ["a", "b"]}"#}));
    // The same policy, spaced and ordered differently, is the same policy.
    let g = s.subscribe_queue(&t, "f", json!({"FilterPolicy": r#"{"kind":["a","b"]}"#}));
    assert_eq!(f, g);
    let h = s.subscribe_queue(&t, "f", json!({"RawMessageDelivery": "FALSE"}));
    assert_eq!(f, h);
    for different in [
        json!({"FilterPolicy": r#"{"kind": ["c"]}"#}),
        json!({"FilterPolicyScope": "MessageBody"}),
        json!({"RawMessageDelivery": "true"}),
    ] {
        let e = s.err(
            "Subscribe",
            json!({"TopicArn": t, "Protocol": "sqs", "Endpoint": queue_arn("f"),
                   "Attributes": different}),
            "InvalidParameterException",
        );
        assert_eq!(
            e.message,
            "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"
        );
    }
    assert_eq!(s.topic_attrs(&t)["SubscriptionsConfirmed"], "2");
}

#[test]
fn same_subscription_with_different_attributes_is_refused() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.subscribe_queue(&t, "q", json!({"RawMessageDelivery": "true"}));
    let e = s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "sqs", "Endpoint": queue_arn("q"),
               "Attributes": {"RawMessageDelivery": "false"}}),
        "InvalidParameterException",
    );
    assert!(
        e.message
            .contains("Subscription already exists with different attributes"),
        "{e}"
    );
}

#[test]
fn fifo_topic_accepts_only_sqs_subscriptions() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic("f.fifo", json!({}));
    for (protocol, endpoint) in [
        ("lambda", "arn:aws:lambda:us-east-1:123456789012:function:f"),
        ("https", "https://example.com/"),
        ("email", "a@example.com"),
        ("sms", "+15555550100"),
    ] {
        s.err(
            "Subscribe",
            json!({"TopicArn": t, "Protocol": protocol, "Endpoint": endpoint}),
            "InvalidParameterException",
        );
    }
    s.subscribe_queue(&t, "q.fifo", json!({}));
}

#[test]
fn fifo_topic_accepts_standard_queue_subscriptions() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic("f.fifo", json!({}));
    s.subscribe_queue(&t, "standard", json!({}));
}

#[test]
fn fifo_queue_cannot_subscribe_to_a_standard_topic() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let e = s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "sqs", "Endpoint": queue_arn("q.fifo")}),
        "InvalidParameterException",
    );
    assert!(e
        .message
        .contains("FIFO SQS Queues can not be subscribed to standard SNS topics"));
}

#[test]
fn firehose_subscription_requires_a_subscription_role_arn() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let stream = "arn:aws:firehose:us-east-1:123456789012:deliverystream/s";
    s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "firehose", "Endpoint": stream}),
        "InvalidParameterException",
    );
    let sub = s.subscribe(
        &t,
        "firehose",
        stream,
        json!({"SubscriptionRoleArn": "arn:aws:iam::123456789012:role/sns-firehose"}),
    );
    assert_eq!(s.sub_attrs(&sub)["PendingConfirmation"], "false");
}

#[test]
fn endpoints_are_validated_per_protocol() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let bad = [
        ("http", "https://example.com"),
        ("https", "ftp://example.com"),
        ("email", "not-an-address"),
        ("email-json", "a@b"),
        ("sms", "5555550100"),
        ("sqs", "my-queue"),
        ("lambda", "arn:aws:sqs:us-east-1:123456789012:q"),
        ("application", "arn:aws:sns:us-east-1:123456789012:t"),
        ("carrier-pigeon", "coop"),
    ];
    for (protocol, endpoint) in bad {
        s.err(
            "Subscribe",
            json!({"TopicArn": t, "Protocol": protocol, "Endpoint": endpoint}),
            "InvalidParameterException",
        );
    }
    let e = s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "carrier-pigeon", "Endpoint": "coop"}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"
    );
    let good = [
        ("sms", "+15555550100"),
        ("lambda", "arn:aws:lambda:us-east-1:123456789012:function:f"),
        (
            "application",
            "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/app/0f1e2d3c",
        ),
    ];
    for (protocol, endpoint) in good {
        let sub = s.subscribe(&t, protocol, endpoint, json!({}));
        assert_eq!(
            s.sub_attrs(&sub)["PendingConfirmation"],
            "false",
            "{protocol}"
        );
    }
}

#[test]
fn http_email_subscriptions_wait_for_confirmation() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    for (protocol, endpoint) in [
        ("http", "http://example.com/a"),
        ("https", "https://example.com/b"),
        ("email", "a@example.com"),
        ("email-json", "b@example.com"),
    ] {
        let v = s.ok(
            "Subscribe",
            json!({"TopicArn": t, "Protocol": protocol, "Endpoint": endpoint}),
        );
        assert_eq!(v["SubscriptionArn"], "pending confirmation", "{protocol}");
    }
    assert_eq!(s.topic_attrs(&t)["SubscriptionsPending"], "4");
    let listed = s.ok("ListSubscriptionsByTopic", json!({"TopicArn": t}));
    for entry in listed["Subscriptions"].as_array().unwrap() {
        assert_eq!(entry["SubscriptionArn"], "PendingConfirmation");
    }
}

#[test]
fn return_subscription_arn_gives_the_arn_of_a_pending_subscription() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe(&t, "https", "https://example.com/hook", json!({}));
    assert!(sub.starts_with(&t));
    assert_eq!(s.sub_attrs(&sub)["PendingConfirmation"], "true");
}

#[test]
fn confirm_subscription_with_the_token_sent_to_the_endpoint() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe(&t, "https", "https://example.com/hook", json!({}));
    let inbox = s.inbox("https://example.com/hook");
    assert_eq!(inbox.len(), 1);
    let m = &inbox[0];
    assert_eq!(m["Type"], "SubscriptionConfirmation");
    assert_eq!(
        m["Headers"]["x-amz-sns-message-type"],
        "SubscriptionConfirmation"
    );
    let token = m["Token"].as_str().unwrap().to_string();
    let body = envelope(m["Body"].as_str().unwrap());
    assert_eq!(body["Type"], "SubscriptionConfirmation");
    assert_eq!(body["Token"], token.as_str());
    assert!(body["SubscribeURL"]
        .as_str()
        .unwrap()
        .contains("Action=ConfirmSubscription"));
    let v = s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    assert_eq!(v["SubscriptionArn"], sub.as_str());
    assert_eq!(s.sub_attrs(&sub)["PendingConfirmation"], "false");
    assert_eq!(s.topic_attrs(&t)["SubscriptionsConfirmed"], "1");
    // Idempotent.
    let v = s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    assert_eq!(v["SubscriptionArn"], sub.as_str());
}

#[test]
fn confirm_subscription_with_a_wrong_token_or_topic_is_refused() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let other = s.create_topic("other", json!({}));
    s.subscribe(&t, "email", "a@example.com", json!({}));
    let token = s.inbox("a@example.com")[0]["Token"]
        .as_str()
        .unwrap()
        .to_string();
    let e = s.err(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": "0123"}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: Token");
    let e = s.err(
        "ConfirmSubscription",
        json!({"TopicArn": other, "Token": token}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: Topic");
}

#[test]
fn confirmation_tokens_expire_after_2_days() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.subscribe(&t, "email", "a@example.com", json!({}));
    let token = s.inbox("a@example.com")[0]["Token"]
        .as_str()
        .unwrap()
        .to_string();
    s.at(2.0 * 86_400.0 + 1.0);
    s.err(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
        "InvalidParameterException",
    );
}

#[test]
fn unconfirmed_subscriptions_are_deleted_after_3_days() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe(&t, "email", "a@example.com", json!({}));
    s.at(3.0 * 86_400.0 - 1.0);
    assert_eq!(s.sub_attrs(&sub)["PendingConfirmation"], "true");
    s.at(3.0 * 86_400.0);
    s.err(
        "GetSubscriptionAttributes",
        json!({"SubscriptionArn": sub}),
        "NotFoundException",
    );
    assert_eq!(s.topic_attrs(&t)["SubscriptionsPending"], "0");
}

#[test]
fn unsubscribe_removes_the_subscription_and_is_idempotent() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe_queue(&t, "q", json!({}));
    s.ok("Unsubscribe", json!({"SubscriptionArn": sub}));
    s.ok("Unsubscribe", json!({"SubscriptionArn": sub}));
    s.err(
        "GetSubscriptionAttributes",
        json!({"SubscriptionArn": sub}),
        "NotFoundException",
    );
    let a = s.topic_attrs(&t);
    assert_eq!(a["SubscriptionsConfirmed"], "0");
    assert_eq!(a["SubscriptionsDeleted"], "1");
    s.err(
        "Unsubscribe",
        json!({"SubscriptionArn": t}),
        "InvalidParameterException",
    );
}

#[test]
fn list_subscriptions_pages_100_at_a_time_oldest_first() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let mut arns = Vec::new();
    for i in 0..120 {
        arns.push(s.subscribe_queue(&t, &format!("q{i}"), json!({})));
    }
    let p1 = s.ok("ListSubscriptionsByTopic", json!({"TopicArn": t}));
    let l1 = p1["Subscriptions"].as_array().unwrap();
    assert_eq!(l1.len(), 100);
    assert_eq!(l1[0]["SubscriptionArn"], arns[0].as_str());
    assert_eq!(l1[0]["Protocol"], "sqs");
    assert_eq!(l1[0]["Owner"], ACCOUNT);
    let tok = p1["NextToken"].as_str().unwrap().to_string();
    let p2 = s.ok("ListSubscriptions", json!({"NextToken": tok}));
    let l2 = p2["Subscriptions"].as_array().unwrap();
    assert_eq!(l2.len(), 20);
    assert_eq!(l2[19]["SubscriptionArn"], arns[119].as_str());
    assert!(p2.get("NextToken").is_none());
}

#[test]
fn set_subscription_attributes_sets_raw_delivery_filter_and_redrive() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe_queue(&t, "q", json!({}));
    let a = s.sub_attrs(&sub);
    assert_eq!(a["RawMessageDelivery"], "false");
    assert_eq!(a["Protocol"], "sqs");
    assert_eq!(a["Endpoint"], queue_arn("q"));
    assert_eq!(a["TopicArn"], t);
    for (name, value) in [
        ("RawMessageDelivery", "True"),
        ("FilterPolicy", r#"{"store":["example_corp"]}"#),
        (
            "RedrivePolicy",
            &format!(r#"{{"deadLetterTargetArn":"{}"}}"#, queue_arn("dlq")),
        ),
    ] {
        s.ok(
            "SetSubscriptionAttributes",
            json!({"SubscriptionArn": sub, "AttributeName": name, "AttributeValue": value}),
        );
    }
    let a = s.sub_attrs(&sub);
    assert_eq!(a["RawMessageDelivery"], "true");
    assert_eq!(a["FilterPolicy"], r#"{"store":["example_corp"]}"#);
    assert_eq!(a["FilterPolicyScope"], "MessageAttributes");
    assert!(a["RedrivePolicy"].as_str().unwrap().contains("dlq"));
}

#[test]
fn subscription_attributes_are_validated() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let sub = s.subscribe_queue(&t, "q", json!({}));
    let cases = [
        ("Nope", "x", "Invalid parameter: AttributeName"),
        (
            "RawMessageDelivery",
            "yes",
            "Invalid parameter: RawMessageDelivery: Invalid value [yes]. Must be true or false.",
        ),
        (
            "FilterPolicyScope",
            "Headers",
            "Invalid parameter: FilterPolicyScope: Invalid value [Headers]. Please use either MessageBody or MessageAttributes",
        ),
        (
            "RedrivePolicy",
            r#"{"deadLetterTargetArn":"nope"}"#,
            "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn",
        ),
    ];
    for (name, value, message) in cases {
        let e = s.err(
            "SetSubscriptionAttributes",
            json!({"SubscriptionArn": sub, "AttributeName": name, "AttributeValue": value}),
            "InvalidParameterException",
        );
        assert_eq!(e.message, message);
    }
    // Subscribe words the same errors with "Attributes Reason:".
    let e = s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "sqs", "Endpoint": queue_arn("q2"),
               "Attributes": {"RawMessageDelivery": "yes"}}),
        "InvalidParameterException",
    );
    assert!(e
        .message
        .starts_with("Invalid parameter: Attributes Reason: RawMessageDelivery"));
    // A bad filter policy is refused by the filter policy parser.
    s.err(
        "SetSubscriptionAttributes",
        json!({"SubscriptionArn": sub, "AttributeName": "FilterPolicy", "AttributeValue": "{bad"}),
        "InvalidParameterException",
    );
}

#[test]
fn raw_message_delivery_is_refused_for_protocols_without_it() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "lambda",
               "Endpoint": "arn:aws:lambda:us-east-1:123456789012:function:f",
               "Attributes": {"RawMessageDelivery": "true"}}),
        "InvalidParameterException",
    );
}

#[test]
fn a_fifo_subscription_needs_a_fifo_dead_letter_queue() {
    let mut s = Sim::new();
    let t = s.create_fifo_topic("f.fifo", json!({}));
    let e = s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "sqs", "Endpoint": queue_arn("q.fifo"),
               "Attributes": {"RedrivePolicy": format!(r#"{{"deadLetterTargetArn":"{}"}}"#, queue_arn("dlq"))}}),
        "InvalidParameterException",
    );
    assert!(e.message.contains("must use a FIFO queue as DLQ"), "{e}");
}

#[test]
fn filter_policies_are_limited_to_200_per_topic() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    for i in 0..200 {
        s.subscribe_queue(
            &t,
            &format!("q{i}"),
            json!({"FilterPolicy": r#"{"a":["b"]}"#}),
        );
    }
    s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "sqs", "Endpoint": queue_arn("one-more"),
               "Attributes": {"FilterPolicy": r#"{"a":["b"]}"#}}),
        "FilterPolicyLimitExceededException",
    );
}
