//! Stream tags: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream, the ARN-based
//! TagResource / UntagResource / ListTagsForResource, and `Tags` at CreateStream
//! (aws-rules §4.12).

use super::api::{ListTagsForStreamInput, ResourceTagsInput, StreamTagsInput};
use super::ops::{check_range, stream_name_from_arn, stream_name_of};
use super::{invalid_argument, required, validation, Kinesis, ACCOUNT_ID};
use crate::core::error::AwsError;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A stream carries at most 50 tags (aws-rules §4.12).
pub const STREAM_TAGS_MAX: usize = 50;
/// AddTagsToStream adds at most 10 tags per call (aws-rules §4.12).
pub const ADD_TAGS_PER_CALL_MAX: usize = 10;
/// RemoveTagsFromStream / UntagResource remove at most 50 keys per call (aws-rules §4.12).
pub const REMOVE_TAG_KEYS_PER_CALL_MAX: usize = 50;
/// TagResource and CreateStream take a tag map of up to 200 entries in the API model; the
/// 50-per-stream quota is what binds (aws-rules §4.12).
pub const TAG_MAP_MAX: usize = 200;
/// ListTagsForStream `Limit`: 1–50 (aws-rules §4.12).
pub const LIST_TAGS_LIMIT_MAX: i64 = 50;
/// Tag keys: 1–128 characters; values: 0–256 (aws-rules §4.12).
pub const TAG_KEY_CHARS_MAX: usize = 128;
pub const TAG_VALUE_CHARS_MAX: usize = 256;

/// Unicode letters, digits, white space and `_ . / = + - % @ :` (the tagging rules shared by
/// AWS services; kinesalite's texts).
fn tag_chars_ok(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_./=+-%@:".contains(c))
}

fn invalid_chars() -> AwsError {
    invalid_argument(
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @ :.",
    )
}

