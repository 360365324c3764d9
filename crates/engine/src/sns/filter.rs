//! SNS subscription filter policies (facts §3.5). Interface placeholder: being written.

use crate::error::AwsError;
use crate::sqs::message_attributes::MessageAttributes;

/// Which part of a message a filter policy looks at (`FilterPolicyScope`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FilterPolicyScope {
    #[default]
    MessageAttributes,
    MessageBody,
}

/// A validated filter policy.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterPolicy {
    pub scope: FilterPolicyScope,
}

impl FilterPolicy {
    /// Parses and validates a policy as Subscribe / SetSubscriptionAttributes would.
    pub fn parse(_json: &str, scope: FilterPolicyScope) -> Result<FilterPolicy, AwsError> {
        Ok(FilterPolicy { scope })
    }

    /// `Ok(())` if a message with these attributes and body passes the policy; otherwise the
    /// reason, naming the key that did not match (shown to users on hover).
    pub fn check(&self, _attributes: &MessageAttributes, _body: &str) -> Result<(), String> {
        Ok(())
    }
}
