//! Mobile push: platform applications, device endpoints, direct publishes to an endpoint,
//! `application` subscriptions, and Publish to a phone number (aws-rules §3.2, §3.3, §3.11).

mod sns_common;

use serde_json::{json, Value};
use sns_common::*;

const APP_ARN: &str = "arn:aws:sns:us-east-1:123456789012:app/GCM/MyApp";

fn gcm_app(s: &mut Sim) -> String {
    let v = s.ok(
        "CreatePlatformApplication",
        json!({"Name": "MyApp", "Platform": "GCM",
               "Attributes": {"PlatformCredential": "fcm-server-key"}}),
    );
    v["PlatformApplicationArn"].as_str().unwrap().to_string()
}

fn endpoint(s: &mut Sim, app: &str, token: &str) -> String {
    let v = s.ok(
        "CreatePlatformEndpoint",
        json!({"PlatformApplicationArn": app, "Token": token}),
    );
    v["EndpointArn"].as_str().unwrap().to_string()
}

fn endpoint_attrs(s: &mut Sim, arn: &str) -> Value {
    s.ok("GetEndpointAttributes", json!({"EndpointArn": arn}))["Attributes"].clone()
}

#[test]
fn platform_application_arns_name_the_platform_and_the_application() {
    let mut s = Sim::new();
    assert_eq!(gcm_app(&mut s), APP_ARN);
    let attrs = s.ok(
        "GetPlatformApplicationAttributes",
        json!({"PlatformApplicationArn": APP_ARN}),
    )["Attributes"]
        .clone();
    // Credentials are write-only; Enabled is reported.
    assert_eq!(attrs, json!({"Enabled": "true"}));
    let list = s.ok("ListPlatformApplications", json!({}));
    assert_eq!(
        list["PlatformApplications"],
        json!([{"PlatformApplicationArn": APP_ARN, "Attributes": {"Enabled": "true"}}])
    );
}

#[test]
fn create_platform_application_validates_name_platform_and_credentials() {
    let mut s = Sim::new();
    let cred = json!({"PlatformCredential": "k"});
    let cases = [
        (json!({"Name": "", "Platform": "GCM", "Attributes": cred}), "Invalid parameter:  Reason: cannot be empty"),
        (json!({"Name": "a b", "Platform": "GCM", "Attributes": cred}),
         "Invalid parameter: a b Reason: must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"),
        (json!({"Name": "a", "Platform": "PIGEON", "Attributes": cred}),
         "Invalid parameter: Platform Reason: PIGEON is not supported"),
        (json!({"Name": "a", "Platform": "GCM", "Attributes": {}}),
         "Invalid parameter: Attributes Reason: PlatformCredential attribute is required for the GCM platform"),
        (json!({"Name": "a", "Platform": "APNS", "Attributes": cred}),
         "Invalid parameter: Attributes Reason: PlatformPrincipal attribute is required for the APNS platform"),
        (json!({"Name": "a", "Platform": "GCM", "Attributes": {"PlatformCredential": "k", "Colour": "red"}}),
         "Invalid parameter: Attributes Reason: Invalid attribute name: Colour"),
        (json!({"Name": "a", "Platform": "GCM", "Attributes": {"PlatformCredential": "k",
                "EventEndpointCreated": "arn:aws:sns:us-east-1:123456789012:nope"}}),
         "Invalid parameter: Attributes Reason: EventEndpointCreated is not an existing Topic"),
    ];
    for (params, message) in cases {
        let e = s.err(
            "CreatePlatformApplication",
            params,
            "InvalidParameterException",
        );
        assert_eq!(e.message, message);
    }
    for platform in ["ADM", "APNS", "APNS_SANDBOX", "BAIDU", "MPNS", "WNS"] {
        let v = s.ok(
            "CreatePlatformApplication",
            json!({"Name": "a", "Platform": platform,
                   "Attributes": {"PlatformCredential": "k", "PlatformPrincipal": "p"}}),
        );
        assert_eq!(
            v["PlatformApplicationArn"],
            format!("arn:aws:sns:us-east-1:123456789012:app/{platform}/a")
        );
    }
}

