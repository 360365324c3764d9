//! What the full page (`full/`, the `full` feature) shows of the services only it links:
//! run by `cargo test -p mqlab-appcore --features full` (scripts/test.sh); without the
//! feature this file has no tests (the first download hands such scenarios over, which
//! `share.rs` and `course.rs` check).
#![cfg(feature = "full")]

use mqlab_appcore::lab::Lab;
use mqlab_appcore::view::{ServiceRow, ALARM_STATE_CHANGED};

fn run(json: &str, ms: u64) -> Lab {
    let mut lab = Lab::from_json(json, None).unwrap();
    lab.run_to(ms);
    lab
}

fn row<'a>(lab: &'a Lab, id: &str) -> &'a ServiceRow {
    lab.vm
        .summary
        .more
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no row {id}: {:?}", lab.vm.summary.more))
}

fn stat(row: &ServiceRow, id: &str) -> String {
    row.stats
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no {id} in {row:?}"))
        .value
        .clone()
}

#[test]
fn the_full_page_logs_an_alarms_change_of_state_with_its_history_command() {
    // Soon after the change: the log keeps the latest 200 calls.
    let lab = run(
        include_str!("../../../scenarios/alarm-on-backlog.json"),
        61_000,
    );
    let e = lab
        .vm
        .api_log
        .iter()
        .find(|e| e.operation == ALARM_STATE_CHANGED)
        .expect("the alarm's change is in the log");
    assert_eq!(
        e.queue.as_deref(),
        Some("jobs-backlog: INSUFFICIENT_DATA → ALARM")
    );
    assert_eq!(e.at_ms, 60_000);
    let cli = mqlab_appcore::cli::aws_cli_command_for(
        "cloudwatch",
        "DescribeAlarmHistory",
        e.params.as_ref().unwrap(),
    );
    assert!(
        cli.starts_with("aws cloudwatch describe-alarm-history")
            && cli.contains("--alarm-name jobs-backlog"),
        "{cli}"
    );
    assert_eq!(
        stat(row(&lab, "alarms"), "alarm-jobs-backlog"),
        "ALARM",
        "the alarms row shows the state"
    );
    let before = run(
        include_str!("../../../scenarios/alarm-on-backlog.json"),
        59_000,
    );
    assert_eq!(
        stat(row(&before, "alarms"), "alarm-jobs-backlog"),
        "INSUFFICIENT_DATA"
    );
}

#[test]
fn the_full_page_shows_lambdas_concurrent_batches_growing_after_the_spike() {
    let json = include_str!("../../../scenarios/lambda-consumer.json");
    let before = run(json, 20_000);
    let r = row(&before, "lambda-process-order");
    assert_eq!(stat(r, "lambda-batches").split(" / ").nth(1), Some("5"));
    assert_eq!(stat(r, "lambda-cap"), "50");
    let after = run(json, 120_000);
    let r = row(&after, "lambda-process-order");
    let allowed: u32 = stat(r, "lambda-batches")
        .split(" / ")
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!((6..=50).contains(&allowed), "{r:?}");
    // The function is drawn as the queue's consumer, by its name.
    assert!(after.vm.consumers.iter().any(|c| c.name == "process-order"));
}

#[test]
fn the_full_page_shows_an_auto_scaling_groups_capacity_and_instances_as_consumers() {
    let json = include_str!("../../../scenarios/autoscaling-backlog.json");
    let lab = run(json, 7 * 60_000);
    let r = row(&lab, "asg-workers");
    assert_eq!(stat(r, "asg-desired"), "10");
    assert_eq!(stat(r, "asg-in-service"), "10");
    assert_eq!(stat(r, "asg-range"), "1 – 10");
    let instances = lab
        .vm
        .consumers
        .iter()
        .filter(|c| c.name.starts_with("workers/i-"))
        .count();
    assert_eq!(instances, 10);
}

#[test]
fn the_full_page_shows_firehose_buffering_then_an_object_a_minute() {
    let json = include_str!("../../../scenarios/firehose-near-real-time.json");
    let early = run(json, 40_000);
    let r = row(&early, "firehose-clicks-to-lake");
    assert_eq!(stat(r, "firehose-objects"), "0");
    assert_ne!(stat(r, "firehose-buffered"), "0");
    let later = run(json, 190_000);
    let r = row(&later, "firehose-clicks-to-lake");
    assert_eq!(stat(r, "firehose-objects"), "3");
    assert_eq!(stat(r, "firehose-last"), "181 s");
}

