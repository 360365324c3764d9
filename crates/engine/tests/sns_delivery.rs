//! SNS delivery retry policies and simulated endpoints (aws-rules §3.6).

use mqlab_engine::rng::Rng;
use mqlab_engine::sns::delivery::*;
use proptest::prelude::*;
use serde_json::json;

const S: u64 = 1_000;
const DAY_MS: u64 = 86_400 * S;

fn counts(policy: &RetryPolicy) -> (u32, u32, u32, u32) {
    let c = policy.phase_counts();
    (c.immediate, c.pre_backoff, c.backoff, c.post_backoff)
}

fn delays(policy: &RetryPolicy, phase: RetryPhase) -> Vec<u64> {
    policy
        .schedule()
        .into_iter()
        .filter(|(p, _)| *p == phase)
        .map(|(_, d)| d)
        .collect()
}

fn sub_policy(retry: serde_json::Value) -> Result<DeliveryPolicy, mqlab_engine::AwsError> {
    DeliveryPolicy::parse(&json!({ "healthyRetryPolicy": retry }).to_string(), false)
}

fn err_message(retry: serde_json::Value) -> String {
    let err = sub_policy(retry).expect_err("policy should be refused");
    assert_eq!(err.code, "InvalidParameterException");
    err.message
}

fn valid_retry() -> serde_json::Value {
    json!({"minDelayTarget": 1, "maxDelayTarget": 60, "numRetries": 50,
           "numNoDelayRetries": 3, "numMinDelayRetries": 2, "numMaxDelayRetries": 35,
           "backoffFunction": "exponential"})
}

// --- default schedules --------------------------------------------------------------------

#[test]
fn protocols_map_to_their_endpoint_class() {
    for p in ["sqs", "lambda", "firehose"] {
        assert_eq!(EndpointClass::of_protocol(p), EndpointClass::AwsManaged);
    }
    for p in ["email", "email-json", "sms", "application"] {
        assert_eq!(
            EndpointClass::of_protocol(p),
            EndpointClass::CustomerManaged
        );
    }
    for p in ["http", "https"] {
        assert_eq!(EndpointClass::of_protocol(p), EndpointClass::Http);
    }
}

#[test]
fn aws_managed_endpoints_retry_100015_times_in_four_phases() {
    let p = RetryPolicy::default_for(EndpointClass::AwsManaged);
    assert_eq!(counts(&p), (3, 2, 10, 100_000));
    assert_eq!(p.retries(), 100_015);
    assert_eq!(p.schedule().len(), 100_015);
}

#[test]
fn aws_managed_retries_are_immediate_then_1s_then_exponential_1_to_20s_then_20s() {
    let p = RetryPolicy::default_for(EndpointClass::AwsManaged);
    assert_eq!(delays(&p, RetryPhase::Immediate), vec![0, 0, 0]);
    assert_eq!(delays(&p, RetryPhase::PreBackoff), vec![S, S]);
    let backoff = delays(&p, RetryPhase::Backoff);
    assert_eq!(backoff.len(), 10);
    assert_eq!(backoff[0], S);
    assert_eq!(backoff[9], 20 * S);
    assert!(backoff.windows(2).all(|w| w[0] < w[1]), "{backoff:?}");
    let post = delays(&p, RetryPhase::PostBackoff);
    assert_eq!(post.len(), 100_000);
    assert!(post.iter().all(|&d| d == 20 * S));
    assert_eq!(p.phase_of_retry(1), Some(RetryPhase::Immediate));
    assert_eq!(p.phase_of_retry(4), Some(RetryPhase::PreBackoff));
    assert_eq!(p.phase_of_retry(6), Some(RetryPhase::Backoff));
    assert_eq!(p.phase_of_retry(15), Some(RetryPhase::Backoff));
    assert_eq!(p.phase_of_retry(16), Some(RetryPhase::PostBackoff));
    assert_eq!(p.phase_of_retry(100_015), Some(RetryPhase::PostBackoff));
}