#[test]
fn endpoint_arns_carry_the_application_and_a_uuid() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = endpoint(&mut s, &app, "device-token-1");
    let prefix = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/MyApp/";
    assert!(e.starts_with(prefix), "{e}");
    assert_eq!(e[prefix.len()..].len(), 36);
    assert_eq!(
        endpoint_attrs(&mut s, &e),
        json!({"Enabled": "true", "Token": "device-token-1"})
    );
}

#[test]
fn create_platform_endpoint_is_idempotent_for_the_same_token_and_attributes() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = s.ok(
        "CreatePlatformEndpoint",
        json!({"PlatformApplicationArn": app, "Token": "t1", "CustomUserData": "alice"}),
    )["EndpointArn"]
        .clone();
    let again = s.ok(
        "CreatePlatformEndpoint",
        json!({"PlatformApplicationArn": app, "Token": "t1", "CustomUserData": "alice",
               "Attributes": {"Enabled": "true"}}),
    )["EndpointArn"]
        .clone();
    assert_eq!(e, again);
    let err = s.err(
        "CreatePlatformEndpoint",
        json!({"PlatformApplicationArn": app, "Token": "t1", "CustomUserData": "bob"}),
        "InvalidParameterException",
    );
    assert_eq!(
        err.message,
        format!("Invalid parameter: Token Reason: Endpoint {} already exists with the same Token, but different attributes.", e.as_str().unwrap())
    );
}

#[test]
fn endpoint_operations_name_what_is_missing() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = s.err(
        "CreatePlatformEndpoint",
        json!({"PlatformApplicationArn": "arn:aws:sns:us-east-1:123456789012:app/GCM/nope", "Token": "t"}),
        "NotFoundException",
    );
    assert_eq!(e.message, "PlatformApplication does not exist");
    let e = s.err(
        "CreatePlatformEndpoint",
        json!({"PlatformApplicationArn": app}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: Token");
    let e = s.err(
        "CreatePlatformEndpoint",
        json!({"PlatformApplicationArn": app, "Token": "t", "CustomUserData": "x".repeat(2049)}),
        "InvalidParameterException",
    );
    assert_eq!(e.message, "Invalid parameter: Attributes Reason: Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding");
    let missing = format!("{}/0000", app.replace(":app/", ":endpoint/"));
    let e = s.err(
        "GetEndpointAttributes",
        json!({"EndpointArn": missing}),
        "NotFoundException",
    );
    assert_eq!(e.message, "Endpoint does not exist");
    // Deleting what is not there succeeds.
    s.ok("DeleteEndpoint", json!({"EndpointArn": missing}));
    s.ok(
        "DeletePlatformApplication",
        json!({"PlatformApplicationArn": "arn:aws:sns:us-east-1:123456789012:app/GCM/nope"}),
    );
}

#[test]
fn endpoints_are_listed_by_application_and_go_with_it() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let a = endpoint(&mut s, &app, "t1");
    let b = endpoint(&mut s, &app, "t2");
    s.ok(
        "SetEndpointAttributes",
        json!({"EndpointArn": a, "Attributes": {"CustomUserData": "alice", "Enabled": "false"}}),
    );
    assert_eq!(
        endpoint_attrs(&mut s, &a),
        json!({"CustomUserData": "alice", "Enabled": "false", "Token": "t1"})
    );
    let list = s.ok(
        "ListEndpointsByPlatformApplication",
        json!({"PlatformApplicationArn": app}),
    );
    let mut arns: Vec<&str> = list["Endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["EndpointArn"].as_str().unwrap())
        .collect();
    arns.sort();
    let mut want = vec![a.as_str(), b.as_str()];
    want.sort();
    assert_eq!(arns, want);
    s.ok("DeleteEndpoint", json!({"EndpointArn": b}));
    s.ok(
        "DeletePlatformApplication",
        json!({"PlatformApplicationArn": app}),
    );
    s.err(
        "GetEndpointAttributes",
        json!({"EndpointArn": a}),
        "NotFoundException",
    );
    assert_eq!(
        s.ok("ListPlatformApplications", json!({}))["PlatformApplications"],
        json!([])
    );
}

#[test]
fn publishing_to_an_endpoint_delivers_one_push_to_the_device() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = endpoint(&mut s, &app, "t1");
    let v = s.ok("Publish", json!({"TargetArn": e, "Message": "hello"}));
    assert!(v["MessageId"].is_string());
    let inbox = s.inbox(&e);
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["Body"], "hello");
    assert_eq!(inbox[0]["Protocol"], "application");
    assert_eq!(inbox[0]["MessageId"], v["MessageId"]);
}

