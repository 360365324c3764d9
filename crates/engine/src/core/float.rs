//! `str::parse::<f64>`, the standard library's answers (the nearest double, ties to even) from
//! much less code.
//!
//! Why: std's parser is built for speed (the Eisel-Lemire algorithm with a 10 KB table of
//! 128-bit powers of five that does not compress, and a decimal fallback): ~16 KB of wasm, ~10
//! KB of the gzipped bundle, for the few numbers the page and the engine read (SNS `Number`
//! attributes and numeric filter matching, fields typed in the page). This one is exact big
//! integer arithmetic: slower, small, and the same bits. `tests/float_like_std.rs` compares it
//! with std on the edge cases of rounding, subnormals and overflow, and on random texts.
//!
//! The grammar is std's: an optional sign, then `inf`, `infinity` or `nan` (any case), or
//! digits with an optional `.` (at least one digit on either side) and an optional exponent
//! (`e`/`E`, a sign, digits). No spaces, no `_`.

/// The error of [`parse_f64`]: the text is not a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseFloatError;

impl std::fmt::Display for ParseFloatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("invalid float literal")
    }
}

/// Significant digits kept; any non-zero digit beyond them only breaks a tie (std keeps 768).
const DIGITS_MAX: usize = 800;

/// `s.parse::<f64>()`.
pub fn parse_f64(s: &str) -> Result<f64, ParseFloatError> {
    let b = s.as_bytes();
    let (negative, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let sign = |v: f64| if negative { -v } else { v };
    for (word, v) in [
        (&b"inf"[..], f64::INFINITY),
        (b"infinity", f64::INFINITY),
        (b"nan", f64::NAN),
    ] {
        if body.eq_ignore_ascii_case(word) {
            return Ok(sign(v));
        }
    }
    // Digits, without leading zeros, and the power of ten of the last one kept.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp10: i64 = 0;
    let mut sticky = false;
    let (mut i, mut seen, mut dot) = (0, false, false);
    while let Some(&c) = body.get(i) {
        match c {
            b'0'..=b'9' => {
                seen = true;
                if digits.is_empty() && c == b'0' {
                    // a leading zero: nothing, but after the point it moves the others down
                } else if digits.len() < DIGITS_MAX {
                    digits.push(c - b'0');
                } else {
                    sticky |= c != b'0';
                    if !dot {
                        exp10 += 1;
                    }
                    i += 1;
                    continue;
                }
                if dot {
                    exp10 -= 1;
                }
            }
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return Err(ParseFloatError);
    }
    if let Some(&c) = body.get(i) {
        if c != b'e' && c != b'E' {
            return Err(ParseFloatError);
        }
        let rest = &body[i + 1..];
        let (neg, ds) = match rest.first() {
            Some(b'-') => (true, &rest[1..]),
            Some(b'+') => (false, &rest[1..]),
            _ => (false, rest),
        };
        if ds.is_empty() || !ds.iter().all(u8::is_ascii_digit) {
            return Err(ParseFloatError);
        }
        let e = ds.iter().fold(0i64, |e, d| {
            (e * 10 + i64::from(d - b'0')).min(1_000_000_000)
        });
        exp10 += if neg { -e } else { e };
    }
    if digits.is_empty() {
        return Ok(sign(0.0));
    }
    if sticky {
        // Something non-zero below the kept digits: enough to break a tie, too little to
        // matter otherwise.
        digits.push(1);
        exp10 -= 1;
    }
    // The value is digits × 10^exp10 with digits < 10^n: below 10^(n + exp10).
    let top10 = digits.len() as i64 + exp10;
    if top10 > 310 {
        return Ok(sign(f64::INFINITY));
    }
    if top10 < -324 {
        return Ok(sign(0.0));
    }
    Ok(sign(nearest(&digits, exp10)))
}

/// The double nearest to digits × 10^exp10 (positive, within the range checked above).
fn nearest(digits: &[u8], exp10: i64) -> f64 {
    let mut num = Big::from_digits(digits);
    let mut den = Big::one();
    if exp10 >= 0 {
        num.mul_pow10(exp10 as u32);
    } else {
        den.mul_pow10((-exp10) as u32);
    }
    // Scale by 2^s so that the quotient has 64 bits: value = q × 2^-s (+ the remainder).
    let mut s = 63 - (num.bits() as i64 - den.bits() as i64);
    let (q, rest) = loop {
        let (mut n, mut d) = (num.clone(), den.clone());
        if s >= 0 {
            n.shl(s as u32);
        } else {
            d.shl((-s) as u32);
        }
        let (q, rest) = n.div_small_quotient(&d);
        if q < 1 << 63 {
            s += 1;
        } else if q >> 64 != 0 {
            s -= 1;
        } else {
            break (q as u64, rest);
        }
    };
    // The leading bit is worth 2^(63 - s); a double keeps 53 bits, fewer below 2^-1022.
    let e = 63 - s;
    let keep = if e >= -1022 { 53 } else { 53 - (-1022 - e) };
    if keep <= 0 {
        // Below half of the smallest subnormal, or at half of it with nothing else (a tie,
        // to even: zero); above half, the smallest subnormal.
        let half = keep == 0 && (q > 1 << 63 || rest);
        return if half { f64::from_bits(1) } else { 0.0 };
    }
    let drop = (64 - keep) as u32;
    let mut m = q >> drop;
    let dropped = q & ((1u64 << drop) - 1);
    let half = 1u64 << (drop - 1);
    if dropped > half || (dropped == half && (rest || m & 1 == 1)) {
        m += 1;
    }
    // m × 2^(e - keep + 1); rounding up may have carried into one more bit.
    let mut exp2 = e - keep + 1;
    if m >> 53 != 0 {
        m >>= 1;
        exp2 += 1;
    }
    if m >> 52 != 0 {
        // normal: the leading bit is implicit
        let biased = exp2 + 52 + 1023;
        if biased >= 2047 {
            return f64::INFINITY;
        }
        f64::from_bits((biased as u64) << 52 | (m & ((1 << 52) - 1)))
    } else {
        // subnormal (or rounded up to the smallest normal, which the bits also say)
        f64::from_bits(m)
    }
}

/// A non-negative big integer, little-endian 32-bit limbs.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut b = Big(vec![0]);
        for &d in digits {
            b.mul_add(10, u32::from(d));
        }
        b
    }

    fn mul_add(&mut self, m: u32, mut carry: u32) {
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + u64::from(carry);
            *limb = v as u32;
            carry = (v >> 32) as u32;
        }
        if carry != 0 {
            self.0.push(carry);
        }
    }

    fn mul_pow10(&mut self, mut n: u32) {
        while n >= 9 {
            self.mul_add(1_000_000_000, 0);
            n -= 9;
        }
        if n > 0 {
            self.mul_add(10u32.pow(n), 0);
        }
    }

    fn trim(&mut self) {
        while self.0.len() > 1 && self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn bits(&self) -> u32 {
        let top = self.0.iter().rposition(|&l| l != 0).unwrap_or(0);
        top as u32 * 32 + (32 - self.0[top].leading_zeros())
    }

    fn shl(&mut self, n: u32) {
        let (limbs, bits) = ((n / 32) as usize, n % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let v = *limb;
                *limb = v << bits | carry;
                carry = v >> (32 - bits);
            }
            if carry != 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        let (a, b) = (self.bits(), other.bits());
        if a != b {
            return a.cmp(&b);
        }
        let n = self.0.len().max(other.0.len());
        (0..n)
            .rev()
            .map(|i| {
                let x = self.0.get(i).copied().unwrap_or(0);
                let y = other.0.get(i).copied().unwrap_or(0);
                x.cmp(&y)
            })
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    }

    fn sub(&mut self, other: &Big) {
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let v = i64::from(self.0[i]) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            self.0[i] = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    /// (self / d, whether a remainder is left), for a quotient below 2^66.
    fn div_small_quotient(mut self, d: &Big) -> (u128, bool) {
        let mut q = 0u128;
        for k in (0..66).rev() {
            let mut shifted = d.clone();
            shifted.shl(k);
            if self.cmp(&shifted).is_ge() {
                self.sub(&shifted);
                q |= 1 << k;
            }
        }
        let rest = self.0.iter().any(|&l| l != 0);
        (q, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_texts() {
        assert_eq!(parse_f64("1.5"), Ok(1.5));
        assert_eq!(parse_f64("-0.1"), Ok(-0.1));
        assert_eq!(parse_f64("1e3"), Ok(1000.0));
        assert_eq!(parse_f64(".5"), Ok(0.5));
        assert_eq!(parse_f64("5."), Ok(5.0));
        assert_eq!(parse_f64("Infinity"), Ok(f64::INFINITY));
        assert!(parse_f64("-NaN").unwrap().is_nan());
        for bad in [
            "", ".", "e5", "1e", "1e+", " 1", "1 ", "1_0", "0x10", "--1", "1.2.3",
        ] {
            assert_eq!(parse_f64(bad), Err(ParseFloatError), "{bad:?}");
        }
    }
}
