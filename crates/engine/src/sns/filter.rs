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

// ---- the JSON token stream (Jackson's semantics, including where it stops) -------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    StartObject,
    EndObject,
    StartArray,
    EndArray,
    FieldName,
    Str,
    Num,
    True,
    False,
    Null,
    Eof,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CtxKind {
    Object,
    Array,
}

struct Ctx {
    kind: CtxKind,
    first: bool,
}

/// A pull tokenizer with Jackson's observable position: after a field name it has already read
/// the start of the value (a string only up to its opening quote); a string value's text is
/// read on demand (`text()`), which moves the position past its closing quote.
struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    stack: Vec<Ctx>,
    cur: Tok,
    pending: Option<Tok>,
    name: String,
    text: String,
    /// The current (or pending) string value has not been read past its opening quote.
    incomplete: bool,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            b: src.as_bytes(),
            pos: 0,
            stack: Vec::new(),
            cur: Tok::Eof,
            pending: None,
            name: String::new(),
            text: String::new(),
            incomplete: false,
        }
    }

    fn err<T>(&self, msg: impl Into<String>) -> PResult<T> {
        Err(PErr::Located {
            msg: msg.into(),
            pos: self.pos,
        })
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The character at the position (for error messages), and moves past it as Jackson does.
    fn unexpected<T>(&mut self, expecting: &str) -> PResult<T> {
        let c = self.src.get(self.pos..).and_then(|s| s.chars().next());
        match c {
            None => self.eof(),
            Some(c) => {
                self.pos += c.len_utf8();
                self.err(format!(
                    "Unexpected character ({}): {expecting}",
                    describe_char(c)
                ))
            }
        }
    }

    fn eof<T>(&self) -> PResult<T> {
        match self.stack.last() {
            Some(ctx) => self.err(format!(
                "Unexpected end-of-input: expected close marker for {}",
                if ctx.kind == CtxKind::Object {
                    "OBJECT"
                } else {
                    "ARRAY"
                }
            )),
            None => self.err("Unexpected end-of-input"),
        }
    }

    fn next_token(&mut self) -> PResult<Tok> {
        if let Some(t) = self.pending.take() {
            self.cur = t;
            return Ok(t);
        }
        if self.incomplete {
            self.finish_string()?;
        }
        self.skip_ws();
        let Some(&c) = self.b.get(self.pos) else {
            if self.stack.is_empty() {
                self.cur = Tok::Eof;
                return Ok(Tok::Eof);
            }
            return self.eof();
        };
        if c == b']' || c == b'}' {
            let want = if c == b']' {
                CtxKind::Array
            } else {
                CtxKind::Object
            };
            match self.stack.last() {
                Some(ctx) if ctx.kind == want => {
                    self.stack.pop();
                    self.pos += 1;
                    self.cur = if c == b']' {
                        Tok::EndArray
                    } else {
                        Tok::EndObject
                    };
                    return Ok(self.cur);
                }
                Some(ctx) => {
                    self.pos += 1;
                    let (exp, what) = if ctx.kind == CtxKind::Object {
                        ('}', "Object")
                    } else {
                        (']', "Array")
                    };
                    return self.err(format!(
                        "Unexpected close marker '{}': expected '{exp}' (for {what})",
                        c as char
                    ));
                }
                None => {
                    return self.unexpected(
                        "expected a valid value (number, String, array, object, 'true', 'false' or 'null')",
                    )
                }
            }
        }
        let kind = match self.stack.last_mut() {
            Some(ctx) => {
                let kind = ctx.kind;
                if ctx.first {
                    ctx.first = false;
                } else {
                    if c != b',' {
                        let what = if kind == CtxKind::Object {
                            "Object"
                        } else {
                            "Array"
                        };
                        return self.unexpected(&format!(
                            "was expecting comma to separate {what} entries"
                        ));
                    }
                    self.pos += 1;
                    self.skip_ws();
                }
                Some(kind)
            }
            None => None,
        };
        if kind == Some(CtxKind::Object) {
            match self.b.get(self.pos) {
                None => return self.eof(),
                Some(b'"') => {}
                Some(_) => {
                    return self.unexpected("was expecting double-quote to start field name")
                }
            }
            self.pos += 1;
            let name = self.read_string_body()?;
            self.skip_ws();
            match self.b.get(self.pos) {
                None => return self.eof(),
                Some(b':') => self.pos += 1,
                Some(_) => {
                    return self
                        .unexpected("was expecting a colon to separate field name and value")
                }
            }
            self.skip_ws();
            let t = self.value_start()?;
            self.name = name;
            self.pending = Some(t);
            self.cur = Tok::FieldName;
            return Ok(Tok::FieldName);
        }
        let t = self.value_start()?;
        self.cur = t;
        Ok(t)
    }

    fn push(&mut self, kind: CtxKind) -> PResult<()> {
        if self.stack.len() >= POLICY_NESTING_MAX {
            return self.err(format!(
                "Document nesting depth ({}) exceeds the maximum allowed ({POLICY_NESTING_MAX})",
                self.stack.len() + 1
            ));
        }
        self.stack.push(Ctx { kind, first: true });
        Ok(())
    }

    /// Reads the start of a value: brackets, literals and numbers whole, strings up to the
    /// opening quote.
    fn value_start(&mut self) -> PResult<Tok> {
        let Some(&c) = self.b.get(self.pos) else {
            return self.eof();
        };
        match c {
            b'"' => {
                self.pos += 1;
                self.incomplete = true;
                self.text.clear();
                Ok(Tok::Str)
            }
            b'[' => {
                self.pos += 1;
                self.push(CtxKind::Array)?;
                Ok(Tok::StartArray)
            }
            b'{' => {
                self.pos += 1;
                self.push(CtxKind::Object)?;
                Ok(Tok::StartObject)
            }
            b't' | b'f' | b'n' => {
                let start = self.pos;
                while let Some(c) = self.b.get(self.pos) {
                    if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$' {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                let word = self.src.get(start..self.pos).unwrap_or("");
                match word {
                    "true" => Ok(Tok::True),
                    "false" => Ok(Tok::False),
                    "null" => Ok(Tok::Null),
                    _ => self.err(format!(
                        "Unrecognized token '{word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
                    )),
                }
            }
            b'-' | b'0'..=b'9' => self.number(),
            _ => self.unexpected(
                "expected a valid value (number, String, array, object, 'true', 'false' or 'null')",
            ),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.b.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> PResult<Tok> {
        let start = self.pos;
        if self.b.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = self.digits();
        if n == 0 {
            return self.number_char_error("expected digit (0-9) to follow minus sign");
        }
        if n > 1 && self.b.get(int_start) == Some(&b'0') {
            return self.err("Invalid numeric value: Leading zeroes not allowed");
        }
        if self.b.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.number_char_error("Decimal point not followed by a digit");
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.b.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.number_char_error("Exponent indicator not followed by a digit");
            }
        }
        self.text = self.src.get(start..self.pos).unwrap_or("").to_string();
        Ok(Tok::Num)
    }

    fn number_char_error<T>(&mut self, what: &str) -> PResult<T> {
        match self.src.get(self.pos..).and_then(|s| s.chars().next()) {
            None => self.err(format!("Unexpected end-of-input in numeric value: {what}")),
            Some(c) => {
                self.pos += c.len_utf8();
                self.err(format!(
                    "Unexpected character ({}) in numeric value: {what}",
                    describe_char(c)
                ))
            }
        }
    }

    fn finish_string(&mut self) -> PResult<()> {
        self.incomplete = false;
        self.text = self.read_string_body()?;
        Ok(())
    }

    /// Reads a string's contents after its opening quote, up to and past the closing quote.
    fn read_string_body(&mut self) -> PResult<String> {
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(&c) = self.b.get(self.pos) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.src.get(run_start..self.pos).unwrap_or(""));
            let Some(&c) = self.b.get(self.pos) else {
                return self.err(
                    "Unexpected end-of-input: was expecting closing quote for a string value",
                );
            };
            self.pos += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = self.b.get(self.pos) else {
                        return self.err("Unexpected end-of-input in character escape sequence");
                    };
                    self.pos += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let ch = if (0xD800..0xDC00).contains(&hi)
                                && self.b.get(self.pos) == Some(&b'\\')
                                && self.b.get(self.pos + 1) == Some(&b'u')
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                                } else {
                                    None
                                }
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(ch.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            let ch = self
                                .src
                                .get(self.pos - 1..)
                                .and_then(|s| s.chars().next())
                                .unwrap_or('?');
                            self.pos += ch.len_utf8() - 1;
                            return self.err(format!(
                                "Unrecognized character escape {}",
                                describe_char(ch)
                            ));
                        }
                    }
                }
                _ => {
                    return self.err(format!(
                        "Illegal unquoted character ((CTRL-CHAR, code {c})): has to be escaped using backslash to be included in string value"
                    ))
                }
            }
        }
    }

    fn hex4(&mut self) -> PResult<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let Some(&c) = self.b.get(self.pos) else {
                return self.err("Unexpected end-of-input in character escape sequence");
            };
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return self.unexpected("expected a hex-digit for character escape sequence"),
            };
            self.pos += 1;
            v = v * 16 + u32::from(d);
        }
        Ok(v)
    }

    /// The text of the current token (Jackson's `getText`); reads a string value to its end.
    fn text(&mut self) -> PResult<String> {
        Ok(match self.cur {
            Tok::FieldName => self.name.clone(),
            Tok::Str => {
                if self.incomplete {
                    self.finish_string()?;
                }
                self.text.clone()
            }
            Tok::Num => self.text.clone(),
            Tok::True => "true".into(),
            Tok::False => "false".into(),
            Tok::Null => "null".into(),
            Tok::StartArray => "[".into(),
            Tok::EndArray => "]".into(),
            Tok::StartObject => "{".into(),
            Tok::EndObject => "}".into(),
            Tok::Eof => String::new(),
        })
    }
}

