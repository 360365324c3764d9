//! Virtual time. The engine never reads a clock: the caller passes time in.

/// Milliseconds of virtual time since the run began.
pub type SimTime = u64;

pub const MS_PER_S: u64 = 1_000;
pub const MS_PER_MIN: u64 = 60 * MS_PER_S;
pub const MS_PER_H: u64 = 60 * MS_PER_MIN;
pub const MS_PER_DAY: u64 = 24 * MS_PER_H;

/// The wall-clock instant that virtual time 0 stands for, in epoch seconds
/// (2026-01-01T00:00:00Z). Every timestamp the engine reports (SentTimestamp,
/// CreatedTimestamp, …) is this plus the virtual time, so runs are reproducible.
pub const EPOCH_S: u64 = 1_767_225_600;

/// Epoch milliseconds of a virtual instant (SQS message system attributes use ms).
pub fn epoch_ms(t: SimTime) -> u64 {
    EPOCH_S * MS_PER_S + t
}

/// Epoch seconds of a virtual instant (queue attributes use whole seconds).
pub fn epoch_s(t: SimTime) -> u64 {
    EPOCH_S + t / MS_PER_S
}

/// Seconds (possibly fractional, as API scripts write them) to milliseconds, rounded.
/// Returns `None` for negative, non-finite or absurdly large values.
pub fn secs_to_ms(s: f64) -> Option<SimTime> {
    if !s.is_finite() || !(0.0..=1.0e12).contains(&s) {
        return None;
    }
    Some((s * 1000.0).round() as SimTime)
}

/// ISO-8601 UTC with milliseconds, as SNS and S3 write timestamps: `2026-01-01T00:00:00.000Z`.
pub fn iso8601_ms(t: SimTime) -> String {
    let ms = epoch_ms(t);
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        ms % 1000
    )
}

/// Days since 1970-01-01 to (year, month, day) — Howard Hinnant's civil_from_days.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}
