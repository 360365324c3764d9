//! The numbers the lessons of chapter 12 ("scaling-consumers": scaling-raw-depth,
//! scaling-warmup, scaling-scale-in, scaling-asg-vs-lambda) write in their texts, checked
//! against the runs their steps set up. Their runs need the full page (Auto Scaling, alarms,
//! Lambda): `cargo test -p mqlab-appcore --features full`; without the feature this file has
//! no tests (`course.rs` checks that the first download hands the lessons over).
#![cfg(feature = "full")]

mod lessons_common;
use lessons_common::{at_step, fresh, lesson};

use mqlab_appcore::course::check::Check;
use mqlab_appcore::course::Lesson;
use mqlab_appcore::i18n::Lang;
use mqlab_appcore::lab::Lab;
use mqlab_engine::autoscaling::Lifecycle;
use serde_json::json;

/// (desired capacity, InService instances) of the group `workers`.
fn sizes(lab: &Lab) -> (u32, u32) {
    let g = &lab.world().autoscaling().groups["workers"];
    (g.desired, g.count(Lifecycle::InService))
}

fn visible(lab: &Lab, queue: &str) -> usize {
    lab.world()
        .sqs()
        .queue_by_name(queue)
        .unwrap()
        .visible_count()
}

/// The bill's line of `service`: (requests, USD).
fn bill(lab: &Lab, service: &str) -> (u64, f64) {
    let b = lab.world().bill();
    let line = b.iter().find(|b| b.service == service);
    let line = line.unwrap_or_else(|| panic!("no {service} line in {b:?}"));
    (line.requests, line.usd)
}

/// The group's desired capacity half a minute into each minute up to `minutes`, as the
/// minutes where it changed: [(minute, desired)].
fn desired_over_time(lab: &mut Lab, minutes: u64) -> Vec<(u64, u32)> {
    let mut out: Vec<(u64, u32)> = Vec::new();
    for m in 0..minutes {
        lab.run_to(m * 60_000 + 30_000);
        let d = sizes(lab).0;
        if out.last().is_none_or(|&(_, last)| last != d) {
            out.push((m, d));
        }
    }
    out
}

/// The first whole minute from `after_min` at which `queue` has nothing visible.
fn empty_at(lab: &mut Lab, queue: &str, after_min: u64, minutes: u64) -> Option<u64> {
    (after_min..minutes).find(|&m| {
        lab.run_to(m * 60_000);
        visible(lab, queue) == 0
    })
}

#[test]
fn raw_depth_runs_to_max_size_and_back_while_backlog_per_instance_stays_at_what_the_load_needs() {
    let l = lesson("scaling-raw-depth");
    let start = at_step(&l, 0);
    assert_eq!(sizes(&start), (1, 1));
    assert!(
        visible(&start, "orders") > 1_000,
        "{}",
        visible(&start, "orders")
    );

    let raw = desired_over_time(&mut fresh(&l, 0), 40);
    assert_eq!(
        raw,
        [
            (0, 1),
            (6, 3),
            (7, 4),
            (8, 10),
            (9, 14),
            (10, 20),
            (25, 1),
            (29, 3),
            (30, 4),
            (31, 10),
            (32, 14),
            (33, 20)
        ]
    );
    let raw_end = at_step(&l, 2);
    assert_eq!(sizes(&raw_end), (20, 20));
    let raw_usd = bill(&raw_end, "EC2").1;

    let backlog = desired_over_time(&mut fresh(&l, 3), 40);
    assert_eq!(backlog, [(0, 1), (6, 3), (7, 4), (33, 5)]);
    let end = at_step(&l, 3);
    let waiting = visible(&end, "orders");
    assert!((1_800..2_000).contains(&waiting), "{waiting}");
    assert!(waiting / 5 < 600);
    let usd = bill(&end, "EC2").1;
    eprintln!("EC2: raw depth ${raw_usd:.4}, backlog per instance ${usd:.4}");
    assert!((0.085..0.095).contains(&raw_usd), "{raw_usd}");
    assert!((0.024..0.028).contains(&usd), "{usd}");
}

