//! The driver of one run: the engine world (in a [`Sim`]), the view model folded from its
//! events, the user's edits on a timeline, and snapshots for seeking back.
//!
//! Everything the page does to a run goes through here, in virtual time:
//!
//! - [`Lab::run_to`] advances to a target, stopping on the way at each chart sample, each
//!   recorded edit and each snapshot instant, so the result is the same however frames cut it.
//! - [`Lab::edit`] changes a queue attribute (through SetQueueAttributes, so AWS's own checks
//!   and messages apply), a producer or a consumer group, or makes a call (a redrive). Edits
//!   are recorded with their time, so seeking back and playing again replays them.
//! - [`Lab::seek`] restores the latest snapshot at or before the target and runs forward.

use crate::course::check::{Check, Watch};
pub use crate::edits::{Edit, EDITS_MAX};
use crate::sim::Sim;
use crate::view::ViewModel;
use mqlab_engine::ordmap::btree_map_from;
use mqlab_engine::{AwsError, Scenario, SimTime, World};
use serde_json::Value;
use std::collections::BTreeMap;

/// The first snapshot interval, virtual ms. When [`SNAPSHOTS_MAX`] are kept, every other one
/// goes and the interval doubles, so a long run keeps snapshots spread over its whole length.
pub const SNAPSHOT_EVERY_MS_FIRST: SimTime = 15_000;
/// Snapshots kept (each is a clone of the world and the view).
pub const SNAPSHOTS_MAX: usize = 24;
/// What one run may hold on the page, bytes: the live world and view, and the snapshots kept
/// for seeking back. A phone or a school laptop gives a tab far less than the browser's 4 GiB
/// WebAssembly limit; 300 MB leaves the page responsive there.
pub const MEMORY_BUDGET_BYTES: u64 = 300 * 1024 * 1024;
/// Snapshots may hold this share of the budget (percent); past it, every other one goes (the
/// seek bar still reaches every instant, by replaying from an earlier one, only slower).
const SNAPSHOTS_SHARE_PCT: u64 = 20;
/// The live world and view may hold this share (percent); past it the run stops with a
/// message, before the tab runs out of memory.
const LIVE_SHARE_PCT: u64 = 60;
/// After a stop and a change that lets the run go on, the live share may reach this (percent)
/// before the run stops again.
const LIVE_SHARE_HARD_PCT: u64 = 80;
/// Snapshots are thinned towards this many (the start, and one on the way); the one at 0
/// always stays.
const SNAPSHOTS_KEPT_MIN: usize = 2;

#[derive(Clone)]
struct Snapshot {
    t_ms: SimTime,
    sim: Sim,
    vm: ViewModel,
    edits_applied: usize,
    watch: Option<Watch>,
    /// What keeping it costs, bytes: what it does not share with the live run.
    cost_bytes: u64,
}

/// Why a run stopped before the time it was asked to reach: it would hold more than its
/// memory budget. The page shows it with what to change; the run and its edits are kept.
#[derive(Clone, Debug, PartialEq)]
pub struct MemoryStop {
    pub at_ms: SimTime,
    /// What the live world and view hold, bytes (the engine's own estimate).
    pub held_bytes: u64,
    /// What the live run may hold, bytes (its share of the budget).
    pub limit_bytes: u64,
    /// What the snapshots for seeking back hold, bytes.
    pub snapshot_bytes: u64,
    pub budget_bytes: u64,
    /// Messages waiting or in flight, and stream records retained, when it stopped: what to
    /// lower (the rate, the retention, the duration).
    pub messages: u64,
    pub records: u64,
}

#[derive(Clone)]
pub struct Lab {
    /// The scenario with the user's edits folded in (what an export carries).
    pub scenario: Scenario,
    /// The scenario the run started from: with `edits`, what a link carries. When more than
    /// [`EDITS_MAX`] edits are made, the oldest is folded into it (from then on a link
    /// applies it from the start rather than at its time).
    base: Scenario,
    pub preset: Option<String>,
    sim: Sim,
    pub vm: ViewModel,
    edits: Vec<(SimTime, Edit)>,
    edits_applied: usize,
    snapshots: Vec<Snapshot>,
    snapshot_every_ms: SimTime,
    next_snapshot_ms: SimTime,
    /// The latest virtual time this run has reached (the end of the seek bar).
    pub horizon_ms: SimTime,
    /// Bytes the run may hold ([`MEMORY_BUDGET_BYTES`] on the page).
    memory_budget_bytes: u64,
    /// Set when the run stopped at its memory budget; cleared by an edit or a seek back.
    pub memory_stop: Option<MemoryStop>,
    /// What the live run held when an edit let a stopped run go on.
    memory_resumed_at_bytes: Option<u64>,
    /// A lesson's checkpoint watching the run: fed its events, evaluated at every sample.
    watch: Option<Watch>,
}

