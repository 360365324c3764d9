//! DLQ redrive: StartMessageMoveTask, CancelMessageMoveTask, ListMessageMoveTasks (aws-rules §1.8).
//!
//! AWS implements a move task with receive / send / delete calls on the user's behalf: moved
//! messages get a new MessageId, enqueue time and retention period, oldest first.

use super::api::*;
use super::queue::MessageState;
use super::*;
use crate::core::time::{epoch_ms, MS_PER_S};
use serde_json::json;

/// MaxNumberOfMessagesPerSecond may be at most 500 (aws-rules §1.8).
pub const MOVE_RATE_MAX: u32 = 500;
/// "System optimized" rate when none is given: AWS does not say. UNCONFIRMED: use the cap.
pub const MOVE_RATE_DEFAULT: u32 = 500;
/// A task moves its messages in ticks of this length.
const MOVE_TICK_MS: SimTime = 100;
/// ListMessageMoveTasks returns at most the 10 most recent tasks (aws-rules §1.8).
pub const MOVE_TASKS_LISTED_MAX: usize = 10;
/// Tasks remembered per world (oldest finished ones are forgotten first).
const MOVE_TASKS_KEPT_MAX: usize = 1_000;

#[derive(Clone, Debug)]
pub struct MoveTask {
    pub id: u64,
    pub handle: String,
    pub source_arn: String,
    pub destination_arn: Option<String>,
    pub rate: Option<u32>,
    pub status: &'static str,
    pub moved: u64,
    pub to_move: u64,
    pub started_at: SimTime,
    pub failure_reason: Option<String>,
}

impl Sqs {
    pub fn start_message_move_task(
        &mut self,
        ctx: &mut Ctx,
        input: &StartMessageMoveTaskInput,
    ) -> Result<Value, AwsError> {
        let source_arn = required(&input.source_arn, "SourceArn")?;
        let source = self.resolve_arn(source_arn).ok_or_else(|| {
            AwsError::new(
                "ResourceNotFoundException",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            )
        })?;
        let rate = match input.max_number_of_messages_per_second {
            Some(r) if !(1..=MOVE_RATE_MAX as i64).contains(&r) => {
                return Err(validate::range_error(
                    "MaxNumberOfMessagesPerSecond",
                    r,
                    "Must be between 1 and 500.",
                ))
            }
            other => other.map(|r| r as u32),
        };
        let is_dlq = self.queues.values().any(|q| {
            q.attrs
                .redrive_policy
                .as_ref()
                .is_some_and(|p| p.dead_letter_target_arn == source_arn)
        });
        if !is_dlq {
            return Err(AwsError::invalid_parameter_value(
                "Source queue must be configured as a Dead Letter Queue.",
            ));
        }
        if let Some(dest) = &input.destination_arn {
            let d = self.resolve_arn(dest).ok_or_else(|| {
                AwsError::new("ResourceNotFoundException", "The resource that you specified for the DestinationArn parameter doesn't exist.")
            })?;
            if self.queues[&d].fifo() != self.queues[&source].fifo() {
                return Err(AwsError::invalid_parameter_value(
                    "The destination queue must be of the same type as the source queue.",
                ));
            }
        }
        if self
            .move_tasks
            .iter()
            .any(|t| t.source_arn == source_arn && t.status == "RUNNING")
        {
            return Err(AwsError::new(
                "InvalidParameterValue",
                "There is already a task running. Only one active task is allowed for a source queue arn at a given time.",
            ));
        }
        let id = self.move_tasks.last().map(|t| t.id + 1).unwrap_or(1);
        let handle = crate::core::base64::encode(
            json!({"taskId": format!("{:08x}-{}", id, ctx.rng.uuid()), "sourceArn": source_arn})
                .to_string(),
        );
        let to_move = self.queues[&source].visible_count() as u64;
        if self.move_tasks.len() >= MOVE_TASKS_KEPT_MAX {
            if let Some(pos) = self.move_tasks.iter().position(|t| t.status != "RUNNING") {
                self.move_tasks.remove(pos);
            }
        }
        self.move_tasks.push(MoveTask {
            id,
            handle: handle.clone(),
            source_arn: source_arn.to_string(),
            destination_arn: input.destination_arn.clone(),
            rate,
            status: "RUNNING",
            moved: 0,
            to_move,
            started_at: ctx.now,
            failure_reason: None,
        });
        ctx.timers
            .schedule(ctx.now, SqsTimer::MoveTask { task: id });
        Ok(json!({ "TaskHandle": handle }))
    }

