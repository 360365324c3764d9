//! The control plane: Amazon MQ's broker operations with AWS's validation, and the timers
//! that move a broker through its states (aws-rules §7.6).

use super::api::{CreateBrokerInput, UpdateBrokerInput, UserInput, WeeklyStartTimeInput};
use super::plane::instance_event;
use super::{
    Broker, BrokerState, Ctx, DeploymentMode, Engine, Instance, InstanceType, Mq, MqTimer,
    StorageType, WeeklyStartTime, DAYS,
};
use super::{
    ACTIVEMQ_USERS_MAX, BROKERS_MAX, CREATION_MS, DELETION_MS, REBOOT_MS, WINDOW_CHANGES_MAX,
};
use crate::core::aws::arn;
use crate::core::error::AwsError;
use crate::core::event::EventKind;

/// `BadRequestException`, with the member at fault (AWS's `ErrorAttribute`) named in the
/// message.
pub(super) fn bad_request(attribute: &str, message: impl Into<String>) -> AwsError {
    AwsError::new(
        "BadRequestException",
        format!("{} (ErrorAttribute: {attribute})", message.into()),
    )
}

pub(super) fn broker_not_found(id: &str) -> AwsError {
    AwsError::new(
        "NotFoundException",
        format!("Can't find requested broker [{id}]. Make sure your broker exists."),
    )
}

fn required<'a, T>(v: &'a Option<T>, member: &str) -> Result<&'a T, AwsError> {
    v.as_ref()
        .ok_or_else(|| bad_request(member, format!("The parameter {member} is required.")))
}

fn parse_engine(s: &str) -> Result<Engine, AwsError> {
    match s.to_ascii_uppercase().as_str() {
        "ACTIVEMQ" => Ok(Engine::ActiveMq),
        "RABBITMQ" => Ok(Engine::RabbitMq),
        _ => Err(bad_request(
            "engineType",
            format!("Broker engine type [{s}] is invalid. Valid values are [ACTIVEMQ, RABBITMQ]."),
        )),
    }
}

fn parse_mode(s: &str, engine: Engine) -> Result<DeploymentMode, AwsError> {
    let mode = match s {
        "SINGLE_INSTANCE" => Some(DeploymentMode::SingleInstance),
        "ACTIVE_STANDBY_MULTI_AZ" => Some(DeploymentMode::ActiveStandbyMultiAz),
        "CLUSTER_MULTI_AZ" => Some(DeploymentMode::ClusterMultiAz),
        _ => None,
    };
    match (engine, mode) {
        (Engine::ActiveMq, Some(m)) if m != DeploymentMode::ClusterMultiAz => Ok(m),
        (Engine::RabbitMq, Some(m)) if m != DeploymentMode::ActiveStandbyMultiAz => Ok(m),
        _ => {
            let valid = match engine {
                Engine::ActiveMq => "SINGLE_INSTANCE, ACTIVE_STANDBY_MULTI_AZ",
                Engine::RabbitMq => "SINGLE_INSTANCE, CLUSTER_MULTI_AZ",
            };
            Err(bad_request(
                "deploymentMode",
                format!(
                    "Deployment mode [{s}] is not supported for engine type {}. Valid values are [{valid}].",
                    engine.as_str().to_ascii_uppercase()
                ),
            ))
        }
    }
}

/// An instance type the engine and deployment mode run on (aws-rules §7.3, §7.6): micro
/// instances are single-instance only.
fn check_instance_type(
    t: &InstanceType,
    engine: Engine,
    mode: DeploymentMode,
    version: (u32, u32),
) -> Result<(), AwsError> {
    let attr = "hostInstanceType";
    if !t.supported_by(engine) {
        return Err(bad_request(
            attr,
            format!(
                "Broker instance type [{}] is not supported for engine type {}.",
                t.0,
                engine.as_str().to_ascii_uppercase()
            ),
        ));
    }
    if t.is_micro() && mode != DeploymentMode::SingleInstance {
        return Err(bad_request(
            attr,
            format!(
                "Broker instance type [{}] supports only the SINGLE_INSTANCE deployment mode.",
                t.0
            ),
        ));
    }
    if engine == Engine::RabbitMq && version.0 >= 4 && t.family() != "m7g" {
        return Err(bad_request(
            attr,
            format!(
                "RabbitMQ {}.{} runs only on mq.m7g instance types, not [{}].",
                version.0, version.1, t.0
            ),
        ));
    }
    Ok(())
}