#[test]
fn aws_managed_retries_span_about_23_days() {
    let p = RetryPolicy::default_for(EndpointClass::AwsManaged);
    let total = p.total_delay_ms();
    assert_eq!(total, p.schedule().iter().map(|(_, d)| d).sum::<u64>());
    assert!(total > 23 * DAY_MS && total < 24 * DAY_MS, "{total}");
}

#[test]
fn customer_managed_endpoints_retry_50_times_over_more_than_6_hours() {
    let p = RetryPolicy::default_for(EndpointClass::CustomerManaged);
    assert_eq!(counts(&p), (0, 2, 10, 38));
    assert_eq!(p.retries(), 50);
    assert_eq!(delays(&p, RetryPhase::PreBackoff), vec![10 * S, 10 * S]);
    let backoff = delays(&p, RetryPhase::Backoff);
    assert_eq!((backoff[0], backoff[9]), (10 * S, 600 * S));
    assert!(backoff.windows(2).all(|w| w[0] < w[1]), "{backoff:?}");
    assert!(delays(&p, RetryPhase::PostBackoff)
        .iter()
        .all(|&d| d == 600 * S));
    let total = p.total_delay_ms();
    assert!(total > 6 * 3_600 * S && total < 8 * 3_600 * S, "{total}");
}

#[test]
fn http_endpoints_default_to_3_retries_20_seconds_apart() {
    let p = RetryPolicy::default_for(EndpointClass::Http);
    assert_eq!(p.retries(), 3);
    assert_eq!(
        p.schedule(),
        vec![(RetryPhase::Backoff, 20 * S); 3],
        "min = max = 20 s, linear, every retry in the backoff phase"
    );
    assert_eq!(p.total_delay_ms(), 60 * S);
    // min = max leaves jitter no room: the documented 20 s exactly.
    let mut rng = Rng::new(1);
    for n in 1..=3 {
        assert_eq!(p.delay_before_retry(n, &mut rng), Some(20 * S));
    }
    assert_eq!(
        p.to_json_value(),
        json!({"minDelayTarget": 20, "maxDelayTarget": 20, "numRetries": 3,
               "numMaxDelayRetries": 0, "numNoDelayRetries": 0, "numMinDelayRetries": 0,
               "backoffFunction": "linear"})
    );
}

#[test]
fn retries_beyond_the_policy_have_no_delay_or_phase() {
    let p = RetryPolicy::default_for(EndpointClass::Http);
    let mut rng = Rng::new(1);
    for n in [0, 4, u32::MAX] {
        assert_eq!(p.phase_of_retry(n), None);
        assert_eq!(p.delay_before_retry(n, &mut rng), None);
        assert_eq!(p.nominal_delay_ms(n), None);
    }
}

// --- custom HTTP/S policies ----------------------------------------------------------------

#[test]
fn guide_example_policy_is_3_immediate_2_at_1s_10_exponential_1_to_60s_35_at_60s() {
    let policy = DeliveryPolicy::parse(
        &json!({"healthyRetryPolicy": valid_retry(),
                "throttlePolicy": {"maxReceivesPerSecond": 10}})
        .to_string(),
        false,
    )
    .unwrap();
    assert_eq!(policy.max_receives_per_second, Some(10));
    let p = policy.retry.unwrap();
    assert_eq!(counts(&p), (3, 2, 10, 35));
    // The guide calls these "a total of 50 attempts": its count is the retries.
    assert_eq!(p.retries(), 50);
    assert_eq!(delays(&p, RetryPhase::Immediate), vec![0; 3]);
    assert_eq!(delays(&p, RetryPhase::PreBackoff), vec![S; 2]);
    let backoff = delays(&p, RetryPhase::Backoff);
    assert_eq!((backoff[0], backoff[9]), (S, 60 * S));
    assert_eq!(delays(&p, RetryPhase::PostBackoff), vec![60 * S; 35]);
    assert!(p.total_delay_ms() <= HTTP_TOTAL_RETRY_TIME_MAX_MS);
}