/// Jackson's `'x' (code 120)` rendering of a character.
fn describe_char(c: char) -> String {
    if c.is_control() {
        format!("(CTRL-CHAR, code {})", c as u32)
    } else {
        format!("'{c}' (code {})", c as u32)
    }
}

// ---- the policy as a JSON tree, and its compact form (Jackson's `JsonNode`) -----------------

/// A JSON value keeping object key order (first position, last value for repeated keys, as
/// Jackson's `ObjectNode` does) and number text.
enum Json {
    Obj(Vec<(String, Json)>),
    Arr(Vec<Json>),
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

/// Reads one JSON document (trailing content is ignored, as Jackson's `readTree` does).
fn read_document(src: &str) -> PResult<Option<Json>> {
    let mut lx = Lexer::new(src);
    let t = lx.next_token()?;
    if t == Tok::Eof {
        return Ok(None);
    }
    read_json(&mut lx, t).map(Some)
}

fn read_json(lx: &mut Lexer, t: Tok) -> PResult<Json> {
    Ok(match t {
        Tok::StartObject => {
            let mut fields: Vec<(String, Json)> = Vec::new();
            let mut index: OrdMap<String, usize> = OrdMap::new();
            loop {
                if lx.next_token()? == Tok::EndObject {
                    break;
                }
                let name = lx.name.clone();
                let vt = lx.next_token()?;
                let value = read_json(lx, vt)?;
                match index.get(&name) {
                    Some(&i) => {
                        if let Some(slot) = fields.get_mut(i) {
                            slot.1 = value;
                        }
                    }
                    None => {
                        index.insert(name.clone(), fields.len());
                        fields.push((name, value));
                    }
                }
            }
            Json::Obj(fields)
        }
        Tok::StartArray => {
            let mut items = Vec::new();
            loop {
                let t = lx.next_token()?;
                if t == Tok::EndArray {
                    break;
                }
                items.push(read_json(lx, t)?);
            }
            Json::Arr(items)
        }
        Tok::Str => Json::Str(lx.text()?),
        Tok::Num => Json::Num(lx.text.clone()),
        Tok::True => Json::Bool(true),
        Tok::False => Json::Bool(false),
        Tok::Null => Json::Null,
        // The lexer never yields these where a value starts.
        Tok::EndObject | Tok::EndArray | Tok::FieldName | Tok::Eof => {
            return lx.err("Unexpected token")
        }
    })
}

impl Json {
    /// Jackson's compact `toString()`.
    fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_jackson_string(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
            Json::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Str(s) => write_jackson_string(s, out),
            Json::Num(text) => out.push_str(&jackson_number(text)),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Null => out.push_str("null"),
        }
    }
}

