//! The part of a queue's access policy (the `Policy` attribute) that mqlab evaluates: whether
//! it lets an AWS service (SNS) send to the queue on behalf of a source ARN (a topic)
//! (aws-rules §3.12).
//!
//! SNS is a service principal: the queue owner's IAM identity policies do not cover it, so a
//! delivery needs an `Allow` statement in the queue's own policy for `sqs:SendMessage` whose
//! principal is `*`, `{"AWS": "*"}` or `{"Service": "sns.amazonaws.com"}`, whose resource is the
//! queue (or a pattern that covers it, or absent) and whose conditions on `aws:SourceArn` /
//! `aws:SourceAccount` hold for the topic. A matching `Deny` wins. A queue without a policy
//! refuses. Condition keys other than those two are not evaluated (taken as satisfied: mqlab
//! has no other request context; UNCONFIRMED simplification).

use super::api::PermissionInput;
use super::{Sqs, ACCOUNT_ID};
use crate::core::case::lower_str;
use crate::core::error::AwsError;
use serde_json::{json, Value};

pub use crate::core::aws::SNS_SERVICE_PRINCIPAL;

/// `*` and `?` wildcards as IAM policies use them; `fold` compares case-insensitively.
fn glob(pattern: &str, s: &str, fold: bool) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = if fold {
        (
            lower_str(pattern).chars().collect(),
            lower_str(s).chars().collect(),
        )
    } else {
        (pattern.chars().collect(), s.chars().collect())
    };
    let (mut pi, mut si) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A policy element that is a string or a list of strings.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn principal_matches(p: &Value, service: &str) -> bool {
    match p {
        Value::String(s) => s == "*",
        Value::Object(m) => m.iter().any(|(k, v)| match k.as_str() {
            "AWS" => strings(v).contains(&"*"),
            "Service" => strings(v).iter().any(|s| s.eq_ignore_ascii_case(service)),
            _ => false,
        }),
        _ => false,
    }
}

/// Whether the statement's conditions hold for a request from `source_arn` in `ACCOUNT_ID`.
fn conditions_hold(c: Option<&Value>, source_arn: &str) -> bool {
    let Some(Value::Object(ops)) = c else {
        return true;
    };
    ops.iter().all(|(op, keys)| {
        let Value::Object(keys) = keys else {
            return true;
        };
        let base = op.strip_suffix("IfExists").unwrap_or(op);
        keys.iter().all(|(key, wanted)| {
            let actual = match key.to_ascii_lowercase().as_str() {
                "aws:sourcearn" => source_arn,
                "aws:sourceaccount" => ACCOUNT_ID,
                _ => return true,
            };
            let wanted = strings(wanted);
            let any = |f: &dyn Fn(&str) -> bool| wanted.iter().any(|w| f(w));
            match base {
                "ArnEquals" | "StringEquals" => any(&|w| w == actual),
                "StringEqualsIgnoreCase" => any(&|w| w.eq_ignore_ascii_case(actual)),
                "ArnLike" | "StringLike" => any(&|w| glob(w, actual, false)),
                "ArnNotEquals" | "StringNotEquals" => !any(&|w| w == actual),
                "StringNotEqualsIgnoreCase" => !any(&|w| w.eq_ignore_ascii_case(actual)),
                "ArnNotLike" | "StringNotLike" => !any(&|w| glob(w, actual, false)),
                _ => true,
            }
        })
    })
}

