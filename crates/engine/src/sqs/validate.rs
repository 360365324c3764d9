//! Input rules shared by several operations (aws-rules §1.2, §1.6, §1.9).

use crate::core::error::AwsError;

pub const QUEUE_NAME_MAX: usize = 80;
pub const BATCH_ENTRIES_MAX: usize = 10;
pub const BATCH_ENTRY_ID_MAX: usize = 80;
/// MessageGroupId, MessageDeduplicationId and ReceiveRequestAttemptId.
pub const FIFO_ID_MAX: usize = 128;
pub const RECEIPT_HANDLE_MAX: usize = 1_024;

pub use crate::core::aws::{check_character_bytes, check_characters};

pub fn invalid_body_characters() -> AwsError {
    AwsError::new(
        "InvalidMessageContents",
        "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
    )
}

/// Queue names: 1–80 alphanumerics, hyphens, underscores; FIFO names end in `.fifo`, which
/// counts toward the 80.
pub fn check_queue_name(name: &str, fifo: bool) -> Result<(), AwsError> {
    let stem = if fifo {
        match name.strip_suffix(".fifo") {
            Some(s) => s,
            None => return Err(super::attributes::fifo_name_error()),
        }
    } else {
        name
    };
    let ok = !stem.is_empty()
        && name.len() <= QUEUE_NAME_MAX
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else if fifo {
        Err(super::attributes::fifo_name_error())
    } else {
        Err(AwsError::invalid_parameter_value(
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
        ))
    }
}

/// MessageGroupId / MessageDeduplicationId / ReceiveRequestAttemptId: 1–128 characters,
/// alphanumerics and ASCII punctuation.
pub fn check_fifo_id(param: &str, value: &str) -> Result<(), AwsError> {
    let ok = !value.is_empty()
        && value.len() <= FIFO_ID_MAX
        && value.chars().all(|c| c.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(AwsError::invalid_parameter_value(format!(
            "Value {value} for parameter {param} is invalid. Reason: {param} can only include alphanumeric and punctuation characters. 1 to {FIFO_ID_MAX} in length."
        )))
    }
}

/// Validates the entry ids of a batch request: 1–10 entries, ids distinct, well formed.
pub fn check_batch_ids<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Result<(), AwsError> {
    let n = ids.len();
    if n == 0 {
        return Err(AwsError::new(
            "EmptyBatchRequest",
            "There should be at least one SendMessageBatchRequestEntry in the request.",
        ));
    }
    if n > BATCH_ENTRIES_MAX {
        return Err(AwsError::new(
            "TooManyEntriesInBatchRequest",
            format!(
                "Maximum number of entries per request are {BATCH_ENTRIES_MAX}. You have sent {n}."
            ),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for id in ids {
        let ok = !id.is_empty()
            && id.len() <= BATCH_ENTRY_ID_MAX
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(AwsError::new(
                "InvalidBatchEntryId",
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
            ));
        }
        if !seen.insert(id) {
            return Err(AwsError::new(
                "BatchEntryIdsNotDistinct",
                format!("Id {id} repeated."),
            ));
        }
    }
    Ok(())
}

pub fn range_error(param: &str, value: impl std::fmt::Display, rule: &str) -> AwsError {
    AwsError::invalid_parameter_value(format!(
        "Value {value} for parameter {param} is invalid. Reason: {rule}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_characters_follow_the_xml_rule() {
        assert!(check_characters("hello\tworld\n한국어 😀").is_ok());
        assert_eq!(check_characters("a\u{0}b"), Err('\u{0}'));
        assert_eq!(check_characters("\u{FFFF}"), Err('\u{FFFF}'));
    }

    #[test]
    fn body_bytes_follow_the_same_rule_read_as_utf8() {
        assert!(check_character_bytes("hello\tworld\n한국어 😀".as_bytes()).is_ok());
        assert_eq!(check_character_bytes(b"a\x01b"), Err('\u{1}'));
        assert_eq!(
            check_character_bytes("\u{FFFF}".as_bytes()),
            Err('\u{FFFF}')
        );
        // Not UTF-8: read as U+FFFD, which the rule allows.
        assert!(check_character_bytes(b"ok \xff\xfe").is_ok());
    }

    #[test]
    fn queue_names() {
        assert!(check_queue_name("orders-1_a", false).is_ok());
        assert!(check_queue_name("orders.fifo", true).is_ok());
        assert!(check_queue_name("orders", true).is_err());
        assert!(check_queue_name("bad name", false).is_err());
        assert!(check_queue_name(&"a".repeat(81), false).is_err());
        assert!(check_queue_name(&format!("{}.fifo", "a".repeat(75)), true).is_ok());
        assert!(check_queue_name(&format!("{}.fifo", "a".repeat(76)), true).is_err());
    }
}
