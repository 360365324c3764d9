//! Which member of a JSON text an error is about: the path (`consumers[0].wait_time_s`) of
//! the value at the line and column serde_json reports.
//!
//! This names the member at fault in a bad file or link with one small scanner, where a
//! path-tracking deserializer (serde_path_to_error) instantiated its wrappers for every type
//! read and cost the wasm bundle about 40 KB of code before optimisation.

use serde::de::DeserializeOwned;

enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// The path of the value at `line`/`column` (1-based, as serde_json counts them) of `text`;
/// "" for the top level. An error reported at an object's or array's closing bracket (a
/// missing member, a check of the whole object) is about that object.
pub fn path_at(text: &str, line: usize, column: usize) -> String {
    let bytes = text.as_bytes();
    let line_start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let at = (line_start + column.saturating_sub(1)).min(bytes.len().saturating_sub(1));
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                stack.push(Frame::Object { key: None });
                expect_key = true;
            }
            b'[' => {
                stack.push(Frame::Array { index: 0 });
                expect_key = false;
            }
            b'}' | b']' => {
                if i >= at {
                    return render(&stack, true);
                }
                stack.pop();
                expect_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { .. }) => expect_key = true,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    if let Some(Frame::Object { key }) = stack.last_mut() {
                        *key = Some(text.get(start..i.min(bytes.len())).unwrap_or("").into());
                    }
                    expect_key = false;
                }
            }
            _ => {}
        }
        if i >= at {
            return render(&stack, false);
        }
        i += 1;
    }
    render(&stack, false)
}

fn render(stack: &[Frame], container: bool) -> String {
    let n = if container {
        stack.len().saturating_sub(1)
    } else {
        stack.len()
    };
    let mut out = String::new();
    for frame in &stack[..n] {
        match frame {
            Frame::Object { key: Some(k) } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// Reads a `T` from a JSON value; an error comes back as (path of the member at fault,
/// message without serde_json's position). A message that itself starts with a member name
/// (`dist: unknown distribution …`, from a check of a whole object) extends the path.
pub fn read<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, (String, String)> {
    let text = value.to_string();
    serde_json::from_str(&text).map_err(|e| {
        let mut path = path_at(&text, e.line(), e.column());
        let full = e.to_string();
        let mut message = match full.rsplit_once(" at line ") {
            Some((m, _)) => m.to_string(),
            None => full,
        };
        if let Some((head, rest)) = message.split_once(": ") {
            let is_member = !head.is_empty()
                && head.starts_with(|c: char| c.is_ascii_lowercase())
                && head.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if is_member {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(head);
                message = rest.to_string();
            }
        }
        (path, message)
    })
}

#[cfg(test)]
mod tests {
    use super::path_at;

    /// The path at the first occurrence of `needle`'s last byte.
    fn at(text: &str, needle: &str) -> String {
        let i = text.find(needle).expect("needle") + needle.len();
        path_at(text, 1, i)
    }

    #[test]
    fn paths_of_members_elements_and_containers() {
        let t = r#"{"a":1,"b":{"c":[10,{"d":"x"},30]},"e":[]}"#;
        assert_eq!(at(t, r#""a":1"#), "a");
        assert_eq!(at(t, r#""c":[10"#), "b.c[0]");
        assert_eq!(at(t, r#""d":"x""#), "b.c[1].d");
        assert_eq!(at(t, r#",30"#), "b.c[2]");
        assert_eq!(
            at(t, r#""d":"x"}"#),
            "b.c[1]",
            "a closing brace is its object"
        );
        assert_eq!(at(t, r#""e":[]"#), "e", "an empty array's ]");
        assert_eq!(at(t, r#"{"a""#), "a", "a key");
        assert_eq!(path_at(t, 1, t.len()), "", "the top level");
        assert_eq!(path_at(r#"{"a\"b":1}"#, 1, 9), "a\\\"b");
        assert_eq!(path_at("{\n \"a\": [1,\n 2]}", 3, 2), "a[1]");
        assert_eq!(path_at("", 1, 1), "");
        assert_eq!(path_at("{", 9, 9), "");
    }
}