#[test]
fn publishing_to_a_disabled_endpoint_fails_with_endpoint_disabled() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = endpoint(&mut s, &app, "t1");
    s.ok(
        "SetEndpointAttributes",
        json!({"EndpointArn": e, "Attributes": {"Enabled": "false"}}),
    );
    let err = s.err(
        "Publish",
        json!({"TargetArn": e, "Message": "hello"}),
        "EndpointDisabledException",
    );
    assert_eq!(err.message, "Endpoint is disabled");
    assert!(s.inbox(&e).is_empty());
}

#[test]
fn publishing_through_a_disabled_application_fails_with_platform_application_disabled() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = endpoint(&mut s, &app, "t1");
    s.ok(
        "SetPlatformApplicationAttributes",
        json!({"PlatformApplicationArn": app, "Attributes": {"Enabled": "false"}}),
    );
    s.err(
        "Publish",
        json!({"TargetArn": e, "Message": "hello"}),
        "PlatformApplicationDisabledException",
    );
}

#[test]
fn publishing_to_an_unknown_endpoint_names_the_target_arn() {
    let mut s = Sim::new();
    let e = s.err(
        "Publish",
        json!({"TargetArn": "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/x/y", "Message": "m"}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"
    );
}

#[test]
fn a_json_structured_push_uses_the_platform_key_or_default() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = endpoint(&mut s, &app, "t1");
    let gcm = r#"{"notification":{"title":"hi"}}"#;
    let msg = json!({"GCM": gcm, "APNS": "apns text"}).to_string();
    s.ok(
        "Publish",
        json!({"TargetArn": e, "Message": msg, "MessageStructure": "json"}),
    );
    let msg = json!({"default": "plain", "APNS": "apns text"}).to_string();
    s.ok(
        "Publish",
        json!({"TargetArn": e, "Message": msg, "MessageStructure": "json"}),
    );
    let bodies: Vec<Value> = s.inbox(&e).iter().map(|m| m["Body"].clone()).collect();
    assert_eq!(bodies, [json!(gcm), json!("plain")]);
    let msg = json!({"APNS": "apns text"}).to_string();
    let err = s.err(
        "Publish",
        json!({"TargetArn": e, "Message": msg, "MessageStructure": "json"}),
        "InvalidParameterException",
    );
    assert_eq!(
        err.message,
        "Invalid parameter: Message Structure - No default entry in JSON message body"
    );
}

#[test]
fn application_subscriptions_deliver_the_platform_message_to_the_endpoint() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = endpoint(&mut s, &app, "t1");
    let t = s.create_topic("news", json!({}));
    s.subscribe(&t, "application", &e, json!({}));
    let msg = json!({"default": "plain", "GCM": "for fcm"}).to_string();
    s.ok(
        "Publish",
        json!({"TopicArn": t, "Message": msg, "MessageStructure": "json"}),
    );
    s.wait(1.0);
    let inbox = s.inbox(&e);
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["Body"], "for fcm");
}

#[test]
fn deliveries_to_a_disabled_endpoint_fail_without_retries() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let e = endpoint(&mut s, &app, "t1");
    let t = s.create_topic("news", json!({}));
    s.subscribe(&t, "application", &e, json!({}));
    s.ok(
        "SetEndpointAttributes",
        json!({"EndpointArn": e, "Attributes": {"Enabled": "false"}}),
    );
    s.publish(&t, "m");
    s.wait(3600.0);
    assert!(s.inbox(&e).is_empty());
    let failed = s.kinds().into_iter().any(|k| {
        matches!(k, mqlab_engine::EventKind::DeliveryAttemptFailed { client_error: true, reason, .. }
            if reason == "EndpointDisabledException: Endpoint is disabled")
    });
    assert!(failed);
    assert_eq!(s.topic_attrs(&t)["SubscriptionsConfirmed"], "1");
}

