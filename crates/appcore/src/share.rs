//! Share links, import/export and autosave: the scenario (with its seed), the virtual time,
//! the preset and the language, so that opening a link reproduces the exact run.
//!
//! - Link: `#v1=<base64url, no padding, of the compact JSON {"s": scenario, "t": ms, "p":
//!   preset, "l": lang, "e": edits}>`. `e` (left out when empty) is the run's timeline of
//!   changes made while it ran, `[[ms, edit], …]` (see [`crate::edits`]); `s` is then the
//!   scenario as it was before them. The version prefix lets a later format be told apart.
//! - File: the scenario alone, pretty JSON (what `scenarios/*.json` hold).
//! - Autosave: the same object as a link, as plain JSON (localStorage holds text).
//!
//! Everything read here comes from outside (a link someone sent, a file, storage another
//! version wrote), so it is checked in order — size before decoding, then the version, base64,
//! JSON, each field, the scenario's own validation, and finally building the world, which
//! checks the queue attributes as CreateQueue does — and every failure names the field at
//! fault. Nothing here panics on any input.

use crate::edits::{Edit, EDITS_MAX};
use crate::i18n::Lang;
use mqlab_engine::core::base64;
use mqlab_engine::scenario::SCENARIO_BYTES_MAX;
use mqlab_engine::time::MS_PER_DAY;
use mqlab_engine::{Scenario, ScenarioError};
use serde_json::{Map, Value};
use std::fmt;

/// Largest scenario file accepted, bytes (the engine's own cap).
pub const IMPORT_BYTES_MAX: usize = SCENARIO_BYTES_MAX;
/// Largest link fragment read: the base64 of the largest scenario plus the wrapper. Checked
/// before decoding, so a huge link costs nothing.
pub const FRAGMENT_CHARS_MAX: usize = (IMPORT_BYTES_MAX + 1_024) * 4 / 3 + 16;
/// Latest virtual time a link may ask for. Opening a link replays the run up to it; the
/// longest message retention (14 days) bounds what a run can still show, and the cap bounds
/// how long opening a link can take.
pub const T_MS_MAX: u64 = 14 * MS_PER_DAY;
/// Longest preset id a link may carry.
const PRESET_ID_MAX: usize = 64;
/// The current link format.
const VERSION: &str = "v1";
/// The localStorage key the app keeps its autosave under.
pub const AUTOSAVE_KEY: &str = "mqlab.autosave.v1";

#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The scenario the run started from (before `edits`).
    pub scenario: Scenario,
    /// Changes made while the run went on, at their virtual times (ms), in order.
    pub edits: Vec<(u64, Edit)>,
    /// Virtual time to open the run at, ms.
    pub t_ms: u64,
    pub preset: Option<String>,
    pub lang: Option<Lang>,
}

/// What is wrong with a link or a file: the field (`link`, `file`, `t`,
/// `scenario.consumers[0].max_messages` …) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareError {
    pub field: String,
    pub message: String,
}

impl ShareError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ShareError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ShareError {}

// ------------------------------------------------------------------------------------ link

pub fn to_fragment(s: &Shared) -> String {
    format!(
        "#{VERSION}={}",
        base64::encode_url(to_compact_json(s).as_bytes())
    )
}

/// Reads a fragment made by [`to_fragment`], with or without its leading `#`.
pub fn from_fragment(fragment: &str) -> Result<Shared, ShareError> {
    let link = |m: String| ShareError::new("link", m);
    if fragment.len() > FRAGMENT_CHARS_MAX {
        return Err(link(format!(
            "too long ({} characters; the limit is {FRAGMENT_CHARS_MAX})",
            fragment.len()
        )));
    }
    let body = fragment.trim();
    let body = body.strip_prefix('#').unwrap_or(body);
    if body.is_empty() {
        return Err(link("empty".into()));
    }
    let Some((version, payload)) = body.split_once('=') else {
        return Err(link(format!("not an mqlab link (expected #{VERSION}=…)")));
    };
    if version != VERSION {
        let shown: String = version.chars().take(16).collect();
        return Err(link(format!(
            "unsupported version {shown:?} (this page reads {VERSION})"
        )));
    }
    if payload.is_empty() {
        return Err(link("no data after v1=".into()));
    }
    // Some mail clients and chat apps pad or re-encode links; be lenient about '=' padding.
    let payload = payload.trim_end_matches('=');
    let bytes = base64::decode_url(payload).map_err(|e| link(format!("not base64url ({e})")))?;
    let text = String::from_utf8(bytes).map_err(|_| link("not UTF-8 text".into()))?;
    from_compact_json(&text, "link")
}