#[test]
fn the_full_page_draws_a_groups_instances_pending_then_warming_then_in_service() {
    use mqlab_appcore::view::{InstanceState, SCALING_ACTIVITY};
    let json = include_str!("../../../scenarios/autoscaling-backlog.json");
    // The scale-out's activities are lines of the log, with the command that lists them.
    let lab = run(json, 6 * 60_000);
    let launches: Vec<_> = lab
        .vm
        .api_log
        .iter()
        .filter(|e| e.operation == SCALING_ACTIVITY)
        .collect();
    // The first instance launched as the scenario made the group, before the run: the log
    // has the scale-out's nine.
    assert_eq!(launches.len(), 9, "{launches:?}");
    let last = launches.last().unwrap();
    assert!(
        last.queue
            .as_deref()
            .is_some_and(|q| q.starts_with("workers: Launching a new EC2 instance: i-")),
        "{last:?}"
    );
    let cli = mqlab_appcore::cli::aws_cli_command_for(
        "autoscaling",
        "DescribeScalingActivities",
        last.params.as_ref().unwrap(),
    );
    assert!(
        cli.starts_with(
            "aws autoscaling describe-scaling-activities --auto-scaling-group-name workers --activity-ids "
        ),
        "{cli}"
    );
    // Right after the scale-out the 9 new instances are Pending (hollow chips).
    let scaled_at = last.at_ms;
    let lab = run(json, scaled_at + 1_000);
    let g = &lab.vm.summary.asgs[0];
    assert_eq!((g.name.as_str(), g.desired), ("workers", 10));
    assert_eq!(g.count(InstanceState::Pending), 9);
    assert_eq!(g.count(InstanceState::InService), 1);
    // Once InService they poll but warm up first (DefaultInstanceWarmup 60 s).
    let in_service_at = lab.world().autoscaling().groups["workers"].instances[1..]
        .iter()
        .map(|i| i.launched_at)
        .max()
        .unwrap();
    let mut t = in_service_at;
    let warming = loop {
        t += 5_000;
        let lab = run(json, t);
        let g = &lab.vm.summary.asgs[0];
        if g.count(InstanceState::Pending) == 0 {
            break g.count(InstanceState::Warming);
        }
        assert!(
            t < scaled_at + 5 * 60_000,
            "the instances never left Pending"
        );
    };
    assert_eq!(warming, 9, "all nine warm up together");
    assert_eq!(
        stat(row(&run(json, t), "asg-workers"), "asg-warming"),
        "9",
        "the summary row counts them"
    );
    let g = &run(json, 10 * 60_000).vm.summary.asgs[0];
    assert_eq!(g.count(InstanceState::InService), 10);
    assert_eq!(g.count(InstanceState::Warming), 0);
}

#[test]
fn the_full_page_samples_a_groups_capacity_and_a_mappings_concurrency_for_their_charts() {
    let lab = run(
        include_str!("../../../scenarios/autoscaling-backlog.json"),
        10 * 60_000,
    );
    let s = &lab.vm.samples.points;
    assert_eq!(
        s.front().unwrap().asgs,
        vec![[1, 0]],
        "one instance, launching, at first"
    );
    assert_eq!(
        s.back().unwrap().asgs,
        vec![[10, 10]],
        "ten after the scale-out"
    );
    // Desired goes up a minute before the instances are InService.
    assert!(
        s.iter().any(|p| p.asgs[0] == [10, 1]),
        "desired leads InService"
    );
    assert!(lab.vm.summary.asgs[0].target == Some(100.0));

    let lab = run(
        include_str!("../../../scenarios/lambda-consumer.json"),
        3 * 60_000,
    );
    let (function, queue) = &lab.vm.summary.mappings[0];
    assert_eq!(
        (function.as_str(), queue.as_str()),
        ("process-order", "orders")
    );
    let s = &lab.vm.samples.points;
    assert_eq!(
        s.front().unwrap().mappings[0][1],
        5,
        "5 concurrent batches at first"
    );
    let allowed = s.iter().map(|p| p.mappings[0][1]).max().unwrap();
    assert!(
        allowed > 5 && allowed <= 50,
        "{allowed}: grows, capped at 50"
    );
    assert!(s.iter().all(|p| p.mappings[0][0] <= p.mappings[0][1]));
}