#[test]
fn without_warm_up_the_step_policy_over_buys_with_a_long_one_the_backlog_waits() {
    let l = lesson("scaling-warmup");
    assert_eq!(sizes(&at_step(&l, 0)), (1, 1));

    let none = desired_over_time(&mut fresh(&l, 0), 30);
    assert_eq!(
        none,
        [(0, 1), (11, 2), (13, 5), (15, 8), (17, 11), (19, 12)]
    );
    assert_eq!(empty_at(&mut fresh(&l, 0), "orders", 11, 30), Some(20));
    let after = at_step(&l, 1);
    assert_eq!(sizes(&after), (12, 12));
    assert_eq!(visible(&after, "orders"), 0);

    let long = desired_over_time(&mut fresh(&l, 2), 30);
    assert_eq!(long, [(0, 1), (11, 2), (13, 4), (17, 5), (19, 7), (23, 8)]);
    let mut lab = fresh(&l, 2);
    let peak = (10..30)
        .map(|m| {
            lab.run_to(m * 60_000);
            visible(&lab, "orders")
        })
        .max()
        .unwrap();
    assert!((2_300..2_400).contains(&peak), "{peak}");
    assert_eq!(empty_at(&mut fresh(&l, 2), "orders", 11, 30), Some(29));
    assert_eq!(sizes(&at_step(&l, 2)), (8, 8));
}

/// Whether `check` holds on `lab` now, watched from the run's start.
fn watched(l: &Lesson, k: usize, check: serde_json::Value, times_s: &[u64]) -> Vec<bool> {
    let mut lab = fresh(l, k);
    lab.set_watch(Some(Check::read(&check).unwrap()));
    times_s
        .iter()
        .map(|&t| {
            lab.run_to(t * 1_000);
            lab.watch().unwrap().status(lab.world(), Lang::En).met
        })
        .collect()
}

#[test]
fn scale_in_abandons_jobs_that_come_back_protecting_all_keeps_them_and_per_job_protection_still_scales_in(
) {
    let l = lesson("scaling-scale-in");
    assert_eq!(sizes(&at_step(&l, 0)), (10, 10));
    let unprotected = desired_over_time(&mut fresh(&l, 0), 45);
    assert_eq!(unprotected, [(0, 1), (2, 10), (35, 2), (38, 5), (39, 7)]);
    assert_eq!(sizes(&at_step(&l, 1)), (2, 2));

    let again = |n: u32| {
        json!({"count": {"event": "MessageReceived", "queue": "jobs", "min_receive_count": 2},
               "window_s": 600, "op": "==", "value": n})
    };
    // None received twice before 39:00; 8 between 39:00 and 42:00, and no more by 45:00
    // (counted over the last 10 minutes).
    assert_eq!(
        watched(&l, 0, again(0), &[2_339, 2_700]),
        [true, false],
        "received again"
    );
    assert_eq!(watched(&l, 0, again(8), &[2_520, 2_700]), [true, true]);

    let protected = desired_over_time(&mut fresh(&l, 3), 45);
    assert_eq!(protected, [(0, 1), (2, 10), (35, 2), (37, 1)]);
    let end = at_step(&l, 3);
    assert_eq!(sizes(&end), (1, 10), "protected instances stay");
    let every_10_min: Vec<u64> = (1..=4).map(|k| k * 600).chain([2_700]).collect();
    assert!(watched(&l, 3, again(0), &every_10_min)
        .iter()
        .all(|&met| met));

    // Per job (protect_while_processing): at 35:00 all 10 are busy and protected, so none
    // goes then; each leaves once it has finished its job and dropped its protection, 8 by
    // 37:00. The trickle needs more than 2, so the group grows again: 5 at 39:00, 6 at
    // 40:00 (the first run, with its returned jobs, reached 7). No job runs twice.
    let per_job = desired_over_time(&mut fresh(&l, 4), 45);
    assert_eq!(per_job, [(0, 1), (2, 10), (35, 2), (39, 5), (40, 6)]);
    let mut lab = fresh(&l, 4);
    let workers = |lab: &Lab| {
        let g = &lab.world().autoscaling().groups["workers"];
        let protected = g.instances.iter().filter(|i| i.protected).count() as u32;
        (g.desired, g.count(Lifecycle::InService), protected)
    };
    lab.run_to(2_100_000);
    assert_eq!(workers(&lab), (2, 10, 10), "35:00: all busy, all protected");
    lab.run_to(2_110_000);
    assert_eq!(
        workers(&lab),
        (2, 9, 9),
        "35:10: the first to finish leaves"
    );
    lab.run_to(2_210_000);
    assert_eq!(workers(&lab).1, 3);
    lab.run_to(2_220_000);
    assert_eq!(
        workers(&lab),
        (2, 2, 2),
        "37:00: 8 gone, each after its job"
    );
    assert!(watched(&l, 4, again(0), &every_10_min)
        .iter()
        .all(|&met| met));
    let end = at_step(&l, 4);
    assert_eq!(sizes(&end), (6, 6));
    // The EC2 line at 45:00: $0.067 as unprotected (whose 8 jobs ran twice), $0.075 with
    // every instance protected.
    let ec2 = |lab: &Lab| bill(lab, "EC2").1;
    let (unprotected, per_job_usd) = (ec2(&at_step(&l, 2)), ec2(&end));
    let mut all_protected = fresh(&l, 3);
    all_protected.run_to(2_700_000);
    let all_protected = ec2(&all_protected);
    eprintln!("EC2 at 45:00: {unprotected:.5} unprotected, {all_protected:.5} all protected, {per_job_usd:.5} per job");
    assert!((0.0665..0.0675).contains(&unprotected), "{unprotected}");
    assert!((0.0665..0.0675).contains(&per_job_usd), "{per_job_usd}");
    assert!((0.0745..0.0755).contains(&all_protected), "{all_protected}");
}

