//! The SNS half of the view model, folded from the engine's SNS events only: topics with
//! their subscriptions as branches, each published message's copies on their way down the
//! branches (stopped at a filter with its reason, retried with their phase, delivered, failed
//! or moved to the subscription's dead-letter queue), and every subscription's recent
//! delivery attempts for a retry timeline.
//!
//! Folding events (not reading the world) keeps this usable whether or not the world the app
//! builds has SNS in it; copies are kept only while they are on screen.

use mqlab_engine::sns::delivery::RetryPhase;
use mqlab_engine::sqs::name_from_arn;
use mqlab_engine::{EventKind, SimTime};
use std::collections::{BTreeMap, VecDeque};

/// Copies kept at most (the oldest finished ones go first).
pub const COPIES_MAX: usize = 4_000;
/// Attempts remembered per subscription, for its retry timeline.
pub const ATTEMPTS_PER_SUBSCRIPTION_MAX: usize = 60;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopicView {
    pub name: String,
    pub fifo: bool,
    pub deleted: bool,
    pub subscriptions: Vec<SubscriptionView>,
    pub published: u64,
    pub delivered: u64,
    pub filtered_out: u64,
    pub failed: u64,
    pub moved_to_dlq: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubscriptionView {
    pub arn: String,
    pub protocol: String,
    pub endpoint: String,
    /// The queue's name, for an `sqs` subscription (the branch ends at that queue).
    pub queue: Option<String>,
    /// Waiting for ConfirmSubscription.
    pub pending: bool,
    pub deleted: bool,
    pub delivered: u64,
    pub filtered_out: u64,
    pub failed: u64,
    pub moved_to_dlq: u64,
    /// Its FilterPolicy attribute (JSON), if it has one, and FilterPolicyScope.
    pub filter_policy: Option<String>,
    pub filter_scope: String,
    /// RawMessageDelivery.
    pub raw: bool,
    /// The queue named by its RedrivePolicy (its dead-letter queue).
    pub dead_letter_queue: Option<String>,
    /// The latest reason its filter policy gave for rejecting a message.
    pub last_filter_reason: Option<String>,
    /// Its recent attempts, oldest first.
    pub attempts: VecDeque<AttemptView>,
}

impl SubscriptionView {
    /// A short label for the branch's end: the queue, the host of a URL, the address.
    pub fn label(&self) -> String {
        if let Some(q) = &self.queue {
            return q.clone();
        }
        let e = &self.endpoint;
        // A mobile platform endpoint: arn:…:endpoint/APNS/my-app/<id> → "my-app (APNS)".
        // Firebase Cloud Messaging keeps its old name GCM in SNS's ARNs and API; the box says
        // FCM, the service's name today (and the presets' texts), with GCM beside it.
        if let Some(rest) = e
            .rsplit(':')
            .next()
            .and_then(|r| r.strip_prefix("endpoint/"))
        {
            let mut parts = rest.split('/');
            if let (Some(platform), Some(app)) = (parts.next(), parts.next()) {
                let platform = if platform == "GCM" {
                    "FCM/GCM"
                } else {
                    platform
                };
                return format!("{app} ({platform})");
            }
        }
        let e = e.split("://").nth(1).unwrap_or(e);
        let e = e.split('/').next().unwrap_or(e);
        e.rsplit(':').next().unwrap_or(e).to_string()
    }
}

/// One delivery attempt, for the retry timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct AttemptView {
    pub at_ms: SimTime,
    pub message_id: String,
    pub attempt: u32,
    pub phase: Option<RetryPhase>,
    /// None while its answer is awaited.
    pub ok: Option<bool>,
    pub reason: Option<String>,
    pub retry_at: Option<SimTime>,
}

/// Where one copy of a published message is.
#[derive(Clone, Debug, PartialEq)]
pub enum CopyState {
    /// On its way to the subscriber (first attempt pending or in progress).
    Travelling,
    /// Stopped at the subscription's filter policy.
    Filtered {
        reason: String,
    },
    /// An attempt failed; the next is due at `next_at` (None: given up is coming).
    Retrying {
        attempt: u32,
        next_at: Option<SimTime>,
        reason: String,
    },
    Delivered {
        attempts: u32,
    },
    /// Given up and discarded.
    Failed {
        reason: String,
    },
    /// Given up and sent to the subscription's dead-letter queue.
    DeadLettered {
        queue: String,
    },
}

