//! Amazon MQ: managed ActiveMQ and RabbitMQ brokers (aws-rules §7).
//!
//! Two planes. The **control plane** is AWS's API (`svc: "mq"`): CreateBroker, DescribeBroker,
//! ListBrokers, UpdateBroker, RebootBroker, DeleteBroker, with the broker states, the engine /
//! deployment-mode / instance-type / storage rules, pending changes applied at the next reboot
//! or maintenance window (`ops.rs`, `api.rs`). The **messaging plane** has no AWS API — clients
//! speak OpenWire, AMQP, STOMP or MQTT to the broker itself — so it is a set of typed
//! operations named after the JMS / AMQP 0-9-1 verbs (`plane.rs`): declare queues, topics,
//! exchanges and bindings, connect, consume with a prefetch, publish persistent or not, ack,
//! nack, drop a connection, lose an instance; with the failover of an active/standby pair,
//! quorum queues on a 3-node cluster, dead-lettering and flow control at the instance's
//! message-rate ceiling. `api.rs` also exposes it as `svc: "mq-broker"`, which is **not an AWS
//! API** (see aws-rules §7.8).
//!
//! The world reaches this module only from `World::call` / `World::with_mq` and a fn pointer
//! they set (as for CloudWatch), so a run that never uses Amazon MQ is untouched.

pub mod api;
pub mod clients;
mod ops;
pub mod plane;
pub mod stats;

use crate::core::ordmap::OrdMap;
use crate::core::time::{SimTime, MS_PER_MIN, MS_PER_S};
pub use plane::{Dest, Plane, Publish, QueueSpec, QueueType};

/// Amazon MQ's timers: state transitions that take time, failovers and maintenance windows.
#[derive(Clone, Debug)]
pub enum MqTimer {
    /// CREATION_IN_PROGRESS → RUNNING.
    Created(String),
    /// DELETION_IN_PROGRESS → gone.
    Deleted(String),
    /// A broker instance (ActiveMQ instance, RabbitMQ node) comes back up.
    InstanceUp(String, usize),
    /// A rolling restart takes the next cluster node down.
    InstanceDown(String, usize),
    /// The ActiveMQ standby takes over from the shared storage.
    Failover(String),
    /// A reboot (or maintenance) has finished: RUNNING, pending changes applied.
    RebootDone(String),
    /// The weekly maintenance window opens.
    Maintenance(String),
    /// A scenario's simulated client acts (`clients.rs`).
    Client(clients::ClientTimer),
}

pub type Ctx<'a> = crate::core::ctx::Ctx<'a, MqTimer>;

/// CreateBroker until RUNNING. AWS quotes about 15 minutes for ActiveMQ and up to 20 for a
/// RabbitMQ cluster; mqlab takes 2 minutes so that a lesson does not wait (UNCONFIRMED, mqlab's
/// choice; aws-rules §7.6).
pub const CREATION_MS: SimTime = 2 * MS_PER_MIN;
/// DeleteBroker until the broker is gone (UNCONFIRMED, mqlab's choice).
pub const DELETION_MS: SimTime = MS_PER_MIN;
/// How long an instance or node is down while it reboots (UNCONFIRMED, mqlab's choice).
pub const REBOOT_MS: SimTime = 30 * MS_PER_S;
/// How long the ActiveMQ standby takes to take over after the active instance is lost: it
/// acquires the lock on the shared EFS storage and opens its transports. AWS: "a few
/// seconds" for a reboot failover (UNCONFIRMED figure; aws-rules §7.9).
pub const FAILOVER_MS: SimTime = 5 * MS_PER_S;
/// A lost instance that nobody restores is replaced after this long (UNCONFIRMED, mqlab's
/// choice).
pub const INSTANCE_RECOVERY_MS: SimTime = 5 * MS_PER_MIN;
/// Brokers per account and Region (2023 quota, aws-rules §7.3).
pub const BROKERS_MAX: usize = 20;
/// Users per ActiveMQ broker with simple authentication (aws-rules §7.3).
pub const ACTIVEMQ_USERS_MAX: usize = 250;
/// Times the maintenance window may be changed before the next scheduled window
/// (aws-rules §7.4).
pub const WINDOW_CHANGES_MAX: u32 = 4;
/// Approximate enqueue ceilings for 1 KB messages (aws-rules §7.7): persistent messages on
/// EFS and on EBS are bound by the storage's latency; non-persistent ones by the instance
/// (this figure is an mq.m5.large's, scaled by [`InstanceType::scale`]).
pub const PERSISTENT_EFS_PER_S: u64 = 80;
pub const PERSISTENT_EBS_PER_S: u64 = 500;
pub const NON_PERSISTENT_PER_S: u64 = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    ActiveMq,
    RabbitMq,
}

