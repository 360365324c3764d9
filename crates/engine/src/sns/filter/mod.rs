//! SNS subscription filter policies (aws-rules §3.5): parsing with AWS's validation errors, and
//! matching against message attributes or a JSON message body.
//!
//! # Where the rules come from
//!
//! Amazon SNS evaluates filter policies with AWS's open-source *Event Ruler* library
//! (`aws/event-ruler`): its `JsonRuleCompiler` produces the error texts AWS returns
//! ("Only one key allowed in match expression", "Value of equals must be numeric", …), each
//! followed by the Jackson parser location (`\n at [Source: (String)"…"; line: 1, column: 11]`).
//! This module ports that compiler token by token, so the same policy fails with the same text at
//! the same column. On top of it SNS adds its own checks (5 keys, 150 combinations, no nesting
//! for attribute scope, 256 KB), whose wording comes from LocalStack's AWS-validated snapshots.
//! Matching follows the SNS developer guide pages "String value matching", "Numeric value
//! matching", "Key matching", "AND/OR logic" and "Filter policy constraints".
//!
//! # Shape of a compiled policy
//!
//! A policy compiles to a list of *branches* (one per combination of `"$or"` alternatives, as
//! Event Ruler does); a branch maps a dotted key path (`detail.scope`) to a *rule* — the list
//! of conditions of one key, any of which may match (OR within a key). A message passes when
//! every key of some branch matches (AND across keys, OR across branches).

use crate::core::error::AwsError;
use crate::core::message_attributes::{MessageAttributeValue, MessageAttributes};
use crate::core::ordmap::{btree_map_from, sort_small_by_key, OrdMap};
use crate::core::payload::Payload;
use serde_json::Value;
use std::collections::BTreeMap;

/// A set of key paths.
type Paths = OrdMap<String, ()>;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The error code of an invalid policy (on the query wire the code is `InvalidParameter`).
pub const INVALID_PARAMETER: &str = "InvalidParameterException";
/// "A filter policy can have a maximum of five keys. For a nested policy, only parent keys are
/// counted" (Filter policy constraints). `"$or"` at the top level counts as one key.
pub const FILTER_POLICY_KEYS_MAX: usize = 5;
/// "The total combination of values in a filter policy must not exceed 150" (Filter policy
/// constraints); see [`FilterPolicy::combinations`] for how it is computed.
pub const FILTER_POLICY_COMBINATIONS_MAX: u64 = 150;
/// "The maximum size of a filter policy is 256 KB" (Filter policy constraints), in UTF-8 bytes.
pub const FILTER_POLICY_SIZE_MAX: usize = 256 * 1024;
/// UNCONFIRMED wording: AWS documents the 256 KB limit but not the error text for it.
pub const FILTER_POLICY_TOO_LARGE: &str = "Filter policy can not be larger than 256 KB";
/// "For numeric matching, the value can range from -10^9 to 10^9" (Filter policy constraints).
pub const NUMERIC_ABS_MAX: f64 = 1e9;
/// "… with five digits of accuracy after the decimal point" (Filter policy constraints).
pub const NUMERIC_DECIMALS_MAX: u32 = 5;
/// UNCONFIRMED: the documentation states the numeric range and accuracy but not whether AWS
/// refuses operands outside them (LocalStack notes AWS seemed to accept larger values). We refuse
/// operands of `numeric` and numeric `anything-but` with an Event-Ruler-style message (values of
/// plain exact-number matches are never refused, as in Event Ruler, which keeps those literal).
pub const NUMERIC_OUT_OF_RANGE: &str =
    "Value must be between -1000000000 and 1000000000, inclusive, with at most 5 digits after the decimal point";
/// UNCONFIRMED safety limit (not from AWS): deeper policies are refused before they can exhaust
/// the stack. Every nesting level multiplies the combination count by its depth, so no policy
/// this deep could pass the 150-combination limit anyway.
pub const POLICY_NESTING_MAX: usize = 200;
/// Jackson (the JSON parser behind Event Ruler) quotes at most this many characters of the
/// policy in an error location.
const SOURCE_SNIPPET_MAX: usize = 500;
/// Bound on the search for keys that must match inside one element of a body array (see
/// [`FilterPolicy::check`]); beyond it the array-element constraint is not enforced.
const ARRAY_SEARCH_STEPS_MAX: usize = 100_000;