/// Jackson's string escaping: `\"`, `\\`, the short escapes for `\b \t \n \f \r`, `\u00XX` for
/// other control characters; everything else as is.
fn write_jackson_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// How Jackson prints a number it read into a tree: integers as integers (`-0` as `0`),
/// anything with a fraction or exponent as a Java `double` (`3.015e2` → `301.5`, `1e2` →
/// `100.0`, `1e10` → `1.0E10`).
fn jackson_number(text: &str) -> String {
    if !text.contains(['.', 'e', 'E']) {
        return if text.trim_start_matches('-').bytes().all(|b| b == b'0') {
            "0".into()
        } else {
            text.into()
        };
    }
    let d = parse_f64(text);
    if !d.is_finite() {
        // Jackson quotes non-finite doubles by default.
        return if d.is_nan() {
            "\"NaN\"".into()
        } else if d > 0.0 {
            "\"Infinity\"".into()
        } else {
            "\"-Infinity\"".into()
        };
    }
    java_double(d)
}

/// Java's `Double.toString`.
fn java_double(d: f64) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sign = if d < 0.0 { "-" } else { "" };
    let sci = format!("{:e}", d.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let a = d.abs();
    if (1e-3..1e7).contains(&a) {
        if exp >= 0 {
            let int_len = (exp + 1) as usize;
            let mut int_part: String = digits.chars().take(int_len).collect();
            while int_part.len() < int_len {
                int_part.push('0');
            }
            let frac: String = digits.chars().skip(int_len).collect();
            let frac = if frac.is_empty() {
                "0".to_string()
            } else {
                frac
            };
            format!("{sign}{int_part}.{frac}")
        } else {
            let zeros = "0".repeat((-exp - 1) as usize);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exp}")
    }
}

// ---- the compiler (a port of Event Ruler's JsonRuleCompiler) --------------------------------

struct Compiled {
    rules: Vec<Rule>,
    branches: Vec<OrdMap<String, usize>>,
    top_level_keys: usize,
    nested: bool,
    combinations: u64,
}

type Branch = OrdMap<String, usize>;

struct Compiler<'a> {
    lx: Lexer<'a>,
    /// Whether `"$or"` is the OR operator (false: Event Ruler's legacy compiler).
    or_enabled: bool,
    saw_or: bool,
    rules: Vec<Rule>,
    nested: bool,
    /// More `"$or"` branches than the combination limit allows were produced; the policy
    /// will be refused as too complex, so the surplus is not kept.
    overflow: bool,
}

impl<'a> Compiler<'a> {
    /// Compiles a policy; on error also says whether a `"$or"` key was met (so the legacy
    /// compiler should be tried).
    fn run(src: &'a str, or_enabled: bool) -> Result<Compiled, (PErr, bool)> {
        let mut c = Compiler {
            lx: Lexer::new(src),
            or_enabled,
            saw_or: false,
            rules: Vec::new(),
            nested: false,
            overflow: false,
        };
        let result = c.top();
        result.map_err(|e| (e, c.saw_or))
    }

    fn barf<T>(&self, msg: impl Into<String>) -> PResult<T> {
        self.lx.err(msg)
    }

    fn next(&mut self) -> PResult<Tok> {
        self.lx.next_token()
    }

    fn top(&mut self) -> PResult<Compiled> {
        if self.next()? != Tok::StartObject {
            return self.barf("Filter is not an object");
        }
        let mut branches: Vec<Branch> = Vec::new();
        let mut keys = Paths::new();
        let combinations = self.object(&mut branches, "", 1, 1, false, Some(&mut keys))?;
        let combinations = if self.overflow {
            FILTER_POLICY_COMBINATIONS_MAX + 1
        } else {
            combinations
        };
        Ok(Compiled {
            rules: std::mem::take(&mut self.rules),
            branches,
            top_level_keys: keys.len(),
            nested: self.nested,
            combinations,
        })
    }

    /// `parseObject` / `parseObjectInsideOrRelationship`; returns the combination count after
    /// this object (`combos` is the count before it). `top_keys` is set only for the policy's
    /// own object, whose emptiness means "no policy".
    fn object(
        &mut self,
        branches: &mut Vec<Branch>,
        path: &str,
        depth: u64,
        mut combos: u64,
        in_or: bool,
        mut top_keys: Option<&mut Paths>,
    ) -> PResult<u64> {
        let mut fields = false;
        loop {
            if self.next()? == Tok::EndObject {
                break;
            }
            fields = true;
            let name = self.lx.name.clone();
            if let Some(keys) = top_keys.as_deref_mut() {
                keys.insert(name.clone(), ());
            }
            if name == OR_KEYWORD {
                self.saw_or = true;
                if self.or_enabled {
                    combos = self.or(branches, path, depth, combos)?;
                    continue;
                }
            }
            if in_or && RESERVED_IN_OR.contains(&name.as_str()) {
                return self.barf(format!(
                    "{name} is Ruler reserved fieldName which cannot be used inside $or."
                ));
            }
            let full = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            match self.next()? {
                Tok::StartObject => {
                    self.nested = true;
                    combos = self.object(branches, &full, depth + 1, combos, in_or, None)?;
                }
                Tok::StartArray => {
                    let n = self.rule(branches, full)?;
                    combos = combos.saturating_mul(n).saturating_mul(depth);
                }
                _ => return self.barf(format!("\"{name}\" must be an object or an array")),
            }
        }
        if !fields && top_keys.is_none() {
            return self.barf("Empty objects are not allowed");
        }
        Ok(combos)
    }