impl Engine {
    /// As DescribeBroker answers it (AWS returns the engine's own spelling, `ActiveMQ`, though
    /// the API model's enum is upper case; both are accepted on input).
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::ActiveMq => "ActiveMQ",
            Engine::RabbitMq => "RabbitMQ",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeploymentMode {
    SingleInstance,
    ActiveStandbyMultiAz,
    ClusterMultiAz,
}

impl DeploymentMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DeploymentMode::SingleInstance => "SINGLE_INSTANCE",
            DeploymentMode::ActiveStandbyMultiAz => "ACTIVE_STANDBY_MULTI_AZ",
            DeploymentMode::ClusterMultiAz => "CLUSTER_MULTI_AZ",
        }
    }

    /// Broker instances (ActiveMQ) or nodes (RabbitMQ) the mode runs.
    pub fn instances(self) -> usize {
        match self {
            DeploymentMode::SingleInstance => 1,
            DeploymentMode::ActiveStandbyMultiAz => 2,
            DeploymentMode::ClusterMultiAz => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageType {
    Efs,
    Ebs,
}

impl StorageType {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageType::Efs => "EFS",
            StorageType::Ebs => "EBS",
        }
    }
}

/// `BrokerState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokerState {
    CreationInProgress,
    Running,
    RebootInProgress,
    DeletionInProgress,
}

impl BrokerState {
    pub fn as_str(self) -> &'static str {
        match self {
            BrokerState::CreationInProgress => "CREATION_IN_PROGRESS",
            BrokerState::Running => "RUNNING",
            BrokerState::RebootInProgress => "REBOOT_IN_PROGRESS",
            BrokerState::DeletionInProgress => "DELETION_IN_PROGRESS",
        }
    }
}

/// A host instance type, `mq.<family>.<size>` (aws-rules §7.3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceType(pub String);

impl InstanceType {
    fn parts(&self) -> Option<(&str, &str)> {
        let rest = self.0.strip_prefix("mq.")?;
        rest.split_once('.')
    }

    pub fn family(&self) -> &str {
        self.parts().map_or("", |p| p.0)
    }

    pub fn is_micro(&self) -> bool {
        self.parts().is_some_and(|p| p.1 == "micro")
    }

    /// Whether `engine` runs on this type: ActiveMQ on mq.t2/t3.micro, mq.m4.large and
    /// mq.m5.large–4xlarge; RabbitMQ on mq.t3.micro, mq.m5.large–4xlarge and mq.m7g.medium
    /// upwards (aws-rules §7.3).
    pub fn supported_by(&self, engine: Engine) -> bool {
        let Some((family, size)) = self.parts() else {
            return false;
        };
        let m5 = matches!(size, "large" | "xlarge" | "2xlarge" | "4xlarge");
        match (engine, family) {
            (Engine::ActiveMq, "t2") | (_, "t3") => size == "micro",
            (Engine::ActiveMq, "m4") => size == "large",
            (_, "m5") => m5,
            (Engine::RabbitMq, "m7g") => {
                m5 || matches!(size, "medium" | "8xlarge" | "12xlarge" | "16xlarge")
            }
            _ => false,
        }
    }

