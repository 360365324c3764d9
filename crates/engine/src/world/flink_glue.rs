//! How the world reaches Managed Service for Apache Flink (aws-rules §6.2): through the fn
//! pointer the first `kinesisanalyticsv2` call (or [`World::with_flink`]) sets, as Lambda's
//! hooks are set, so that a run that never uses it is untouched and the page links none of
//! it. An application reads and writes Kinesis streams through the router ([`Hub`]).

use super::{Parts, World};
use crate::core::error::AwsError;
use crate::flink::{Ctx, Flink, FlinkTimer};
use crate::hub::Hub;
use serde_json::Value;

impl World {
    /// A `kinesisanalyticsv2` API call.
    pub(super) fn call_flink(&mut self, op: &str, params: &Value) -> Result<Value, AwsError> {
        self.with_flink(|f, ctx, _| f.call_json(ctx, op, params))
    }

    /// A scenario's application (CreateApplication's members), RUNNING at once; answers the
    /// window it computes. Sets the clock, as every Flink call does.
    pub(crate) fn create_running_application(
        &mut self,
        params: &Value,
    ) -> Result<crate::flink::WindowSpec, AwsError> {
        self.with_flink(|f, ctx, _| f.create_running(ctx, params))
    }

    /// Read access to the Flink applications (their totals, open windows, watermark).
    pub fn flink(&self) -> &Flink {
        &self.flink
    }

    /// Runs `f` on the service at the current instant with its peers as its router (a
    /// scenario declaring an application: `w.with_flink(|f, ctx, _| f.run_spec(ctx, ..))`).
    pub fn with_flink<R>(&mut self, f: impl FnOnce(&mut Flink, &mut Ctx, &mut Hub) -> R) -> R {
        self.flink_clock =
            Some(|w, t| w.flink_at(&mut |f, ctx, peers| f.on_timer(ctx, peers, t.clone())));
        self.extras_clone = Some(World::copy_extras);
        let mut f = Some(f);
        let mut r = None;
        self.flink_at(&mut |svc, ctx, peers| {
            if let Some(f) = f.take() {
                r = Some(f(svc, ctx, peers));
            }
        });
        r.expect("flink_at runs its closure once")
    }

    fn flink_at(&mut self, f: &mut dyn FnMut(&mut Flink, &mut Ctx, &mut Hub)) {
        let Parts {
            at,
            sqs,
            sns,
            kinesis,
            s3,
            mut flink,
            ..
        } = self.parts();
        let mut peers = Hub {
            sqs: Some(sqs),
            sns: Some(sns),
            kinesis: Some(kinesis),
            s3: Some(s3),
        };
        let (svc, mut ctx) = flink.at(at);
        f(svc, &mut ctx, &mut peers);
        self.route_replies();
    }

    pub(super) fn fire_flink(&mut self, t: FlinkTimer) {
        if let Some(fire) = self.flink_clock {
            fire(self, t);
        }
    }
}
