//! The engine's own float parser (`core::float::parse_f64`) gives std's `str::parse::<f64>`
//! answer for every text: the same bits (any NaN for a NaN), or an error for the same texts.
//! SNS `Number` attributes, numeric filter matching and the page's fields read numbers with
//! it, so a difference would change what a run does.

use mqlab_engine::core::float::parse_f64;
use proptest::prelude::*;

fn same(s: &str) {
    let theirs = s.parse::<f64>().ok();
    let mine = parse_f64(s).ok();
    match (mine, theirs) {
        (Some(a), Some(b)) if a.is_nan() && b.is_nan() => {}
        (Some(a), Some(b)) => assert_eq!(a.to_bits(), b.to_bits(), "{s:?}: {a:e} vs {b:e}"),
        (a, b) => assert_eq!(a.is_some(), b.is_some(), "{s:?}: {a:?} vs {b:?}"),
    }
}

#[test]
fn the_edges_of_rounding_range_and_grammar() {
    let texts = [
        // halfway between neighbours, just below and just above
        "9007199254740993",
        "9007199254740993.0000000000001",
        "9007199254740992.9999999999999",
        "9007199254740995",
        "2.5",
        "0.1",
        "0.2",
        "0.3",
        "1e23",
        "8.589973e9",
        // the range: the largest double and past it, the smallest subnormal and half of it
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.7976931348623159e308",
        "1.797693134862315807e308",
        "1e308",
        "1e309",
        "2e308",
        "4.9406564584124654e-324",
        "5e-324",
        "2.4703282292062327e-324",
        "2.4703282292062328e-324",
        "2.470328229206232720882e-324",
        "1e-324",
        "3e-324",
        "2.2250738585072011e-308",
        "2.2250738585072012e-308",
        "2.2250738585072014e-308",
        "2.225073858507201136057409796709131975934819546351645648e-308",
        "1e-400",
        "1e400",
        "0e999999999999",
        "1e-999999999999",
        "1e999999999999",
        // grammar
        "",
        "+",
        "-",
        ".",
        "+.",
        "e",
        "1e",
        "1e+",
        "1e-",
        ".e1",
        "1.e1",
        ".1e1",
        "+.1",
        "-1.",
        "00012.500",
        "0.000",
        "-0",
        "+0",
        "-0.0e-5",
        "inf",
        "-inf",
        "+Infinity",
        "INFINITY",
        "infinit",
        "nan",
        "NaN",
        "-nan",
        "nAn",
        "inf ",
        " 1",
        "1 ",
        "1_000",
        "0x1p3",
        "1e1.5",
        "1..2",
        "1.2.3",
        "١",
        "1e٣",
    ];
    for s in texts {
        same(s);
    }
    // Long texts: more digits than any parser keeps, with the deciding digit far away.
    let long_half = format!("9007199254740993{}", "0".repeat(900));
    same(&long_half);
    same(&format!("{long_half}1"));
    same(&format!("0.{}1", "0".repeat(700)));
    same(&format!("1{}e-1000", "0".repeat(1000)));
    same(&format!("2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324{}1", "0".repeat(200)));
}

fn number_text() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(""), Just("-"), Just("+")],
        "[0-9]{0,25}",
        prop_oneof![Just(""), Just(".")],
        "[0-9]{0,25}",
        prop_oneof![
            Just(String::new()),
            (
                prop_oneof![Just("e"), Just("E")],
                prop_oneof![Just(""), Just("-"), Just("+")],
                -400i32..400
            )
                .prop_map(|(e, s, n)| format!("{e}{s}{}", n.unsigned_abs()))
        ],
    )
        .prop_map(|(sign, a, dot, b, exp)| format!("{sign}{a}{dot}{b}{exp}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn texts_shaped_like_numbers(s in number_text()) {
        same(&s);
    }

    /// Every double printed short and long reads back as std reads it.
    #[test]
    fn doubles_printed_and_read_back(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        same(&format!("{x}"));
        same(&format!("{x:e}"));
        same(&format!("{x:.30e}"));
    }

    #[test]
    fn any_short_text(s in "[-+0-9.eEinfatyINFATY ]{0,8}") {
        same(&s);
    }
}