#[test]
fn the_full_page_changes_a_groups_desired_capacity_mid_run_and_a_replay_does_the_same() {
    use mqlab_appcore::edits::Edit;
    use mqlab_appcore::view::InstanceState;
    let json = include_str!("../../../scenarios/autoscaling-backlog.json");
    let mut lab = run(json, 90_000);
    let edit = Edit::Call {
        op: "UpdateAutoScalingGroup".into(),
        params: serde_json::json!({"AutoScalingGroupName": "workers", "DesiredCapacity": 4}),
    };
    lab.edit(edit.clone()).unwrap();
    // The log has the call with its aws autoscaling command (then the launches it starts).
    let logged = lab
        .vm
        .api_log
        .iter()
        .find(|e| e.operation == "UpdateAutoScalingGroup")
        .unwrap();
    assert!(mqlab_appcore::cli::aws_cli_command(
        &logged.operation,
        logged.params.as_ref().unwrap()
    )
    .starts_with("aws autoscaling update-auto-scaling-group --auto-scaling-group-name workers"));
    lab.run_to(95_000);
    assert_eq!(lab.vm.summary.asgs[0].desired, 4);
    assert_eq!(lab.vm.summary.asgs[0].count(InstanceState::Pending), 3);
    // Out of the group's range: AWS's error, nothing changes.
    let refused = lab.edit(Edit::Call {
        op: "UpdateAutoScalingGroup".into(),
        params: serde_json::json!({"AutoScalingGroupName": "workers", "DesiredCapacity": 11}),
    });
    assert!(
        refused
            .as_ref()
            .is_err_and(|m| m.contains("Desired capacity:11 must be between")),
        "{refused:?}"
    );
    lab.run_to(4 * 60_000);
    // The same timeline replayed (a link, a seek) gives the same run; the export folds it in.
    let (base, edits) = lab.timeline();
    let mut again =
        mqlab_appcore::lab::Lab::with_edits(base.clone(), edits.to_vec(), None).unwrap();
    again.run_to(4 * 60_000);
    assert_eq!(again.vm.summary.asgs, lab.vm.summary.asgs);
    let mut folded = base.clone();
    edit.fold_into(&mut folded);
    assert_eq!(folded.auto_scaling_groups[0]["DesiredCapacity"], 4);
}

#[test]
fn the_full_page_changes_a_mappings_maximum_concurrency_mid_run() {
    use mqlab_appcore::edits::Edit;
    let json = include_str!("../../../scenarios/lambda-consumer.json");
    let mut lab = run(json, 10_000);
    let uuid = lab.world().lambda().mappings().next().unwrap().uuid.clone();
    lab.edit(Edit::Call {
        op: "UpdateEventSourceMapping".into(),
        params: serde_json::json!({
            "UUID": uuid,
            "FunctionName": "process-order",
            "ScalingConfig": {"MaximumConcurrency": 10},
        }),
    })
    .unwrap();
    lab.run_to(4 * 60_000);
    assert_eq!(stat(row(&lab, "lambda-process-order"), "lambda-cap"), "10");
    let peak = lab.vm.samples.points.iter().map(|p| p.mappings[0][1]).max();
    assert_eq!(
        peak,
        Some(10),
        "never more than 10 concurrent batches allowed"
    );
    // Below AWS's range (2–1,000): refused with its message.
    let refused = lab.edit(Edit::Call {
        op: "UpdateEventSourceMapping".into(),
        params: serde_json::json!({
            "UUID": uuid,
            "FunctionName": "process-order",
            "ScalingConfig": {"MaximumConcurrency": 1},
        }),
    });
    assert!(refused.is_err(), "{refused:?}");
}

