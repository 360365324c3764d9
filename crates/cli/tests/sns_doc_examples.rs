//! SNS through `mqlab api` (the built binary): the AWS documentation's SNS → SQS fan-out
//! ("Fanout to Amazon SQS queues", https://docs.aws.amazon.com/sns/latest/dg/SendMessageToSQS.html,
//! and the queue-message example of "Amazon SNS message and JSON formats",
//! https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html), and the
//! runnable SNS examples in examples/api. Random values (MessageId, SubscriptionArn ids,
//! Signature) are checked for shape only.

mod common;

use common::{mqlab_api, run};
use serde_json::{json, Value};
use std::path::Path;

const TOPIC_ARN: &str = "arn:aws:sns:us-east-1:123456789012:MyTopic";

fn run_example(name: &str) -> Vec<Value> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../examples/api/{name}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap();
    let out = mqlab_api(path.to_str().unwrap(), "");
    assert_eq!(
        out.len(),
        text.lines().filter(|l| !l.trim().is_empty()).count()
    );
    out
}

fn line(t: f64, svc: &str, op: &str, params: Value, bind: Value) -> Value {
    json!({"t": t, "svc": svc, "op": op, "params": params, "bind": bind})
}

#[track_caller]
fn ok(v: &Value) -> &Value {
    v.get("response")
        .unwrap_or_else(|| panic!("expected a response: {v}"))
}

fn messages(v: &Value) -> Vec<Value> {
    ok(v)["Messages"].as_array().cloned().unwrap_or_default()
}

/// The documentation's fan-out: a topic, two queues whose policies give the topic permission
/// to send (the guide's step 2), subscribed; one publish with a subject; each queue receives a
/// message whose body is the JSON document the guide shows.
#[test]
fn fanout_to_sqs_queues_delivers_the_documented_json_document_to_each_queue() {
    let q = |n: &str| format!("arn:aws:sqs:us-east-1:123456789012:{n}");
    let allow = |n: &str| {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "MySQSPolicy001",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": q(n),
                "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}}
            }]
        })
        .to_string()
    };
    let out = run(&[
        line(
            0.0,
            "sns",
            "CreateTopic",
            json!({"Name": "MyTopic"}),
            json!({"topic": "TopicArn"}),
        ),
        line(
            0.0,
            "sqs",
            "CreateQueue",
            json!({"QueueName": "MyQueue1", "Attributes": {"Policy": allow("MyQueue1")}}),
            json!({"q1": "QueueUrl"}),
        ),
        line(
            0.0,
            "sqs",
            "CreateQueue",
            json!({"QueueName": "MyQueue2", "Attributes": {"Policy": allow("MyQueue2")}}),
            json!({"q2": "QueueUrl"}),
        ),
        line(
            1.0,
            "sns",
            "Subscribe",
            json!({"TopicArn": "${topic}", "Protocol": "sqs", "Endpoint": q("MyQueue1")}),
            json!({"s1": "SubscriptionArn"}),
        ),
        line(
            1.0,
            "sns",
            "Subscribe",
            json!({"TopicArn": "${topic}", "Protocol": "sqs", "Endpoint": q("MyQueue2")}),
            json!({"s2": "SubscriptionArn"}),
        ),
        line(
            2.0,
            "sns",
            "Publish",
            json!({"TopicArn": "${topic}", "Subject": "Testing publish to subscribed queues",
                    "Message": "Hello world!"}),
            json!({"id": "MessageId"}),
        ),
        line(
            3.0,
            "sqs",
            "ReceiveMessage",
            json!({"QueueUrl": "${q1}"}),
            json!({}),
        ),
        line(
            3.0,
            "sqs",
            "ReceiveMessage",
            json!({"QueueUrl": "${q2}"}),
            json!({}),
        ),
    ]);
    assert_eq!(ok(&out[0])["TopicArn"], TOPIC_ARN);
    let s1 = ok(&out[3])["SubscriptionArn"].as_str().unwrap();
    let s2 = ok(&out[4])["SubscriptionArn"].as_str().unwrap();
    assert!(s1.starts_with(&format!("{TOPIC_ARN}:")) && s1 != s2);
    let id = ok(&out[5])["MessageId"].as_str().unwrap();
    for (i, sub) in [(6, s1), (7, s2)] {
        let m = &messages(&out[i])[0];
        let body = m["Body"].as_str().unwrap();
        let doc: Value = serde_json::from_str(body).unwrap();
        let keys: Vec<&str> = [
            "Type",
            "MessageId",
            "TopicArn",
            "Subject",
            "Message",
            "Timestamp",
            "SignatureVersion",
            "Signature",
            "SigningCertURL",
            "UnsubscribeURL",
        ]
        .into_iter()
        .collect();
        assert_eq!(doc.as_object().unwrap().len(), keys.len(), "{body}");
        let mut last = 0;
        for k in &keys {
            let at = body
                .find(&format!("\"{k}\" : "))
                .unwrap_or_else(|| panic!("{k}: {body}"));
            assert!(at >= last, "{k} out of the documented order: {body}");
            last = at;
        }
        assert_eq!(doc["Type"], "Notification");
        assert_eq!(doc["MessageId"], id);
        assert_eq!(doc["TopicArn"], TOPIC_ARN);
        assert_eq!(doc["Subject"], "Testing publish to subscribed queues");
        assert_eq!(doc["Message"], "Hello world!");
        assert_eq!(doc["Timestamp"], "2026-01-01T00:00:02.000Z");
        assert_eq!(doc["SignatureVersion"], "1");
        assert!(doc["SigningCertURL"]
            .as_str()
            .unwrap()
            .starts_with("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-"));
        assert_eq!(
            doc["UnsubscribeURL"],
            format!(
                "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={sub}"
            )
        );
        assert_ne!(m["MessageId"], id, "the SQS message has its own MessageId");
    }
}