/// Whether `policy` (the queue's `Policy` attribute) lets `service` perform `sqs:SendMessage`
/// on `queue_arn` for `source_arn`.
pub fn allows_service_send(
    policy: Option<&str>,
    queue_arn: &str,
    service: &str,
    source_arn: &str,
) -> bool {
    let Some(doc) = policy.and_then(|p| serde_json::from_str::<Value>(p).ok()) else {
        return false;
    };
    let statements: Vec<&Value> = match &doc["Statement"] {
        Value::Array(a) => a.iter().collect(),
        s @ Value::Object(_) => vec![s],
        _ => return false,
    };
    let applies = |st: &Value| {
        st.get("Principal")
            .is_some_and(|p| principal_matches(p, service))
            && st
                .get("Action")
                .is_some_and(|a| strings(a).iter().any(|a| glob(a, "sqs:SendMessage", true)))
            && st
                .get("Resource")
                .is_none_or(|r| strings(r).iter().any(|r| glob(r, queue_arn, false)))
            && conditions_hold(st.get("Condition"), source_arn)
    };
    let effect = |st: &Value| st["Effect"].as_str().unwrap_or("").to_string();
    let mut allowed = false;
    for st in statements.into_iter().filter(|st| applies(st)) {
        match effect(st).as_str() {
            "Deny" => return false,
            "Allow" => allowed = true,
            _ => {}
        }
    }
    allowed
}

/// The statement the SNS console adds to a queue's policy when it subscribes the queue to a
/// topic (Sid `topic-subscription-TOPIC`, any principal, conditioned on the topic's ARN).
pub fn console_sns_statement(queue_arn: &str, topic_arn: &str) -> Value {
    json!({
        "Sid": format!("topic-subscription-{topic_arn}"),
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "SQS:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnLike": {"aws:SourceArn": topic_arn}}
    })
}

/// AddPermission: at most 7 actions per call (aws-rules §1.18).
pub const PERMISSION_ACTIONS_MAX: usize = 7;
/// AddPermission labels: 1–80 letters, digits, `-` and `_` (aws-rules §1.18).
pub const PERMISSION_LABEL_MAX: usize = 80;
/// The actions AddPermission may grant (the others are the queue owner's only).
pub const PERMISSION_ACTIONS: &[&str] = &[
    "*",
    "ChangeMessageVisibility",
    "DeleteMessage",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "PurgeQueue",
    "ReceiveMessage",
    "SendMessage",
];

fn label_error(label: &str, reason: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "Value {label} for parameter Label is invalid. Reason: {reason}"
    ))
}

/// The queue's policy document, or a new empty one with the default id.
fn policy_doc(policy: Option<&str>, queue_arn: &str) -> Value {
    policy
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| {
            json!({
                "Version": "2012-10-17",
                "Id": format!("{queue_arn}/SQSDefaultPolicy"),
                "Statement": []
            })
        })
}

/// The statements of a policy document as a list (a single statement object becomes one).
fn statements_mut(doc: &mut Value) -> &mut Vec<Value> {
    let current = doc.get_mut("Statement").map(Value::take);
    doc["Statement"] = match current {
        Some(Value::Array(a)) => Value::Array(a),
        Some(one @ Value::Object(_)) => json!([one]),
        _ => json!([]),
    };
    match &mut doc["Statement"] {
        Value::Array(a) => a,
        _ => unreachable!("set to an array above"),
    }
}

