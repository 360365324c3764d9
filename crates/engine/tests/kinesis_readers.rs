//! Simulated Kinesis readers in scenarios (aws-rules §4.3, §4.6, §4.8): polling readers sharing a
//! shard's 5 reads/s and 2 MiB/s, enhanced fan-out readers with their own, and KCL-style
//! applications whose workers hold leases, checkpoint, and fail over.

use mqlab_engine::{Event, Scenario, World};

fn world(json: &str) -> World {
    World::from_scenario(&Scenario::from_json(json).unwrap()).unwrap()
}

fn run(w: &mut World, until_ms: u64) -> Vec<Event> {
    w.advance_to(until_ms);
    w.drain_events()
}

fn kinds<'a>(ev: &'a [Event], ty: &str) -> Vec<&'a Event> {
    ev.iter()
        .filter(|e| serde_json::to_value(&e.kind).unwrap()["type"] == ty)
        .collect()
}

fn field(e: &Event, name: &str) -> serde_json::Value {
    serde_json::to_value(&e.kind).unwrap()[name].clone()
}

fn puts(ev: &[Event]) -> usize {
    kinds(ev, "RecordPut").len()
}

const STREAM_2: &str = r#""streams": [{"StreamName": "clicks", "ShardCount": 2}],
    "producers": [{"name": "web", "stream": "clicks", "rate_per_s": 20,
                   "partition_keys": ["a", "b", "c", "d"]}]"#;

#[test]
fn a_polling_reader_reads_every_record_of_every_shard_in_order() {
    let mut w = world(&format!(
        r#"{{{STREAM_2}, "stream_consumers": [{{"name": "reader", "stream": "clicks",
              "initial_position": "TRIM_HORIZON"}}]}}"#
    ));
    let mut ev = run(&mut w, 60_000);
    // The producer stops; the reader catches up within a read or two.
    w.with_actors(|a, _| a.producers[0].spec.rate_per_s = 0.0);
    ev.extend(run(&mut w, 63_000));
    let put = puts(&ev);
    let app = w.stream_consumers().app("reader").unwrap();
    assert!(put > 1_000);
    assert_eq!(app.totals.records_processed as usize, put);
    assert_eq!(app.totals.duplicates, 0);
    // A plain reader keeps its position to itself: no lease-table events.
    assert!(kinds(&ev, "KclLeaseTaken").is_empty());
    // One GetRecords a second per shard (the idle time between reads).
    let reads = kinds(&ev, "KinesisRecordsRead");
    let shard0: Vec<u64> = reads
        .iter()
        .filter(|e| field(e, "shard_id") == "shardId-000000000000")
        .map(|e| e.t)
        .collect();
    assert!(
        shard0.windows(2).all(|p| p[1] - p[0] >= 1_000),
        "{shard0:?}"
    );
}

fn polling_readers(n: u32) -> World {
    let readers: Vec<String> = (1..=n)
        .map(|n| {
            format!(
                r#"{{"name": "r{n}", "stream": "clicks", "idle_time_between_reads_ms": 1000,
                     "initial_position": "TRIM_HORIZON"}}"#
            )
        })
        .collect();
    world(&format!(
        r#"{{"streams": [{{"StreamName": "clicks", "ShardCount": 1}}],
            "producers": [{{"name": "web", "stream": "clicks", "rate_per_s": 10}}],
            "stream_consumers": [{}]}}"#,
        readers.join(",")
    ))
}

#[test]
fn polling_readers_share_a_shards_five_reads_per_second() {
    // Five readers polling once a second fit a shard's 5 GetRecords/s.
    let mut w = polling_readers(5);
    let ev = run(&mut w, 60_000);
    assert!(kinds(&ev, "KinesisReadThrottled").is_empty());
    // Seven do not: some calls are refused every second, and a reader that keeps losing
    // falls behind while the others keep up.
    let mut w = polling_readers(7);
    let ev = run(&mut w, 60_000);
    let throttled = kinds(&ev, "KinesisReadThrottled");
    assert!(throttled.len() > 40, "{}", throttled.len());
    assert!(kinds(&ev, "ShardThrottled").len() >= throttled.len());
    let mut per_second = std::collections::BTreeMap::new();
    for e in kinds(&ev, "KinesisRecordsRead") {
        *per_second.entry(e.t / 1000).or_insert(0) += 1;
    }
    assert!(per_second.values().all(|&n| n <= 5), "{per_second:?}");
    let processed: Vec<u64> = (1..=7)
        .map(|n| {
            let app = w.stream_consumers().app(&format!("r{n}")).unwrap();
            app.totals.records_processed
        })
        .collect();
    let put = puts(&ev) as u64;
    assert!(
        processed.iter().filter(|&&p| p + 20 >= put).count() >= 5,
        "{processed:?} of {put}"
    );
    assert!(
        processed.iter().any(|&p| p + 50 < put),
        "{processed:?} of {put}"
    );
}

