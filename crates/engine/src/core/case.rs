//! Unicode case mapping, the standard library's answers from smaller tables.
//!
//! Why: SNS filter policies compare strings with `equals-ignore-case` as AWS's Event Ruler
//! does, Unicode-aware (aws-rules §3.5), and IAM policy matching folds case. The standard
//! library's `char::to_lowercase` / `to_uppercase` tables are ~24 KB of wasm that hardly
//! compress (~14 KB of the gzipped bundle); the same mappings as ranges ("these 26 code
//! points move by +32", "every other one of these 80 moves by +1") are ~3 KB.
//!
//! `tests/case_like_std.rs` checks every code point and the final-sigma rule against std,
//! and writes `case_tables.rs` again when a new toolchain brings a new Unicode version.

#[path = "case_tables.rs"]
mod tables;

/// The characters one character maps to: one, or up to three (`ß` → `SS`).
#[derive(Clone, Debug)]
pub struct Mapped {
    chars: [char; 3],
    len: u8,
    at: u8,
}

impl Iterator for Mapped {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        let c = *self
            .chars
            .get(usize::from(self.at))
            .filter(|_| self.at < self.len)?;
        self.at += 1;
        Some(c)
    }
}

impl Mapped {
    fn one(c: char) -> Self {
        Mapped {
            chars: [c, '\0', '\0'],
            len: 1,
            at: 0,
        }
    }
}

/// `c.to_lowercase()`.
pub fn to_lower(c: char) -> Mapped {
    if c.is_ascii() {
        return Mapped::one(c.to_ascii_lowercase());
    }
    map(c, &tables::LOWER, &tables::LOWER_MULTI)
}

/// `c.to_uppercase()`.
pub fn to_upper(c: char) -> Mapped {
    if c.is_ascii() {
        return Mapped::one(c.to_ascii_uppercase());
    }
    map(c, &tables::UPPER, &tables::UPPER_MULTI)
}

fn map(c: char, ranges: &[(u32, i32)], multi: &[(u32, [u16; 3])]) -> Mapped {
    let u = c as u32;
    if let Ok(i) = multi.binary_search_by_key(&u, |m| m.0) {
        let mut out = Mapped::one(c);
        out.len = 0;
        for w in multi[i].1.iter().filter(|&&w| w != 0) {
            out.chars[usize::from(out.len)] = char::from_u32(u32::from(*w)).unwrap_or(c);
            out.len += 1;
        }
        return out;
    }
    let start = |key: u32| key & 0x1F_FFFF;
    let i = ranges.partition_point(|r| start(r.0) <= u);
    let Some(&(key, delta)) = i.checked_sub(1).and_then(|i| ranges.get(i)) else {
        return Mapped::one(c);
    };
    let (first, count, step) = (start(key), (key >> 21 & 0x3FF) + 1, 1 + (key >> 31));
    let k = u - first;
    if !k.is_multiple_of(step) || k / step >= count {
        return Mapped::one(c);
    }
    Mapped::one(char::from_u32(u.wrapping_add_signed(delta)).unwrap_or(c))
}

const CASE_IGNORABLE: u16 = 1;
const CASED: u16 = 2;

/// The class the final-sigma rule reads: 0, case-ignorable or cased.
fn sigma_class(c: char) -> u16 {
    let u = c as u32;
    let (mut at, mut class) = (0u32, 0u16);
    for &entry in &tables::SIGMA_CLASSES {
        at += u32::from(entry & 0x3FFF);
        if at > u {
            break;
        }
        class = entry >> 14;
    }
    class
}

/// Past case-ignorable characters, is the next one cased?
fn case_ignorable_then_cased(mut chars: impl Iterator<Item = char>) -> bool {
    chars
        .find(|&c| sigma_class(c) != CASE_IGNORABLE)
        .is_some_and(|c| sigma_class(c) == CASED)
}

/// `s.to_lowercase()`: each character mapped, and a capital sigma that ends a word becomes
/// the final `ς` (Unicode's Final_Sigma condition), as std does.
pub fn lower_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == 'Σ' {
            let word_final = case_ignorable_then_cased(s[..i].chars().rev())
                && !case_ignorable_then_cased(s[i + c.len_utf8()..].chars());
            out.push(if word_final { 'ς' } else { 'σ' });
        } else {
            out.extend(to_lower(c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_mappings() {
        assert_eq!(to_upper('ß').collect::<String>(), "SS");
        assert_eq!(to_lower('İ').collect::<String>(), "i\u{307}");
        assert_eq!(to_lower('Ā').collect::<String>(), "ā");
        assert_eq!(to_upper('ā').collect::<String>(), "Ā");
        assert_eq!(to_lower('\u{212A}').collect::<String>(), "k"); // Kelvin sign
        assert_eq!(lower_str("ΟΔΟΣ ΣΑ"), "οδος σα");
    }
}