const ONE_KEY: &str = "Only one key allowed in match expression";
const TOO_MANY_ELEMENTS: &str = "Too many elements in numeric expression";
const OR_KEYWORD: &str = "$or";
/// Field names Event Ruler refuses inside a `"$or"` object (`Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP`).
const RESERVED_IN_OR: &[&str] = &[
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

// ---- scope ---------------------------------------------------------------------------------

/// Which part of a message a filter policy looks at (`FilterPolicyScope`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FilterPolicyScope {
    /// The message attributes (the default): flat keys only; `String`, `String.Array` and
    /// `Number` attributes are compared, `Binary` ones are ignored.
    #[default]
    MessageAttributes,
    /// The message body, which must be a JSON object; keys may be nested.
    MessageBody,
}

impl FilterPolicyScope {
    /// Parses the `FilterPolicyScope` attribute value as SetSubscriptionAttributes does.
    pub fn parse(value: &str) -> Result<Self, AwsError> {
        match value {
            "MessageAttributes" => Ok(FilterPolicyScope::MessageAttributes),
            "MessageBody" => Ok(FilterPolicyScope::MessageBody),
            _ => Err(AwsError::new(
                INVALID_PARAMETER,
                format!(
                    "Invalid parameter: FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody or MessageAttributes"
                ),
            )),
        }
    }

    /// The attribute value AWS shows for this scope.
    pub fn as_str(&self) -> &'static str {
        match self {
            FilterPolicyScope::MessageAttributes => "MessageAttributes",
            FilterPolicyScope::MessageBody => "MessageBody",
        }
    }
}

// ---- compiled policy -----------------------------------------------------------------------

/// A validated filter policy.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterPolicy {
    pub scope: FilterPolicyScope,
    /// One rule per key array in the policy text.
    rules: Vec<Rule>,
    /// Alternatives produced by `"$or"`: key path → index into `rules`. Empty for `{}`.
    branches: Vec<OrdMap<String, usize>>,
    /// Every key path of every rule (to flatten only the relevant parts of a body). A set,
    /// kept as an `OrdMap` to share its B-tree code with the engine's other String maps.
    paths: Paths,
    top_level_keys: usize,
    combinations: u64,
}

/// The conditions of one key: the message value must satisfy at least one of them.
#[derive(Clone, Debug, PartialEq)]
struct Rule {
    path: String,
    conds: Vec<Cond>,
    /// The key's policy array as compact JSON, for explanations.
    display: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Cond {
    /// An exact string; `ip` is set when the string is an IP address literal, which Event Ruler
    /// matches by address (so `"2001:db8::1"` equals `"2001:0db8:0:0:0:0:0:1"`).
    ExactStr {
        s: String,
        ip: Option<IpNet>,
    },
    ExactNum(f64),
    ExactBool(bool),
    ExactNull,
    Prefix(String),
    Suffix(String),
    EqualsIgnoreCase(String),
    PrefixIgnoreCase(String),
    SuffixIgnoreCase(String),
    Wildcard(Wildcard),
    AnythingBut(AnythingBut),
    Numeric(NumRange),
    Cidr(IpNet),
    Exists(bool),
}

#[derive(Clone, Debug, PartialEq)]
enum AnythingBut {
    Strings(Vec<String>),
    Numbers(Vec<f64>),
    Prefixes(Vec<String>),
    Suffixes(Vec<String>),
    IgnoreCase(Vec<String>),
    Wildcards(Vec<Wildcard>),
}

/// A numeric interval; `None` bounds are open-ended, the flag says whether the bound is included.
#[derive(Clone, Copy, Debug, PartialEq)]
struct NumRange {
    lower: Option<(f64, bool)>,
    upper: Option<(f64, bool)>,
}

/// An address range of one family (IPv4 addresses are held in the low 32 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct IpNet {
    v6: bool,
    lo: u128,
    hi: u128,
}