#[test]
fn enhanced_fan_out_readers_get_records_about_70_ms_after_they_are_put_without_throttling() {
    let readers: Vec<String> = (1..=7)
        .map(|n| {
            format!(r#"{{"name": "e{n}", "stream": "clicks", "retrieval": "enhanced_fan_out"}}"#)
        })
        .collect();
    let mut w = world(&format!(
        r#"{{"streams": [{{"StreamName": "clicks", "ShardCount": 1}}],
            "producers": [{{"name": "web", "stream": "clicks", "rate_per_s": 5}}],
            "stream_consumers": [{}]}}"#,
        readers.join(",")
    ));
    let ev = run(&mut w, 60_000);
    assert!(kinds(&ev, "KinesisReadThrottled").is_empty());
    // Registered under their names, each reads on its own: every record pushed to each.
    assert_eq!(kinds(&ev, "StreamConsumerRegistered").len(), 7);
    let reads = kinds(&ev, "KinesisRecordsRead");
    assert!(reads.iter().all(|e| field(e, "enhanced_fan_out") == true));
    // Once the consumer is ACTIVE (5 s), a record arrives EFO_PUSH_LATENCY_MS after its put.
    let late: Vec<&&Event> = reads.iter().filter(|e| e.t > 10_000).collect();
    assert!(!late.is_empty());
    assert!(late
        .iter()
        .all(|e| field(e, "iterator_age_ms") == mqlab_engine::kinesis::EFO_PUSH_LATENCY_MS));
    for n in 1..=7 {
        let app = w.stream_consumers().app(&format!("e{n}")).unwrap();
        assert!(app.totals.records_processed > 200, "e{n}: {:?}", app.totals);
    }
}

#[test]
fn a_reader_whose_iterator_is_older_than_5_minutes_gets_a_new_one_and_goes_on() {
    // 1,000 records (the shard's write limit in one second) at 400 ms each: the batch takes
    // over 6 minutes, so the iterator GetRecords returned with it has expired when the reader
    // asks for more.
    let mut w = world(
        r#"{"streams": [{"StreamName": "s", "ShardCount": 1}],
            "producers": [{"name": "p", "stream": "s", "rate_per_s": 0,
                           "bursts": [{"at_s": 0, "count": 2000}], "batch_size": 10}],
            "stream_consumers": [{"name": "slow", "stream": "s", "initial_position": "TRIM_HORIZON",
                                  "processing": {"dist": "fixed", "ms": 400}}]}"#,
    );
    let ev = run(&mut w, 20 * 60_000);
    assert_eq!(kinds(&ev, "KinesisIteratorExpired").len(), 1);
    let app = w.stream_consumers().app("slow").unwrap();
    assert_eq!(puts(&ev), 1_000);
    assert_eq!(app.totals.records_processed, 1_000);
    assert_eq!(app.totals.duplicates, 0);
}

fn kcl_app(workers: u32, extra: &str) -> String {
    format!(
        r#""stream_consumers": [{{"name": "app", "stream": "clicks", "initial_position": "TRIM_HORIZON",
            "kcl": {{"application_name": "orders-app", "workers": {workers} {extra}}}}}]"#
    )
}

#[test]
fn leases_are_balanced_across_workers() {
    let mut w = world(&format!(
        r#"{{"streams": [{{"StreamName": "clicks", "ShardCount": 6}}],
            "producers": [{{"name": "web", "stream": "clicks", "rate_per_s": 30,
                           "partition_keys": ["a", "b", "c", "d", "e", "f", "g", "h"]}}],
            {}}}"#,
        kcl_app(3, "")
    ));
    let ev = run(&mut w, 120_000);
    assert_eq!(kinds(&ev, "KclLeaseCreated").len(), 6);
    let app = w.stream_consumers().app("orders-app").unwrap();
    let held: Vec<usize> = app.workers.iter().map(|w| w.shards.len()).collect();
    assert_eq!(held, vec![2, 2, 2]);
    // The table agrees: each lease owned by the worker working on it.
    for wk in &app.workers {
        for shard in wk.shards.keys() {
            assert_eq!(
                app.leases.get(shard).unwrap().lease_owner.as_deref(),
                Some(wk.id.as_str())
            );
        }
    }
    assert!(
        app.totals.leases_stolen > 0,
        "the first worker took all, then gave some up"
    );
}

