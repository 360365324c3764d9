//! How the world reaches Kinesis Video Streams (aws-rules §6.3): through the hooks the first
//! `kinesisvideo` call (or [`World::with_kinesis_video`], which a scenario's `video_streams`
//! go through) sets — its timers, metrics minutes and bill — so that a run that never uses it
//! is untouched and the page links none of it.

use super::{Hooks, Parts, World};
use crate::core::error::AwsError;
use crate::kinesisvideo::{KinesisVideo, VideoTimer};
use serde_json::Value;

const HOOKS: Hooks<VideoTimer> = Hooks {
    fire: |w, t| {
        let Parts { at, mut video, .. } = w.parts();
        let (svc, mut ctx) = video.at(at);
        svc.on_timer(&mut ctx, t);
    },
    close_minute: |w| w.kinesis_video.close_metrics_minute(w.now),
    metrics: |w, out| out.extend(w.kinesis_video.metric_rows()),
    bill: |w| w.kinesis_video.bill(w.now),
};

impl World {
    /// A `kinesisvideo` API call.
    pub(super) fn call_kinesis_video(
        &mut self,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        self.with_kinesis_video(|v, ctx| v.call_json(ctx, op, params))
    }

    /// Read access to the video streams and producers.
    pub fn kinesis_video(&self) -> &KinesisVideo {
        &self.kinesis_video
    }

    /// Runs `f` on the service at the current instant (typed operations: producers).
    pub fn with_kinesis_video<R>(
        &mut self,
        f: impl FnOnce(&mut KinesisVideo, &mut crate::kinesisvideo::Ctx) -> R,
    ) -> R {
        self.video_hooks = Some(HOOKS);
        self.extras_clone = Some(World::copy_extras);
        let Parts { at, mut video, .. } = self.parts();
        let (svc, mut ctx) = video.at(at);
        f(svc, &mut ctx)
    }

    pub(super) fn fire_video(&mut self, t: VideoTimer) {
        if let Some(h) = self.video_hooks {
            (h.fire)(self, t);
        }
    }
}