/// A `wildcard` pattern split at its unescaped `*`s.
#[derive(Clone, Debug, PartialEq)]
struct Wildcard {
    parts: Vec<String>,
}

// ---- errors --------------------------------------------------------------------------------

/// An invalid policy, before the API's prefix is added.
enum Invalid {
    /// Worded under the `FilterPolicy: ` parameter name.
    Policy(String),
    /// Worded without it (the nested-scope error).
    Bare(String),
}

/// A compile error: located ones come from the JSON parser / Event Ruler's `barf` (AWS appends
/// the parser location); plain ones are Event Ruler's `IllegalArgumentException`s (CIDR).
enum PErr {
    Located { msg: String, pos: usize },
    Plain(String),
}

type PResult<T> = Result<T, PErr>;

impl FilterPolicy {
    /// Parses and validates a policy as SetSubscriptionAttributes would; errors are
    /// `InvalidParameterException` worded `Invalid parameter: FilterPolicy: …`.
    ///
    /// `{}` is accepted and matches every message (AWS: "remove the subscription's filter policy
    /// by overwriting it with an empty JSON body").
    pub fn parse(json: &str, scope: FilterPolicyScope) -> Result<FilterPolicy, AwsError> {
        Self::parse_with_prefix(json, scope, "Invalid parameter: ")
    }

    /// As [`FilterPolicy::parse`], worded as Subscribe words it
    /// (`Invalid parameter: Attributes Reason: FilterPolicy: …`).
    pub fn parse_for_subscribe(
        json: &str,
        scope: FilterPolicyScope,
    ) -> Result<FilterPolicy, AwsError> {
        Self::parse_with_prefix(json, scope, "Invalid parameter: Attributes Reason: ")
    }

    /// As [`FilterPolicy::parse`], with the caller's message prefix (e.g.
    /// `"Invalid parameter: "`); the prefix is followed by `FilterPolicy: ` and the reason.
    pub fn parse_with_prefix(
        json: &str,
        scope: FilterPolicyScope,
        prefix: &str,
    ) -> Result<FilterPolicy, AwsError> {
        Self::validate(json, scope).map_err(|e| {
            let message = match e {
                Invalid::Policy(m) => format!("{prefix}FilterPolicy: {m}"),
                Invalid::Bare(m) => format!("{prefix}{m}"),
            };
            AwsError::new(INVALID_PARAMETER, message)
        })
    }

    fn validate(json: &str, scope: FilterPolicyScope) -> Result<FilterPolicy, Invalid> {
        if json.len() > FILTER_POLICY_SIZE_MAX {
            return Err(Invalid::Policy(FILTER_POLICY_TOO_LARGE.into()));
        }
        // SNS first reads the policy into a JSON tree (syntax errors are located in the text
        // as given) and hands Event Ruler the tree's compact form: AWS's error columns count
        // from `{"key":[]}` even when the request sent `{"key": []}`.
        let tree = read_document(json).map_err(|e| located(json, e))?;
        let compact = tree.as_ref().map(Json::compact).unwrap_or_default();
        let src = compact.as_str();
        // Event Ruler first reads "$or" as the OR operator; when that fails it falls back to
        // its legacy compiler, where "$or" is an ordinary key ("AND/OR logic": "Otherwise "$or"
        // is treated as a normal attribute name"), and reports that compiler's error.
        let compiled = match Compiler::run(src, true) {
            Ok(c) => c,
            Err((PErr::Located { .. }, true)) => {
                Compiler::run(src, false).map_err(|(e, _)| located(src, e))?
            }
            Err((e, _)) => return Err(located(src, e)),
        };
        let Compiled {
            rules,
            branches,
            top_level_keys,
            nested,
            combinations,
        } = compiled;
        if top_level_keys > FILTER_POLICY_KEYS_MAX {
            return Err(Invalid::Policy(
                "Filter policy can not have more than 5 keys".into(),
            ));
        }
        if nested && scope == FilterPolicyScope::MessageAttributes {
            return Err(Invalid::Bare(
                "Filter policy scope MessageAttributes does not support nested filter policy"
                    .into(),
            ));
        }
        if combinations > FILTER_POLICY_COMBINATIONS_MAX {
            return Err(Invalid::Policy("Filter policy is too complex".into()));
        }
        let paths = rules.iter().map(|r| (r.path.clone(), ())).collect();
        Ok(FilterPolicy {
            scope,
            rules,
            branches,
            paths,
            top_level_keys,
            combinations,
        })
    }