/// The engine versions accepted: ActiveMQ 5.x and 6.x, RabbitMQ 3.x and 4.x; the default is
/// the newest one the instance runs (mqlab's list, UNCONFIRMED against the current one).
fn check_version(v: Option<&str>, engine: Engine, t: &InstanceType) -> Result<String, AwsError> {
    let default = match engine {
        Engine::ActiveMq => "5.18",
        Engine::RabbitMq if t.family() == "m7g" => "4.2",
        Engine::RabbitMq => "3.13",
    };
    let v = v.unwrap_or(default);
    let ok = matches!(
        (engine, super::version_numbers(v)),
        (Engine::ActiveMq, Some((5 | 6, _))) | (Engine::RabbitMq, Some((3 | 4, _)))
    );
    if !ok {
        return Err(bad_request(
            "engineVersion",
            format!(
                "Broker engine version [{v}] is not supported for engine type {}.",
                engine.as_str().to_ascii_uppercase()
            ),
        ));
    }
    Ok(v.to_string())
}

fn check_window(w: &WeeklyStartTimeInput) -> Result<WeeklyStartTime, AwsError> {
    let attr = "maintenanceWindowStartTime";
    let day = required(&w.day_of_week, "DayOfWeek")?;
    let day = DAYS
        .iter()
        .position(|d| d == day)
        .ok_or_else(|| bad_request(attr, format!("Day of week [{day}] is invalid.")))?;
    let tod = required(&w.time_of_day, "TimeOfDay")?;
    let minute = tod
        .split_once(':')
        .and_then(|(h, m)| {
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60 && tod.len() == 5).then_some(h * 60 + m)
        })
        .ok_or_else(|| {
            bad_request(
                attr,
                format!("Time of day [{tod}] is invalid. Use the format HH:MM."),
            )
        })?;
    if let Some(tz) = &w.time_zone {
        if tz != "UTC" {
            return Err(bad_request(
                attr,
                format!("Time zone [{tz}] is not simulated: mqlab takes UTC only."),
            ));
        }
    }
    Ok(WeeklyStartTime {
        day: day as u8,
        minute_of_day: minute,
    })
}

fn check_users(users: &[UserInput], engine: Engine) -> Result<Vec<String>, AwsError> {
    let attr = "users";
    match engine {
        Engine::RabbitMq if users.len() != 1 => {
            return Err(bad_request(
                attr,
                "RabbitMQ brokers take one and only one administrative user at creation.",
            ))
        }
        Engine::ActiveMq if users.is_empty() || users.len() > ACTIVEMQ_USERS_MAX => {
            return Err(bad_request(
                attr,
                format!("ActiveMQ brokers take 1 to {ACTIVEMQ_USERS_MAX} users."),
            ))
        }
        _ => {}
    }
    let mut names = Vec::new();
    for u in users {
        let name = required(&u.username, "Username")?;
        let ok_char = |c: char| {
            c.is_ascii_alphanumeric()
                || "-._".contains(c)
                || (c == '~' && engine == Engine::ActiveMq)
        };
        if !(2..=100).contains(&name.len()) || !name.chars().all(ok_char) || name == "guest" {
            return Err(bad_request(
                "username",
                format!(
                    "Username [{name}] is invalid: 2-100 characters, letters, digits, dashes, periods, underscores{}.",
                    if engine == Engine::ActiveMq { " and tildes" } else { " (not guest)" }
                ),
            ));
        }
        let pw = required(&u.password, "Password")?;
        let mut distinct: Vec<char> = pw.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if pw.chars().count() < 12 || distinct.len() < 4 || pw.contains([',', ':', '=']) {
            return Err(bad_request(
                "password",
                "The password must be at least 12 characters long, contain at least 4 unique characters, and must not contain commas, colons, or equal signs (,:=).",
            ));
        }
        if names.contains(name) {
            return Err(bad_request(
                "username",
                format!("Username [{name}] is repeated."),
            ));
        }
        names.push(name.clone());
    }
    Ok(names)
}

