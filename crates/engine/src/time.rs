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