    /// True for the empty policy `{}`, which lets every message through.
    pub fn matches_everything(&self) -> bool {
        self.branches.is_empty()
    }

    /// Number of top-level keys (`"$or"` counts as one), limited to 5.
    pub fn top_level_keys(&self) -> usize {
        self.top_level_keys
    }

    /// The policy's "total combination" as AWS documents it, limited to 150: the product over
    /// key arrays of (number of values × nesting depth of the key), where the alternatives of a
    /// `"$or"` add up instead of multiplying ("Filter policy constraints", "AND/OR logic":
    /// `{"key_a":{"key_b":{"key_c":[4 values]}},"key_d":{"key_e":[3 values]}}` is 3×4×2×3 = 72).
    pub fn combinations(&self) -> u64 {
        self.combinations
    }

    /// `Ok(())` if a message with these attributes and body passes the policy; otherwise the
    /// reason, naming the key that did not match (shown to users on hover).
    ///
    /// Message-attribute scope: a policy with keys never matches a message without attributes
    /// ("Key matching": "An empty set of attributes results in the filter not matching");
    /// `Binary` attributes are ignored; `String.Array` (and the documented `Number.Array`)
    /// values match when any element matches.
    ///
    /// Message-body scope: the body must be a JSON object; nested keys are joined with `.`
    /// (so `{"a":{"b":…}}` and `{"a.b":…}` both reach the policy key `a.b`, as in Event Ruler);
    /// arrays match when any element matches, and keys that lie inside the same array of
    /// objects must match within one element of it.
    ///
    /// In both scopes `"exists": true` needs a non-null, non-empty value ("Key matching");
    /// `"exists": false` matches when there is none; `exists` only sees leaf values.
    pub fn check(&self, attributes: &MessageAttributes, body: &str) -> Result<(), String> {
        self.check_payload(attributes, &Payload::text(body))
    }

    /// [`FilterPolicy::check`] of a payload, read only by a message-body policy.
    pub fn check_payload(
        &self,
        attributes: &MessageAttributes,
        body: &Payload,
    ) -> Result<(), String> {
        if self.branches.is_empty() {
            return Ok(());
        }
        let facts = match self.scope {
            FilterPolicyScope::MessageAttributes => Facts::from_attributes(attributes)?,
            FilterPolicyScope::MessageBody => Facts::from_body(&body.as_str(), &self.paths)?,
        };
        let mut first_reason = None;
        for branch in &self.branches {
            match self.check_branch(branch, &facts) {
                Ok(()) => return Ok(()),
                Err(r) => {
                    if first_reason.is_none() {
                        first_reason = Some(r);
                    }
                }
            }
        }
        let reason = first_reason.unwrap_or_default();
        if self.branches.len() == 1 {
            Err(reason)
        } else {
            Err(format!(
                "none of the {} \"$or\" alternatives matched (first: {reason})",
                self.branches.len()
            ))
        }
    }

    fn check_branch(&self, branch: &OrdMap<String, usize>, facts: &Facts) -> Result<(), String> {
        let no_leaves: Vec<Leaf> = Vec::new();
        // For each key that needs a value: the leaves that satisfy it.
        let mut needed: Vec<(&str, Vec<&Leaf>)> = Vec::new();
        for (path, &ri) in branch {
            let Some(rule) = self.rules.get(ri) else {
                continue;
            };
            let leaves = facts.leaves.get(path).unwrap_or(&no_leaves);
            let present = leaves.iter().any(Leaf::counts_as_present);
            if !present && rule.conds.contains(&Cond::Exists(false)) {
                continue;
            }
            let hits: Vec<&Leaf> = leaves
                .iter()
                .filter(|l| rule.conds.iter().any(|c| c.matches(l)))
                .collect();
            if hits.is_empty() {
                return Err(facts.explain(rule, leaves, present));
            }
            needed.push((path.as_str(), hits));
        }
        if needed
            .iter()
            .all(|(_, hits)| hits.iter().all(|l| l.arrays.is_empty()))
        {
            return Ok(());
        }
        // Keys inside the same array must be satisfied by one element of it (Event Ruler's
        // array consistency). Try the keys with fewest candidates first.
        sort_small_by_key(&mut needed, |(_, hits)| hits.len());
        let mut chosen = Vec::with_capacity(needed.len());
        let mut steps = 0usize;
        match consistent_choice(&needed, &mut chosen, &mut steps) {
            Some(false) => {
                let keys: Vec<&str> = needed.iter().map(|(p, _)| *p).collect();
                Err(format!(
                    "{} match only in different elements of the same array",
                    keys.join(", ")
                ))
            }
            // Found, or the search budget ran out (then the array constraint is waived).
            _ => Ok(()),
        }
    }
}

