//! Each preset's text names numbers; each test here reads them from the run, at the moment the
//! text speaks of, and checks them. A text that says "duplicates come from the crash at 2:00"
//! while a worker shows ×2 at 0:20 fails here.

use mqlab_appcore::presets;
use mqlab_appcore::view::ViewModel;
use mqlab_engine::actors::ConsumerState;
use mqlab_engine::{Event, EventKind, Scenario, World};

/// A preset's run, driven as the app drives it (apply, then sync), stopping where a test
/// looks.
struct Run {
    world: World,
    vm: ViewModel,
    events: Vec<Event>,
}

impl Run {
    fn new(id: &str) -> Run {
        let p = presets::by_id(id).unwrap_or_else(|| panic!("no preset {id}"));
        assert!(!presets::explanation(id, mqlab_appcore::i18n::Lang::En).is_empty());
        let s = Scenario::from_json(p.scenario_json()).unwrap();
        let world = World::from_scenario(&s).unwrap();
        let vm = ViewModel::new(&world);
        Run {
            world,
            vm,
            events: Vec::new(),
        }
    }

    /// Advances to `s` seconds in half-second frames.
    fn to(&mut self, s: f64) -> &mut Run {
        let until = (s * 1000.0) as u64;
        while self.world.now() < until {
            let t = (self.world.now() + 500).min(until);
            self.world.advance_to(t);
            let ev = self.world.drain_events();
            self.vm.apply(&ev);
            self.vm.sync(&self.world);
            self.events.extend(ev);
        }
        self
    }

    fn queue(&self, name: &str) -> &mqlab_appcore::view::QueueView {
        self.vm
            .queue_by_name(name)
            .unwrap_or_else(|| panic!("{name}"))
            .1
    }

    fn count(&self, f: impl Fn(&EventKind) -> bool) -> usize {
        self.events.iter().filter(|e| f(&e.kind)).count()
    }

    fn first_at(&self, f: impl Fn(&EventKind) -> bool) -> Option<u64> {
        self.events.iter().find(|e| f(&e.kind)).map(|e| e.t)
    }

    fn busy_consumers(&self) -> usize {
        self.world
            .actors()
            .consumers
            .iter()
            .filter(|c| c.state == ConsumerState::Processing)
            .count()
    }
}

#[test]
fn decoupling_the_burst_of_300_at_20s_is_absorbed_then_drained() {
    let mut r = Run::new("decoupling");
    r.to(19.5);
    assert!(r.queue("orders").visible < 20);
    r.to(21.0);
    assert!(
        r.queue("orders").visible > 250,
        "{}",
        r.queue("orders").visible
    );
    assert_eq!(r.vm.totals.api_errors, 0, "no order was refused");
    r.to(180.0);
    assert!(
        r.queue("orders").visible < 10,
        "drained: {}",
        r.queue("orders").visible
    );
}

#[test]
fn visibility_too_short_shows_in_received_2_plus_not_in_duplicate_deliveries() {
    let mut r = Run::new("visibility-too-short");
    r.to(90.0);
    let text = presets::explanation("visibility-too-short", mqlab_appcore::i18n::Lang::En);
    assert!(text.contains("Received 2+ times") && !text.contains("processed count"));
    assert!(r.vm.totals.redeliveries > 0, "Received 2+ times climbs");
    assert!(
        r.vm.totals.duplicates <= 1,
        "Duplicate deliveries stays near 0"
    );
    let q = r.queue("orders");
    assert!(
        q.received > q.sent,
        "received {} ahead of sent {}",
        q.received,
        q.sent
    );
    assert!(r.count(|k| matches!(k, EventKind::MessageVisible { .. })) > 0);
}

#[test]
fn visibility_ok_processes_each_message_once() {
    let mut r = Run::new("visibility-ok");
    r.to(180.0);
    assert!(r.vm.totals.deleted > 10);
    assert_eq!(r.vm.totals.redeliveries, 0);
    assert_eq!(r.vm.totals.duplicates, 0);
}

#[test]
fn short_polling_empty_receives_climb_by_thousands_a_minute() {
    let mut r = Run::new("short-polling");
    r.to(60.0);
    assert!(
        r.vm.totals.empty_receives >= 1_000,
        "{}",
        r.vm.totals.empty_receives
    );
    assert!(r.vm.summary.requests_sqs >= r.vm.totals.empty_receives);
}

#[test]
fn long_polling_requests_fall_to_a_few_percent_of_short_pollings() {
    let mut long = Run::new("long-polling");
    let mut short = Run::new("short-polling");
    long.to(120.0);
    short.to(120.0);
    assert!(long.vm.totals.requests * 10 < short.vm.totals.requests);
    assert!(long.vm.totals.empty_receives * 50 < short.vm.totals.empty_receives);
    assert!(long.queue("orders").deleted_messages + 3 >= short.queue("orders").deleted_messages);
}

