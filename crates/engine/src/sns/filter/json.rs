//! The policy as a JSON tree and its compact form (Jackson's `JsonNode`), and Java's number formatting.

use super::*;

// ---- the policy as a JSON tree, and its compact form (Jackson's `JsonNode`) -----------------

/// A JSON value keeping object key order (first position, last value for repeated keys, as
/// Jackson's `ObjectNode` does) and number text.
pub(super) enum Json {
    Obj(Vec<(String, Json)>),
    Arr(Vec<Json>),
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

/// Reads one JSON document (trailing content is ignored, as Jackson's `readTree` does).
pub(super) fn read_document(src: &str) -> PResult<Option<Json>> {
    let mut lx = Lexer::new(src);
    let t = lx.next_token()?;
    if t == Tok::Eof {
        return Ok(None);
    }
    read_json(&mut lx, t).map(Some)
}

pub(super) fn read_json(lx: &mut Lexer, t: Tok) -> PResult<Json> {
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
    pub(super) fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    pub(super) fn write(&self, out: &mut String) {
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
pub(super) fn write_jackson_string(s: &str, out: &mut String) {
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
pub(super) fn jackson_number(text: &str) -> String {
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
pub(super) fn java_double(d: f64) -> String {
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
