//! Every Kinesis preset shows, within a few virtual minutes, what its explanation promises; and
//! the Kinesis view shows each stream's shards and records as the world holds them.

use mqlab_appcore::presets;
use mqlab_appcore::view::ViewModel;
use mqlab_engine::{Scenario, World};
use std::collections::BTreeMap;

fn run(id: &str, until_ms: u64) -> (World, ViewModel) {
    let p = presets::by_id(id).unwrap_or_else(|| panic!("no preset {id}"));
    let s = Scenario::from_json(p.scenario_json()).unwrap_or_else(|e| panic!("{id}: {e}"));
    let mut world = World::from_scenario(&s).unwrap_or_else(|e| panic!("{id}: {e}"));
    let mut vm = ViewModel::new(&world);
    vm.set_transient_ms(5_000);
    let mut t = 0;
    while t < until_ms {
        t = (t + 500).min(until_ms);
        world.advance_to(t);
        let ev = world.drain_events();
        vm.apply(&ev);
        vm.sync(&world);
    }
    (world, vm)
}

#[test]
fn kinesis_ordering_puts_every_key_on_one_shard_in_the_order_written() {
    let (world, vm) = run("kinesis-ordering", 60_000);
    let st = &vm.kinesis.streams[0];
    assert_eq!(st.shards.len(), 3);
    let mut shard_of: BTreeMap<String, String> = BTreeMap::new();
    for sh in &st.shards {
        for r in &sh.records {
            let prev = shard_of.insert(r.partition_key.clone(), sh.id.clone());
            assert!(
                prev.is_none_or(|p| p == sh.id),
                "{} on two shards",
                r.partition_key
            );
            assert_eq!(Some(r.color), vm.kinesis.color_of(&r.partition_key));
        }
    }
    assert_eq!(shard_of.len(), 6, "six customers: {shard_of:?}");
    let used: std::collections::BTreeSet<&String> = shard_of.values().collect();
    assert_eq!(
        used.len(),
        3,
        "the keys spread over all shards: {shard_of:?}"
    );
    let colors: std::collections::BTreeSet<u16> = shard_of
        .keys()
        .filter_map(|k| vm.kinesis.color_of(k))
        .collect();
    assert_eq!(colors.len(), 6, "each customer its own colour");
    // In the world: sequence numbers grow within each shard, in arrival order.
    let stream = world.kinesis().stream("orders").unwrap();
    for sh in &stream.shards {
        let seqs: Vec<_> = sh.records.iter().map(|r| r.seq).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{}", sh.shard_id);
    }
}

#[test]
fn kinesis_hot_key_throttles_only_the_hot_keys_shard() {
    let (_, vm) = run("kinesis-hot-key", 30_000);
    let st = &vm.kinesis.streams[0];
    let hot = st
        .shards
        .iter()
        .find(|s| s.records.iter().any(|r| r.partition_key == "sensor-hot"))
        .expect("the hot key's shard");
    assert!(hot.writes_throttled > 1_000, "{}", hot.writes_throttled);
    for other in st.shards.iter().filter(|s| s.id != hot.id) {
        assert_eq!(other.writes_throttled, 0, "{}", other.id);
    }
    // A shard takes at most 1,000 records a second: about that many per second got in.
    assert!(hot.records_in <= 31 * 1_000, "{}", hot.records_in);
    assert!(hot.records_in >= 25 * 1_000, "{}", hot.records_in);
    // The hot device resends what was throttled (and some of it gets in on a later second).
    let hot_producer = vm
        .producers
        .iter()
        .find(|p| p.name == "hot-device")
        .unwrap();
    assert!(hot_producer.retried > 1_000, "{}", hot_producer.retried);
    assert_eq!(
        vm.producers
            .iter()
            .find(|p| p.name == "fleet")
            .unwrap()
            .retried,
        0
    );
    // The view shows the moments of throttling on that shard.
    assert!(hot
        .moments
        .iter()
        .any(|m| m.kind == mqlab_appcore::kinesis_view::MomentKind::WriteThrottled));
}

