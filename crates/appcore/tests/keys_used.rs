//! Every text key the sources ask for exists in both languages: the web app's components and
//! canvases, and appcore itself (a key that is missing shows up on the page as the key).

use mqlab_appcore::i18n::{self, t, Lang};
use mqlab_appcore::params::ProducerTarget;
use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The string literals passed as the key of `t(lang, "…")` / `tf(lang, "…", …)`.
fn keys_in(src: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for pat in ["t(lang, \"", "tf(lang, \"", "t(lang,\n"] {
        let mut rest = src;
        while let Some(i) = rest.find(pat) {
            rest = &rest[i + pat.len()..];
            let body = rest.trim_start().trim_start_matches('"');
            if let Some(end) = body.find('"') {
                let key = &body[..end];
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                {
                    keys.push(key.to_string());
                }
            }
        }
    }
    keys
}

#[test]
fn every_key_the_sources_use_has_both_texts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("../../src"), &mut files);
    rust_files(&root.join("src"), &mut files);
    let mut seen = 0;
    for f in files {
        let src = std::fs::read_to_string(&f).unwrap();
        for key in keys_in(&src) {
            assert!(i18n::has(&key), "{}: no text for {key}", f.display());
            seen += 1;
        }
    }
    assert!(seen > 100, "the scan found only {seen} keys");
}

#[test]
fn choice_options_and_per_service_keys_have_texts() {
    for v in ["constant", "poisson"] {
        assert!(i18n::has(&format!("producer.arrival.{v}")));
    }
    for v in ["fixed", "uniform", "exponential", "normal"] {
        assert!(i18n::has(&format!("consumer.processing_dist.{v}")));
    }
    for target in ProducerTarget::ALL {
        for key in [
            "producer.rate",
            "producer.batch_size",
            "producer.groups",
            "producer.body_bytes",
            "producer.poison_every",
            "producer.burst",
            "producer.burst_count",
        ] {
            let k = target.key(key);
            assert!(i18n::has(k), "{target:?} {k}");
            assert!(
                !mqlab_appcore::params::help(k, Lang::Ko).is_empty()
                    || key == "producer.burst_count",
                "{target:?} {k} has no help"
            );
        }
    }
    // The help overlay says what the page is and how to start, in both languages.
    for k in [
        "help.about",
        "help.start_preset",
        "help.start_play",
        "help.start_inspect",
    ] {
        assert_ne!(t(Lang::En, k), t(Lang::Ko, k));
    }
    assert!(t(Lang::En, "help.start_play").contains("play"));
}
