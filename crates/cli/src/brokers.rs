//! `mqlab run`'s summary of Amazon MQ (a scenario's `brokers`): a table of the brokers (state,
//! instances up, messages published, flow-control stalls), one of their destinations
//! (enqueued, delivered, redelivered, acknowledged, in flight, waiting, dead-lettered, lost),
//! one of the simulated clients, and what the scenario's broker events did.

use crate::duration::format_duration;
use crate::run::push_table;
use mqlab_engine::mq::plane::ConnState;
use mqlab_engine::World;

/// Nothing when the run has no broker.
pub fn push_brokers(s: &mut String, world: &World) {
    let mq = world.mq();
    push_table(
        s,
        &[
            ("broker", 32),
            ("engine", 8),
            ("mode", 23),
            ("state", 18),
            ("up", 4),
            ("published", 10),
            ("flow stalls", 11),
            ("connections", 11),
        ],
        mq.brokers().map(|b| {
            let up = b.instances.iter().filter(|i| i.up).count();
            let open = b
                .plane
                .connections
                .iter()
                .filter(|c| c.state == ConnState::Open)
                .count();
            vec![
                b.name.clone(),
                b.engine.as_str().to_string(),
                b.deployment_mode.as_str().to_string(),
                b.state.as_str().to_string(),
                format!("{up}/{}", b.instances.len()),
                b.plane.stats.published.to_string(),
                b.plane.stats.flow_blocked.to_string(),
                open.to_string(),
            ]
        }),
    );
    push_table(
        s,
        &[
            ("broker destination", 32),
            ("enqueued", 9),
            ("delivered", 9),
            ("redelivered", 11),
            ("acked", 9),
            ("in flight", 9),
            ("waiting", 8),
            ("to DLQ", 7),
            ("lost", 7),
            ("dropped", 7),
        ],
        mq.brokers().flat_map(|b| {
            b.plane.stats.dests.iter().map(move |(name, d)| {
                let t = &d.totals;
                let in_flight = b
                    .plane
                    .unacked
                    .values()
                    .filter(|x| &x.queue == name)
                    .count();
                // An exchange or topic holds nothing: its publishes that reached no queue
                // are its only count.
                let kind = if b.plane.exchanges.contains_key(name) {
                    " (exchange)"
                } else if b.plane.topics.contains_key(name) {
                    " (topic)"
                } else {
                    ""
                };
                vec![
                    format!("{}/{name}{kind}", b.name),
                    t.enqueued.to_string(),
                    t.delivered.to_string(),
                    t.redelivered.to_string(),
                    t.acked.to_string(),
                    in_flight.to_string(),
                    b.plane.depth(name).to_string(),
                    t.dead_lettered.to_string(),
                    t.lost.to_string(),
                    (t.dropped + t.unroutable).to_string(),
                ]
            })
        }),
    );
    let clients = &mq.clients;
    push_table(
        s,
        &[
            ("broker producer", 32),
            ("published", 10),
            ("blocked", 8),
            ("refused", 8),
        ],
        clients.producers.iter().map(|p| {
            vec![
                p.spec.name.clone(),
                p.totals.published.to_string(),
                p.totals.blocked.to_string(),
                p.totals.refused.to_string(),
            ]
        }),
    );
    push_table(
        s,
        &[
            ("broker consumer", 32),
            ("instances", 9),
            ("prefetch", 8),
            ("processed", 10),
            ("failed", 8),
            ("peak held", 9),
        ],
        clients.consumer_specs.iter().enumerate().map(|(g, spec)| {
            let mine = || clients.consumers.iter().filter(move |c| c.group == g);
            vec![
                spec.name.clone(),
                mine().count().to_string(),
                if spec.prefetch == 0 {
                    "none".to_string()
                } else {
                    spec.prefetch.to_string()
                },
                mine().map(|c| c.processed).sum::<u64>().to_string(),
                mine().map(|c| c.failed).sum::<u64>().to_string(),
                mine().map(|c| c.peak_held).max().unwrap_or(0).to_string(),
            ]
        }),
    );
    for (e, outcome) in clients.events.iter().zip(&clients.outcomes) {
        let Some(o) = outcome else { continue };
        let what = match &e.action {
            mqlab_engine::mq::clients::Action::Reboot => "RebootBroker".to_string(),
            mqlab_engine::mq::clients::Action::LoseInstance(k) => format!("instance {k} lost"),
            mqlab_engine::mq::clients::Action::RestoreInstance(k) => {
                format!("instance {k} restored")
            }
        };
        match &o.error {
            None => s.push_str(&format!(
                "{} at {}: {what}\n",
                e.broker,
                format_duration(o.at)
            )),
            Some(err) => s.push_str(&format!(
                "{} at {}: {what} refused: {err}\n",
                e.broker,
                format_duration(o.at)
            )),
        }
    }
}
