//! Hash keys, sequence numbers and the other opaque strings of Kinesis.
//!
//! - Hash keys are 128-bit unsigned integers written in decimal (`0` .. `2^128 − 1`); a
//!   partition key's hash key is its MD5 digest read as a big-endian integer (aws-rules §4.2).
//! - Sequence numbers are the 56-digit decimals AWS returns. Their layout is kinesalite's
//!   "version 2" reading of real AWS numbers (db/index.js `stringifySequence`): the hex digits
//!   `2 | shard creation s (9) | shard index low nibble (1) | sequence index (16) | 00 |
//!   record time s (9) | shard index (8) | 2`. Within a shard only the sequence index and the
//!   record time vary, so numbers increase with the index; the shard index at the end makes
//!   them unique in the stream.

use crate::core::time::civil_from_days;
use md5::{Digest, Md5};
use std::cmp::Ordering;

/// The largest hash key: 2^128 − 1.
pub const HASH_KEY_MAX: u128 = u128::MAX;

/// MD5 of the partition key (UTF-8) as a 128-bit big-endian integer: the hash key AWS and
/// kinesalite (`partitionKeyToHashKey`) route the record by.
pub fn partition_key_hash(partition_key: &str) -> u128 {
    let digest = Md5::digest(partition_key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest);
    u128::from_be_bytes(bytes)
}

/// True for the API model's hash key pattern `0|([1-9]\d{0,38})`.
pub fn is_hash_key_text(s: &str) -> bool {
    is_decimal(s, 39)
}

/// True for `0|([1-9]\d{0,max_digits-1})`.
pub fn is_decimal(s: &str, max_digits: usize) -> bool {
    !s.is_empty()
        && s.len() <= max_digits
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'))
}

/// A hash key's value, or None when it is not a decimal or does not fit 128 bits.
pub fn parse_hash_key(s: &str) -> Option<u128> {
    if !is_hash_key_text(s) {
        return None;
    }
    s.bytes().try_fold(0u128, |acc, b| {
        acc.checked_mul(10)?.checked_add(u128::from(b - b'0'))
    })
}

/// The even split of the hash space AWS and kinesalite (`createStream`) use: shard `i` of `n`
/// starts at `i·⌊2^128/n⌋`; the last one ends at 2^128 − 1.
pub fn even_ranges(n: u32) -> Vec<(u128, u128)> {
    match n {
        0 => return Vec::new(),
        // ⌊2^128/1⌋ does not fit in 128 bits; one shard holds the whole space.
        1 => return vec![(0, HASH_KEY_MAX)],
        _ => {}
    }
    // ⌊2^128 / n⌋ without 2^128 itself: ⌊(2^128 − 1)/n⌋, plus one when n divides 2^128
    // exactly (n a power of two), because then (2^128 − 1) mod n = n − 1.
    let n128 = u128::from(n);
    let step = HASH_KEY_MAX / n128 + u128::from(HASH_KEY_MAX % n128 == n128 - 1);
    (0..n128)
        .map(|i| {
            let start = step * i;
            let end = if i + 1 == n128 {
                HASH_KEY_MAX
            } else {
                step * (i + 1) - 1
            };
            (start, end)
        })
        .collect()
}

/// A sequence number, as its fields. Ordered as the decimal numbers are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeqNum {
    /// Epoch seconds of the shard's creation.
    pub shard_create_s: u64,
    /// Per group of five shards, increasing (kinesalite's `_seqIx`); ≤ 2^63 − 1.
    pub seq_ix: u64,
    /// Epoch seconds of the write.
    pub seq_time_s: u64,
    pub shard_ix: u32,
}

impl SeqNum {
    fn key(&self) -> (u64, u32, u64, u64, u32) {
        (
            self.shard_create_s,
            self.shard_ix & 0xf,
            self.seq_ix,
            self.seq_time_s,
            self.shard_ix,
        )
    }

    /// The largest index, used for a closed shard's EndingSequenceNumber (as kinesalite).
    pub const SEQ_IX_MAX: u64 = 0x7fff_ffff_ffff_ffff;

    pub fn hex(&self) -> String {
        format!(
            "2{:09x}{:x}{:016x}00{:09x}{:08x}2",
            self.shard_create_s & 0xf_ffff_ffff,
            self.shard_ix & 0xf,
            self.seq_ix,
            self.seq_time_s & 0xf_ffff_ffff,
            self.shard_ix
        )
    }

    /// The decimal text AWS returns.
    pub fn to_decimal(&self) -> String {
        BigUint::from_hex(&self.hex())
            .map(|b| b.to_decimal())
            .unwrap_or_default()
    }

