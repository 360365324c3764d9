//! How numbers and times are printed on the page.

/// Virtual time as `h:mm:ss.t`; days are counted in hours (a 14-day run shows 336:00:00.0).
pub fn format_clock(ms: u64) -> String {
    let tenths = (ms / 100) % 10;
    let s = ms / 1000;
    format!("{}:{:02}:{:02}.{}", s / 3600, (s / 60) % 60, s % 60, tenths)
}

/// Dollars with enough digits to see single requests move the meter ($0.40 per million).
pub fn format_usd(usd: f64) -> String {
    format!("${usd:.7}")
}

/// A speed as the control shows it: `0.1×`, `10×`, `1000×`.
pub fn format_speed(speed: f64) -> String {
    if speed < 1.0 {
        format!("{speed}×")
    } else {
        format!("{speed:.0}×")
    }
}
