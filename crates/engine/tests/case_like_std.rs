//! The engine's own Unicode case mapping (`core::case`) answers exactly as the standard
//! library's `char::to_lowercase`, `char::to_uppercase` and `str::to_lowercase` (final sigma
//! included), which it replaced in the wasm bundle: SNS filter policies' equals-ignore-case
//! and IAM policy matching compare strings with it, and answers differ if it differs.
//!
//! Its tables (`src/core/case_tables.rs`) are written from the standard library of the
//! toolchain in use:
//!
//!     cargo test -p mqlab-engine --test case_like_std -- --ignored write_the_tables
//!
//! When a new toolchain brings a new Unicode version, these tests fail until they are
//! written again.

use mqlab_engine::core::case;
use proptest::prelude::*;

fn all_chars() -> impl Iterator<Item = char> {
    (0..=0x10FFFFu32).filter_map(char::from_u32)
}

#[test]
fn every_character_maps_as_std_does() {
    for c in all_chars() {
        assert!(
            case::to_lower(c).eq(c.to_lowercase()),
            "lower {c:?} U+{:04X}",
            c as u32
        );
        assert!(
            case::to_upper(c).eq(c.to_uppercase()),
            "upper {c:?} U+{:04X}",
            c as u32
        );
    }
}

/// The final-sigma rule sees through case-ignorable characters to the nearest cased one:
/// every character before, after and between, as std decides it.
#[test]
fn final_sigma_around_every_character() {
    for c in all_chars() {
        for s in [
            format!("{c}Σ"),
            format!("Σ{c}"),
            format!("A{c}Σ"),
            format!("AΣ{c}"),
            format!("AΣ{c}b"),
            format!("{c}Σ{c}"),
        ] {
            assert_eq!(case::lower_str(&s), s.to_lowercase(), "{s:?}");
        }
    }
}

fn greekish() -> impl Strategy<Value = String> {
    let chars = prop_oneof![
        Just('Σ'),
        Just('σ'),
        Just('ς'),
        Just('Α'),
        Just('\u{0345}'), // combining ypogegrammeni: case-ignorable and cased
        Just('\''),
        Just('.'),
        Just(' '),
        Just('İ'),
        Just('ß'),
        Just('K'),
        any::<char>(),
    ];
    proptest::collection::vec(chars, 0..12).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn strings_lower_as_std_does(s in greekish()) {
        prop_assert_eq!(case::lower_str(&s), s.to_lowercase());
    }
}

/// Writes `src/core/case_tables.rs` from this toolchain's standard library.
#[test]
#[ignore]
fn write_the_tables() {
    use std::fmt::Write;
    let mut out = String::from(
        "//! Written by `cargo test -p mqlab-engine --test case_like_std -- --ignored \
         write_the_tables`\n//! from the standard library's case mapping; do not edit. See `case.rs`.\n\n",
    );
    for (name, f) in [
        (
            "LOWER",
            (|c: char| c.to_lowercase().collect()) as fn(char) -> Vec<char>,
        ),
        ("UPPER", |c: char| c.to_uppercase().collect()),
    ] {
        // (start, count, step, delta)
        let mut ranges: Vec<(u32, u32, u32, i64)> = vec![];
        let mut multi = vec![];
        for c in all_chars() {
            let u = c as u32;
            let m = f(c);
            if m.len() > 1 {
                multi.push((u, m));
                continue;
            }
            let d = m[0] as i64 - u as i64;
            if d == 0 {
                continue;
            }
            if let Some(last) = ranges.last_mut() {
                let end = last.0 + (last.1 - 1) * last.2;
                let extends = if last.1 == 1 {
                    u - last.0 <= 2
                } else {
                    u == end + last.2
                };
                if last.3 == d && extends && last.1 < 1024 {
                    if last.1 == 1 {
                        last.2 = u - last.0;
                    }
                    last.1 += 1;
                    continue;
                }
            }
            ranges.push((u, 1, 1, d));
        }
        writeln!(
            out,
            "/// {}: (start | (count - 1) << 21 | every other character << 31, delta).\n#[rustfmt::skip]\npub(super) static {name}: [(u32, i32); {}] = [",
            name.to_lowercase(),
            ranges.len()
        )
        .unwrap();
        for (start, count, step, delta) in &ranges {
            let key = start | (count - 1) << 21 | u32::from(*step == 2) << 31;
            writeln!(out, "    (0x{key:08x}, {delta}),").unwrap();
        }
        out.push_str("];\n\n");
        writeln!(
            out,
            "/// Characters that map to more than one: (character, up to three, 0 for none).\n#[rustfmt::skip]\npub(super) static {name}_MULTI: [(u32, [u16; 3]); {}] = [",
            multi.len()
        )
        .unwrap();
        for (u, m) in &multi {
            assert!(m.len() <= 3 && m.iter().all(|&c| (c as u32) < 0x10000));
            let mut w = [0u32; 3];
            for (i, c) in m.iter().enumerate() {
                w[i] = *c as u32;
            }
            writeln!(
                out,
                "    (0x{u:04x}, [0x{:04x}, 0x{:04x}, 0x{:04x}]),",
                w[0], w[1], w[2]
            )
            .unwrap();
        }
        out.push_str("];\n\n");
    }
    // Classes for the final-sigma rule, read from what std's str::to_lowercase does: a
    // character is case-ignorable (skipped) if "A{c}Σ" ends a word but "{c}Σ" does not;
    // cased if "{c}Σ" ends a word.
    let class = |c: char| {
        let final_in = |s: String| s.to_lowercase().ends_with('ς');
        if final_in(format!("{c}Σ")) {
            2u16
        } else if final_in(format!("A{c}Σ")) {
            1
        } else {
            0
        }
    };
    let mut runs: Vec<u16> = vec![];
    let (mut prev_class, mut prev_start) = (0u16, 0u32);
    for u in 0..=0x10FFFFu32 {
        // Surrogates: no character; they take the class before them.
        let k = char::from_u32(u).map_or(prev_class, class);
        if k == prev_class {
            continue;
        }
        let mut gap = u - prev_start;
        while gap > 0x3FFF {
            runs.push(prev_class << 14 | 0x3FFF);
            gap -= 0x3FFF;
        }
        runs.push(k << 14 | gap as u16);
        prev_class = k;
        prev_start = u;
    }
    writeln!(
        out,
        "/// Where the class changes, from U+0000 (class 0): (class << 14 | code points since\n/// the previous change); a gap over 0x3FFF is split into entries of the same class.\n/// 1: case-ignorable, 2: cased (and not case-ignorable).\n#[rustfmt::skip]\npub(super) static SIGMA_CLASSES: [u16; {}] = [",
        runs.len()
    )
    .unwrap();
    for chunk in runs.chunks(12) {
        let line: Vec<String> = chunk.iter().map(|r| format!("0x{r:04x}")).collect();
        writeln!(out, "    {},", line.join(", ")).unwrap();
    }
    out.push_str("];\n");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/core/case_tables.rs");
    std::fs::write(path, out).unwrap();
}