    /// `parseIntoOrRelationship`: each object of the array forks the branches so far.
    fn or(
        &mut self,
        branches: &mut Vec<Branch>,
        path: &str,
        depth: u64,
        combos: u64,
    ) -> PResult<u64> {
        let current = std::mem::take(branches);
        if self.next()? != Tok::StartArray {
            return self.barf("It must be an Array followed with $or.");
        }
        let mut count = 0;
        let mut sum = 0u64;
        loop {
            match self.next()? {
                Tok::EndArray => break,
                Tok::StartObject => {
                    count += 1;
                    let mut forked = current.clone();
                    if forked.is_empty() {
                        forked.push(Branch::new());
                    }
                    let c = self.object(&mut forked, path, depth, combos, true, None)?;
                    sum = sum.saturating_add(c);
                    let room = (FILTER_POLICY_COMBINATIONS_MAX as usize + 1)
                        .saturating_sub(branches.len());
                    if forked.len() > room {
                        self.overflow = true;
                        forked.truncate(room);
                    }
                    branches.extend(forked);
                }
                _ => return self.barf("Only JSON object is allowed in array of $or relationship."),
            }
        }
        if count < 2 {
            return self.barf("There must have at least 2 Objects in $or relationship.");
        }
        Ok(sum)
    }

    /// `writeRules`: a key's array of values and match expressions. Returns its length.
    fn rule(&mut self, branches: &mut Vec<Branch>, path: String) -> PResult<u64> {
        let start = self.lx.pos.saturating_sub(1);
        let mut conds = Vec::new();
        loop {
            let cond = match self.next()? {
                Tok::EndArray => break,
                Tok::StartObject => self.match_expression()?,
                Tok::Str => {
                    let s = self.lx.text()?;
                    let ip = ip_literal(&s).map(|(v6, a)| IpNet { v6, lo: a, hi: a });
                    Cond::ExactStr { s, ip }
                }
                Tok::Num => Cond::ExactNum(parse_f64(&self.lx.text)),
                Tok::True => Cond::ExactBool(true),
                Tok::False => Cond::ExactBool(false),
                Tok::Null => Cond::ExactNull,
                _ => return self.barf("Match value must be String, number, true, false, or null"),
            };
            conds.push(cond);
        }
        if conds.is_empty() {
            return self.barf("Empty arrays are not allowed");
        }
        // The source is already compact JSON (see `FilterPolicy::validate`).
        let display = self
            .lx
            .src
            .get(start..self.lx.pos)
            .unwrap_or("")
            .to_string();
        let n = conds.len() as u64;
        let index = self.rules.len();
        self.rules.push(Rule {
            path: path.clone(),
            conds,
            display,
        });
        if branches.is_empty() {
            branches.push(Branch::new());
        }
        for b in branches.iter_mut() {
            b.insert(path.clone(), index);
        }
        Ok(n)
    }

    fn expect_end_object(&mut self, msg: &str) -> PResult<()> {
        if self.next()? != Tok::EndObject {
            return self.barf(msg);
        }
        Ok(())
    }

    /// A string-valued operand, or `msg` as the error.
    fn string_operand(&mut self, msg: &str) -> PResult<String> {
        if self.next()? != Tok::Str {
            return self.barf(msg);
        }
        self.lx.text()
    }

    /// `processMatchExpression`: `{"prefix": …}`, `{"numeric": […]}`, … (after its `{`).
    fn match_expression(&mut self) -> PResult<Cond> {
        if self.next()? != Tok::FieldName {
            return self.barf("Match expression name not found");
        }
        let op = self.lx.name.clone();
        let cond = match op.as_str() {
            "exactly" => {
                let s = self.string_operand("exact match pattern must be a string")?;
                Cond::ExactStr { s, ip: None }
            }
            "prefix" | "suffix" => {
                let prefix = op == "prefix";
                let t = self.next()?;
                if t == Tok::StartObject {
                    return self.affix_ignore_case(prefix);
                }
                if t != Tok::Str {
                    return self.barf(format!("{op} match pattern must be a string"));
                }
                let s = self.lx.text()?;
                if prefix {
                    Cond::Prefix(s)
                } else {
                    Cond::Suffix(s)
                }
            }
            "numeric" => {
                if self.next()? != Tok::StartArray {
                    return self.barf("Value of numeric must be an array.");
                }
                let range = self.numeric()?;
                if self.next()? != Tok::EndObject {
                    return self.barf(TOO_MANY_ELEMENTS);
                }
                return Ok(Cond::Numeric(range));
            }
            "anything-but" => return self.anything_but(),
            "exists" => {
                let b = match self.next()? {
                    Tok::True => true,
                    Tok::False => false,
                    _ => return self.barf("exists match pattern must be either true or false."),
                };
                Cond::Exists(b)
            }
            "cidr" => {
                let s = self.string_operand("prefix match pattern must be a string")?;
                Cond::Cidr(parse_cidr(&s).map_err(PErr::Plain)?)
            }
            "equals-ignore-case" => {
                let s = self.string_operand("equals-ignore-case match pattern must be a string")?;
                Cond::EqualsIgnoreCase(s)
            }
            "wildcard" => {
                let s = self.string_operand("wildcard match pattern must be a string")?;
                match Wildcard::parse(&s) {
                    Ok(w) => Cond::Wildcard(w),
                    Err(m) => return self.barf(m),
                }
            }
            _ => return self.barf(format!("Unrecognized match type {op}")),
        };
        self.expect_end_object(ONE_KEY)?;
        Ok(cond)
    }

