//! Reading lesson files: first the parsed `serde_json::Value` is checked against a schema
//! written as static tables (members, which are required, their kinds), every error with the
//! path of the member at fault (`steps[2].highlight.queue`); then values are taken out of it
//! without further checks.
//!
//! Not serde derives: a derive instantiates a visitor per type, and the two dozen types of the
//! lesson format cost the wasm bundle about 25 KB gzipped that way (a hand-written reader with
//! a `Result` per member still cost 12 KB). One walker over tables costs a fraction of it.

use super::Text;
use serde_json::Value;

/// (member path, message).
pub type ReadError = (String, String);

pub fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => a.to_string(),
        (true, false) => b.to_string(),
        _ => format!("{a}.{b}"),
    }
}

/// What a member must be.
pub enum Kind {
    Str,
    Num,
    /// A whole number ≥ 0.
    Count,
    Bool,
    /// Any JSON (a scenario: checked by its own reader).
    Any,
    /// A number between the two, inclusive.
    Range(f64, f64),
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An object whose members are these, with exactly one of the names given present.
    OneObj(&'static [Field], &'static [&'static str]),
    /// `{"en": …, "ko": …}`, both non-empty, the Korean in Korean.
    Text,
    Obj(&'static [Field]),
    List(&'static Kind),
    /// Recorded edits (read by `Edit`'s own reader).
    Edits,
    /// A checkpoint (see `check::Check::read`).
    Check,
}

pub struct Field {
    pub name: &'static str,
    pub required: bool,
    pub kind: Kind,
}

pub const fn req(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        required: true,
        kind,
    }
}

pub const fn opt(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        required: false,
        kind,
    }
}

fn fail(path: &str, message: &str) -> Result<(), ReadError> {
    Err((path.to_string(), message.to_string()))
}

/// Checks `v` against `kind`; the error names the member.
pub fn check(v: &Value, kind: &Kind, path: &str) -> Result<(), ReadError> {
    match kind {
        Kind::Str if !v.is_string() => fail(path, "must be a string"),
        Kind::Num if !v.as_f64().is_some_and(f64::is_finite) => fail(path, "must be a number"),
        Kind::Count if v.as_u64().is_none() => fail(path, "must be a whole number ≥ 0"),
        Kind::Bool if !v.is_boolean() => fail(path, "must be true or false"),
        Kind::Range(lo, hi) if !v.as_f64().is_some_and(|x| x >= *lo && x <= *hi) => Err((
            path.to_string(),
            format!("must be a number between {lo} and {hi}"),
        )),
        Kind::OneOf(names) if !v.as_str().is_some_and(|x| names.contains(&x)) => Err((
            path.to_string(),
            format!("{v} is not one of {}", names.join(", ")),
        )),
        Kind::OneObj(fields, one) => {
            check(v, &Kind::Obj(fields), path)?;
            if one
                .iter()
                .filter(|k| v.get(**k).is_some_and(|x| !x.is_null()))
                .count()
                != 1
            {
                return Err((
                    path.to_string(),
                    format!("name exactly one of {}", one.join(", ")),
                ));
            }
            Ok(())
        }
        Kind::Text => {
            check(v, &Kind::Obj(TEXT), path)?;
            text(v).check().map_err(|(m, e)| (join(path, &m), e))
        }
        Kind::Obj(fields) => {
            let Some(map) = v.as_object() else {
                return fail(path, "must be a JSON object");
            };
            if let Some(k) = map
                .keys()
                .find(|k| !fields.iter().any(|f| f.name == k.as_str()))
            {
                let shown: String = k.chars().take(40).collect();
                let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                return Err((
                    join(path, &shown),
                    format!("unknown member (expected one of {})", names.join(", ")),
                ));
            }
            for f in fields.iter() {
                match map.get(f.name).filter(|x| !x.is_null()) {
                    Some(x) => check(x, &f.kind, &join(path, f.name))?,
                    None if f.required => return fail(&join(path, f.name), "missing"),
                    None => {}
                }
            }
            Ok(())
        }
        Kind::List(item) => {
            let Some(list) = v.as_array() else {
                return fail(path, "must be a list");
            };
            for (i, x) in list.iter().enumerate() {
                check(x, item, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Kind::Edits => {
            let Some(list) = v.as_array() else {
                return fail(path, "must be a list");
            };
            for (i, x) in list.iter().enumerate() {
                crate::json_path::read::<crate::edits::Edit>(x)
                    .map_err(|(m, e)| (join(&format!("{path}[{i}]"), &m), e))?;
            }
            Ok(())
        }
        Kind::Check => super::check::Check::read(v)
            .map(|_| ())
            .map_err(|(m, e)| (join(path, &m), e)),
        _ => Ok(()),
    }
}

const TEXT: &[Field] = &[req("en", Kind::Str), req("ko", Kind::Str)];

// ---------------------------------------------------------------------- taking values out
// After `check`, a member is either absent or of its kind: these take it out as it is.

pub fn str_of(v: &Value, key: &str) -> String {
    opt_str(v, key).unwrap_or_default()
}

pub fn opt_str(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

pub fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

pub fn text(v: &Value) -> Text {
    Text {
        en: str_of(v, "en"),
        ko: str_of(v, "ko"),
    }
}

pub fn text_of(v: &Value, key: &str) -> Text {
    v.get(key).map(text).unwrap_or_default()
}

pub fn opt_text(v: &Value, key: &str) -> Option<Text> {
    v.get(key).filter(|x| !x.is_null()).map(text)
}

pub fn edits(v: &Value, key: &str) -> Vec<crate::edits::Edit> {
    list(v, key)
        .iter()
        .filter_map(|e| crate::json_path::read(e).ok())
        .collect()
}