    /// Reads a decimal sequence number; None if it is not one this layout can produce.
    pub fn parse(s: &str) -> Option<SeqNum> {
        if !is_decimal(s, 129) {
            return None;
        }
        let hex = BigUint::from_decimal(s)?.to_hex();
        if hex.len() != 47 || !hex.starts_with('2') || !hex.ends_with('2') {
            return None;
        }
        let field = |a: usize, b: usize| u64::from_str_radix(&hex[a..b], 16).ok();
        let seq = SeqNum {
            shard_create_s: field(1, 10)?,
            seq_ix: field(11, 27)?,
            seq_time_s: field(29, 38)?,
            shard_ix: u32::try_from(field(38, 46)?).ok()?,
        };
        // The nibble after the creation time repeats the shard index; byte1 is always 00.
        (field(10, 11)? == u64::from(seq.shard_ix & 0xf)
            && &hex[27..29] == "00"
            && seq.seq_ix <= Self::SEQ_IX_MAX)
            .then_some(seq)
    }
}

impl PartialOrd for SeqNum {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for SeqNum {
    fn cmp(&self, o: &Self) -> Ordering {
        self.key().cmp(&o.key())
    }
}

/// Just enough of an unsigned big integer to turn 188-bit hex into decimal and back.
#[derive(Clone, Debug, PartialEq, Eq)]
struct BigUint {
    /// Little-endian 32-bit limbs.
    limbs: Vec<u32>,
}

impl BigUint {
    fn from_hex(s: &str) -> Option<BigUint> {
        let mut b = BigUint { limbs: vec![0] };
        for c in s.chars() {
            b.mul_add(16, c.to_digit(16)?);
        }
        Some(b)
    }

    fn from_decimal(s: &str) -> Option<BigUint> {
        let mut b = BigUint { limbs: vec![0] };
        for c in s.chars() {
            b.mul_add(10, c.to_digit(10)?);
            if b.limbs.len() > 8 {
                return None; // far beyond any sequence number
            }
        }
        Some(b)
    }

    fn mul_add(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.limbs {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.limbs.push(carry as u32);
        }
    }

    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    /// Divides in place, returning the remainder.
    fn div_rem(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*limb);
            *limb = (v / u64::from(d)) as u32;
            rem = v % u64::from(d);
        }
        rem as u32
    }

    fn to_radix(&self, radix: u32) -> String {
        let mut b = self.clone();
        let mut digits = Vec::new();
        while !b.is_zero() {
            let r = b.div_rem(radix);
            digits.push(std::char::from_digit(r, radix).unwrap_or('0'));
        }
        if digits.is_empty() {
            digits.push('0');
        }
        digits.iter().rev().collect()
    }

    fn to_decimal(&self) -> String {
        self.to_radix(10)
    }

    fn to_hex(&self) -> String {
        self.to_radix(16)
    }
}

/// "Thu Jan 22 01:22:02 UTC 2015", the form of instants in kinesalite's (and AWS's)
/// ExpiredIteratorException message, from epoch milliseconds.
pub fn amz_utc_string(epoch_ms: u64) -> String {
    let secs = epoch_ms / 1000;
    let days = secs / 86_400;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(m - 1) as usize % 12],
        d,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        y
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_round_trip_and_order_like_their_decimals() {
        let a = SeqNum {
            shard_create_s: 1_767_225_600,
            seq_ix: 0,
            seq_time_s: 1_767_225_600,
            shard_ix: 0,
        };
        let text = a.to_decimal();
        assert_eq!(text.len(), 56, "{text}");
        assert_eq!(SeqNum::parse(&text), Some(a));
        let b = SeqNum { seq_ix: 1, ..a };
        let c = SeqNum { shard_ix: 17, ..b };
        for (x, y) in [(a, b), (b, c), (a, c)] {
            assert!(x < y);
            let (dx, dy) = (x.to_decimal(), y.to_decimal());
            assert!(dx.len() < dy.len() || (dx.len() == dy.len() && dx < dy));
        }
        assert_eq!(SeqNum::parse("12"), None);
        assert_eq!(SeqNum::parse("0"), None);
        assert_eq!(SeqNum::parse("012"), None);
    }

    #[test]
    fn even_ranges_match_kinesalite() {
        assert_eq!(even_ranges(1), vec![(0, u128::MAX)]);
        let two = even_ranges(2);
        assert_eq!(two[0], (0, (1u128 << 127) - 1));
        assert_eq!(two[1], (1u128 << 127, u128::MAX));
        let three = even_ranges(3);
        let step = u128::MAX / 3; // 2^128 = 3·step + 1
        assert_eq!(three[1].0, step);
        assert_eq!(three[2], (2 * step, u128::MAX));
    }

    #[test]
    fn dates_read_like_amazons() {
        // 2015-01-22T01:22:02Z, kinesalite's own example.
        assert_eq!(
            amz_utc_string(1_421_889_722_000),
            "Thu Jan 22 01:22:02 UTC 2015"
        );
    }
}