    pub fn cancel_message_move_task(
        &mut self,
        ctx: &mut Ctx,
        input: &CancelMessageMoveTaskInput,
    ) -> Result<Value, AwsError> {
        let handle = required(&input.task_handle, "TaskHandle")?;
        // A handle is base64 JSON naming the task and its source queue; each part that does
        // not hold gets its own answer (recorded AWS answers).
        let decoded: Option<Value> = crate::core::base64::decode(handle)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok());
        let source = match decoded
            .as_ref()
            .map(|v| (v.get("taskId"), v.get("sourceArn")))
        {
            Some((Some(Value::String(_)), Some(Value::String(s)))) => s.clone(),
            _ => {
                return Err(AwsError::invalid_parameter_value(
                    "Value for parameter TaskHandle is invalid.",
                ))
            }
        };
        if self.resolve_arn(&source).is_none() {
            return Err(AwsError::new(
                "ResourceNotFoundException",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            ));
        }
        let t = self
            .move_tasks
            .iter_mut()
            .find(|t| t.handle == handle && t.status == "RUNNING")
            .ok_or_else(|| AwsError::new("ResourceNotFoundException", "Task does not exist."))?;
        // Messages already moved stay where they are (aws-rules §1.8).
        t.status = "CANCELLED";
        let (source, moved) = (t.source_arn.clone(), t.moved);
        ctx.events
            .push(ctx.now, || EventKind::MessageMoveTaskEnded {
                source,
                status: "CANCELLED".into(),
                moved,
            });
        Ok(json!({ "ApproximateNumberOfMessagesMoved": moved }))
    }

    pub fn list_message_move_tasks(
        &self,
        input: &ListMessageMoveTasksInput,
    ) -> Result<Value, AwsError> {
        let source_arn = required(&input.source_arn, "SourceArn")?;
        if self.resolve_arn(source_arn).is_none() {
            return Err(AwsError::new(
                "ResourceNotFoundException",
                "The resource that you specified for the SourceArn parameter doesn't exist.",
            ));
        }
        let max = match input.max_results {
            Some(m) if !(1..=MOVE_TASKS_LISTED_MAX as i64).contains(&m) => {
                return Err(validate::range_error(
                    "MaxResults",
                    m,
                    "Must be between 1 and 10.",
                ))
            }
            Some(m) => m as usize,
            None => 1,
        };
        let results: Vec<Value> = self
            .move_tasks
            .iter()
            .rev()
            .filter(|t| t.source_arn == source_arn)
            .take(max)
            .map(|t| {
                let mut v = json!({
                    "Status": t.status,
                    "SourceArn": t.source_arn,
                    "ApproximateNumberOfMessagesMoved": t.moved,
                    "ApproximateNumberOfMessagesToMove": t.to_move,
                    "StartedTimestamp": epoch_ms(t.started_at),
                });
                if t.status == "RUNNING" {
                    v["TaskHandle"] = json!(t.handle);
                }
                if let Some(d) = &t.destination_arn {
                    v["DestinationArn"] = json!(d);
                }
                if let Some(r) = t.rate {
                    v["MaxNumberOfMessagesPerSecond"] = json!(r);
                }
                if let Some(f) = &t.failure_reason {
                    v["FailureReason"] = json!(f);
                }
                v
            })
            .collect();
        Ok(json!({ "Results": results }))
    }

    pub(crate) fn run_move_task(&mut self, ctx: &mut Ctx, task: u64) {
        let Some(ti) = self
            .move_tasks
            .iter()
            .position(|t| t.id == task && t.status == "RUNNING")
        else {
            return;
        };
        let t = self.move_tasks[ti].clone();
        // At least one message per tick; slow rates tick less often (1/s ticks every second).
        let rate = t.rate.unwrap_or(MOVE_RATE_DEFAULT).max(1) as u64;
        let per_tick = (rate * MOVE_TICK_MS / MS_PER_S).max(1);
        let tick_ms = per_tick * MS_PER_S / rate;
        let Some(source) = self.resolve_arn(&t.source_arn) else {
            return self.end_task(
                ctx,
                ti,
                "FAILED",
                Some("AWS.SimpleQueueService.NonExistentQueue"),
            );
        };
        let mut moved = 0;
        while moved < per_tick && t.moved + moved < t.to_move {
            // Oldest first.
            let Some(seq) = self.queues[&source].visible.first().copied() else {
                break;
            };
            let m = self.queues[&source]
                .message(seq)
                .expect("visible is indexed")
                .clone();
            let dest_arn = t
                .destination_arn
                .clone()
                .or(m.dead_letter_source_arn.clone());
            let Some(dest) = dest_arn.as_deref().and_then(|a| self.resolve_arn(a)) else {
                return self.end_task(
                    ctx,
                    ti,
                    "FAILED",
                    Some("AWS.SimpleQueueService.NonExistentQueue"),
                );
            };
            let q = self.queues.get_mut(&source).expect("resolved");
            q.remove(seq);
            let source_name = q.name.clone();
            // A fresh message: new id, enqueue time and retention (aws-rules §1.8).
            let dq = self.queues.get_mut(&dest).expect("resolved");
            let new_id = ctx.rng.uuid_inline();
            let mut n = m.clone();
            n.seq = dq.next_seq;
            dq.next_seq += 1;
            n.id = new_id;
            n.sent_at = ctx.now;
            n.enqueued_at = ctx.now;
            n.receive_count = 0;
            n.receive_gen = 0;
            n.first_receive_at = None;
            n.dead_letter_source_arn = None;
            n.undeleted_copy = false;
            n.state = MessageState::Visible;
            let dest_name = dq.name.clone();
            dq.insert(ctx, std::rc::Rc::new(n));
            ctx.events.push(ctx.now, || EventKind::MessageRedriven {
                source: source_name,
                destination: dest_name,
                message_id: m.id.to_string(),
                new_message_id: new_id.to_string(),
            });
            self.cost.charge(dq_fifo(&self.queues, dest), m.size);
            self.serve_waiters(ctx, dest);
            moved += 1;
        }
        let t = &mut self.move_tasks[ti];
        t.moved += moved;
        let source_empty = self.queues[&source].visible_count() == 0;
        if t.moved >= t.to_move || (moved == 0 && source_empty) {
            self.end_task(ctx, ti, "COMPLETED", None);
        } else {
            ctx.timers
                .schedule(ctx.now + tick_ms, SqsTimer::MoveTask { task });
        }
    }

    fn end_task(&mut self, ctx: &mut Ctx, ti: usize, status: &'static str, reason: Option<&str>) {
        let t = &mut self.move_tasks[ti];
        t.status = status;
        t.failure_reason = reason.map(String::from);
        ctx.events
            .push(ctx.now, || EventKind::MessageMoveTaskEnded {
                source: t.source_arn.clone(),
                status: status.into(),
                moved: t.moved,
            });
    }
}

fn dq_fifo(queues: &QueueTable, id: u32) -> bool {
    queues.get(&id).is_some_and(|q| q.fifo())
}
