//! One subscription: protocol and endpoint rules (aws-rules §3.3), confirmation state, and its
//! attributes (FilterPolicy, FilterPolicyScope, RawMessageDelivery, RedrivePolicy,
//! DeliveryPolicy, SubscriptionRoleArn, ReplayPolicy).

use super::delivery::{in_attributes, DeliveryPolicy, EndpointClass, RetryPolicy};
use super::filter::{FilterPolicy, FilterPolicyScope};
use super::{invalid_parameter, ACCOUNT_ID};
use crate::core::error::AwsError;
use crate::core::time::SimTime;
use serde_json::Value;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Every protocol Subscribe accepts (aws-rules §3.3).
pub const PROTOCOLS: &[&str] = &[
    "http",
    "https",
    "email",
    "email-json",
    "sms",
    "sqs",
    "application",
    "lambda",
    "firehose",
];

/// Attributes Subscribe and SetSubscriptionAttributes accept (aws-rules §3.3).
pub const SUBSCRIPTION_ATTRIBUTES: &[&str] = &[
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
];

/// Protocols whose subscriptions wait for ConfirmSubscription (aws-rules §3.3).
pub fn needs_confirmation(protocol: &str) -> bool {
    matches!(protocol, "http" | "https" | "email" | "email-json")
}

/// Protocols that support raw message delivery (aws-rules §3.4).
pub fn supports_raw(protocol: &str) -> bool {
    matches!(protocol, "sqs" | "http" | "https" | "firehose")
}

/// Parts of an ARN `arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE`, if well formed.
pub fn arn_parts(arn: &str) -> Option<(&str, &str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:")?;
    let mut p = rest.splitn(4, ':');
    let (svc, region, account, resource) = (p.next()?, p.next()?, p.next()?, p.next()?);
    (!svc.is_empty() && !resource.is_empty()).then_some((svc, region, account, resource))
}

