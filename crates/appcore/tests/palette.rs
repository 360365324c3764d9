//! Colours that mean a state are never reused for a message group or a partition key: FIFO
//! group 2 was once the orange of "Received 2+ times".

use mqlab_appcore::palette::{Palette, DARK, LIGHT};

/// CIE L*a*b* (D65) of a `#rrggbb` colour.
fn lab(hex: &str) -> [f64; 3] {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| {
        let v = u8::from_str_radix(&h[i..i + 2], 16).unwrap() as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let (r, g, b) = (c(0), c(2), c(4));
    let x = (r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047;
    let y = r * 0.2126 + g * 0.7152 + b * 0.0722;
    let z = (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883;
    let f = |t: f64| {
        if t > 0.008856 {
            t.cbrt()
        } else {
            7.787 * t + 16.0 / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

fn distance(a: &str, b: &str) -> f64 {
    let (a, b) = (lab(a), lab(b));
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Far enough apart that no one takes one for the other (the old group 2, #e69f00, was 21
/// from the "Received 2+ times" orange #d97706).
const FROM_STATE_MIN: f64 = 30.0;
/// Groups apart from each other (a dozen colours cannot all be far apart).
const BETWEEN_GROUPS_MIN: f64 = 12.0;

fn states(p: &Palette) -> [(&'static str, &'static str); 6] {
    [
        ("message (visible)", p.message),
        ("retried (received 2+ times)", p.retried),
        ("dead (in a DLQ)", p.dead),
        ("ok (deleted, delivered)", p.ok),
        ("warn", p.warn),
        ("danger (throttled, failed)", p.danger),
    ]
}

#[test]
fn no_group_or_key_colour_is_a_state_colour() {
    for (theme, p) in [("light", &LIGHT), ("dark", &DARK)] {
        for (i, g) in p.groups.iter().enumerate() {
            for (state, s) in states(p) {
                let d = distance(g, s);
                assert!(
                    d >= FROM_STATE_MIN,
                    "{theme}: group {} {g} is too close to {state} {s} (ΔE {d:.1})",
                    i + 1
                );
            }
        }
        for (i, a) in p.groups.iter().enumerate() {
            for b in &p.groups[i + 1..] {
                let d = distance(a, b);
                assert!(
                    d >= BETWEEN_GROUPS_MIN,
                    "{theme}: {a} and {b} too close (ΔE {d:.1})"
                );
            }
        }
    }
}

#[test]
fn every_partition_key_colour_is_a_group_colour_of_its_own() {
    // Kinesis keys take colours 0..KEY_COLORS: each must be a distinct palette entry.
    for p in [&LIGHT, &DARK] {
        assert!(p.groups.len() >= mqlab_appcore::kinesis_view::KEY_COLORS as usize);
    }
}