#[test]
fn the_full_page_shows_a_brokers_failover_losing_non_persistent_messages() {
    let json = include_str!("../../../scenarios/mq-activemq-failover.json");
    let before = run(json, 110_000);
    let name = before.world().mq().brokers().next().unwrap().name.clone();
    let r = row(&before, &format!("mq-{name}"));
    assert_eq!(stat(r, "mq-state"), "RUNNING");
    assert_eq!(stat(r, "mq-instances"), "2 / 2");
    assert_eq!(stat(r, "mq-lost"), "0");
    assert!(stat(r, "mq-published") != "0");
    let after = run(json, 180_000);
    let lost: u64 = stat(row(&after, &format!("mq-{name}")), "mq-lost")
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(
        lost > 0,
        "the reboot at 2:00 loses the non-persistent messages"
    );
}

#[test]
fn the_full_page_shows_a_video_stream_with_retention_zero_persisting_nothing() {
    let json = include_str!("../../../scenarios/video-retention.json");
    let lab = run(json, 60_000);
    let streams: Vec<&ServiceRow> = lab
        .vm
        .summary
        .more
        .iter()
        .filter(|r| r.id.starts_with("video-"))
        .collect();
    assert_eq!(streams.len(), 2);
    let by_retention = |h: &str| {
        *streams
            .iter()
            .find(|r| stat(r, "video-retention") == h)
            .unwrap()
    };
    let (zero, day) = (by_retention("0 h"), by_retention("24 h"));
    assert_eq!(stat(zero, "video-in"), stat(day, "video-in"));
    assert!(stat(zero, "video-in") != "0");
    assert_eq!(stat(zero, "video-persisted"), "0");
    assert_eq!(stat(day, "video-persisted"), stat(day, "video-in"));
}

#[test]
fn the_full_page_puts_an_alarm_on_the_queue_whose_metric_it_watches() {
    let json = include_str!("../../../scenarios/alarm-on-backlog.json");
    let lamp = |ms| {
        let lab = run(json, ms);
        let a = lab.vm.summary.queue_alarms.clone();
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(
            (
                a[0].name.as_str(),
                a[0].queue.as_str(),
                a[0].metric.as_str()
            ),
            ("jobs-backlog", "jobs", "ApproximateNumberOfMessagesVisible")
        );
        (a[0].state, a[0].threshold)
    };
    assert_eq!(lamp(59_000).0, "INSUFFICIENT_DATA");
    let (state, threshold) = lamp(61_000);
    assert_eq!(state, "ALARM");
    assert!(threshold > 0.0);
}

#[test]
fn the_full_page_shortens_a_firehose_buffer_interval_mid_run_and_a_replay_does_the_same() {
    use mqlab_appcore::params::{firehose_edit, firehose_value};
    let json = include_str!("../../../scenarios/firehose-near-real-time.json");
    let mut lab = run(json, 10_000);
    let d = lab.world().firehose().stream("clicks-to-lake").unwrap();
    assert_eq!(firehose_value(d, "IntervalInSeconds"), "60");
    assert_eq!(firehose_value(d, "SizeInMBs"), "5");
    let edit = firehose_edit(
        (&d.name, d.version, &d.destination.id.clone()),
        "IntervalInSeconds",
        "20",
    )
    .unwrap();
    lab.edit(edit.clone()).unwrap();
    let d = lab.world().firehose().stream("clicks-to-lake").unwrap();
    // Merged into the destination: the size stays, the version goes up.
    assert_eq!(firehose_value(d, "IntervalInSeconds"), "20");
    assert_eq!(firehose_value(d, "SizeInMBs"), "5");
    assert_eq!(d.version, 2);
    // The buffer that was filling keeps its 60 s; the next ones flush every 20 s.
    lab.run_to(125_000);
    let objects = lab
        .world()
        .firehose()
        .stream("clicks-to-lake")
        .unwrap()
        .totals
        .objects;
    assert!((3..=4).contains(&objects), "{objects}");
    // A stale version: AWS's ConcurrentModificationException, nothing changes.
    let stale = lab.edit(
        firehose_edit(
            ("clicks-to-lake", 1, "destinationId-000000000001"),
            "SizeInMBs",
            "1",
        )
        .unwrap(),
    );
    assert!(
        stale
            .as_ref()
            .is_err_and(|m| m.contains("ConcurrentModificationException")),
        "{stale:?}"
    );
    let (base, edits) = lab.timeline();
    let mut again =
        mqlab_appcore::lab::Lab::with_edits(base.clone(), edits.to_vec(), None).unwrap();
    again.run_to(125_000);
    assert_eq!(
        again
            .world()
            .firehose()
            .stream("clicks-to-lake")
            .unwrap()
            .totals,
        lab.world()
            .firehose()
            .stream("clicks-to-lake")
            .unwrap()
            .totals
    );
    let mut folded = base.clone();
    edit.fold_into(&mut folded);
    let hints = &folded.delivery_streams[0]["ExtendedS3DestinationConfiguration"]["BufferingHints"];
    assert_eq!(
        (
            hints["IntervalInSeconds"].as_u64(),
            hints["SizeInMBs"].as_u64()
        ),
        (Some(20), Some(5))
    );
}

