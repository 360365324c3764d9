//! The parameter panel's ranges are AWS's (and the engine's), and each has a help sentence.

use mqlab_appcore::i18n::{self, Lang};
use mqlab_appcore::params::{self, check_queue_attribute};
use mqlab_engine::sqs::attributes::QueueAttributes;

#[test]
fn queue_params_have_the_ranges_of_aws_rules() {
    let expect = [
        ("DelaySeconds", 0, 900, 0, "s"),
        ("MaximumMessageSize", 1_024, 1_048_576, 1_048_576, "bytes"),
        ("MessageRetentionPeriod", 60, 1_209_600, 345_600, "s"),
        ("ReceiveMessageWaitTimeSeconds", 0, 20, 0, "s"),
        ("VisibilityTimeout", 0, 43_200, 30, "s"),
    ];
    let got: Vec<_> = params::queue_params()
        .iter()
        .map(|p| (p.attribute, p.min, p.max, p.default, p.unit))
        .collect();
    assert_eq!(got, expect);
    assert!(params::queue_params().iter().all(|p| !p.fifo_only));
    assert!(params::queue_param("VisibilityTimeout").is_some());
    assert!(params::queue_param("Nope").is_none());
}

#[test]
fn defaults_agree_with_a_new_queue_in_the_engine() {
    for fifo in [false, true] {
        let attrs = QueueAttributes::defaults(fifo);
        for p in params::queue_params() {
            assert_eq!(
                attrs.render(p.attribute),
                Some(p.default.to_string()),
                "{}",
                p.attribute
            );
        }
    }
    let fifo = QueueAttributes::defaults(true);
    for c in params::queue_choices() {
        assert!(c.fifo_only);
        assert_eq!(
            fifo.render(c.attribute).as_deref(),
            Some(c.default),
            "{}",
            c.attribute
        );
        assert!(c.options.contains(&c.default));
    }
}

#[test]
fn the_engine_accepts_each_range_end_and_refuses_one_past_it() {
    for p in params::queue_params() {
        for v in [p.min, p.max, p.default] {
            assert!(
                check_queue_attribute(p.attribute, &v.to_string(), false).is_ok(),
                "{} {v}",
                p.attribute
            );
        }
        let e = check_queue_attribute(p.attribute, &(p.max + 1).to_string(), false).unwrap_err();
        assert_eq!(e.code, "InvalidAttributeValue");
        assert!(e.message.contains(p.attribute), "{e:?}");
        if p.min > 0 {
            assert!(check_queue_attribute(p.attribute, &(p.min - 1).to_string(), false).is_err());
        }
        assert!(check_queue_attribute(p.attribute, "abc", false).is_err());
    }
}

#[test]
fn fifo_choices_are_checked_as_aws_checks_them() {
    for c in params::queue_choices() {
        for o in c.options {
            // perMessageGroupId alone needs DeduplicationScope=messageGroup (aws-rules §1.2).
            let ok = check_queue_attribute(c.attribute, o, true);
            assert_eq!(ok.is_ok(), *o != "perMessageGroupId", "{} {o}", c.attribute);
        }
        assert!(check_queue_attribute(c.attribute, "maybe", true).is_err());
    }
}

#[test]
fn actor_params_have_labels_help_and_sane_ranges() {
    for p in params::consumer_params()
        .iter()
        .chain(params::producer_params())
    {
        assert!(i18n::has(p.key), "{} has no label", p.key);
        assert!(p.min < p.max && p.step > 0.0, "{}", p.key);
        for lang in Lang::ALL {
            assert!(!params::help(p.key, lang).is_empty(), "{} {lang:?}", p.key);
        }
        // Korean help comes from texts/ko.json; a missing one would show the English.
        assert_ne!(
            params::help(p.key, Lang::Ko),
            params::help(p.key, Lang::En),
            "{} has no Korean help",
            p.key
        );
    }
    let max_messages = params::consumer_params()
        .iter()
        .find(|p| p.field == "max_messages")
        .unwrap();
    assert_eq!((max_messages.min, max_messages.max), (1.0, 10.0));
    let wait = params::consumer_params()
        .iter()
        .find(|p| p.field == "wait_time_s")
        .unwrap();
    assert_eq!(wait.max, 20.0);
}

