//! Scenarios: the serde unit that declares queues, actors, parameters and seed. It is what a
//! shared link carries, what import/export reads and writes, and what lessons load.
//!
//! ```json
//! {
//!   "name": "decoupling", "seed": 42,
//!   "sqs": {"short_poll_sample_ratio": 0.75},
//!   "queues": [{"QueueName": "orders", "Attributes": {"VisibilityTimeout": "30"}}],
//!   "producers": [{"name": "web", "queue": "orders", "rate_per_s": 10}],
//!   "consumers": [{"name": "worker", "queue": "orders", "count": 2, "wait_time_s": 20}]
//! }
//! ```
//! Queues are declared with CreateQueue's own members (`QueueName`, `Attributes`), so an
//! attribute a user learns here is spelled as in the AWS console and docs.

use crate::actors::{ConsumerSpec, ProducerSpec};
use crate::sqs::{api::CreateQueueInput, api::SetQueueAttributesInput, queue_url, SqsConfig};
use crate::world::{World, WorldConfig};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Largest scenario accepted (a file import or a link), bytes.
pub const SCENARIO_BYTES_MAX: usize = 1_048_576;
/// Most queues / producers / consumer groups in one scenario.
pub const SCENARIO_ITEMS_MAX: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    #[serde(rename = "QueueName")]
    pub queue_name: String,
    #[serde(
        rename = "Attributes",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub attributes: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub sqs: SqsConfig,
    #[serde(default)]
    pub queues: Vec<QueueSpec>,
    #[serde(default)]
    pub producers: Vec<ProducerSpec>,
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
}

/// A scenario that cannot be used, with the field at fault (e.g. `consumers[1].max_messages`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub field: String,
    pub message: String,
}

impl ScenarioError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > SCENARIO_BYTES_MAX {
            return Err(ScenarioError::new(
                "",
                format!(
                    "the scenario is {} bytes; the limit is {SCENARIO_BYTES_MAX}",
                    text.len()
                ),
            ));
        }
        let s: Scenario = serde_json::from_str(text)
            .map_err(|e| ScenarioError::new("", format!("not a valid scenario: {e}")))?;
        s.validate()?;
        Ok(s)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Checks everything that does not need a world: sizes, names, references, ranges.
    /// Queue attributes are checked by CreateQueue itself when the world is built.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        self.sqs.validate().map_err(|e| ScenarioError::new("", e))?;
        for (what, n) in [
            ("queues", self.queues.len()),
            ("producers", self.producers.len()),
            ("consumers", self.consumers.len()),
        ] {
            if n > SCENARIO_ITEMS_MAX {
                return Err(ScenarioError::new(
                    what,
                    format!("at most {SCENARIO_ITEMS_MAX} allowed"),
                ));
            }
        }
        let mut queues = BTreeSet::new();
        for (i, q) in self.queues.iter().enumerate() {
            if !queues.insert(q.queue_name.as_str()) {
                return Err(ScenarioError::new(
                    format!("queues[{i}].QueueName"),
                    "declared twice",
                ));
            }
        }
        let mut actors = BTreeSet::new();
        for (i, p) in self.producers.iter().enumerate() {
            let f = |k: &str| format!("producers[{i}].{k}");
            if p.name.is_empty() || !actors.insert(p.name.as_str()) {
                return Err(ScenarioError::new(
                    f("name"),
                    "must be non-empty and unique",
                ));
            }
            if !queues.contains(p.queue.as_str()) {
                return Err(ScenarioError::new(
                    f("queue"),
                    format!("no queue named {:?}", p.queue),
                ));
            }
            p.validate()
                .map_err(|e| ScenarioError::new(format!("producers[{i}]"), e))?;
        }
        for (i, c) in self.consumers.iter().enumerate() {
            let f = |k: &str| format!("consumers[{i}].{k}");
            if c.name.is_empty() || !actors.insert(c.name.as_str()) {
                return Err(ScenarioError::new(
                    f("name"),
                    "must be non-empty and unique",
                ));
            }
            if !queues.contains(c.queue.as_str()) {
                return Err(ScenarioError::new(
                    f("queue"),
                    format!("no queue named {:?}", c.queue),
                ));
            }
            c.validate()
                .map_err(|e| ScenarioError::new(format!("consumers[{i}]"), e))?;
        }
        Ok(())
    }
}

impl World {
    /// Builds a world from a scenario: queues through CreateQueue (redrive policies in a
    /// second pass, so a DLQ may be declared after its source), then the actors.
    pub fn from_scenario(s: &Scenario) -> Result<World, ScenarioError> {
        s.validate()?;
        let mut world = World::new(WorldConfig {
            seed: s.seed,
            sqs: s.sqs.clone(),
        });
        let mut redrive = Vec::new();
        for (i, q) in s.queues.iter().enumerate() {
            let mut attributes = q.attributes.clone();
            if let Some(p) = attributes.remove("RedrivePolicy") {
                redrive.push((i, p));
            }
            let input = CreateQueueInput {
                queue_name: Some(q.queue_name.clone()),
                attributes,
                tags: BTreeMap::new(),
            };
            world
                .with_sqs(|sqs, ctx| sqs.create_queue(ctx, &input))
                .map_err(|e| ScenarioError::new(format!("queues[{i}]"), e.to_string()))?;
        }
        for (i, policy) in redrive {
            let input = SetQueueAttributesInput {
                queue_url: Some(queue_url(&s.queues[i].queue_name)),
                attributes: BTreeMap::from([("RedrivePolicy".to_string(), policy)]),
            };
            world
                .with_sqs(|sqs, ctx| sqs.set_queue_attributes(ctx, &input))
                .map_err(|e| {
                    ScenarioError::new(
                        format!("queues[{i}].Attributes.RedrivePolicy"),
                        e.to_string(),
                    )
                })?;
        }
        for p in &s.producers {
            world.with_actors(|actors, ctx| actors.add_producer(ctx, p.clone()));
        }
        for c in &s.consumers {
            world.with_actors(|actors, ctx| actors.add_consumer(ctx, c.clone()));
        }
        Ok(world)
    }
}
