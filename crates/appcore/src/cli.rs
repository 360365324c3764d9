//! The AWS CLI command equivalent to an API call, for the call log: a learner sees
//! `aws sqs receive-message --queue-url … --wait-time-seconds 20` beside what the simulation
//! did, and can paste it into a terminal against a real queue.
//!
//! Rules, as the AWS CLI reads its arguments: the operation and each request member become
//! kebab-case (`MaxNumberOfMessages` → `--max-number-of-messages`); numbers and booleans are
//! bare; a list of plain strings is space-separated (`--attribute-names All`), as the AWS docs
//! write it; objects and other lists are JSON in single quotes; a string is single-quoted when
//! the shell would otherwise split or expand it.

use serde_json::Value;

/// Members that identify the resource come first, as in the AWS docs' examples; the rest
/// follow in the order of the params object (alphabetical with serde_json's default map).
const LEADING_MEMBERS: &[&str] = &[
    "QueueUrl",
    "QueueName",
    "SourceArn",
    "TaskHandle",
    "TopicArn",
    "SubscriptionArn",
    "StreamName",
    "Bucket",
    "AutoScalingGroupName",
    "AlarmName",
    "DeliveryStreamName",
];

/// `aws sqs <op> --member value …` for a call with AWS JSON request members `params`: the
/// service is told by the operation (`aws sns …`, `aws kinesis …`, `aws s3api …` for the
/// calls of those services that the page and its actors make).
pub fn aws_cli_command(op: &str, params: &serde_json::Value) -> String {
    aws_cli_command_for(service_of(op), op, params)
}

/// The AWS CLI's name of the service an operation belongs to.
pub fn service_of(op: &str) -> &'static str {
    const SNS: [&str; 3] = ["Subscription", "Topic", "Publish"];
    const KINESIS: [&str; 3] = ["Shard", "Record", "Stream"];
    if let Some(svc) = crate::edits::full_page_call_service(op) {
        svc
    } else if SNS.iter().any(|w| op.contains(w)) {
        "sns"
    } else if KINESIS.iter().any(|w| op.contains(w)) {
        "kinesis"
    } else if op.ends_with("Object") {
        "s3api"
    } else {
        "sqs"
    }
}

/// The same for any service (`svc` as the CLI names it: "sqs", "sns", "kinesis" …).
pub fn aws_cli_command_for(svc: &str, op: &str, params: &Value) -> String {
    // A broker client's own call has no AWS command: its client library's line instead
    // (only the full page makes such calls).
    if crate::sim::FULL_PAGE && svc == "mq-broker" {
        return match (op, params.get("Prefetch")) {
            ("Qos", Some(n)) => {
                format!("channel.basic_qos(prefetch_count={n})  # AMQP basic.qos on the broker, not an AWS API")
            }
            _ => format!("{op}  # on the broker (AMQP / OpenWire), not an AWS API"),
        };
    }
    let mut out = format!("aws {} {}", svc, kebab_case(op));
    let Some(map) = params.as_object() else {
        return out;
    };
    let leading = LEADING_MEMBERS.iter().filter_map(|k| map.get_key_value(*k));
    let rest = map
        .iter()
        .filter(|(k, _)| !LEADING_MEMBERS.contains(&k.as_str()));
    for (name, value) in leading.chain(rest) {
        // The CLI's booleans are switches: `--actions-enabled` or `--no-actions-enabled`.
        if let Value::Bool(on) = value {
            out.push_str(if *on { " --" } else { " --no-" });
            out.push_str(&kebab_case(name));
            continue;
        }
        let Some(arg) = render_value(value) else {
            continue;
        };
        out.push_str(" --");
        out.push_str(&kebab_case(name));
        if !arg.is_empty() {
            out.push(' ');
            out.push_str(&arg);
        }
    }
    out
}

/// A value as a CLI argument; None for a member that is absent in effect (null).
fn render_value(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => shell_quote(s),
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .map(shell_quote)
            .collect::<Vec<_>>()
            .join(" "),
        Value::Array(_) | Value::Object(_) => shell_quote_always(&value.to_string()),
    })
}

/// CamelCase → kebab-case: `ReceiveMessage` → `receive-message`, `SSEEnabled` →
/// `sse-enabled`, `MD5OfBody` → `md5-of-body`.
pub fn kebab_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1).copied();
            let after_lower = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let ends_acronym = prev.is_some_and(|p| p.is_ascii_uppercase())
                && next.is_some_and(|n| n.is_ascii_lowercase());
            if after_lower || ends_acronym {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '_' || c == ' ' {
            out.push('-');
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters a POSIX shell passes through unquoted in an argument.
fn shell_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c)
}

/// `s` as one shell word: bare when safe, else in single quotes (a `'` inside becomes `'\''`).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(shell_safe) {
        s.to_string()
    } else {
        shell_quote_always(s)
    }
}

fn shell_quote_always(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