/// examples/api/sns-fanout.jsonl: one publish, an envelope in one queue and the bare message
/// with SQS message attributes in the raw one.
#[test]
fn example_sns_fanout() {
    let out = run_example("sns-fanout");
    assert_eq!(ok(&out[0])["TopicArn"], TOPIC_ARN);
    assert_eq!(ok(&out[5])["Subscriptions"].as_array().unwrap().len(), 2);
    let id = ok(&out[6])["MessageId"].clone();
    let env = &messages(&out[7])[0];
    let doc: Value = serde_json::from_str(env["Body"].as_str().unwrap()).unwrap();
    assert_eq!(doc["MessageId"], id);
    assert_eq!(doc["Message"], "Hello world!");
    assert_eq!(
        doc["MessageAttributes"]["store"],
        json!({"Type": "String", "Value": "example_corp"})
    );
    let raw = &messages(&out[8])[0];
    assert_eq!(raw["Body"], "Hello world!");
    assert_eq!(
        raw["MessageAttributes"]["store"],
        json!({"DataType": "String", "StringValue": "example_corp"})
    );
    assert_eq!(ok(&out[9])["Attributes"]["SubscriptionsConfirmed"], "2");
    assert_eq!(ok(&out[10])["Attributes"]["RawMessageDelivery"], "true");
}

