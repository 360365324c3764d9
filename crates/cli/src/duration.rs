//! Virtual durations as people type them: `90s`, `15m`, `1h30m`, `14d`, `500ms`, or plain
//! seconds (`600`, `0.5`).

use mqlab_engine::time::{MS_PER_DAY, MS_PER_H, MS_PER_MIN, MS_PER_S};

/// The longest duration accepted. Runs are fast-forwarded, but a metrics minute still has to be
/// closed for every virtual minute; ten years is far past anything AWS retains (Kinesis keeps
/// records at most 365 days) and keeps a typo from meaning "run for ever".
pub const DURATION_MAX_MS: u64 = 10 * 366 * MS_PER_DAY;

/// Parses a duration into virtual milliseconds.
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty duration (try 90s, 15m, 1h30m or 14d)".into());
    }
    // Plain seconds.
    if let Ok(secs) = s.parse::<f64>() {
        return finish(secs * MS_PER_S as f64, text);
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total_ms = 0.0f64;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        if start == i {
            return Err(format!(
                "{text:?} is not a duration: expected a number at {:?}",
                &s[start..]
            ));
        }
        let number: f64 = s[start..i]
            .parse()
            .map_err(|_| format!("{text:?} is not a duration: bad number {:?}", &s[start..i]))?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit_ms = match &s[unit_start..i] {
            "ms" => 1,
            "s" => MS_PER_S,
            "m" | "min" => MS_PER_MIN,
            "h" => MS_PER_H,
            "d" => MS_PER_DAY,
            "" => {
                return Err(format!(
                    "{text:?} is not a duration: {:?} needs a unit (ms, s, m, h, d)",
                    &s[start..i]
                ))
            }
            other => {
                return Err(format!(
                    "{text:?} is not a duration: unknown unit {other:?} (use ms, s, m, h, d)"
                ))
            }
        };
        total_ms += number * unit_ms as f64;
    }
    finish(total_ms, text)
}

fn finish(ms: f64, text: &str) -> Result<u64, String> {
    if !ms.is_finite() || ms < 0.0 {
        return Err(format!("{text:?} is not a duration"));
    }
    if ms > DURATION_MAX_MS as f64 {
        return Err(format!("{text:?} is longer than the 3660 days allowed"));
    }
    Ok(ms.round() as u64)
}

/// Formats virtual milliseconds for people: `1h30m`, `14d`, `2.5s`.
pub fn format_duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit_ms, unit) in [(MS_PER_DAY, "d"), (MS_PER_H, "h"), (MS_PER_MIN, "m")] {
        if rest >= unit_ms {
            out.push_str(&format!("{}{unit}", rest / unit_ms));
            rest %= unit_ms;
        }
    }
    if rest > 0 {
        if rest.is_multiple_of(MS_PER_S) {
            out.push_str(&format!("{}s", rest / MS_PER_S));
        } else {
            out.push_str(&format!("{}s", rest as f64 / MS_PER_S as f64));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_combinations_parse() {
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("15m"), Ok(15 * 60_000));
        assert_eq!(parse_duration("1h"), Ok(3_600_000));
        assert_eq!(parse_duration("14d"), Ok(14 * 86_400_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("1d2h3m4s5ms"), Ok(93_784_005));
        assert_eq!(parse_duration("500ms"), Ok(500));
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000));
    }

    #[test]
    fn plain_numbers_are_seconds() {
        assert_eq!(parse_duration("600"), Ok(600_000));
        assert_eq!(parse_duration("0.25"), Ok(250));
        assert_eq!(parse_duration(" 0 "), Ok(0));
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        for bad in [
            "", "abc", "10x", "1h30", "-5", "-5s", "h", "1..2s", "inf", "NaN",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse_duration("99999d").unwrap_err().contains("longer"));
    }

    #[test]
    fn durations_format_back() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(5_400_000), "1h30m");
        assert_eq!(format_duration(14 * 86_400_000), "14d");
        assert_eq!(format_duration(2_500), "2.5s");
        assert_eq!(format_duration(600_000), "10m");
    }
}