    /// `{"prefix": {"equals-ignore-case": …}}` and the suffix form.
    fn affix_ignore_case(&mut self, prefix: bool) -> PResult<Cond> {
        let which = if prefix { "Prefix" } else { "Suffix" };
        if self.next()? != Tok::FieldName {
            return self.barf(format!("{which} expression name not found"));
        }
        let op = self.lx.name.clone();
        if op != "equals-ignore-case" {
            return self.barf(format!(
                "Unsupported {} pattern: {op}",
                which.to_ascii_lowercase()
            ));
        }
        let s = self.string_operand("equals-ignore-case match pattern must be a string")?;
        self.expect_end_object(ONE_KEY)?;
        self.expect_end_object(ONE_KEY)?;
        Ok(if prefix {
            Cond::PrefixIgnoreCase(s)
        } else {
            Cond::SuffixIgnoreCase(s)
        })
    }

    /// `processNumericMatchExpression` (after the `[`).
    fn numeric(&mut self) -> PResult<NumRange> {
        if self.next()? != Tok::Str {
            let t = self.lx.text()?;
            return self.barf(format!("Invalid member in numeric match: {t}"));
        }
        let op = self.lx.text()?;
        let t = self.next()?;
        let label = if op == "=" { "equals" } else { op.as_str() };
        if !matches!(op.as_str(), "=" | ">=" | ">" | "<=" | "<") {
            return self.barf(format!("Unrecognized numeric range operator: {op}"));
        }
        if t != Tok::Num {
            return self.barf(format!("Value of {label} must be numeric"));
        }
        let v = self.lx.text.clone();
        match op.as_str() {
            ">=" | ">" => {
                let inclusive = op == ">=";
                let t = self.next()?;
                if t == Tok::EndArray {
                    let lo = self.sns_number(&v)?;
                    return Ok(NumRange {
                        lower: Some((lo, inclusive)),
                        upper: None,
                    });
                }
                self.numeric_range(t, &v, inclusive)
            }
            _ => {
                if self.next()? != Tok::EndArray {
                    return self.barf(TOO_MANY_ELEMENTS);
                }
                let x = self.sns_number(&v)?;
                Ok(match op.as_str() {
                    "=" => NumRange {
                        lower: Some((x, true)),
                        upper: Some((x, true)),
                    },
                    _ => NumRange {
                        lower: None,
                        upper: Some((x, op == "<=")),
                    },
                })
            }
        }
    }

    /// `completeNumericRange`: the `"<", top` half after `">", bottom`.
    fn numeric_range(&mut self, t: Tok, bottom: &str, bottom_incl: bool) -> PResult<NumRange> {
        if t != Tok::Str {
            let text = self.lx.text()?;
            return self.barf(format!("Bad value in numeric range: {text}"));
        }
        let op = self.lx.text()?;
        if op != "<" && op != "<=" {
            return self.barf(format!("Bad numeric range operator: {op}"));
        }
        if self.next()? != Tok::Num {
            return self.barf(format!("Value of {op} must be numeric"));
        }
        let top = self.lx.text.clone();
        if self.next()? != Tok::EndArray {
            return self.barf("Too many terms in numeric range expression");
        }
        let lo = self.sns_number(bottom)?;
        let hi = self.sns_number(&top)?;
        if lo >= hi {
            return self.barf("Bottom must be less than top");
        }
        Ok(NumRange {
            lower: Some((lo, bottom_incl)),
            upper: Some((hi, op == "<=")),
        })
    }

    /// A numeric operand within SNS's documented range and accuracy.
    fn sns_number(&self, text: &str) -> PResult<f64> {
        let v = parse_f64(text);
        if v.is_nan() || v.abs() > NUMERIC_ABS_MAX || decimal_places(text) > NUMERIC_DECIMALS_MAX {
            return self.barf(format!("{NUMERIC_OUT_OF_RANGE}: {text}"));
        }
        Ok(v)
    }

    /// `anything-but` with a value, a list, or `{"prefix"|"suffix"|"equals-ignore-case"|
    /// "wildcard": value-or-list}`.
    fn anything_but(&mut self) -> PResult<Cond> {
        let mut kind: Option<&'static str> = None;
        let mut t = self.next()?;
        if t == Tok::StartObject {
            if self.next()? != Tok::FieldName {
                return self.barf("Anything-But expression name not found");
            }
            let op = self.lx.name.clone();
            kind = Some(match op.as_str() {
                "equals-ignore-case" => "equals-ignore-case",
                "prefix" => "prefix",
                "suffix" => "suffix",
                "wildcard" => "wildcard",
                _ => return self.barf(format!("Unsupported anything-but pattern: {op}")),
            });
            t = self.next()?;
        }
        if !matches!(t, Tok::StartArray | Tok::Str | Tok::Num) {
            return self
                .barf("Value of anything-but must be an array or single string/number value.");
        }
        let cond = match (kind, t) {
            (None, Tok::StartArray) => self.anything_but_list()?,
            (None, Tok::Str) => AnythingBut::Strings(vec![self.lx.text()?]),
            (None, _) => {
                // Event Ruler lets this number error escape unlocated.
                let v = self.lx.text.clone();
                let n = self.sns_number(&v).map_err(|e| match e {
                    PErr::Located { msg, .. } => PErr::Plain(msg),
                    p => p,
                })?;
                AnythingBut::Numbers(vec![n])
            }
            (Some(k), Tok::StartArray) => {
                let values = self.anything_but_set_list(k)?;
                self.anything_but_set(k, values)?
            }
            (Some(k), Tok::Str) => {
                let s = self.lx.text()?;
                if (k == "prefix" || k == "suffix") && s.is_empty() {
                    return self.barf("Null prefix/suffix not allowed");
                }
                self.anything_but_set(k, vec![s])?
            }
            (Some(k), _) => return self.barf(set_type_error(k)),
        };
        if self.next()? != Tok::EndObject {
            return self.barf(TOO_MANY_ELEMENTS);
        }
        if kind.is_some() && self.next()? != Tok::EndObject {
            return self.barf(TOO_MANY_ELEMENTS);
        }
        Ok(Cond::AnythingBut(cond))
    }

    /// Event Ruler re-raises errors from inside an anything-but list with the message that
    /// already carries a location, so AWS's text holds the location twice.
    fn relocate(&self, e: PErr) -> PErr {
        match e {
            PErr::Located { msg, pos } => PErr::Located {
                msg: format!("{msg}{}", location(self.lx.src, pos)),
                pos: self.lx.pos,
            },
            plain => plain,
        }
    }