// ---------------------------------------------------------------------------------- autosave

/// The autosave text: the same object a link carries, as JSON.
pub fn to_autosave(s: &Shared) -> String {
    to_compact_json(s)
}

pub fn from_autosave(text: &str) -> Result<Shared, ShareError> {
    if text.len() > IMPORT_BYTES_MAX + 1_024 {
        return Err(ShareError::new(
            "autosave",
            format!("too large ({} bytes)", text.len()),
        ));
    }
    from_compact_json(text, "autosave")
}

fn to_compact_json(s: &Shared) -> String {
    let mut m = Map::new();
    m.insert(
        "s".into(),
        serde_json::to_value(&s.scenario).unwrap_or(Value::Null),
    );
    m.insert("t".into(), Value::from(s.t_ms));
    if let Some(p) = &s.preset {
        m.insert("p".into(), Value::from(p.as_str()));
    }
    if let Some(l) = s.lang {
        m.insert("l".into(), Value::from(l.code()));
    }
    if !s.edits.is_empty() {
        m.insert(
            "e".into(),
            serde_json::to_value(&s.edits).unwrap_or(Value::Null),
        );
    }
    Value::Object(m).to_string()
}

fn from_compact_json(text: &str, what: &str) -> Result<Shared, ShareError> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ShareError::new(what, format!("not valid JSON ({e})")))?;
    let Value::Object(mut m) = v else {
        return Err(ShareError::new(what, "not a JSON object"));
    };
    if let Some(k) = m
        .keys()
        .find(|k| !["s", "t", "p", "l", "e"].contains(&k.as_str()))
    {
        let shown: String = k.chars().take(32).collect();
        return Err(ShareError::new(
            what,
            format!("unknown field {shown:?} (expected s, t, p, l, e)"),
        ));
    }
    let t_ms = match m.get("t") {
        None => 0,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(t) if t <= T_MS_MAX => t,
            _ => {
                return Err(ShareError::new(
                    "t",
                    format!("must be a whole number of milliseconds between 0 and {T_MS_MAX}"),
                ))
            }
        },
        Some(_) => return Err(ShareError::new("t", "must be a number")),
    };
    let preset = match m.get("p") {
        None | Some(Value::Null) => None,
        Some(Value::String(p))
            if !p.is_empty()
                && p.len() <= PRESET_ID_MAX
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') =>
        {
            Some(p.clone())
        }
        Some(_) => {
            return Err(ShareError::new(
                "preset",
                format!("must be a preset id (a-z, 0-9, '-', at most {PRESET_ID_MAX})"),
            ))
        }
    };
    let lang = match m.get("l") {
        None | Some(Value::Null) => None,
        Some(Value::String(l)) => Some(Lang::from_code(l).ok_or_else(|| {
            let shown: String = l.chars().take(16).collect();
            ShareError::new("lang", format!("unknown language {shown:?} (en or ko)"))
        })?),
        Some(_) => return Err(ShareError::new("lang", "must be \"en\" or \"ko\"")),
    };
    let scenario = match m.remove("s") {
        Some(v @ Value::Object(_)) => scenario_from_value(v)?,
        Some(_) => return Err(ShareError::new("scenario", "must be a JSON object")),
        None => return Err(ShareError::new("scenario", "missing")),
    };
    let edits = match m.remove("e") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => edits_from_value(v, &scenario)?,
    };
    Ok(Shared {
        scenario,
        edits,
        t_ms,
        preset,
        lang,
    })
}

