//! Bucket notification configurations: event names and their wildcards, object key name
//! filters, and the checks S3 makes when a configuration is saved (aws-rules §3.9).
//!
//! Error texts: "The ARN could not be parsed", "filter rule name must be either prefix or
//! suffix" and "Unable to validate the following destination configurations" come from
//! LocalStack's recordings against AWS; "The event is not supported for notifications" and
//! "The notification destination service region is not valid for the bucket location
//! constraint" from moto's tests and users' reports of AWS; the overlap text and the
//! one-prefix / one-suffix / 1,024-byte texts from MinIO's copy of S3's error table
//! (AWS wording UNCONFIRMED for those).

use super::api::{missing, FilterRuleInput, TopicConfigurationInput};
use crate::core::aws::{ACCOUNT_ID, REGION};
use crate::core::error::AwsError;
use serde::Serialize;

/// Every event type a notification configuration may name (botocore's `Event` enum,
/// aws-rules §3.9). Names ending in `:*` are wildcards over their family.
pub const EVENT_NAMES: &[&str] = &[
    "s3:ReducedRedundancyLostObject",
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationNotTracked",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
];

/// A filter rule value may be at most 1,024 bytes (S3KeyFilter docs).
pub const FILTER_VALUE_MAX_BYTES: usize = 1_024;
/// Configurations kept per bucket. AWS documents no figure; a simulation cap (the overlap
/// check compares every pair).
pub const CONFIGURATIONS_PER_BUCKET_MAX: usize = 100;
/// An `Id` may be up to 255 characters (UNCONFIRMED; AWS's console refuses longer names).
pub const CONFIGURATION_ID_MAX_CHARS: usize = 255;

pub fn invalid_argument(message: &str) -> AwsError {
    AwsError::new("InvalidArgument", message)
}

pub fn unable_to_validate() -> AwsError {
    invalid_argument("Unable to validate the following destination configurations")
}

pub fn overlap() -> AwsError {
    invalid_argument(
        "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
    )
}

/// One `FilterRule`: the name as S3 stores it (`Prefix` or `Suffix`) and the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilterRule {
    pub name: String,
    pub value: String,
}

/// One `TopicConfiguration`, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicConfiguration {
    pub id: String,
    pub topic_arn: String,
    pub events: Vec<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    /// The rules in the order given, names capitalised (what GetBucketNotificationConfiguration
    /// returns).
    pub rules: Vec<FilterRule>,
}

impl TopicConfiguration {
    /// True when this configuration asks for `event` (a concrete name such as
    /// `s3:ObjectCreated:Put`), directly or through its family's wildcard.
    pub fn wants(&self, event: &str) -> bool {
        self.events.iter().any(|e| covers(e, event))
    }

    /// True when the object key, URL-encoded as in event records, passes the filter. AWS
    /// matches the encoded form: its guide asks for `+` in place of a space in filter values
    /// and percent-encoding for other special characters.
    pub fn key_matches(&self, encoded_key: &str) -> bool {
        self.prefix
            .as_deref()
            .is_none_or(|p| encoded_key.starts_with(p))
            && self
                .suffix
                .as_deref()
                .is_none_or(|s| encoded_key.ends_with(s))
    }

    /// The JSON of GetBucketNotificationConfiguration.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({
            "Id": self.id,
            "TopicArn": self.topic_arn,
            "Events": self.events,
        });
        if !self.rules.is_empty() {
            v["Filter"] = serde_json::json!({ "Key": { "FilterRules": self.rules } });
        }
        v
    }
}

/// True when the event name `pattern` (possibly a wildcard) covers the concrete `event`.
pub fn covers(pattern: &str, event: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(family) => event.starts_with(family) && !event.ends_with('*'),
        None => pattern == event,
    }
}

fn share_an_event(a: &TopicConfiguration, b: &TopicConfiguration) -> bool {
    EVENT_NAMES
        .iter()
        .filter(|e| !e.ends_with('*'))
        .any(|e| a.wants(e) && b.wants(e))
}

/// Two filters overlap when some key can pass both: their prefixes overlap (one starts with
/// the other, or one has none) and so do their suffixes.
fn filters_overlap(a: &TopicConfiguration, b: &TopicConfiguration) -> bool {
    let p = match (&a.prefix, &b.prefix) {
        (Some(x), Some(y)) => x.starts_with(y.as_str()) || y.starts_with(x.as_str()),
        _ => true,
    };
    let s = match (&a.suffix, &b.suffix) {
        (Some(x), Some(y)) => x.ends_with(y.as_str()) || y.ends_with(x.as_str()),
        _ => true,
    };
    p && s
}

/// Refuses configurations that could send the same event for the same key twice (the S3
/// guide's "overlapping prefixes, overlapping suffixes, or overlapping combinations of
/// prefixes and suffixes for the same event types").
pub fn check_overlaps(configs: &[TopicConfiguration]) -> Result<(), AwsError> {
    for (i, a) in configs.iter().enumerate() {
        for b in &configs[i + 1..] {
            if share_an_event(a, b) && filters_overlap(a, b) {
                return Err(overlap());
            }
        }
    }
    Ok(())
}