#[test]
fn a_dead_workers_leases_move_to_a_live_worker_after_the_failover_time() {
    let mut w = world(&format!(
        r#"{{{STREAM_2}, {}}}"#,
        kcl_app(
            2,
            r#", "failover_time_ms": 10000, "crashes": [{"worker": 1, "at_ms": 60000}]"#
        )
    ));
    let ev = run(&mut w, 150_000);
    let died = kinds(&ev, "KclWorkerDied");
    assert_eq!(died.len(), 1);
    assert_eq!(field(died[0], "worker"), "orders-app#1");
    let held = field(died[0], "leases").as_u64().unwrap();
    assert!(held >= 1);
    let moved: Vec<&Event> = kinds(&ev, "KclLeaseTaken")
        .into_iter()
        .filter(|e| e.t > 60_000)
        .collect();
    assert_eq!(moved.len() as u64, held);
    let taker_interval = 2 * (10_000 + mqlab_engine::kcl::LEASE_EPSILON_MS);
    for e in &moved {
        assert_eq!(field(e, "reason"), "expired");
        assert_eq!(field(e, "previous_owner"), "orders-app#1");
        assert_eq!(field(e, "worker"), "orders-app#2");
        // Not before the failover time has passed without a renewal; at the next take after.
        assert!(e.t >= 60_000 + 10_000 - 3_400, "{}", e.t);
        assert!(e.t <= 60_000 + 10_000 + taker_interval, "{}", e.t);
    }
    let app = w.stream_consumers().app("orders-app").unwrap();
    assert_eq!(app.workers[1].shards.len(), 2);
    assert!(app.workers[0].shards.is_empty());
}

#[test]
fn records_after_the_last_checkpoint_are_processed_again_after_failover() {
    // Checkpoints every 20 s; the worker dies 15 s after one, holding records it processed.
    let scenario = |restart: &str| {
        format!(
            r#"{{"streams": [{{"StreamName": "clicks", "ShardCount": 1}}],
                "producers": [{{"name": "web", "stream": "clicks", "rate_per_s": 10}}],
                {}}}"#,
            kcl_app(
                2,
                &format!(
                    r#", "checkpoint_interval_ms": 20000,
                       "crashes": [{{"worker": 1, "at_ms": 55000 {restart}}}]"#
                )
            )
        )
    };
    let mut w = world(&scenario(""));
    let ev = run(&mut w, 180_000);
    let app = w.stream_consumers().app("orders-app").unwrap();
    // One shard, two workers: worker 1 took it first and kept it (nothing to steal).
    let died = kinds(&ev, "KclWorkerDied");
    assert_eq!(field(died[0], "leases"), 1);
    let last_cp = kinds(&ev, "KclCheckpoint")
        .into_iter()
        .rfind(|e| e.t <= 55_000)
        .unwrap()
        .t;
    assert!(55_000 - last_cp < 20_000);
    // Everything worker 1 processed after its last checkpoint, worker 2 processes again.
    let again: usize = kinds(&ev, "KinesisRecordsProcessed")
        .iter()
        .map(|e| field(e, "duplicates").as_u64().unwrap() as usize)
        .sum();
    let after_cp: usize = kinds(&ev, "KinesisRecordsProcessed")
        .iter()
        .filter(|e| e.t > last_cp && e.t <= 55_000 && field(e, "worker") == "orders-app#1")
        .map(|e| field(e, "count").as_u64().unwrap() as usize)
        .sum();
    assert!(after_cp > 50, "{after_cp}");
    assert_eq!(again, after_cp);
    assert_eq!(app.totals.duplicates as usize, again);
    // Nothing is lost: every record written is processed at least once.
    w.with_actors(|a, _| a.producers[0].spec.rate_per_s = 0.0);
    let ev2 = run(&mut w, 185_000);
    let app = w.stream_consumers().app("orders-app").unwrap();
    assert_eq!(
        app.totals.records_processed - app.totals.duplicates,
        (puts(&ev) + puts(&ev2)) as u64
    );
}