/// E.164: `+` then up to 15 digits, not starting with 0.
pub fn is_e164(s: &str) -> bool {
    let Some(d) = s.strip_prefix('+') else {
        return false;
    };
    !d.is_empty() && d.len() <= 15 && !d.starts_with('0') && d.bytes().all(|b| b.is_ascii_digit())
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// Checks the endpoint a protocol needs (aws-rules §3.3). Texts from LocalStack's provider where
/// it has them; the others follow the same pattern (UNCONFIRMED wording).
pub fn check_endpoint(protocol: &str, endpoint: &str) -> Result<(), AwsError> {
    let bad = |what: &str| Err(invalid_parameter(what));
    match protocol {
        "http" | "https" => {
            let rest = endpoint.strip_prefix(&format!("{protocol}://"));
            if rest.is_none_or(str::is_empty) {
                return bad("Invalid parameter: Endpoint must match the specified protocol");
            }
        }
        "email" | "email-json" => {
            if !is_email(endpoint) {
                return bad("Invalid parameter: Email address");
            }
        }
        "sms" => {
            if !is_e164(endpoint) {
                return bad(&format!("Invalid SMS endpoint: {endpoint}"));
            }
        }
        "sqs" => {
            if arn_parts(endpoint).is_none_or(|(s, ..)| s != "sqs") {
                return bad("Invalid parameter: SQS endpoint ARN");
            }
        }
        "lambda" => {
            if arn_parts(endpoint)
                .is_none_or(|(s, _, _, r)| s != "lambda" || !r.starts_with("function:"))
            {
                return bad("Invalid parameter: Lambda endpoint ARN");
            }
        }
        "firehose" => {
            if arn_parts(endpoint)
                .is_none_or(|(s, _, _, r)| s != "firehose" || !r.starts_with("deliverystream/"))
            {
                return bad("Invalid parameter: Firehose endpoint ARN");
            }
        }
        "application" => {
            if arn_parts(endpoint)
                .is_none_or(|(s, _, _, r)| s != "sns" || !r.starts_with("endpoint/"))
            {
                return bad("Invalid parameter: ApplicationEndpoint ARN");
            }
        }
        other => {
            return bad(&format!(
                "Invalid parameter: Amazon SNS does not support this protocol string: {other}"
            ))
        }
    }
    Ok(())
}

/// A subscription's `RedrivePolicy`: its dead-letter queue (aws-rules §3.7).
#[derive(Clone, Debug, PartialEq)]
pub struct SubscriptionRedrive {
    pub dead_letter_target_arn: String,
}

#[derive(Clone, Debug)]
pub struct Subscription {
    pub arn: String,
    pub topic_arn: String,
    pub protocol: String,
    pub endpoint: String,
    pub pending: bool,
    /// The confirmation token sent to the endpoint (http/https/email/email-json).
    pub token: Option<String>,
    pub token_issued_at: SimTime,
    pub created_at: SimTime,
    /// Attributes as set, by name (validated).
    pub attrs: BTreeMap<String, String>,
    /// Shared, not copied, when the world is cloned (the app keeps copies of the world): a
    /// compiled policy never changes, and a deep clone of it cost the wasm bundle its own code.
    pub filter: Option<Rc<FilterPolicy>>,
    pub raw: bool,
    pub redrive: Option<SubscriptionRedrive>,
    /// Creation order: subscriptions are listed oldest first.
    pub seq: u64,
    /// Deliveries started in the current virtual second: (second, count), for the HTTP/S
    /// throttle policy.
    pub(crate) receives: (SimTime, u32),
    /// The current replay, once a ReplayPolicy was set.
    pub replay: Option<super::replay::Replay>,
}

impl Subscription {
    /// The key of a `MessageStructure=json` message this subscription reads: its protocol,
    /// or for mobile push its endpoint's platform (`GCM`, `APNS`, …; API reference, Publish).
    pub fn message_key(&self) -> &str {
        match self.protocol.as_str() {
            "application" => super::mobile::platform_of(&self.endpoint).unwrap_or("application"),
            p => p,
        }
    }

    pub fn filter_scope(&self) -> FilterPolicyScope {
        scope_of(self.attrs.get("FilterPolicyScope").map(String::as_str))
    }

    /// The retry policy that applies to this subscription (aws-rules §3.6): HTTP/S take the
    /// subscription's DeliveryPolicy, else the topic's, else the default; other protocols
    /// their endpoint class's fixed policy.
    pub fn retry_policy(&self, topic_policy: Option<&DeliveryPolicy>) -> RetryPolicy {
        let class = EndpointClass::of_protocol(&self.protocol);
        if class != EndpointClass::Http {
            return RetryPolicy::default_for(class);
        }
        let own = self
            .attrs
            .get("DeliveryPolicy")
            .and_then(|p| DeliveryPolicy::parse(p, false).ok());
        DeliveryPolicy::effective(topic_policy, own.as_ref()).retry
    }

    /// HTTP/S: `maxReceivesPerSecond` of the subscription's throttle policy, else the topic's
    /// (aws-rules §3.6); None = no throttling.
    pub fn max_receives_per_second(&self, topic_policy: Option<&DeliveryPolicy>) -> Option<u32> {
        if EndpointClass::of_protocol(&self.protocol) != EndpointClass::Http {
            return None;
        }
        let own = self
            .attrs
            .get("DeliveryPolicy")
            .and_then(|p| DeliveryPolicy::parse(p, false).ok());
        DeliveryPolicy::effective(topic_policy, own.as_ref()).max_receives_per_second
    }

    /// Every attribute GetSubscriptionAttributes returns.
    pub fn render(&self, effective_delivery_policy: Option<String>) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        out.insert("SubscriptionArn".into(), self.arn.clone());
        out.insert("TopicArn".into(), self.topic_arn.clone());
        out.insert("Owner".into(), ACCOUNT_ID.into());
        out.insert("Protocol".into(), self.protocol.clone());
        out.insert("Endpoint".into(), self.endpoint.clone());
        out.insert("PendingConfirmation".into(), self.pending.to_string());
        out.insert(
            "ConfirmationWasAuthenticated".into(),
            (!self.pending).to_string(),
        );
        out.insert("RawMessageDelivery".into(), self.raw.to_string());
        out.insert(
            "SubscriptionPrincipal".into(),
            format!("arn:aws:iam::{ACCOUNT_ID}:user/mqlab"),
        );
        if let Some(p) = effective_delivery_policy {
            out.insert("EffectiveDeliveryPolicy".into(), p);
        }
        for (k, v) in &self.attrs {
            if k == "RawMessageDelivery" {
                continue;
            }
            out.insert(k.clone(), v.clone());
        }
        // FilterPolicyScope is shown with a filter policy, defaulting to MessageAttributes.
        if self.attrs.contains_key("FilterPolicy") && !self.attrs.contains_key("FilterPolicyScope")
        {
            out.insert("FilterPolicyScope".into(), "MessageAttributes".into());
        }
        if !self.attrs.contains_key("FilterPolicy") {
            out.remove("FilterPolicyScope");
        }
        if let Some(r) = &self.replay {
            out.insert("ReplayStatus".into(), r.status.as_str().into());
        }
        out
    }
}

pub fn scope_of(v: Option<&str>) -> FilterPolicyScope {
    match v {
        Some("MessageBody") => FilterPolicyScope::MessageBody,
        _ => FilterPolicyScope::MessageAttributes,
    }
}

/// Whether the attribute `name` = `value` (as parsed by `parse_attributes`) says what the
/// subscription `s` already has: the same value, or the default of one it never set
/// (`RawMessageDelivery=false`, `FilterPolicyScope=MessageAttributes`). JSON policies compare
/// as JSON, so spacing and key order do not count (mqlab's choice; AWS's comparison is
/// UNCONFIRMED) (aws-rules §3.3).
pub fn restates(s: &Subscription, name: &str, value: &str) -> bool {
    match name {
        "RawMessageDelivery" => value == s.raw.to_string(),
        "FilterPolicyScope" => {
            value
                == s.attrs
                    .get(name)
                    .map(String::as_str)
                    .unwrap_or("MessageAttributes")
        }
        "FilterPolicy" | "DeliveryPolicy" | "RedrivePolicy" | "ReplayPolicy" => {
            s.attrs.get(name).is_some_and(|cur| {
                cur == value
                    || serde_json::from_str::<Value>(cur)
                        .ok()
                        .is_some_and(|a| serde_json::from_str::<Value>(value).is_ok_and(|b| a == b))
            })
        }
        _ => s.attrs.get(name).is_some_and(|cur| cur == value),
    }
}

