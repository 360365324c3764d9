//! The lease table of a KCL application: one row per shard, as in KCL's DynamoDB table
//! (aws-rules §4.8): `leaseKey` (the shard id), `leaseOwner`, `leaseCounter`, `checkpoint`,
//! `ownerSwitchesSinceCheckpoint`, `parentShardId`. The table is not simulated as DynamoDB
//! (no capacity, no cost): its rows and the conditional updates KCL makes are what matter.

use crate::core::ordmap::OrdMap;
use crate::core::time::SimTime;
use crate::kinesis::keys::SeqNum;

/// Rows one lease table holds; shards beyond it get no lease (memory bound: a stream has at
/// most 10,000 open shards, and closed ones leave with retention).
pub const LEASES_MAX: usize = 20_000;

/// A lease's `checkpoint` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkpoint {
    TrimHorizon,
    Latest,
    /// The last sequence number processed.
    Sequence(SeqNum),
    /// The shard is closed and was read to its end: its children may be processed.
    ShardEnd,
}

impl Checkpoint {
    /// As KCL writes it: a sequence number, `TRIM_HORIZON`, `LATEST` or `SHARD_END`.
    pub fn as_text(&self) -> String {
        match self {
            Checkpoint::TrimHorizon => "TRIM_HORIZON".into(),
            Checkpoint::Latest => "LATEST".into(),
            Checkpoint::Sequence(s) => s.to_decimal(),
            Checkpoint::ShardEnd => "SHARD_END".into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lease {
    /// `leaseKey`: the shard id.
    pub lease_key: String,
    /// `leaseOwner`: the worker holding it.
    pub lease_owner: Option<String>,
    /// `leaseCounter`: bumped by every renewal and every change of owner, so a worker can
    /// tell that the lease is still alive (and a taker that it is not).
    pub lease_counter: u64,
    pub checkpoint: Checkpoint,
    pub owner_switches_since_checkpoint: u64,
    /// `parentShardId` (and the adjacent parent of a merge).
    pub parent_shard_ids: Vec<String>,
    /// When the counter last moved: the lease expires `failover_time_ms` after it.
    pub renewed_at: SimTime,
}

impl Lease {
    pub fn is_finished(&self) -> bool {
        self.checkpoint == Checkpoint::ShardEnd
    }

    pub fn is_expired(&self, now: SimTime, failover_ms: SimTime) -> bool {
        self.lease_owner.is_none() || now >= self.renewed_at.saturating_add(failover_ms)
    }
}

/// One application's table, keyed (and so iterated) by shard id.
pub type LeaseTable = OrdMap<String, Lease>;