/// examples/api/sns-filter.jsonl: an attribute policy (exact + anything-but), a body policy
/// (nested numeric), a policy changed with SetSubscriptionAttributes, and a nested policy
/// refused in the attributes scope.
#[test]
fn example_sns_filter() {
    let out = run_example("sns-filter");
    let bodies = |i: usize| -> Vec<String> {
        messages(&out[i])
            .iter()
            .map(|m| m["Body"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(bodies(8), [r#"{"order":{"id":1,"total":250}}"#]);
    assert_eq!(
        bodies(9),
        [
            r#"{"order":{"id":1,"total":250}}"#,
            r#"{"order":{"id":3,"total":120}}"#
        ]
    );
    assert_eq!(bodies(12), [r#"{"order":{"id":4,"total":5}}"#]);
    assert_eq!(
        ok(&out[13])["Attributes"]["FilterPolicyScope"],
        "MessageAttributes"
    );
    assert_eq!(out[14]["error"]["Code"], "InvalidParameterException");
}

#[test]
fn sns_errors_use_the_api_model_codes() {
    let out = run(&[
        line(
            0.0,
            "sns",
            "Publish",
            json!({"TopicArn": TOPIC_ARN, "Message": "x"}),
            json!({}),
        ),
        line(
            0.0,
            "sns",
            "CreateTopic",
            json!({"Name": "bad name"}),
            json!({}),
        ),
        line(0.0, "sns", "Frobnicate", json!({}), json!({})),
    ]);
    assert_eq!(out[0]["error"]["Code"], "NotFoundException");
    assert_eq!(out[0]["error"]["Message"], "Topic does not exist");
    assert_eq!(out[1]["error"]["Code"], "InvalidParameterException");
    assert_eq!(out[1]["error"]["Message"], "Invalid parameter: Topic Name");
    assert_eq!(out[2]["error"]["Code"], "UnknownOperationException");
}

/// examples/api/sns-mobile-push.jsonl: a GCM (FCM) platform application and an endpoint
/// (idempotent for the same token and attributes), direct publishes (plain and with the
/// platform's key of a JSON structure), an `application` subscription, a disabled endpoint,
/// an SMS, and deleting what was made.
#[test]
fn example_sns_mobile_push() {
    let out = run_example("sns-mobile-push");
    assert_eq!(
        ok(&out[0])["PlatformApplicationArn"],
        "arn:aws:sns:us-east-1:123456789012:app/GCM/MyApp"
    );
    assert_eq!(out[1]["error"]["Code"], "InvalidParameterException");
    let ep = ok(&out[2])["EndpointArn"].as_str().unwrap().to_string();
    assert!(ep.starts_with("arn:aws:sns:us-east-1:123456789012:endpoint/GCM/MyApp/"));
    assert_eq!(ok(&out[3])["EndpointArn"], ep.as_str());
    assert_eq!(
        out[4]["error"]["Message"],
        format!("Invalid parameter: Token Reason: Endpoint {ep} already exists with the same Token, but different attributes.")
    );
    assert_eq!(
        ok(&out[5])["Attributes"],
        json!({"CustomUserData": "user 1", "Enabled": "true", "Token": "fcm-device-token-1"})
    );
    let bodies: Vec<&str> = ok(&out[11])["Messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["Body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "Hello from SNS",
            r#"{"notification":{"title":"Sale","body":"50% off"}}"#,
            "Breaking news"
        ]
    );
    assert_eq!(
        out[13]["error"],
        json!({"Code": "EndpointDisabledException", "Message": "Endpoint is disabled"})
    );
    assert_eq!(
        ok(&out[14])["Endpoints"][0]["Attributes"]["Enabled"],
        "false"
    );
    assert_eq!(ok(&out[17])["Messages"][0]["Body"], "Your code is 1234");
    assert_eq!(out[16]["error"]["Code"], "InvalidParameterException");
    assert_eq!(out[19]["error"]["Code"], "NotFoundException");
    assert_eq!(ok(&out[21])["PlatformApplications"], json!([]));
}

/// examples/api/sns-fifo-replay.jsonl: a FIFO topic with an ArchivePolicy, a queue
/// subscribed later with a ReplayPolicy (Pending, then Completed; the archived messages from
/// the starting point, same MessageId and Timestamp, marked Replayed), a replay window with
/// a filter policy, and the refused policies.
#[test]
fn example_sns_fifo_replay() {
    let out = run_example("sns-fifo-replay");
    let envelopes = |i: usize| -> Vec<Value> {
        messages(&out[i])
            .iter()
            .map(|m| serde_json::from_str(m["Body"].as_str().unwrap()).unwrap())
            .collect()
    };
    let live = envelopes(6);
    assert_eq!(live.len(), 3);
    assert!(live.iter().all(|e| e.get("Replayed").is_none()));
    let attrs = &ok(&out[7])["Attributes"];
    assert_eq!(attrs["BeginningArchiveTime"], "2026-01-01T00:00:00.000Z");
    assert_eq!(ok(&out[10])["Attributes"]["ReplayStatus"], "Pending");
    assert_eq!(ok(&out[11])["Attributes"]["ReplayStatus"], "Completed");
    let audit = envelopes(12);
    let texts: Vec<&str> = audit
        .iter()
        .map(|e| e["Message"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["order 1 paid", "order 2 created"]);
    assert_eq!(audit[0]["MessageId"], ok(&out[4])["MessageId"]);
    assert_eq!(audit[0]["Timestamp"], "2026-01-01T00:00:20.000Z");
    assert_eq!(audit[0]["Replayed"], true);
    let created = envelopes(15);
    let texts: Vec<&str> = created
        .iter()
        .map(|e| e["Message"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["order 1 created"]);
    assert_eq!(out[16]["error"]["Code"], "InvalidParameterException");
    assert_eq!(
        out[17]["error"]["Message"],
        "Invalid parameter: Attributes Reason: ArchivePolicy Reason: Message archiving is only supported for FIFO topics"
    );
}

/// aws-rules §3.12: through `mqlab api`, a queue subscribed without a policy that lets the
/// topic send receives nothing (SNS is a service principal; the queue owner's rights do not
/// cover it). Setting the policy lets the next publish through.
#[test]
fn a_queue_without_a_policy_for_the_topic_receives_nothing() {
    let queue_arn = "arn:aws:sqs:us-east-1:123456789012:MyQueue1";
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC_ARN}}
        }]
    })
    .to_string();
    let out = run(&[
        line(
            0.0,
            "sns",
            "CreateTopic",
            json!({"Name": "MyTopic"}),
            json!({}),
        ),
        line(
            0.0,
            "sqs",
            "CreateQueue",
            json!({"QueueName": "MyQueue1"}),
            json!({"q": "QueueUrl"}),
        ),
        line(
            1.0,
            "sns",
            "Subscribe",
            json!({"TopicArn": TOPIC_ARN, "Protocol": "sqs", "Endpoint": queue_arn,
                   "Attributes": {"RawMessageDelivery": "true"}}),
            json!({}),
        ),
        line(
            2.0,
            "sns",
            "Publish",
            json!({"TopicArn": TOPIC_ARN, "Message": "refused"}),
            json!({}),
        ),
        line(
            3.0,
            "sqs",
            "ReceiveMessage",
            json!({"QueueUrl": "${q}"}),
            json!({}),
        ),
        line(
            4.0,
            "sqs",
            "SetQueueAttributes",
            json!({"QueueUrl": "${q}", "Attributes": {"Policy": policy}}),
            json!({}),
        ),
        line(
            5.0,
            "sns",
            "Publish",
            json!({"TopicArn": TOPIC_ARN, "Message": "allowed"}),
            json!({}),
        ),
        line(
            6.0,
            "sqs",
            "ReceiveMessage",
            json!({"QueueUrl": "${q}"}),
            json!({}),
        ),
    ]);
    assert!(messages(&out[4]).is_empty(), "{}", out[4]);
    let got = messages(&out[7]);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["Body"], "allowed");
}
