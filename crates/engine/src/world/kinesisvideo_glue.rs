//! How the world reaches Kinesis Video Streams (aws-rules §6.3): through the fn pointer the
//! first `kinesisvideo` call (or [`World::with_kinesis_video`]) sets, so that a run that never
//! uses it is untouched and the page links none of it.

use super::{Parts, World};
use crate::core::error::AwsError;
use crate::kinesisvideo::{KinesisVideo, VideoTimer};
use serde_json::Value;

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
        self.video_clock = Some(|w, t| {
            let Parts { at, mut video, .. } = w.parts();
            let (svc, mut ctx) = video.at(at);
            svc.on_timer(&mut ctx, t);
        });
        self.extras_clone = Some(World::copy_extras);
        let Parts { at, mut video, .. } = self.parts();
        let (svc, mut ctx) = video.at(at);
        f(svc, &mut ctx)
    }

    pub(super) fn fire_video(&mut self, t: VideoTimer) {
        if let Some(fire) = self.video_clock {
            fire(self, t);
        }
    }
}