#[test]
fn fifo_groups_three_workers_busy_at_most_and_a_backlog_builds() {
    let mut r = Run::new("fifo-groups");
    let mut most = 0;
    for s in 10..120 {
        r.to(s as f64);
        most = most.max(r.busy_consumers());
    }
    assert_eq!(most, 3, "three groups: three of six workers busy at most");
    let at_120 = r.queue("orders.fifo").visible;
    assert!(at_120 > 20, "backlog {at_120}");
}

#[test]
fn poison_dlq_collects_the_poison_pills() {
    let mut r = Run::new("poison-dlq");
    r.to(120.0);
    let sent = r.queue("orders").sent;
    let dlq = r.queue("orders-dlq").visible as u64;
    // Every 10th is poison; those sent in the last ~20 s are still being retried.
    assert!(
        dlq >= (sent / 10).saturating_sub(5),
        "dlq {dlq}, sent {sent}"
    );
    assert!(r.queue("orders").moved_to_dlq >= dlq);
}

#[test]
fn delay_queue_holds_about_20_delayed_and_none_visible() {
    let mut r = Run::new("delay-queue");
    r.to(60.0);
    let q = r.queue("orders");
    assert!((17..=23).contains(&q.delayed), "delayed {}", q.delayed);
    assert!(q.visible <= 2, "visible {}", q.visible);
}

#[test]
fn sns_fanout_every_queue_gets_a_copy_and_shipping_falls_behind_after_30s() {
    let mut r = Run::new("sns-fanout");
    r.to(40.0);
    let published = r.vm.summary.sns.unwrap().published;
    // A copy for every queue (the last second's are still on their way).
    for (i, q) in ["billing", "shipping", "analytics"].iter().enumerate() {
        assert_eq!(
            r.queue(q).sent,
            r.vm.sns.topics[0].subscriptions[i].delivered,
            "{q}"
        );
        assert!(published - r.queue(q).sent <= 10, "{q}");
    }
    assert!(r.queue("shipping").visible > r.queue("billing").visible + 10);
}

#[test]
fn sns_filter_each_queue_gets_only_what_it_asked_for() {
    let mut r = Run::new("sns-filter");
    r.to(60.0);
    let s = r.vm.summary.sns.unwrap();
    assert!(s.filtered_out > 0);
    assert!(s.delivered + s.filtered_out + s.failed + 10 >= s.published * 3);
    let sent: u64 = ["north-store", "other-stores", "mobile-orders"]
        .iter()
        .map(|q| r.queue(q).sent)
        .sum();
    assert_eq!(sent, s.delivered);
}

#[test]
fn sns_fifo_delivers_every_payment_to_both_fifo_queues() {
    let mut r = Run::new("sns-fifo");
    r.to(60.0);
    let s = r.vm.summary.sns.unwrap();
    assert_eq!(s.failed, 0);
    assert_eq!(
        r.queue("ledger.fifo").sent + r.queue("notifications.fifo").sent,
        s.delivered
    );
    assert!(
        s.published * 2 - s.delivered <= 6,
        "the last second's are on their way"
    );
}

#[test]
fn sns_http_retries_3_times_20s_apart_then_the_dlq() {
    let mut r = Run::new("sns-http-retries");
    r.to(180.0);
    let s = r.vm.summary.sns.unwrap();
    assert!(s.retried > 0 && s.moved_to_dlq > 0);
    assert_eq!(s.lost, 0, "a DLQ keeps what fails");
    assert_eq!(r.queue("webhook-dlq").sent, s.moved_to_dlq);
    // The 4th attempt comes 60 s (3 × 20 s, jittered ±10 %) after the first.
    let firsts: Vec<_> = r
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DeliveryAttempted {
                message_id,
                attempt: 4,
                ..
            } => Some((message_id, e.t)),
            _ => None,
        })
        .collect();
    assert!(!firsts.is_empty());
    for (id, t4) in firsts {
        let t1 = r
            .events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::DeliveryAttempted { message_id, attempt: 1, .. } if message_id == id))
            .map(|e| e.t)
            .unwrap();
        assert!((50_000..=70_000).contains(&(t4 - t1)), "{}", t4 - t1);
    }
}

