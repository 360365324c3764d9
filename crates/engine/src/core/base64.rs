//! Base64 (RFC 4648): the standard alphabet with padding, as AWS's JSON protocols carry blobs
//! and pagination tokens, and the URL-safe alphabet without padding, as the page's share links
//! carry a run. Written here rather than taken from the `base64` crate: its generic engine was
//! ~2.5 KB of the page's gzipped wasm for these two uses.
//!
//! Decoding is strict exactly as the crate's `STANDARD` / `URL_SAFE_NO_PAD` engines are (the
//! same errors, in the same order, with the same messages — the API answers quote them): a
//! tests compares both on every input shape.

use std::fmt;

/// RFC 4648 §4.
pub const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// RFC 4648 §5.
pub const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const INVALID: u8 = 0xFF;
const PAD: u8 = b'=';

const fn values(alphabet: &[u8; 64]) -> [u8; 256] {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    t
}

/// Each byte's value in [`STANDARD`], or 0xFF for a byte that is not one of its characters.
pub const STANDARD_VALUES: [u8; 256] = values(STANDARD);
const URL_SAFE_VALUES: [u8; 256] = values(URL_SAFE);

/// Why a text is not base64 (the `base64` crate's `DecodeError`, with its messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    InvalidByte(usize, u8),
    InvalidLength(usize),
    InvalidLastSymbol(usize, u8),
    InvalidPadding,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match *self {
            Self::InvalidByte(index, byte) => write!(f, "Invalid symbol {byte}, offset {index}."),
            Self::InvalidLength(len) => write!(f, "Invalid input length: {len}"),
            Self::InvalidLastSymbol(index, byte) => {
                write!(f, "Invalid last symbol {byte}, offset {index}.")
            }
            Self::InvalidPadding => write!(f, "Invalid padding"),
        }
    }
}

fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = Vec::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, &b)| n | (b as u32) << (16 - 8 * k));
        let chars = group.len() + 1;
        for k in 0..4 {
            if k < chars {
                out.push(alphabet[(n >> (18 - 6 * k) & 0x3F) as usize]);
            } else if pad {
                out.push(PAD);
            }
        }
    }
    // Every byte pushed is ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// The crate's decoder: the complete quads before the last, then the last 1–4 characters with
/// their padding; `canonical` requires the padding an encoder writes, else none at all. No
/// trailing bits may be set.
fn decode_with(input: &[u8], values: &[u8; 256], canonical: bool) -> Result<Vec<u8>, DecodeError> {
    let rem = input.len() % 4;
    if rem == 1 {
        let last = input[input.len() - 1];
        if last != PAD && values[last as usize] == INVALID {
            return Err(DecodeError::InvalidByte(input.len() - 1, last));
        }
    }
    let body = input
        .len()
        .saturating_sub(rem)
        .saturating_sub(usize::from(rem == 0) * 4);
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    for (q, quad) in input[..body].chunks_exact(4).enumerate() {
        let mut n = 0u32;
        for (k, &b) in quad.iter().enumerate() {
            let v = values[b as usize];
            if v == INVALID {
                return Err(DecodeError::InvalidByte(q * 4 + k, b));
            }
            n = n << 6 | v as u32;
        }
        out.extend_from_slice(&n.to_be_bytes()[1..]);
    }
    let (mut morsels, mut pads, mut first_pad, mut last) = (0usize, 0usize, 0usize, 0u8);
    let mut n = 0u32;
    for (i, &b) in input[body..].iter().enumerate() {
        if b == PAD {
            if i < 2 {
                return Err(DecodeError::InvalidByte(body + i, b));
            }
            if pads == 0 {
                first_pad = i;
            }
            pads += 1;
            continue;
        }
        if pads > 0 {
            return Err(DecodeError::InvalidByte(body + first_pad, PAD));
        }
        last = b;
        let v = values[b as usize];
        if v == INVALID {
            return Err(DecodeError::InvalidByte(body + i, b));
        }
        n |= (v as u32) << (26 - 6 * morsels);
        morsels += 1;
    }
    if !input.is_empty() && morsels < 2 {
        return Err(DecodeError::InvalidLength(body + morsels));
    }
    if (canonical && (pads + morsels) % 4 != 0) || (!canonical && pads > 0) {
        return Err(DecodeError::InvalidPadding);
    }
    let tail = morsels * 6 / 8;
    if n & (!0u32 >> (tail * 8)) != 0 {
        return Err(DecodeError::InvalidLastSymbol(body + morsels - 1, last));
    }
    out.extend_from_slice(&n.to_be_bytes()[..tail]);
    Ok(out)
}

/// Standard base64 with padding.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    encode_with(bytes.as_ref(), STANDARD, true)
}

/// Standard base64 with its padding, strictly.
pub fn decode(text: impl AsRef<[u8]>) -> Result<Vec<u8>, DecodeError> {
    decode_with(text.as_ref(), &STANDARD_VALUES, true)
}

/// URL-safe base64 without padding.
pub fn encode_url(bytes: impl AsRef<[u8]>) -> String {
    encode_with(bytes.as_ref(), URL_SAFE, false)
}

/// URL-safe base64 without padding, strictly.
pub fn decode_url(text: impl AsRef<[u8]>) -> Result<Vec<u8>, DecodeError> {
    decode_with(text.as_ref(), &URL_SAFE_VALUES, false)
}