#[test]
fn every_attribute_has_help_in_both_languages() {
    let names = params::queue_params()
        .iter()
        .map(|p| p.attribute)
        .chain(params::queue_choices().iter().map(|c| c.attribute))
        .chain([
            "RedrivePolicy",
            "maxReceiveCount",
            "consumer.heartbeat",
            "producer.burst",
        ]);
    for name in names {
        let (en, ko) = (params::help(name, Lang::En), params::help(name, Lang::Ko));
        assert!(en.ends_with('.') && !en.is_empty(), "{name}: {en}");
        assert!(ko.ends_with('.') && ko != en, "{name}: {ko}");
        assert!(
            !en.contains("  ") && !ko.contains("  "),
            "{name}: doubled space"
        );
    }
    assert_eq!(params::help("Nope", Lang::En), "");
    assert_eq!(params::MAX_RECEIVE_COUNT_RANGE, (1, 1_000));
}

/// SQS's own calls and words: a topic, stream or bucket producer's control never names them
/// (a Kinesis field once said "Batch size (SendMessageBatch)" and "the queue takes them all",
/// the opposite of a stream that refuses writes over a shard's limit).
const SQS_WORDS: &[&str] = &[
    "SendMessage",
    "ReceiveMessage",
    "DeleteMessage",
    "ChangeMessageVisibility",
    "DelaySeconds",
    "MaximumMessageSize",
    "the queue takes",
    "큐는 모두 받아",
];

#[test]
fn no_topic_stream_or_bucket_control_names_an_sqs_call() {
    use mqlab_appcore::i18n::t;
    use mqlab_appcore::params::{help, ProducerTarget};
    let keys: Vec<(&str, &str)> = mqlab_appcore::params::producer_params()
        .iter()
        .map(|p| (p.key, p.field))
        .chain([
            ("producer.stop", "stop_s"),
            ("producer.delay", "delay_seconds"),
            ("producer.burst", "burst"),
            ("producer.burst_count", "burst"),
            ("producer.arrival", "arrival"),
        ])
        .collect();
    for target in [
        ProducerTarget::Topic,
        ProducerTarget::Stream,
        ProducerTarget::Bucket,
    ] {
        for &(key, field) in &keys {
            if !target.has(field) {
                continue;
            }
            let key = target.key(key);
            for lang in Lang::ALL {
                let label = t(lang, key);
                let help_text = help(key, lang);
                for w in SQS_WORDS {
                    assert!(
                        !label.contains(w),
                        "{target:?} {key} label names {w}: {label}"
                    );
                    assert!(
                        !help_text.contains(w),
                        "{target:?} {key} help names {w}: {help_text}"
                    );
                }
                if target == ProducerTarget::Stream {
                    for w in ["queue", "message", "큐", "메시지"] {
                        assert!(
                            !label.to_lowercase().contains(w)
                                && !help_text.to_lowercase().contains(w),
                            "{key} speaks of a {w} on a stream: {label} / {help_text}"
                        );
                    }
                }
            }
        }
    }
    // Each names its own call where it has one.
    assert!(t(Lang::En, ProducerTarget::Stream.key("producer.batch_size")).contains("PutRecords"));
    assert!(t(Lang::En, ProducerTarget::Topic.key("producer.batch_size")).contains("PublishBatch"));
    assert!(t(Lang::En, ProducerTarget::Bucket.key("producer.rate")).contains("PutObject"));
    assert!(help(ProducerTarget::Stream.key("producer.rate"), Lang::En)
        .contains("ProvisionedThroughputExceededException"));
    // And a queue producer keeps SQS's words.
    assert!(
        t(Lang::En, ProducerTarget::Queue.key("producer.batch_size")).contains("SendMessageBatch")
    );
}

// ---- the panel's actor-setting logic (moved out of the web crate) -----------------------------

use mqlab_engine::actors::{ConsumerSpec, Processing, ProducerSpec};