/// Depth-first search for one leaf per key such that no two leaves sit in different elements of
/// the same array. `None` when the step budget is exhausted.
fn consistent_choice<'a>(
    needed: &[(&str, Vec<&'a Leaf>)],
    chosen: &mut Vec<&'a Leaf>,
    steps: &mut usize,
) -> Option<bool> {
    let Some((_, hits)) = needed.get(chosen.len()) else {
        return Some(true);
    };
    for &leaf in hits {
        *steps += 1;
        if *steps > ARRAY_SEARCH_STEPS_MAX {
            return None;
        }
        if chosen
            .iter()
            .all(|c| same_elements(&c.arrays, &leaf.arrays))
        {
            chosen.push(leaf);
            let found = consistent_choice(needed, chosen, steps);
            chosen.pop();
            if found != Some(false) {
                return found;
            }
        }
    }
    Some(false)
}

fn same_elements(a: &[(u32, u32)], b: &[(u32, u32)]) -> bool {
    a.iter()
        .all(|(id, ix)| b.iter().all(|(id2, ix2)| id != id2 || ix == ix2))
}

/// Renders a compile error as AWS does: Event Ruler's message, then Jackson's location.
fn located(src: &str, e: PErr) -> Invalid {
    match e {
        PErr::Plain(msg) => Invalid::Policy(msg),
        PErr::Located { msg, pos } => Invalid::Policy(format!("{msg}{}", location(src, pos))),
    }
}

/// `\n at [Source: (String)"…"; line: L, column: C]` for a byte position, as Jackson 2.x prints
/// it: columns count UTF-16 units from 1, the source is quoted up to 500 characters.
fn location(src: &str, pos: usize) -> String {
    let (mut line, mut col) = (1usize, 1usize);
    let mut chars = src.get(..pos).unwrap_or(src).chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                line += 1;
                col = 1;
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    line += 1;
                    col = 1;
                }
            }
            _ => col += c.len_utf16(),
        }
    }
    let total = src.chars().count();
    let snippet: String = src.chars().take(SOURCE_SNIPPET_MAX).collect();
    let truncated = if total > SOURCE_SNIPPET_MAX {
        format!("[truncated {} chars]", total - SOURCE_SNIPPET_MAX)
    } else {
        String::new()
    };
    format!("\n at [Source: (String)\"{snippet}\"{truncated}; line: {line}, column: {col}]")
}

mod compiler;
mod json;
mod lexer;
mod matching;
use compiler::*;
use json::*;
use lexer::*;
use matching::*;

#[cfg(test)]
mod tests {
    use super::*;

    /// `upper` is `str::to_uppercase` character by character, multi-character mappings
    /// (ß → SS, ﬁ → FI) and non-ASCII letters included.
    #[test]
    fn upper_is_to_uppercase() {
        for s in [
            "",
            "abc",
            "Straße",
            "ﬁne",
            "ΑΣ ας σ",
            "ǅungla",
            "İi",
            "ŉ",
            "mIxEd 123",
        ] {
            assert_eq!(upper(s).collect::<String>(), s.to_uppercase(), "{s}");
        }
        assert!(eq_ignore_case("STRASSE", "straße"));
        assert!(!eq_ignore_case("strase", "straße"));
    }
}