#[test]
fn linear_backoff_from_20_to_40_seconds_over_3_retries_is_20_30_40() {
    // The old SNS guide's worked example.
    let p = sub_policy(json!({"minDelayTarget": 20, "maxDelayTarget": 40, "numRetries": 3}))
        .unwrap()
        .retry
        .unwrap();
    assert_eq!(p.backoff_function(), BackoffFunction::Linear);
    assert_eq!(
        delays(&p, RetryPhase::Backoff),
        vec![20 * S, 30 * S, 40 * S]
    );
}

#[test]
fn every_backoff_function_runs_from_min_delay_to_max_delay() {
    // The guide's chart: 10 retries, 5 s to 260 s.
    let mut mid = Vec::new();
    for f in [
        BackoffFunction::Linear,
        BackoffFunction::Arithmetic,
        BackoffFunction::Geometric,
        BackoffFunction::Exponential,
    ] {
        let p = RetryPolicy::http_custom(5, 260, 10, 0, 0, 0, f).unwrap();
        let d = delays(&p, RetryPhase::Backoff);
        assert_eq!(d.len(), 10);
        assert_eq!((d[0], d[9]), (5 * S, 260 * S), "{f}");
        assert!(d.windows(2).all(|w| w[0] < w[1]), "{f}: {d:?}");
        mid.push(d[4]);
    }
    // Four distinct curves: geometric rises fastest, then arithmetic, linear, exponential.
    assert!(
        mid[2] > mid[1] && mid[1] > mid[0] && mid[0] > mid[3],
        "{mid:?}"
    );
}

#[test]
fn backoff_function_names_are_case_insensitive() {
    let p = sub_policy(
        json!({"minDelayTarget": 5, "maxDelayTarget": 10, "numRetries": 6,
                              "backoffFunction": "EXPONENTIAL"}),
    )
    .unwrap()
    .retry
    .unwrap();
    assert_eq!(p.backoff_function(), BackoffFunction::Exponential);
}

