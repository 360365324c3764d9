//! The core every service is built on, knowing no service: virtual time, the scheduler, the
//! RNG, events, errors, payloads, memory accounting, and the AWS vocabulary services share
//! (account, region, ARNs, message attributes and their MD5, per-minute metric series,
//! request parsing). A service folder (`sqs/`, `sns/`, `kinesis/`, `s3/`) imports only this
//! module and itself; `tests/layering.rs` checks it.

pub mod aws;
pub mod base64;
pub mod case;
pub mod ctx;
pub mod error;
pub mod event;
pub mod expr;
pub mod float;
pub mod memory;
pub mod message_attributes;
pub mod metrics;
pub mod ordmap;
pub mod payload;
pub mod request;
pub mod rng;
pub mod route;
pub mod sched;
pub mod segvec;
pub mod sha256;
pub mod time;