#[test]
fn sns_alone_fails_from_the_start_and_loses_about_one_in_four() {
    let mut r = Run::new("sns-alone");
    r.to(9.5);
    assert!(
        r.count(|k| matches!(k, EventKind::DeliveryAttemptFailed { .. })) > 0,
        "deliveries fail before the burst at 10 s"
    );
    r.to(240.0);
    let s = r.vm.summary.sns.unwrap();
    assert!(s.retried > 0);
    // Each order is given up after 4 attempts with 0.7 failing each: 0.7^4 ≈ 24 %.
    let lost = s.lost as f64 / s.published as f64;
    assert!((0.12..=0.36).contains(&lost), "lost {lost:.2}");
    assert_eq!(s.failed, s.lost, "no DLQ: every given-up copy is lost");
}

#[test]
fn sns_with_sqs_loses_nothing() {
    let mut r = Run::new("sns-with-sqs");
    r.to(120.0);
    let s = r.vm.summary.sns.unwrap();
    assert_eq!(s.failed, 0);
    assert_eq!(s.retried, 0);
    assert_eq!(r.queue("orders-buffer").sent, s.delivered);
    assert!(s.published - s.delivered <= 10);
}

#[test]
fn sns_mobile_push_email_retries_and_every_channel_delivers() {
    let mut r = Run::new("sns-mobile-push");
    r.to(180.0);
    let t = &r.vm.sns.topics[0];
    assert_eq!(t.subscriptions.len(), 3);
    for s in &t.subscriptions {
        assert!(s.delivered > 0, "{}", s.protocol);
    }
    let email = t
        .subscriptions
        .iter()
        .find(|s| s.protocol == "email")
        .unwrap();
    assert!(
        email.attempts.iter().any(|a| a.attempt > 1),
        "the email branch retries"
    );
    let push = t
        .subscriptions
        .iter()
        .find(|s| s.protocol == "application")
        .unwrap();
    assert!(push.label().contains("FCM"), "{}", push.label());
}

#[test]
fn s3_thumbnails_jpg_uploads_notify_about_a_second_later_and_txt_ones_do_not() {
    let mut r = Run::new("s3-thumbnails");
    r.to(60.0);
    let s = r.vm.summary.sns.unwrap();
    assert!(s.published > 1);
    // The first message is the s3:TestEvent of saving the configuration.
    assert!(
        r.first_at(|k| matches!(k, EventKind::MessagePublished { .. }))
            .unwrap()
            < 1_000
    );
    assert_eq!(
        r.queue("upload-audit").sent,
        r.vm.sns.topics[0].subscriptions[1].delivered
    );
    assert!(s.published - r.queue("upload-audit").sent <= 2);
    // Only .jpg keys notify: the notes app's .txt uploads publish nothing.
    let uploads =
        r.count(|k| matches!(k, EventKind::ApiCall { operation, .. } if operation == "PutObject"));
    assert!(
        uploads as u64 > s.published,
        "{uploads} uploads, {} published",
        s.published
    );
}

#[test]
fn kinesis_ordering_six_customers_over_three_shards() {
    let mut r = Run::new("kinesis-ordering");
    r.to(60.0);
    let st = &r.vm.kinesis.streams[0];
    assert_eq!(st.shards.len(), 3);
    let k = r.vm.summary.kinesis.clone().unwrap();
    assert_eq!(k.write_throttled, 0);
    assert!(k.records_in >= 300);
}

#[test]
fn kinesis_hot_key_throttles_its_shard_only() {
    let mut r = Run::new("kinesis-hot-key");
    r.to(30.0);
    let k = r.vm.summary.kinesis.clone().unwrap();
    assert!(k.write_throttled > 0 && k.resent > 0);
    let throttled: Vec<_> = r.vm.kinesis.streams[0]
        .shards
        .iter()
        .filter(|s| s.writes_throttled > 0)
        .collect();
    assert_eq!(throttled.len(), 1);
    assert!(throttled[0].records_in <= 31_000, "1,000 a second at most");
}

#[test]
fn kinesis_reshard_a_third_of_1500_a_second_bounces_off_one_shard() {
    let mut r = Run::new("kinesis-reshard");
    r.to(30.0);
    let k = r.vm.summary.kinesis.clone().unwrap();
    // Counted per PutRecords entry, resends included: the shard takes 1,000 of ~1,500 a second.
    let in_per_s = k.records_in as f64 / 30.0;
    assert!((900.0..=1_010.0).contains(&in_per_s), "{in_per_s}");
    assert!(k.write_throttled > 0);
}

#[test]
fn kinesis_provisioned_throttles_only_in_the_flash_sale_from_30s() {
    let mut r = Run::new("kinesis-provisioned");
    r.to(29.0);
    assert_eq!(r.vm.summary.kinesis.as_ref().unwrap().write_throttled, 0);
    r.to(60.0);
    assert!(r.vm.summary.kinesis.as_ref().unwrap().write_throttled > 0);
}

