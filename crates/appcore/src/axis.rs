//! Chart axes: ticks on round values and labels a learner can read — times at whole 10 s,
//! 15 s, 30 s, minutes or hours; counts as 2.5k or 1.2M; dollars as dollars with as many
//! decimals as the step needs (never "5.0e-3", never the same label twice).

/// Round steps of a time axis, in seconds.
const TIME_STEPS_S: [u64; 16] = [
    10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
    172_800,
];

/// Ticks of a time axis from 0 to `x_max_min` minutes: the smallest round step that gives at
/// most `max_ticks` ticks (0 included), each with its label (`m:ss` under an hour, `h:mm`
/// from an hour, `Nd` for whole days). Positions are in minutes.
pub fn time_ticks(x_max_min: f64, max_ticks: usize) -> Vec<(f64, String)> {
    let span_s = (x_max_min * 60.0).max(1.0);
    let max_ticks = max_ticks.max(2) as f64;
    let step = TIME_STEPS_S
        .iter()
        .copied()
        .find(|&s| (span_s / s as f64).floor() + 1.0 <= max_ticks)
        .unwrap_or_else(|| {
            let days = (span_s / 86_400.0 / (max_ticks - 1.0)).ceil().max(1.0) as u64;
            days * 86_400
        });
    let n = (span_s / step as f64 + 1e-9).floor() as u64;
    (0..=n)
        .map(|k| {
            let s = k * step;
            (s as f64 / 60.0, time_label(s, step))
        })
        .collect()
}

fn time_label(s: u64, step: u64) -> String {
    if step >= 86_400 && s.is_multiple_of(86_400) {
        format!("{}d", s / 86_400)
    } else if s >= 3_600 || step >= 3_600 {
        format!("{}:{:02}", s / 3_600, (s / 60) % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// What a value axis shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Counts, seconds, milliseconds: 0, 250, 2.5k, 1.2M.
    Number,
    /// US dollars: $0.0000004, $0.02, $1.50.
    Usd,
}

/// A value axis from 0 to the top of the data: four steps of a round size (1, 2, 2.5 or 5 ×
/// 10ⁿ), the axis maximum, and the five labels, all different.
pub fn value_ticks(top: f64, unit: Unit) -> (f64, Vec<(f64, String)>) {
    let top = if top > 0.0 && top.is_finite() {
        top * 1.05
    } else if unit == Unit::Number {
        4.0 // nothing counted yet: whole steps, not quarter messages
    } else {
        1.0
    };
    let step = nice_step(top / 4.0);
    let max = 4.0 * step;
    let ticks = (0..=4)
        .map(|k| {
            let v = step * k as f64;
            (v, value_label(v, step, unit))
        })
        .collect();
    (max, ticks)
}

/// The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `v`.
fn nice_step(v: f64) -> f64 {
    let base = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * base)
        .find(|&c| c >= v * 0.999_999)
        .unwrap_or(10.0 * base)
}

/// Decimals that tell multiples of `step` apart (at most 9).
fn decimals(step: f64) -> usize {
    (0..9)
        .find(|&d| {
            let x = step * 10f64.powi(d as i32);
            x >= 0.999_999 && (x - x.round()).abs() <= 1e-6 * x
        })
        .unwrap_or(9)
}

fn value_label(v: f64, step: f64, unit: Unit) -> String {
    match unit {
        Unit::Usd => format!("${v:.*}", decimals(step)),
        Unit::Number => {
            let (div, suffix) = if step >= 1e6 / 4.0 && v >= 1e6 {
                (1e6, "M")
            } else if step >= 250.0 && v >= 1e3 {
                (1e3, "k")
            } else {
                (1.0, "")
            };
            if v == 0.0 {
                return "0".into();
            }
            // Trailing zeros dropped: 2.5k, 5k, 7.5k.
            let text = format!("{:.*}", decimals(step / div), v / div);
            let text = if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.')
            } else {
                &text
            };
            format!("{text}{suffix}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &[(f64, String)]) -> Vec<&str> {
        t.iter().map(|(_, l)| l.as_str()).collect()
    }

    /// Five labels, no two alike.
    fn assert_distinct(t: &[(f64, String)]) {
        let mut d = labels(t);
        d.dedup();
        assert_eq!(d.len(), 5, "repeated labels {t:?}");
    }

    #[test]
    fn time_ticks_fall_on_round_steps_and_never_past_the_end() {
        // 2 min 46 s of run: ticks every 30 s... but at most 6, so every minute.
        let t = time_ticks(2.0 + 46.0 / 60.0, 6);
        assert_eq!(labels(&t), ["0:00", "0:30", "1:00", "1:30", "2:00", "2:30"]);
        let t = time_ticks(2.0 + 46.0 / 60.0, 4);
        assert_eq!(labels(&t), ["0:00", "1:00", "2:00"]);
        // The first seconds.
        assert_eq!(
            labels(&time_ticks(25.0 / 60.0, 5)),
            ["0:00", "0:10", "0:20"]
        );
        // Hours, then days.
        assert_eq!(labels(&time_ticks(150.0, 5)), ["0:00", "1:00", "2:00"]);
        let days = time_ticks(14.0 * 24.0 * 60.0, 6);
        assert_eq!(labels(&days), ["0d", "3d", "6d", "9d", "12d"]);
        for (x, _) in time_ticks(83.0 / 60.0, 5) {
            assert!(x <= 83.0 / 60.0 + 1e-9);
            assert!(
                ((x * 60.0).round() as u64).is_multiple_of(10),
                "{x} min is not on a round step"
            );
        }
    }

    #[test]
    fn dollars_read_as_dollars_with_distinct_labels() {
        let (max, t) = value_ticks(4.2e-7, Unit::Usd);
        assert!(max >= 4.2e-7);
        assert_eq!(
            labels(&t),
            [
                "$0.0000000",
                "$0.0000002",
                "$0.0000004",
                "$0.0000006",
                "$0.0000008"
            ]
        );
        let (_, t) = value_ticks(0.0093, Unit::Usd);
        assert_eq!(
            labels(&t),
            ["$0.0000", "$0.0025", "$0.0050", "$0.0075", "$0.0100"]
        );
        for top in [3e-9, 7.7e-5, 0.012, 0.4, 3.0, 47.0, 1234.5] {
            let (_, t) = value_ticks(top, Unit::Usd);
            let l = labels(&t);
            assert!(
                l.iter().all(|s| s.starts_with('$') && !s.contains('e')),
                "{l:?}"
            );
            assert_distinct(&t);
        }
    }

    #[test]
    fn counts_use_k_and_m_and_stay_distinct() {
        assert_eq!(
            labels(&value_ticks(18.0, Unit::Number).1),
            ["0", "5", "10", "15", "20"]
        );
        assert_eq!(
            labels(&value_ticks(9_000.0, Unit::Number).1),
            ["0", "2.5k", "5k", "7.5k", "10k"]
        );
        assert_eq!(
            labels(&value_ticks(3.3e6, Unit::Number).1),
            ["0", "1M", "2M", "3M", "4M"]
        );
        assert_eq!(
            labels(&value_ticks(0.0, Unit::Number).1),
            ["0", "1", "2", "3", "4"]
        );
        for top in [1.0, 7.0, 130.0, 2_600.0, 45_000.0, 8.8e6] {
            assert_distinct(&value_ticks(top, Unit::Number).1);
        }
    }
}