    /// The instance's capacity relative to a *.large (vCPUs): micro 0.2, medium 0.5, large 1,
    /// xlarge 2, 2xlarge 4, … (mqlab's scaling of §7.3's sizes; UNCONFIRMED for throughput).
    pub fn scale(&self) -> f64 {
        let size = self.parts().map_or("", |p| p.1);
        match size {
            "micro" => 0.2,
            "medium" => 0.5,
            "large" => 1.0,
            "xlarge" => 2.0,
            s => s
                .strip_suffix("xlarge")
                .and_then(|n| crate::core::float::parse_f64(n).ok())
                .map_or(1.0, |n| 2.0 * n),
        }
    }

    /// Wire-level connections an instance accepts: RabbitMQ 500 (micro) / 5,000 (large) /
    /// 10,000 / 20,000 / 40,000; ActiveMQ 100 (micro) / 1,000 (large), scaled alike above
    /// (aws-rules §7.3; ActiveMQ above large UNCONFIRMED).
    pub fn connections_max(&self, engine: Engine) -> usize {
        let (micro, large) = match engine {
            Engine::ActiveMq => (100.0, 1_000.0),
            Engine::RabbitMq => (500.0, 5_000.0),
        };
        if self.is_micro() {
            micro as usize
        } else {
            (large * self.scale()) as usize
        }
    }

    /// RabbitMQ queues per instance: 2,500 (micro), 30,000 (large), 60,000, 120,000, 240,000
    /// (aws-rules §7.3): six per connection.
    pub fn queues_max(&self) -> usize {
        if self.is_micro() {
            2_500
        } else {
            self.connections_max(Engine::RabbitMq) * 6
        }
    }
}

/// `WeeklyStartTime`: the maintenance window's start, UTC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeeklyStartTime {
    /// 0 = MONDAY … 6 = SUNDAY.
    pub day: u8,
    pub minute_of_day: u32,
}

pub const DAYS: [&str; 7] = [
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
    "SUNDAY",
];

impl WeeklyStartTime {
    /// The first start strictly after `now` (virtual time 0 is Thursday 2026-01-01 00:00 UTC).
    pub fn next_after(&self, now: SimTime) -> SimTime {
        const WEEK: SimTime = 7 * 24 * 60 * MS_PER_MIN;
        // Monday 00:00 of the epoch's week is 3 days before t = 0.
        let offset = 3 * 24 * 60 * MS_PER_MIN;
        let start = (self.day as SimTime * 24 * 60 + self.minute_of_day as SimTime) * MS_PER_MIN;
        let u = now + offset;
        let mut at = u - u % WEEK + start;
        if at <= u {
            at += WEEK;
        }
        at - offset
    }

    pub fn time_of_day(&self) -> String {
        format!(
            "{:02}:{:02}",
            self.minute_of_day / 60,
            self.minute_of_day % 60
        )
    }
}

/// One broker instance (ActiveMQ) or node (RabbitMQ).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub up: bool,
}

/// One broker: what CreateBroker configured, its state, and its messaging plane.
#[derive(Clone, Debug)]
pub struct Broker {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub engine: Engine,
    pub engine_version: String,
    pub pending_engine_version: Option<String>,
    pub deployment_mode: DeploymentMode,
    pub instance_type: InstanceType,
    pub pending_instance_type: Option<InstanceType>,
    pub storage: StorageType,
    pub publicly_accessible: bool,
    pub auto_minor_version_upgrade: bool,
    pub users: Vec<String>,
    pub maintenance: WeeklyStartTime,
    /// When the maintenance window next opens (its timer; an older one is ignored).
    pub maintenance_at: SimTime,
    pub window_changes: u32,
    pub security_groups: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub tags: Vec<(String, String)>,
    pub state: BrokerState,
    pub created_at: SimTime,
    pub instances: Vec<Instance>,
    /// ActiveMQ: the instance that holds the storage lock (active/standby).
    pub active: usize,
    pub plane: Plane,
}

