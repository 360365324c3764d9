//! Payloads: message bodies, notification texts, object bodies and record data.
//!
//! A simulated producer's body is a short JSON head padded with spaces up to `body_bytes`; a
//! run of 1 MB bodies at 50 msg/s would hold gigabytes if every copy were real bytes. So a
//! [`Payload`] is either what an API call gave (stored as given), or *synthetic*: a head, a
//! count of pad spaces and a tail, whose bytes are produced on demand, the same on every
//! read. Length, equality, MD5, SHA-256 and JSON quoting work on the parts, so a run's memory
//! grows with the number of messages, not their size.
//!
//! A payload is an `Rc`: copies (a fan-out, a receive, a `World` clone) share one body and its
//! MD5 once computed.

use super::sha256::Sha256;
use md5::{Digest, Md5};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;
use std::rc::Rc;

/// The byte synthetic payloads are padded with: a space needs no escaping in JSON, so the
/// JSON envelope of a padded body is padded the same way.
pub const PAD_BYTE: u8 = b' ';
/// Pad bytes fed to a digest at a time: the pad is never materialised whole.
const PAD_CHUNK: usize = 4096;
static PADDING: [u8; PAD_CHUNK] = [PAD_BYTE; PAD_CHUNK];

/// Bytes or text, stored as given or synthetic (see the module documentation).
#[derive(Clone)]
pub struct Payload(Rc<Inner>);

struct Inner {
    repr: Repr,
    /// MD5 of the bytes, computed on first use: most bodies are never asked for theirs.
    md5: OnceCell<[u8; 16]>,
}

enum Repr {
    Text(Box<str>),
    Bytes(Box<[u8]>),
    /// `head`, then `pad` × [`PAD_BYTE`], then `tail`.
    Synthetic {
        head: Head,
        pad: usize,
        tail: Box<str>,
    },
}

/// Bytes of a synthetic payload's head kept inside the payload (see [`Head`]).
const HEAD_INLINE: usize = 46;

/// A synthetic payload's head: held inline when short, as a simulated producer's
/// `{"producer":…,"n":…}` is, so that making such a payload costs one allocation (its `Rc`)
/// rather than two — a producer makes one for every message it sends.
enum Head {
    Inline { len: u8, bytes: [u8; HEAD_INLINE] },
    Heap(Box<str>),
}

impl Head {
    fn new(s: &str) -> Head {
        if s.len() <= HEAD_INLINE {
            let mut bytes = [0; HEAD_INLINE];
            bytes[..s.len()].copy_from_slice(s.as_bytes());
            Head::Inline {
                len: s.len() as u8,
                bytes,
            }
        } else {
            Head::Heap(s.into())
        }
    }

    /// Read without the UTF-8 check that [`Head::as_str`] makes: a payload's length is asked
    /// for many times per message.
    fn len(&self) -> usize {
        match self {
            Head::Inline { len, .. } => *len as usize,
            Head::Heap(s) => s.len(),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            Head::Inline { len, bytes } => &bytes[..*len as usize],
            Head::Heap(s) => s.as_bytes(),
        }
    }

