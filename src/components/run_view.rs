//! One run on screen: its diagram, counters, totals and charts. Two of these side by side on
//! one clock make a comparison.

use super::charts::Charts;
use super::diagram::Diagram;
use super::queue_table::{queue_table, QueueTableProps};
use super::run_stats::{run_stats, RunStatsProps};
use super::same_lab;
use crate::canvas::charts::ChartScope;
use crate::canvas::diagram::Hit;
use crate::lab::Lab;
use crate::state::{Action, Selection};
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::presets;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties)]
pub struct RunViewProps {
    pub side: usize,
    pub lab: Rc<RefCell<Lab>>,
    pub frame: u64,
    pub panels: u64,
    pub lang: Lang,
    pub dark: bool,
    pub reduced_motion: bool,
    pub playing: bool,
    pub title: Option<String>,
    pub selected: Option<Selection>,
    /// The moment a lesson points at (virtual ms), marked on the charts.
    pub marker_ms: Option<u64>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for RunViewProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && self.side == o.side
            && self.frame == o.frame
            && self.panels == o.panels
            && self.lang == o.lang
            && self.dark == o.dark
            && self.reduced_motion == o.reduced_motion
            && self.playing == o.playing
            && self.title == o.title
            && self.selected == o.selected
            && self.marker_ms == o.marker_ms
    }
}