impl Lab {
    pub fn new(scenario: Scenario, preset: Option<String>) -> Result<Lab, String> {
        let sim = Sim::from_scenario(&scenario)?;
        let vm = ViewModel::new(sim.world());
        let mut lab = Lab {
            base: scenario.clone(),
            scenario,
            preset,
            sim,
            vm,
            edits: Vec::new(),
            edits_applied: 0,
            snapshots: Vec::new(),
            snapshot_every_ms: SNAPSHOT_EVERY_MS_FIRST,
            next_snapshot_ms: 0,
            horizon_ms: 0,
            memory_budget_bytes: MEMORY_BUDGET_BYTES,
            memory_stop: None,
            memory_resumed_at_bytes: None,
            watch: None,
        };
        lab.run_to(0);
        Ok(lab)
    }

    /// A run of `base` with `edits` applied at their times as it goes (a link, the
    /// autosave). Edits are applied as the run reaches them; the scenario an export carries
    /// has them all folded in.
    pub fn with_edits(
        base: Scenario,
        edits: Vec<(SimTime, Edit)>,
        preset: Option<String>,
    ) -> Result<Lab, String> {
        let mut lab = Lab::new(base, preset)?;
        for (_, edit) in &edits {
            edit.fold_into(&mut lab.scenario);
        }
        lab.edits = edits;
        // Edits at t = 0 apply before anything else happens, as they did when made.
        lab.run_to(0);
        Ok(lab)
    }

    /// How many of the timeline's edits the run has applied so far (changes with every edit
    /// and with a seek across one).
    pub fn edits_applied(&self) -> usize {
        self.edits_applied
    }

    /// The run's timeline: the scenario it started from and the edits made since.
    pub fn timeline(&self) -> (&Scenario, &[(SimTime, Edit)]) {
        (&self.base, &self.edits)
    }

    /// A run of scenario JSON (a preset, a file). Read the way an imported file is, so the
    /// error names the field at fault (and the bundle carries one scenario reader, not two).
    pub fn from_json(json: &str, preset: Option<String>) -> Result<Lab, String> {
        let scenario = crate::share::import_json(json).map_err(|e| e.to_string())?;
        Lab::new(scenario, preset)
    }

    /// The same scenario from the start (with the edits folded in), with its seed or another.
    pub fn restart(&self, seed: Option<u64>) -> Result<Lab, String> {
        let mut scenario = self.scenario.clone();
        if let Some(seed) = seed {
            scenario.seed = seed;
        }
        Lab::new(scenario, self.preset.clone())
    }