    /// Whether `needle` occurs in the head, searched as bytes (an inline head is read as
    /// text only after a UTF-8 check, which would cost more than the search).
    fn contains_text(&self, needle: &str) -> bool {
        match self {
            Head::Inline { .. } => {
                let (h, n) = (self.as_bytes(), needle.as_bytes());
                let (Some(&first), Some(&last)) = (n.first(), n.last()) else {
                    return true;
                };
                // Only where the first and the last byte both match are the rest compared.
                h.len() >= n.len()
                    && h.iter()
                        .zip(&h[n.len() - 1..])
                        .enumerate()
                        .any(|(i, (&a, &z))| a == first && z == last && &h[i..i + n.len()] == n)
            }
            Head::Heap(s) => s.contains(needle),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Copied whole from a `&str`, so always UTF-8.
            Head::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            Head::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for Head {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Head) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Payload {
    fn new(repr: Repr) -> Payload {
        Payload(Rc::new(Inner {
            repr,
            md5: OnceCell::new(),
        }))
    }

    /// Text stored as given.
    pub fn text(s: impl Into<String>) -> Payload {
        Payload::new(Repr::Text(s.into().into_boxed_str()))
    }

    /// Bytes stored as given (Kinesis data, S3 bodies from the API).
    pub fn bytes(b: impl Into<Vec<u8>>) -> Payload {
        Payload::new(Repr::Bytes(b.into().into_boxed_slice()))
    }

    /// `head`, `pad` spaces, `tail`, produced on demand.
    pub fn synthetic(head: impl AsRef<str>, pad: usize, tail: impl Into<String>) -> Payload {
        Payload::new(Repr::Synthetic {
            head: Head::new(head.as_ref()),
            pad,
            tail: tail.into().into_boxed_str(),
        })
    }

    /// `head` padded with spaces up to `len` bytes (not cut if longer): a simulated producer's
    /// body.
    pub fn padded(head: &str, len: usize) -> Payload {
        let pad = len.saturating_sub(head.len());
        Payload::synthetic(head, pad, String::new())
    }

    pub fn len(&self) -> usize {
        match &self.0.repr {
            Repr::Text(s) => s.len(),
            Repr::Bytes(b) => b.len(),
            Repr::Synthetic { head, pad, tail } => head.len() + pad + tail.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_synthetic(&self) -> bool {
        matches!(self.0.repr, Repr::Synthetic { .. })
    }

    /// Bytes this payload keeps in memory: a synthetic one only its head and tail.
    pub fn retained_bytes(&self) -> usize {
        match &self.0.repr {
            Repr::Synthetic { head, tail, .. } => head.len() + tail.len(),
            _ => self.len(),
        }
    }

    /// Feeds the bytes, in order, in pieces of at most a few KiB for the pad.
    pub fn for_each_chunk(&self, mut f: impl FnMut(&[u8])) {
        match &self.0.repr {
            Repr::Text(s) => f(s.as_bytes()),
            Repr::Bytes(b) => f(b),
            Repr::Synthetic { head, pad, tail } => {
                f(head.as_bytes());
                let mut left = *pad;
                while left > 0 {
                    let n = left.min(PAD_CHUNK);
                    f(&PADDING[..n]);
                    left -= n;
                }
                f(tail.as_bytes());
            }
        }
    }

    /// The bytes; a synthetic payload is materialised for the caller (and not kept).
    pub fn as_bytes(&self) -> Cow<'_, [u8]> {
        match &self.0.repr {
            Repr::Text(s) => Cow::Borrowed(s.as_bytes()),
            Repr::Bytes(b) => Cow::Borrowed(b),
            Repr::Synthetic { .. } => Cow::Owned(self.materialise().into_bytes()),
        }
    }

    /// The text (bytes that are not UTF-8 are replaced, as `String::from_utf8_lossy` does);
    /// a synthetic payload is materialised for the caller (and not kept).
    pub fn as_str(&self) -> Cow<'_, str> {
        match &self.0.repr {
            Repr::Text(s) => Cow::Borrowed(s),
            Repr::Bytes(b) => String::from_utf8_lossy(b),
            Repr::Synthetic { .. } => Cow::Owned(self.materialise()),
        }
    }

    fn materialise(&self) -> String {
        let mut out = String::with_capacity(self.len());
        if let Repr::Synthetic { head, pad, tail } = &self.0.repr {
            out.push_str(head);
            out.extend(std::iter::repeat_n(PAD_BYTE as char, *pad));
            out.push_str(tail);
        }
        out
    }

    /// The bytes that are not pad — the whole payload, or a synthetic payload's head and tail —
    /// read without a UTF-8 check. Validation of characters needs no more, since the pad is
    /// spaces.
    pub fn unpadded_bytes(&self) -> (&[u8], &str) {
        match &self.0.repr {
            Repr::Text(s) => (s.as_bytes(), ""),
            Repr::Bytes(b) => (b, ""),
            Repr::Synthetic { head, tail, .. } => (head.as_bytes(), tail),
        }
    }

    /// MD5 of the bytes, computed once by streaming the parts.
    pub fn md5(&self) -> [u8; 16] {
        *self.0.md5.get_or_init(|| {
            let mut h = Md5::new();
            self.for_each_chunk(|c| h.update(c));
            h.finalize().into()
        })
    }

    /// MD5 as lowercase hex, as SQS and S3 write it.
    pub fn md5_hex(&self) -> String {
        crate::core::aws::hex(&self.md5())
    }

    /// SHA-256 of the bytes (content-based deduplication), streamed over the parts.
    pub fn sha256(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        self.for_each_chunk(|c| h.update(c));
        h.finalize()
    }

    /// Whether `needle` occurs in the text, without materialising a synthetic payload whose
    /// pad is at least as long as the needle.
    pub fn contains(&self, needle: &str) -> bool {
        match &self.0.repr {
            Repr::Synthetic { head, pad, tail } if *pad >= needle.len() => {
                // A match cannot span head, pad and tail at once: it lies in the head and the
                // first pad bytes, or in the last pad bytes and the tail. Checked in place
                // (a consumer asks this of every message it processes).
                let n = needle.as_bytes();
                let spaces = |b: &[u8]| b.iter().all(|&c| c == PAD_BYTE);
                // Most bodies have no tail, and a needle that neither starts nor ends with a
                // space cannot overlap the pad: then only the head is searched.
                let edges = n.first() == Some(&PAD_BYTE) || n.last() == Some(&PAD_BYTE);
                head.contains_text(needle)
                    || (!tail.is_empty() && tail.contains(needle))
                    || spaces(n)
                    || (edges
                        && (1..n.len()).any(|k| {
                            (head.as_bytes().ends_with(&n[..k]) && spaces(&n[k..]))
                                || (spaces(&n[..k]) && tail.as_bytes().starts_with(&n[k..]))
                        }))
            }
            _ => self.as_str().contains(needle),
        }
    }

    pub fn starts_with(&self, prefix: &str) -> bool {
        match &self.0.repr {
            Repr::Synthetic { head, pad, .. } if head.len() + pad >= prefix.len() => {
                let (h, rest) = prefix.as_bytes().split_at(prefix.len().min(head.len()));
                head.as_bytes().starts_with(h) && rest.iter().all(|&b| b == PAD_BYTE)
            }
            _ => self.as_str().starts_with(prefix),
        }
    }

    /// `prefix`, this text transformed by `escape`, `suffix`: synthetic if this is (the pad
    /// passes `escape` unchanged, which holds for JSON string escaping and for no escaping at
    /// all), so an SNS envelope around a padded body stays small. `escape` must work
    /// character by character, so that escaping the parts equals escaping the whole.
    pub fn wrapped(&self, prefix: &str, suffix: &str, escape: fn(&str) -> Cow<'_, str>) -> Payload {
        match &self.0.repr {
            Repr::Synthetic { head, pad, tail } => Payload::synthetic(
                format!("{prefix}{}", escape(head)),
                *pad,
                format!("{}{suffix}", escape(tail)),
            ),
            _ => Payload::text(format!("{prefix}{}{suffix}", escape(&self.as_str()))),
        }
    }

    /// [`Payload::wrapped`] as a JSON string member: `prefix"…escaped…"suffix`.
    pub fn json_quoted(&self, prefix: &str, suffix: &str) -> Payload {
        self.wrapped(&format!("{prefix}\""), &format!("\"{suffix}"), json_escape)
    }
}

/// The inside of a JSON string literal for `s`, as `serde_json` writes it.
pub fn json_escape(s: &str) -> Cow<'_, str> {
    let quoted = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    Cow::Owned(quoted[1..quoted.len() - 1].to_string())
}

/// No escaping (text placed as is, e.g. in the string SNS signs).
pub fn verbatim(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}

impl Default for Payload {
    fn default() -> Payload {
        Payload::text(String::new())
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        if Rc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        if self.len() != other.len() {
            return false;
        }
        match (&self.0.repr, &other.0.repr) {
            (
                Repr::Synthetic { head, pad, tail },
                Repr::Synthetic {
                    head: h2,
                    pad: p2,
                    tail: t2,
                },
            ) if head == h2 && pad == p2 && tail == t2 => true,
            _ => self.as_bytes() == other.as_bytes(),
        }
    }
}

impl Eq for Payload {}

impl PartialEq<str> for Payload {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() && self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for Payload {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialEq<String> for Payload {
    fn eq(&self, other: &String) -> bool {
        self == other.as_str()
    }
}

impl From<String> for Payload {
    fn from(s: String) -> Payload {
        Payload::text(s)
    }
}

impl From<&str> for Payload {
    fn from(s: &str) -> Payload {
        Payload::text(s)
    }
}

impl From<Vec<u8>> for Payload {
    fn from(b: Vec<u8>) -> Payload {
        Payload::bytes(b)
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.repr {
            Repr::Text(s) => fmt::Debug::fmt(s, f),
            Repr::Bytes(b) => fmt::Debug::fmt(b, f),
            Repr::Synthetic { head, pad, tail } => f
                .debug_struct("Synthetic")
                .field("head", head)
                .field("pad", pad)
                .field("tail", tail)
                .finish(),
        }
    }
}

impl fmt::Display for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

/// A text member in JSON (a message body, a notification's message).
impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Payload, D::Error> {
        String::deserialize(d).map(Payload::text)
    }
}

/// The MD5 (hex) of a payload, computed when read: a send or receive answer carries one, and
/// simulated producers and consumers never look at it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Md5Hex(Payload);

impl Md5Hex {
    pub fn of(p: &Payload) -> Md5Hex {
        Md5Hex(p.clone())
    }

    pub fn hex(&self) -> String {
        self.0.md5_hex()
    }
}

impl fmt::Display for Md5Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

impl fmt::Debug for Md5Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.hex(), f)
    }
}