    /// `processAnythingButListMatchExpression`: all strings or all numbers.
    fn anything_but_list(&mut self) -> PResult<AnythingBut> {
        let mut strings = Vec::new();
        let mut numbers = Vec::new();
        loop {
            let step: PResult<bool> = (|| {
                match self.next()? {
                    Tok::EndArray => return Ok(false),
                    Tok::Str => strings.push(self.lx.text()?),
                    Tok::Num => {
                        let v = self.lx.text.clone();
                        numbers.push(self.sns_number(&v).map_err(|e| match e {
                            // A number error is an IllegalArgumentException there: one location.
                            PErr::Located { msg, .. } => PErr::Plain(msg),
                            p => p,
                        })?);
                    }
                    _ => {
                        return self
                            .barf("Inside anything but list, start|null|boolean is not supported.")
                    }
                }
                Ok(true)
            })();
            match step {
                Ok(true) => {}
                Ok(false) => break,
                Err(PErr::Plain(msg)) => return self.barf(msg),
                Err(e) => return Err(self.relocate(e)),
            }
        }
        if strings.is_empty() == numbers.is_empty() {
            return self.barf(
                "Inside anything but list, either all values are number or string, mixed type is not supported",
            );
        }
        Ok(if numbers.is_empty() {
            AnythingBut::Strings(strings)
        } else {
            AnythingBut::Numbers(numbers)
        })
    }

    /// `processAnythingButValuesSetMatchExpression`'s list reading.
    fn anything_but_set_list(&mut self, kind: &str) -> PResult<Vec<String>> {
        let mut values = Vec::new();
        loop {
            let step: PResult<bool> = (|| {
                match self.next()? {
                    Tok::EndArray => return Ok(false),
                    Tok::Str => {
                        let s = self.lx.text()?;
                        if (kind == "prefix" || kind == "suffix") && s.is_empty() {
                            return self.barf("Null prefix/suffix not allowed");
                        }
                        values.push(s);
                    }
                    _ => return self.barf(set_type_error(kind)),
                }
                Ok(true)
            })();
            match step {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(self.relocate(e)),
            }
        }
        Ok(values)
    }

    fn anything_but_set(&self, kind: &str, values: Vec<String>) -> PResult<AnythingBut> {
        Ok(match kind {
            "prefix" => AnythingBut::Prefixes(values),
            "suffix" => AnythingBut::Suffixes(values),
            "equals-ignore-case" => AnythingBut::IgnoreCase(values),
            _ => {
                let mut patterns = Vec::with_capacity(values.len());
                for v in &values {
                    match Wildcard::parse(v) {
                        Ok(w) => patterns.push(w),
                        Err(m) => return self.barf(m),
                    }
                }
                AnythingBut::Wildcards(patterns)
            }
        })
    }
}

fn set_type_error(kind: &str) -> &'static str {
    match kind {
        "equals-ignore-case" => {
            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
        }
        "wildcard" => "wildcard match pattern must be a string",
        _ => "prefix/suffix match pattern must be a string",
    }
}

fn parse_f64(text: &str) -> f64 {
    text.parse::<f64>().unwrap_or(f64::NAN)
}

/// Digits after the decimal point of a JSON number, once trailing zeros and the exponent are
/// accounted for (`3.015e2` has 1, `1e-6` has 6).
fn decimal_places(text: &str) -> u32 {
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (text, 0),
    };
    let frac = mantissa
        .split_once('.')
        .map(|(_, f)| f.trim_end_matches('0').len() as i64)
        .unwrap_or(0);
    (frac - exp).clamp(0, i64::from(u32::MAX)) as u32
}

// ---- IP addresses (Event Ruler's CIDR class) --------------------------------------------------

/// Parses an IP literal the way Event Ruler recognises one: only text shaped like
/// `d.d.d.d` or made of hex digits and colons is tried. `(is_v6, address)`.
fn ip_literal(s: &str) -> Option<(bool, u128)> {
    ip_bytes(s).ok()
}

fn looks_v4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn looks_v6(s: &str) -> bool {
    s.contains(':') && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
}

fn ip_bytes(s: &str) -> Result<(bool, u128), String> {
    if looks_v4(s) {
        return s
            .parse::<Ipv4Addr>()
            .map(|a| (false, u128::from(u32::from(a))))
            .map_err(|_| format!("Invalid IP address: {s}"));
    }
    if looks_v6(s) {
        return s
            .parse::<Ipv6Addr>()
            .map(|a| (true, u128::from(a)))
            .map_err(|_| format!("Invalid IP address: {s}"));
    }
    Err(format!("Nonstandard IP address: {s}"))
}

/// `CIDR.cidr`: errors are plain (AWS shows them without a parser location).
fn parse_cidr(s: &str) -> Result<IpNet, String> {
    // Java's String.split drops trailing empty pieces.
    let mut parts: Vec<&str> = s.split('/').collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() != 2 {
        return Err("Malformed CIDR, one '/' required".into());
    }
    let mask = parse_java_int(parts[1])
        .ok_or_else(|| "Malformed CIDR, mask bits must be an integer".to_string())?;
    if mask < 0 {
        return Err("Malformed CIDR, mask bits must not be negative".into());
    }
    let (v6, addr) = ip_bytes(parts[0])?;
    let bits: u32 = if v6 { 128 } else { 32 };
    if !v6 && mask > 31 {
        return Err("IPv4 mask bits must be < 32".into());
    }
    if v6 && mask > 127 {
        return Err("IPv6 mask bits must be < 128".into());
    }
    let host_bits = bits - mask as u32;
    let host_mask: u128 = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    Ok(IpNet {
        v6,
        lo: addr & !host_mask,
        hi: addr | host_mask,
    })
}

/// Java's `Integer.parseInt`: optional sign, decimal digits, 32-bit range.
fn parse_java_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = s.parse().ok()?;
    (i64::from(i32::MIN)..=i64::from(i32::MAX))
        .contains(&v)
        .then_some(v)
}