impl CopyState {
    pub fn finished(&self) -> bool {
        !matches!(self, CopyState::Travelling | CopyState::Retrying { .. })
    }
}

/// One copy of a published message, for one subscription.
#[derive(Clone, Debug, PartialEq)]
pub struct CopyView {
    pub message_id: String,
    pub topic: u16,
    pub subscription: u16,
    pub published_at: SimTime,
    /// When the state last changed.
    pub since: SimTime,
    pub state: CopyState,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SnsView {
    pub topics: Vec<TopicView>,
    /// Copies by serial (first seen first).
    pub copies: BTreeMap<u64, CopyView>,
    /// (message id, topic, subscription) → serial.
    index: BTreeMap<(String, u16, u16), u64>,
    next_serial: u64,
    /// Delivery attempts after the first (retries), over the run.
    pub retries: u64,
}

/// SNS over the whole run, all topics together: what the summary row shows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SnsSummary {
    /// NumberOfMessagesPublished.
    pub published: u64,
    /// NumberOfNotificationsDelivered.
    pub delivered: u64,
    /// NumberOfNotificationsFilteredOut.
    pub filtered_out: u64,
    /// Delivery attempts after the first.
    pub retried: u64,
    /// NumberOfNotificationsFailed: copies SNS gave up on (into a DLQ or discarded).
    pub failed: u64,
    /// Of those, moved to a subscription's dead-letter queue.
    pub moved_to_dlq: u64,
    /// Of those, discarded: no dead-letter queue kept them.
    pub lost: u64,
    /// Publish and PublishBatch requests (billed per 64 KB of payload).
    pub requests: u64,
}

impl SnsSummary {
    /// The engine's counters (every topic's totals and the cost meter's publish requests),
    /// with the retries this view counted from the engine's delivery events.
    pub fn of(sns: &mqlab_engine::sns::Sns, view: &SnsView) -> SnsSummary {
        let mut s = SnsSummary {
            retried: view.retries,
            ..SnsSummary::default()
        };
        for t in sns.topics() {
            s.published += t.totals.published;
            s.delivered += t.totals.delivered;
            s.filtered_out += t.totals.filtered_out;
            s.failed += t.totals.failed;
            s.moved_to_dlq += t.totals.moved_to_dlq;
        }
        s.lost = s.failed.saturating_sub(s.moved_to_dlq);
        let cost = sns.cost();
        s.requests = cost.publish_requests + cost.fifo_publish_requests;
        s
    }
}

impl SnsView {
    pub fn is_empty(&self) -> bool {
        self.topics.is_empty()
    }

    fn topic_idx(&mut self, name: &str) -> u16 {
        match self.topics.iter().position(|t| t.name == name) {
            Some(i) => i as u16,
            None => {
                self.topics.push(TopicView {
                    name: name.to_string(),
                    ..TopicView::default()
                });
                (self.topics.len() - 1) as u16
            }
        }
    }

    /// (topic, subscription) of a subscription ARN (`topic ARN:id`) on `topic`.
    fn sub_idx(&mut self, topic: &str, arn: &str) -> (u16, u16) {
        let ti = self.topic_idx(topic);
        let t = &mut self.topics[ti as usize];
        let si = match t.subscriptions.iter().position(|s| s.arn == arn) {
            Some(i) => i,
            None => {
                t.subscriptions.push(SubscriptionView {
                    arn: arn.to_string(),
                    ..SubscriptionView::default()
                });
                t.subscriptions.len() - 1
            }
        };
        (ti, si as u16)
    }

    /// (topic, subscription) indexes of a known subscription.
    pub fn subscription_key(&self, topic: &str, arn: &str) -> Option<(u16, u16)> {
        let ti = self.topics.iter().position(|t| t.name == topic)?;
        let si = self.topics[ti]
            .subscriptions
            .iter()
            .position(|s| s.arn == arn)?;
        Some((ti as u16, si as u16))
    }

    fn sub_of_arn(&mut self, arn: &str) -> Option<(u16, u16)> {
        self.topics.iter().enumerate().find_map(|(ti, t)| {
            t.subscriptions
                .iter()
                .position(|s| s.arn == arn)
                .map(|si| (ti as u16, si as u16))
        })
    }

