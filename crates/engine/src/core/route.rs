//! Traffic between services. A service never holds another: what it sends to a peer (SNS
//! delivering into a queue, S3 publishing an event notification to a topic) is an effect it
//! hands to the world's router, which routes it to the peer at the same instant and hands the
//! result back — the way sans-I/O protocol crates emit transmits for their driver to route.
//! Read-only questions about a peer (does this topic exist?) are narrow queries here too.
//!
//! A new kind of traffic is a method here and its routing in the world (`hub.rs`); neither
//! service imports the other.

use crate::core::ctx::Shared;
use crate::core::error::AwsError;
use crate::core::message_attributes::MessageAttributes;
use crate::core::payload::Payload;

/// A message a service puts into an SQS queue on its own behalf (SNS's deliveries and its
/// subscriptions' dead-letter queues).
#[derive(Clone, Debug, Default)]
pub struct QueueSend {
    pub body: Payload,
    pub attributes: MessageAttributes,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
}

/// What a standard or FIFO topic is, as a publisher that is not a user needs to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TopicInfo {
    pub fifo: bool,
}

/// What a service polling a queue (Lambda's event source mapping, aws-rules §2.1) needs to
/// know of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueInfo {
    pub fifo: bool,
    pub visibility_timeout_s: u32,
    /// Messages receivable now (ApproximateNumberOfMessagesVisible).
    pub visible: usize,
}

/// A message a service received from a queue on its own behalf (Lambda's poller).
#[derive(Clone, Debug)]
pub struct QueueReceived {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: Payload,
    pub group_id: Option<String>,
}

/// A stream record as a service reading the stream sees it (Managed Service for Apache
/// Flink's source, aws-rules §6.2).
#[derive(Clone, Debug)]
pub struct StreamRecord {
    pub shard_id: String,
    pub sequence_number: String,
    pub partition_key: String,
    pub data: Payload,
    /// ApproximateArrivalTimestamp.
    pub arrival: crate::core::time::SimTime,
}

/// The router a service sends its effects to (the world implements it over every other
/// service).
pub trait Router {
    /// Why the queue at `queue_arn` would refuse a message `principal` (a service principal
    /// such as `sns.amazonaws.com`) sends on behalf of `source_arn`: its policy (aws-rules
    /// §3.12). `None` when it would accept one, or when there is no such queue (the send
    /// itself then fails).
    fn queue_send_refusal(
        &self,
        queue_arn: &str,
        principal: &str,
        source_arn: &str,
    ) -> Option<AwsError>;

    /// Sends into the queue at `queue_arn` through SQS's own send path (its rules apply:
    /// FIFO group and deduplication, size, throughput). Answers the new message's id.
    fn send_to_queue(
        &mut self,
        at: Shared<'_>,
        queue_arn: &str,
        message: &QueueSend,
    ) -> Result<String, AwsError>;

    /// The topic a (possibly malformed) ARN names, if it exists.
    fn topic(&self, topic_arn: &str) -> Option<TopicInfo>;

    /// Publishes to a topic as an AWS service does (S3 event notifications): through SNS's
    /// own publish path. Answers the MessageId.
    fn publish_to_topic(
        &mut self,
        at: Shared<'_>,
        topic_arn: &str,
        subject: &str,
        message: &str,
    ) -> Result<String, AwsError>;

    /// The queue a (possibly malformed) ARN names, if it exists.
    fn queue(&self, _queue_arn: &str) -> Option<QueueInfo> {
        None
    }

    /// Receives up to `max` (≤ 10) messages from the queue at `queue_arn` through SQS's own
    /// receive path (its visibility timeout, FIFO group locks and redrive policy apply), as a
    /// long poll that found them at once, billed as a ReceiveMessage. An empty answer is
    /// billed and counted as an empty receive only when `count_empty`. `actor` names the
    /// receiver in the events (a Lambda function's name), as a simulated consumer's does.
    fn receive_from_queue(
        &mut self,
        _at: Shared<'_>,
        _queue_arn: &str,
        _max: usize,
        _count_empty: bool,
        _actor: &str,
    ) -> Result<Vec<QueueReceived>, AwsError> {
        Err(AwsError::new(
            "ServiceUnavailable",
            "SQS is not reachable from here",
        ))
    }