// ---- wildcard patterns -------------------------------------------------------------------------

impl Wildcard {
    /// Event Ruler's `WildcardParser`: `*` matches any run of characters, `\*` and `\\` are a
    /// literal `*` and `\`; `**` and any other escape are errors. Positions count UTF-8 bytes
    /// of the value in quotes, as Event Ruler reports them.
    fn parse(s: &str) -> Result<Wildcard, String> {
        let b = s.as_bytes();
        let mut parts = vec![String::new()];
        let mut i = 0;
        let mut run = 0;
        while i < b.len() {
            match b[i] {
                b'*' => {
                    if b.get(i + 1) == Some(&b'*') {
                        return Err(format!("Consecutive wildcard characters at pos {}", i + 1));
                    }
                    flush(&mut parts, s, run, i);
                    parts.push(String::new());
                    i += 1;
                    run = i;
                }
                b'\\' => {
                    if let Some(&n @ (b'*' | b'\\')) = b.get(i + 1) {
                        flush(&mut parts, s, run, i);
                        if let Some(last) = parts.last_mut() {
                            last.push(n as char);
                        }
                        i += 2;
                        run = i;
                    } else {
                        return Err(format!("Invalid escape character at pos {}", i + 1));
                    }
                }
                _ => i += 1,
            }
        }
        flush(&mut parts, s, run, b.len());
        return Ok(Wildcard { parts });

        fn flush(parts: &mut [String], s: &str, from: usize, to: usize) {
            if let Some(last) = parts.last_mut() {
                last.push_str(s.get(from..to).unwrap_or(""));
            }
        }
    }

    fn matches(&self, v: &str) -> bool {
        let Some((first, rest)) = self.parts.split_first() else {
            return v.is_empty();
        };
        let Some((last, middle)) = rest.split_last() else {
            return v == first;
        };
        let Some(mut v) = v.strip_prefix(first.as_str()) else {
            return false;
        };
        for part in middle {
            match v.find(part.as_str()) {
                Some(i) => v = &v[i + part.len()..],
                None => return false,
            }
        }
        v.len() >= last.len() && v.ends_with(last.as_str())
    }
}

// ---- matching ------------------------------------------------------------------------------

/// A scalar value from the message.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// One value reachable under a key path, with the arrays it sits in: `(array id, element)`.
#[derive(Debug)]
struct Leaf {
    val: Val,
    arrays: Vec<(u32, u32)>,
}

impl Leaf {
    fn counts_as_present(&self) -> bool {
        self.val != Val::Null
    }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    // `str::to_uppercase` maps each character on its own (no context rule, unlike the final
    // sigma of `to_lowercase`), so comparing the mapped characters is the same test, without
    // the two Strings and without linking `str::to_uppercase` (3.5 KB of wasm).
    a == b || lower(a) == lower(b) || upper(a).eq(upper(b))
}

fn upper(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_uppercase)
}

impl IpNet {
    fn contains_str(&self, s: &str) -> bool {
        matches!(ip_literal(s), Some((v6, a)) if v6 == self.v6 && self.lo <= a && a <= self.hi)
    }
}

impl NumRange {
    fn contains(&self, x: f64) -> bool {
        let lo_ok = match self.lower {
            Some((b, true)) => x >= b,
            Some((b, false)) => x > b,
            None => true,
        };
        let hi_ok = match self.upper {
            Some((b, true)) => x <= b,
            Some((b, false)) => x < b,
            None => true,
        };
        lo_ok && hi_ok
    }
}

impl AnythingBut {
    /// Anything-but matches any present value the excluded patterns do not match; values of
    /// another type than the patterns' (a number against strings) are "anything but" them too,
    /// except that a numeric anything-but only accepts numbers.
    fn matches(&self, v: &Val) -> bool {
        let s = match v {
            Val::Str(s) => Some(s.as_str()),
            _ => None,
        };
        match self {
            AnythingBut::Numbers(ns) => matches!(v, Val::Num(x) if !ns.contains(x)),
            AnythingBut::Strings(ss) => s.is_none_or(|s| !ss.iter().any(|x| x == s)),
            AnythingBut::Prefixes(ps) => s.is_none_or(|s| !ps.iter().any(|p| s.starts_with(p))),
            AnythingBut::Suffixes(ps) => s.is_none_or(|s| !ps.iter().any(|p| s.ends_with(p))),
            AnythingBut::IgnoreCase(ps) => {
                s.is_none_or(|s| !ps.iter().any(|p| eq_ignore_case(p, s)))
            }
            AnythingBut::Wildcards(ws) => s.is_none_or(|s| !ws.iter().any(|w| w.matches(s))),
        }
    }
}

impl Cond {
    /// Whether this condition accepts one message value (`exists` is decided per key, but
    /// `exists: true` also accepts any present value so it can pick a leaf).
    fn matches(&self, leaf: &Leaf) -> bool {
        let v = &leaf.val;
        let s = match v {
            Val::Str(s) => Some(s.as_str()),
            _ => None,
        };
        match self {
            Cond::ExactStr { s: want, ip } => match s {
                Some(s) => s == want || ip.is_some_and(|ip| ip.contains_str(s)),
                None => false,
            },
            Cond::ExactNum(n) => matches!(v, Val::Num(x) if x == n),
            Cond::ExactBool(b) => matches!(v, Val::Bool(x) if x == b),
            Cond::ExactNull => *v == Val::Null,
            Cond::Prefix(p) => s.is_some_and(|s| s.starts_with(p.as_str())),
            Cond::Suffix(p) => s.is_some_and(|s| s.ends_with(p.as_str())),
            Cond::EqualsIgnoreCase(p) => s.is_some_and(|s| eq_ignore_case(p, s)),
            Cond::PrefixIgnoreCase(p) => s.is_some_and(|s| lower(s).starts_with(&lower(p))),
            Cond::SuffixIgnoreCase(p) => s.is_some_and(|s| lower(s).ends_with(&lower(p))),
            Cond::Wildcard(w) => s.is_some_and(|s| w.matches(s)),
            Cond::AnythingBut(a) => a.matches(v),
            Cond::Numeric(r) => matches!(v, Val::Num(x) if r.contains(*x)),
            Cond::Cidr(net) => s.is_some_and(|s| net.contains_str(s)),
            Cond::Exists(true) => leaf.counts_as_present(),
            Cond::Exists(false) => false,
        }
    }

