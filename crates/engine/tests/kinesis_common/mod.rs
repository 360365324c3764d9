//! Helpers shared by the Kinesis tests: a world driven through `World::call` with the AWS JSON
//! members, as `mqlab api` drives it.
#![allow(dead_code)]

use base64::Engine as _;
use mqlab_engine::kinesis::STREAM_CREATE_DELAY_MS;
use mqlab_engine::{AwsError, World, WorldConfig};
use serde_json::{json, Value};

pub fn b64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

pub fn unb64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().unwrap_or_default())
        .unwrap()
}

pub struct K {
    pub w: World,
}

impl K {
    pub fn new() -> K {
        K {
            w: World::new(WorldConfig::default()),
        }
    }

    /// Makes a call that answers at once.
    pub fn call(&mut self, op: &str, params: Value) -> Result<Value, AwsError> {
        let id = self.w.call("kinesis", op, &params);
        let done = self.w.take_completions();
        let c = done
            .into_iter()
            .find(|c| c.call == id)
            .unwrap_or_else(|| panic!("{op} did not answer at once"));
        c.result
    }

    #[track_caller]
    pub fn ok(&mut self, op: &str, params: Value) -> Value {
        self.call(op, params.clone())
            .unwrap_or_else(|e| panic!("{op} {params}: {e}"))
    }

    #[track_caller]
    pub fn err(&mut self, op: &str, params: Value) -> AwsError {
        match self.call(op, params.clone()) {
            Ok(v) => panic!("{op} {params}: expected an error, got {v}"),
            Err(e) => e,
        }
    }

    pub fn now(&self) -> u64 {
        self.w.now()
    }

    pub fn advance(&mut self, ms: u64) {
        let t = self.w.now() + ms;
        self.w.advance_to(t);
    }

    /// A provisioned stream of `shards`, ACTIVE.
    pub fn stream(&mut self, name: &str, shards: u32) {
        self.ok(
            "CreateStream",
            json!({"StreamName": name, "ShardCount": shards}),
        );
        self.advance(STREAM_CREATE_DELAY_MS);
    }

    pub fn put(&mut self, stream: &str, key: &str, data: &[u8]) -> Result<Value, AwsError> {
        self.call(
            "PutRecord",
            json!({"StreamName": stream, "PartitionKey": key, "Data": b64(data)}),
        )
    }

    #[track_caller]
    pub fn put_ok(&mut self, stream: &str, key: &str, data: &[u8]) -> Value {
        self.put(stream, key, data)
            .unwrap_or_else(|e| panic!("PutRecord {key}: {e}"))
    }

    #[track_caller]
    pub fn iterator(&mut self, stream: &str, shard: &str, kind: &str) -> String {
        self.ok(
            "GetShardIterator",
            json!({"StreamName": stream, "ShardId": shard, "ShardIteratorType": kind}),
        )["ShardIterator"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn get(&mut self, iterator: &str) -> Result<Value, AwsError> {
        self.call("GetRecords", json!({"ShardIterator": iterator}))
    }

    /// Reads a shard from TRIM_HORIZON until caught up (or its end), pausing a second
    /// between calls; returns the data of every record.
    pub fn read_all(&mut self, stream: &str, shard: &str) -> Vec<Vec<u8>> {
        let mut it = Some(self.iterator(stream, shard, "TRIM_HORIZON"));
        let mut out = Vec::new();
        while let Some(i) = it {
            let r = self.get(&i).unwrap();
            let recs = r["Records"].as_array().unwrap();
            out.extend(recs.iter().map(|x| unb64(&x["Data"])));
            if recs.is_empty() && r["NextShardIterator"].is_string() {
                break;
            }
            it = r["NextShardIterator"].as_str().map(str::to_string);
            self.advance(1_000);
        }
        out
    }

    pub fn shards(&mut self, stream: &str) -> Vec<Value> {
        self.ok("ListShards", json!({"StreamName": stream}))["Shards"]
            .as_array()
            .unwrap()
            .clone()
    }

    pub fn status(&mut self, stream: &str) -> String {
        self.ok("DescribeStreamSummary", json!({"StreamName": stream}))["StreamDescriptionSummary"]
            ["StreamStatus"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

pub const S0: &str = "shardId-000000000000";
pub const S1: &str = "shardId-000000000001";
pub const S2: &str = "shardId-000000000002";