fn check_auto_minor(auto: bool, engine: Engine, version: (u32, u32)) -> Result<(), AwsError> {
    let needs = match engine {
        Engine::ActiveMq => version >= (5, 18),
        Engine::RabbitMq => version >= (3, 13),
    };
    if needs && !auto {
        return Err(bad_request(
            "autoMinorVersionUpgrade",
            "AutoMinorVersionUpgrade must be true for ActiveMQ brokers version 5.18 and above and for RabbitMQ brokers version 3.13 and above.",
        ));
    }
    Ok(())
}

impl Mq {
    /// CreateBroker: validated as AWS does (aws-rules §7.6), CREATION_IN_PROGRESS for
    /// [`CREATION_MS`]. Answers (BrokerId, BrokerArn).
    pub fn create_broker(
        &mut self,
        ctx: &mut Ctx,
        input: &CreateBrokerInput,
    ) -> Result<(String, String), AwsError> {
        let name = required(&input.broker_name, "BrokerName")?;
        let engine = parse_engine(required(&input.engine_type, "EngineType")?)?;
        let mode = parse_mode(required(&input.deployment_mode, "DeploymentMode")?, engine)?;
        let itype = InstanceType(required(&input.host_instance_type, "HostInstanceType")?.clone());
        let public = *required(&input.publicly_accessible, "PubliclyAccessible")?;
        let users = check_users(required(&input.users, "Users")?, engine)?;
        if name.is_empty()
            || name.len() > 50
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(bad_request(
                "brokerName",
                format!("Broker name [{name}] is invalid: 1-50 characters, letters, numbers, dashes and underscores only."),
            ));
        }
        let version = check_version(input.engine_version.as_deref(), engine, &itype)?;
        let numbers = super::version_numbers(&version).unwrap_or((0, 0));
        check_instance_type(&itype, engine, mode, numbers)?;
        let storage = match (input.storage_type.as_deref(), engine) {
            (None, Engine::ActiveMq) => StorageType::Efs,
            (None | Some("EBS"), _) => StorageType::Ebs,
            (Some("EFS"), Engine::ActiveMq) => StorageType::Efs,
            (Some("EFS"), Engine::RabbitMq) => {
                return Err(bad_request(
                    "storageType",
                    "EFS is not supported for RabbitMQ engine type.",
                ))
            }
            (Some(s), _) => {
                return Err(bad_request(
                    "storageType",
                    format!("Storage type [{s}] is invalid. Valid values are [EBS, EFS]."),
                ))
            }
        };
        if engine == Engine::ActiveMq && storage == StorageType::Ebs {
            if itype.family() != "m5" {
                return Err(bad_request(
                    "storageType",
                    format!(
                        "EBS storage requires an mq.m5 instance type, not [{}].",
                        itype.0
                    ),
                ));
            }
            if mode != DeploymentMode::SingleInstance {
                return Err(bad_request(
                    "storageType",
                    "EBS storage is single-AZ: ACTIVE_STANDBY_MULTI_AZ brokers need EFS.",
                ));
            }
        }
        let auto = input.auto_minor_version_upgrade.unwrap_or(true);
        check_auto_minor(auto, engine, numbers)?;
        let maintenance = match &input.maintenance_window_start_time {
            Some(w) => check_window(w)?,
            // AWS picks a window when none is given; mqlab picks Sunday 03:00 UTC.
            None => WeeklyStartTime {
                day: 6,
                minute_of_day: 3 * 60,
            },
        };
        if let Some(other) = self.brokers.values().find(|b| &b.name == name) {
            return Err(AwsError::new(
                "ConflictException",
                format!(
                    "Broker name [{name}] is already in use by broker [{}]. (ErrorAttribute: brokerName)",
                    other.id
                ),
            ));
        }
        if self.brokers.len() >= BROKERS_MAX {
            return Err(bad_request(
                "brokerName",
                format!("You have reached the limit of {BROKERS_MAX} brokers in this Region."),
            ));
        }
        let id = format!("b-{}", ctx.rng.uuid());
        let broker_arn = arn("mq", &format!("broker:{name}:{id}"));
        let broker = Broker {
            id: id.clone(),
            arn: broker_arn.clone(),
            name: name.clone(),
            engine,
            engine_version: version,
            pending_engine_version: None,
            deployment_mode: mode,
            instance_type: itype,
            pending_instance_type: None,
            storage,
            publicly_accessible: public,
            auto_minor_version_upgrade: auto,
            users,
            maintenance,
            maintenance_at: 0,
            window_changes: 0,
            security_groups: input.security_groups.clone().unwrap_or_default(),
            subnet_ids: input.subnet_ids.clone().unwrap_or_default(),
            tags: input
                .tags
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            state: BrokerState::CreationInProgress,
            created_at: ctx.now,
            instances: vec![Instance { up: false }; mode.instances()],
            active: 0,
            plane: Default::default(),
        };
        set_state(ctx, &broker, BrokerState::CreationInProgress, None);
        self.brokers.insert(id.clone(), broker);
        self.order.push(id.clone());
        ctx.timers
            .schedule(ctx.now + CREATION_MS, MqTimer::Created(id.clone()));
        Ok((id, broker_arn))
    }

    /// CreateBroker for a scenario: RUNNING at once (as a scenario's queues and streams exist
    /// from the start; aws-rules §7.12). The creation timer then finds it running and does
    /// nothing.
    pub fn create_broker_running(
        &mut self,
        ctx: &mut Ctx,
        input: &CreateBrokerInput,
    ) -> Result<(String, String), AwsError> {
        let (id, arn) = self.create_broker(ctx, input)?;
        self.on_timer(ctx, MqTimer::Created(id.clone()));
        Ok((id, arn))
    }

    fn existing(&mut self, id: Option<&String>) -> Result<&mut Broker, AwsError> {
        let id =
            id.ok_or_else(|| bad_request("broker-id", "The parameter BrokerId is required."))?;
        match self.brokers.get_mut(id.as_str()) {
            Some(b) => Ok(b),
            None => Err(broker_not_found(id)),
        }
    }

    /// RebootBroker: RUNNING brokers only. A single instance is down for [`REBOOT_MS`]; an
    /// active/standby pair fails over to the standby; a cluster restarts node by node,
    /// keeping two of three up (aws-rules §7.9). Pending changes apply.
    pub fn reboot_broker(&mut self, ctx: &mut Ctx, id: Option<&String>) -> Result<(), AwsError> {
        let b = self.existing(id)?;
        if b.state != BrokerState::Running {
            return Err(bad_request(
                "broker-id",
                format!(
                    "Broker [{}] is in state {} and cannot be rebooted now.",
                    b.id,
                    b.state.as_str()
                ),
            ));
        }
        restart(ctx, b, "reboot");
        Ok(())
    }

    /// UpdateBroker: a new HostInstanceType or EngineVersion waits, pending, for the next
    /// reboot or maintenance window; the window and AutoMinorVersionUpgrade change at once
    /// (aws-rules §7.6).
    pub fn update_broker(
        &mut self,
        ctx: &mut Ctx,
        input: &UpdateBrokerInput,
    ) -> Result<String, AwsError> {
        let b = self.existing(input.broker_id.as_ref())?;
        if matches!(
            b.state,
            BrokerState::CreationInProgress | BrokerState::DeletionInProgress
        ) {
            return Err(AwsError::new(
                "ConflictException",
                format!(
                    "Broker [{}] is in state {} and cannot be updated now. (ErrorAttribute: broker-id)",
                    b.id,
                    b.state.as_str()
                ),
            ));
        }
        let version = match &input.engine_version {
            Some(v) => check_version(Some(v), b.engine, &b.instance_type)?,
            None => b
                .pending_engine_version
                .clone()
                .unwrap_or(b.engine_version.clone()),
        };
        let numbers = super::version_numbers(&version).unwrap_or((0, 0));
        let itype = match &input.host_instance_type {
            Some(t) => InstanceType(t.clone()),
            None => b
                .pending_instance_type
                .clone()
                .unwrap_or(b.instance_type.clone()),
        };
        check_instance_type(&itype, b.engine, b.deployment_mode, numbers)?;
        if b.engine == Engine::RabbitMq && itype.is_micro() && !b.instance_type.is_micro() {
            return Err(bad_request(
                "hostInstanceType",
                format!("Broker [{}] cannot be downgraded to [{}].", b.id, itype.0),
            ));
        }
        if b.storage == StorageType::Ebs && b.engine == Engine::ActiveMq && itype.family() != "m5" {
            return Err(bad_request(
                "hostInstanceType",
                format!(
                    "EBS storage requires an mq.m5 instance type, not [{}].",
                    itype.0
                ),
            ));
        }
        let auto = input
            .auto_minor_version_upgrade
            .unwrap_or(b.auto_minor_version_upgrade);
        check_auto_minor(auto, b.engine, numbers)?;
        let window = match &input.maintenance_window_start_time {
            Some(w) => {
                if b.window_changes >= WINDOW_CHANGES_MAX {
                    return Err(bad_request(
                        "maintenanceWindowStartTime",
                        format!("The maintenance window can be changed at most {WINDOW_CHANGES_MAX} times before the next scheduled window."),
                    ));
                }
                Some(check_window(w)?)
            }
            None => None,
        };
        b.auto_minor_version_upgrade = auto;
        if input.host_instance_type.is_some() {
            b.pending_instance_type = (itype != b.instance_type).then_some(itype);
        }
        if input.engine_version.is_some() {
            b.pending_engine_version = (version != b.engine_version).then_some(version);
        }
        if let Some(w) = window {
            b.maintenance = w;
            b.window_changes += 1;
            schedule_maintenance(ctx, b);
        }
        if let Some(sg) = &input.security_groups {
            b.security_groups = sg.clone();
        }
        Ok(b.id.clone())
    }

    /// DeleteBroker: DELETION_IN_PROGRESS, then gone after [`DELETION_MS`]; its connections
    /// close.
    pub fn delete_broker(
        &mut self,
        ctx: &mut Ctx,
        id: Option<&String>,
    ) -> Result<String, AwsError> {
        let b = self.existing(id)?;
        if b.state == BrokerState::DeletionInProgress {
            return Err(AwsError::new(
                "ConflictException",
                format!(
                    "Broker [{}] is already being deleted. (ErrorAttribute: broker-id)",
                    b.id
                ),
            ));
        }
        for i in 0..b.instances.len() {
            b.instance_down(ctx, i, "deletion");
        }
        b.state = BrokerState::DeletionInProgress;
        set_state(ctx, b, BrokerState::DeletionInProgress, None);
        let id = b.id.clone();
        ctx.timers
            .schedule(ctx.now + DELETION_MS, MqTimer::Deleted(id.clone()));
        Ok(id)
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: MqTimer) {
        self.on_service_timer(ctx, timer);
        if !self.clients.is_empty() {
            self.poll_client_deliveries(ctx);
        }
    }

    fn on_service_timer(&mut self, ctx: &mut Ctx, timer: MqTimer) {
        let id = match &timer {
            MqTimer::Client(t) => return self.on_client_timer(ctx, t.clone()),
            MqTimer::Created(id)
            | MqTimer::Deleted(id)
            | MqTimer::InstanceUp(id, _)
            | MqTimer::InstanceDown(id, _)
            | MqTimer::Failover(id)
            | MqTimer::RebootDone(id)
            | MqTimer::Maintenance(id) => id.clone(),
        };
        if let MqTimer::Deleted(_) = timer {
            if let Some(b) = self.brokers.remove(&id) {
                self.retire(&b, ctx.now);
                self.order.retain(|o| o != &id);
                ctx.events.push(ctx.now, || EventKind::BrokerStateChanged {
                    broker: b.name.clone(),
                    state: "DELETED".into(),
                    reason: None,
                });
            }
            return;
        }
        let Some(b) = self.brokers.get_mut(&id) else {
            return;
        };
        if b.state == BrokerState::DeletionInProgress {
            return;
        }
        match timer {
            MqTimer::Created(_) if b.state != BrokerState::CreationInProgress => {}
            MqTimer::Created(_) => {
                b.state = BrokerState::Running;
                for i in 0..b.instances.len() {
                    b.instances[i].up = true;
                    let role = match b.deployment_mode {
                        DeploymentMode::ActiveStandbyMultiAz if i == 1 => "standby",
                        DeploymentMode::ClusterMultiAz => "up",
                        _ => "active",
                    };
                    instance_event(ctx, b, i, role, "created");
                }
                set_state(ctx, b, BrokerState::Running, None);
                schedule_maintenance(ctx, b);
            }
            MqTimer::InstanceUp(_, i) => b.instance_up(ctx, i, "restarted"),
            MqTimer::InstanceDown(_, i) => b.instance_down(ctx, i, "rolling restart"),
            MqTimer::Failover(_) => b.failover(ctx),
            MqTimer::RebootDone(_) => {
                if let Some(t) = b.pending_instance_type.take() {
                    b.instance_type = t;
                }
                if let Some(v) = b.pending_engine_version.take() {
                    b.engine_version = v;
                }
                b.state = BrokerState::Running;
                set_state(ctx, b, BrokerState::Running, None);
            }
            MqTimer::Maintenance(_) => {
                // Only the window in force fires (a changed window reschedules).
                if b.maintenance_at != ctx.now {
                    return;
                }
                b.window_changes = 0;
                schedule_maintenance(ctx, b);
                if b.state == BrokerState::Running {
                    restart(ctx, b, "maintenance");
                }
            }
            MqTimer::Deleted(_) | MqTimer::Client(_) => {}
        }
    }
}