#[test]
fn kinesis_on_demand_absorbs_the_same_burst_and_counts_its_calls() {
    let mut r = Run::new("kinesis-on-demand");
    r.to(90.0);
    let k = r.vm.summary.kinesis.clone().unwrap();
    assert_eq!(k.write_throttled, 0);
    assert!(k.requests > 0 && r.vm.totals.requests >= k.requests);
}

#[test]
fn kinesis_efo_vs_shared_polling_readers_fall_behind_and_say_so_truthfully() {
    let mut r = Run::new("kinesis-efo-vs-shared");
    r.to(60.0);
    let k = r.vm.summary.kinesis.clone().unwrap();
    assert!(k.read_throttled > 0);
    let behind = |name: &str| {
        k.readers
            .iter()
            .find(|x| x.name == name)
            .unwrap()
            .millis_behind
            .unwrap()
    };
    for shared in ["reports", "audit", "search"] {
        for efo in ["fraud", "alerts"] {
            assert!(behind(shared) > behind(efo), "{shared} vs {efo}");
        }
        assert!(behind(shared) > 1_000, "{shared} {}", behind(shared));
    }
    assert!(behind("fraud") < 1_000 && behind("alerts") < 1_000);
    // Each cursor's lag is the world's now: records after it, and the newest record's
    // arrival minus the cursor's (search#1's last read said 0 ms, 8 s before).
    let stream = r.world.kinesis().stream("events").unwrap();
    for rd in &r.vm.kinesis.readers {
        for (shard, (seq, _)) in &rd.cursors {
            let sh = stream.shards.iter().find(|s| &s.shard_id == shard).unwrap();
            let unread = sh.records.iter().filter(|x| x.seq > *seq).count() as u64;
            let lag = rd.lag[shard];
            assert_eq!(lag.unread, unread, "{} {shard}", rd.worker);
            assert_eq!(lag.behind_ms == 0, unread == 0, "{} {shard}", rd.worker);
        }
    }
}

#[test]
fn kinesis_kcl_failover_duplicates_at_20s_from_the_lease_steal_then_after_the_crash() {
    let mut r = Run::new("kinesis-kcl-failover");
    let twice = |r: &Run| r.vm.summary.kinesis.as_ref().unwrap().readers[0].processed_twice;
    r.to(19.0);
    assert_eq!(twice(&r), 0);
    r.to(30.0);
    let early = twice(&r);
    assert!(
        early > 100,
        "worker 1 steals a shard at ~20 s and reprocesses it: {early}"
    );
    let steal = r
        .first_at(|k| matches!(k, EventKind::KclLeaseTaken { reason, .. } if reason == "stolen"))
        .unwrap();
    assert!(steal < 100, "worker 1 steals its first lease at once");
    let second = r
        .events
        .iter()
        .filter(
            |e| matches!(&e.kind, EventKind::KclLeaseTaken { reason, .. } if reason == "stolen"),
        )
        .nth(1)
        .map(|e| e.t)
        .unwrap();
    assert!(
        (19_000..=22_000).contains(&second),
        "and a second at its next check: {second}"
    );
    r.to(119.0);
    let before_crash = twice(&r);
    r.to(150.0);
    assert!(
        r.first_at(|k| matches!(k, EventKind::KclWorkerDied { .. }))
            .unwrap()
            == 120_000,
        "worker 1 dies at 2:00"
    );
    assert!(
        twice(&r) > before_crash,
        "the failover reprocesses since the checkpoint"
    );
    let dashboard = &r.vm.summary.kinesis.as_ref().unwrap().readers[1];
    assert_eq!(dashboard.processed_twice, 0, "dashboard untouched");
    // The dead worker's cursor says it is down, not "0.0 s behind".
    let dead = r.vm.kinesis.readers.iter().find(|x| !x.alive).unwrap();
    assert_eq!(dead.worker, "billing#1");
}

#[test]
fn sqs_vs_kinesis_the_queue_empties_and_each_app_reads_every_record() {
    let mut r = Run::new("sqs-vs-kinesis");
    r.to(90.0);
    assert!(r.queue("orders-queue").visible <= 2);
    let k = r.vm.summary.kinesis.clone().unwrap();
    for reader in &k.readers {
        assert!(
            reader.records_read + 10 >= k.records_in,
            "{} read {} of {}",
            reader.name,
            reader.records_read,
            k.records_in
        );
    }
}

#[test]
fn every_preset_has_a_story_test_here() {
    let src = include_str!("stories.rs");
    for p in presets::all() {
        assert!(src.contains(&format!("Run::new(\"{}\")", p.id)), "{}", p.id);
    }
}