impl Broker {
    /// Whether clients can reach the broker's engine at all (its active instance, or some
    /// node of a cluster, is up).
    pub fn reachable(&self) -> bool {
        match self.state {
            BrokerState::CreationInProgress | BrokerState::DeletionInProgress => false,
            _ if self.deployment_mode == DeploymentMode::ClusterMultiAz => {
                self.instances.iter().any(|i| i.up)
            }
            _ => self.instances.get(self.active).is_some_and(|i| i.up),
        }
    }

    /// The engine's major and minor version numbers (`"3.13"` → (3, 13)).
    pub fn version(&self) -> (u32, u32) {
        version_numbers(&self.engine_version).unwrap_or((0, 0))
    }

    /// Enqueue ceiling per second for persistent or non-persistent messages (aws-rules §7.7).
    pub fn ceiling_per_s(&self, persistent: bool) -> u64 {
        match (persistent, self.storage) {
            (true, StorageType::Efs) => PERSISTENT_EFS_PER_S,
            (true, StorageType::Ebs) => PERSISTENT_EBS_PER_S,
            (false, _) => {
                ((NON_PERSISTENT_PER_S as f64 * self.instance_type.scale()) as u64).max(1)
            }
        }
    }
}

pub fn version_numbers(v: &str) -> Option<(u32, u32)> {
    let mut it = v.split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

/// The Amazon MQ service: brokers by id, in creation order for ListBrokers.
#[derive(Clone, Debug, Default)]
pub struct Mq {
    brokers: OrdMap<String, Broker>,
    order: Vec<String>,
    meter: stats::Meter,
    /// A scenario's simulated clients (producers, consumers, scheduled events).
    pub clients: clients::Clients,
}

impl Mq {
    pub fn broker(&self, id: &str) -> Option<&Broker> {
        self.brokers.get(id)
    }

    /// The broker by id, or by name (typed operations accept either).
    pub fn find(&self, id_or_name: &str) -> Option<&Broker> {
        self.brokers
            .get(id_or_name)
            .or_else(|| self.brokers.values().find(|b| b.name == id_or_name))
    }

    pub fn brokers(&self) -> impl Iterator<Item = &Broker> {
        self.order.iter().filter_map(|id| self.brokers.get(id))
    }

    fn broker_mut(&mut self, id_or_name: &str) -> Option<&mut Broker> {
        let id = self.find(id_or_name)?.id.clone();
        self.brokers.get_mut(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::time::MS_PER_H;

    #[test]
    fn the_maintenance_window_opens_on_its_weekday_from_a_thursday_epoch() {
        let w = |day: u8, h: u32| WeeklyStartTime {
            day,
            minute_of_day: h * 60,
        };
        const DAY: SimTime = 24 * MS_PER_H;
        // t = 0 is Thursday 2026-01-01 00:00 UTC.
        assert_eq!(w(3, 1).next_after(0), MS_PER_H);
        assert_eq!(w(3, 0).next_after(0), 7 * DAY, "strictly after now");
        assert_eq!(w(6, 3).next_after(0), 3 * DAY + 3 * MS_PER_H);
        assert_eq!(w(0, 0).next_after(0), 4 * DAY);
        assert_eq!(
            w(6, 3).next_after(3 * DAY + 3 * MS_PER_H),
            10 * DAY + 3 * MS_PER_H
        );
    }

    #[test]
    fn instance_types_per_engine_and_their_scale() {
        let t = |s: &str| InstanceType(s.to_string());
        assert!(t("mq.m7g.large").supported_by(Engine::RabbitMq));
        assert!(!t("mq.m7g.large").supported_by(Engine::ActiveMq));
        assert!(t("mq.t2.micro").supported_by(Engine::ActiveMq));
        assert!(!t("mq.t2.micro").supported_by(Engine::RabbitMq));
        assert!(!t("m5.large").supported_by(Engine::ActiveMq));
        assert_eq!(t("mq.m5.4xlarge").scale(), 8.0);
        assert_eq!(t("mq.m5.4xlarge").connections_max(Engine::RabbitMq), 40_000);
        assert_eq!(t("mq.m5.xlarge").queues_max(), 60_000);
        assert_eq!(t("mq.t3.micro").connections_max(Engine::ActiveMq), 100);
    }
}