fn check_key(k: &str, member: &str) -> Result<(), AwsError> {
    let n = k.chars().count();
    if n == 0 {
        return Err(validation(
            Some(k),
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if n > TAG_KEY_CHARS_MAX {
        return Err(validation(
            Some(k),
            member,
            "Member must have length less than or equal to 128",
        ));
    }
    if !tag_chars_ok(k) {
        return Err(invalid_chars());
    }
    Ok(())
}

/// Checks a tag map: its size (`max` entries, at least one unless `may_be_empty`), every key
/// and every value.
pub(super) fn check_tags(
    tags: &BTreeMap<String, String>,
    member: &str,
    max: usize,
    may_be_empty: bool,
) -> Result<(), AwsError> {
    if tags.is_empty() && !may_be_empty {
        return Err(validation(
            Some("{}"),
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if tags.len() > max {
        return Err(validation(
            None,
            member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    for (k, v) in tags {
        check_key(k, member)?;
        if v.chars().count() > TAG_VALUE_CHARS_MAX {
            return Err(validation(
                Some(v),
                member,
                "Map value must satisfy constraint: [Member must have length less than or equal to 256]",
            ));
        }
        if !tag_chars_ok(v) {
            return Err(invalid_chars());
        }
    }
    Ok(())
}

/// The refusal when `existing` plus `adding` would go over 50 tags. AWS's text, recorded by
/// kinesalite when the quota was 10, names the quota.
pub(super) fn check_quota(
    stream: &str,
    existing: &BTreeMap<String, String>,
    adding: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let new_keys = adding.keys().filter(|k| !existing.contains_key(*k)).count();
    if existing.len() + new_keys > STREAM_TAGS_MAX {
        return Err(invalid_argument(format!(
            "Failed to add tags to stream {stream} under account {ACCOUNT_ID} because a given stream cannot have more than {STREAM_TAGS_MAX} tags associated with it."
        )));
    }
    Ok(())
}

fn check_keys(keys: &[String], member: &str) -> Result<(), AwsError> {
    if keys.is_empty() {
        return Err(validation(
            Some("[]"),
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if keys.len() > REMOVE_TAG_KEYS_PER_CALL_MAX {
        return Err(validation(
            None,
            member,
            "Member must have length less than or equal to 50",
        ));
    }
    keys.iter().try_for_each(|k| check_key(k, member))
}

fn tag_list(tags: impl Iterator<Item = (String, String)>) -> Vec<Value> {
    tags.map(|(k, v)| json!({"Key": k, "Value": v})).collect()
}

impl Kinesis {
    fn add_tags(&mut self, name: &str, tags: &BTreeMap<String, String>) -> Result<Value, AwsError> {
        let s = self.stream_mut(name)?;
        check_quota(name, &s.tags, tags)?;
        s.tags
            .extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(json!({}))
    }

    fn remove_tags(&mut self, name: &str, keys: &[String]) -> Result<Value, AwsError> {
        let s = self.stream_mut(name)?;
        for k in keys {
            s.tags.remove(k);
        }
        Ok(json!({}))
    }

    pub(super) fn add_tags_to_stream(&mut self, i: &StreamTagsInput) -> Result<Value, AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let tags = i.tags.as_ref().ok_or_else(|| required("tags"))?;
        check_tags(tags, "tags", ADD_TAGS_PER_CALL_MAX, false)?;
        self.add_tags(&name, tags)
    }

    pub(super) fn remove_tags_from_stream(
        &mut self,
        i: &StreamTagsInput,
    ) -> Result<Value, AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let keys = i.tag_keys.as_ref().ok_or_else(|| required("tagKeys"))?;
        check_keys(keys, "tagKeys")?;
        self.remove_tags(&name, keys)
    }

    pub(super) fn list_tags_for_stream(
        &self,
        i: &ListTagsForStreamInput,
    ) -> Result<Value, AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        if let Some(l) = i.limit {
            check_range(l, "limit", 1, LIST_TAGS_LIMIT_MAX)?;
        }
        if let Some(k) = &i.exclusive_start_tag_key {
            check_key(k, "exclusiveStartTagKey")?;
        }
        let s = self.stream_ref(&name)?;
        let after: Vec<(&String, &String)> = s
            .tags
            .iter()
            .filter(|(k, _)| {
                i.exclusive_start_tag_key
                    .as_deref()
                    .is_none_or(|start| k.as_str() > start)
            })
            .collect();
        let limit = i.limit.map(|l| l as usize).unwrap_or(STREAM_TAGS_MAX);
        let page = tag_list(
            after
                .iter()
                .take(limit)
                .map(|(k, v)| ((*k).clone(), (*v).clone())),
        );
        Ok(json!({ "Tags": page, "HasMoreTags": after.len() > limit }))
    }

    /// The stream a `ResourceARN` names. Only stream ARNs are taggable in mqlab (AWS also
    /// tags consumers: UNCONFIRMED here, refused as not found).
    fn resource_stream(&self, arn: Option<&str>) -> Result<String, AwsError> {
        let arn = arn.ok_or_else(|| required("resourceARN"))?;
        let name = stream_name_from_arn(arn)?;
        self.stream_ref(&name)?;
        Ok(name)
    }

    pub(super) fn tag_resource(&mut self, i: &ResourceTagsInput) -> Result<Value, AwsError> {
        let name = self.resource_stream(i.resource_arn.as_deref())?;
        let tags = i.tags.as_ref().ok_or_else(|| required("tags"))?;
        check_tags(tags, "tags", TAG_MAP_MAX, false)?;
        self.add_tags(&name, tags)
    }

    pub(super) fn untag_resource(&mut self, i: &ResourceTagsInput) -> Result<Value, AwsError> {
        let name = self.resource_stream(i.resource_arn.as_deref())?;
        let keys = i.tag_keys.as_ref().ok_or_else(|| required("tagKeys"))?;
        check_keys(keys, "tagKeys")?;
        self.remove_tags(&name, keys)
    }

    pub(super) fn list_tags_for_resource(&self, i: &ResourceTagsInput) -> Result<Value, AwsError> {
        let name = self.resource_stream(i.resource_arn.as_deref())?;
        let s = self.stream_ref(&name)?;
        Ok(json!({ "Tags": tag_list(s.tags.clone().into_iter()) }))
    }
}
