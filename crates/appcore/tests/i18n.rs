//! Every UI string exists in English and Korean, and Korean is really Korean.

use mqlab_appcore::i18n::{self, t, tf, Lang, KEYS, SAME_IN_BOTH};
use std::collections::BTreeSet;

/// The keys the web app uses (the list agreed with it); every one must have a text.
const APP_KEYS: &[&str] = &[
    "app.title",
    "app.tagline",
    "controls.play",
    "controls.pause",
    "controls.step",
    "controls.restart",
    "controls.new_seed",
    "controls.speed",
    "controls.fast_forward",
    "controls.seek",
    "controls.help",
    "controls.language",
    "controls.theme",
    "controls.share",
    "controls.export",
    "controls.import",
    "panel.presets",
    "panel.parameters",
    "panel.charts",
    "panel.inspector",
    "panel.log",
    "panel.compare",
    "queue.visible",
    "queue.in_flight",
    "queue.delayed",
    "queue.sent",
    "queue.received",
    "queue.deleted",
    "queue.dlq",
    "queue.expired",
    "queue.empty_receives",
    "queue.duplicates",
    "cost.total",
    "cost.requests",
    "msg.state.delayed",
    "msg.state.visible",
    "msg.state.in_flight",
    "msg.state.deleted",
    "msg.state.dlq",
    "msg.state.expired",
    "msg.duplicate",
    "msg.empty_receive",
    "group.locked",
    "help.title",
    "help.space",
    "help.step",
    "help.faster",
    "help.slower",
    "help.close",
    "error.bad_link",
    "error.bad_file",
    "error.engine",
    "error.panic",
    "error.keep_work",
    "share.copied",
    "autosave.restored",
    "param.out_of_range",
    "consumer.count",
    "consumer.wait_time",
    "consumer.max_messages",
    "consumer.processing_ms",
    "consumer.failure_probability",
    "consumer.crash_probability",
    "consumer.heartbeat",
    "producer.rate",
    "producer.batch_size",
    "producer.burst",
    "producer.groups",
    "compare.left",
    "compare.right",
    "inspector.queue_attributes",
    "inspector.message_life",
    "inspector.none",
    "producer.body_bytes",
    "producer.arrival",
    "producer.start",
    "producer.stop",
    "producer.poison_every",
    "producer.burst_count",
    "producer.burst_now",
    "consumer.processing_dist",
    "consumer.processing_spread",
    "consumer.restart_after",
    "consumer.empty_poll_pause",
    "consumer.start",
    "consumer.handles_poison",
    "queue.add_dlq",
    "queue.remove_dlq",
    "params.run",
    "stats.events",
    "stats.run_hash",
    "log.you",
];

fn is_hangul(c: char) -> bool {
    ('\u{ac00}'..='\u{d7a3}').contains(&c)
}

#[test]
fn every_key_the_app_uses_has_a_text() {
    for key in APP_KEYS {
        assert!(KEYS.contains(key), "{key} missing from KEYS");
        assert!(i18n::has(key), "{key}");
    }
}

#[test]
fn every_key_has_non_empty_english_and_korean_and_korean_differs() {
    for key in KEYS {
        let (en, ko) = (t(Lang::En, key), t(Lang::Ko, key));
        assert!(!en.trim().is_empty(), "{key}: no English");
        assert!(!ko.trim().is_empty(), "{key}: no Korean");
        if SAME_IN_BOTH.contains(key) {
            continue;
        }
        assert_ne!(en, ko, "{key}: Korean is the English text");
        assert!(
            ko.chars().any(is_hangul),
            "{key}: Korean text has no Hangul: {ko}"
        );
        assert!(
            !en.chars().any(is_hangul),
            "{key}: English text has Hangul: {en}"
        );
    }
    for key in SAME_IN_BOTH {
        assert!(KEYS.contains(key), "{key}");
    }
}

#[test]
fn keys_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for key in KEYS {
        assert!(seen.insert(key), "{key} twice");
        assert!(
            key.contains('.')
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
            "{key}"
        );
    }
}

#[test]
fn placeholders_are_the_same_in_both_languages() {
    let names = |s: &str| -> BTreeSet<String> {
        s.split('{')
            .skip(1)
            .filter_map(|r| r.split_once('}').map(|(n, _)| n.to_string()))
            .collect()
    };
    for key in KEYS {
        assert_eq!(
            names(t(Lang::En, key)),
            names(t(Lang::Ko, key)),
            "{key}: placeholders differ"
        );
    }
}

#[test]
fn aws_names_stay_untranslated_in_korean() {
    for (key, name) in [
        ("consumer.wait_time", "WaitTimeSeconds"),
        ("consumer.max_messages", "MaxNumberOfMessages"),
        ("consumer.heartbeat", "ChangeMessageVisibility"),
        ("producer.batch_size", "SendMessageBatch"),
        ("producer.groups", "MessageGroupId"),
        ("inspector.queue_attributes", "GetQueueAttributes"),
        ("action.redrive", "StartMessageMoveTask"),
    ] {
        assert!(t(Lang::En, key).contains(name), "{key} EN");
        assert!(t(Lang::Ko, key).contains(name), "{key} KO");
    }
}

#[test]
fn an_unknown_key_comes_back_as_itself() {
    assert_eq!(t(Lang::En, "no.such.key"), "no.such.key");
    assert_eq!(t(Lang::Ko, "no.such.key"), "no.such.key");
    assert_eq!(t(Lang::Ko, ""), "");
    // The same 'static copy each time (allocated once).
    assert!(std::ptr::eq(t(Lang::En, "x.y"), t(Lang::Ko, "x.y")));
    for i in 0..1_000 {
        let k = format!("missing.{i}");
        let _ = t(Lang::En, &k);
    }
}

#[test]
fn placeholders_are_filled() {
    let args = [
        ("name", "VisibilityTimeout"),
        ("min", "0"),
        ("max", "43200"),
    ];
    assert_eq!(
        tf(Lang::En, "param.out_of_range", &args),
        "VisibilityTimeout: must be between 0 and 43200"
    );
    assert_eq!(
        tf(Lang::Ko, "param.out_of_range", &args),
        "VisibilityTimeout: 0에서 43200 사이여야 합니다"
    );
}

#[test]
fn language_codes_round_trip_and_browser_tags_are_read() {
    for l in Lang::ALL {
        assert_eq!(Lang::from_code(l.code()), Some(l));
    }
    assert_eq!(Lang::default(), Lang::En);
    assert_eq!(Lang::from_code("ko-KR"), Some(Lang::Ko));
    assert_eq!(Lang::from_code("EN_us"), Some(Lang::En));
    assert_eq!(Lang::from_code("fr"), None);
    assert_eq!(Lang::from_code(""), None);
    assert_eq!(Lang::from_code("kor"), None);
}

#[test]
fn korean_uses_the_learners_words() {
    // The study notes' own vocabulary (seed notes): 가시성 타임아웃, 롱 폴링, 데드레터 큐.
    assert!(t(Lang::Ko, "msg.state.in_flight").contains("가시성 타임아웃"));
    assert!(t(Lang::Ko, "consumer.wait_time").contains("쇼트 폴링"));
    assert!(t(Lang::Ko, "msg.state.dlq").contains("데드레터 큐"));
}
