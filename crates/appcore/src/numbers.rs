//! How counts are printed on the page: digits grouped by thousands with a comma, as both
//! English and Korean write them ("12,345"), so a 14-day run's millions can be read at a
//! glance.

/// `n` with its digits grouped by three: `1234567` → `"1,234,567"`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn groups_by_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(12_345), "12,345");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn reads_back_as_the_number() {
        for n in [1, 10, 100, 1_000, 99_999, 100_000, 7_654_321] {
            assert_eq!(count(n).replace(',', "").parse::<u64>(), Ok(n));
        }
    }
}