#[test]
fn a_distribution_keeps_its_mean_and_spread_when_its_kind_changes() {
    let u = Processing::Uniform {
        min_ms: 100,
        max_ms: 300,
    };
    assert_eq!(params::processing_mean_ms(&u), 200);
    assert_eq!(params::processing_spread_ms(&u), 100);
    assert_eq!(
        params::with_dist(&u, "normal"),
        Some(Processing::Normal {
            mean_ms: 200,
            stddev_ms: 100
        })
    );
    assert_eq!(
        params::with_dist(&u, "fixed"),
        Some(Processing::Fixed { ms: 200 })
    );
    assert_eq!(params::with_dist(&u, "gamma"), None);
    assert_eq!(params::dist_name(&u), "uniform");
    // A uniform range moved to a new mean keeps its width; a new spread keeps the mean.
    assert_eq!(
        params::with_mean(&u, 1_000),
        Processing::Uniform {
            min_ms: 900,
            max_ms: 1_100
        }
    );
    assert_eq!(
        params::with_spread(&u, 50),
        Processing::Uniform {
            min_ms: 150,
            max_ms: 250
        }
    );
    // Never below zero, and fixed has no spread to set.
    assert_eq!(
        params::with_mean(&u, 10),
        Processing::Uniform {
            min_ms: 0,
            max_ms: 110
        }
    );
    let f = Processing::Fixed { ms: 40 };
    assert_eq!(params::with_spread(&f, 99), f);
}

