//! The AWS vocabulary every simulated service shares: the account and region resources live
//! in, ARNs, hex and base64 encodings, and the 64 KB billing chunk.

/// The region and account every simulated resource lives in (the account id AWS's own
/// documentation uses in examples).
pub const REGION: &str = "us-east-1";
pub const ACCOUNT_ID: &str = "123456789012";

/// The service principal SNS sends as (a queue's policy must let it send, aws-rules §3.12).
pub const SNS_SERVICE_PRINCIPAL: &str = "sns.amazonaws.com";

/// `arn:aws:<service>:us-east-1:123456789012:<resource>`.
pub fn arn(service: &str, resource: &str) -> String {
    format!("arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}")
}

/// Lower-case hex of a digest (MD5OfMessageBody, SHA-256 deduplication ids).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xF) as usize] as char);
    }
    s
}

/// `bytes` in standard base64 (`core::base64`).
pub fn b64_encode(bytes: impl AsRef<[u8]>) -> String {
    crate::core::base64::encode(bytes)
}

/// Standard base64 decoded, or `None` where the text is not base64.
pub fn b64_decode(text: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    crate::core::base64::decode(text).ok()
}

/// Each 64 KB (65,536 bytes) chunk of a payload is billed as one request (SQS and SNS,
/// aws-rules §1.14 and §3.10).
pub const BILLING_CHUNK_BYTES: usize = 65_536;

/// Billable requests for one API action carrying `payload_bytes`.
pub fn billable_requests(payload_bytes: usize) -> u64 {
    payload_bytes.div_ceil(BILLING_CHUNK_BYTES).max(1) as u64
}

/// Whether every byte is printable ASCII or tab / LF / CR: text that [`check_characters`]
/// accepts, the common case, told without a branch per byte (every message body is checked).
fn plain_ascii(bytes: &[u8]) -> bool {
    let plain = |b: u8| (b.wrapping_sub(0x20) < 0x5F) | (b == b'\t') | (b == b'\n') | (b == b'\r');
    bytes.iter().fold(true, |ok, &b| ok & plain(b))
}

/// The characters a message body or string attribute may hold (SQS and SNS, aws-rules §1.6).
/// Allowed: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF.
/// (Rust strings cannot hold surrogates, so #xD800–#xDFFF cannot occur.)
pub fn check_characters(s: &str) -> Result<(), char> {
    check_character_bytes(s.as_bytes())
}

/// [`check_characters`] of bytes as given (a synthetic body's head, Kinesis-style data): printable
/// ASCII passes without being read as characters; anything else is read as UTF-8, an invalid
/// sequence as U+FFFD (an allowed character).
pub fn check_character_bytes(bytes: &[u8]) -> Result<(), char> {
    if plain_ascii(bytes) {
        return Ok(());
    }
    for c in String::from_utf8_lossy(bytes).chars() {
        let ok = matches!(c, '\u{9}' | '\u{A}' | '\u{D}')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}';
        if !ok {
            return Err(c);
        }
    }
    Ok(())
}
