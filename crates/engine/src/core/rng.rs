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
        // 8-4-4-4-12 lower-case hex digits of a's 8 bytes, then b's 8 (without `format!`,
        // which costs more than the draw on a hot path: every message id is one).
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        // Where each byte's two digits go: the dashes sit at 8, 13, 18 and 23.
        const AT: [u8; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
        let mut out = [b'-'; 36];
        let bytes = ((a as u128) << 64 | b as u128).to_be_bytes();
        for (byte, at) in bytes.iter().zip(AT) {
            let at = at as usize;
            out[at] = DIGITS[(byte >> 4) as usize];
            out[at + 1] = DIGITS[(byte & 0xF) as usize];
        }
        Uuid(out)
    }
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
