//! What an HTTP/S or email-json endpoint receives when it is unsubscribed: an
//! `UnsubscribeConfirmation` envelope (aws-rules §3.4).

mod sns_common;

use serde_json::json;
use sns_common::*;

fn confirmed(s: &mut Sim, t: &str, protocol: &str, endpoint: &str) -> String {
    s.subscribe(t, protocol, endpoint, json!({}));
    let token = s.inbox(endpoint)[0]["Token"].as_str().unwrap().to_string();
    let v = s.ok(
        "ConfirmSubscription",
        json!({"TopicArn": t, "Token": token}),
    );
    v["SubscriptionArn"].as_str().unwrap().to_string()
}

#[test]
fn unsubscribing_an_https_endpoint_sends_it_an_unsubscribe_confirmation() {
    let mut s = Sim::new();
    let t = s.create_topic("MyTopic", json!({}));
    let hook = "https://example.com/hook";
    let sub = confirmed(&mut s, &t, "https", hook);
    s.ok("Unsubscribe", json!({"SubscriptionArn": sub}));
    let inbox = s.inbox(hook);
    assert_eq!(inbox.len(), 2);
    let m = &inbox[1];
    assert_eq!(m["Type"], "UnsubscribeConfirmation");
    assert_eq!(
        m["Headers"]["x-amz-sns-message-type"],
        "UnsubscribeConfirmation"
    );
    assert_eq!(m["Headers"]["x-amz-sns-subscription-arn"], sub.as_str());
    let body = envelope(m["Body"].as_str().unwrap());
    assert_eq!(body["Type"], "UnsubscribeConfirmation");
    assert_eq!(body["TopicArn"], t.as_str());
    assert_eq!(body["Token"], m["Token"]);
    assert_eq!(
        body["Message"],
        format!("You have chosen to deactivate subscription {sub}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.")
    );
    assert!(body["SubscribeURL"]
        .as_str()
        .unwrap()
        .contains("Action=ConfirmSubscription"));
    assert!(body.get("UnsubscribeURL").is_none());
    assert_eq!(body["SignatureVersion"], "1");
}

#[test]
fn email_json_endpoints_get_one_too_but_plain_email_and_queues_do_not() {
    let mut s = Sim::new();
    let t = s.create_topic("t", json!({}));
    let json_sub = confirmed(&mut s, &t, "email-json", "a@example.com");
    let mail_sub = confirmed(&mut s, &t, "email", "b@example.com");
    for sub in [&json_sub, &mail_sub] {
        s.ok("Unsubscribe", json!({"SubscriptionArn": sub}));
    }
    let kinds = |s: &mut Sim, e: &str| -> Vec<String> {
        s.inbox(e)
            .iter()
            .map(|m| m["Type"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        kinds(&mut s, "a@example.com"),
        ["SubscriptionConfirmation", "UnsubscribeConfirmation"]
    );
    assert_eq!(kinds(&mut s, "b@example.com"), ["SubscriptionConfirmation"]);
}