#[test]
fn subscribing_a_missing_endpoint_of_a_known_application_is_refused() {
    let mut s = Sim::new();
    let app = gcm_app(&mut s);
    let t = s.create_topic("news", json!({}));
    let missing = format!("{}/0f1e2d3c", app.replace(":app/", ":endpoint/"));
    let e = s.err(
        "Subscribe",
        json!({"TopicArn": t, "Protocol": "application", "Endpoint": missing}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        format!(
            "Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn{missing}"
        )
    );
}

#[test]
fn publishing_to_a_phone_number_sends_one_sms() {
    let mut s = Sim::new();
    let v = s.ok(
        "Publish",
        json!({"PhoneNumber": "+15555550100", "Message": "code 1234"}),
    );
    let inbox = s.inbox("+15555550100");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["Body"], "code 1234");
    assert_eq!(inbox[0]["MessageId"], v["MessageId"]);
    let e = s.err(
        "Publish",
        json!({"PhoneNumber": "0555", "Message": "x"}),
        "InvalidParameterException",
    );
    assert_eq!(
        e.message,
        "Invalid parameter: PhoneNumber Reason: 0555 is not valid to publish to"
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    const OPS: &[&str] = &[
        "CreatePlatformApplication",
        "GetPlatformApplicationAttributes",
        "SetPlatformApplicationAttributes",
        "DeletePlatformApplication",
        "ListPlatformApplications",
        "CreatePlatformEndpoint",
        "GetEndpointAttributes",
        "SetEndpointAttributes",
        "DeleteEndpoint",
        "ListEndpointsByPlatformApplication",
        "Publish",
        "SetSubscriptionAttributes",
        "SetTopicAttributes",
    ];
    const MEMBERS: &[&str] = &[
        "Name",
        "Platform",
        "PlatformApplicationArn",
        "EndpointArn",
        "TargetArn",
        "Token",
        "CustomUserData",
        "Attributes",
        "NextToken",
        "Message",
        "MessageStructure",
        "SubscriptionArn",
        "TopicArn",
        "AttributeName",
        "AttributeValue",
    ];

    /// Values that are sometimes right, often wrong, and sometimes the wrong JSON type.
    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(json!(APP_ARN)),
            Just(json!(
                "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/MyApp/x"
            )),
            Just(json!("arn:aws:sns:us-east-1:123456789012:f.fifo")),
            Just(json!("GCM")),
            Just(json!("json")),
            Just(json!("ReplayPolicy")),
            Just(json!("ArchivePolicy")),
            Just(json!(
                r#"{"PointType":"Timestamp","StartingPoint":"2026-01-01T00:00:00Z"}"#
            )),
            Just(json!(r#"{"MessageRetentionPeriod":"1"}"#)),
            Just(json!({"Enabled": "false"})),
            Just(json!({"PlatformCredential": "k", "Enabled": "maybe"})),
            Just(json!({"GCM": 1})),
            Just(json!(null)),
            Just(json!(7)),
            Just(json!([])),
            "[ -~]{0,40}".prop_map(Value::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn mobile_push_and_replay_operations_answer_every_input_without_panicking(
            calls in proptest::collection::vec(
                (0..OPS.len(), proptest::collection::vec((0..MEMBERS.len(), value()), 0..5)),
                1..12,
            )
        ) {
            let mut s = Sim::new();
            gcm_app(&mut s);
            let t = s.create_fifo_topic("f.fifo", json!({"ArchivePolicy": r#"{"MessageRetentionPeriod":"1"}"#}));
            s.create_queue("q.fifo", json!({"FifoQueue": "true"}));
            s.subscribe_queue(&t, "q.fifo", json!({}));
            for (op, members) in calls {
                let params: serde_json::Map<String, Value> = members
                    .into_iter()
                    .map(|(m, v)| (MEMBERS[m].to_string(), v))
                    .collect();
                let _ = s.sns(OPS[op], Value::Object(params));
                s.wait(1.0);
            }
        }
    }
}
