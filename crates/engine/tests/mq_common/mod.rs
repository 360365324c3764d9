//! Helpers shared by the Amazon MQ tests: calls through `World::call` as plain `Result`s,
//! running brokers, and the broker events of a run.
#![allow(dead_code)]

use mqlab_engine::mq::{Dest, Publish, CREATION_MS};
use mqlab_engine::{AwsError, EventKind, World, WorldConfig};
use serde_json::{json, Value};

pub fn world() -> World {
    World::new(WorldConfig::default())
}

/// `svc: "mq"` call answered at once.
pub fn call(w: &mut World, op: &str, params: Value) -> Result<Value, AwsError> {
    let id = w.call("mq", op, &params);
    let done = w.take_completions();
    done.into_iter()
        .find(|c| c.call == id)
        .expect("answered at once")
        .result
}

pub fn create_params(name: &str, engine: &str, mode: &str, itype: &str) -> Value {
    json!({
        "BrokerName": name,
        "EngineType": engine,
        "DeploymentMode": mode,
        "HostInstanceType": itype,
        "PubliclyAccessible": false,
        "Users": [{"Username": "admin", "Password": "correct-horse-battery"}],
    })
}

/// A broker created and RUNNING (its creation time passed); answers its id.
pub fn running(w: &mut World, name: &str, engine: &str, mode: &str, itype: &str) -> String {
    running_with(w, create_params(name, engine, mode, itype))
}

pub fn running_with(w: &mut World, params: Value) -> String {
    let out = call(w, "CreateBroker", params).expect("CreateBroker");
    w.advance_to(w.now() + CREATION_MS);
    out["BrokerId"].as_str().unwrap().to_string()
}

pub fn state(w: &mut World, id: &str) -> String {
    call(w, "DescribeBroker", json!({ "BrokerId": id })).unwrap()["BrokerState"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Publishes and expects it accepted; answers the message id.
pub fn publish(
    w: &mut World,
    broker: &str,
    conn: usize,
    dest: Dest,
    body: &str,
    persistent: bool,
) -> String {
    match w
        .with_mq(|mq, ctx| mq.publish(ctx, broker, conn, &dest, body, persistent, &[]))
        .expect("publish")
    {
        Publish::Accepted { message_id, .. } => message_id,
        Publish::Blocked { until } => panic!("blocked until {until}"),
    }
}

/// Bodies `consumer` holds unacknowledged, with their delivery tags, in delivery order.
pub fn held(w: &World, broker: &str, consumer: usize) -> Vec<(u64, String)> {
    let b = w.mq().find(broker).unwrap();
    b.plane
        .deliveries(consumer)
        .map(|d| (d.tag, d.message.body.clone()))
        .collect()
}

pub fn bodies(w: &World, broker: &str, consumer: usize) -> Vec<String> {
    held(w, broker, consumer)
        .into_iter()
        .map(|(_, b)| b)
        .collect()
}

/// The `step`s of the broker-message events drained now, with their destinations.
pub fn steps(w: &mut World) -> Vec<(String, String)> {
    w.drain_events()
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::BrokerMessage {
                step, destination, ..
            } => Some((step, destination)),
            _ => None,
        })
        .collect()
}
