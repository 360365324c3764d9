//! Share links, files and autosave: everything round-trips, and every kind of bad input is
//! refused with the field at fault named, without a panic.

use mqlab_appcore::edits::Edit;
use mqlab_appcore::i18n::Lang;
use mqlab_appcore::presets;
use mqlab_appcore::share::{
    self, ShareError, Shared, FRAGMENT_CHARS_MAX, IMPORT_BYTES_MAX, T_MS_MAX,
};
use mqlab_engine::core::base64;
use mqlab_engine::{events_hash, Scenario, World};
use proptest::prelude::*;

fn preset_scenario(id: &str) -> Scenario {
    Scenario::from_json(presets::by_id(id).unwrap().scenario_json()).unwrap()
}

fn shared(id: &str, t_ms: u64) -> Shared {
    Shared {
        scenario: preset_scenario(id),
        edits: Vec::new(),
        t_ms,
        preset: Some(id.to_string()),
        lang: Some(Lang::Ko),
    }
}

/// A link whose payload is `json`, as if someone had crafted it.
fn link(json: &str) -> String {
    format!("#v1={}", base64::encode_url(json))
}

fn err(r: Result<Shared, ShareError>) -> ShareError {
    r.expect_err("refused")
}

#[test]
fn every_preset_round_trips_through_a_link_with_its_time() {
    for (i, p) in presets::all().iter().enumerate() {
        let s = Shared {
            t_ms: 12_345 + i as u64 * 60_000,
            ..shared(p.id, 0)
        };
        let frag = share::to_fragment(&s);
        assert!(frag.starts_with("#v1="), "{frag}");
        assert!(
            frag[4..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "base64url without padding: {frag}"
        );
        assert_eq!(share::from_fragment(&frag).unwrap(), s, "{}", p.id);
        assert_eq!(share::from_fragment(&frag[1..]).unwrap(), s, "without '#'");
    }
}

#[test]
fn a_link_without_preset_or_language_round_trips() {
    let s = Shared {
        scenario: Scenario::default(),
        edits: Vec::new(),
        t_ms: 0,
        preset: None,
        lang: None,
    };
    assert_eq!(share::from_fragment(&share::to_fragment(&s)).unwrap(), s);
    let en = Shared {
        lang: Some(Lang::En),
        ..s
    };
    assert_eq!(share::from_fragment(&share::to_fragment(&en)).unwrap(), en);
}

#[test]
fn opening_a_link_reproduces_the_same_run() {
    let s = shared("poison-dlq", 90_000);
    let back = share::from_fragment(&share::to_fragment(&s)).unwrap();
    let run = |sc: &Scenario, t: u64| {
        let mut w = World::from_scenario(sc).unwrap();
        w.advance_to(t);
        events_hash(&w.drain_events())
    };
    assert_eq!(run(&s.scenario, s.t_ms), run(&back.scenario, back.t_ms));
}

#[test]
fn a_link_is_compact_enough_to_share() {
    // Browsers take links far longer; chat apps and mail clients start to cut links of a
    // few thousand characters. The SNS presets, with their ARNs, are the longest.
    for p in presets::all() {
        let n = share::to_fragment(&shared(p.id, 60_000)).len();
        assert!(n < 4_000, "{}: {n} characters", p.id);
    }
}

#[test]
fn every_preset_round_trips_through_a_file() {
    for p in presets::all() {
        let s = preset_scenario(p.id);
        let text = share::export_json(&s);
        assert!(
            text.ends_with("}\n") && text.contains("\n  \""),
            "pretty: {text}"
        );
        assert_eq!(share::import_json(&text).unwrap(), s, "{}", p.id);
        // The preset files themselves import.
        assert_eq!(share::import_json(p.scenario_json()).unwrap(), s);
    }
}

#[test]
fn autosave_round_trips() {
    let s = shared("fifo-groups", 42_000);
    let text = share::to_autosave(&s);
    assert_eq!(share::from_autosave(&text).unwrap(), s);
    let e = share::from_autosave("{").unwrap_err();
    assert_eq!(e.field, "autosave");
    assert!(!share::AUTOSAVE_KEY.is_empty());
}

#[test]
fn errors_display_as_field_colon_message() {
    let e = ShareError {
        field: "t".into(),
        message: "must be a number".into(),
    };
    assert_eq!(e.to_string(), "t: must be a number");
}

/// (input, field expected, a word the message must contain)
fn bad_links() -> Vec<(String, &'static str, &'static str)> {
    let ok = r#"{"queues":[{"QueueName":"q"}]}"#;
    let with = |extra: &str| link(&format!(r#"{{"s":{ok},{extra}}}"#));
    let scen = |s: &str| link(&format!(r#"{{"s":{s},"t":0}}"#));
    vec![
        (String::new(), "link", "empty"),
        ("#".into(), "link", "empty"),
        ("   ".into(), "link", "empty"),
        ("#hello".into(), "link", "not an mqlab link"),
        ("#v2=abcd".into(), "link", "unsupported version"),
        ("#=abcd".into(), "link", "unsupported version"),
        ("#v1=".into(), "link", "no data"),
        ("#v1=$$$$".into(), "link", "base64"),
        ("#v1=a".into(), "link", "base64"),
        (
            format!("#v1={}", base64::encode_url([0xff, 0xfe, 0x00])),
            "link",
            "UTF-8",
        ),
        (link("not json"), "link", "JSON"),
        (link("[1,2]"), "link", "object"),
        (link("null"), "link", "object"),
        (with(r#""zz":1"#), "link", "unknown field"),
        (with(r#""t":"soon""#), "t", "must be a number"),
        (with(r#""t":-5"#), "t", "between 0 and"),
        (with(r#""t":1.5"#), "t", "whole number"),
        (with(r#""t":1e300"#), "t", "between 0 and"),
        (
            with(&format!(r#""t":{}"#, T_MS_MAX + 1)),
            "t",
            "between 0 and",
        ),
        (with(r#""l":"fr""#), "lang", "unknown language"),
        (with(r#""l":7"#), "lang", "en"),
        (with(r#""p":"../../etc""#), "preset", "preset id"),
        (with(r#""p":"""#), "preset", "preset id"),
        (with(r#""p":["a"]"#), "preset", "preset id"),
        (link(r#"{"t":5}"#), "scenario", "missing"),
        (link(r#"{"s":"x","t":5}"#), "scenario", "object"),
        (
            scen(
                r#"{"queues":[{"QueueName":"q"}],"consumers":[{"name":"c","queue":"q","max_messages":11}]}"#,
            ),
            "scenario.consumers[0].max_messages",
            "between 1 and 10",
        ),
        (
            scen(
                r#"{"queues":[{"QueueName":"q"}],"consumers":[{"name":"c","queue":"q","max_messages":"ten"}]}"#,
            ),
            "scenario.consumers[0].max_messages",
            "invalid type",
        ),
        (
            scen(r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"nope"}]}"#),
            "scenario.producers[0].queue",
            "nope",
        ),
        (
            scen(
                r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","bursts":[{"at_s":-1,"count":1}]}]}"#,
            ),
            "scenario.producers[0].bursts[0]",
            "at_s",
        ),
        (
            scen(r#"{"queues":[{"QueueName":"q","Attributes":{"VisibilityTimeout":"99999"}}]}"#),
            "scenario.queues[0].Attributes.VisibilityTimeout",
            "InvalidAttributeValue",
        ),
        (
            scen(r#"{"queues":[{"QueueName":"q","Attributes":{"Colour":"blue"}}]}"#),
            "scenario.queues[0].Attributes.Colour",
            "InvalidAttributeName",
        ),
        (
            scen(r#"{"queues":[{"QueueName":"bad name!"}]}"#),
            "scenario.queues[0]",
            "InvalidParameterValue",
        ),
        (
            scen(
                r#"{"queues":[{"QueueName":"q","Attributes":{"RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:gone\",\"maxReceiveCount\":3}"}}]}"#,
            ),
            "scenario.queues[0].Attributes.RedrivePolicy",
            "gone",
        ),
        (
            scen(r#"{"queues":[{"QueueName":"q"},{"QueueName":"q"}]}"#),
            "scenario.queues[1].QueueName",
            "twice",
        ),
        (
            scen(r#"{"sqs":{"short_poll_sample_ratio":1.5}}"#),
            "scenario.sqs.short_poll_sample_ratio",
            "between 0 and 1",
        ),
        (scen(r#"{"seed":"x"}"#), "scenario.seed", "invalid type"),
        (scen(r#"{"seed":-1}"#), "scenario.seed", "invalid value"),
        (
            scen(r#"{"colour":"blue"}"#),
            "scenario.colour",
            "unknown field",
        ),
        (
            scen(
                r#"{"queues":[{"QueueName":"q"}],"consumers":[{"name":"c","queue":"q","processing":{"dist":"zipf"}}]}"#,
            ),
            "scenario.consumers[0].processing.dist",
            "zipf",
        ),
        (
            format!("#v1={}", "A".repeat(FRAGMENT_CHARS_MAX + 1)),
            "link",
            "too long",
        ),
    ]
}

#[test]
fn every_kind_of_bad_link_names_the_field_at_fault() {
    for (input, field, word) in bad_links() {
        let shown: String = input.chars().take(80).collect();
        let e = err(share::from_fragment(&input));
        assert_eq!(e.field, field, "{shown}: {e}");
        assert!(e.message.contains(word), "{shown}: {e} (wanted {word:?})");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn every_kind_of_bad_file_names_the_field_at_fault() {
    let cases: Vec<(String, &str, &str)> = vec![
        (String::new(), "file", "empty"),
        ("  \n".into(), "file", "empty"),
        ("\u{feff}".into(), "file", "empty"),
        ("{\"queues\": [".into(), "file", "line 1"),
        ("not json".into(), "file", "JSON"),
        ("[]".into(), "file", "not a scenario"),
        ("42".into(), "file", "not a scenario"),
        (
            format!(r#"{{"name":"{}"}}"#, "x".repeat(IMPORT_BYTES_MAX)),
            "file",
            "too large",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"consumers":[{"name":"c","queue":"q","wait_time_s":21}]}"#.into(),
            "scenario.consumers[0].wait_time_s",
            "between 0 and 20",
        ),
        (
            "{\n  \"queues\": [{\"QueueName\": \"q\", \"Attributes\": {\"DelaySeconds\": \"901\"}}]\n}".into(),
            "scenario.queues[0].Attributes.DelaySeconds",
            "InvalidAttributeValue",
        ),
        (
            r#"{"queues":[{"QueueName":"q","Attributes":{"DelaySeconds":901}}]}"#.into(),
            "scenario.queues[0].Attributes.DelaySeconds",
            "invalid type",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"p","queue":"q","rate_per_s":1e9}]}"#.into(),
            "scenario.producers[0].rate_per_s",
            "between 0 and",
        ),
        (
            r#"{"queues":[{"QueueName":"q"}],"producers":[{"name":"","queue":"q"}]}"#.into(),
            "scenario.producers[0].name",
            "non-empty",
        ),
        (
            r#"{"queues":[{"QueueName":"q.fifo"}]}"#.into(),
            "scenario.queues[0]",
            "alphanumeric",
        ),
    ];
    for (input, field, word) in cases {
        let shown: String = input.chars().take(80).collect();
        let e = share::import_json(&input).expect_err(&shown);
        assert_eq!(e.field, field, "{shown}: {e}");
        assert!(e.message.contains(word), "{shown}: {e} (wanted {word:?})");
    }
}

#[test]
fn a_file_with_a_byte_order_mark_imports() {
    let text = format!("\u{feff}{}", presets::all()[0].scenario_json());
    assert!(share::import_json(&text).is_ok());
}

#[test]
fn a_link_padded_by_a_mail_client_still_opens() {
    let frag = share::to_fragment(&shared("decoupling", 5));
    let padded = format!("{frag}==\n");
    assert_eq!(
        share::from_fragment(&padded).unwrap(),
        shared("decoupling", 5)
    );
}

#[test]
fn mangled_links_and_files_never_panic() {
    for p in presets::all() {
        let frag = share::to_fragment(&shared(p.id, 1_000));
        let json = p.scenario_json();
        // Every truncation, and every single-character change at a spread of positions.
        for cut in (0..frag.len()).step_by(7) {
            let _ = share::from_fragment(&frag[..cut]);
        }
        for cut in (0..json.len()).step_by(5) {
            let _ = share::import_json(&json[..cut]);
        }
        let bytes: Vec<char> = json.chars().collect();
        for i in (0..bytes.len()).step_by(3) {
            for replacement in ['9', '-', '"', '}', 'x', ' ', '\u{0}', '\u{1F600}'] {
                let mut m = bytes.clone();
                m[i] = replacement;
                let text: String = m.iter().collect();
                if let Ok(s) = share::import_json(&text) {
                    // Whatever was accepted also builds and round-trips.
                    assert_eq!(share::import_json(&share::export_json(&s)).unwrap(), s);
                }
                let _ = share::from_fragment(&link(&format!(r#"{{"s":{text},"t":0}}"#)));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,300}") {
        let _ = share::from_fragment(&s);
        let _ = share::from_fragment(&format!("#v1={s}"));
        let _ = share::import_json(&s);
        let _ = share::from_autosave(&s);
    }

    #[test]
    fn arbitrary_base64_payloads_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = share::from_fragment(&format!("#v1={}", base64::encode_url(&bytes)));
    }

    #[test]
    fn arbitrary_json_values_never_panic(v in json_value()) {
        let text = v.to_string();
        let _ = share::import_json(&text);
        let _ = share::from_fragment(&link(&text));
        let _ = share::from_fragment(&link(&format!(r#"{{"s":{text},"t":0}}"#)));
    }

    #[test]
    fn any_time_and_preset_round_trip(t in 0..=T_MS_MAX, i in 0usize..8, ko in any::<bool>()) {
        let p = &presets::all()[i % presets::all().len()];
        let s = Shared {
            t_ms: t,
            lang: Some(if ko { Lang::Ko } else { Lang::En }),
            ..shared(p.id, 0)
        };
        prop_assert_eq!(share::from_fragment(&share::to_fragment(&s)).unwrap(), s);
    }

    #[test]
    fn arbitrary_edits_never_panic(v in json_value()) {
        let scenario = serde_json::to_string(&preset_scenario("decoupling")).unwrap();
        let text = v.to_string();
        let _ = share::from_fragment(&link(&format!(r#"{{"s":{scenario},"e":{text}}}"#)));
        let _ = share::from_fragment(&link(&format!(r#"{{"s":{scenario},"e":[[5,{text}]]}}"#)));
    }
}

/// JSON values shaped a little like scenarios, so that generation reaches deep validation.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::{json, Value};
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-zA-Z0-9_.\\-]{0,12}".prop_map(Value::from),
        Just(json!("q")),
        Just(json!("q.fifo")),
    ];
    let keys = prop_oneof![
        Just("queues"),
        Just("producers"),
        Just("consumers"),
        Just("QueueName"),
        Just("Attributes"),
        Just("VisibilityTimeout"),
        Just("name"),
        Just("queue"),
        Just("rate_per_s"),
        Just("count"),
        Just("max_messages"),
        Just("seed"),
        Just("sqs"),
        Just("processing"),
        Just("dist"),
        Just("bursts"),
        Just("FifoQueue"),
        Just("other"),
    ];
    leaf.prop_recursive(4, 40, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys.clone().prop_map(String::from), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn edited(id: &str) -> Shared {
    let mut s = shared(id, 50_000);
    let mut consumer = s.scenario.consumers[0].clone();
    consumer.count += 2;
    let mut producer = s.scenario.producers[0].clone();
    producer.bursts.push(mqlab_engine::actors::Burst {
        at_s: 30.0,
        count: 40,
    });
    s.edits = vec![
        (
            10_000,
            Edit::QueueAttribute {
                queue: s.scenario.queues[0].queue_name.clone(),
                attribute: "VisibilityTimeout".into(),
                value: "7".into(),
            },
        ),
        (
            20_000,
            Edit::Consumer {
                index: 0,
                spec: consumer,
            },
        ),
        (
            30_000,
            Edit::Producer {
                index: 0,
                spec: producer,
            },
        ),
    ];
    s
}

#[test]
fn a_link_carries_the_edits_made_while_the_run_went_on() {
    let s = edited("decoupling");
    let back = share::from_fragment(&share::to_fragment(&s)).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.edits.len(), 3);
    // The autosave carries them the same way.
    assert_eq!(share::from_autosave(&share::to_autosave(&s)).unwrap(), s);
}

#[test]
fn edits_in_a_link_that_are_out_of_order_or_out_of_range_are_refused_with_the_field() {
    let scenario = serde_json::to_string(&preset_scenario("decoupling")).unwrap();
    let open = |e: &str| {
        err(share::from_fragment(&link(&format!(
            r#"{{"s":{scenario},"e":{e}}}"#
        ))))
    };
    assert_eq!(open("{}").field, "edits");
    assert_eq!(open("[5]").field, "edits[0]");
    assert_eq!(
        open(r#"[[9,{"Call":{"op":"PurgeQueue","params":{}}}],[3,{"Call":{"op":"PurgeQueue","params":{}}}]]"#).field,
        "edits[1].0"
    );
    assert_eq!(
        open(r#"[[1,{"Call":{"op":"DeleteQueue","params":{}}}]]"#).field,
        "edits[0].op"
    );
    assert_eq!(
        open(r#"[[1,{"Producer":{"index":7,"spec":{"name":"p","queue":"q"}}}]]"#).field,
        "edits[0].index"
    );
    let e =
        open(r#"[[1,{"Consumer":{"index":0,"spec":{"name":"c","queue":"q","max_messages":11}}}]]"#);
    assert_eq!(e.field, "edits[0].spec.max_messages", "{e}");
    let e = open(r#"[[1,{"Consumer":{"index":0,"spec":{"name":"c","queue":"q","colour":1}}}]]"#);
    assert!(e.field.starts_with("edits[0]"), "{e}");
    assert!(e.message.contains("colour"), "{e}");
    let many = format!(
        "[{}]",
        vec![r#"[1,{"Call":{"op":"PurgeQueue","params":{}}}]"#; 1_001].join(",")
    );
    assert_eq!(open(&many).field, "edits");
}

#[test]
fn a_new_filter_policy_travels_in_a_link_and_folds_into_the_exported_scenario() {
    let mut s = shared("sns-filter", 20_000);
    let sub = &s.scenario.topics[0].subscriptions[0];
    let edit = Edit::SubscriptionAttribute {
        topic: s.scenario.topics[0].name.clone(),
        protocol: sub.protocol.clone(),
        endpoint: sub.endpoint.clone(),
        attribute: "FilterPolicy".into(),
        value: r#"{"store":["south"]}"#.into(),
    };
    assert_eq!(edit.operation(), "SetSubscriptionAttributes");
    s.edits = vec![(5_000, edit.clone())];
    let back = share::from_fragment(&share::to_fragment(&s)).unwrap();
    assert_eq!(back, s);
    // Folded, the scenario alone starts with the new policy.
    let mut scenario = s.scenario.clone();
    edit.fold_into(&mut scenario);
    assert_eq!(
        scenario.topics[0].subscriptions[0].attributes["FilterPolicy"],
        r#"{"store":["south"]}"#
    );
    // "" removes it, as SetSubscriptionAttributes does.
    let Edit::SubscriptionAttribute {
        topic,
        protocol,
        endpoint,
        attribute,
        ..
    } = edit
    else {
        unreachable!()
    };
    let remove = Edit::SubscriptionAttribute {
        topic,
        protocol,
        endpoint,
        attribute,
        value: String::new(),
    };
    remove.fold_into(&mut scenario);
    assert!(!scenario.topics[0].subscriptions[0]
        .attributes
        .contains_key("FilterPolicy"));
}

#[test]
fn importing_a_scenario_with_lambda_is_handed_to_the_full_page_naming_the_field() {
    let text = include_str!("../../../scenarios/lambda-consumer.json");
    let imported = mqlab_appcore::share::import_json(text);
    if mqlab_appcore::sim::FULL_PAGE {
        // The full page runs it.
        assert!(imported.is_ok(), "{imported:?}");
    } else {
        // The first download refuses it with the message that opens the full page.
        let e = imported.expect_err("the first download does not link Lambda");
        assert_eq!(e.field, "scenario.functions");
        assert!(mqlab_appcore::sim::needs_full_page(&e.to_string()), "{e}");
    }
    // The same scenario builds natively, for `mqlab run`.
    let s = mqlab_engine::Scenario::from_json(text).unwrap();
    assert!(mqlab_engine::World::from_scenario(&s).is_ok());
}
