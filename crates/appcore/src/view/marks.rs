//! The marks the canvas draws: one per message (where it is, its life), and the transients
//! around them (gone marks fading, flashes, empty receives, the API log).

use super::*;

/// Where a mark is, or comes from, on the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Producer(u16),
    Queue(u16),
    Consumer(u16),
    /// Delivered by SNS from topic `.0` (index into `sns.topics`) down subscription `.1`.
    Topic(u16, u16),
    /// Moved by SNS from subscription `.1` of topic `.0` to its dead-letter queue.
    Subscriber(u16, u16),
    /// Sent by a call from outside the simulation (the user, a script).
    Outside,
}

/// How a message came to be receivable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Sent (or already there when the view began).
    Sent,
    /// Its delay ended.
    DelayEnded,
    /// Received and not deleted before its visibility timeout ran out: it is back.
    TimedOut,
    /// ChangeMessageVisibility to 0.
    Released,
    /// A delete missed a copy (standard queues are at-least-once): it is back.
    UndeletedCopy,
    /// Moved here from its source queue after maxReceiveCount receives.
    DeadLettered,
    /// Moved back from a dead-letter queue by a redrive.
    Redriven,
}

/// A message's state in its queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkState {
    Visible {
        arrival: Arrival,
    },
    /// Not receivable until `until_ms` (DelaySeconds or a message timer).
    Delayed {
        until_ms: SimTime,
    },
    /// Received: hidden until `visible_at_ms` unless deleted first.
    InFlight {
        /// The consumer instance that holds it (None: a call from outside, or unknown).
        consumer: Option<u16>,
        received_ms: SimTime,
        visible_at_ms: SimTime,
    },
}

/// Why a mark left its queue for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoneReason {
    Deleted,
    Expired,
    Purged,
}

/// One step of a message's life, for the inspector.
#[derive(Clone, Debug, PartialEq)]
pub enum LifeKind {
    Sent {
        by: Option<String>,
        delayed_until_ms: Option<SimTime>,
    },
    Visible(Arrival),
    Received {
        by: Option<String>,
        receive_count: u32,
        receipt_handle: String,
        visible_at_ms: SimTime,
        duplicate: bool,
    },
    VisibilityChanged {
        visible_at_ms: SimTime,
    },
    Processed {
        by: String,
        ok: bool,
    },
    Deleted {
        by: Option<String>,
    },
    MovedToDeadLetterQueue {
        dead_letter_queue: String,
        receive_count: u32,
    },
    Redriven {
        destination: String,
        new_message_id: String,
    },
    Expired,
    Purged,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LifeStep {
    pub at_ms: SimTime,
    pub kind: LifeKind,
}

/// One message on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Order in which the view first saw the message: stable across moves (a DLQ, a redrive),
    /// so the canvas can ease a mark from where it was drawn.
    pub serial: u64,
    pub queue: u16,
    pub message_id: String,
    /// Colour index of its message group within its queue (None: no group, or past
    /// [`GROUPS_MAX`]).
    pub group: Option<u16>,
    pub state: MarkState,
    /// Where it was before its latest change (a new mark travels from here).
    pub from: Place,
    /// When it entered `state`.
    pub since_ms: SimTime,
    pub receive_count: u32,
    /// Its latest delivery repeated one the consumer had deleted.
    pub duplicate: bool,
    pub life: Vec<LifeStep>,
    /// Steps dropped from the middle of `life` by [`LIFE_STEPS_MAX`].
    pub life_dropped: u32,
}

/// What a mark looks like at one instant: the states the canvas draws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Visual {
    /// On its way from a producer (or from outside) into the queue.
    Travelling {
        from: Place,
        progress: f32,
    },
    /// Visible, waiting in the queue.
    Waiting,
    /// Back to visible after its visibility timeout ran out (or a missed delete).
    Returned {
        progress: f32,
    },
    /// Just moved into a dead-letter queue.
    MovedToDlq {
        progress: f32,
    },
    Delayed {
        until_ms: SimTime,
    },
    /// In flight; `remaining` goes from 1 (just received) to 0 (visible again).
    InFlight {
        consumer: Option<u16>,
        remaining: f32,
    },
}

impl Mark {
    /// The visual state at `now_ms`, with arrivals animated over `transit_ms`.
    pub fn visual(&self, now_ms: SimTime, transit_ms: SimTime) -> Visual {
        let progress = fraction(now_ms.saturating_sub(self.since_ms), transit_ms);
        match self.state {
            MarkState::Delayed { until_ms } => Visual::Delayed { until_ms },
            MarkState::InFlight {
                consumer,
                received_ms,
                visible_at_ms,
            } => {
                let total = visible_at_ms.saturating_sub(received_ms);
                let left = visible_at_ms.saturating_sub(now_ms);
                Visual::InFlight {
                    consumer,
                    remaining: if total == 0 {
                        0.0
                    } else {
                        fraction(left, total)
                    },
                }
            }
            MarkState::Visible { arrival } if progress < 1.0 => match arrival {
                Arrival::Sent | Arrival::Redriven => match self.from {
                    Place::Queue(_) if arrival == Arrival::Sent => Visual::Waiting,
                    from => Visual::Travelling { from, progress },
                },
                Arrival::TimedOut | Arrival::UndeletedCopy | Arrival::Released => {
                    Visual::Returned { progress }
                }
                Arrival::DeadLettered => Visual::MovedToDlq { progress },
                Arrival::DelayEnded => Visual::Waiting,
            },
            MarkState::Visible { .. } => Visual::Waiting,
        }
    }

    pub(super) fn push_life(&mut self, at_ms: SimTime, kind: LifeKind) {
        if self.life.len() >= LIFE_STEPS_MAX {
            // Keep the first step (how it was sent) and the latest ones.
            self.life.remove(1);
            self.life_dropped += 1;
        }
        self.life.push(LifeStep { at_ms, kind });
    }
}

fn fraction(part: SimTime, whole: SimTime) -> f32 {
    if whole == 0 {
        1.0
    } else {
        (part as f64 / whole as f64).clamp(0.0, 1.0) as f32
    }
}

/// A mark that left its queue, fading.
#[derive(Clone, Debug, PartialEq)]
pub struct Gone {
    pub mark: Mark,
    pub reason: GoneReason,
    pub at_ms: SimTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashKind {
    /// A standard queue delivered a message again although the consumer deleted it.
    Duplicate,
    /// A message is received again after its visibility timeout ran out (processed twice).
    Redelivery,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flash {
    pub at_ms: SimTime,
    pub kind: FlashKind,
    pub queue: u16,
    pub consumer: Option<u16>,
    pub serial: Option<u64>,
}

/// A ReceiveMessage that came back with no message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmptyReceive {
    pub at_ms: SimTime,
    pub queue: u16,
    pub consumer: Option<u16>,
    pub long_poll: bool,
}

/// One line of the API call log.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiLogEntry {
    pub at_ms: SimTime,
    pub operation: String,
    pub queue: Option<String>,
    pub actor: Option<String>,
    /// The AWS error code, if the call failed.
    pub error: Option<String>,
    /// The request members, when the caller knows them (calls made from the page).
    pub params: Option<serde_json::Value>,
}