#[test]
fn the_full_page_raises_an_alarms_threshold_mid_run_and_the_alarm_goes_back_to_ok() {
    use mqlab_appcore::params::{alarm_edit, alarm_value};
    let json = include_str!("../../../scenarios/alarm-on-backlog.json");
    let mut lab = run(json, 150_000);
    let alarm = |lab: &Lab| {
        lab.world()
            .cloudwatch()
            .alarm("jobs-backlog")
            .unwrap()
            .clone()
    };
    assert_eq!(alarm(&lab).state.as_str(), "ALARM");
    assert_eq!(alarm_value(&alarm(&lab), "Threshold"), "100");
    let edit = alarm_edit(&alarm(&lab), "Threshold", "100000").unwrap();
    lab.edit(edit.clone()).unwrap();
    // The whole definition is replaced, the rest of it kept; the state waits for the next
    // evaluation.
    let a = alarm(&lab);
    assert_eq!(a.threshold, 100_000.0);
    assert_eq!(
        (a.evaluation_periods, a.metric_name.as_str()),
        (2, "ApproximateNumberOfMessagesVisible")
    );
    assert_eq!(a.alarm_actions.len(), 1);
    assert_eq!(a.state.as_str(), "ALARM");
    lab.run_to(240_000);
    assert_eq!(alarm(&lab).state.as_str(), "OK");
    // A value that is no number: the field's error, nothing sent.
    assert!(alarm_edit(&alarm(&lab), "Threshold", "lots").is_err_and(|m| m.contains("Threshold")));
    // M out of N above N: CloudWatch's error.
    let refused = lab.edit(alarm_edit(&alarm(&lab), "DatapointsToAlarm", "5").unwrap());
    assert!(refused.is_err(), "{refused:?}");
    let mut folded = lab.timeline().0.clone();
    edit.fold_into(&mut folded);
    assert_eq!(folded.alarms[0]["Threshold"], 100_000.0);
    assert_eq!(folded.alarms[0]["AlarmName"], "jobs-backlog");
}

#[test]
fn the_full_page_widens_a_broker_consumers_prefetch_mid_run_and_its_windows_fill() {
    use mqlab_appcore::params::broker_consumer_edit;
    let json = include_str!("../../../scenarios/mq-rabbitmq-exchanges.json");
    let mut lab = run(json, 60_000);
    let held = |lab: &Lab| -> Vec<u32> {
        let b = &lab.vm.summary.services.brokers[0];
        b.consumers
            .iter()
            .filter(|c| c.name.starts_with("eu-worker"))
            .map(|c| c.held)
            .collect()
    };
    assert_eq!(held(&lab), [5, 5]);
    let edit = broker_consumer_edit("events", "eu-worker", "20").unwrap();
    lab.edit(edit.clone()).unwrap();
    lab.run_to(60_500);
    assert_eq!(held(&lab), [20, 20]);
    // Its log line is the client library's call, not an AWS command.
    let logged = lab
        .vm
        .api_log
        .iter()
        .find(|e| e.operation == "Qos")
        .unwrap();
    assert_eq!(
        mqlab_appcore::cli::aws_cli_command(&logged.operation, logged.params.as_ref().unwrap()),
        "channel.basic_qos(prefetch_count=20)  # AMQP basic.qos on the broker, not an AWS API"
    );
    assert!(broker_consumer_edit("events", "eu-worker", "70000").is_err());
    let (base, edits) = lab.timeline();
    let (base, edits) = (base.clone(), edits.to_vec());
    let mut again = mqlab_appcore::lab::Lab::with_edits(base.clone(), edits, None).unwrap();
    again.run_to(90_000);
    lab.run_to(90_000);
    assert_eq!(again.vm.summary.services, lab.vm.summary.services);
    let mut folded = base.clone();
    edit.fold_into(&mut folded);
    assert_eq!(folded.broker_consumers[0]["prefetch"], 20);
}

