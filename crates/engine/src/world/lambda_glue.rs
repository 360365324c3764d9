//! How the world reaches Lambda (aws-rules §2.1): through fn pointers the first `lambda`
//! call sets, as `alarm_clock` is for CloudWatch, so that a run that never calls it is
//! untouched and a build that makes no API calls (the page) links none of Lambda. Lambda
//! acts on its queues through the router ([`Hub`]), with every other service as its peer.

use super::{Hooks, Parts, World};
use crate::core::error::AwsError;
use crate::hub::Hub;
use crate::lambda::LambdaTimer;
use serde_json::Value;

const HOOKS: Hooks<LambdaTimer> = Hooks {
    fire: |w, t| w.with_lambda(|l, ctx, peers| l.on_timer(ctx, peers, t)),
    close_minute: |w| w.lambda.close_metrics_minute(w.now),
    metrics: |w, out| out.extend(w.lambda.metric_rows()),
    bill: |w| w.lambda.bill(),
};

impl World {
    /// A `lambda` API call (the first sets the hooks).
    pub(super) fn call_lambda(&mut self, op: &str, params: &Value) -> Result<Value, AwsError> {
        self.lambda_hooks = Some(HOOKS);
        self.extras_clone = Some(World::copy_extras);
        self.with_lambda(|l, ctx, peers| l.call_json(ctx, peers, op, params))
    }

    /// A scenario's function (CreateFunction with typed members; the first sets the hooks).
    pub(crate) fn create_function(
        &mut self,
        i: &crate::lambda::api::CreateFunctionInput,
    ) -> Result<Value, AwsError> {
        self.lambda_hooks = Some(HOOKS);
        self.extras_clone = Some(World::copy_extras);
        self.with_lambda(|l, ctx, _| l.create_function(ctx, i))
    }

    /// A scenario's event source mapping (CreateEventSourceMapping with typed members).
    pub(crate) fn create_event_source_mapping(
        &mut self,
        i: &crate::lambda::api::MappingInput,
    ) -> Result<Value, AwsError> {
        self.lambda_hooks = Some(HOOKS);
        self.extras_clone = Some(World::copy_extras);
        self.with_lambda(|l, ctx, peers| l.create_event_source_mapping(ctx, peers, i))
    }

    /// Runs `f` on Lambda at the current instant with its peers as its router.
    fn with_lambda<R>(
        &mut self,
        f: impl FnOnce(&mut crate::lambda::Lambda, &mut crate::lambda::Ctx, &mut Hub) -> R,
    ) -> R {
        let Parts {
            at,
            sqs,
            sns,
            kinesis,
            s3,
            mut lambda,
            ..
        } = self.parts();
        let mut peers = Hub {
            sqs: Some(sqs),
            sns: Some(sns),
            kinesis: Some(kinesis),
            s3: Some(s3),
        };
        let (svc, mut ctx) = lambda.at(at);
        f(svc, &mut ctx, &mut peers)
    }
}
