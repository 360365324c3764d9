//! How the world reaches Amazon MQ (aws-rules §7): through the hooks the first `mq` /
//! `mq-broker` call or `World::with_mq` sets, as for Lambda and Firehose, so that a run that
//! never uses it is untouched and the page links none of it: its timers (brokers' states, a
//! scenario's simulated clients), the close of each minute, its `AWS/AmazonMQ` datapoints and
//! its line of the bill (instance-hours and storage).

use super::{Hooks, Parts};
use crate::mq::MqTimer;

pub(super) const HOOKS: Hooks<MqTimer> = Hooks {
    fire: |w, t| {
        let Parts { at, mut mq, .. } = w.parts();
        let (svc, mut ctx) = mq.at(at);
        svc.on_timer(&mut ctx, t);
    },
    close_minute: |w| w.mq.close_metrics_minute(w.now),
    metrics: |w, out| out.extend(w.mq.metric_rows()),
    bill: |w| w.mq.bill(w.now),
};