impl PartialEq<&str> for Md5Hex {
    fn eq(&self, other: &&str) -> bool {
        self.hex() == *other
    }
}

impl PartialEq<String> for Md5Hex {
    fn eq(&self, other: &String) -> bool {
        &self.hex() == other
    }
}

impl Serialize for Md5Hex {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_reads_as_head_pad_tail() {
        let p = Payload::synthetic("{\"a\":1}", 5, "!");
        assert_eq!(p.len(), 13);
        assert_eq!(p, "{\"a\":1}     !");
        assert_eq!(p.retained_bytes(), 8);
        assert!(p.contains("1}  "));
        assert!(p.contains("  !"));
        assert!(!p.contains("1}!"));
        assert!(p.starts_with("{\"a\":1}  "));
        assert!(!p.starts_with("{\"a\":1}  x"));
    }

    #[test]
    fn a_head_reads_the_same_kept_inline_or_on_the_heap() {
        // Either side of the inline size, in ASCII and in Korean (3 bytes a character).
        for head in [
            "a".repeat(HEAD_INLINE - 1),
            "b".repeat(HEAD_INLINE),
            "c".repeat(HEAD_INLINE + 1),
            "큐".repeat(15),
            "큐".repeat(16),
            String::new(),
        ] {
            // A pad longer than every needle below, so that `contains` searches the parts.
            let p = Payload::synthetic(head.as_str(), 64, "z");
            let text = format!("{head}{}z", " ".repeat(64));
            assert_eq!(p.len(), text.len(), "{head:?}");
            assert_eq!(p.as_str(), text.as_str());
            assert_eq!(p, Payload::text(text.as_str()));
            assert_eq!(p, Payload::synthetic(head.as_str(), 64, "z"));
            assert_eq!(p.unpadded_bytes(), (head.as_bytes(), "z"));
            let last = head.chars().last().map(String::from).unwrap_or_default();
            for needle in [head.clone(), format!("{last} "), "z".into()] {
                assert!(p.contains(&needle), "{head:?} contains {needle:?}");
            }
            for needle in [format!("{head}!"), format!("!{last}"), "큐큐!".into()] {
                assert_eq!(p.contains(&needle), text.contains(&needle), "{needle:?}");
            }
        }
    }

