//! The services of a world, borrowed at once: what the world lends to a client (the simulated
//! producers and consumers, the stream readers) and the router it hands a service for its
//! effects on its peers ([`crate::core::route::Router`]). The one module that knows every
//! service; no service imports it.

use crate::core::ctx::{Ctx, Shared};
use crate::core::error::AwsError;
use crate::core::route::{
    FirehoseRouter, QueueInfo, QueueReceived, QueueSend, Router, ShardRecord, StreamPosition,
    StreamRead, StreamRecord, TopicInfo,
};
use crate::core::sched::Scheduler;
use crate::kinesis::{Kinesis, KinesisTimer};
use crate::s3::{S3Timer, S3};
use crate::sns::{Sns, SnsTimer};
use crate::sqs::{Sqs, SqsTimer};

/// A service and its timer queue.
pub struct Slot<'a, S, T> {
    pub svc: &'a mut S,
    pub timers: &'a mut Scheduler<T>,
}

impl<S, T> Slot<'_, S, T> {
    /// The service, and the instant `at` for it.
    pub fn at<'b>(&'b mut self, at: Shared<'b>) -> (&'b mut S, Ctx<'b, T>) {
        (&mut *self.svc, at.with(&mut *self.timers))
    }

    /// Runs `f` on the service at the caller's instant.
    pub fn with<U, R>(
        &mut self,
        ctx: &mut Ctx<'_, U>,
        f: impl FnOnce(&mut S, &mut Ctx<T>) -> R,
    ) -> R {
        let (svc, mut cx) = self.at(ctx.shared());
        f(svc, &mut cx)
    }
}

/// Kinesis and its timers, as a stream reader (a client) uses them.
pub type KinesisSlot<'a> = Slot<'a, Kinesis, KinesisTimer>;

/// Every service of the world but the one acting (whose slot is `None` while it acts: it
/// cannot route to itself).
pub struct Hub<'a> {
    pub sqs: Option<Slot<'a, Sqs, SqsTimer>>,
    pub sns: Option<Slot<'a, Sns, SnsTimer>>,
    pub kinesis: Option<Slot<'a, Kinesis, KinesisTimer>>,
    pub s3: Option<Slot<'a, S3, S3Timer>>,
}

/// The error a client or a route meets where the world lends it no such service (never, in a
/// world: every client gets every service, and no service routes to itself).
fn absent(service: &str) -> AwsError {
    AwsError::new(
        "ServiceUnavailable",
        format!("{service} is not reachable from here"),
    )
}

macro_rules! client_access {
    ($name:ident, $svc:ty, $timer:ty, $label:literal) => {
        /// The service, and the caller's instant lent to it: `let (svc, mut c) =
        /// hub.X(ctx); svc.op(&mut c, ..)`. `None` only while that service is the one acting.
        pub fn $name<'b, T>(
            &'b mut self,
            ctx: &'b mut Ctx<'_, T>,
        ) -> Result<(&'b mut $svc, Ctx<'b, $timer>), AwsError> {
            match self.$name.as_mut() {
                Some(slot) => Ok(slot.at(ctx.shared())),
                None => Err(absent($label)),
            }
        }
    };
}

impl<'a> Hub<'a> {
    client_access!(sqs, Sqs, SqsTimer, "SQS");
    client_access!(sns, Sns, SnsTimer, "SNS");
    client_access!(kinesis, Kinesis, KinesisTimer, "Kinesis");
    client_access!(s3, S3, S3Timer, "S3");
}