#[test]
fn a_worker_restarted_under_its_id_takes_its_own_leases_back() {
    let mut w = world(&format!(
        r#"{{{STREAM_2}, {}}}"#,
        kcl_app(
            1,
            r#", "crashes": [{"worker": 1, "at_ms": 30000, "restart_after_ms": 2000}]"#
        )
    ));
    let ev = run(&mut w, 60_000);
    assert_eq!(kinds(&ev, "KclWorkerStarted").len(), 2);
    let back: Vec<&Event> = kinds(&ev, "KclLeaseTaken")
        .into_iter()
        .filter(|e| e.t > 30_000)
        .collect();
    assert_eq!(back.len(), 2);
    assert!(back
        .iter()
        .all(|e| field(e, "reason") == "owned" && e.t == 32_000));
}

#[test]
fn a_child_shard_is_not_read_until_its_parent_is_checkpointed_at_shard_end() {
    let mut w = world(&format!(
        r#"{{"streams": [{{"StreamName": "clicks", "ShardCount": 1}}],
            "producers": [{{"name": "web", "stream": "clicks", "rate_per_s": 50,
                           "partition_keys": ["a", "b", "c", "d", "e", "f"]}}],
            {}}}"#,
        kcl_app(2, "")
    ));
    let mut ev = run(&mut w, 20_000);
    let id = w.call(
        "kinesis",
        "SplitShard",
        &serde_json::json!({"StreamName": "clicks", "ShardToSplit": "shardId-000000000000",
                            "NewStartingHashKey": "170141183460469231731687303715884105728"}),
    );
    assert!(w
        .take_completions()
        .iter()
        .any(|c| c.call == id && c.result.is_ok()));
    ev.extend(run(&mut w, 120_000));
    let parent_end = kinds(&ev, "KclCheckpoint")
        .into_iter()
        .find(|e| {
            field(e, "shard_id") == "shardId-000000000000" && field(e, "checkpoint") == "SHARD_END"
        })
        .expect("the parent is read to its end")
        .t;
    let ended = kinds(&ev, "KclShardEnded");
    assert_eq!(
        field(ended[0], "child_shard_ids"),
        serde_json::json!(["shardId-000000000001", "shardId-000000000002"])
    );
    for child in ["shardId-000000000001", "shardId-000000000002"] {
        let created = kinds(&ev, "KclLeaseCreated")
            .into_iter()
            .find(|e| field(e, "shard_id") == child)
            .unwrap();
        assert_eq!(
            field(created, "parent_shard_ids"),
            serde_json::json!(["shardId-000000000000"])
        );
        assert_eq!(field(created, "checkpoint"), "TRIM_HORIZON");
        let first_read = kinds(&ev, "KinesisRecordsRead")
            .into_iter()
            .find(|e| field(e, "shard_id") == child)
            .expect("the child is read")
            .t;
        assert!(
            first_read > parent_end,
            "{child}: {first_read} ≤ {parent_end}"
        );
    }
    // Nothing written before or after the split is skipped.
    w.with_actors(|a, _| a.producers[0].spec.rate_per_s = 0.0);
    ev.extend(run(&mut w, 125_000));
    let app = w.stream_consumers().app("orders-app").unwrap();
    assert_eq!(
        app.totals.records_processed - app.totals.duplicates,
        puts(&ev) as u64
    );
}

#[test]
fn a_kcl_application_reading_with_enhanced_fan_out_fails_over_too() {
    let mut w = world(&format!(
        r#"{{{STREAM_2}, "stream_consumers": [{{"name": "app", "stream": "clicks",
            "retrieval": "enhanced_fan_out",
            "kcl": {{"application_name": "efo-app", "workers": 2,
                     "crashes": [{{"worker": 2, "at_ms": 40000}}]}}}}]}}"#
    ));
    let ev = run(&mut w, 120_000);
    assert_eq!(kinds(&ev, "StreamConsumerRegistered").len(), 1);
    assert!(kinds(&ev, "KclLeaseTaken").iter().any(|e| e.t > 40_000));
    let app = w.stream_consumers().app("efo-app").unwrap();
    assert_eq!(app.workers[0].shards.len(), 2);
    let reads = kinds(&ev, "KinesisRecordsRead");
    let after = reads.iter().filter(|e| e.t > 80_000).count();
    assert!(
        after > 50,
        "the surviving worker reads both shards: {after}"
    );
}

