//! Amazon MQ's control plane (aws-rules §7.6): broker states, the engine / deployment-mode /
//! instance-type / storage rules, UpdateBroker's pending changes, reboot, maintenance windows,
//! deletion, ListBrokers paging.

mod mq_common;

use mq_common::*;
use mqlab_engine::mq::{CREATION_MS, DELETION_MS, REBOOT_MS};
use mqlab_engine::time::MS_PER_MIN;
use mqlab_engine::EventKind;
use serde_json::json;

#[test]
fn a_new_broker_is_creation_in_progress_then_running() {
    let mut w = world();
    let out = call(
        &mut w,
        "CreateBroker",
        create_params(
            "orders",
            "ACTIVEMQ",
            "ACTIVE_STANDBY_MULTI_AZ",
            "mq.m5.large",
        ),
    )
    .unwrap();
    let id = out["BrokerId"].as_str().unwrap().to_string();
    assert!(id.starts_with("b-"));
    assert_eq!(
        out["BrokerArn"],
        format!("arn:aws:mq:us-east-1:123456789012:broker:orders:{id}")
    );
    let d = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(d["BrokerState"], "CREATION_IN_PROGRESS");
    assert_eq!(d["BrokerInstances"], json!([]));
    assert_eq!(d["EngineType"], "ActiveMQ");
    assert_eq!(d["StorageType"], "EFS");
    assert_eq!(d["AutoMinorVersionUpgrade"], true);
    w.advance_to(CREATION_MS - 1);
    assert_eq!(state(&mut w, &id), "CREATION_IN_PROGRESS");
    w.advance_to(CREATION_MS);
    let d = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(d["BrokerState"], "RUNNING");
    // Two instances, two console URLs and endpoint sets, suffixes -1 and -2.
    let instances = d["BrokerInstances"].as_array().unwrap();
    assert_eq!(instances.len(), 2);
    assert_eq!(
        instances[1]["Endpoints"][0],
        format!("ssl://{id}-2.mq.us-east-1.amazonaws.com:61617")
    );
    let states: Vec<String> = w
        .drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::BrokerStateChanged { state, .. } => Some(state),
            _ => None,
        })
        .collect();
    assert_eq!(states, ["CREATION_IN_PROGRESS", "RUNNING"]);
}