#[test]
fn topic_level_policy_sets_defaults_for_http_subscriptions() {
    let topic = DeliveryPolicy::parse(
        &json!({"http": {
            "defaultHealthyRetryPolicy": {"minDelayTarget": 20, "maxDelayTarget": 20,
                "numRetries": 3, "numMaxDelayRetries": 0, "numNoDelayRetries": 0,
                "numMinDelayRetries": 0, "backoffFunction": "linear"},
            "disableSubscriptionOverrides": false,
            "defaultThrottlePolicy": {"maxReceivesPerSecond": 1},
            "defaultRequestPolicy": {"headerContentType": "application/json"}}})
        .to_string(),
        true,
    )
    .unwrap();
    assert_eq!(
        topic.retry,
        Some(RetryPolicy::default_for(EndpointClass::Http))
    );
    assert_eq!(topic.max_receives_per_second, Some(1));
    assert_eq!(
        topic.header_content_type.as_deref(),
        Some("application/json")
    );
    assert!(!topic.disable_subscription_overrides);
    assert_eq!(
        RetryPolicy::from_delivery_policy_json(r#"{"http":{}}"#, true).unwrap(),
        None
    );
}

#[test]
fn subscription_policy_overrides_topic_policy_unless_overrides_are_disabled() {
    let topic_json = |disable: bool| {
        json!({"http": {"defaultHealthyRetryPolicy":
            {"minDelayTarget": 5, "maxDelayTarget": 5, "numRetries": 7},
            "disableSubscriptionOverrides": disable,
            "defaultThrottlePolicy": {"maxReceivesPerSecond": 3}}})
        .to_string()
    };
    let sub =
        sub_policy(json!({"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 1})).unwrap();

    let topic = DeliveryPolicy::parse(&topic_json(false), true).unwrap();
    let eff = DeliveryPolicy::effective(Some(&topic), Some(&sub));
    assert_eq!(eff.retry.retries(), 1);
    assert_eq!(
        eff.max_receives_per_second,
        Some(3),
        "the topic's throttle still applies"
    );
    assert_eq!(eff.header_content_type, DEFAULT_HEADER_CONTENT_TYPE);

    let locked = DeliveryPolicy::parse(&topic_json(true), true).unwrap();
    assert!(locked.disable_subscription_overrides);
    let eff = DeliveryPolicy::effective(Some(&locked), Some(&sub));
    assert_eq!(eff.retry.retries(), 7);

    let eff = DeliveryPolicy::effective(None, None);
    assert_eq!(eff.retry, RetryPolicy::default_for(EndpointClass::Http));
    assert_eq!(eff.max_receives_per_second, None);
}

#[test]
fn empty_delivery_policy_sets_nothing() {
    assert_eq!(
        RetryPolicy::from_delivery_policy_json("", false).unwrap(),
        None
    );
    assert_eq!(
        RetryPolicy::from_delivery_policy_json("{}", true).unwrap(),
        None
    );
    assert_eq!(
        DeliveryPolicy::parse(
            r#"{"sicklyRetryPolicy":null,"throttlePolicy":null,"guaranteed":false}"#,
            false
        )
        .unwrap(),
        DeliveryPolicy::default()
    );
}

// --- validation errors ----------------------------------------------------------------------

#[test]
fn num_retries_above_100_is_refused() {
    let mut r = valid_retry();
    r["numRetries"] = json!(101);
    assert_eq!(
        err_message(r),
        "Invalid parameter: DeliveryPolicy: healthyRetryPolicy.numRetries must be less than or equal to 100"
    );
}

#[test]
fn topic_level_errors_name_the_http_default_member() {
    let err = RetryPolicy::from_delivery_policy_json(
        &json!({"http": {"defaultHealthyRetryPolicy":
            {"minDelayTarget": 1, "maxDelayTarget": 1, "numRetries": 101}}})
        .to_string(),
        true,
    )
    .unwrap_err();
    assert_eq!(
        err.message,
        "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100"
    );
    assert_eq!(
        in_attributes(err).message,
        "Invalid parameter: Attributes Reason: DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100"
    );
}

#[test]
fn min_delay_target_below_1_is_refused() {
    let mut r = valid_retry();
    r["minDelayTarget"] = json!(0);
    assert_eq!(
        err_message(r),
        "Invalid parameter: DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be greater than or equal to 1"
    );
}

#[test]
fn max_delay_target_above_3600_is_refused() {
    let mut r = valid_retry();
    r["maxDelayTarget"] = json!(3601);
    assert!(err_message(r)
        .ends_with("healthyRetryPolicy.maxDelayTarget must be less than or equal to 3600"));
}

#[test]
fn max_delay_target_below_min_delay_target_is_refused() {
    let mut r = valid_retry();
    r["minDelayTarget"] = json!(30);
    r["maxDelayTarget"] = json!(20);
    assert!(
        err_message(r).ends_with("maxDelayTarget must be greater than or equal to minDelayTarget")
    );
}

#[test]
fn negative_retry_counts_are_refused() {
    for member in [
        "numRetries",
        "numNoDelayRetries",
        "numMinDelayRetries",
        "numMaxDelayRetries",
    ] {
        let mut r = valid_retry();
        r[member] = json!(-1);
        assert!(
            err_message(r).ends_with(&format!(
                "healthyRetryPolicy.{member} must be greater than or equal to 0"
            )),
            "{member}"
        );
    }
}

#[test]
fn phase_counts_above_num_retries_are_refused() {
    let mut r = valid_retry();
    r["numRetries"] = json!(39);
    assert!(err_message(r).ends_with(
        "healthyRetryPolicy.numRetries must be greater than or equal to total of numMinDelayRetries, numNoDelayRetries and numMaxDelayRetries"
    ));
}

#[test]
fn unknown_backoff_function_is_refused() {
    let mut r = valid_retry();
    r["backoffFunction"] = json!("nonexistent");
    assert!(err_message(r).contains("healthyRetryPolicy.backoffFunction must be one of"));
    let mut r = valid_retry();
    r["backoffFunction"] = json!(3);
    assert!(err_message(r).ends_with("backoffFunction must be a string"));
}

#[test]
fn total_retry_time_above_3600_seconds_is_refused() {
    // 2 retries at 3,600 s = 7,200 s.
    let msg = err_message(json!({"minDelayTarget": 3600, "maxDelayTarget": 3600, "numRetries": 2}));
    assert!(
        msg.contains("total retry time must be less than or equal to 3600 seconds"),
        "{msg}"
    );
    // 1 retry at 3,600 s is exactly the limit.
    assert!(
        sub_policy(json!({"minDelayTarget": 3600, "maxDelayTarget": 3600, "numRetries": 1}))
            .is_ok()
    );
    // The old guide's example: 100 retries, 5 no-delay, 5 at 5 s, 65 backoff 5→30 s, 25 at 30 s.
    assert!(sub_policy(
        json!({"minDelayTarget": 5, "maxDelayTarget": 30, "numRetries": 100,
        "numNoDelayRetries": 5, "numMinDelayRetries": 5, "numMaxDelayRetries": 25,
        "backoffFunction": "exponential"})
    )
    .is_ok());
}

#[test]
fn retry_policy_without_delay_targets_or_num_retries_is_refused() {
    for member in ["minDelayTarget", "maxDelayTarget", "numRetries"] {
        let mut r = valid_retry();
        r.as_object_mut().unwrap().remove(member);
        assert!(
            err_message(r).ends_with(&format!("healthyRetryPolicy.{member} must be specified")),
            "{member}"
        );
    }
}

#[test]
fn non_integer_values_are_refused() {
    let mut r = valid_retry();
    r["numRetries"] = json!(2.5);
    assert!(err_message(r).ends_with("healthyRetryPolicy.numRetries must be an integer"));
    let mut r = valid_retry();
    r["minDelayTarget"] = json!([1]);
    assert!(err_message(r).ends_with("healthyRetryPolicy.minDelayTarget must be an integer"));
    // Numeric strings and integral floats are read as numbers.
    let mut r = valid_retry();
    r["numRetries"] = json!("50");
    r["minDelayTarget"] = json!(1.0);
    assert_eq!(sub_policy(r).unwrap().retry.unwrap().retries(), 50);
}

#[test]
fn unexpected_members_are_refused() {
    let err = DeliveryPolicy::parse(r#"{"throttlePolicy":{"maxReceivesPerSecond":10}}"#, true)
        .unwrap_err();
    assert_eq!(
        err.message,
        "Invalid parameter: DeliveryPolicy: Unexpected JSON member: throttlePolicy"
    );
    let err = DeliveryPolicy::parse(r#"{"http":{"healthyRetryPolicy":{}}}"#, true).unwrap_err();
    assert!(err
        .message
        .ends_with("Unexpected JSON member: http.healthyRetryPolicy"));
    let mut r = valid_retry();
    r["numRetires"] = json!(3);
    assert!(err_message(r).ends_with("Unexpected JSON member: healthyRetryPolicy.numRetires"));
}

#[test]
fn malformed_delivery_policy_json_is_refused() {
    for bad in ["{", "[]", "42", "\"x\"", r#"{"healthyRetryPolicy":5}"#] {
        let err = DeliveryPolicy::parse(bad, false).unwrap_err();
        assert_eq!(err.code, "InvalidParameterException", "{bad}");
        assert!(
            err.message
                .starts_with("Invalid parameter: DeliveryPolicy: "),
            "{bad}"
        );
    }
}

#[test]
fn max_receives_per_second_below_1_is_refused() {
    let err = DeliveryPolicy::parse(r#"{"throttlePolicy":{"maxReceivesPerSecond":0}}"#, false)
        .unwrap_err();
    assert!(err
        .message
        .ends_with("throttlePolicy.maxReceivesPerSecond must be greater than or equal to 1"));
    let err = DeliveryPolicy::parse(
        r#"{"http":{"defaultThrottlePolicy":{"maxReceivesPerSecond":-3}}}"#,
        true,
    )
    .unwrap_err();
    assert!(err.message.ends_with(
        "http.defaultThrottlePolicy.maxReceivesPerSecond must be greater than or equal to 1"
    ));
}

// --- jitter and determinism -----------------------------------------------------------------

#[test]
fn jitter_spreads_delays_but_same_seed_gives_same_delays() {
    let p = RetryPolicy::default_for(EndpointClass::CustomerManaged);
    let run = |seed| {
        let mut rng = Rng::new(seed);
        (1..=p.retries())
            .map(|n| p.delay_before_retry(n, &mut rng).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
    let nominal: Vec<u64> = p.schedule().into_iter().map(|(_, d)| d).collect();
    assert_ne!(run(7), nominal, "jitter moves some delays");
}

#[test]
fn immediate_retries_are_never_delayed_and_draw_no_randomness() {
    let p = RetryPolicy::default_for(EndpointClass::AwsManaged);
    let mut a = Rng::new(3);
    let b = Rng::new(3);
    for n in 1..=3 {
        assert_eq!(p.delay_before_retry(n, &mut a), Some(0));
    }
    assert_eq!(a.clone().next_u64(), b.clone().next_u64());
}

fn backoff_strategy() -> impl Strategy<Value = BackoffFunction> {
    prop_oneof![
        Just(BackoffFunction::Linear),
        Just(BackoffFunction::Arithmetic),
        Just(BackoffFunction::Geometric),
        Just(BackoffFunction::Exponential),
    ]
}

proptest! {
    #[test]
    fn jittered_delays_stay_within_min_and_max_delay(
        min_s in 1u32..=600,
        extra_s in 0u32..=600,
        retries in 0u32..=100,
        split in (0u32..=100, 0u32..=100, 0u32..=100),
        f in backoff_strategy(),
        seed in any::<u64>(),
    ) {
        let max_s = min_s + extra_s;
        let no = split.0.min(retries);
        let pre = split.1.min(retries - no);
        let post = split.2.min(retries - no - pre);
        let p = match RetryPolicy::http_custom(min_s, max_s, retries, no, pre, post, f) {
            Ok(p) => p,
            Err(reason) => {
                // Only the 3,600 s total may refuse these.
                prop_assert!(reason.starts_with("total retry time"), "{}", reason);
                return Ok(());
            }
        };
        prop_assert!(p.total_delay_ms() <= HTTP_TOTAL_RETRY_TIME_MAX_MS);
        let (lo, hi) = (u64::from(min_s) * 1000, u64::from(max_s) * 1000);
        let mut rng = Rng::new(seed);
        let mut last_backoff = 0;
        for n in 1..=retries {
            let phase = p.phase_of_retry(n).unwrap();
            let nominal = p.nominal_delay_ms(n).unwrap();
            let d = p.delay_before_retry(n, &mut rng).unwrap();
            if phase == RetryPhase::Immediate {
                prop_assert_eq!(d, 0);
                continue;
            }
            prop_assert!((lo..=hi).contains(&nominal));
            prop_assert!((lo..=hi).contains(&d), "retry {} delay {} outside [{}, {}]", n, d, lo, hi);
            let spread = (nominal as f64 * RETRY_JITTER_FRACTION).ceil() as u64 + 1;
            prop_assert!(d + spread >= nominal && d <= nominal + spread);
            if phase == RetryPhase::Backoff {
                prop_assert!(nominal >= last_backoff, "backoff delays never shrink");
                last_backoff = nominal;
            }
        }
    }

    #[test]
    fn delivery_policy_parsing_never_panics(s in ".{0,200}") {
        let _ = DeliveryPolicy::parse(&s, false);
        let _ = DeliveryPolicy::parse(&s, true);
    }

    #[test]
    fn retry_policy_parsing_never_panics_on_any_member_values(
        values in proptest::collection::vec(
            prop_oneof![
                any::<i64>().prop_map(|v| json!(v)),
                any::<f64>().prop_map(|v| json!(v)),
                ".{0,8}".prop_map(|v| json!(v)),
                Just(json!(null)),
                Just(json!(true)),
            ],
            7,
        ),
        at_topic_level in any::<bool>(),
    ) {
        let names = ["minDelayTarget", "maxDelayTarget", "numRetries", "numNoDelayRetries",
                     "numMinDelayRetries", "numMaxDelayRetries", "backoffFunction"];
        let retry: serde_json::Map<String, serde_json::Value> =
            names.iter().map(|n| n.to_string()).zip(values).collect();
        let doc = if at_topic_level {
            json!({"http": {"defaultHealthyRetryPolicy": retry}})
        } else {
            json!({"healthyRetryPolicy": retry})
        };
        if let Ok(p) = DeliveryPolicy::parse(&doc.to_string(), at_topic_level) {
            if let Some(r) = p.retry {
                prop_assert!(r.retries() <= 100);
                prop_assert!(r.total_delay_ms() <= HTTP_TOTAL_RETRY_TIME_MAX_MS);
            }
        }
    }
}

// --- simulated endpoints --------------------------------------------------------------------

fn lambda(concurrency: u32, duration_ms: u64, error_rate: f64) -> Endpoint {
    Endpoint::Lambda(LambdaEndpoint {
        duration_ms,
        concurrency,
        error_rate,
    })
}

fn http(availability: f64, failure_status: u16) -> Endpoint {
    Endpoint::Http(HttpEndpoint {
        latency_ms: 100,
        availability,
        failure_status,
    })
}

#[test]
fn lambda_is_throttled_when_every_concurrent_invocation_is_busy() {
    let f = lambda(2, 1_000, 0.0);
    let mut state = EndpointState::default();
    let mut rng = Rng::new(1);
    assert!(matches!(
        f.attempt(&mut state, 0, &mut rng),
        AttemptOutcome::Delivered { .. }
    ));
    assert!(matches!(
        f.attempt(&mut state, 10, &mut rng),
        AttemptOutcome::Delivered { .. }
    ));
    match f.attempt(&mut state, 20, &mut rng) {
        AttemptOutcome::ServerError { reason, .. } => {
            assert!(reason.contains("TooManyRequestsException"), "{reason}")
        }
        other => panic!("expected throttling, got {other:?}"),
    }
    // Once the first invocation has finished, a slot is free again.
    let after_first = LAMBDA_ACCEPT_LATENCY_MS + 1_000;
    assert!(matches!(
        f.attempt(&mut state, after_first, &mut rng),
        AttemptOutcome::Delivered { .. }
    ));
    assert_eq!(state.invocations, 3);
    assert!(state.busy_until.len() <= 2);
}

#[test]
fn lambda_function_errors_do_not_fail_the_sns_delivery() {
    let f = lambda(1_000, 50, 1.0);
    let mut state = EndpointState::default();
    let mut rng = Rng::new(1);
    for t in 0..10 {
        assert_eq!(
            f.attempt(&mut state, t * 1_000, &mut rng),
            AttemptOutcome::Delivered {
                after_ms: LAMBDA_ACCEPT_LATENCY_MS
            }
        );
    }
    assert_eq!((state.invocations, state.function_errors), (10, 10));
}

#[test]
fn http_5xx_and_100_101_are_retried_4xx_are_not() {
    let mut state = EndpointState::default();
    let mut rng = Rng::new(1);
    for status in [100, 101, 500, 502, 503, 599] {
        assert!(
            matches!(
                http(0.0, status).attempt(&mut state, 0, &mut rng),
                AttemptOutcome::ServerError { after_ms: 100, .. }
            ),
            "{status}"
        );
        assert_eq!(HttpStatusClass::of(status), HttpStatusClass::Retryable);
    }
    for status in [400, 403, 404, 429, 499] {
        assert!(
            matches!(
                http(0.0, status).attempt(&mut state, 0, &mut rng),
                AttemptOutcome::ClientError { after_ms: 100, .. }
            ),
            "{status}"
        );
        assert_eq!(HttpStatusClass::of(status), HttpStatusClass::Permanent);
    }
    for status in [200, 204, 302] {
        assert_eq!(HttpStatusClass::of(status), HttpStatusClass::Success);
        assert!(matches!(
            http(0.0, status).attempt(&mut state, 0, &mut rng),
            AttemptOutcome::Delivered { .. }
        ));
    }
}

#[test]
fn available_http_endpoint_answers_after_its_latency() {
    let mut state = EndpointState::default();
    let mut rng = Rng::new(1);
    assert_eq!(
        http(1.0, 500).attempt(&mut state, 0, &mut rng),
        AttemptOutcome::Delivered { after_ms: 100 }
    );
}

#[test]
fn http_request_times_out_after_15_seconds_and_is_retried() {
    let slow = Endpoint::Http(HttpEndpoint {
        latency_ms: 20_000,
        availability: 1.0,
        failure_status: 500,
    });
    let outcome = slow.attempt(&mut EndpointState::default(), 0, &mut Rng::new(1));
    assert!(matches!(outcome, AttemptOutcome::ServerError { .. }));
    assert_eq!(outcome.after_ms(), HTTP_REQUEST_TIMEOUT_MS);
}

#[test]
fn failing_sink_gives_a_retried_server_error() {
    let mut state = EndpointState::default();
    let mut rng = Rng::new(1);
    let fails = Endpoint::Sink(SinkEndpoint {
        latency_ms: 300,
        failure_rate: 1.0,
    });
    assert!(matches!(
        fails.attempt(&mut state, 0, &mut rng),
        AttemptOutcome::ServerError { after_ms: 300, .. }
    ));
    let works = Endpoint::Sink(SinkEndpoint {
        latency_ms: 300,
        failure_rate: 0.0,
    });
    assert_eq!(
        works.attempt(&mut state, 0, &mut rng),
        AttemptOutcome::Delivered { after_ms: 300 }
    );
}

#[test]
fn endpoint_attempts_are_deterministic_for_a_seed() {
    let e = http(0.5, 503);
    let run = |seed| {
        let mut rng = Rng::new(seed);
        let mut state = EndpointState::default();
        (0..50)
            .map(|t| e.attempt(&mut state, t, &mut rng))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(11), run(11));
}

#[test]
fn endpoints_read_from_scenario_json_with_defaults() {
    let e: Endpoint = serde_json::from_str(r#"{"Http":{"latency_ms":100}}"#).unwrap();
    assert_eq!(
        e,
        Endpoint::Http(HttpEndpoint {
            latency_ms: 100,
            availability: 1.0,
            failure_status: 500
        })
    );
    let e: Endpoint = serde_json::from_str(r#"{"Lambda":{}}"#).unwrap();
    assert_eq!(e, Endpoint::Lambda(LambdaEndpoint::default()));
    let e: Endpoint = serde_json::from_str(r#"{"Sink":{"failure_rate":0.2}}"#).unwrap();
    assert!(e.validate().is_ok());
    assert!(serde_json::from_str::<Endpoint>(r#"{"Http":{"latency":100}}"#).is_err());
}

#[test]
fn endpoint_validation_names_the_field() {
    let cases = [
        (lambda(0, 100, 0.0), "Lambda.concurrency"),
        (lambda(1, 100, 1.5), "Lambda.error_rate"),
        (lambda(1, u64::MAX, 0.0), "Lambda.duration_ms"),
        (http(f64::NAN, 500), "Http.availability"),
        (http(1.0, 200), "Http.failure_status"),
        (http(1.0, 700), "Http.failure_status"),
        (
            Endpoint::Sink(SinkEndpoint {
                latency_ms: 0,
                failure_rate: -0.1,
            }),
            "Sink.failure_rate",
        ),
    ];
    for (endpoint, field) in cases {
        let err = endpoint.validate().unwrap_err();
        assert!(err.starts_with(field), "{err} should name {field}");
        // Even invalid endpoints answer an attempt without panicking.
        let _ = endpoint.attempt(&mut EndpointState::default(), 0, &mut Rng::new(1));
    }
    assert!(http(0.9, 429).validate().is_ok());
}