    /// Deletes received messages by handle, billed as DeleteMessageBatch calls of 10.
    fn delete_from_queue(
        &mut self,
        _at: Shared<'_>,
        _queue_arn: &str,
        _receipt_handles: &[String],
        _actor: &str,
    ) -> Result<(), AwsError> {
        Err(AwsError::new(
            "ServiceUnavailable",
            "SQS is not reachable from here",
        ))
    }

    /// The records of the Kinesis stream `stream` after `positions` (shard id → the last
    /// sequence number read, `""` for none yet), advancing them. A shard not yet in
    /// `positions` starts at its oldest record (`from_start`, TRIM_HORIZON) or after its
    /// newest (LATEST). A read of the stored records, not a metered GetRecords.
    fn read_stream(
        &self,
        _stream: &str,
        _positions: &mut std::collections::BTreeMap<String, String>,
        _from_start: bool,
    ) -> Result<Vec<StreamRecord>, AwsError> {
        Err(AwsError::new(
            "ServiceUnavailable",
            "Kinesis is not reachable from here",
        ))
    }

    /// Puts a record into the Kinesis stream `stream` through Kinesis's own PutRecord path
    /// (its limits apply). Answers the sequence number.
    fn put_to_stream(
        &mut self,
        _at: Shared<'_>,
        _stream: &str,
        _partition_key: &str,
        _data: Payload,
    ) -> Result<String, AwsError> {
        Err(AwsError::new(
            "ServiceUnavailable",
            "Kinesis is not reachable from here",
        ))
    }
}

/// One record a service read from a Kinesis shard on its own behalf (Firehose's source).
#[derive(Clone, Debug)]
pub struct ShardRecord {
    pub sequence_number: String,
    pub data: Vec<u8>,
}

/// Where a service's shard iterator starts: the tip (`LATEST`), the oldest record
/// (`TRIM_HORIZON`), or after the last record it read (`AFTER_SEQUENCE_NUMBER`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamPosition {
    Latest,
    TrimHorizon,
    After(String),
}

/// What a GetRecords a service made answered: the records and the next iterator (`None`
/// once a closed shard is read to its end).
#[derive(Clone, Debug, Default)]
pub struct StreamRead {
    pub records: Vec<ShardRecord>,
    pub next_iterator: Option<String>,
}

/// What a service transforming records with a Lambda function (Firehose, aws-rules §5.4)
/// needs to know of it: its invocation's duration, timeout and failure marker (mqlab's
/// `Environment.Variables` knobs, aws-rules §2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionInfo {
    pub duration_ms: u64,
    pub timeout_ms: u64,
    pub fail_marker: Option<String>,
}

/// The narrow routes Firehose (aws-rules §5) takes to its peers: S3 objects it delivers,
/// the Kinesis shards it reads as a consumer, the Lambda function that transforms. A
/// router that reaches none of them answers as an absent service.
pub trait FirehoseRouter: Router {
    /// Puts an object whose body S3 keeps (GetObject reads it back), through S3's own put
    /// path (its notifications apply).
    fn put_object(
        &mut self,
        _at: Shared<'_>,
        _bucket: &str,
        _key: &str,
        _body: Vec<u8>,
    ) -> Result<(), AwsError> {
        Err(AwsError::new(
            "ServiceUnavailable",
            "S3 is not reachable from here",
        ))
    }

    /// The shard ids of the stream at `stream_arn`, if it exists.
    fn stream_shards(&self, _stream_arn: &str) -> Option<Vec<String>> {
        None
    }

    /// A GetShardIterator through Kinesis's own path (its 5 calls/s per shard apply).
    fn stream_iterator(
        &mut self,
        _at: Shared<'_>,
        _stream_arn: &str,
        _shard_id: &str,
        _from: &StreamPosition,
    ) -> Result<String, AwsError> {
        Err(AwsError::new(
            "ServiceUnavailable",
            "Kinesis is not reachable from here",
        ))
    }

    /// A GetRecords through Kinesis's own path: it shares the shard's 5 reads/s and 2 MiB/s
    /// with every other reader.
    fn read_shard(&mut self, _at: Shared<'_>, _iterator: &str) -> Result<StreamRead, AwsError> {
        Err(AwsError::new(
            "ServiceUnavailable",
            "Kinesis is not reachable from here",
        ))
    }

    /// Invokes the Lambda function an ARN or name names `invocations` times at once (Lambda
    /// counts and bills them) and answers its knobs; `None` if it does not exist.
    fn invoke_function(&mut self, _function: &str, _invocations: u64) -> Option<FunctionInfo> {
        None
    }
}
