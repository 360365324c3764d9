//! # mqlab-engine
//!
//! A deterministic, sans-I/O simulation of AWS messaging services. It knows nothing of
//! browsers, files or clocks: the caller passes virtual time in and drains what happened.
//!
//! ## Layout
//!
//! - [`core`] — what every service shares and that knows no service (a service folder imports
//!   only this and itself; `tests/layering.rs` checks it):
//!   - `time` — virtual time (`SimTime`, ms) and the fixed epoch it maps to;
//!   - `rng` — the one seeded PRNG; every random choice in a run comes from it;
//!   - `sched`, `ctx` — timer queues, one per owner, ordered by (time, one shared sequence);
//!     `Ctx<T>`, the instant a service acts on with its own timers;
//!   - `route` — the `Router` a service hands its effects on a peer to (the world routes);
//!   - `event` — typed events with stable ids, in a capped log; `error` — `AwsError`;
//!   - `memory` — `MemoryEstimate`: what a world holds and what a snapshot would add;
//!   - `ordmap`, `segvec` — an ordered map sharing code between value types (small wasm),
//!     and append-only storage in shared sealed segments (snapshots share, not copy);
//!   - `payload` — a body stored as given, or synthetic (head + pad, bytes made on demand),
//!     MD5 computed lazily;
//!   - `expr` — arithmetic over named values (metric math);
//!   - `aws`, `message_attributes`, `metrics`, `request` — account, region, ARNs, hex, base64,
//!     message attributes and their MD5, per-minute series and datapoints, request parsing.
//! - [`sqs`] — Amazon SQS: queues, messages, visibility, FIFO, DLQs, metrics, cost, and the
//!   AWS-shaped operations (typed, plus a JSON layer with AWS member names).
//! - [`sns`] — Amazon SNS: standard and FIFO topics, subscriptions and their confirmation,
//!   Publish / PublishBatch, filter policies, fan-out into SQS (through SQS's own send path)
//!   and to simulated Lambda / HTTP / email / SMS endpoints, delivery retries as timers,
//!   subscription DLQs, mobile push (platform applications, device endpoints), FIFO message
//!   archiving and replay, metrics and cost.
//! - [`kinesis`] — Amazon Kinesis Data Streams: shards with hash-key ranges, MD5 partition-key
//!   routing, sequence numbers, iterators and their expiry, per-shard throughput limits as
//!   ProvisionedThroughputExceededException, retention, resharding (split, merge,
//!   UpdateShardCount), provisioned and on-demand capacity, enhanced fan-out, metrics, cost.
//! - [`s3`] — Amazon S3 as an event publisher: buckets, PutObject / DeleteObject, and event
//!   notifications (the `Records` JSON) published to standard SNS topics through SNS's own
//!   publish path, with event-type wildcards and key name filters.
//! - [`autoscaling`] — Amazon EC2 Auto Scaling of SQS consumers: launch configurations,
//!   groups, instances (each a simulated consumer), scaling policies, activities, group metrics.
//! - [`hub`] — the services borrowed at once: the router the world hands a service, and what
//!   clients (actors, stream readers) call services through.
//! - [`actors`] — simulated producers and consumers; clients that act only through service
//!   operations.
//! - [`kcl`] — simulated Kinesis readers: polling and enhanced
//!   fan-out readers, and KCL-style applications with workers, a lease table, checkpoints
//!   and failover.
//! - [`scenario`] — the serde unit that declares queues, actors, parameters and seed.
//! - [`world`] — the clock, timer dispatch, routing, the metrics bus and the bill.
//!
//! ## The run loop
//!
//! ```
//! use mqlab_engine::{Scenario, World};
//! let scenario = Scenario::from_json(r#"{
//!   "seed": 7,
//!   "queues": [{"QueueName": "orders"}],
//!   "producers": [{"name": "web", "queue": "orders", "rate_per_s": 5}],
//!   "consumers": [{"name": "worker", "queue": "orders", "count": 2, "wait_time_s": 20}]
//! }"#).unwrap();
//! let mut world = World::from_scenario(&scenario).unwrap();
//! world.advance_to(60_000); // one virtual minute: every due timer runs, in order
//! let events = world.drain_events(); // what happened, to animate or assert on
//! assert!(!events.is_empty());
//! ```
//!
//! `World::advance_to(t)` pops timers due up to `t` from the owners' queues and lets their owner
//! (a queue, an SNS delivery, a Kinesis status change, an actor, the metrics clock) act; services record `Event`s; long polls that
//! finish are routed back to whoever asked. Nothing reads a clock and nothing iterates a hash
//! map, so the same scenario and seed give the same events, natively and in wasm.

pub mod actors;
pub mod autoscaling;
pub mod cloudwatch;
pub mod core;
pub mod firehose;
pub mod flink;
pub mod hub;
pub mod kcl;
pub mod kinesis;
pub mod kinesisvideo;
pub mod lambda;
pub mod mq;
pub mod s3;
pub mod scenario;
pub mod sns;
pub mod sqs;
pub mod world;

// The core's modules at their old paths, for the app and the CLI.
pub use crate::core::{error, event, memory, ordmap, payload, rng, sched, segvec, time};

pub use error::AwsError;
pub use event::{events_hash, Event, EventHasher, EventKind};
pub use memory::MemoryEstimate;
pub use payload::Payload;
pub use scenario::{Scenario, ScenarioError};
pub use time::SimTime;
pub use world::{CallId, Completion, World, WorldConfig};
