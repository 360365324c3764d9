//! Every UI string exists in English and Korean, and Korean is really Korean.

use mqlab_appcore::i18n::{self, t, tf, Lang, SAME_IN_BOTH};
use std::collections::BTreeSet;

fn is_hangul(c: char) -> bool {
    ('\u{ac00}'..='\u{d7a3}').contains(&c)
}

/// Every string literal in the app's and appcore's source that has the shape of a text key
/// (`section.name`, lower case) and starts with a section the table uses: the keys the code
/// asks for, found by reading it (a hand-kept list missed about half). Keys built at run time
/// (`format!("msg.state.{}", ..)`) are checked by the tests of the code that builds them.
fn keys_in_source() -> BTreeSet<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sections: BTreeSet<&str> = i18n::keys()
        .into_iter()
        .filter_map(|k| k.split('.').next())
        .collect();
    let mut found = BTreeSet::new();
    let mut dirs = vec![root.join("src"), root.join("crates/appcore/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") || path.ends_with("i18n.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (line_no, line) in text.lines().enumerate() {
                for lit in line.split('"').skip(1).step_by(2) {
                    let mut parts = lit.split('.');
                    let section = parts.next().unwrap_or("");
                    let well_formed = lit.contains('.')
                        && !lit.ends_with('.')
                        && lit.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_'
                        });
                    if well_formed && sections.contains(section) {
                        let place = format!(
                            "{}:{}",
                            path.strip_prefix(&root).unwrap_or(&path).display(),
                            line_no + 1
                        );
                        found.insert((lit.to_string(), place));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_key_the_app_uses_has_a_text() {
    let found = keys_in_source();
    assert!(
        found.len() > 200,
        "found only {} keys in the source",
        found.len()
    );
    let missing: Vec<String> = found
        .iter()
        .filter(|(k, _)| !i18n::has(k))
        .map(|(k, place)| format!("{k} ({place})"))
        .collect();
    assert!(
        missing.is_empty(),
        "keys used in the source with no text (a missing key renders as its name):\n  {}",
        missing.join("\n  ")
    );
}

#[test]
fn every_key_has_non_empty_english_and_korean_and_korean_differs() {
    for key in i18n::keys() {
        let (en, ko) = (t(Lang::En, key), t(Lang::Ko, key));
        assert!(!en.trim().is_empty(), "{key}: no English");
        assert!(!ko.trim().is_empty(), "{key}: no Korean");
        if SAME_IN_BOTH.contains(&key) {
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
        assert!(i18n::keys().contains(key), "{key}");
    }
}

/// Korean is a file the page fetches (`texts/ko.json`): it has a text for every key of the
/// English table and none for a key the table does not have (a stray key is a typo or a text
/// left behind), and a Korean title for every preset.
#[test]
fn the_korean_file_matches_the_english_table() {
    let ko = i18n::korean().expect("compiled in natively");
    let keys: BTreeSet<&str> = i18n::keys().into_iter().collect();
    let in_file: BTreeSet<&str> = ko.ui.keys().map(String::as_str).collect();
    let missing: Vec<_> = keys.difference(&in_file).collect();
    let stray: Vec<_> = in_file.difference(&keys).collect();
    assert!(
        missing.is_empty(),
        "keys with no Korean in texts/ko.json: {missing:?}"
    );
    assert!(
        stray.is_empty(),
        "texts/ko.json has keys the table does not: {stray:?}"
    );
    for p in mqlab_appcore::presets::all() {
        let ko = mqlab_appcore::presets::title(p.id, Lang::Ko);
        assert!(ko.chars().any(is_hangul), "{}: Korean title {ko}", p.id);
    }
    for id in ko.titles.keys() {
        assert!(
            mqlab_appcore::presets::by_id(id).is_some(),
            "texts/ko.json: titles.{id}: no such preset"
        );
    }
    assert!(i18n::korean_loaded());
}

#[test]
fn a_texts_file_is_read_with_errors_that_name_the_member() {
    let read = |text| i18n::Texts::from_json(i18n::KOREAN_FILE, text);
    assert!(read("{")
        .unwrap_err()
        .starts_with("texts/ko.json: not JSON"));
    assert_eq!(
        read(r#"{"ui": {}}"#).unwrap_err(),
        "texts/ko.json: titles: missing or not an object"
    );
    assert_eq!(
        read(r#"{"ui": {"a.b": 1}, "titles": {}}"#).unwrap_err(),
        "texts/ko.json: ui.a.b: not a string"
    );
    let k = read(r#"{"ui": {"a.b": "가"}, "titles": {}}"#).unwrap();
    assert_eq!(k.ui["a.b"], "가");
    assert!(i18n::Texts::from_json(i18n::ENGLISH_FILE, "[]")
        .unwrap_err()
        .starts_with("texts/en.json: ui: missing"));
}

/// The English texts are a file too (`texts/en.json`, fetched before the page draws): a
/// title for every preset and none for a preset that does not exist, and well-formed keys.
#[test]
fn the_english_file_has_every_title_and_well_formed_keys() {
    let en = i18n::english().expect("compiled in natively");
    for p in mqlab_appcore::presets::all() {
        assert!(
            en.titles.contains_key(p.id),
            "texts/en.json: no title for {}",
            p.id
        );
    }
    for id in en.titles.keys() {
        assert!(
            mqlab_appcore::presets::by_id(id).is_some(),
            "texts/en.json: titles.{id}: no such preset"
        );
    }
    assert!(en.ui.len() > 200, "only {} texts", en.ui.len());
    for key in i18n::keys() {
        assert!(
            key.contains('.')
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
            "{key}"
        );
    }
    assert_eq!(i18n::title(Lang::En, "no-such-preset"), None);
    assert_eq!(t(Lang::En, "no.such_key"), "no.such_key");
}

/// A key written twice in a texts file would be read as one (JSON keeps the last): both files
/// keep one entry per line, so their entry lines must be as many as the texts read.
#[test]
fn no_key_is_written_twice_in_a_texts_file() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../texts/");
    for (name, texts) in [("en.json", i18n::english()), ("ko.json", i18n::korean())] {
        let texts = texts.unwrap();
        let raw = std::fs::read_to_string(format!("{root}{name}")).unwrap();
        let entries = raw.lines().filter(|l| l.starts_with("    \"")).count();
        assert_eq!(
            entries,
            texts.ui.len() + texts.titles.len(),
            "texts/{name}: a key is written twice"
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
    for key in i18n::keys() {
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
