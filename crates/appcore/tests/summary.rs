//! Each service the run has gets its own summary, and its numbers are the engine's: the SNS
//! row adds up the topics' totals, the Kinesis row the shards', producers' and readers'
//! totals, the request total counts every service's calls.

use mqlab_appcore::presets;
use mqlab_appcore::view::ViewModel;
use mqlab_engine::{Event, EventKind, Scenario, World};

fn run(id: &str, until_ms: u64) -> (World, ViewModel, Vec<Event>) {
    let p = presets::by_id(id).unwrap_or_else(|| panic!("no preset {id}"));
    let s = Scenario::from_json(p.scenario_json()).unwrap();
    let mut world = World::from_scenario(&s).unwrap();
    let mut vm = ViewModel::new(&world);
    let mut all = Vec::new();
    let mut t = 0;
    while t < until_ms {
        t = (t + 700).min(until_ms);
        world.advance_to(t);
        let ev = world.drain_events();
        vm.apply(&ev);
        vm.sync(&world);
        all.extend(ev);
    }
    (world, vm, all)
}

#[test]
fn every_preset_summarises_exactly_the_services_it_has() {
    for p in presets::all() {
        let (world, vm, _) = run(p.id, 20_000);
        let s = &vm.summary;
        assert_eq!(s.queues, world.sqs().queues().next().is_some(), "{}", p.id);
        assert_eq!(
            s.sns.is_some(),
            world.sns().topics().next().is_some(),
            "{}",
            p.id
        );
        assert_eq!(
            s.kinesis.is_some(),
            world.kinesis().streams().next().is_some(),
            "{}",
            p.id
        );
        assert_eq!(
            vm.totals.requests,
            s.requests_sqs + s.requests_sns + s.requests_kinesis,
            "{}: the total counts every service",
            p.id
        );
    }
}

#[test]
fn sns_summary_is_the_engines_topic_totals() {
    for id in [
        "sns-alone",
        "sns-mobile-push",
        "sns-http-retries",
        "sns-filter",
    ] {
        let (world, vm, events) = run(id, 90_000);
        let s = vm.summary.sns.expect(id);
        let (mut published, mut delivered, mut filtered, mut failed, mut dlq) = (0, 0, 0, 0, 0);
        for t in world.sns().topics() {
            published += t.totals.published;
            delivered += t.totals.delivered;
            filtered += t.totals.filtered_out;
            failed += t.totals.failed;
            dlq += t.totals.moved_to_dlq;
        }
        assert_eq!(s.published, published, "{id}");
        assert_eq!(s.delivered, delivered, "{id}");
        assert_eq!(s.filtered_out, filtered, "{id}");
        assert_eq!(s.failed, failed, "{id}");
        assert_eq!(s.moved_to_dlq, dlq, "{id}");
        assert_eq!(s.lost, failed - dlq, "{id}");
        let retries = events
            .iter()
            .filter(
                |e| matches!(e.kind, EventKind::DeliveryAttempted { attempt, .. } if attempt > 1),
            )
            .count() as u64;
        assert_eq!(s.retried, retries, "{id}");
        let cost = world.sns().cost();
        assert_eq!(
            s.requests,
            cost.publish_requests + cost.fifo_publish_requests
        );
        assert!(s.published > 0, "{id}");
    }
    // SNS alone loses messages, and the summary says so (not only a chart).
    let (_, vm, _) = run("sns-alone", 90_000);
    let s = vm.summary.sns.unwrap();
    assert!(s.lost > 0 && s.retried > 0, "{s:?}");
    assert!(!vm.summary.queues, "sns-alone has no queue: no queue table");
}

#[test]
fn kinesis_summary_is_the_engines_shard_producer_and_reader_totals() {
    for id in [
        "kinesis-kcl-failover",
        "kinesis-on-demand",
        "kinesis-hot-key",
        "kinesis-efo-vs-shared",
    ] {
        let (world, vm, _) = run(id, 150_000);
        let s = vm.summary.kinesis.clone().expect(id);
        let shards: Vec<_> = world
            .kinesis()
            .streams()
            .flat_map(|st| &st.shards)
            .collect();
        assert_eq!(
            s.records_in,
            shards.iter().map(|sh| sh.totals.records_in).sum::<u64>(),
            "{id}"
        );
        assert_eq!(
            s.write_throttled,
            shards
                .iter()
                .map(|sh| sh.totals.writes_throttled)
                .sum::<u64>(),
            "{id}"
        );
        let resent: u64 = world.actors().producers.iter().map(|p| p.retried).sum();
        assert_eq!(s.resent, resent, "{id}");
        let apps = world.stream_consumers().apps();
        assert_eq!(s.readers.len(), apps.len(), "{id}");
        for (r, a) in s.readers.iter().zip(apps) {
            assert_eq!(r.name, a.spec.application());
            assert_eq!(r.records_read, a.totals.records_read, "{id} {}", r.name);
            assert_eq!(r.processed_twice, a.totals.duplicates, "{id} {}", r.name);
        }
        assert_eq!(
            s.processed_twice,
            apps.iter().map(|a| a.totals.duplicates).sum::<u64>()
        );
        assert!(s.requests > 0, "{id}: PutRecords calls are requests");
        assert_eq!(vm.summary.requests_kinesis, s.requests);
    }
    let (_, vm, _) = run("kinesis-kcl-failover", 150_000);
    let s = vm.summary.kinesis.unwrap();
    assert!(
        s.processed_twice > 0,
        "the failover's duplicates are in the summary"
    );
    assert!(!vm.summary.queues && vm.summary.sns.is_none());
    // On-demand bills data, not payload units, yet its calls count as requests.
    let (world, vm, _) = run("kinesis-on-demand", 60_000);
    assert_eq!(world.kinesis().cost().put_payload_units, 0);
    assert!(vm.totals.requests > 0);
}