#[test]
fn a_metric_math_alarm_gets_a_lamp_on_the_queue_its_queries_read() {
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../../../scenarios/alarm-on-backlog.json")).unwrap();
    let alarm = &mut v["alarms"][0];
    let obj = alarm.as_object_mut().unwrap();
    for k in [
        "Namespace",
        "MetricName",
        "Dimensions",
        "Statistic",
        "Period",
    ] {
        obj.remove(k);
    }
    obj.insert(
        "Metrics".into(),
        serde_json::json!([
            {"Id": "m1", "ReturnData": false, "MetricStat": {"Metric": {"Namespace": "AWS/SQS",
              "MetricName": "ApproximateNumberOfMessagesVisible",
              "Dimensions": [{"Name": "QueueName", "Value": "jobs"}]}, "Period": 60, "Stat": "Maximum"}},
            {"Id": "e1", "Expression": "m1 / 2", "ReturnData": true}
        ]),
    );
    let lab = run(&v.to_string(), 150_000);
    let lamps = &lab.vm.summary.queue_alarms;
    assert_eq!(lamps.len(), 1, "{lamps:?}");
    assert_eq!(
        (lamps[0].queue.as_str(), lamps[0].metric.as_str()),
        ("jobs", "m1 / 2")
    );
    assert_eq!(lamps[0].state, "ALARM");
}

#[test]
fn the_full_page_raises_a_target_tracking_target_mid_run_and_the_group_scales_out_less() {
    use mqlab_appcore::params::{policy_edit, policy_value};
    let json = include_str!("../../../scenarios/autoscaling-backlog.json");
    let policy = |lab: &Lab| {
        lab.world().autoscaling().groups["workers"].policies["backlog-per-instance"].clone()
    };
    let mut same = run(json, 30_000);
    assert_eq!(policy_value(&policy(&same)).as_deref(), Some("100"));
    assert_eq!(same.vm.summary.asgs[0].target, Some(100.0));
    let alarms = policy(&same).alarms.clone();
    let mut lab = run(json, 30_000);
    let edit = policy_edit(&policy(&lab), "1000").unwrap();
    lab.edit(edit.clone()).unwrap();
    // The policy and its two alarms (the same names) now aim at 1,000.
    assert_eq!(lab.vm.summary.asgs[0].target, Some(1000.0));
    assert_eq!(policy(&lab).alarms, alarms);
    let high = &alarms
        .iter()
        .find(|(n, _)| n.contains("AlarmHigh"))
        .unwrap()
        .0;
    let threshold = lab.world().cloudwatch().alarm(high).unwrap().threshold;
    assert_eq!(threshold, 1000.0);
    // A higher target asks for fewer instances than the same run at 100.
    let desired = |lab: &Lab| lab.world().autoscaling().groups["workers"].desired;
    let (mut higher, mut at_100) = (Vec::new(), Vec::new());
    for m in 1..=8 {
        lab.run_to(m * 60_000);
        same.run_to(m * 60_000);
        higher.push(desired(&lab));
        at_100.push(desired(&same));
    }
    assert!(
        higher.iter().zip(&at_100).all(|(h, a)| h <= a) && higher != at_100,
        "{higher:?} vs {at_100:?}"
    );
    assert!(policy_edit(&policy(&lab), "-1").is_err());
    let mut folded = lab.timeline().0.clone();
    edit.fold_into(&mut folded);
    assert_eq!(
        folded.scaling_policies[0]["TargetTrackingConfiguration"]["TargetValue"],
        1000.0
    );
}