#[test]
fn lambda_drains_the_spike_before_the_group_and_the_bill_shows_both() {
    let l = lesson("scaling-asg-vs-lambda");
    let timeline = desired_over_time(&mut fresh(&l, 0), 30);
    assert_eq!(timeline, [(0, 1), (2, 10), (19, 1)]);
    let mut lab = fresh(&l, 0);
    lab.run_to(150_000);
    assert_eq!(sizes(&lab), (10, 1));
    lab.run_to(210_000);
    assert_eq!(sizes(&lab), (10, 10));

    let at4 = at_step(&l, 1);
    assert!(
        visible(&at4, "orders-lambda") <= 10,
        "{}",
        visible(&at4, "orders-lambda")
    );
    assert!(
        visible(&at4, "orders-asg") >= 200,
        "{}",
        visible(&at4, "orders-asg")
    );
    let at6 = at_step(&l, 2);
    assert!(
        visible(&at6, "orders-asg") <= 10,
        "{}",
        visible(&at6, "orders-asg")
    );
    assert!(visible(&at6, "orders-lambda") <= 10);
    let lambda_empty = empty_at(&mut fresh(&l, 0), "orders-lambda", 2, 30).unwrap();
    let asg_empty = empty_at(&mut fresh(&l, 0), "orders-asg", 2, 30).unwrap();
    eprintln!("empty: Lambda at {lambda_empty} min, the group at {asg_empty} min");
    assert!(
        lambda_empty <= 4 && asg_empty >= lambda_empty + 2,
        "{lambda_empty} {asg_empty}"
    );

    let end = at_step(&l, 3);
    let (requests, lambda_usd) = bill(&end, "Lambda");
    let (_, ec2_usd) = bill(&end, "EC2");
    eprintln!("Lambda {requests} requests ${lambda_usd:.6}; EC2 ${ec2_usd:.6}");
    assert_eq!(requests, 481);
    assert!((0.0195..0.0205).contains(&lambda_usd), "{lambda_usd}");
    assert!((0.032..0.033).contains(&ec2_usd), "{ec2_usd}");
    // The steady-load sums the text makes, from the engine's prices.
    let lambda_per_hour = 0.1 * 3_600.0 * 5.0 * 0.5 * mqlab_engine::lambda::USD_PER_GB_SECOND
        + 0.1 * 3_600.0 * mqlab_engine::lambda::USD_PER_REQUEST;
    assert!(
        (0.0149..0.0151).contains(&lambda_per_hour),
        "{lambda_per_hour}"
    );
    assert_eq!(mqlab_engine::autoscaling::USD_PER_INSTANCE_HOUR, 0.0104);
}