    pub fn now(&self) -> SimTime {
        self.sim.world().now()
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    pub fn world(&self) -> &World {
        self.sim.world()
    }

    /// Advances to virtual time `t` (never backwards: see [`Lab::seek`]).
    pub fn run_to(&mut self, t: SimTime) {
        loop {
            if self.memory_stop.is_some() {
                break;
            }
            let now = self.now();
            let next_edit = self
                .edits
                .get(self.edits_applied)
                .map(|&(at, _)| at)
                .filter(|&at| at <= t);
            let stop = [
                Some(t),
                next_edit,
                Some(self.vm.next_sample_at()),
                Some(self.next_snapshot_ms),
            ]
            .into_iter()
            .flatten()
            .filter(|&s| s >= now)
            .min()
            .unwrap_or(t)
            .min(t);
            let events = self.sim.advance_to_events(stop);
            self.observe(&events);
            while let Some((at, edit)) = self.edits.get(self.edits_applied).cloned() {
                if at > stop {
                    break;
                }
                // A recorded edit succeeded when it was made; replayed at the same instant of
                // the same run, it does again.
                let _ = self.apply_edit(&edit);
                self.edits_applied += 1;
                // What it set off at this instant (a burst sent now) happens before the next
                // edit, as it did when the edits were made one by one.
                let events = self.sim.advance_to_events(stop);
                self.observe(&events);
            }
            if stop >= self.vm.next_sample_at() {
                self.vm.sample(self.sim.world());
                if let Some(w) = &mut self.watch {
                    w.evaluate(self.sim.world());
                }
                self.check_memory();
            }
            if stop >= self.next_snapshot_ms {
                self.take_snapshot();
            }
            if stop >= t {
                break;
            }
        }
        self.vm.sync(self.sim.world());
        self.horizon_ms = self.horizon_ms.max(self.now());
    }

    /// Folds events into the view and shows them to the checkpoint, if one watches.
    fn observe(&mut self, events: &[mqlab_engine::Event]) {
        self.vm.apply(events);
        if let Some(w) = &mut self.watch {
            w.observe(events);
        }
    }

    /// Sets (or removes) the checkpoint that watches the run from now on.
    pub fn set_watch(&mut self, check: Option<Check>) {
        self.watch = check.map(|c| Watch::new(c, self.now()));
    }

    pub fn watch(&self) -> Option<&Watch> {
        self.watch.as_ref()
    }

    /// One animation frame: `real_ms` of wall-clock time at `speed` virtual ms per real ms.
    pub fn frame(&mut self, real_ms: f64, speed: f64) {
        let t = self.sim.target_after_real(real_ms, speed);
        self.run_to(t);
    }

    /// Runs to the next instant anything is scheduled; false if nothing is.
    pub fn step(&mut self) -> bool {
        match self.sim.world().next_timer_at() {
            Some(at) => {
                self.run_to(at);
                true
            }
            None => false,
        }
    }

    /// Goes to virtual time `t`: forwards by running, backwards by restoring the latest
    /// snapshot at or before `t` and running forward again (the same run, event for event).
    pub fn seek(&mut self, t: SimTime) {
        let now = self.now();
        let snap = self.snapshots.iter().rev().find(|s| s.t_ms <= t);
        // Forwards, a snapshot between now and the target saves replaying up to it (the run
        // replays the same way, so it is still valid).
        if let Some(snap) = snap.filter(|s| t < now || s.t_ms > now).cloned() {
            let (transient_ms, t_snap) = (self.vm.transient_ms, snap.t_ms);
            self.sim = snap.sim;
            self.vm = snap.vm;
            self.vm.set_transient_ms(transient_ms);
            self.edits_applied = snap.edits_applied;
            // A checkpoint set after the snapshot watches again from there.
            self.watch = match (snap.watch, self.watch.take()) {
                (Some(w), _) => Some(w),
                (None, Some(w)) => Some(Watch::new(w.check, t_snap)),
                (None, None) => None,
            };
            self.next_snapshot_ms = self.next_snapshot_after(t_snap);
            // Back at an earlier instant the run holds what it held then.
            self.memory_stop = None;
            self.memory_resumed_at_bytes = None;
        }
        self.run_to(t.max(self.now()));
    }

    fn next_snapshot_after(&self, t: SimTime) -> SimTime {
        (t / self.snapshot_every_ms + 1) * self.snapshot_every_ms
    }

    fn take_snapshot(&mut self) {
        let t = self.now();
        let snap = Snapshot {
            t_ms: t,
            sim: self.sim.clone(),
            vm: self.vm.clone(),
            edits_applied: self.edits_applied,
            watch: self.watch.clone(),
            cost_bytes: self.sim.world().snapshot_cost_estimate().total() + self.vm.approx_bytes(),
        };
        match self.snapshots.binary_search_by_key(&t, |s| s.t_ms) {
            Ok(i) => self.snapshots[i] = snap,
            Err(i) => self.snapshots.insert(i, snap),
        }
        self.thin_snapshots();
        self.next_snapshot_ms = self.next_snapshot_after(t);
    }

    /// Drops every other snapshot (doubling the interval) while more than [`SNAPSHOTS_MAX`]
    /// are kept or they hold more than their share of the budget. The one at 0 always stays.
    fn thin_snapshots(&mut self) {
        let snapshots_max_bytes = self.memory_budget_bytes / 100 * SNAPSHOTS_SHARE_PCT;
        while self.snapshots.len() > SNAPSHOTS_MAX
            || (self.snapshots.len() > SNAPSHOTS_KEPT_MIN
                && self.snapshot_bytes() > snapshots_max_bytes)
        {
            let every = self.snapshot_every_ms * 2;
            self.snapshots.retain(|s| s.t_ms % every == 0);
            self.snapshot_every_ms = every;
        }
    }

    /// A snapshot is cheap while it shares its messages and records with the live run; once
    /// the run lets them go (a purge, retention, a shard's cap), the snapshot is their only
    /// holder. Recounted at every check: at least what it holds beyond the live world.
    fn recount_snapshots(&mut self) {
        let live = self.sim.world();
        for s in &mut self.snapshots {
            let own = s.sim.world().bytes_not_shared_with(live);
            s.cost_bytes = s.cost_bytes.max(own + s.vm.approx_bytes());
        }
    }

    /// What the snapshots kept for seeking back hold, bytes (estimated).
    pub fn snapshot_bytes(&self) -> u64 {
        self.snapshots.iter().map(|s| s.cost_bytes).sum()
    }

    /// What the live run holds, bytes: the engine's estimate of its world plus the view.
    pub fn live_bytes(&self) -> u64 {
        self.sim.world().memory_estimate().total() + self.vm.approx_bytes()
    }

    /// Sets the budget (the page uses [`MEMORY_BUDGET_BYTES`]; tests and the command line
    /// choose theirs).
    pub fn set_memory_budget(&mut self, bytes: u64) {
        self.memory_budget_bytes = bytes;
    }

    /// Stops the run (see [`MemoryStop`]) when the live world and view hold more than their
    /// share of the budget. Checked at every chart sample, so a fast run stops within one.
    fn check_memory(&mut self) {
        self.recount_snapshots();
        self.thin_snapshots();
        let held_bytes = self.live_bytes();
        let limit = self.memory_budget_bytes / 100 * LIVE_SHARE_PCT;
        // After a stop the user changed something (fewer producers, more consumers) that
        // slows the growth without freeing what is held: let the run go on until it grows a
        // tenth more, never past the hard share.
        let limit = match self.memory_resumed_at_bytes {
            Some(at) => (at + at / 10)
                .max(limit)
                .min(self.memory_budget_bytes / 100 * LIVE_SHARE_HARD_PCT),
            None => limit,
        };
        if held_bytes <= limit {
            return;
        }
        let (messages, records) = self.sim.world().messages_and_records_held();
        self.memory_stop = Some(MemoryStop {
            at_ms: self.now(),
            held_bytes,
            limit_bytes: limit,
            snapshot_bytes: self.snapshot_bytes(),
            budget_bytes: self.memory_budget_bytes,
            messages,
            records,
        });
    }

    /// Applies a change now and records it; refused changes (AWS's error, or a setting out of
    /// range) change nothing and come back as the message to show next to the field.
    pub fn edit(&mut self, edit: Edit) -> Result<(), String> {
        let now = self.now();
        let result = self.apply_edit(&edit);
        let params = self.request_of(&edit);
        let op = edit.operation().to_string();
        if !op.is_empty() {
            let queue = match &edit {
                Edit::QueueAttribute { queue, .. } => Some(queue.clone()),
                _ => None,
            };
            let code = result.as_ref().err().map(|e| e.code.clone());
            self.vm.log_call(now, &op, queue.as_deref(), params, code);
        }
        let result = result.map_err(|e| e.message);
        if result.is_ok() {
            // A change (a lower retention, a purge, fewer producers) may be what lets the run
            // go on: it is checked again at the next sample.
            if self.memory_stop.take().is_some() {
                self.memory_resumed_at_bytes = Some(self.live_bytes());
            }
            // A new branch of the run: what was recorded after now no longer happens.
            self.edits.truncate(self.edits_applied);
            self.edits.retain(|&(at, _)| at <= now);
            self.snapshots.retain(|s| s.t_ms <= now);
            self.horizon_ms = now;
            edit.fold_into(&mut self.scenario);
            self.edits.push((now, edit));
            self.edits_applied = self.edits.len();
            if self.edits.len() > EDITS_MAX {
                let (_, oldest) = self.edits.remove(0);
                oldest.fold_into(&mut self.base);
                self.edits_applied -= 1;
                for s in &mut self.snapshots {
                    s.edits_applied = s.edits_applied.saturating_sub(1);
                }
            }
        }
        let events = self.sim.drain();
        self.observe(&events);
        // What the edit set off at this instant (a burst sent now) happens now, paused or
        // not, as it does when the edit is replayed.
        self.run_to(now);
        result
    }

    /// The AWS request an edit makes (a subscription is named by its ARN in this run).
    fn request_of(&self, edit: &Edit) -> Value {
        let mut params = edit.params();
        if let Edit::SubscriptionAttribute {
            topic,
            protocol,
            endpoint,
            ..
        } = edit
        {
            let arn = self
                .world()
                .sns()
                .subscriptions()
                .find(|s| {
                    s.topic_arn.rsplit(':').next() == Some(topic.as_str())
                        && &s.protocol == protocol
                        && &s.endpoint == endpoint
                })
                .map(|s| s.arn.clone());
            params["SubscriptionArn"] = arn.map_or(Value::Null, Value::String);
        }
        params
    }

    fn apply_edit(&mut self, edit: &Edit) -> Result<(), EditError> {
        let params = self.request_of(edit);
        let world = self.sim.world_mut();
        match edit {
            Edit::EndpointBehaviour {
                protocol,
                endpoint,
                behaviour,
            } => world
                .with_sns(|sns, _| {
                    sns.set_endpoint_behaviour(protocol, endpoint, behaviour.clone())
                })
                .map_err(EditError::setting),
            Edit::SubscriptionAttribute { .. } => {
                use mqlab_engine::sns::api::SetSubscriptionAttributesInput;
                let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_string);
                let input = SetSubscriptionAttributesInput {
                    subscription_arn: text("SubscriptionArn"),
                    attribute_name: text("AttributeName"),
                    attribute_value: text("AttributeValue"),
                };
                world
                    .with_sns(|sns, ctx| sns.set_subscription_attributes(ctx, &input))
                    .map(|_| ())
                    .map_err(EditError::from)
            }
            Edit::QueueAttribute { .. } => call(world, "SetQueueAttributes", &params).map(|_| ()),
            Edit::Call { op, .. } => call(world, op, &params).map(|_| ()),
            Edit::Producer { index, spec } => world
                .with_actors(|a, ctx| a.set_producer(ctx, *index, spec.clone()))
                .map_err(EditError::setting),
            Edit::Consumer { index, spec } => world
                .with_actors(|a, ctx| a.set_consumer(ctx, *index, spec.clone()))
                .map_err(EditError::setting),
            // A reader of the same name is changed, a new name added (`Kcl::add`).
            Edit::StreamConsumer { spec, .. } => {
                world.add_stream_consumer(spec.clone());
                Ok(())
            }
        }
    }