    fn sub_mut(&mut self, (ti, si): (u16, u16)) -> &mut SubscriptionView {
        &mut self.topics[ti as usize].subscriptions[si as usize]
    }

    fn set_copy(&mut self, key: (u16, u16), message_id: &str, t: SimTime, state: CopyState) {
        let k = (message_id.to_string(), key.0, key.1);
        let serial = match self.index.get(&k) {
            Some(&s) => s,
            None => {
                let s = self.next_serial;
                self.next_serial += 1;
                self.index.insert(k, s);
                self.copies.insert(
                    s,
                    CopyView {
                        message_id: message_id.to_string(),
                        topic: key.0,
                        subscription: key.1,
                        published_at: t,
                        since: t,
                        state: CopyState::Travelling,
                    },
                );
                s
            }
        };
        if let Some(c) = self.copies.get_mut(&serial) {
            c.state = state;
            c.since = t;
        }
        if self.copies.len() > COPIES_MAX {
            self.drop_oldest_finished();
        }
    }

    fn drop_oldest_finished(&mut self) {
        let oldest = self
            .copies
            .iter()
            .find(|(_, c)| c.state.finished())
            .or_else(|| self.copies.iter().next())
            .map(|(&s, c)| (s, (c.message_id.clone(), c.topic, c.subscription)));
        if let Some((s, k)) = oldest {
            self.copies.remove(&s);
            self.index.remove(&k);
        }
    }

    fn attempt_mut(&mut self, key: (u16, u16), message_id: &str) -> Option<&mut AttemptView> {
        self.sub_mut(key)
            .attempts
            .iter_mut()
            .rev()
            .find(|a| a.message_id == message_id)
    }