#[test]
fn reader_metrics_are_published_under_the_application_name() {
    let mut w = world(&format!(r#"{{{STREAM_2}, {}}}"#, kcl_app(2, "")));
    w.advance_to(180_000);
    let rows = w.stream_consumers().metric_rows();
    let sum = |m: &str| -> f64 {
        rows.iter()
            .filter(|r| {
                r.namespace == "orders-app"
                    && r.dimension("StreamName") == Some("clicks")
                    && r.metric == m
            })
            .map(|r| r.value)
            .sum()
    };
    assert!(sum("RecordsProcessed") > 3_000.0);
    assert!(rows.iter().any(|r| r.metric == "MillisBehindLatest"));
    assert!(rows
        .iter()
        .any(|r| r.metric == "GetRecords.IteratorAgeMilliseconds"));
    assert_eq!(
        rows.iter()
            .rfind(|r| r.metric == "NumWorkers")
            .map(|r| r.value),
        Some(2.0)
    );
}

#[test]
fn stream_consumers_are_validated_with_the_field_at_fault() {
    let cases = [
        (
            r#"{"name": "", "stream": "clicks"}"#,
            "stream_consumers[0].name",
        ),
        (
            r#"{"name": "r", "stream": "nope"}"#,
            "stream_consumers[0].stream",
        ),
        (r#"{"name": "r", "stream": "clicks", "limit": 0}"#, "limit"),
        (
            r#"{"name": "r", "stream": "clicks", "kcl": {"application_name": "a", "workers": 0}}"#,
            "kcl.workers",
        ),
        (
            r#"{"name": "r", "stream": "clicks", "kcl": {"application_name": "a b"}}"#,
            "kcl.application_name",
        ),
        (
            r#"{"name": "r", "stream": "clicks", "kcl": {"application_name": "a", "workers": 2,
             "crashes": [{"worker": 3, "at_ms": 1}]}}"#,
            "kcl.crashes[0].worker",
        ),
        (
            r#"{"name": "r", "stream": "clicks", "kcl": {"application_name": "a", "crash_probability": 2}}"#,
            "kcl.crash_probability",
        ),
        (
            r#"{"name": "r", "stream": "clicks", "kcl": {"application_name": "a", "failover_time_ms": 0}}"#,
            "kcl.failover_time_ms",
        ),
        (
            r#"{"name": "r", "stream": "clicks", "kcl": {"application_name": "a", "checkpoint_every_records": 0}}"#,
            "kcl.checkpoint_every_records",
        ),
        (
            r#"{"name": "r", "stream": "clicks", "processing": {"dist": "uniform", "min_ms": 5, "max_ms": 1}}"#,
            "processing",
        ),
        (
            r#"{"name": "r", "stream": "clicks", "colour": "red"}"#,
            "colour",
        ),
    ];
    for (consumer, needle) in cases {
        let json = format!(
            r#"{{"streams": [{{"StreamName": "clicks"}}], "stream_consumers": [{consumer}]}}"#
        );
        let e = Scenario::from_json(&json).unwrap_err();
        assert!(e.to_string().contains(needle), "{consumer}: {e}");
    }
    let twice = r#"{"streams": [{"StreamName": "clicks"}], "stream_consumers": [
        {"name": "a", "stream": "clicks", "kcl": {"application_name": "x"}},
        {"name": "b", "stream": "clicks", "kcl": {"application_name": "x"}}]}"#;
    assert_eq!(
        Scenario::from_json(twice).unwrap_err().field,
        "stream_consumers[1].kcl.application_name"
    );
}

#[test]
fn a_scenario_with_readers_runs_the_same_twice() {
    let json = format!(
        r#"{{{STREAM_2}, "stream_consumers": [
            {{"name": "efo", "stream": "clicks", "retrieval": "enhanced_fan_out"}},
            {{"name": "app", "stream": "clicks", "processing": {{"dist": "exponential", "mean_ms": 20}},
              "kcl": {{"application_name": "orders-app", "workers": 3, "crash_probability": 0.01,
                       "restart_after_ms": 5000, "checkpoint_every_records": 25}}}}]}}"#
    );
    let hash = || {
        let mut w = world(&json);
        let ev = run(&mut w, 300_000);
        assert!(!kinds(&ev, "KclWorkerDied").is_empty());
        mqlab_engine::events_hash(&ev)
    };
    assert_eq!(hash(), hash());
    // And the scenario survives a round trip through its JSON.
    let s = Scenario::from_json(&json).unwrap();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
}