#[test]
fn actor_fields_read_back_what_was_set_and_refuse_unknown_ones() {
    let mut c: ConsumerSpec = serde_json::from_str(r#"{"name":"w","queue":"q"}"#).unwrap();
    assert!(params::set_consumer(&mut c, "count", Some(4.0)));
    assert_eq!(params::consumer_value(&c, "count"), "4");
    assert!(params::set_consumer(&mut c, "processing", Some(250.0)));
    assert_eq!(params::consumer_value(&c, "processing"), "250");
    assert!(params::set_consumer(
        &mut c,
        "visibility_timeout_s",
        Some(45.0)
    ));
    assert_eq!(params::consumer_value(&c, "visibility_timeout_s"), "45");
    // An optional field may be cleared; a required one may not; an unknown one is refused.
    assert!(params::set_consumer(&mut c, "visibility_timeout_s", None));
    assert_eq!(params::consumer_value(&c, "visibility_timeout_s"), "");
    assert!(!params::set_consumer(&mut c, "count", None));
    assert!(!params::set_consumer(&mut c, "colour", Some(1.0)));

    let mut p: ProducerSpec = serde_json::from_str(r#"{"name":"p","queue":"q"}"#).unwrap();
    assert!(params::set_producer(&mut p, "rate_per_s", Some(12.5)));
    assert_eq!(params::producer_value(&p, "rate_per_s"), "12.5");
    assert!(params::set_producer(&mut p, "stop_s", None));
    assert!(!params::set_producer(&mut p, "rate_per_s", None));
    assert_eq!(params::producer_target(&p), "q");
    p.stream = Some("clicks".into());
    assert_eq!(params::producer_target(&p), "Kinesis clicks");
    p.topic = Some("orders".into());
    assert_eq!(params::producer_target(&p), "SNS orders");
}

#[test]
fn a_new_dead_letter_queue_gets_a_free_name_of_the_same_kind() {
    let (name, arn) = params::dlq_for("orders", &[]);
    assert_eq!(name, "orders-dlq");
    assert!(arn.ends_with(":orders-dlq"));
    let taken = vec!["jobs-dlq.fifo".to_string(), "jobs-dlq2.fifo".to_string()];
    assert_eq!(params::dlq_for("jobs.fifo", &taken).0, "jobs-dlq3.fifo");
}

#[test]
fn a_value_out_of_its_range_is_refused_with_the_fields_name() {
    let p = &params::PRODUCER_OPTIONAL[0];
    assert_eq!(params::parse_in_range(" 30 ", p, p.key, Lang::En), Ok(30.0));
    for bad in ["901", "-1", "abc", "NaN"] {
        let e = params::parse_in_range(bad, p, p.key, Lang::En).unwrap_err();
        assert!(e.contains(i18n::t(Lang::En, p.key)), "{e}");
        assert!(e.contains("900"), "{e}");
    }
}

/// A producer's resend setting (a retried send whose answer was lost): offered for a queue
/// only — the engine refuses it elsewhere — read and written like the other settings.
#[test]
fn resend_every_is_a_queue_producers_setting() {
    use mqlab_appcore::params::{
        help, producer_params, producer_value, set_producer, ProducerTarget,
    };
    let p = producer_params()
        .iter()
        .find(|p| p.field == "resend_every")
        .expect("offered");
    assert!(ProducerTarget::Queue.has("resend_every"));
    for target in [
        ProducerTarget::Topic,
        ProducerTarget::Stream,
        ProducerTarget::Bucket,
    ] {
        assert!(!target.has("resend_every"), "{target:?}");
    }
    for lang in Lang::ALL {
        assert!(!help(p.key, lang).is_empty());
    }
    let mut spec: ProducerSpec =
        serde_json::from_str(r#"{"name": "p", "queue": "q", "rate_per_s": 1}"#).unwrap();
    assert_eq!(producer_value(&spec, "resend_every"), "0");
    assert!(set_producer(&mut spec, "resend_every", Some(5.0)));
    assert_eq!(spec.resend_every, 5);
    assert_eq!(producer_value(&spec, "resend_every"), "5");
    spec.validate().unwrap();
}

/// The settings' help is a file the page fetches (`texts/help.json`): every entry is a setting
/// the panel has, in both languages, the Korean really Korean.
#[test]
fn the_help_file_names_only_settings_the_panel_has() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../texts/help.json"
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let known = |k: &str| {
        params::queue_params().iter().any(|p| p.attribute == k)
            || params::queue_choices().iter().any(|c| c.attribute == k)
            || ["RedrivePolicy", "maxReceiveCount"].contains(&k)
            || params::GROUP_PARAMS
                .iter()
                .chain(&params::MAPPING_PARAMS)
                .chain(&params::FIREHOSE_PARAMS)
                .chain(&params::ALARM_PARAMS)
                .chain(&params::BROKER_CONSUMER_PARAMS)
                .chain(&params::POLICY_PARAMS)
                .any(|p| p.member == k)
            || i18n::has(k)
    };
    for (k, texts) in v.as_object().unwrap() {
        assert!(known(k), "texts/help.json: {k} is no setting");
        let ko = texts["ko"].as_str().unwrap();
        assert!(
            ko.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)),
            "{k}: {ko}"
        );
        assert_eq!(params::help(k, Lang::En), texts["en"].as_str().unwrap());
    }
    assert!(params::help_loaded());
    assert!(params::load_help("{")
        .unwrap_err()
        .starts_with("texts/help.json: not JSON"));
}

#[test]
fn partition_keys_are_read_from_commas_and_refused_naming_the_field() {
    use mqlab_appcore::params::{parse_partition_keys, PARTITION_KEYS_MAX};
    assert_eq!(
        parse_partition_keys(" hot-1, hot-2 ,hot-3", Lang::En).unwrap(),
        ["hot-1", "hot-2", "hot-3"]
    );
    assert_eq!(parse_partition_keys("한국", Lang::En).unwrap(), ["한국"]);
    let long = "k".repeat(257);
    let too_many = vec!["k"; PARTITION_KEYS_MAX + 1].join(",");
    for bad in ["", " ", "a,,b", "a, ", long.as_str(), too_many.as_str()] {
        let e = parse_partition_keys(bad, Lang::En).unwrap_err();
        assert!(e.starts_with("Partition keys"), "{bad:?}: {e}");
    }
    // 256 characters (not bytes) is a key.
    assert!(parse_partition_keys(&"한".repeat(256), Lang::En).is_ok());
    assert!(parse_partition_keys("", Lang::Ko)
        .unwrap_err()
        .contains("파티션 키"));
}