/// What a set of subscription attributes means once validated.
#[derive(Clone, Debug, Default)]
pub struct ParsedSubscriptionAttributes {
    pub attrs: BTreeMap<String, String>,
    pub filter: Option<FilterPolicy>,
    pub raw: bool,
    pub redrive: Option<SubscriptionRedrive>,
}

/// Validates a whole set of subscription attributes (after applying changes). `prefix` is
/// "Invalid parameter: Attributes Reason: " for Subscribe, "Invalid parameter: " for
/// SetSubscriptionAttributes (LocalStack's recorded wording).
pub fn parse_attributes(
    attrs: &BTreeMap<String, String>,
    protocol: &str,
    topic_fifo: bool,
    prefix: &str,
) -> Result<ParsedSubscriptionAttributes, AwsError> {
    let bad = |what: String| invalid_parameter(&format!("{prefix}{what}"));
    let mut out = ParsedSubscriptionAttributes::default();
    for (name, value) in attrs {
        if !SUBSCRIPTION_ATTRIBUTES.contains(&name.as_str()) {
            return Err(bad("AttributeName".into()));
        }
        match name.as_str() {
            "RawMessageDelivery" => {
                let v = value.to_ascii_lowercase();
                if v != "true" && v != "false" {
                    return Err(bad(format!(
                        "RawMessageDelivery: Invalid value [{value}]. Must be true or false."
                    )));
                }
                if v == "true" && !supports_raw(protocol) {
                    return Err(bad(format!(
                        "RawMessageDelivery: Invalid value [{value}]. Must be false."
                    )));
                }
                out.raw = v == "true";
                out.attrs.insert(name.clone(), v);
                continue;
            }
            "FilterPolicyScope" if value != "MessageAttributes" && value != "MessageBody" => {
                return Err(bad(format!(
                    "FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody or MessageAttributes"
                )));
            }
            "RedrivePolicy" => {
                if value.is_empty() {
                    continue;
                }
                let v: Value = serde_json::from_str(value)
                    .map_err(|_| bad("RedrivePolicy: failed to parse JSON.".into()))?;
                let target = v["deadLetterTargetArn"].as_str().unwrap_or("");
                let Some((svc, ..)) = arn_parts(target) else {
                    return Err(bad(
                        "RedrivePolicy: deadLetterTargetArn is an invalid arn".into()
                    ));
                };
                if svc != "sqs" {
                    return Err(bad(
                        "RedrivePolicy: deadLetterTargetArn must be an Amazon SQS queue ARN".into(),
                    ));
                }
                if topic_fifo && !target.ends_with(".fifo") {
                    return Err(bad(
                        "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic."
                            .into(),
                    ));
                }
                out.redrive = Some(SubscriptionRedrive {
                    dead_letter_target_arn: target.to_string(),
                });
            }
            "DeliveryPolicy" => {
                DeliveryPolicy::parse(value, false).map_err(|e| {
                    if prefix.contains("Attributes") {
                        in_attributes(e)
                    } else {
                        e
                    }
                })?;
            }
            "SubscriptionRoleArn" if arn_parts(value).is_none_or(|(s, ..)| s != "iam") => {
                return Err(bad("SubscriptionRoleArn: Invalid role ARN".into()));
            }
            "ReplayPolicy" if !topic_fifo => {
                return Err(bad(
                    "ReplayPolicy: Message replay is only supported for subscriptions to FIFO topics"
                        .into(),
                ));
            }
            _ => {}
        }
        if value.is_empty() && matches!(name.as_str(), "FilterPolicy" | "DeliveryPolicy") {
            // An empty value removes the policy.
            continue;
        }
        out.attrs.insert(name.clone(), value.clone());
    }
    if let Some(policy) = out.attrs.get("FilterPolicy") {
        let scope = scope_of(out.attrs.get("FilterPolicyScope").map(String::as_str));
        out.filter = Some(FilterPolicy::parse_with_prefix(policy, scope, prefix)?);
    }
    Ok(out)
}

/// Subscribe's rule for firehose: a role is required (aws-rules §3.3).
pub fn check_protocol_requirements(
    protocol: &str,
    attrs: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if protocol == "firehose" && !attrs.contains_key("SubscriptionRoleArn") {
        return Err(invalid_parameter(
            "Invalid parameter: Attributes Reason: SubscriptionRoleArn is required for the firehose protocol",
        ));
    }
    Ok(())
}