#[test]
fn engine_deployment_mode_instance_type_and_storage_are_validated_as_aws_does() {
    let mut w = world();
    let bad = |w: &mut mqlab_engine::World, p: serde_json::Value, attribute: &str| {
        let e = call(w, "CreateBroker", p).unwrap_err();
        assert_eq!(e.code, "BadRequestException", "{e:?}");
        assert!(e.message.contains(attribute), "{e:?}");
    };
    let p = create_params;
    // Deployment modes per engine: active/standby is ActiveMQ's, the cluster RabbitMQ's.
    bad(
        &mut w,
        p("a", "RABBITMQ", "ACTIVE_STANDBY_MULTI_AZ", "mq.m5.large"),
        "deploymentMode",
    );
    bad(
        &mut w,
        p("a", "ACTIVEMQ", "CLUSTER_MULTI_AZ", "mq.m5.large"),
        "deploymentMode",
    );
    bad(
        &mut w,
        p("a", "KAFKA", "SINGLE_INSTANCE", "mq.m5.large"),
        "engineType",
    );
    // Instance types: m7g is RabbitMQ's; micro runs a single instance only.
    bad(
        &mut w,
        p("a", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m7g.large"),
        "hostInstanceType",
    );
    bad(
        &mut w,
        p("a", "RABBITMQ", "CLUSTER_MULTI_AZ", "mq.t3.micro"),
        "hostInstanceType",
    );
    bad(
        &mut w,
        p("a", "ACTIVEMQ", "ACTIVE_STANDBY_MULTI_AZ", "mq.t3.micro"),
        "hostInstanceType",
    );
    bad(
        &mut w,
        p("a", "RABBITMQ", "SINGLE_INSTANCE", "mq.m5.huge"),
        "hostInstanceType",
    );
    // RabbitMQ 4 only on m7g.
    let mut v4 = p("a", "RABBITMQ", "SINGLE_INSTANCE", "mq.m5.large");
    v4["EngineVersion"] = json!("4.2");
    bad(&mut w, v4, "hostInstanceType");
    // Storage: EFS is not for RabbitMQ; EBS is single-AZ and mq.m5 only.
    let mut s = p("a", "RABBITMQ", "SINGLE_INSTANCE", "mq.m5.large");
    s["StorageType"] = json!("EFS");
    bad(&mut w, s, "storageType");
    let mut s = p("a", "ACTIVEMQ", "ACTIVE_STANDBY_MULTI_AZ", "mq.m5.large");
    s["StorageType"] = json!("EBS");
    bad(&mut w, s, "storageType");
    let mut s = p("a", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m4.large");
    s["StorageType"] = json!("EBS");
    bad(&mut w, s, "storageType");
    // Users: RabbitMQ takes exactly one; passwords of 12+ characters, 4+ distinct, no , : =.
    let mut u = p("a", "RABBITMQ", "SINGLE_INSTANCE", "mq.m5.large");
    u["Users"] = json!([{"Username": "a1", "Password": "correct-horse-battery"},
                        {"Username": "b2", "Password": "correct-horse-battery"}]);
    bad(&mut w, u, "users");
    let mut u = p("a", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m5.large");
    u["Users"] = json!([{"Username": "admin", "Password": "aaaabbbbcccc"}]);
    bad(&mut w, u, "password");
    // Required members, the name's form, AutoMinorVersionUpgrade from 5.18.
    let mut r = p("a", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m5.large");
    r.as_object_mut().unwrap().remove("PubliclyAccessible");
    bad(&mut w, r, "PubliclyAccessible");
    bad(
        &mut w,
        p("bad name!", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m5.large"),
        "brokerName",
    );
    let mut a = p("a", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m5.large");
    a["AutoMinorVersionUpgrade"] = json!(false);
    bad(&mut w, a, "autoMinorVersionUpgrade");
    // What passes: EBS on an m5 single instance; RabbitMQ defaults to EBS, lower case engine.
    let mut ok = p("ebs", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m5.xlarge");
    ok["StorageType"] = json!("EBS");
    assert!(call(&mut w, "CreateBroker", ok).is_ok());
    let id = call(
        &mut w,
        "CreateBroker",
        p("rabbit", "RabbitMQ", "CLUSTER_MULTI_AZ", "mq.m7g.large"),
    )
    .unwrap()["BrokerId"]
        .clone();
    let d = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(
        (d["StorageType"].as_str(), d["EngineVersion"].as_str()),
        (Some("EBS"), Some("4.2"))
    );
    // A name in use is a conflict.
    let e = call(
        &mut w,
        "CreateBroker",
        p("rabbit", "RABBITMQ", "SINGLE_INSTANCE", "mq.m5.large"),
    )
    .unwrap_err();
    assert_eq!(e.code, "ConflictException");
}

#[test]
fn update_broker_instance_type_is_pending_until_the_next_reboot() {
    let mut w = world();
    let id = running(
        &mut w,
        "orders",
        "ACTIVEMQ",
        "SINGLE_INSTANCE",
        "mq.m5.large",
    );
    let out = call(
        &mut w,
        "UpdateBroker",
        json!({"BrokerId": id, "HostInstanceType": "mq.m5.2xlarge"}),
    )
    .unwrap();
    assert_eq!(out["HostInstanceType"], "mq.m5.2xlarge");
    let d = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(d["HostInstanceType"], "mq.m5.large");
    assert_eq!(d["PendingHostInstanceType"], "mq.m5.2xlarge");
    // A type the engine does not run is refused at once.
    let e = call(
        &mut w,
        "UpdateBroker",
        json!({"BrokerId": id, "HostInstanceType": "mq.m7g.large"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "BadRequestException");
    call(&mut w, "RebootBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(state(&mut w, &id), "REBOOT_IN_PROGRESS");
    let t = w.now();
    w.advance_to(t + REBOOT_MS);
    let d = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(d["BrokerState"], "RUNNING");
    assert_eq!(d["HostInstanceType"], "mq.m5.2xlarge");
    assert!(d.get("PendingHostInstanceType").is_none());
}

#[test]
fn only_a_running_broker_reboots_and_a_deleted_one_is_not_found() {
    let mut w = world();
    let id = call(
        &mut w,
        "CreateBroker",
        create_params("b", "RABBITMQ", "SINGLE_INSTANCE", "mq.m5.large"),
    )
    .unwrap()["BrokerId"]
        .as_str()
        .unwrap()
        .to_string();
    let e = call(&mut w, "RebootBroker", json!({ "BrokerId": id })).unwrap_err();
    assert_eq!(e.code, "BadRequestException");
    w.advance_to(CREATION_MS);
    assert_eq!(
        call(&mut w, "DeleteBroker", json!({ "BrokerId": id })).unwrap()["BrokerId"],
        id.as_str()
    );
    assert_eq!(state(&mut w, &id), "DELETION_IN_PROGRESS");
    w.advance_to(CREATION_MS + DELETION_MS);
    let e = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap_err();
    assert_eq!(e.code, "NotFoundException");
    assert_eq!(
        e.message,
        format!("Can't find requested broker [{id}]. Make sure your broker exists.")
    );
}

#[test]
fn list_brokers_pages_with_next_token_in_creation_order() {
    let mut w = world();
    for n in ["one", "two", "three"] {
        call(
            &mut w,
            "CreateBroker",
            create_params(n, "ACTIVEMQ", "SINGLE_INSTANCE", "mq.t3.micro"),
        )
        .unwrap();
    }
    let p1 = call(&mut w, "ListBrokers", json!({"MaxResults": 2})).unwrap();
    let names: Vec<&str> = p1["BrokerSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["BrokerName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["one", "two"]);
    let p2 = call(
        &mut w,
        "ListBrokers",
        json!({"MaxResults": 2, "NextToken": p1["NextToken"]}),
    )
    .unwrap();
    assert_eq!(p2["BrokerSummaries"][0]["BrokerName"], "three");
    assert!(p2.get("NextToken").is_none());
    assert_eq!(
        call(&mut w, "ListBrokers", json!({"MaxResults": 0}))
            .unwrap_err()
            .code,
        "BadRequestException"
    );
}

#[test]
fn a_maintenance_window_takes_a_single_instance_broker_down_and_applies_pending_changes() {
    let mut w = world();
    // Virtual time 0 is Thursday 2026-01-01 00:00 UTC: the window opens 10 minutes in.
    let mut p = create_params("shop", "RABBITMQ", "SINGLE_INSTANCE", "mq.m5.large");
    p["MaintenanceWindowStartTime"] = json!({"DayOfWeek": "THURSDAY", "TimeOfDay": "00:10"});
    let id = running_with(&mut w, p);
    call(
        &mut w,
        "UpdateBroker",
        json!({"BrokerId": id, "HostInstanceType": "mq.m5.xlarge"}),
    )
    .unwrap();
    let conn = w
        .with_mq(|mq, ctx| mq.connect(ctx, "shop", "app", true))
        .unwrap();
    w.advance_to(10 * MS_PER_MIN);
    assert_eq!(state(&mut w, &id), "REBOOT_IN_PROGRESS");
    let b = w.mq().find("shop").unwrap();
    assert!(
        !b.reachable(),
        "a single-instance broker is unavailable during maintenance"
    );
    w.advance_to(10 * MS_PER_MIN + REBOOT_MS);
    let d = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(
        (d["BrokerState"].as_str(), d["HostInstanceType"].as_str()),
        (Some("RUNNING"), Some("mq.m5.xlarge"))
    );
    // The client's failover transport reconnected.
    let b = w.mq().find("shop").unwrap();
    assert_eq!(
        b.plane.connections[conn].state,
        mqlab_engine::mq::plane::ConnState::Open
    );
}

#[test]
fn the_maintenance_window_changes_at_most_four_times_before_it_opens() {
    let mut w = world();
    let id = running(&mut w, "w", "ACTIVEMQ", "SINGLE_INSTANCE", "mq.m5.large");
    for hour in 1..=4 {
        let window = json!({"DayOfWeek": "SUNDAY", "TimeOfDay": format!("0{hour}:00")});
        call(
            &mut w,
            "UpdateBroker",
            json!({"BrokerId": id, "MaintenanceWindowStartTime": window}),
        )
        .unwrap();
    }
    let window = json!({"DayOfWeek": "SUNDAY", "TimeOfDay": "05:00"});
    let e = call(
        &mut w,
        "UpdateBroker",
        json!({"BrokerId": id, "MaintenanceWindowStartTime": window}),
    )
    .unwrap_err();
    assert_eq!(e.code, "BadRequestException");
    let d = call(&mut w, "DescribeBroker", json!({ "BrokerId": id })).unwrap();
    assert_eq!(
        d["MaintenanceWindowStartTime"],
        json!({"DayOfWeek": "SUNDAY", "TimeOfDay": "04:00", "TimeZone": "UTC"})
    );
}