/// Reads the edits timeline: at most [`EDITS_MAX`] `[ms, edit]` pairs in time order, each
/// edit checked against the scenario; errors name `edits[i]…`.
fn edits_from_value(v: Value, scenario: &Scenario) -> Result<Vec<(u64, Edit)>, ShareError> {
    let Value::Array(items) = v else {
        return Err(ShareError::new(
            "edits",
            "must be a list of [ms, edit] pairs",
        ));
    };
    if items.len() > EDITS_MAX {
        return Err(ShareError::new(
            "edits",
            format!("too many ({}; the limit is {EDITS_MAX})", items.len()),
        ));
    }
    let mut edits = Vec::with_capacity(items.len());
    let mut last = 0;
    for (i, item) in items.into_iter().enumerate() {
        let field = |member: &str| {
            if member.is_empty() {
                format!("edits[{i}]")
            } else {
                format!("edits[{i}].{member}")
            }
        };
        let Value::Array(mut pair) = item else {
            return Err(ShareError::new(field(""), "must be an [ms, edit] pair"));
        };
        if pair.len() != 2 {
            return Err(ShareError::new(field(""), "must be an [ms, edit] pair"));
        }
        let edit_value = pair.pop().unwrap_or(Value::Null);
        let at = match pair.pop().and_then(|t| t.as_u64()) {
            Some(t) if t <= T_MS_MAX && t >= last => t,
            _ => {
                return Err(ShareError::new(
                    field("0"),
                    format!(
                        "must be a whole number of milliseconds, not before the previous edit, \
                         at most {T_MS_MAX}"
                    ),
                ))
            }
        };
        last = at;
        let edit: Edit = crate::json_path::read(&edit_value)
            .map_err(|(member, message)| ShareError::new(field(&member), message))?;
        edit.check(scenario)
            .map_err(|(member, message)| ShareError::new(field(&member), message))?;
        edits.push((at, edit));
    }
    Ok(edits)
}

// ------------------------------------------------------------------------------------ file

/// The scenario as a file: pretty JSON, ending with a newline.
pub fn export_json(s: &Scenario) -> String {
    let mut text = s.to_json();
    text.push('\n');
    text
}

/// Reads a scenario file (the scenario alone, as [`export_json`] writes it).
pub fn import_json(text: &str) -> Result<Scenario, ShareError> {
    if text.len() > IMPORT_BYTES_MAX {
        return Err(ShareError::new(
            "file",
            format!(
                "too large ({} bytes; the limit is {IMPORT_BYTES_MAX})",
                text.len()
            ),
        ));
    }
    // Editors on Windows may start a UTF-8 file with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ShareError::new("file", "empty"));
    }
    let v: Value = serde_json::from_str(text)
        .map_err(|e| ShareError::new("file", format!("not valid JSON ({e})")))?;
    if !v.is_object() {
        return Err(ShareError::new(
            "file",
            "not a scenario (expected a JSON object with queues, producers, consumers)",
        ));
    }
    scenario_from_value(v)
}

/// Checks a scenario fully: its shape (naming the path of a wrong or unknown member), the
/// engine's validation, and building the world, which checks queue attributes as CreateQueue
/// would.
fn scenario_from_value(v: Value) -> Result<Scenario, ShareError> {
    let scenario: Scenario = crate::json_path::read(&v).map_err(|(path, message)| {
        let field = if path.is_empty() {
            "scenario".to_string()
        } else {
            format!("scenario.{path}")
        };
        ShareError::new(field, message)
    })?;
    scenario
        .validate()
        .map_err(|e| scenario_error(e, &scenario))?;
    crate::sim::build_world(&scenario).map_err(|e| scenario_error(e, &scenario))?;
    Ok(scenario)
}

/// The engine names the item (`consumers[0]`) and often the member first in its message
/// (`max_messages: must be …`); fold both into the field. A queue's CreateQueue error names
/// the attribute in its AWS message; point the field at it too.
fn scenario_error(e: ScenarioError, scenario: &Scenario) -> ShareError {
    let mut field = String::from("scenario");
    if !e.field.is_empty() {
        field.push('.');
        field.push_str(&e.field);
    }
    let mut message = e.message.as_str();
    if let Some((head, rest)) = message.split_once(": ") {
        // Spec members are snake_case paths; an AWS error code (CamelCase) is not a field.
        let is_path = head.starts_with(|c: char| c.is_ascii_lowercase())
            && head
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.[]".contains(c));
        if is_path {
            field.push('.');
            field.push_str(head);
            message = rest;
        }
    }
    if let Some(i) = e
        .field
        .strip_prefix("queues[")
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok())
    {
        let named = scenario.queues.get(i).and_then(|q| {
            q.attributes
                .keys()
                .find(|k| !k.is_empty() && message_names(message, k))
        });
        if let Some(attribute) = named {
            field.push_str(".Attributes.");
            field.push_str(attribute);
        }
    }
    ShareError::new(field, message)
}

/// Whether `message` mentions `word` as a whole word.
fn message_names(message: &str, word: &str) -> bool {
    message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == word)
}