#[test]
fn kinesis_reshard_throttles_until_update_shard_count_splits_the_shard() {
    use mqlab_engine::kinesis::api::UpdateShardCountInput;
    let p = presets::by_id("kinesis-reshard").unwrap();
    let s = Scenario::from_json(p.scenario_json()).unwrap();
    let mut world = World::from_scenario(&s).unwrap();
    world.advance_to(20_000);
    let throttled = |w: &World| -> u64 {
        w.kinesis()
            .streams()
            .flat_map(|s| &s.shards)
            .map(|s| s.totals.writes_throttled)
            .sum()
    };
    let before = throttled(&world);
    assert!(
        before > 5_000,
        "one shard throttles 1,500 records/s: {before}"
    );
    // The preset's action: what its button sends.
    let action = &presets::actions("kinesis-reshard")[0];
    assert_eq!(action.op, "UpdateShardCount");
    let v: serde_json::Value = serde_json::from_str(action.params_json).unwrap();
    let input = UpdateShardCountInput {
        stream_name: v["StreamName"].as_str().map(String::from),
        target_shard_count: v["TargetShardCount"].as_i64(),
        scaling_type: v["ScalingType"].as_str().map(String::from),
        ..Default::default()
    };
    world
        .with_kinesis(|k, ctx| k.update_shard_count(ctx, &input))
        .unwrap();
    world.advance_to(60_000);
    let stream = world.kinesis().stream("clicks").unwrap();
    let open: Vec<_> = stream.shards.iter().filter(|s| s.is_open()).collect();
    assert_eq!(open.len(), 2);
    let parent = stream
        .shards
        .iter()
        .find(|s| !s.is_open())
        .expect("the closed parent");
    assert!(!parent.records.is_empty(), "the parent keeps its records");
    assert!(open
        .iter()
        .all(|c| c.parent.as_deref() == Some(parent.shard_id.as_str())));
    // Once the children took over, writes are no longer throttled.
    let after_split = throttled(&world);
    world.advance_to(90_000);
    assert_eq!(
        throttled(&world),
        after_split,
        "no throttling with two shards"
    );
    // Every preset action names a call the page may make.
    for a in presets::actions("kinesis-reshard") {
        assert!(mqlab_appcore::edits::CALL_OPS.contains(&a.op), "{}", a.op);
    }
}

fn throttled_writes(vm: &ViewModel) -> u64 {
    vm.kinesis
        .streams
        .iter()
        .flat_map(|s| &s.shards)
        .map(|s| s.writes_throttled)
        .sum()
}

#[test]
fn a_burst_throttles_the_provisioned_stream_and_not_the_on_demand_one() {
    let (_, prov) = run("kinesis-provisioned", 75_000);
    let (_, od) = run("kinesis-on-demand", 75_000);
    assert!(
        throttled_writes(&prov) > 10_000,
        "{}",
        throttled_writes(&prov)
    );
    assert_eq!(throttled_writes(&od), 0);
    assert_eq!(od.kinesis.streams[0].mode, "ON_DEMAND");
    // The cost meter counts Kinesis: shard-hours and PUT payload units, or data on demand.
    assert!(prov.totals.cost_usd > 0.0 && od.totals.cost_usd > 0.0);
    assert!(prov.totals.requests > 0);
    assert_eq!(
        presets::compare_with("kinesis-provisioned"),
        Some("kinesis-on-demand")
    );
}

#[test]
fn shared_readers_are_throttled_and_fall_behind_while_enhanced_fan_out_readers_keep_up() {
    let (_, vm) = run("kinesis-efo-vs-shared", 60_000);
    let readers = &vm.kinesis.readers;
    let by = |name: &str| readers.iter().find(|r| r.consumer == name).unwrap();
    let shared: Vec<_> = ["reports", "audit", "search"]
        .iter()
        .map(|n| by(n))
        .collect();
    let efo: Vec<_> = ["fraud", "alerts"].iter().map(|n| by(n)).collect();
    assert!(efo.iter().all(|r| r.enhanced_fan_out && r.throttled == 0));
    assert!(shared.iter().all(|r| !r.enhanced_fan_out));
    assert!(
        shared.iter().map(|r| r.throttled).sum::<u64>() > 0,
        "polling readers share 5 calls/s per shard"
    );
    let lag = |r: &&mqlab_appcore::kinesis_view::ReaderView| {
        r.cursors.values().map(|c| c.1).max().unwrap_or(0)
    };
    let worst_efo = efo.iter().map(lag).max().unwrap();
    let worst_shared = shared.iter().map(lag).max().unwrap();
    assert!(
        worst_efo < 1_000,
        "EFO is pushed within ~70 ms: {worst_efo}"
    );
    assert!(worst_shared > worst_efo, "{worst_shared} vs {worst_efo}");
}

