//! The world's one source of randomness: xoshiro256** seeded by SplitMix64.
//!
//! Hand-written (a dozen lines) rather than a crate so that the exact sequence is pinned by
//! this file: a dependency upgrade can never change what a saved scenario + seed replays.

#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [0, n); 0 when n is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Lemire's multiply-shift; the tiny bias is irrelevant for a simulation.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// True with probability p (clamped to [0, 1]).
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (p >= 1.0 || self.next_f64() < p)
    }

    /// Exponentially distributed with the given mean (for Poisson arrivals).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        let u = 1.0 - self.next_f64(); // (0, 1]
        -mean * u.ln()
    }

    /// Standard normal by Box–Muller.
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.next_f64();
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// A random RFC 4122 version-4 UUID, as SQS message IDs look.
    pub fn uuid(&mut self) -> String {
        self.uuid_inline().to_string()
    }

    /// The same draw as [`Rng::uuid`], held inline (no allocation): an SQS message id is made
    /// for every message and copied into every answer that names it.
    pub fn uuid_inline(&mut self) -> Uuid {
        let a = self.next_u64();
        let b = self.next_u64();
        let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        // 8-4-4-4-12 lower-case hex digits of a's 8 bytes, then b's 8, eight digits at a
        // time (without `format!` or a loop per byte: every message id is one).
        let (a_hi, a_lo, b_hi, b_lo) = (hex8(a >> 32), hex8(a), hex8(b >> 32), hex8(b));
        let mut out = [b'-'; 36];
        out[0..8].copy_from_slice(&a_hi);
        out[9..13].copy_from_slice(&a_lo[..4]);
        out[14..18].copy_from_slice(&a_lo[4..]);
        out[19..23].copy_from_slice(&b_hi[..4]);
        out[24..28].copy_from_slice(&b_hi[4..]);
        out[28..36].copy_from_slice(&b_lo);
        Uuid(out)
    }
}

/// The low 32 bits of `x` as 8 lower-case hex digits, most significant first: each nibble
/// spread to a byte of its own, then turned into its digit in all 8 bytes at once.
fn hex8(x: u64) -> [u8; 8] {
    let x = x & 0xFFFF_FFFF;
    let x = (x & 0xFFFF_0000) << 16 | (x & 0xFFFF);
    let x = (x & 0x0000_FF00_0000_FF00) << 8 | (x & 0x0000_00FF_0000_00FF);
    let x = (x & 0x00F0_00F0_00F0_00F0) << 4 | (x & 0x000F_000F_000F_000F);
    // A nibble of 10 or more carries into bit 4 when 6 is added: it moves on to 'a'.
    let letters = (x + 0x0606_0606_0606_0606) >> 4 & 0x0101_0101_0101_0101;
    (x + 0x3030_3030_3030_3030 + letters * (b'a' - b'0' - 10) as u64).to_be_bytes()
}

/// A UUID's 36 characters (8-4-4-4-12 lower-case hex), inline: copying one costs no
/// allocation. Reads as a `&str`; serializes as the string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uuid([u8; 36]);

impl Uuid {
    pub fn as_str(&self) -> &str {
        // Only `uuid_inline` makes one, from ASCII hex digits and dashes.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The nil UUID.
impl Default for Uuid {
    fn default() -> Self {
        let mut u = [b'0'; 36];
        for at in [8, 13, 18, 23] {
            u[at] = b'-';
        }
        Uuid(u)
    }
}

impl std::ops::Deref for Uuid {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Uuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl serde::Serialize for Uuid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialEq<str> for Uuid {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}

impl PartialEq<&str> for Uuid {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}

impl PartialEq<String> for Uuid {
    fn eq(&self, o: &String) -> bool {
        self.as_str() == o
    }
}

impl From<Uuid> for String {
    fn from(u: Uuid) -> String {
        u.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_shaped_and_match_the_formatted_digits() {
        let mut r = Rng::new(9);
        let mut twin = Rng::new(9);
        for _ in 0..50 {
            let u = r.uuid();
            let (a, b) = (twin.next_u64(), twin.next_u64());
            let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
            let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
            let want = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xFFFF,
                a & 0xFFFF,
                b >> 48,
                b & 0xFFFF_FFFF_FFFF
            );
            assert_eq!(u, want);
            assert_eq!(&u[14..15], "4");
        }
    }

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }

    #[test]
    fn uuid_has_version_4_shape() {
        let id = Rng::new(7).uuid();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::new(3);
        for n in 1..50 {
            assert!(r.below(n) < n);
        }
        assert_eq!(r.below(0), 0);
    }
}
