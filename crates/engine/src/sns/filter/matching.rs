//! Matching a compiled policy against message attributes or a JSON body.

use super::*;
use crate::core::case;

// ---- matching ------------------------------------------------------------------------------

/// A scalar value from the message.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Val {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// One value reachable under a key path, with the arrays it sits in: `(array id, element)`.
#[derive(Debug)]
pub(super) struct Leaf {
    pub(super) val: Val,
    pub(super) arrays: Vec<(u32, u32)>,
}

impl Leaf {
    pub(super) fn counts_as_present(&self) -> bool {
        self.val != Val::Null
    }
}

/// `s.to_lowercase()`, from the engine's smaller case tables (`core::case`).
pub(super) fn lower(s: &str) -> String {
    case::lower_str(s)
}

pub(super) fn eq_ignore_case(a: &str, b: &str) -> bool {
    // `str::to_uppercase` maps each character on its own (no context rule, unlike the final
    // sigma of `to_lowercase`), so comparing the mapped characters is the same test, without
    // the two Strings and without linking `str::to_uppercase` (3.5 KB of wasm).
    a == b || lower(a) == lower(b) || upper(a).eq(upper(b))
}

pub(super) fn upper(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(case::to_upper)
}

impl IpNet {
    pub(super) fn contains_str(&self, s: &str) -> bool {
        matches!(ip_literal(s), Some((v6, a)) if v6 == self.v6 && self.lo <= a && a <= self.hi)
    }
}

impl NumRange {
    pub(super) fn contains(&self, x: f64) -> bool {
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
    pub(super) fn matches(&self, v: &Val) -> bool {
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
    pub(super) fn matches(&self, leaf: &Leaf) -> bool {
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

    pub(super) fn is_exact(&self) -> bool {
        matches!(
            self,
            Cond::ExactStr { .. } | Cond::ExactNum(_) | Cond::ExactBool(_) | Cond::ExactNull
        )
    }
}

/// What a message offers to a policy: values by key path, and how to show them.
pub(super) struct Facts {
    pub(super) leaves: OrdMap<String, Vec<Leaf>>,
    pub(super) shown: BTreeMap<String, String>,
    pub(super) body: bool,
}

impl Facts {
    pub(super) fn from_attributes(attributes: &MessageAttributes) -> Result<Facts, String> {
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

    pub(super) fn from_body(body: &str, paths: &Paths) -> Result<Facts, String> {
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
    pub(super) fn explain(&self, rule: &Rule, leaves: &[Leaf], present: bool) -> String {
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
pub(super) fn attribute_values(attr: &MessageAttributeValue) -> Option<(Vec<Leaf>, String)> {
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
            let val = match crate::core::float::parse_f64(raw.trim()) {
                Ok(x) if x.is_finite() => Val::Num(x),
                _ => Val::Str(raw.clone()),
            };
            Some((vec![leaf(val)], raw))
        }
        _ => None,
    }
}

pub(super) fn json_scalar(v: &Value) -> Option<Val> {
    Some(match v {
        Value::String(s) => Val::Str(s.clone()),
        Value::Number(n) => Val::Num(n.as_f64()?),
        Value::Bool(b) => Val::Bool(*b),
        Value::Null => Val::Null,
        _ => return None,
    })
}

pub(super) fn val_to_json(v: &Val) -> Value {
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
pub(super) fn flatten(
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
