//! What the page shows, computed from engine state by one pure function. Components render a
//! `ViewModel` and nothing else, so everything they display can be checked without a browser.

use crate::sim::Sim;

/// One row of the queue table, with the counters the SQS console and CloudWatch show.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueRow {
    pub name: String,
    pub fifo: bool,
    /// ApproximateNumberOfMessagesVisible
    pub visible: usize,
    /// ApproximateNumberOfMessagesNotVisible
    pub in_flight: usize,
    /// ApproximateNumberOfMessagesDelayed
    pub delayed: usize,
    /// NumberOfMessagesSent, since the run began
    pub sent: u64,
    /// NumberOfMessagesReceived, since the run began
    pub received: u64,
    /// NumberOfMessagesDeleted, since the run began
    pub deleted: u64,
    pub moved_to_dlq: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ViewModel {
    pub scenario: String,
    /// Virtual time, ms since the run began.
    pub now_ms: u64,
    /// `now_ms` as the page prints it.
    pub clock: String,
    pub queues: Vec<QueueRow>,
    pub requests: u64,
    /// The cost meter in US dollars, printed.
    pub cost: String,
    pub events: u64,
    /// The running events hash, 16 hex digits.
    pub events_hash: String,
}

/// Fold the state of a run into what the page shows.
pub fn view_model(sim: &Sim) -> ViewModel {
    let world = sim.world();
    let sqs = world.sqs();
    let queues = sqs
        .queue_summaries()
        .into_iter()
        .map(|q| QueueRow {
            name: q.name,
            fifo: q.fifo,
            visible: q.visible,
            in_flight: q.in_flight,
            delayed: q.delayed,
            sent: q.sent,
            received: q.received,
            deleted: q.deleted,
            moved_to_dlq: q.moved_to_dlq,
        })
        .collect();
    let cost = sqs.cost();
    ViewModel {
        scenario: sim.name().to_owned(),
        now_ms: world.now(),
        clock: format_clock(world.now()),
        queues,
        requests: cost.requests(),
        cost: format_usd(cost.usd()),
        events: sim.events_seen(),
        events_hash: format!("{:016x}", sim.events_hash()),
    }
}

/// Virtual time as `h:mm:ss.t`; days are counted in hours (a 14-day run shows 336:00:00.0).
pub fn format_clock(ms: u64) -> String {
    let tenths = (ms / 100) % 10;
    let s = ms / 1000;
    format!("{}:{:02}:{:02}.{}", s / 3600, (s / 60) % 60, s % 60, tenths)
}

/// Dollars with enough digits to see single requests move the meter ($0.40 per million).
pub fn format_usd(usd: f64) -> String {
    format!("${usd:.7}")
}
