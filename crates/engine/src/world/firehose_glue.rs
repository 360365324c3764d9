//! How the world reaches Firehose (aws-rules §5): through fn pointers the first `firehose`
//! call sets, as for Lambda, so that a run that never calls it is untouched and a build that
//! makes no API calls (the page) links none of it. Firehose acts on its peers through the
//! router: the hub (S3 for its deliveries, Kinesis for its source stream) and, for its
//! transformation, Lambda's functions (which count and bill the invocations).

use super::{Hooks, Parts, World};
use crate::core::ctx::Shared;
use crate::core::error::AwsError;
use crate::core::route::{
    FirehoseRouter, FunctionInfo, QueueSend, Router, StreamPosition, StreamRead, TopicInfo,
};
use crate::firehose::{Firehose, FirehoseTimer};
use crate::hub::Hub;
use crate::lambda::Lambda;
use serde_json::Value;

const HOOKS: Hooks<FirehoseTimer> = Hooks {
    fire: |w, t| w.with_firehose(|f, ctx, peers| f.on_timer(ctx, peers, t)),
    close_minute: |w| w.firehose.close_metrics_minute(w.now),
    metrics: |w, out| out.extend(w.firehose.metric_rows()),
    bill: |w| w.firehose.bill(),
};

/// Firehose's peers: every service of the hub, and Lambda's functions to read.
struct Peers<'a> {
    hub: Hub<'a>,
    lambda: &'a mut Lambda,
}

impl Router for Peers<'_> {
    fn queue_send_refusal(
        &self,
        queue_arn: &str,
        principal: &str,
        source_arn: &str,
    ) -> Option<AwsError> {
        self.hub
            .queue_send_refusal(queue_arn, principal, source_arn)
    }
    fn send_to_queue(
        &mut self,
        at: Shared<'_>,
        queue_arn: &str,
        message: &QueueSend,
    ) -> Result<String, AwsError> {
        self.hub.send_to_queue(at, queue_arn, message)
    }
    fn topic(&self, topic_arn: &str) -> Option<TopicInfo> {
        self.hub.topic(topic_arn)
    }
    fn publish_to_topic(
        &mut self,
        at: Shared<'_>,
        topic_arn: &str,
        subject: &str,
        message: &str,
    ) -> Result<String, AwsError> {
        self.hub.publish_to_topic(at, topic_arn, subject, message)
    }
}

impl FirehoseRouter for Peers<'_> {
    fn put_object(
        &mut self,
        at: Shared<'_>,
        bucket: &str,
        key: &str,
        body: Vec<u8>,
    ) -> Result<(), AwsError> {
        self.hub.put_object(at, bucket, key, body)
    }
    fn stream_shards(&self, stream_arn: &str) -> Option<Vec<String>> {
        self.hub.stream_shards(stream_arn)
    }
    fn stream_iterator(
        &mut self,
        at: Shared<'_>,
        stream_arn: &str,
        shard_id: &str,
        from: &StreamPosition,
    ) -> Result<String, AwsError> {
        self.hub.stream_iterator(at, stream_arn, shard_id, from)
    }
    fn read_shard(&mut self, at: Shared<'_>, iterator: &str) -> Result<StreamRead, AwsError> {
        self.hub.read_shard(at, iterator)
    }
    /// A function by name or ARN (`arn:aws:lambda:…:function:name[:qualifier]`).
    fn invoke_function(&mut self, function: &str, invocations: u64) -> Option<FunctionInfo> {
        let name = match function.split(':').position(|p| p == "function") {
            Some(i) => function.split(':').nth(i + 1)?,
            None => function,
        };
        self.lambda.invoke_for_service(name, invocations)
    }
}

impl World {
    /// A `firehose` API call (the first sets the hooks).
    pub(super) fn call_firehose(&mut self, op: &str, params: &Value) -> Result<Value, AwsError> {
        self.firehose_hooks = Some(HOOKS);
        self.extras_clone = Some(World::copy_extras);
        self.with_firehose(|f, ctx, peers| f.call_json(ctx, peers, op, params))
    }

    /// A scenario's delivery stream (CreateDeliveryStream's members), ACTIVE at once; the
    /// first sets the hooks, as a `firehose` call does.
    pub(crate) fn create_delivery_stream_active(
        &mut self,
        params: &Value,
    ) -> Result<Value, AwsError> {
        self.firehose_hooks = Some(HOOKS);
        self.extras_clone = Some(World::copy_extras);
        self.with_firehose(|f, ctx, peers| f.create_active(ctx, peers, params))
    }

    /// Runs `f` on Firehose at the current instant with its peers as its router.
    fn with_firehose<R>(
        &mut self,
        f: impl FnOnce(&mut Firehose, &mut crate::firehose::Ctx, &mut dyn FirehoseRouter) -> R,
    ) -> R {
        let Parts {
            at,
            sqs,
            sns,
            kinesis,
            s3,
            lambda,
            mut firehose,
            ..
        } = self.parts();
        let mut peers = Peers {
            hub: Hub {
                sqs: Some(sqs),
                sns: Some(sns),
                kinesis: Some(kinesis),
                s3: Some(s3),
            },
            lambda: lambda.svc,
        };
        let (svc, mut ctx) = firehose.at(at);
        f(svc, &mut ctx, &mut peers)
    }
}