/// The next maintenance window's timer (a broker being created gets one when it runs).
fn schedule_maintenance(ctx: &mut Ctx, b: &mut Broker) {
    if b.state == BrokerState::CreationInProgress {
        return;
    }
    b.maintenance_at = b.maintenance.next_after(ctx.now);
    ctx.timers
        .schedule(b.maintenance_at, MqTimer::Maintenance(b.id.clone()));
}

fn set_state(ctx: &mut Ctx, b: &Broker, state: BrokerState, reason: Option<&str>) {
    ctx.events.push(ctx.now, || EventKind::BrokerStateChanged {
        broker: b.name.clone(),
        state: state.as_str().to_string(),
        reason: reason.map(str::to_string),
    });
}

/// A reboot or a maintenance window: REBOOT_IN_PROGRESS while instances restart (per mode,
/// aws-rules §7.9), then RUNNING with the pending changes applied.
fn restart(ctx: &mut Ctx, b: &mut Broker, reason: &str) {
    b.state = BrokerState::RebootInProgress;
    set_state(ctx, b, BrokerState::RebootInProgress, Some(reason));
    let id = b.id.clone();
    let done = match b.deployment_mode {
        DeploymentMode::ClusterMultiAz => {
            let n = b.instances.len() as u64;
            for i in 0..b.instances.len() {
                let start = ctx.now + i as u64 * REBOOT_MS;
                if i > 0 {
                    ctx.timers
                        .schedule(start, MqTimer::InstanceDown(id.clone(), i));
                }
                ctx.timers
                    .schedule(start + REBOOT_MS, MqTimer::InstanceUp(id.clone(), i));
            }
            b.instance_down(ctx, 0, reason);
            ctx.now + n * REBOOT_MS
        }
        _ => {
            let active = b.active;
            b.instance_down(ctx, active, reason);
            ctx.timers
                .schedule(ctx.now + REBOOT_MS, MqTimer::InstanceUp(id.clone(), active));
            ctx.now + REBOOT_MS
        }
    };
    ctx.timers.schedule(done, MqTimer::RebootDone(id));
}