    /// An SQS call answered at once, made on a copy of the world so that looking (the
    /// inspector's GetQueueAttributes) neither bills a request nor changes the run.
    pub fn peek_call(&self, op: &str, params: &Value) -> Result<Value, AwsError> {
        let mut world = self.sim.world().clone();
        world.set_event_recording(false);
        sqs_call(&mut world, op, params)
    }

    /// Snapshot instants kept, for tests and the seek bar.
    pub fn snapshot_times(&self) -> Vec<SimTime> {
        self.snapshots.iter().map(|s| s.t_ms).collect()
    }
}

/// Why an edit was refused: the AWS error code (or "" for an actor setting) and the message.
#[derive(Debug)]
struct EditError {
    code: String,
    message: String,
}

impl EditError {
    fn setting(message: String) -> EditError {
        EditError {
            code: "InvalidParameterValue".into(),
            message,
        }
    }
}

/// The SQS operations the page itself makes, through the engine's typed operations: the same
/// checks and AWS errors as `World::call`, without linking the JSON face of every operation
/// (and a deserializer per input) into the bundle. The page builds these requests itself, so
/// reading their members by name is enough.
pub fn sqs_call(world: &mut World, op: &str, params: &Value) -> Result<Value, AwsError> {
    use mqlab_engine::sqs::api::{
        CreateQueueInput, GetQueueAttributesInput, QueueUrlInput, SetQueueAttributesInput,
        StartMessageMoveTaskInput,
    };
    let text = |name: &str| params.get(name).and_then(Value::as_str).map(str::to_string);
    let queue_url = text("QueueUrl");
    match op {
        "SetQueueAttributes" => {
            let input = SetQueueAttributesInput {
                queue_url,
                attributes: string_map(params.get("Attributes")),
            };
            world.with_sqs(|sqs, ctx| sqs.set_queue_attributes(ctx, &input))
        }
        "GetQueueAttributes" => {
            let attribute_names = params
                .get("AttributeNames")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let input = GetQueueAttributesInput {
                queue_url,
                attribute_names,
            };
            world.with_sqs(|sqs, ctx| sqs.get_queue_attributes(ctx, &input))
        }
        "StartMessageMoveTask" => {
            let input = StartMessageMoveTaskInput {
                source_arn: text("SourceArn"),
                destination_arn: text("DestinationArn"),
                max_number_of_messages_per_second: params
                    .get("MaxNumberOfMessagesPerSecond")
                    .and_then(Value::as_i64),
            };
            world.with_sqs(|sqs, ctx| sqs.start_message_move_task(ctx, &input))
        }
        "PurgeQueue" => {
            let input = QueueUrlInput { queue_url };
            world.with_sqs(|sqs, ctx| sqs.purge_queue(ctx, &input))
        }
        "CreateQueue" => {
            let input = CreateQueueInput {
                queue_name: text("QueueName"),
                attributes: string_map(params.get("Attributes")),
                ..Default::default()
            };
            world.with_sqs(|sqs, ctx| sqs.create_queue(ctx, &input))
        }
        "UpdateShardCount" => {
            use mqlab_engine::kinesis::api::UpdateShardCountInput;
            let input = UpdateShardCountInput {
                stream_name: text("StreamName"),
                target_shard_count: params.get("TargetShardCount").and_then(Value::as_i64),
                scaling_type: text("ScalingType"),
                ..Default::default()
            };
            world
                .with_kinesis(|k, ctx| k.update_shard_count(ctx, &input))
                .map(|out| serde_json::to_value(out).unwrap_or_default())
        }
        "SplitShard" => {
            use mqlab_engine::kinesis::api::SplitShardInput;
            let input = SplitShardInput {
                stream_name: text("StreamName"),
                shard_to_split: text("ShardToSplit"),
                new_starting_hash_key: text("NewStartingHashKey"),
                ..Default::default()
            };
            world
                .with_kinesis(|k, ctx| k.split_shard(ctx, &input))
                .map(|()| Value::Object(Default::default()))
        }
        "UpdateStreamMode" => {
            use mqlab_engine::kinesis::api::{StreamModeDetails, UpdateStreamModeInput};
            let input = UpdateStreamModeInput {
                stream_arn: text("StreamARN"),
                stream_mode_details: params
                    .pointer("/StreamModeDetails/StreamMode")
                    .and_then(Value::as_str)
                    .map(|m| StreamModeDetails {
                        stream_mode: m.to_string(),
                    }),
            };
            world
                .with_kinesis(|k, ctx| k.update_stream_mode(ctx, &input))
                .map(|()| Value::Object(Default::default()))
        }
        other => Err(AwsError::new(
            "UnsupportedOperation",
            format!("{other} is not offered by the page."),
        )),
    }
}

/// An `Attributes` member as SQS reads it: every value as text.
fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    btree_map_from(
        v.and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                (k.clone(), v)
            }),
    )
}

impl From<AwsError> for EditError {
    fn from(e: AwsError) -> EditError {
        EditError {
            code: e.code.clone(),
            message: e.to_string(),
        }
    }
}

fn call(world: &mut World, op: &str, params: &Value) -> Result<Value, EditError> {
    // A group's or a mapping's setting changed in the full page: through the world's JSON
    // face of that service (the full page links it; the first download never gets here, as
    // it hands such runs over).
    if let Some(svc) = crate::edits::full_page_call_service(op) {
        if !crate::sim::FULL_PAGE {
            return Err(EditError {
                code: "UnsupportedOperation".into(),
                message: format!("{op} runs in the full page"),
            });
        }
        let id = world.call(svc, op, params);
        let mut done = world.take_completions();
        let i = done.iter().position(|c| c.call == id);
        return match i.map(|i| done.swap_remove(i).result) {
            Some(r) => r.map_err(EditError::from),
            None => Ok(Value::Null),
        };
    }
    sqs_call(world, op, params).map_err(EditError::from)
}
