//! Text keys built at run time (choice options, per-service producer settings, help) exist in
//! both languages. Keys written in the source are found by `tests/i18n.rs`, which reads it.

use mqlab_appcore::i18n::{self, t, Lang};
use mqlab_appcore::params::ProducerTarget;

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
