//! SNS subscription filter policies (aws-rules §3.5): every example of the AWS developer guide's
//! filter-policy pages, the validation errors AWS returns (texts recorded against AWS in
//! LocalStack's `tests/aws/services/sns/test_sns_filter_policy.snapshot.json`, or read from
//! AWS's Event Ruler source where AWS has since changed), and a no-panic property.

use mqlab_engine::sns::filter::{
    FilterPolicy, FilterPolicyScope, FILTER_POLICY_SIZE_MAX, FILTER_POLICY_TOO_LARGE,
    INVALID_PARAMETER, NUMERIC_OUT_OF_RANGE,
};
use mqlab_engine::sqs::message_attributes::{MessageAttributeValue, MessageAttributes};
use proptest::prelude::*;
use serde_json::{json, Value};

// ---- helpers -------------------------------------------------------------------------------

/// A message as the documentation shows it: attributes in `{"name": {"Type": …, "Value": …}}`
/// form (the braces may be left out, as the docs do), or a JSON body.
#[derive(Clone, Copy, Debug)]
enum Msg {
    Attrs(&'static str),
    Body(&'static str),
}
use Msg::{Attrs, Body};

#[derive(Debug)]
struct Case {
    policy: &'static str,
    msg: Msg,
    matches: bool,
}

const fn yes(policy: &'static str, msg: Msg) -> Case {
    Case {
        policy,
        msg,
        matches: true,
    }
}

const fn no(policy: &'static str, msg: Msg) -> Case {
    Case {
        policy,
        msg,
        matches: false,
    }
}

/// Wraps a documentation fragment (`"key": …`) in braces.
fn wrap(fragment: &str) -> String {
    let t = fragment.trim();
    if t.starts_with('{') {
        t.to_string()
    } else {
        format!("{{{t}}}")
    }
}

fn attrs(doc: &str) -> MessageAttributes {
    let v: Value = serde_json::from_str(&wrap(doc)).expect("test attributes are JSON");
    let mut out = MessageAttributes::new();
    for (name, a) in v.as_object().expect("attributes object") {
        let value = match &a["Value"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.insert(
            name.clone(),
            MessageAttributeValue {
                data_type: a["Type"].as_str().expect("Type").to_string(),
                string_value: Some(value),
                ..Default::default()
            },
        );
    }
    out
}

fn string_attr(name: &str, value: &str) -> MessageAttributes {
    let mut m = MessageAttributes::new();
    m.insert(name.into(), MessageAttributeValue::string(value));
    m
}

fn policy(text: &str, scope: FilterPolicyScope) -> FilterPolicy {
    FilterPolicy::parse(text, scope).unwrap_or_else(|e| panic!("policy {text} refused: {e}"))
}

fn body_policy(text: &str) -> FilterPolicy {
    policy(text, FilterPolicyScope::MessageBody)
}

fn attr_policy(text: &str) -> FilterPolicy {
    policy(text, FilterPolicyScope::MessageAttributes)
}

fn check(c: &Case) -> Result<(), String> {
    let text = wrap(c.policy);
    match c.msg {
        Attrs(a) => attr_policy(&text).check(&attrs(a), ""),
        Body(b) => body_policy(&text).check(&MessageAttributes::new(), b),
    }
}

fn run(page: &str, cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = check(c);
            (got.is_ok() != c.matches).then(|| {
                format!(
                    "  policy {} / {:?}: expected {}, got {:?}",
                    c.policy,
                    c.msg,
                    if c.matches { "match" } else { "no match" },
                    got
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{page}: {} of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// The error of a policy given to Subscribe (LocalStack recorded these with Subscribe).
fn subscribe_error(policy: &str) -> String {
    let e = FilterPolicy::parse_for_subscribe(policy, FilterPolicyScope::MessageAttributes)
        .expect_err("policy should be refused");
    assert_eq!(e.code, INVALID_PARAMETER);
    e.message
}

fn set_error(policy: &str, scope: FilterPolicyScope) -> String {
    let e = FilterPolicy::parse(policy, scope).expect_err("policy should be refused");
    assert_eq!(e.code, INVALID_PARAMETER);
    e.message
}

/// `Invalid parameter: Attributes Reason: FilterPolicy: <msg>\n at [Source: (String)"<compact>";
/// line: 1, column: <col>]` — AWS quotes the policy re-serialised compactly.
fn located(msg: &str, compact: &str, col: usize) -> String {
    format!(
        "Invalid parameter: Attributes Reason: FilterPolicy: {msg}\n at [Source: (String)\"{compact}\"; line: 1, column: {col}]"
    )
}

fn unlocated(msg: &str) -> String {
    format!("Invalid parameter: Attributes Reason: FilterPolicy: {msg}")
}

// ---- documentation examples ----------------------------------------------------------------

// "Amazon SNS example filter policies" (example-filter-policies.html).
const EXAMPLE_ATTRIBUTES: &str = r#"{
  "customer_interests": {"Type": "String.Array", "Value": "[\"soccer\", \"rugby\", \"hockey\"]"},
  "store": {"Type": "String", "Value": "example_corp"},
  "event": {"Type": "String", "Value": "order_placed"},
  "price_usd": {"Type": "Number", "Value": "210.75"}
}"#;
const EXAMPLE_BODY: &str = r#"{
  "customer_interests": ["soccer", "rugby", "hockey"],
  "store": "example_corp",
  "event":"order_placed",
  "price_usd":210.75
}"#;
const ACCEPTING_POLICY: &str = r#"{
   "store": ["example_corp"],
   "event": [{"anything-but": "order_cancelled"}],
   "customer_interests": ["rugby", "football", "baseball"],
   "price_usd": [{"numeric": [">=", 100]}]
}"#;
const REJECTING_POLICY: &str = r#"{
   "store": ["example_corp"],
   "event": ["order_cancelled"],
   "encrypted": [false],
   "customer_interests": ["basketball", "baseball"]
}"#;

const EXAMPLE_FILTER_POLICIES: &[Case] = &[
    yes(ACCEPTING_POLICY, Attrs(EXAMPLE_ATTRIBUTES)),
    yes(ACCEPTING_POLICY, Body(EXAMPLE_BODY)),
    no(REJECTING_POLICY, Attrs(EXAMPLE_ATTRIBUTES)),
    no(REJECTING_POLICY, Body(EXAMPLE_BODY)),
];

#[test]
fn doc_example_filter_policies() {
    run(
        "Amazon SNS example filter policies",
        EXAMPLE_FILTER_POLICIES,
    );
}

// "String value matching" (string-value-matching.html). Typos in the page's examples are
// fixed: a missing closing quote in `"soccer]`, a `{` that should close a body.
const EXACT: &str = r#""customer_interests": ["rugby", "tennis"]"#;
const ANYTHING_BUT: &str = r#""customer_interests": [{"anything-but": ["rugby", "tennis"]}]"#;
const ANYTHING_BUT_PREFIX: &str = r#""event":[{"anything-but": {"prefix": "order-"}}]"#;
const ANYTHING_BUT_WILDCARD: &str =
    r#""customer_interests" : [{ "anything-but": { "wildcard": "*ball" }}]"#;
const ANYTHING_BUT_SUFFIX: &str =
    r#""customer_interests": [ { "anything-but": { "suffix": "ball" } } ]"#;
const EQUALS_IGNORE_CASE: &str = r#""customer_interests": [{"equals-ignore-case": "tennis"}]"#;
const CIDR: &str = r#""source_ip":[{"cidr": "10.0.0.0/24"}]"#;
const PREFIX: &str = r#""customer_interests": [{"prefix": "bas"}]"#;
const SUFFIX: &str = r#""customer_interests": [{"suffix": "ball"}]"#;
const WILDCARD: &str = r#""customer_interests": [ { "wildcard": "*ball" } ]"#;

const STRING_VALUE_MATCHING: &[Case] = &[
    // Exact matching
    yes(
        EXACT,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "rugby"}"#),
    ),
    yes(
        EXACT,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "tennis"}"#),
    ),
    yes(
        EXACT,
        Attrs(
            r#""customer_interests": {"Type": "String.Array", "Value": "[\"rugby\", \"tennis\"]"}"#,
        ),
    ),
    yes(EXACT, Body(r#"{"customer_interests": "rugby"}"#)),
    yes(EXACT, Body(r#"{"customer_interests": "tennis"}"#)),
    no(
        EXACT,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "baseball"}"#),
    ),
    no(
        EXACT,
        Attrs(r#""customer_interests": {"Type": "String.Array", "Value": "[\"baseball\"]"}"#),
    ),
    no(EXACT, Body(r#"{"customer_interests": "baseball"}"#)),
    // Anything-but matching
    yes(
        ANYTHING_BUT,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "baseball"}"#),
    ),
    yes(
        ANYTHING_BUT,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "football"}"#),
    ),
    yes(
        ANYTHING_BUT,
        Attrs(
            r#""customer_interests": {"Type": "String.Array", "Value": "[\"rugby\", \"baseball\"]"}"#,
        ),
    ),
    yes(ANYTHING_BUT, Body(r#"{"customer_interests": "baseball"}"#)),
    yes(ANYTHING_BUT, Body(r#"{"customer_interests": "football"}"#)),
    yes(
        ANYTHING_BUT,
        Body(r#"{"customer_interests": ["rugby", "baseball"]}"#),
    ),
    no(
        ANYTHING_BUT,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "rugby"}"#),
    ),
    no(
        ANYTHING_BUT,
        Attrs(r#""customer_interests": {"Type": "String.Array", "Value": "[\"rugby\"]"}"#),
    ),
    no(ANYTHING_BUT, Body(r#"{"customer_interests": ["rugby"]}"#)),
    // Using a prefix with anything-but
    yes(
        ANYTHING_BUT_PREFIX,
        Attrs(r#""event": {"Type": "String", "Value": "data-entry"}"#),
    ),
    yes(
        ANYTHING_BUT_PREFIX,
        Attrs(r#""event": {"Type": "String", "Value": "order_number"}"#),
    ),
    yes(ANYTHING_BUT_PREFIX, Body(r#"{"event": "data-entry"}"#)),
    yes(ANYTHING_BUT_PREFIX, Body(r#"{"event": "order_number"}"#)),
    no(
        ANYTHING_BUT_PREFIX,
        Attrs(r#""event": {"Type": "String", "Value": "order-cancelled"}"#),
    ),
    no(ANYTHING_BUT_PREFIX, Body(r#"{"event": "order-cancelled"}"#)),
    // anything-but wildcard (the page shows the values as a body)
    yes(
        ANYTHING_BUT_WILDCARD,
        Body(r#"{"customer_interests": ["hockey", "rugby", "soccer"] }"#),
    ),
    no(
        ANYTHING_BUT_WILDCARD,
        Body(r#"{"customer_interests": ["baseball", "basketball"] }"#),
    ),
    // anything-but suffix
    yes(
        ANYTHING_BUT_SUFFIX,
        Body(r#"{"customer_interests": ["hockey", "rugby", "soccer"] }"#),
    ),
    no(
        ANYTHING_BUT_SUFFIX,
        Body(r#"{"customer_interests": ["baseball", "basketball"] }"#),
    ),
    // Equals-ignore-case matching
    yes(
        EQUALS_IGNORE_CASE,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "TENNIS"}"#),
    ),
    yes(
        EQUALS_IGNORE_CASE,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "Tennis"}"#),
    ),
    yes(
        EQUALS_IGNORE_CASE,
        Body(r#"{"customer_interests": "TENNIS"}"#),
    ),
    yes(
        EQUALS_IGNORE_CASE,
        Body(r#"{"customer_interests": "teNnis"}"#),
    ),
    // IP address matching
    yes(
        CIDR,
        Attrs(r#""source_ip": {"Type": "String", "Value": "10.0.0.0"}"#),
    ),
    yes(
        CIDR,
        Attrs(r#""source_ip": {"Type": "String", "Value": "10.0.0.255"}"#),
    ),
    yes(CIDR, Body(r#"{"source_ip": "10.0.0.0"}"#)),
    yes(CIDR, Body(r#"{"source_ip": "10.0.0.255"}"#)),
    no(
        CIDR,
        Attrs(r#""source_ip": {"Type": "String", "Value": "10.1.1.0"}"#),
    ),
    no(CIDR, Body(r#"{"source_ip": "10.1.1.0"}"#)),
    // Prefix matching
    yes(
        PREFIX,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "baseball"}"#),
    ),
    yes(
        PREFIX,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "basketball"}"#),
    ),
    yes(PREFIX, Body(r#"{"customer_interests": "baseball"}"#)),
    yes(PREFIX, Body(r#"{"customer_interests": "basketball"}"#)),
    no(
        PREFIX,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "rugby"}"#),
    ),
    no(PREFIX, Body(r#"{"customer_interests": "rugby"}"#)),
    // Suffix matching
    yes(
        SUFFIX,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "baseball"}"#),
    ),
    yes(
        SUFFIX,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "basketball"}"#),
    ),
    yes(SUFFIX, Body(r#"{"customer_interests": "baseball"}"#)),
    yes(SUFFIX, Body(r#"{"customer_interests": "basketball"}"#)),
    no(
        SUFFIX,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "rugby"}"#),
    ),
    no(SUFFIX, Body(r#"{"customer_interests": "rugby"}"#)),
    // Wildcard
    yes(
        WILDCARD,
        Body(r#"{"customer_interests": ["baseball", "basketball"] }"#),
    ),
];

#[test]
fn doc_string_value_matching() {
    run("String value matching", STRING_VALUE_MATCHING);
}

// "Numeric value matching" (numeric-value-matching.html). The range examples are stated in
// words ("negative numeric values", "positive numbers up to and including 150"); the cases
// below are values on each side of those boundaries.
const NUMERIC_EQUALS: &str = r#""price_usd": [{"numeric": ["=",301.5]}]"#;
const NUMERIC_ANYTHING_BUT: &str = r#""price": [{"anything-but": [100, 500]}]"#;
const NUMERIC_NEGATIVE: &str = r#""price_usd": [{"numeric": ["<", 0]}]"#;
const NUMERIC_RANGE: &str = r#""price_usd": [{"numeric": [">", 0, "<=", 150]}]"#;

const NUMERIC_VALUE_MATCHING: &[Case] = &[
    // Exact matching
    yes(
        NUMERIC_EQUALS,
        Attrs(r#""price_usd": {"Type": "Number", "Value": "301.5"}"#),
    ),
    yes(
        NUMERIC_EQUALS,
        Attrs(r#""price_usd": {"Type": "Number", "Value": "3.015e2"}"#),
    ),
    yes(NUMERIC_EQUALS, Body(r#"{"price_usd": 301.5}"#)),
    yes(NUMERIC_EQUALS, Body(r#"{"price_usd": 3.015e2}"#)),
    // Anything-but matching
    yes(
        NUMERIC_ANYTHING_BUT,
        Attrs(r#""price": {"Type": "Number", "Value": "101"}"#),
    ),
    yes(
        NUMERIC_ANYTHING_BUT,
        Attrs(r#""price": {"Type": "Number", "Value": "100.1"}"#),
    ),
    yes(NUMERIC_ANYTHING_BUT, Body(r#"{"price": 101}"#)),
    yes(NUMERIC_ANYTHING_BUT, Body(r#"{"price": 100.1}"#)),
    yes(
        NUMERIC_ANYTHING_BUT,
        Attrs(r#""price": {"Type": "Number.Array", "Value": "[100, 50]"}"#),
    ),
    yes(NUMERIC_ANYTHING_BUT, Body(r#"{"price": [100, 50]}"#)),
    no(
        NUMERIC_ANYTHING_BUT,
        Attrs(r#""price": {"Type": "Number", "Value": "100"}"#),
    ),
    no(NUMERIC_ANYTHING_BUT, Body(r#"{"price": 100}"#)),
    // Value range matching
    yes(
        NUMERIC_NEGATIVE,
        Attrs(r#""price_usd": {"Type": "Number", "Value": "-0.5"}"#),
    ),
    no(
        NUMERIC_NEGATIVE,
        Attrs(r#""price_usd": {"Type": "Number", "Value": "0"}"#),
    ),
    yes(NUMERIC_NEGATIVE, Body(r#"{"price_usd": -12}"#)),
    no(NUMERIC_NEGATIVE, Body(r#"{"price_usd": 3}"#)),
    yes(
        NUMERIC_RANGE,
        Attrs(r#""price_usd": {"Type": "Number", "Value": "150"}"#),
    ),
    yes(NUMERIC_RANGE, Body(r#"{"price_usd": 0.01}"#)),
    no(
        NUMERIC_RANGE,
        Attrs(r#""price_usd": {"Type": "Number", "Value": "0"}"#),
    ),
    no(NUMERIC_RANGE, Body(r#"{"price_usd": 150.01}"#)),
];

#[test]
fn doc_numeric_value_matching() {
    run("Numeric value matching", NUMERIC_VALUE_MATCHING);
}

// "Key matching" (attribute-key-matching.html). The page's bodies lack a comma; fixed here.
const EXISTS_TRUE: &str = r#""store": [{"exists": true}]"#;
const EXISTS_FALSE: &str = r#""store": [{"exists": false}]"#;
const WITH_STORE: &str = r#""store": {"Type": "String", "Value": "fans"},
"customer_interests": {"Type": "String.Array", "Value": "[\"baseball\", \"basketball\"]"}"#;
const WITHOUT_STORE: &str =
    r#""customer_interests": {"Type": "String.Array", "Value": "[\"baseball\", \"basketball\"]"}"#;
const BODY_WITH_STORE: &str =
    r#"{"store": "fans", "customer_interests": ["baseball", "basketball"]}"#;
const BODY_WITHOUT_STORE: &str = r#"{"customer_interests": ["baseball", "basketball"]}"#;

const KEY_MATCHING: &[Case] = &[
    yes(EXISTS_TRUE, Attrs(WITH_STORE)),
    yes(EXISTS_TRUE, Body(BODY_WITH_STORE)),
    no(EXISTS_TRUE, Attrs(WITHOUT_STORE)),
    no(EXISTS_TRUE, Body(BODY_WITHOUT_STORE)),
    no(EXISTS_FALSE, Attrs(WITH_STORE)),
    no(EXISTS_FALSE, Body(BODY_WITH_STORE)),
    yes(EXISTS_FALSE, Attrs(WITHOUT_STORE)),
    yes(EXISTS_FALSE, Body(BODY_WITHOUT_STORE)),
    // Note: "exists": false only matches if at least one attribute is present.
    no(EXISTS_FALSE, Attrs("{}")),
];

#[test]
fn doc_key_matching() {
    run("Key matching", KEY_MATCHING);
}

// "AND/OR logic" (and-or-logic.html). The AND and OR policies are described in words; the
// cases are messages on each side. The "$or" examples list their matching messages.
const AND_POLICY: &str =
    r#"{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}"#;
const OR_POLICY: &str = r#"{"customer_interests": ["rugby", "football", "baseball"]}"#;
const STANDARD_OR: &str = r#"{
  "source": [ "aws.cloudwatch" ],
  "$or": [
    { "metricName": [ "CPUUtilization" ] },
    { "namespace": [ "AWS/EC2" ] }
  ]
}"#;

const AND_OR_LOGIC: &[Case] = &[
    yes(
        AND_POLICY,
        Attrs(
            r#""customer_interests": {"Type": "String", "Value": "rugby"}, "price_usd": {"Type": "Number", "Value": "100.5"}"#,
        ),
    ),
    no(
        AND_POLICY,
        Attrs(
            r#""customer_interests": {"Type": "String", "Value": "rugby"}, "price_usd": {"Type": "Number", "Value": "100"}"#,
        ),
    ),
    no(
        AND_POLICY,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "rugby"}"#),
    ),
    yes(
        AND_POLICY,
        Body(r#"{"customer_interests": "rugby", "price_usd": 101}"#),
    ),
    no(
        AND_POLICY,
        Body(r#"{"customer_interests": "tennis", "price_usd": 101}"#),
    ),
    yes(
        OR_POLICY,
        Attrs(r#""customer_interests": {"Type": "String", "Value": "football"}"#),
    ),
    yes(OR_POLICY, Body(r#"{"customer_interests": "baseball"}"#)),
    no(OR_POLICY, Body(r#"{"customer_interests": "tennis"}"#)),
    // Standard OR
    yes(
        STANDARD_OR,
        Attrs(
            r#""source": {"Type": "String", "Value": "aws.cloudwatch"}, "metricName": {"Type": "String", "Value": "CPUUtilization"}"#,
        ),
    ),
    yes(
        STANDARD_OR,
        Attrs(
            r#""source": {"Type": "String", "Value": "aws.cloudwatch"}, "namespace": {"Type": "String", "Value": "AWS/EC2"}"#,
        ),
    ),
    yes(
        STANDARD_OR,
        Body(r#"{"source": "aws.cloudwatch", "metricName": "CPUUtilization"}"#),
    ),
    yes(
        STANDARD_OR,
        Body(r#"{"source": "aws.cloudwatch", "namespace": "AWS/EC2"}"#),
    ),
    no(
        STANDARD_OR,
        Body(r#"{"source": "aws.cloudwatch", "namespace": "AWS/ES"}"#),
    ),
    no(STANDARD_OR, Body(r#"{"namespace": "AWS/EC2"}"#)),
];

#[test]
fn doc_and_or_logic() {
    run("AND/OR logic", AND_OR_LOGIC);
}

/// "AND/OR logic", "Policy constraints that include OR relationships": the complexity of a
/// policy with `$or` is the sum over the alternatives: (1×2) + (1×1×2) + (1×1×3) = 7.
#[test]
fn doc_or_complexity_is_sum_of_alternatives() {
    let p = attr_policy(
        r#"{
    "source": [ "aws.cloudwatch" ],
    "$or": [
      { "metricName": [ "CPUUtilization", "ReadLatency" ] },
      {
        "metricType": [ "MetricType" ] ,
        "$or" : [
          { "metricId": [ 1234, 4321 ] },
          { "spaceId": [ 1000, 2000, 3000 ] }
        ]
      }
    ]
  }"#,
    );
    assert_eq!(p.combinations(), 7);
    let m = |pairs: &[(&str, &str, &str)]| {
        let mut a = MessageAttributes::new();
        for (k, t, v) in pairs {
            a.insert(
                k.to_string(),
                MessageAttributeValue {
                    data_type: t.to_string(),
                    string_value: Some(v.to_string()),
                    ..Default::default()
                },
            );
        }
        a
    };
    let source = ("source", "String", "aws.cloudwatch");
    let metric_type = ("metricType", "String", "MetricType");
    // ("source" AND "metricType" AND "spaceId")
    assert!(p
        .check(
            &m(&[source, metric_type, ("spaceId", "Number", "2000")]),
            ""
        )
        .is_ok());
    // ("source" AND "metricName")
    assert!(p
        .check(&m(&[source, ("metricName", "String", "ReadLatency")]), "")
        .is_ok());
    // metricType without metricId / spaceId
    assert!(p.check(&m(&[source, metric_type]), "").is_err());
}

/// "AND/OR logic": the nested example's total is (2×2×2) × 4 = 32 (nested keys count their
/// depth), and it reads as ("metricName" OR "namespace") AND detail.scope AND
/// (detail.source OR detail.type).
#[test]
fn doc_nested_or_complexity_counts_depth() {
    let p = body_policy(
        r#"{
    "$or": [
      { "metricName": [ "CPUUtilization", "ReadLatency" ] },
      { "namespace": [ "AWS/EC2", "AWS/ES" ] }
    ],
    "detail" : {
      "scope" : [ "Service" ],
      "$or": [
        { "source": [ "aws.cloudwatch" ] },
        { "type": [ "CloudWatch Alarm State Change"] }
      ]
    }
  }"#,
    );
    assert_eq!(p.combinations(), 32);
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"namespace": "AWS/ES", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}"#
        )
        .is_ok());
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"namespace": "AWS/ES", "detail": {"scope": "Service"}}"#
        )
        .is_err());
}

/// "AND/OR logic": `{"$or": [{"numeric": 123}, {"prefix": "abc"}]}` "isn't parsed as an OR
/// relationship because numeric and prefix are reserved keywords". "$or" then is an ordinary
/// key whose array holds two match expressions, and `{"numeric": 123}` is not a valid one.
#[test]
fn doc_or_with_reserved_keywords_is_an_ordinary_key() {
    assert_eq!(
        subscribe_error(r#"{ "$or": [ {"numeric" : 123}, {"prefix": "abc"} ] }"#),
        located(
            "Value of numeric must be an array.",
            r#"{"$or":[{"numeric":123},{"prefix":"abc"}]}"#,
            23
        )
    );
    // Not an array after "$or": the legacy reading keeps "$or" as a nested key.
    let p = body_policy(r#"{"$or": {"metricType": ["MetricType"]}}"#);
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"$or": {"metricType": "MetricType"}}"#
        )
        .is_ok());
}

// "Filter policy constraints" (subscription-filter-policy-constraints.html).

#[test]
fn doc_constraints_total_combination_is_the_product_of_array_sizes() {
    let p = attr_policy(
        r#"{
   "key_a": ["value_one", "value_two", "value_three"],
   "key_b": ["value_one"],
   "key_c": ["value_one", "value_two"]
}"#,
    );
    assert_eq!(p.combinations(), 6); // 3 x 1 x 2
}

const NESTED_72: &str = r#"{
"key_a": {
    "key_b": {
        "key_c": ["value_one", "value_two", "value_three", "value_four"]
        }
    },
"key_d": {
    "key_e": ["value_one", "value_two", "value_three"]
    }
}"#;

#[test]
fn doc_constraints_nested_keys_multiply_by_depth() {
    let p = body_policy(NESTED_72);
    assert_eq!(p.combinations(), 72); // 3 x 4 x 2 x 3
    assert_eq!(p.top_level_keys(), 2); // "For a nested policy, only parent keys are counted."
}

#[test]
fn doc_constraints_attribute_scope_refuses_nested_policies() {
    assert_eq!(
        set_error(NESTED_72, FilterPolicyScope::MessageAttributes),
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
    );
    // The same policy LocalStack recorded (`test_sub_filter_policy_nested_property`).
    assert_eq!(
        set_error(
            r#"{"object": {"key": [{"prefix": "auto-"}]}}"#,
            FilterPolicyScope::MessageAttributes
        ),
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
    );
}

#[test]
fn doc_constraints_binary_attributes_are_ignored() {
    let p = attr_policy(r#"{"blob": [{"exists": false}], "store": ["a"]}"#);
    let mut a = string_attr("store", "a");
    a.insert(
        "blob".into(),
        MessageAttributeValue {
            data_type: "Binary".into(),
            binary_value: Some("AAEC".into()),
            ..Default::default()
        },
    );
    assert!(p.check(&a, "").is_ok());
}

#[test]
fn doc_constraints_string_matching_is_case_sensitive() {
    let p = attr_policy(r#"{"store": ["Example_Corp"]}"#);
    assert!(p.check(&string_attr("store", "example_corp"), "").is_err());
}

// ---- validation errors: AWS texts as LocalStack recorded them (Subscribe wording) ------------

#[test]
fn empty_arrays_are_not_allowed() {
    assert_eq!(
        subscribe_error(r#"{"key": []}"#),
        located("Empty arrays are not allowed", r#"{"key":[]}"#, 10)
    );
}

#[test]
fn match_values_must_be_scalars() {
    assert_eq!(
        subscribe_error(r#"{"key": [["value"]]}"#),
        located(
            "Match value must be String, number, true, false, or null",
            r#"{"key":[["value"]]}"#,
            10
        )
    );
}

#[test]
fn unknown_operators_are_refused() {
    assert_eq!(
        subscribe_error(r#"{"key": [{"wrong-operator": true}]}"#),
        located(
            "Unrecognized match type wrong-operator",
            r#"{"key":[{"wrong-operator":true}]}"#,
            31
        )
    );
}

#[test]
fn a_match_expression_has_one_key() {
    assert_eq!(
        subscribe_error(r#"{"key": [{"suffix": "value", "prefix": "value2"}]}"#),
        located(
            "Only one key allowed in match expression",
            r#"{"key":[{"suffix":"value","prefix":"value2"}]}"#,
            37
        )
    );
}

#[test]
fn suffix_operand_must_be_a_string() {
    for (policy, compact, col) in [
        (
            r#"{"key": [{"suffix": 100}]}"#,
            r#"{"key":[{"suffix":100}]}"#,
            22,
        ),
        (
            r#"{"key": [{"suffix": null}]}"#,
            r#"{"key":[{"suffix":null}]}"#,
            23,
        ),
        (
            r#"{"key": [{"suffix": []}]}"#,
            r#"{"key":[{"suffix":[]}]}"#,
            20,
        ),
        (
            r#"{"key": [{"suffix": ["test", "test2"]}]}"#,
            r#"{"key":[{"suffix":["test","test2"]}]}"#,
            20,
        ),
    ] {
        assert_eq!(
            subscribe_error(policy),
            located("suffix match pattern must be a string", compact, col)
        );
    }
}

#[test]
fn key_values_must_be_objects_or_arrays() {
    for (policy, compact, key, col) in [
        (
            r#"{"key": {"suffix": "value"}}"#,
            r#"{"key":{"suffix":"value"}}"#,
            "suffix",
            19,
        ),
        (
            r#"{"key": {"suffix": "value", "prefix": "value"}}"#,
            r#"{"key":{"suffix":"value","prefix":"value"}}"#,
            "suffix",
            19,
        ),
        (
            r#"{"key": {"not-an-operator": "value"}}"#,
            r#"{"key":{"not-an-operator":"value"}}"#,
            "not-an-operator",
            28,
        ),
    ] {
        assert_eq!(
            subscribe_error(policy),
            located(
                &format!("\"{key}\" must be an object or an array"),
                compact,
                col
            )
        );
    }
    // SetSubscriptionAttributes wording (`test_sub_filter_policy_nested_property_constraints`).
    assert_eq!(
        set_error(r#"{"key_a": "value_one"}"#, FilterPolicyScope::MessageBody),
        "Invalid parameter: FilterPolicy: \"key_a\" must be an object or an array\n at [Source: (String)\"{\"key_a\":\"value_one\"}\"; line: 1, column: 11]"
    );
}

#[test]
fn cidr_must_be_a_valid_network() {
    assert_eq!(
        subscribe_error(r#"{"key": [{"cidr": ["bad-filter"]}]}"#),
        located(
            "prefix match pattern must be a string",
            r#"{"key":[{"cidr":["bad-filter"]}]}"#,
            18
        )
    );
    for (cidr, msg) in [
        ("bad-filter", "Malformed CIDR, one '/' required"),
        ("bad-filter/64", "Nonstandard IP address: bad-filter"),
        (
            "bad-/64filter",
            "Malformed CIDR, mask bits must be an integer",
        ),
        ("xx.11.xx/8", "Nonstandard IP address: xx.11.xx"),
        (
            "xxxx:db8:1234:1a00::/64",
            "Nonstandard IP address: xxxx:db8:1234:1a00::",
        ),
    ] {
        let policy = json!({"key": [{"cidr": cidr}]}).to_string();
        assert_eq!(subscribe_error(&policy), unlocated(msg), "cidr {cidr}");
    }
}

#[test]
fn numeric_expressions_are_validated() {
    for (numeric, msg, col) in [
        ("[]", "Invalid member in numeric match: ]", 22),
        (
            r#"["operator"]"#,
            "Unrecognized numeric range operator: operator",
            32,
        ),
        (r#"[1, "<="]"#, "Invalid member in numeric match: 1", 22),
        (r#"["=", "000"]"#, "Value of equals must be numeric", 26),
        (r#"[">="]"#, "Value of >= must be numeric", 26),
        (
            r#"["<", 100, ">", 10]"#,
            "Too many elements in numeric expression",
            30,
        ),
        (r#"[">=", 1, ">", 2]"#, "Bad numeric range operator: >", 31),
        (r#"[">", 3, "<", 1]"#, "Bottom must be less than top", 33),
        (r#"[">", 20, "<="]"#, "Value of <= must be numeric", 33),
        (r#"[">", 20, 30]"#, "Bad value in numeric range: 30", 30),
        (
            r#"[">", 20, "test"]"#,
            "Bad numeric range operator: test",
            34,
        ),
        (
            r#"[">", "20", "<", "30"]"#,
            "Value of > must be numeric",
            26,
        ),
        (r#"[">", 20, "<", "30"]"#, "Value of < must be numeric", 33),
        (
            r#"[">", 20, "<", 30, "<", 50]"#,
            "Too many terms in numeric range expression",
            36,
        ),
    ] {
        let policy = format!(r#"{{"key": [{{"numeric": {numeric}}}]}}"#);
        let compact = serde_json::from_str::<Value>(&policy).unwrap().to_string();
        assert_eq!(
            subscribe_error(&policy),
            located(msg, &compact, col),
            "numeric {numeric}"
        );
    }
}

#[test]
fn exists_takes_true_or_false() {
    assert_eq!(
        subscribe_error(r#"{"key": [{"exists": null}]}"#),
        located(
            "exists match pattern must be either true or false.",
            r#"{"key":[{"exists":null}]}"#,
            23
        )
    );
    assert_eq!(
        subscribe_error(r#"{"key": [{"exists": "no"}]}"#),
        located(
            "exists match pattern must be either true or false.",
            r#"{"key":[{"exists":"no"}]}"#,
            20
        )
    );
}

#[test]
fn anything_but_accepts_only_its_documented_patterns() {
    assert_eq!(
        subscribe_error(r#"{"key": [{"anything-but": {"wrong-operator": null}}]}"#),
        located(
            "Unsupported anything-but pattern: wrong-operator",
            r#"{"key":[{"anything-but":{"wrong-operator":null}}]}"#,
            47
        )
    );
    assert_eq!(
        subscribe_error(r#"{"key": [{"anything-but": {"exists": false}}]}"#),
        located(
            "Unsupported anything-but pattern: exists",
            r#"{"key":[{"anything-but":{"exists":false}}]}"#,
            40
        )
    );
    // Event Ruler's current compiler (the "String value matching" page now documents
    // anything-but suffix and wildcard; LocalStack's older recording refused suffix and worded
    // this one "prefix match pattern must be a string").
    assert_eq!(
        subscribe_error(r#"{"key": [{"anything-but": {"prefix": false}}]}"#),
        located(
            "Value of anything-but must be an array or single string/number value.",
            r#"{"key":[{"anything-but":{"prefix":false}}]}"#,
            40
        )
    );
    assert_eq!(
        subscribe_error(r#"{"key": [{"anything-but": ["a", 1]}]}"#),
        located(
            "Inside anything but list, either all values are number or string, mixed type is not supported",
            r#"{"key":[{"anything-but":["a",1]}]}"#,
            32
        )
    );
    assert_eq!(
        subscribe_error(r#"{"key": [{"anything-but": {"prefix": ""}}]}"#),
        located(
            "Null prefix/suffix not allowed",
            r#"{"key":[{"anything-but":{"prefix":""}}]}"#,
            37
        )
    );
    // LocalStack's positive cases.
    for ok in [
        r#"{"key": [{"anything-but": {"prefix": "test-"}}]}"#,
        r#"{"key": [{"anything-but": ["test", "test2"]}]}"#,
        r#"{"key": [{"anything-but": "test"}]}"#,
        r#"{"key": [{"anything-but": {"suffix": "ball"}}]}"#,
        r#"{"key": [{"anything-but": {"wildcard": "*ball"}}]}"#,
    ] {
        assert!(
            FilterPolicy::parse(ok, FilterPolicyScope::MessageAttributes).is_ok(),
            "{ok}"
        );
    }
}

/// Event Ruler re-raises an error found inside an anything-but list with the message that
/// already holds the location, so the location appears twice.
#[test]
fn anything_but_list_errors_carry_the_location_twice() {
    let m = subscribe_error(r#"{"key": [{"anything-but": [null]}]}"#);
    assert!(m.starts_with(&unlocated(
        "Inside anything but list, start|null|boolean is not supported."
    )));
    assert_eq!(m.matches("; line: 1, column: 30]").count(), 2, "{m}");
}

#[test]
fn wildcard_patterns_are_validated() {
    assert_eq!(
        subscribe_error(r#"{"key": [{"wildcard": "a**b"}]}"#),
        located(
            "Consecutive wildcard characters at pos 2",
            r#"{"key":[{"wildcard":"a**b"}]}"#,
            27
        )
    );
    assert_eq!(
        subscribe_error(r#"{"key": [{"wildcard": "a\\b"}]}"#),
        located(
            "Invalid escape character at pos 2",
            r#"{"key":[{"wildcard":"a\\b"}]}"#,
            27
        )
    );
}

#[test]
fn filter_policy_can_not_have_more_than_5_keys() {
    let six = r#"{"key1": ["value1"], "key2": ["value2"], "key3": ["value3"], "key4": ["value4"], "key5": ["value5"], "key6": ["value6"]}"#;
    assert_eq!(
        subscribe_error(six),
        unlocated("Filter policy can not have more than 5 keys")
    );
    assert_eq!(
        set_error(six, FilterPolicyScope::MessageBody),
        "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys"
    );
}

#[test]
fn filter_policy_combinations_must_not_exceed_150() {
    let values = |n: usize| (0..n).map(|i| format!("value{i}")).collect::<Vec<_>>();
    let too_complex = unlocated("Filter policy is too complex");
    assert_eq!(
        subscribe_error(&json!({"key": values(151)}).to_string()),
        too_complex
    );
    assert_eq!(
        subscribe_error(&json!({"key1": values(100), "key2": values(51)}).to_string()),
        too_complex
    );
    assert!(FilterPolicy::parse(
        &json!({"key": values(150)}).to_string(),
        FilterPolicyScope::MessageAttributes
    )
    .is_ok());
    // `test_sub_filter_policy_nested_property_constraints`: 3 x 4 x 2 x 3 x 1 x 3 = 216.
    let nested = r#"{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
        "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
        "key_f": ["value_one", "value_two", "value_three"]}"#;
    assert_eq!(
        set_error(nested, FilterPolicyScope::MessageBody),
        "Invalid parameter: FilterPolicy: Filter policy is too complex"
    );
}

/// `test_policy_complexity_with_or` (LocalStack, AWS-validated): 152 and 160 are refused, 150
/// is accepted.
#[test]
fn or_alternatives_add_up_toward_the_150_limit() {
    let flat_152 = r#"{
        "source": ["aws.cloudwatch", "aws.events", "aws.test", "aws.test2"],
        "$or": [
            {"metricName": ["CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"]},
            {"metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
             "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4]}]}
        ]}"#;
    assert_eq!(
        subscribe_error(flat_152),
        unlocated("Filter policy is too complex")
    );
    let nested_160 = r#"{
        "$or": [
            {"metricName": ["CPUUtilization", "ReadLatency", "TestValue"]},
            {"namespace": ["AWS/EC2", "AWS/ES"]}
        ],
        "detail": {
            "scope": ["Service", "Test"],
            "$or": [
                {"source": ["aws.cloudwatch"]},
                {"type": ["CloudWatch Alarm State Change", "TestValue", "TestValue2"]}
            ]
        }}"#;
    assert_eq!(
        FilterPolicy::parse_for_subscribe(nested_160, FilterPolicyScope::MessageBody)
            .unwrap_err()
            .message,
        unlocated("Filter policy is too complex")
    );
    let ok_150 = r#"{
        "source": ["aws.cloudwatch", "aws.events", "aws.test"],
        "$or": [
            {"metricName": ["CPUUtilization", "ReadLatency", "TestVal", "TestVal2", "TestVal3", "TestVal4"]},
            {"metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
             "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}]}
        ]}"#;
    assert_eq!(attr_policy(ok_150).combinations(), 150);
}

#[test]
fn filter_policy_scope_accepts_only_its_two_values() {
    assert_eq!(
        FilterPolicyScope::parse("RandomValue").unwrap_err().message,
        "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes"
    );
    for s in [
        FilterPolicyScope::MessageAttributes,
        FilterPolicyScope::MessageBody,
    ] {
        assert_eq!(FilterPolicyScope::parse(s.as_str()).unwrap(), s);
    }
    assert_eq!(
        FilterPolicyScope::default(),
        FilterPolicyScope::MessageAttributes
    );
}

#[test]
fn filter_policy_must_be_a_json_object() {
    assert_eq!(
        subscribe_error(r#"["a"]"#),
        located("Filter is not an object", r#"["a"]"#, 2)
    );
    // Invalid JSON is reported by the JSON parser, located in the text as sent.
    let m = subscribe_error("{\"key\": [\"a\",]}");
    assert!(
        m.starts_with(&unlocated("Unexpected character (']' (code 93))")),
        "{m}"
    );
    assert!(m.ends_with("line: 1, column: 15]"), "{m}");
}

#[test]
fn empty_policy_matches_every_message() {
    let p = attr_policy("{}");
    assert!(p.matches_everything());
    assert!(p.check(&MessageAttributes::new(), "").is_ok());
    assert!(body_policy(" { } ")
        .check(&MessageAttributes::new(), "not json")
        .is_ok());
}

#[test]
fn filter_policy_size_is_at_most_256_kb() {
    let pad = " ".repeat(FILTER_POLICY_SIZE_MAX);
    let policy = format!(r#"{{"key": ["a"]}}{pad}"#);
    assert_eq!(subscribe_error(&policy), unlocated(FILTER_POLICY_TOO_LARGE));
}

#[test]
fn numeric_operands_are_within_1e9_and_5_decimals() {
    for ok in [
        r#"{"k": [{"numeric": [">=", -1000000000, "<=", 1000000000]}]}"#,
        r#"{"k": [{"numeric": ["=", 0.00001]}]}"#,
        r#"{"k": [{"numeric": ["<", 1.5e3]}]}"#,
    ] {
        assert!(
            FilterPolicy::parse(ok, FilterPolicyScope::MessageAttributes).is_ok(),
            "{ok}"
        );
    }
    for bad in [
        r#"{"k": [{"numeric": [">", 1000000001]}]}"#,
        r#"{"k": [{"numeric": ["=", 0.000001]}]}"#,
        r#"{"k": [{"anything-but": [1e10]}]}"#,
    ] {
        let m = subscribe_error(bad);
        assert!(m.contains(NUMERIC_OUT_OF_RANGE), "{bad}: {m}");
    }
}

#[test]
fn or_needs_an_array_of_at_least_two_objects_else_it_is_an_ordinary_key() {
    // One alternative: "$or" becomes a key whose array holds a match expression named "a".
    assert_eq!(
        subscribe_error(r#"{"$or": [{"a": ["x"]}]}"#),
        located("Unrecognized match type a", r#"{"$or":[{"a":["x"]}]}"#, 15)
    );
    // "$or" with an array of plain values is an ordinary key.
    let p = body_policy(r#"{"$or": ["x", "y"]}"#);
    assert!(p
        .check(&MessageAttributes::new(), r#"{"$or": "y"}"#)
        .is_ok());
}

// ---- matching rules ----------------------------------------------------------------------------

#[test]
fn reasons_name_the_key_that_failed() {
    let p = attr_policy(r#"{"store": ["other"], "price_usd": [{"numeric": [">", 1]}]}"#);
    assert_eq!(
        p.check(&string_attr("store", "example_corp"), ""),
        Err(r#"price_usd: attribute missing"#.into())
    );
    let mut a = string_attr("store", "example_corp");
    a.insert(
        "price_usd".into(),
        MessageAttributeValue {
            data_type: "Number".into(),
            string_value: Some("5".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        p.check(&a, ""),
        Err(r#"store: "example_corp" is not one of ["other"]"#.into())
    );
    let p = body_policy(r#"{"detail": {"state": [{"prefix": "run"}]}}"#);
    assert_eq!(
        p.check(
            &MessageAttributes::new(),
            r#"{"detail": {"state": "stopped"}}"#
        ),
        Err(r#"detail.state: "stopped" does not match [{"prefix":"run"}]"#.into())
    );
    assert_eq!(
        p.check(&MessageAttributes::new(), r#"{"detail": {}}"#),
        Err("detail.state: missing from the message body".into())
    );
}

#[test]
fn body_policies_never_match_a_non_json_body() {
    let p = body_policy(r#"{"a": [{"exists": false}]}"#);
    assert!(p.check(&MessageAttributes::new(), "hello").is_err());
    assert!(p.check(&MessageAttributes::new(), "[1, 2]").is_err());
    assert!(p.check(&MessageAttributes::new(), "{}").is_ok());
}

#[test]
fn numbers_match_numerically_and_only_numbers() {
    let p = attr_policy(r#"{"n": [100]}"#);
    let num = |v: &str| {
        let mut a = MessageAttributes::new();
        a.insert(
            "n".into(),
            MessageAttributeValue {
                data_type: "Number".into(),
                string_value: Some(v.into()),
                ..Default::default()
            },
        );
        a
    };
    assert!(p.check(&num("1e2"), "").is_ok());
    assert!(p.check(&num("100.0"), "").is_ok());
    assert!(p.check(&string_attr("n", "100"), "").is_err());
    let p = attr_policy(r#"{"n": [{"numeric": [">", 5]}]}"#);
    assert!(p.check(&string_attr("n", "10"), "").is_err());
    let p = body_policy(r#"{"n": ["100"]}"#);
    assert!(p.check(&MessageAttributes::new(), r#"{"n": 100}"#).is_err());
}

#[test]
fn body_literals_true_false_null_match_exactly() {
    let p = body_policy(r#"{"encrypted": [false], "note": [null]}"#);
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"encrypted": false, "note": null}"#
        )
        .is_ok());
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"encrypted": "false", "note": null}"#
        )
        .is_err());
    // "exists": true needs a non-null, non-empty value ("Key matching").
    let p = body_policy(r#"{"note": [{"exists": true}]}"#);
    assert!(p
        .check(&MessageAttributes::new(), r#"{"note": null}"#)
        .is_err());
    assert!(p
        .check(&MessageAttributes::new(), r#"{"note": []}"#)
        .is_err());
}

/// "Key matching": `exists` "works only on leaf nodes".
#[test]
fn exists_sees_only_leaf_values() {
    let p = body_policy(r#"{"detail": {"c-count": [{"exists": false}]}}"#);
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"detail": {"c-count": {"c1": 100}}}"#
        )
        .is_ok());
    let p = body_policy(r#"{"detail": {"c-count": [{"exists": true}]}}"#);
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"detail": {"c-count": {"c1": 100}}}"#
        )
        .is_err());
}

/// `test_filter_policy_on_message_body_dot_attribute` (LocalStack, AWS-validated): a dotted
/// key reaches both nested and dotted bodies.
#[test]
fn dotted_keys_match_nested_and_dotted_bodies() {
    let p = body_policy(r#"{"object.nested": ["string.value"]}"#);
    for body in [
        r#"{"object": {"nested": "string.value"}}"#,
        r#"{"object.nested": "string.value"}"#,
    ] {
        assert!(p.check(&MessageAttributes::new(), body).is_ok(), "{body}");
    }
    let p = body_policy(r#"{"object.nested.test": ["string.value"]}"#);
    for body in [
        r#"{"object": {"nested": {"test": "string.value"}}}"#,
        r#"{"object.nested.test": "string.value"}"#,
        r#"{"object.nested": {"test": "string.value"}}"#,
        r#"{"object": {"nested.test": "string.value"}}"#,
    ] {
        assert!(p.check(&MessageAttributes::new(), body).is_ok(), "{body}");
    }
    assert!(p
        .check(
            &MessageAttributes::new(),
            r#"{"object": {"nested": {"test": "string.notvalue"}}}"#
        )
        .is_err());
}

/// `test_filter_policy_on_message_body_or_attribute` (LocalStack, AWS-validated): 7 messages
/// refused, 5 delivered.
#[test]
fn or_at_top_level_and_nested_in_the_body() {
    let p = body_policy(
        r#"{
            "$or": [
                {"metricName": ["CPUUtilization", "ReadLatency"]},
                {"namespace": ["AWS/EC2", "AWS/ES"]}
            ],
            "detail": {
                "scope": ["Service"],
                "$or": [
                    {"source": ["aws.cloudwatch"]},
                    {"type": ["CloudWatch Alarm State Change"]}
                ]
            }
        }"#,
    );
    let refused = [
        json!({"metricName": "CPUUtilization", "detail": {"scope": "aws.cloudwatch", "type": "CloudWatch Alarm State Change"}}),
        json!({"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CPUUtilization"}}),
        json!({"metricName": "CPUUtilization", "detail": {"type": "CloudWatch Alarm State Change"}}),
        json!({"metricName": "CPUUtilization", "detail": {"scope": "Service"}}),
        json!({"metricName": "CPUUtilization", "scope": "Service"}),
        json!({"metricName": "AWS/EC2", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}),
        json!({"namespace": "CPUUtilization", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}),
    ];
    let delivered = [
        json!({"metricName": "CPUUtilization", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}),
        json!({"metricName": "ReadLatency", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}),
        json!({"namespace": "AWS/EC2", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}),
        json!({"namespace": "AWS/ES", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}),
        json!({"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}),
    ];
    for m in refused {
        assert!(
            p.check(&MessageAttributes::new(), &m.to_string()).is_err(),
            "{m}"
        );
    }
    for m in delivered {
        assert!(
            p.check(&MessageAttributes::new(), &m.to_string()).is_ok(),
            "{m}"
        );
    }
}

/// `test_filter_policy_ip_address_condition` (LocalStack, AWS-validated): IPv4 and IPv6 CIDRs.
#[test]
fn cidr_matches_ipv4_and_ipv6() {
    let p = body_policy(
        r#"{"detail": {"$or": [
            {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]},
            {"sourceIPAddressV6": [{"cidr": "2001:db8:1234:1a00::/64"}]}]}}"#,
    );
    let m = |d: Value| p.check(&MessageAttributes::new(), &json!({"detail": d}).to_string());
    assert!(m(json!({"sourceIPAddress": "10.0.0.255"})).is_ok());
    assert!(m(json!({"sourceIPAddress": "10.0.0.256"})).is_err());
    assert!(m(json!({"sourceIPAddressV6": "2001:0db8:1234:1a00:0000:0000:0000:0000"})).is_ok());
    assert!(m(json!({"sourceIPAddressV6": "2001:0db8:123f:1a01:0000:0000:0000:0000"})).is_err());
}

/// `test_filter_policy_empty_array_payload` (LocalStack, AWS-validated).
#[test]
fn empty_arrays_in_the_body_are_harmless() {
    let p = body_policy(r#"{"detail": {"eventVersion": [""]}}"#);
    let body = json!({"resources": [], "detail": {"eventVersion": "", "responseElements": null}});
    assert!(p
        .check(&MessageAttributes::new(), &body.to_string())
        .is_ok());
}

/// Keys inside one array of objects must match within the same element (Event Ruler's array
/// consistency, which SNS body filtering inherits).
#[test]
fn keys_in_an_array_of_objects_match_within_one_element() {
    let p = body_policy(r#"{"items": {"kind": ["book"], "price": [{"numeric": ["<", 10]}]}}"#);
    let ok = r#"{"items": [{"kind": "pen", "price": 2}, {"kind": "book", "price": 5}]}"#;
    let split = r#"{"items": [{"kind": "book", "price": 50}, {"kind": "pen", "price": 5}]}"#;
    assert!(p.check(&MessageAttributes::new(), ok).is_ok());
    let err = p.check(&MessageAttributes::new(), split).unwrap_err();
    assert!(err.contains("same array"), "{err}");
}

#[test]
fn string_array_attributes_match_any_element_of_any_type() {
    let p = attr_policy(r#"{"tags": [{"numeric": [">", 10]}, true]}"#);
    let arr = |v: &str| {
        let mut a = MessageAttributes::new();
        a.insert(
            "tags".into(),
            MessageAttributeValue {
                data_type: "String.Array".into(),
                string_value: Some(v.into()),
                ..Default::default()
            },
        );
        a
    };
    assert!(p.check(&arr(r#"["a", 11]"#), "").is_ok());
    assert!(p.check(&arr(r#"["a", true]"#), "").is_ok());
    assert!(p.check(&arr(r#"["a", 9, null]"#), "").is_err());
}

#[test]
fn anything_but_combined_with_exists_false_also_matches_absence() {
    // "String value matching": "anything-but can be combined with "exists": false".
    let p = attr_policy(r#"{"event": [{"anything-but": "order_cancelled"}, {"exists": false}]}"#);
    assert!(p.check(&string_attr("other", "x"), "").is_ok());
    assert!(p.check(&string_attr("event", "order_placed"), "").is_ok());
    assert!(p
        .check(&string_attr("event", "order_cancelled"), "")
        .is_err());
}

#[test]
fn prefix_and_suffix_equals_ignore_case_and_wildcard_escapes() {
    let p = attr_policy(r#"{"k": [{"prefix": {"equals-ignore-case": "ORD"}}]}"#);
    assert!(p.check(&string_attr("k", "order-1"), "").is_ok());
    let p = attr_policy(r#"{"k": [{"suffix": {"equals-ignore-case": "BALL"}}]}"#);
    assert!(p.check(&string_attr("k", "Baseball"), "").is_ok());
    let p = attr_policy(r#"{"k": [{"wildcard": "a\\*b*"}]}"#);
    assert!(p.check(&string_attr("k", "a*bcd"), "").is_ok());
    assert!(p.check(&string_attr("k", "axbcd"), "").is_err());
}

// ---- no panics -----------------------------------------------------------------------------

fn json_value() -> impl Strategy<Value = Value> {
    let word = prop_oneof![
        Just("prefix"),
        Just("suffix"),
        Just("numeric"),
        Just("anything-but"),
        Just("exists"),
        Just("cidr"),
        Just("wildcard"),
        Just("equals-ignore-case"),
        Just("$or"),
        Just(">"),
        Just("<="),
        Just("="),
        Just("10.0.0.0/24"),
        Just("::1/64"),
        Just("a"),
        Just("b"),
        Just("*x\\*"),
    ]
    .prop_map(|s: &str| s.to_string());
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1e12f64..1e12).prop_map(|f| json!(f)),
        "[a-z.*\\\\-]{0,5}".prop_map(Value::String),
        word.clone().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((word.clone(), inner), 0..5)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn exercise(policy: &str, body: &str) {
    let mut a = MessageAttributes::new();
    a.insert("a".into(), MessageAttributeValue::string(body));
    a.insert(
        "b".into(),
        MessageAttributeValue {
            data_type: "String.Array".into(),
            string_value: Some(body.into()),
            ..Default::default()
        },
    );
    for scope in [
        FilterPolicyScope::MessageAttributes,
        FilterPolicyScope::MessageBody,
    ] {
        if let Ok(p) = FilterPolicy::parse(policy, scope) {
            let _ = p.check(&a, body);
            let _ = p.check(&MessageAttributes::new(), body);
        }
        let _ = FilterPolicy::parse_for_subscribe(policy, scope);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_json_never_panics(policy in json_value(), body in json_value()) {
        exercise(&policy.to_string(), &body.to_string());
        // Wrapped so that more of them are objects with rule arrays.
        let wrapped = json!({"a": [policy.clone()], "b": policy});
        exercise(&wrapped.to_string(), &body.to_string());
    }

    #[test]
    fn random_text_never_panics(policy in "[\\[\\]{}\",: 0-9a-z\\-.eE\\\\$<>=*/é]{0,40}",
                                body in "[\\[\\]{}\",: 0-9a-z\\-.]{0,30}") {
        exercise(&policy, &body);
    }
}