    fn is_exact(&self) -> bool {
        matches!(
            self,
            Cond::ExactStr { .. } | Cond::ExactNum(_) | Cond::ExactBool(_) | Cond::ExactNull
        )
    }
}

/// What a message offers to a policy: values by key path, and how to show them.
struct Facts {
    leaves: OrdMap<String, Vec<Leaf>>,
    shown: BTreeMap<String, String>,
    body: bool,
}

impl Facts {
    fn from_attributes(attributes: &MessageAttributes) -> Result<Facts, String> {
        if attributes.is_empty() {
            return Err("the message has no attributes, so no filter policy matches it".into());
        }
        let mut leaves = OrdMap::new();
        let mut shown = BTreeMap::new();
        for (name, attr) in attributes {
            if let Some((values, display)) = attribute_values(attr) {
                leaves.insert(name.clone(), values);
                shown.insert(name.clone(), display);
            }
        }
        Ok(Facts {
            leaves,
            shown,
            body: false,
        })
    }

    fn from_body(body: &str, paths: &Paths) -> Result<Facts, String> {
        let value: Value = serde_json::from_str(body).map_err(|_| {
            "the message body is not JSON, so a body filter policy never matches it"
        })?;
        if !value.is_object() {
            return Err("the message body is not a JSON object".into());
        }
        let mut leaves = OrdMap::new();
        let mut next_array = 0u32;
        flatten(
            &value,
            "",
            paths,
            &mut Vec::new(),
            &mut next_array,
            &mut leaves,
        );
        let shown = btree_map_from(leaves.iter().map(|(k, ls): (&String, &Vec<Leaf>)| {
            let vals: Vec<Value> = ls.iter().map(|l| val_to_json(&l.val)).collect();
            let text = match vals.as_slice() {
                [one] => one.to_string(),
                _ => Value::Array(vals).to_string(),
            };
            (k.clone(), text)
        }));
        Ok(Facts {
            leaves,
            shown,
            body: true,
        })
    }

    /// Why a key did not match: `store: "example_corp" is not one of ["other"]`.
    fn explain(&self, rule: &Rule, leaves: &[Leaf], present: bool) -> String {
        let key = &rule.path;
        let Some(shown) = self.shown.get(key) else {
            return if self.body {
                format!("{key}: missing from the message body")
            } else {
                format!("{key}: attribute missing")
            };
        };
        if present && rule.conds.iter().all(|c| *c == Cond::Exists(false)) {
            return format!("{key}: {shown} is present, but the policy requires it to be absent");
        }
        let verb = if !leaves.is_empty() && rule.conds.iter().all(Cond::is_exact) {
            "is not one of"
        } else {
            "does not match"
        };
        format!("{key}: {shown} {verb} {}", rule.display)
    }
}

/// An attribute's values for matching and its display, or `None` when filtering ignores it.
fn attribute_values(attr: &MessageAttributeValue) -> Option<(Vec<Leaf>, String)> {
    let raw = attr.string_value.clone().unwrap_or_default();
    let leaf = |val| Leaf {
        val,
        arrays: Vec::new(),
    };
    let base = attr.data_type.split('.').next().unwrap_or("");
    let is_array = attr.data_type == "String.Array" || attr.data_type == "Number.Array";
    if is_array {
        let values = match serde_json::from_str::<Value>(&raw) {
            Ok(Value::Array(items)) => items.iter().filter_map(json_scalar).map(leaf).collect(),
            _ => Vec::new(),
        };
        return Some((values, raw));
    }
    match base {
        "String" => {
            let shown = Value::String(raw.clone()).to_string();
            Some((vec![leaf(Val::Str(raw))], shown))
        }
        "Number" => {
            let val = match raw.trim().parse::<f64>() {
                Ok(x) if x.is_finite() => Val::Num(x),
                _ => Val::Str(raw.clone()),
            };
            Some((vec![leaf(val)], raw))
        }
        _ => None,
    }
}

fn json_scalar(v: &Value) -> Option<Val> {
    Some(match v {
        Value::String(s) => Val::Str(s.clone()),
        Value::Number(n) => Val::Num(n.as_f64()?),
        Value::Bool(b) => Val::Bool(*b),
        Value::Null => Val::Null,
        _ => return None,
    })
}

fn val_to_json(v: &Val) -> Value {
    match v {
        Val::Str(s) => Value::String(s.clone()),
        Val::Num(x) => serde_json::Number::from_f64(*x)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Val::Bool(b) => Value::Bool(*b),
        Val::Null => Value::Null,
    }
}

/// Flattens the parts of a JSON body that some policy path starts with into dotted paths.
fn flatten(
    node: &Value,
    path: &str,
    paths: &Paths,
    arrays: &mut Vec<(u32, u32)>,
    next_array: &mut u32,
    out: &mut OrdMap<String, Vec<Leaf>>,
) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let relevant = paths
                    .range(p.clone()..)
                    .next()
                    .is_some_and(|(q, _)| q.starts_with(p.as_str()));
                if relevant {
                    flatten(v, &p, paths, arrays, next_array, out);
                }
            }
        }
        Value::Array(items) => {
            let id = *next_array;
            *next_array = next_array.saturating_add(1);
            for (i, item) in items.iter().enumerate() {
                arrays.push((id, u32::try_from(i).unwrap_or(u32::MAX)));
                flatten(item, path, paths, arrays, next_array, out);
                arrays.pop();
            }
        }
        scalar => {
            if let Some(val) = json_scalar(scalar) {
                out.entry(path.to_string()).or_default().push(Leaf {
                    val,
                    arrays: arrays.clone(),
                });
            }
        }
    }
}

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