/// What a TopicArn names: the topic's ARN when it is a well-formed SNS ARN of this region.
/// Whether the topic exists is checked later (destination validation).
pub fn check_topic_arn(arn: &str) -> Result<(), AwsError> {
    let parts: Vec<&str> = arn.split(':').collect();
    let well_formed = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "sns"
        && !parts[3].is_empty()
        && parts[4].len() == ACCOUNT_ID.len()
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && !parts[5].is_empty();
    if !well_formed {
        return Err(invalid_argument("The ARN could not be parsed"));
    }
    if parts[3] != REGION {
        return Err(invalid_argument(
            "The notification destination service region is not valid for the bucket location constraint",
        ));
    }
    Ok(())
}

fn check_rules(rules: &[FilterRuleInput]) -> Result<Vec<FilterRule>, AwsError> {
    let mut out: Vec<FilterRule> = Vec::with_capacity(rules.len());
    for r in rules {
        let name = r.name.clone().ok_or_else(|| missing("Name"))?;
        let value = r.value.clone().ok_or_else(|| missing("Value"))?;
        // Names are case-insensitive and stored capitalised (LocalStack's recording).
        let name = match name.to_ascii_lowercase().as_str() {
            "prefix" => "Prefix",
            "suffix" => "Suffix",
            _ => {
                return Err(invalid_argument(
                    "filter rule name must be either prefix or suffix",
                ))
            }
        };
        if out.iter().any(|f| f.name == name) {
            return Err(invalid_argument(&format!(
                "Cannot specify more than one {} rule in a filter.",
                name.to_ascii_lowercase()
            )));
        }
        if value.is_empty() {
            // LocalStack's text; AWS's UNCONFIRMED.
            return Err(invalid_argument("filter value cannot be empty"));
        }
        if value.len() > FILTER_VALUE_MAX_BYTES {
            return Err(invalid_argument(
                "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation",
            ));
        }
        out.push(FilterRule {
            name: name.to_string(),
            value,
        });
    }
    Ok(out)
}

/// Validates one TopicConfiguration as given (everything but whether its topic exists).
/// `id` is the Id to use when none is given.
pub fn parse_topic_configuration(
    input: &TopicConfigurationInput,
    id: impl FnOnce() -> String,
) -> Result<TopicConfiguration, AwsError> {
    let topic_arn = input.topic_arn.clone().ok_or_else(|| missing("TopicArn"))?;
    let events = input.events.clone().ok_or_else(|| missing("Events"))?;
    check_topic_arn(&topic_arn)?;
    if events.is_empty() {
        // The schema requires at least one Event. UNCONFIRMED: AWS's exact answer.
        return Err(AwsError::new(
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our published schema",
        ));
    }
    for e in &events {
        if !EVENT_NAMES.contains(&e.as_str()) {
            return Err(invalid_argument(
                "The event is not supported for notifications",
            ));
        }
    }
    let rules = match input.filter.as_ref().and_then(|f| f.key.as_ref()) {
        Some(k) => check_rules(&k.filter_rules)?,
        None => Vec::new(),
    };
    let id = match input.id.as_deref() {
        Some(given) if !given.is_empty() => {
            if given.chars().count() > CONFIGURATION_ID_MAX_CHARS {
                return Err(invalid_argument(
                    "The Id of a notification configuration is too long",
                ));
            }
            given.to_string()
        }
        _ => id(),
    };
    let rule = |n: &str| rules.iter().find(|r| r.name == n).map(|r| r.value.clone());
    Ok(TopicConfiguration {
        id,
        topic_arn,
        prefix: rule("Prefix"),
        suffix: rule("Suffix"),
        events,
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(events: &[&str], prefix: Option<&str>, suffix: Option<&str>) -> TopicConfiguration {
        TopicConfiguration {
            id: "x".into(),
            topic_arn: "arn:aws:sns:us-east-1:123456789012:t".into(),
            events: events.iter().map(|e| e.to_string()).collect(),
            prefix: prefix.map(String::from),
            suffix: suffix.map(String::from),
            rules: vec![],
        }
    }

    #[test]
    fn wildcards_cover_their_family_only() {
        assert!(covers("s3:ObjectCreated:*", "s3:ObjectCreated:Put"));
        assert!(!covers("s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"));
        assert!(covers("s3:ObjectRemoved:Delete", "s3:ObjectRemoved:Delete"));
        assert!(!covers(
            "s3:ObjectRemoved:Delete",
            "s3:ObjectRemoved:DeleteMarkerCreated"
        ));
    }

    #[test]
    fn overlap_needs_a_common_event_and_a_key_both_filters_pass() {
        let put = ["s3:ObjectCreated:Put"];
        let all = ["s3:ObjectCreated:*"];
        let del = ["s3:ObjectRemoved:*"];
        let o = |a, b| check_overlaps(&[a, b]).is_err();
        assert!(o(cfg(&put, None, None), cfg(&all, None, None)));
        assert!(!o(cfg(&put, None, None), cfg(&del, None, None)));
        assert!(o(
            cfg(&put, Some("images/"), None),
            cfg(&all, Some("images/jpg/"), None)
        ));
        assert!(!o(
            cfg(&put, Some("images/"), None),
            cfg(&all, Some("logs/"), None)
        ));
        assert!(o(
            cfg(&put, None, Some(".jpg")),
            cfg(&all, None, Some("jpg"))
        ));
        assert!(!o(
            cfg(&put, None, Some(".jpg")),
            cfg(&all, None, Some(".png"))
        ));
        assert!(o(
            cfg(&put, Some("images/"), None),
            cfg(&put, None, Some(".jpg"))
        ));
        assert!(!o(
            cfg(&put, Some("images/"), Some(".jpg")),
            cfg(&put, Some("images/"), Some(".png"))
        ));
    }
}