impl Sqs {
    /// AddPermission: a statement `Label` granting `SQS:Action`s on the queue to the accounts'
    /// root principals, added to the queue's `Policy` (moto's checks and texts).
    pub fn add_permission(&mut self, input: &PermissionInput) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let label = match input.label.as_deref() {
            Some(l) if !l.is_empty() => l,
            _ => return Err(AwsError::missing_parameter("Label")),
        };
        if input.actions.is_empty() {
            return Err(AwsError::missing_parameter("Actions"));
        }
        if input.aws_account_ids.is_empty() {
            return Err(AwsError::invalid_parameter_value(
                "Value [] for parameter PrincipalId is invalid. Reason: Unable to verify.",
            ));
        }
        if label.len() > PERMISSION_LABEL_MAX
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(label_error(
                label,
                "Label must be 1-80 alphanumeric characters, hyphens or underscores.",
            ));
        }
        if input.actions.len() > PERMISSION_ACTIONS_MAX {
            return Err(AwsError::new(
                "OverLimit",
                format!(
                    "{} Actions were found, maximum allowed is {PERMISSION_ACTIONS_MAX}.",
                    input.actions.len()
                ),
            ));
        }
        if let Some(bad) = input
            .actions
            .iter()
            .find(|a| !PERMISSION_ACTIONS.contains(&a.as_str()))
        {
            return Err(AwsError::invalid_parameter_value(format!(
                "Value SQS:{bad} for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action."
            )));
        }
        let q = self.queues.get_mut(&id).expect("resolved");
        let mut doc = policy_doc(q.attrs.policy.as_deref(), &q.arn);
        let statements = statements_mut(&mut doc);
        if statements.iter().any(|st| st["Sid"] == label) {
            return Err(label_error(label, "Already exists."));
        }
        let principals: Vec<String> = input
            .aws_account_ids
            .iter()
            .map(|a| format!("arn:aws:iam::{a}:root"))
            .collect();
        let actions: Vec<String> = input.actions.iter().map(|a| format!("SQS:{a}")).collect();
        let one_or_list = |v: Vec<String>| {
            if v.len() == 1 {
                json!(v[0])
            } else {
                json!(v)
            }
        };
        statements.push(json!({
            "Sid": label,
            "Effect": "Allow",
            "Principal": {"AWS": one_or_list(principals)},
            "Action": one_or_list(actions),
            "Resource": q.arn,
        }));
        q.attrs.policy = Some(doc.to_string());
        Ok(json!({}))
    }

    /// RemovePermission: drops the statement `Label` from the queue's `Policy`; the policy
    /// goes away with its last statement.
    pub fn remove_permission(&mut self, input: &PermissionInput) -> Result<Value, AwsError> {
        let id = self.resolve(input.queue_url.as_deref())?;
        let label = match input.label.as_deref() {
            Some(l) if !l.is_empty() => l,
            _ => return Err(AwsError::missing_parameter("Label")),
        };
        let q = self.queues.get_mut(&id).expect("resolved");
        let mut doc = policy_doc(q.attrs.policy.as_deref(), &q.arn);
        let statements = statements_mut(&mut doc);
        let before = statements.len();
        statements.retain(|st| st["Sid"] != label);
        if statements.len() == before {
            return Err(label_error(label, "can't find label on existing policy."));
        }
        let empty = statements.is_empty();
        q.attrs.policy = (!empty).then(|| doc.to_string());
        Ok(json!({}))
    }

    /// Why SNS may not send to the queue `queue_arn` for the topic `topic_arn`: SQS's
    /// `AccessDenied` when the queue exists and its policy does not allow it; `None` when it
    /// does, or when the queue does not exist (the send itself then fails).
    pub fn service_send_refusal(
        &self,
        queue_arn: &str,
        principal: &str,
        source_arn: &str,
    ) -> Option<AwsError> {
        let id = self.resolve_arn(queue_arn)?;
        let q = &self.queues[&id];
        if allows_service_send(q.attrs.policy.as_deref(), queue_arn, principal, source_arn) {
            return None;
        }
        Some(AwsError::new(
            "AccessDenied",
            format!("Access to the resource {} is denied.", q.url),
        ))
    }

    /// Adds to the queue's policy the statement the SNS console adds when it subscribes the
    /// queue to `topic_arn`, unless the policy already lets the topic send. Scenarios use it
    /// for the queues they subscribe (aws-rules §3.12).
    pub(crate) fn grant_sns_send(&mut self, queue_arn: &str, topic_arn: &str) {
        if self
            .service_send_refusal(queue_arn, SNS_SERVICE_PRINCIPAL, topic_arn)
            .is_none()
        {
            return;
        }
        let Some(id) = self.resolve_arn(queue_arn) else {
            return;
        };
        let Some(q) = self.queues.get_mut(&id) else {
            return;
        };
        let statement = console_sns_statement(queue_arn, topic_arn);
        let mut doc = policy_doc(q.attrs.policy.as_deref(), queue_arn);
        statements_mut(&mut doc).push(statement);
        q.attrs.policy = Some(doc.to_string());
    }
}
