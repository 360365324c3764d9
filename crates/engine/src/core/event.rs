//! What happened, as typed events with stable ids. The app animates from them, the CLI writes
//! them as JSON lines, tests assert on them.

use crate::core::time::SimTime;
use serde::Serialize;
use std::collections::VecDeque;

/// The most events kept undrained. A caller that never drains loses the oldest ones (counted in
/// `EventLog::dropped`) instead of growing memory without bound.
pub const EVENT_LOG_MAX: usize = 200_000;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Position in the run, from 0, never reused.
    pub id: u64,
    /// Virtual time, ms.
    pub t: SimTime,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Why a message became receivable again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum VisibleReason {
    /// Its delay (queue DelaySeconds or message timer) ended.
    DelayEnded,
    /// It was received and not deleted before its visibility timeout ran out.
    VisibilityTimeoutExpired,
    /// ChangeMessageVisibility set its timeout to 0.
    VisibilityTerminated,
    /// A delete reached only some of the copies (standard queues are at-least-once): a copy
    /// comes back although the consumer deleted it.
    UndeletedCopy,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum EventKind {
    QueueCreated {
        queue: String,
        fifo: bool,
    },
    QueueDeleted {
        queue: String,
    },
    QueueAttributesChanged {
        queue: String,
        attributes: Vec<String>,
    },
    MessageSent {
        queue: String,
        message_id: String,
        bytes: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        group_id: Option<String>,
        /// When the message becomes receivable, if it is delayed.
        #[serde(skip_serializing_if = "Option::is_none")]
        delayed_until: Option<SimTime>,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
    /// A FIFO send whose deduplication ID was seen within the interval: accepted, not enqueued.
    MessageDeduplicated {
        queue: String,
        message_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
    MessageVisible {
        queue: String,
        message_id: String,
        reason: VisibleReason,
    },
    MessageReceived {
        queue: String,
        message_id: String,
        receive_count: u32,
        receipt_handle: String,
        /// When the message becomes visible again unless deleted or changed.
        visible_at: SimTime,
        /// True when this delivery repeats one the consumer already deleted.
        duplicate: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        group_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
    MessageDeleted {
        queue: String,
        message_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
    VisibilityChanged {
        queue: String,
        message_id: String,
        visible_at: SimTime,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
    MessageMovedToDeadLetterQueue {
        queue: String,
        dead_letter_queue: String,
        message_id: String,
        receive_count: u32,
    },
    MessageExpired {
        queue: String,
        message_id: String,
    },
    QueuePurged {
        queue: String,
        messages: usize,
    },
    /// A message move task (DLQ redrive) moved one message.
    MessageRedriven {
        source: String,
        destination: String,
        message_id: String,
        new_message_id: String,
    },
    MessageMoveTaskEnded {
        source: String,
        status: String,
        moved: u64,
    },
    EmptyReceive {
        queue: String,
        long_poll: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
    /// An API call was refused for going over a rate limit.
    Throttled {
        queue: String,
        operation: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
    },
    /// An API call made by a simulated actor or the caller. `error` is the AWS code on failure.
    ApiCall {
        operation: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        queue: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        actor: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// A consumer finished its work on a message; `ok` false means its processing failed and
    /// it will not delete the message.
    MessageProcessed {
        queue: String,
        message_id: String,
        actor: String,
        ok: bool,
    },
    ConsumerCrashed {
        actor: String,
        abandoned: usize,
    },
    ConsumerRestarted {
        actor: String,
    },
    // ------------------------------------------------------------------ SNS
    TopicCreated {
        topic: String,
        fifo: bool,
    },
    /// A topic and its subscriptions were deleted.
    TopicDeleted {
        topic: String,
        subscriptions: usize,
    },
    TopicAttributesChanged {
        topic: String,
        attributes: Vec<String>,
    },
    SubscriptionCreated {
        topic: String,
        subscription: String,
        protocol: String,
        endpoint: String,
        /// http/https/email/email-json wait for ConfirmSubscription.
        pending_confirmation: bool,
    },
    /// A SubscriptionConfirmation carrying `token` went to the endpoint.
    SubscriptionConfirmationSent {
        topic: String,
        subscription: String,
        endpoint: String,
        token: String,
    },
    SubscriptionConfirmed {
        topic: String,
        subscription: String,
    },
    /// `reason`: `Unsubscribe`, `DeleteTopic` or `ConfirmationExpired`.
    SubscriptionDeleted {
        topic: String,
        subscription: String,
        reason: String,
    },
    SubscriptionAttributesChanged {
        subscription: String,
        attribute: String,
    },
    MessagePublished {
        topic: String,
        message_id: String,
        bytes: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        group_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        sequence_number: Option<String>,
    },
    /// A FIFO publish whose deduplication ID was seen within 5 minutes: accepted, not delivered.
    PublishDeduplicated {
        topic: String,
        message_id: String,
    },
    /// A Publish with PhoneNumber: one SMS, no topic.
    SmsPublished {
        phone_number: String,
        message_id: String,
    },
    /// A subscription's filter policy rejected a message. `metric` is the CloudWatch metric it
    /// counts in; `reason` names what did not match.
    NotificationFilteredOut {
        topic: String,
        subscription: String,
        message_id: String,
        metric: String,
        reason: String,
    },
    /// SNS tried to deliver a message to a subscriber (`attempt` 1 is the first try).
    DeliveryAttempted {
        topic: String,
        subscription: String,
        protocol: String,
        message_id: String,
        attempt: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        phase: Option<RetryPhase>,
    },
    /// An attempt failed; `retry_at` says when the next one is due, if any.
    DeliveryAttemptFailed {
        topic: String,
        subscription: String,
        message_id: String,
        attempt: u32,
        reason: String,
        client_error: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_at: Option<SimTime>,
    },
    NotificationDelivered {
        topic: String,
        subscription: String,
        protocol: String,
        endpoint: String,
        message_id: String,
        attempts: u32,
        /// The SQS MessageId, for deliveries to a queue.
        #[serde(skip_serializing_if = "Option::is_none")]
        sqs_message_id: Option<String>,
    },
    /// Delivery gave up (retries exhausted or a client-side error) and, with no subscription
    /// DLQ, the message was discarded.
    NotificationFailed {
        topic: String,
        subscription: String,
        message_id: String,
        attempts: u32,
        reason: String,
    },
    NotificationMovedToDeadLetterQueue {
        topic: String,
        subscription: String,
        message_id: String,
        dead_letter_queue: String,
        reason: String,
    },
    // ------------------------------------------------------------------ Kinesis
    /// CreateStream: the stream is CREATING with `shards` to come.
    StreamCreated {
        stream: String,
        mode: String,
        shards: u32,
    },
    /// CREATING / UPDATING / DELETING / ACTIVE.
    StreamStatusChanged {
        stream: String,
        status: String,
    },
    StreamDeleted {
        stream: String,
    },
    StreamModeChanged {
        stream: String,
        mode: String,
    },
    StreamRetentionChanged {
        stream: String,
        hours: u32,
    },
    /// A record was written to a shard (PutRecord, or one PutRecords entry).
    RecordPut {
        stream: String,
        shard: String,
        partition_key: String,
        sequence_number: String,
        bytes: usize,
    },
    /// GetRecords (or, with `consumer`, an enhanced fan-out push) returned records.
    RecordsRead {
        stream: String,
        shard: String,
        records: usize,
        bytes: u64,
        millis_behind_latest: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        consumer: Option<String>,
    },
    /// A write (record) or read (GetRecords call) refused with
    /// ProvisionedThroughputExceededException; `operation` is `write` or `read`.
    ShardThrottled {
        stream: String,
        shard: String,
        operation: String,
    },
    /// Records older than the retention period left a shard.
    RecordsExpired {
        stream: String,
        shard: String,
        records: u64,
    },
    ShardSplit {
        stream: String,
        parent: String,
        children: Vec<String>,
    },
    ShardsMerged {
        stream: String,
        parents: Vec<String>,
        child: String,
    },
    StreamConsumerRegistered {
        stream: String,
        consumer: String,
    },
    StreamConsumerDeregistered {
        stream: String,
        consumer: String,
    },
    // ------------------------------------------------------------------ Kinesis readers
    // Simulated stream consumers (`stream_consumers` in a scenario, `kcl`): plain readers
    // and KCL-style applications, acting through GetRecords or SubscribeToShard. `consumer`
    // names the reader or the KCL application, `worker` the process that did it.
    /// A reader got records from a shard (GetRecords, or an enhanced fan-out push); its
    /// cursor is now at `sequence_number`. `iterator_age_ms` is the age of the last record
    /// returned (GetRecords.IteratorAgeMilliseconds).
    KinesisRecordsRead {
        stream: String,
        shard_id: String,
        consumer: String,
        worker: String,
        count: usize,
        bytes: u64,
        millis_behind_latest: u64,
        iterator_age_ms: u64,
        sequence_number: String,
        enhanced_fan_out: bool,
    },
    /// A reader finished processing `count` records; `duplicates` of them had been processed
    /// by the application before (records after the last checkpoint, read again after a lease
    /// moved).
    KinesisRecordsProcessed {
        stream: String,
        shard_id: String,
        consumer: String,
        worker: String,
        count: usize,
        duplicates: usize,
        sequence_number: String,
    },
    /// A reader's GetRecords was refused with ProvisionedThroughputExceededException (the
    /// shard's 5 reads/s or 2 MiB/s, shared by every polling reader, were used up).
    KinesisReadThrottled {
        stream: String,
        shard_id: String,
        consumer: String,
        worker: String,
    },
    /// A reader's shard iterator was older than 5 minutes (ExpiredIteratorException); it gets
    /// a new one after the last record it read.
    KinesisIteratorExpired {
        stream: String,
        shard_id: String,
        consumer: String,
        worker: String,
    },
    /// A row was added to a KCL application's lease table (leaseKey = shard id).
    KclLeaseCreated {
        application: String,
        shard_id: String,
        parent_shard_ids: Vec<String>,
        checkpoint: String,
    },
    /// A worker took a lease: unowned, expired (its owner stopped renewing it), or stolen to
    /// balance the leases across workers.
    KclLeaseTaken {
        application: String,
        worker: String,
        shard_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        previous_owner: Option<String>,
        lease_counter: u64,
        /// `unowned`, `expired` or `stolen`.
        reason: String,
    },
    /// A worker found that another worker holds its lease now (at a renewal or a checkpoint)
    /// and stopped processing the shard.
    KclLeaseLost {
        application: String,
        worker: String,
        shard_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        new_owner: Option<String>,
    },
    /// A checkpoint was written to the lease table: a sequence number, or SHARD_END.
    KclCheckpoint {
        application: String,
        worker: String,
        shard_id: String,
        checkpoint: String,
    },
    /// A worker read a closed shard to its end; its children can be processed now.
    KclShardEnded {
        application: String,
        worker: String,
        shard_id: String,
        child_shard_ids: Vec<String>,
    },
    KclWorkerStarted {
        application: String,
        worker: String,
    },
    /// A worker died: it stops renewing its `leases`, which expire after the failover time.
    KclWorkerDied {
        application: String,
        worker: String,
        leases: usize,
    },
    // ------------------------------------------------------------------ S3 (with SNS only)
    BucketCreated {
        bucket: String,
    },
    BucketDeleted {
        bucket: String,
    },
    /// PutBucketNotificationConfiguration replaced the bucket's configurations.
    BucketNotificationConfigured {
        bucket: String,
        configurations: usize,
    },
    ObjectPut {
        bucket: String,
        key: String,
        size: u64,
        /// MD5 hex of the body, without quotes.
        etag: String,
    },
    /// `existed` is false for a delete of a key that was not there (which still succeeds).
    ObjectDeleted {
        bucket: String,
        key: String,
        existed: bool,
    },
    /// An event notification was published to its SNS topic (`message_id` is SNS's).
    S3NotificationSent {
        bucket: String,
        key: String,
        event_name: String,
        configuration_id: String,
        topic_arn: String,
        message_id: String,
    },
    /// An event notification could not be published (its topic is gone, or a cap) and is lost.
    S3NotificationFailed {
        bucket: String,
        key: String,
        event_name: String,
        configuration_id: String,
        topic_arn: String,
        reason: String,
    },
    /// Saving a configuration published an `s3:TestEvent` to a destination topic.
    S3TestEventSent {
        bucket: String,
        topic_arn: String,
        message_id: String,
    },
    /// A CloudWatch alarm changed state (after an evaluation or SetAlarmState; aws-rules
    /// §10.3): `from` and `to` are AWS's state values (OK, ALARM, INSUFFICIENT_DATA).
    AlarmStateChanged {
        alarm: String,
        from: &'static str,
        to: &'static str,
        reason: String,
    },
    /// An EC2 Auto Scaling activity began (a launch or a termination; aws-rules §2): what
    /// DescribeScalingActivities lists, as it starts.
    ScalingActivityStarted {
        group: String,
        activity_id: String,
        description: String,
        cause: String,
    },
    // ------------------------------------------------------------------ Amazon MQ
    /// A broker's state: CREATION_IN_PROGRESS, RUNNING, REBOOT_IN_PROGRESS,
    /// DELETION_IN_PROGRESS, or DELETED once it is gone.
    BrokerStateChanged {
        broker: String,
        state: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// A broker instance (ActiveMQ) or cluster node (RabbitMQ) is now `active`, `standby`,
    /// `up` (a node) or `down`; `reason` says why (reboot, maintenance, lost, failover, …).
    BrokerInstanceChanged {
        broker: String,
        instance: usize,
        role: String,
        reason: String,
    },
    /// A client connection is `open`, `dropped` (its unacknowledged messages go back),
    /// `reconnected` (failover transport) or `closed`.
    BrokerConnection {
        broker: String,
        connection: String,
        state: String,
    },
    /// A message's step inside a broker: `published`, `delivered`, `acked`, `requeued`,
    /// `dead_lettered`, `dropped` (nack without requeue and no dead-letter target),
    /// `unroutable`, `lost` (a non-persistent message when its instance went down).
    BrokerMessage {
        broker: String,
        step: String,
        destination: String,
        message_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        consumer: Option<String>,
        persistent: bool,
        deliveries: u32,
    },
    /// Flow control: the broker is at its message-rate ceiling and blocks the producer's
    /// connection until `until`.
    BrokerFlowControl {
        broker: String,
        connection: String,
        until: SimTime,
    },
    // ------------------------------------ Managed Service for Apache Flink (aws-rules §6.2)
    /// A window of an application fired: its key, bounds (virtual time, ms; `end`
    /// exclusive), aggregate value and record count. `late_firing`: fired again for a late
    /// record within the allowed lateness.
    WindowClosed {
        app: String,
        key: String,
        start: SimTime,
        end: SimTime,
        value: f64,
        count: u64,
        late_firing: bool,
    },
    /// A record behind the watermark: `dropped` when later than the allowed lateness,
    /// otherwise added to its window, which fires again.
    LateRecord {
        app: String,
        key: String,
        event_time: SimTime,
        dropped: bool,
    },
    // ------------------------------------------ Kinesis Video Streams (aws-rules §6.3)
    /// A producer's fragment reached the stream (its timestamps in virtual time, ms).
    VideoFragment {
        stream: String,
        fragment_number: String,
        producer_ts: SimTime,
        server_ts: SimTime,
        duration_ms: u64,
        bytes: u64,
    },
}

/// The capped log of undrained events.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    buf: VecDeque<Event>,
    next_id: u64,
    /// Events lost because nobody drained them before the cap.
    pub dropped: u64,
    /// When false, events are counted but not stored (benchmarks of the bare engine).
    pub disabled: bool,
}

impl EventLog {
    /// Records what `kind` builds. Takes a closure so that a run with recording off (a
    /// benchmark, a fast-forward) does not pay for building events nobody reads.
    pub fn push(&mut self, t: SimTime, kind: impl FnOnce() -> EventKind) {
        let id = self.next_id;
        self.next_id += 1;
        if self.disabled {
            return;
        }
        let kind = kind();
        if self.buf.len() >= EVENT_LOG_MAX {
            self.buf.pop_front();
            self.dropped += 1;
        }
        self.buf.push_back(Event { id, t, kind });
    }

    /// Whether events are being recorded (what only an event reads need not be kept).
    pub fn recording(&self) -> bool {
        !self.disabled
    }

    pub fn drain(&mut self) -> Vec<Event> {
        self.buf.drain(..).collect()
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Number of events recorded since the run began (drained or not).
    pub fn total(&self) -> u64 {
        self.next_id
    }
}

/// FNV-1a over the JSON form of each event: a fingerprint of a run that is the same natively
/// and in wasm (serde_json output does not depend on the platform). Feed it the events in
/// chunks as they are drained.
#[derive(Clone, Copy, Debug)]
pub struct EventHasher(u64);

impl Default for EventHasher {
    fn default() -> Self {
        EventHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl EventHasher {
    pub fn update(&mut self, events: &[Event]) {
        for e in events {
            let line = serde_json::to_string(e).unwrap_or_default();
            for b in line.bytes().chain(std::iter::once(b'\n')) {
                self.0 ^= b as u64;
                self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// The fingerprint of one slice of events.
pub fn events_hash(events: &[Event]) -> u64 {
    let mut h = EventHasher::default();
    h.update(events);
    h.finish()
}

/// The phase of an SNS delivery policy a retry belongs to (aws-rules §3.6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum RetryPhase {
    Immediate,
    PreBackoff,
    Backoff,
    PostBackoff,
}