/// The hot-key lesson's fix: the hot device's records spread over several keys land on both
/// shards, and the throttling stops.
#[test]
fn spreading_a_hot_key_over_several_keys_stops_the_throttling() {
    use mqlab_appcore::lab::{Edit, Lab};
    use mqlab_appcore::params::{parse_partition_keys, producer_value, ProducerTarget};
    let mut lab = Lab::from_json(
        mqlab_appcore::presets::by_id("kinesis-hot-key")
            .unwrap()
            .scenario_json(),
        None,
    )
    .unwrap();
    let throttled = |lab: &Lab| -> u64 {
        let st = lab.world().kinesis().stream("telemetry").unwrap();
        st.shards.iter().map(|s| s.totals.writes_throttled).sum()
    };
    lab.run_to(30_000);
    let before = throttled(&lab);
    assert!(before > 1_000, "the single hot key throttles: {before}");
    let index = lab
        .scenario
        .producers
        .iter()
        .position(|p| p.name == "hot-device")
        .unwrap();
    let mut spec = lab.scenario.producers[index].clone();
    assert_eq!(ProducerTarget::of(&spec), ProducerTarget::Stream);
    assert!(ProducerTarget::Stream.has("partition_keys"));
    assert!(!ProducerTarget::Queue.has("partition_keys"));
    assert_eq!(producer_value(&spec, "partition_keys"), "sensor-hot");
    spec.partition_keys = parse_partition_keys(
        "sensor-hot-1, sensor-hot-2, sensor-hot-3, sensor-hot-4",
        Lang::En,
    )
    .unwrap();
    lab.edit(Edit::Producer { index, spec }).unwrap();
    lab.run_to(35_000);
    let settled = throttled(&lab);
    lab.run_to(60_000);
    assert_eq!(
        throttled(&lab),
        settled,
        "1,200 records/s over both shards fit under 1,000 per shard"
    );
}

/// An imported scenario or a link with a bad partition key is refused naming the field.
#[test]
fn a_scenario_with_a_bad_partition_key_is_refused_naming_the_field() {
    for keys in [r#"[""]"#, &format!("[\"{}\"]", "k".repeat(257))] {
        let text = format!(
            r#"{{"streams": [{{"StreamName": "s", "ShardCount": 1}}],
                "producers": [{{"name": "p", "stream": "s", "rate_per_s": 1, "partition_keys": {keys}}}]}}"#
        );
        let e = mqlab_engine::Scenario::from_json(&text).unwrap_err();
        assert_eq!(e.field, "producers[0]");
        assert!(e.message.starts_with("partition_keys:"), "{}", e.message);
    }
}

/// A group's and a mapping's fields (the full page) make AWS's requests with one member; a
/// value that is no whole number is refused naming the member.
#[test]
fn scaling_fields_make_update_calls_with_one_member() {
    use mqlab_appcore::edits::Edit;
    let Edit::Call { op, params } =
        params::group_edit("workers", "DesiredCapacity", " 4 ").unwrap()
    else {
        panic!("a call")
    };
    assert_eq!(op, "UpdateAutoScalingGroup");
    assert_eq!(
        params,
        serde_json::json!({"AutoScalingGroupName": "workers", "DesiredCapacity": 4})
    );
    let Edit::Call { op, params } =
        params::mapping_edit("u-1", "fn", "MaximumConcurrency", "10").unwrap()
    else {
        panic!("a call")
    };
    assert_eq!(op, "UpdateEventSourceMapping");
    assert_eq!(
        params,
        serde_json::json!({"UUID": "u-1", "FunctionName": "fn", "ScalingConfig": {"MaximumConcurrency": 10}})
    );
    let Edit::Call { params, .. } = params::mapping_edit("u-1", "fn", "BatchSize", "5").unwrap()
    else {
        panic!("a call")
    };
    assert_eq!(params["BatchSize"], 5);
    assert_eq!(
        params::group_edit("workers", "MaxSize", "ten").unwrap_err(),
        "MaxSize must be a whole number, not \"ten\""
    );
}