#[function_component(RunView)]
pub fn run_view(props: &RunViewProps) -> Html {
    let lang = props.lang;
    let side = props.side;
    let prefix: AttrValue = if side == 0 { "".into() } else { "cmp-".into() };
    let selected = props.selected.filter(|(s, _)| *s == side).map(|(_, h)| h);
    let on_select = props
        .dispatch
        .reform(move |hit: Option<Hit>| Action::Select(hit.map(|h| (side, h))));
    let on_select_queue = props
        .dispatch
        .reform(move |q: u16| Action::Select(Some((side, Hit::Queue(q)))));

    // Panels: computed at most every refresh (the memo keys on `panels`).
    let panel = {
        let lab = props.lab.clone();
        use_memo((props.panels, props.lab.as_ptr() as usize), move |_| {
            let lab = lab.borrow();
            (
                lab.vm.queues.clone(),
                lab.vm.totals,
                lab.vm.summary.clone(),
                lab.sim().events_seen(),
                format!("{:016x}", lab.sim().events_hash()),
            )
        })
    };
    let (queues, totals, summary, events, hash) = (*panel).clone();
    // A run of brokers or video streams only has nothing for the canvas: its drawings are
    // the services strip's.
    let only_services = {
        let vm = &props.lab.borrow().vm;
        vm.queues.is_empty()
            && vm.sns.is_empty()
            && vm.kinesis.is_empty()
            && !summary.services.is_empty()
    };
    // The charts follow what was clicked: a queue, a topic (or its subscription or copy), a
    // stream; else the first queue, stream or topic the run has.
    let chart_scope = {
        let vm = &props.lab.borrow().vm;
        let copy_topic = |serial| vm.sns.copies.get(&serial).map(|c| c.topic as usize);
        match selected {
            Some(Hit::Queue(q)) => ChartScope::Queue(q as usize),
            Some(Hit::Topic(t) | Hit::Subscription(t, _)) => ChartScope::Topic(t as usize),
            Some(Hit::Copy(serial)) if copy_topic(serial).is_some() => {
                ChartScope::Topic(copy_topic(serial).unwrap_or(0))
            }
            Some(Hit::Stream(s)) => ChartScope::Stream(s as usize),
            _ => match queues
                .iter()
                .position(|q| !q.is_dead_letter_queue && !q.deleted)
            {
                Some(q) => ChartScope::Queue(q),
                None if !vm.kinesis.is_empty() => ChartScope::Stream(0),
                None if !vm.sns.is_empty() => ChartScope::Topic(0),
                None if only_services => ChartScope::Services,
                None => ChartScope::Queue(0),
            },
        }
    };
    let title = props
        .title
        .as_deref()
        .map(|id| presets::title(id, lang).to_string())
        .unwrap_or_else(|| props.lab.borrow().scenario.name.clone());
    let legend = [
        ("dot visible", "msg.state.visible"),
        ("dot in-flight", "msg.state.in_flight"),
        ("dot delayed", "msg.state.delayed"),
        ("dot retried", "msg.receive_count"),
        ("dot dead", "msg.state.dlq"),
        ("glyph", "msg.duplicate"),
        ("glyph empty", "msg.empty_receive"),
        ("glyph lock", "group.locked"),
    ];
    // Only what the run has: queues' marks, SNS copies, Kinesis records.
    let (has_queues, has_topics, has_streams, has_alarm_lamps, has_groups) = {
        let vm = &props.lab.borrow().vm;
        (
            !vm.queues.is_empty(),
            !vm.sns.is_empty(),
            !vm.kinesis.is_empty(),
            !vm.summary.queue_alarms.is_empty(),
            !vm.summary.asgs.is_empty(),
        )
    };
    // The full page's own marks: an alarm's lamp on its queue, a group's instance chips.
    let scaling_legend = [
        ("lamp", "legend.alarm_lamp", has_alarm_lamps),
        ("chip", "legend.instance_chip", has_groups),
    ];
    // SQS's states only where there are queues (an SNS-only or Kinesis-only run has none).
    let sqs_legend: &[(&str, &str)] = if has_queues || (!has_streams && !has_topics) {
        &legend
    } else {
        &[]
    };
    let sns_legend: &[(&str, &str)] = if has_topics {
        &[
            ("dot copy", "legend.copy"),
            ("dot filtered", "legend.filtered"),
            ("dot retrying", "legend.retrying"),
        ]
    } else {
        &[]
    };
    let kinesis_legend: &[(&str, &str)] = if has_streams {
        &[
            ("dot record", "legend.record"),
            ("dot closed-record", "legend.closed_record"),
            ("glyph throttled", "legend.throttled"),
            ("glyph cursor", "legend.cursor"),
            ("glyph checkpoint", "legend.checkpoint"),
        ]
    } else {
        &[]
    };
    html! {
        <article class="run" data-testid={format!("{prefix}run")}>
            <h2 class="run-title">
                { if side == 1 { format!("{} · ", t(lang, "compare.right")) } else { String::new() } }
                <span data-testid={format!("{prefix}scenario")}>{ title }</span>
            </h2>
            if !only_services {
            <Diagram
                lab={props.lab.clone()}
                frame={props.frame}
                {lang}
                dark={props.dark}
                reduced_motion={props.reduced_motion}
                playing={props.playing}
                {selected}
                {on_select}
            />
            }
            if !only_services {
            <ul class="legend">
                { for sqs_legend.iter().chain(sns_legend).chain(kinesis_legend).copied().chain(scaling_legend.iter().filter(|l| l.2).map(|l| (l.0, l.1))).map(|(class, key)| {
                    let text = t(lang, key).replace("{n}", "2+");
                    let mark = match class {
                        "glyph" => "×2",
                        "glyph empty" => "∅",
                        "glyph lock" => "",
                        "glyph throttled" => "✕",
                        "glyph cursor" => "▲",
                        "glyph checkpoint" => "◆",
                        _ => "",
                    };
                    html! { <li><span class={class} aria-hidden="true">{ mark }</span>{ text }</li> }
                }) }
            </ul>
            }
            { super::services::services_strip(lang, &summary.services, props.lab.borrow().vm.now_ms, &prefix) }
            if has_queues || (!has_streams && !has_topics && !only_services) {
                { queue_table(&QueueTableProps { lang, rows: queues, prefix: prefix.clone(), on_select: on_select_queue }) }
            }
            { run_stats(&RunStatsProps { lang, totals, summary, events, events_hash: hash.into(), prefix: prefix.clone() }) }
            <Charts lab={props.lab.clone()} panels={props.panels} {lang} dark={props.dark} scope={chart_scope} marker_ms={props.marker_ms} {prefix} />
        </article>
    }
}