    #[test]
    fn contains_agrees_with_the_materialised_text() {
        // Every substring of each payload is found, and so is nothing that is not one.
        for (head, pad, tail) in [
            ("ab c", 3, " d e"),
            ("x", 1, ""),
            ("", 4, "yz "),
            ("k  ", 2, "  k"),
        ] {
            let p = Payload::synthetic(head, pad, tail);
            let text = p.as_str().into_owned();
            let mut needles: Vec<String> = Vec::new();
            for i in 0..text.len() {
                for j in i + 1..=text.len() {
                    needles.push(text[i..j].to_string());
                    needles.push(format!("{}q", &text[i..j]));
                    needles.push(format!("a{}", &text[i..j]));
                }
            }
            for n in needles {
                assert_eq!(p.contains(&n), text.contains(&n), "{text:?} contains {n:?}");
            }
        }
    }

    #[test]
    fn md5_and_sha256_stream_the_parts() {
        let p = Payload::padded("{\"producer\":\"p\",\"n\":1}", 10_000);
        let bytes = p.as_bytes().into_owned();
        assert_eq!(p.md5(), <[u8; 16]>::from(Md5::digest(&bytes)));
        assert_eq!(p.sha256(), Sha256::digest(&bytes));
    }

    #[test]
    fn json_quoting_a_synthetic_payload_equals_quoting_its_bytes() {
        let p = Payload::synthetic("{\"n\":\"é\\\u{1}\"}", 100, "\"end\"");
        let q = p.json_quoted("x:", ",y");
        assert!(q.is_synthetic());
        let whole = serde_json::to_string(&*p.as_str()).unwrap();
        assert_eq!(q, format!("x:{whole},y"));
    }
}