    /// Folds one SNS event; other events are ignored.
    pub fn apply(&mut self, t: SimTime, kind: &EventKind) {
        match kind {
            EventKind::TopicCreated { topic, fifo } => {
                let ti = self.topic_idx(topic) as usize;
                self.topics[ti].fifo = *fifo;
                self.topics[ti].deleted = false;
            }
            EventKind::TopicDeleted { topic, .. } => {
                let ti = self.topic_idx(topic) as usize;
                self.topics[ti].deleted = true;
                for s in &mut self.topics[ti].subscriptions {
                    s.deleted = true;
                }
            }
            EventKind::SubscriptionCreated {
                topic,
                subscription,
                protocol,
                endpoint,
                pending_confirmation,
            } => {
                let key = self.sub_idx(topic, subscription);
                let s = self.sub_mut(key);
                s.protocol = protocol.clone();
                s.endpoint = endpoint.clone();
                s.pending = *pending_confirmation;
                s.deleted = false;
                s.queue = (protocol == "sqs")
                    .then(|| name_from_arn(endpoint).map(str::to_string))
                    .flatten();
            }
            EventKind::SubscriptionConfirmed {
                topic,
                subscription,
            } => {
                let key = self.sub_idx(topic, subscription);
                self.sub_mut(key).pending = false;
            }
            EventKind::SubscriptionDeleted {
                topic,
                subscription,
                ..
            } => {
                let key = self.sub_idx(topic, subscription);
                self.sub_mut(key).deleted = true;
            }
            EventKind::MessagePublished {
                topic, message_id, ..
            } => {
                let ti = self.topic_idx(topic);
                self.topics[ti as usize].published += 1;
                // A copy sets out down every live, confirmed branch; the filter's verdict
                // comes in the same instant.
                let live: Vec<u16> = self.topics[ti as usize]
                    .subscriptions
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !s.pending && !s.deleted)
                    .map(|(i, _)| i as u16)
                    .collect();
                for si in live {
                    self.set_copy((ti, si), message_id, t, CopyState::Travelling);
                }
            }
            EventKind::NotificationFilteredOut {
                topic,
                subscription,
                message_id,
                reason,
                ..
            } => {
                let key = self.sub_idx(topic, subscription);
                self.topics[key.0 as usize].filtered_out += 1;
                let s = self.sub_mut(key);
                s.filtered_out += 1;
                s.last_filter_reason = Some(reason.clone());
                self.set_copy(
                    key,
                    message_id,
                    t,
                    CopyState::Filtered {
                        reason: reason.clone(),
                    },
                );
            }
            EventKind::DeliveryAttempted {
                topic,
                subscription,
                message_id,
                attempt,
                phase,
                ..
            } => {
                let key = self.sub_idx(topic, subscription);
                let s = self.sub_mut(key);
                if s.attempts.len() >= ATTEMPTS_PER_SUBSCRIPTION_MAX {
                    s.attempts.pop_front();
                }
                s.attempts.push_back(AttemptView {
                    at_ms: t,
                    message_id: message_id.clone(),
                    attempt: *attempt,
                    phase: *phase,
                    ok: None,
                    reason: None,
                    retry_at: None,
                });
                if *attempt == 1 {
                    self.set_copy(key, message_id, t, CopyState::Travelling);
                } else {
                    self.retries += 1;
                }
            }
            EventKind::DeliveryAttemptFailed {
                topic,
                subscription,
                message_id,
                attempt,
                reason,
                retry_at,
                ..
            } => {
                let key = self.sub_idx(topic, subscription);
                if let Some(a) = self.attempt_mut(key, message_id) {
                    a.ok = Some(false);
                    a.reason = Some(reason.clone());
                    a.retry_at = *retry_at;
                }
                self.set_copy(
                    key,
                    message_id,
                    t,
                    CopyState::Retrying {
                        attempt: *attempt,
                        next_at: *retry_at,
                        reason: reason.clone(),
                    },
                );
            }
            EventKind::NotificationDelivered {
                topic,
                subscription,
                message_id,
                attempts,
                ..
            } => {
                let key = self.sub_idx(topic, subscription);
                self.topics[key.0 as usize].delivered += 1;
                self.sub_mut(key).delivered += 1;
                if let Some(a) = self.attempt_mut(key, message_id) {
                    a.ok = Some(true);
                }
                self.set_copy(
                    key,
                    message_id,
                    t,
                    CopyState::Delivered {
                        attempts: *attempts,
                    },
                );
            }
            EventKind::NotificationFailed {
                topic,
                subscription,
                message_id,
                reason,
                ..
            } => {
                let key = self.sub_idx(topic, subscription);
                self.topics[key.0 as usize].failed += 1;
                self.sub_mut(key).failed += 1;
                self.set_copy(
                    key,
                    message_id,
                    t,
                    CopyState::Failed {
                        reason: reason.clone(),
                    },
                );
            }
            EventKind::NotificationMovedToDeadLetterQueue {
                topic,
                subscription,
                message_id,
                dead_letter_queue,
                ..
            } => {
                let key = self.sub_idx(topic, subscription);
                self.topics[key.0 as usize].moved_to_dlq += 1;
                self.sub_mut(key).moved_to_dlq += 1;
                let queue = name_from_arn(dead_letter_queue)
                    .unwrap_or(dead_letter_queue)
                    .to_string();
                self.set_copy(key, message_id, t, CopyState::DeadLettered { queue });
            }
            EventKind::SubscriptionAttributesChanged { subscription, .. } => {
                // Nothing drawn depends on it yet; keep the subscription known.
                let _ = self.sub_of_arn(subscription);
            }
            _ => {}
        }
    }

    /// Reads what events do not carry from the SNS service: each subscription's filter
    /// policy, raw delivery and dead-letter queue.
    pub fn sync(&mut self, sns: &mqlab_engine::sns::Sns) {
        for sub in sns.subscriptions() {
            let topic = sub.topic_arn.rsplit(':').next().unwrap_or_default();
            let Some(key) = self.subscription_key(topic, &sub.arn) else {
                continue;
            };
            let v = self.sub_mut(key);
            v.filter_policy = sub.attrs.get("FilterPolicy").cloned();
            v.filter_scope = sub.filter_scope().as_str().to_string();
            v.raw = sub.raw;
            v.dead_letter_queue = sub.redrive.as_ref().map(|r| {
                name_from_arn(&r.dead_letter_target_arn)
                    .unwrap_or(&r.dead_letter_target_arn)
                    .to_string()
            });
        }
    }

    /// Forgets finished copies older than `keep_ms` (they have faded from the screen).
    pub fn prune(&mut self, now: SimTime, keep_ms: SimTime) {
        let old: Vec<u64> = self
            .copies
            .iter()
            .filter(|(_, c)| c.state.finished() && now.saturating_sub(c.since) > keep_ms)
            .map(|(&s, _)| s)
            .collect();
        for s in old {
            if let Some(c) = self.copies.remove(&s) {
                self.index.remove(&(c.message_id, c.topic, c.subscription));
            }
        }
    }
}