#[test]
fn a_dead_kcl_workers_shards_move_and_records_after_the_checkpoint_are_processed_again() {
    let (_, vm) = run("kinesis-kcl-failover", 170_000);
    let workers: Vec<_> = vm
        .kinesis
        .readers
        .iter()
        .filter(|r| r.consumer == "billing")
        .collect();
    assert_eq!(workers.len(), 2, "{workers:?}");
    let dead = workers.iter().find(|w| !w.alive).expect("worker 1 is down");
    let live = workers.iter().find(|w| w.alive).unwrap();
    assert!(dead.shards.is_empty() || live.shards.len() == 4);
    assert_eq!(live.shards.len(), 4, "the live worker holds every lease");
    assert!(
        workers.iter().map(|w| w.duplicates).sum::<u64>() > 0,
        "records after the last checkpoint were processed twice"
    );
    assert!(!vm.kinesis.checkpoints.is_empty());
    let dashboard = vm
        .kinesis
        .readers
        .iter()
        .find(|r| r.consumer == "dashboard");
    assert!(dashboard.is_some_and(|d| d.enhanced_fan_out && d.duplicates == 0));
}

#[test]
fn a_queue_hands_each_message_to_one_worker_while_every_stream_reader_reads_every_record() {
    let (world, vm) = run("sqs-vs-kinesis", 60_000);
    // The queue: the workers share it, and what they processed is gone from it.
    let q = world
        .sqs()
        .queue_summaries()
        .into_iter()
        .find(|q| q.name == "orders-queue")
        .unwrap();
    assert!(q.visible + q.in_flight <= 5, "the queue is drained: {q:?}");
    // The stream: each application processed (about) every record, and the records stay.
    let stored: usize = vm.kinesis.streams[0].shards.iter().map(|s| s.stored).sum();
    assert!(stored >= 250, "{stored}");
    for app in ["billing", "analytics"] {
        let r = vm
            .kinesis
            .readers
            .iter()
            .find(|r| r.consumer == app)
            .unwrap();
        assert!(
            r.processed as usize + 20 >= stored,
            "{app}: {} of {stored}",
            r.processed
        );
    }
}

#[test]
fn partition_key_colours_do_not_depend_on_how_frames_cut_the_run() {
    let colours = |step_ms: u64| {
        let p = presets::by_id("kinesis-kcl-failover").unwrap();
        let s = Scenario::from_json(p.scenario_json()).unwrap();
        let mut world = World::from_scenario(&s).unwrap();
        let mut vm = ViewModel::new(&world);
        let mut t = 0;
        while t < 30_000 {
            t = (t + step_ms).min(30_000);
            world.advance_to(t);
            let ev = world.drain_events();
            vm.apply(&ev);
            vm.sync(&world);
        }
        let keys: BTreeMap<String, u16> = vm
            .kinesis
            .streams
            .iter()
            .flat_map(|s| &s.shards)
            .flat_map(|s| &s.records)
            .map(|r| (r.partition_key.clone(), r.color))
            .collect();
        (
            keys,
            vm.kinesis
                .readers
                .iter()
                .map(|r| r.stream.clone())
                .collect::<Vec<_>>(),
        )
    };
    let (fine, readers) = colours(16);
    let (coarse, _) = colours(30_000);
    assert_eq!(fine.len(), 8);
    assert_eq!(fine, coarse);
    // Every reader, KCL workers included, knows the stream it reads.
    assert!(readers.iter().all(|s| s == "orders"), "{readers:?}");
}

#[test]
fn retention_trims_the_old_end_of_a_lane_and_the_view_marks_it() {
    let json = r#"{"streams": [{"StreamName": "s", "ShardCount": 1}],
        "producers": [{"name": "p", "stream": "s", "rate_per_s": 0.1}]}"#;
    let mut world = World::from_scenario(&Scenario::from_json(json).unwrap()).unwrap();
    let mut vm = ViewModel::new(&world);
    vm.set_transient_ms(3_600_000);
    let hour = 3_600_000;
    let mut stored_at_24h = 0;
    for h in 1..=26 {
        world.advance_to(h * hour);
        let ev = world.drain_events();
        vm.apply(&ev);
        vm.sync(&world);
        if h == 24 {
            stored_at_24h = vm.kinesis.streams[0].shards[0].stored;
        }
    }
    let shard = &vm.kinesis.streams[0].shards[0];
    assert!(
        shard.records_expired > 0,
        "records older than 24 h left the shard"
    );
    assert!(
        shard.stored <= stored_at_24h,
        "{} vs {stored_at_24h}",
        shard.stored
    );
    // The oldest record the stream keeps is younger than the retention period (give or
    // take the trimming sweep).
    let kept = &world.kinesis().stream("s").unwrap().shards[0].records;
    let oldest = kept.front().map(|r| r.arrival).unwrap();
    assert!(26 * hour - oldest <= 24 * hour + 60_000, "{oldest}");
    assert!(shard
        .moments
        .iter()
        .any(|m| matches!(m.kind, mqlab_appcore::kinesis_view::MomentKind::Expired(n) if n > 0)));
}