impl Router for Hub<'_> {
    fn queue_send_refusal(
        &self,
        queue_arn: &str,
        principal: &str,
        source_arn: &str,
    ) -> Option<AwsError> {
        let sqs = self.sqs.as_ref()?;
        sqs.svc
            .service_send_refusal(queue_arn, principal, source_arn)
    }

    fn send_to_queue(
        &mut self,
        at: Shared<'_>,
        queue_arn: &str,
        message: &QueueSend,
    ) -> Result<String, AwsError> {
        let slot = self.sqs.as_mut().ok_or_else(|| absent("SQS"))?;
        let (sqs, mut ctx) = slot.at(at);
        sqs.send_from_service(&mut ctx, queue_arn, message)
    }

    fn topic(&self, topic_arn: &str) -> Option<TopicInfo> {
        self.sns.as_ref()?.svc.topic_info(topic_arn)
    }

    fn publish_to_topic(
        &mut self,
        at: Shared<'_>,
        topic_arn: &str,
        subject: &str,
        message: &str,
    ) -> Result<String, AwsError> {
        let slot = self.sns.as_mut().ok_or_else(|| absent("SNS"))?;
        let (sns, mut ctx) = slot.at(at);
        sns.publish_for_service(&mut ctx, topic_arn, subject, message)
            .map(|out| out.message_id)
    }

    fn queue(&self, queue_arn: &str) -> Option<QueueInfo> {
        self.sqs.as_ref()?.svc.queue_info(queue_arn)
    }

    fn receive_from_queue(
        &mut self,
        at: Shared<'_>,
        queue_arn: &str,
        max: usize,
        count_empty: bool,
        actor: &str,
    ) -> Result<Vec<QueueReceived>, AwsError> {
        let slot = self.sqs.as_mut().ok_or_else(|| absent("SQS"))?;
        let (sqs, mut ctx) = slot.at(at);
        sqs.receive_for_service(&mut ctx, queue_arn, max, count_empty, actor)
    }

    fn delete_from_queue(
        &mut self,
        at: Shared<'_>,
        queue_arn: &str,
        receipt_handles: &[String],
        actor: &str,
    ) -> Result<(), AwsError> {
        let slot = self.sqs.as_mut().ok_or_else(|| absent("SQS"))?;
        let (sqs, mut ctx) = slot.at(at);
        sqs.delete_for_service(&mut ctx, queue_arn, receipt_handles, actor)
    }

    fn read_stream(
        &self,
        stream: &str,
        positions: &mut std::collections::BTreeMap<String, String>,
        from_start: bool,
    ) -> Result<Vec<StreamRecord>, AwsError> {
        let kinesis = &self.kinesis.as_ref().ok_or_else(|| absent("Kinesis"))?.svc;
        let s = kinesis
            .stream(stream)
            .ok_or_else(|| crate::kinesis::stream_not_found(stream))?;
        let mut out = Vec::new();
        for shard in &s.shards {
            let from = match positions.get(&shard.shard_id) {
                Some(p) => crate::kinesis::keys::SeqNum::parse(p)
                    .map_or(0, |seq| shard.position(&seq, true)),
                None if from_start => 0,
                None => shard.records.len(),
            };
            let mut last = None;
            for r in shard.records.iter_from(from) {
                let sequence_number = r.seq.to_decimal();
                last = Some(sequence_number.clone());
                out.push(StreamRecord {
                    shard_id: shard.shard_id.clone(),
                    sequence_number,
                    partition_key: r.partition_key.clone(),
                    data: r.data.clone(),
                    arrival: r.arrival,
                });
            }
            let pos = positions.entry(shard.shard_id.clone()).or_default();
            if let Some(l) = last {
                *pos = l;
            } else if pos.is_empty() && !from_start && from > 0 {
                if let Some(r) = shard.records.back() {
                    *pos = r.seq.to_decimal();
                }
            }
        }
        Ok(out)
    }

    fn put_to_stream(
        &mut self,
        at: Shared<'_>,
        stream: &str,
        partition_key: &str,
        data: crate::core::payload::Payload,
    ) -> Result<String, AwsError> {
        let slot = self.kinesis.as_mut().ok_or_else(|| absent("Kinesis"))?;
        let (kinesis, mut ctx) = slot.at(at);
        let input = crate::kinesis::api::PutRecordInput {
            stream_name: Some(stream.to_string()),
            data: Some(data),
            partition_key: Some(partition_key.to_string()),
            ..Default::default()
        };
        kinesis
            .put_record(&mut ctx, &input)
            .map(|o| o.sequence_number)
    }
}

/// Firehose's routes (aws-rules §5): S3 keeps what it delivers, Kinesis answers its reads
/// through GetShardIterator and GetRecords. Lambda is not in the hub; the world's Firehose
/// glue adds the function lookup.
impl FirehoseRouter for Hub<'_> {
    fn put_object(
        &mut self,
        at: Shared<'_>,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(), AwsError> {
        let slot = self.s3.as_mut().ok_or_else(|| absent("S3"))?;
        let (s3, mut ctx) = slot.at(at);
        s3.put_object_kept(&mut ctx, bucket, key, body)
    }

    fn stream_shards(&self, stream_arn: &str) -> Option<Vec<String>> {
        let k = self.kinesis.as_ref()?;
        let s = k.svc.streams().find(|s| s.arn == stream_arn)?;
        Some(s.shards.iter().map(|sh| sh.shard_id.clone()).collect())
    }

    fn stream_iterator(
        &mut self,
        at: Shared<'_>,
        stream_arn: &str,
        shard_id: &str,
        from: &StreamPosition,
    ) -> Result<String, AwsError> {
        let slot = self.kinesis.as_mut().ok_or_else(|| absent("Kinesis"))?;
        let (k, mut ctx) = slot.at(at);
        let input = crate::kinesis::api::GetShardIteratorInput {
            stream_arn: Some(stream_arn.to_string()),
            shard_id: Some(shard_id.to_string()),
            shard_iterator_type: Some(
                match from {
                    StreamPosition::Latest => "LATEST",
                    StreamPosition::TrimHorizon => "TRIM_HORIZON",
                    StreamPosition::After(_) => "AFTER_SEQUENCE_NUMBER",
                }
                .to_string(),
            ),
            starting_sequence_number: match from {
                StreamPosition::After(seq) => Some(seq.clone()),
                _ => None,
            },
            ..Default::default()
        };
        k.get_shard_iterator(&mut ctx, &input)
            .map(|o| o.shard_iterator)
    }

    fn read_shard(&mut self, at: Shared<'_>, iterator: &str) -> Result<StreamRead, AwsError> {
        let slot = self.kinesis.as_mut().ok_or_else(|| absent("Kinesis"))?;
        let (k, mut ctx) = slot.at(at);
        let input = crate::kinesis::api::GetRecordsInput {
            shard_iterator: Some(iterator.to_string()),
            limit: None,
            stream_arn: None,
        };
        let out = k.get_records(&mut ctx, &input)?;
        Ok(StreamRead {
            records: out
                .records
                .iter()
                .map(|r| ShardRecord {
                    sequence_number: r.sequence_number.clone(),
                    data: r.data.as_bytes().into_owned(),
                })
                .collect(),
            next_iterator: out.next_shard_iterator,
        })
    }
}
