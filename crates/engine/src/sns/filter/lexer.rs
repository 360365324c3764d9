//! The JSON token stream of a filter policy, with Jackson's semantics (including where it stops and the errors it gives).

use super::*;

// ---- the JSON token stream (Jackson's semantics, including where it stops) -------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
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
pub(super) enum CtxKind {
    Object,
    Array,
}

pub(super) struct Ctx {
    pub(super) kind: CtxKind,
    pub(super) first: bool,
}

/// A pull tokenizer with Jackson's observable position: after a field name it has already read
/// the start of the value (a string only up to its opening quote); a string value's text is
/// read on demand (`text()`), which moves the position past its closing quote.
pub(super) struct Lexer<'a> {
    pub(super) src: &'a str,
    pub(super) b: &'a [u8],
    pub(super) pos: usize,
    pub(super) stack: Vec<Ctx>,
    pub(super) cur: Tok,
    pub(super) pending: Option<Tok>,
    pub(super) name: String,
    pub(super) text: String,
    /// The current (or pending) string value has not been read past its opening quote.
    pub(super) incomplete: bool,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(src: &'a str) -> Self {
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

    pub(super) fn err<T>(&self, msg: impl Into<String>) -> PResult<T> {
        Err(PErr::Located {
            msg: msg.into(),
            pos: self.pos,
        })
    }

    pub(super) fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The character at the position (for error messages), and moves past it as Jackson does.
    pub(super) fn unexpected<T>(&mut self, expecting: &str) -> PResult<T> {
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

    pub(super) fn eof<T>(&self) -> PResult<T> {
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

    pub(super) fn next_token(&mut self) -> PResult<Tok> {
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

    pub(super) fn push(&mut self, kind: CtxKind) -> PResult<()> {
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
    pub(super) fn value_start(&mut self) -> PResult<Tok> {
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

    pub(super) fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.b.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    pub(super) fn number(&mut self) -> PResult<Tok> {
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

    pub(super) fn number_char_error<T>(&mut self, what: &str) -> PResult<T> {
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

    pub(super) fn finish_string(&mut self) -> PResult<()> {
        self.incomplete = false;
        self.text = self.read_string_body()?;
        Ok(())
    }

    /// Reads a string's contents after its opening quote, up to and past the closing quote.
    pub(super) fn read_string_body(&mut self) -> PResult<String> {
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

    pub(super) fn hex4(&mut self) -> PResult<u32> {
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
    pub(super) fn text(&mut self) -> PResult<String> {
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
pub(super) fn describe_char(c: char) -> String {
    if c.is_control() {
        format!("(CTRL-CHAR, code {})", c as u32)
    } else {
        format!("'{c}' (code {})", c as u32)
    }
}
