//! The run's totals, one row per service the run has (SQS: duplicates, redeliveries, empty
//! receives; SNS: published, delivered, filtered, retried, given up, dead-lettered, lost;
//! Kinesis: records in, throttled, resent, read per reader, processed twice, iterator age),
//! then requests and cost over every service, and the run's fingerprint (the same hash the
//! CLI prints for the same scenario and time).

use crate::format::format_usd;
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::numbers::count;
use mqlab_appcore::view::{Summary, Totals};
use yew::prelude::*;

pub struct RunStatsProps {
    pub lang: Lang,
    pub totals: Totals,
    pub summary: Summary,
    pub events: u64,
    pub events_hash: AttrValue,
    pub prefix: AttrValue,
}

/// A plain function, not a component: it renders with its run view (see `queue_table`).
pub fn run_stats(props: &RunStatsProps) -> Html {
    let lang = props.lang;
    let tt = &props.totals;
    let sm = &props.summary;
    let p = &props.prefix;
    let stat = |id: &str, label: String, value: String| {
        html! {
            <div class="stat">
                <dt>{ label }</dt>
                <dd data-testid={format!("{p}{id}")}>{ value }</dd>
            </div>
        }
    };
    let row = |id: &str, key: &str, stats: Html| {
        html! {
            <dl class="stats" data-testid={format!("{p}summary-{id}")}>
                <div class="stat service"><dt>{ t(lang, key) }</dt></div>
                { stats }
            </dl>
        }
    };
    let sqs = sm.queues.then(|| {
        row("sqs", "summary.sqs", html! { <>
            { stat("duplicates", t(lang, "queue.duplicates").into(), count(tt.duplicates)) }
            { stat("redeliveries", t(lang, "msg.receive_count").replace("{n}", "2+"), count(tt.redeliveries)) }
            { stat("empty-receives", t(lang, "queue.empty_receives").into(), count(tt.empty_receives)) }
        </> })
    });
    let sns = sm.sns.map(|s| {
        row("sns", "summary.sns", html! { <>
            { stat("sns-published", t(lang, "summary.sns.published").into(), count(s.published)) }
            { stat("sns-delivered", t(lang, "summary.sns.delivered").into(), count(s.delivered)) }
            { stat("sns-filtered", t(lang, "summary.sns.filtered_out").into(), count(s.filtered_out)) }
            { stat("sns-retried", t(lang, "summary.sns.retried").into(), count(s.retried)) }
            { stat("sns-failed", t(lang, "summary.sns.failed").into(), count(s.failed)) }
            { stat("sns-dlq", t(lang, "summary.sns.to_dlq").into(), count(s.moved_to_dlq)) }
            { stat("sns-lost", t(lang, "summary.sns.lost").into(), count(s.lost)) }
        </> })
    });
    let kinesis = sm.kinesis.as_ref().map(|k| {
        let seconds = |ms: Option<u64>| ms.map_or("–".to_string(), |ms| format!("{:.1} s", ms as f64 / 1000.0));
        row("kinesis", "summary.kinesis", html! { <>
            { stat("kinesis-in", t(lang, "summary.kinesis.records_in").into(), count(k.records_in)) }
            { stat("kinesis-throttled", t(lang, "summary.kinesis.throttled").into(), count(k.write_throttled)) }
            if k.read_throttled > 0 {
                { stat("kinesis-read-throttled", t(lang, "summary.kinesis.read_throttled").into(), count(k.read_throttled)) }
            }
            { stat("kinesis-resent", t(lang, "summary.kinesis.resent").into(), count(k.resent)) }
            { for k.readers.iter().map(|r| stat(
                &format!("kinesis-read-{}", r.name),
                tf(lang, "summary.kinesis.read_by", &[("name", &r.name)]),
                count(r.records_read),
            )) }
            // Readers' numbers only where the stream has readers.
            if !k.readers.is_empty() {
                { stat("kinesis-twice", t(lang, "summary.kinesis.processed_twice").into(), count(k.processed_twice)) }
                { stat("kinesis-behind", t(lang, "summary.kinesis.behind").into(), seconds(k.millis_behind)) }
            }
        </> })
    });
    // The services only the full page links (Lambda, CloudWatch alarms): no rows otherwise.
    let more = sm.more.iter().map(|r| {
        let title = tf(lang, r.title_key, &[("name", &r.name)]);
        html! {
            <dl class="stats" data-testid={format!("{p}summary-{}", r.id)}>
                <div class="stat service"><dt>{ title }</dt></div>
                { for r.stats.iter().map(|s| {
                    let label = if s.label_is_name { s.label.clone() } else { t(lang, &s.label).to_string() };
                    html! {
                        <div class={classes!("stat", s.label_is_name.then(|| format!("alarm-{}", s.value.to_ascii_lowercase())))}>
                            <dt>{ label }</dt>
                            <dd data-testid={format!("{p}{}", s.id)}>{ &s.value }</dd>
                        </div>
                    }
                }) }
            </dl>
        }
    });
    let per_service = [
        (
            sm.queues,
            "summary.requests.sqs",
            sm.requests_sqs,
            "requests-sqs",
        ),
        (
            sm.sns.is_some(),
            "summary.requests.sns",
            sm.requests_sns,
            "requests-sns",
        ),
        (
            sm.kinesis.is_some(),
            "summary.requests.kinesis",
            sm.requests_kinesis,
            "requests-kinesis",
        ),
    ];
    let several = per_service.iter().filter(|s| s.0).count() > 1;
    html! {
        <div class="summary">
            { for sqs }
            { for sns }
            { for kinesis }
            { for more }
            <dl class="stats" data-testid={format!("{p}summary-total")}>
                <div class="stat service"><dt>{ t(lang, "summary.total") }</dt></div>
                if several {
                    { for per_service.iter().filter(|s| s.0).map(|(_, key, n, id)| stat(id, t(lang, key).into(), count(*n))) }
                }
                <div class="stat" title={t(lang, "summary.requests_note")}>
                    <dt>{ t(lang, "cost.requests") }</dt>
                    <dd data-testid={format!("{p}requests")}>{ count(tt.requests) }</dd>
                </div>
                <div class="stat" title={t(lang, "cost.note")}>
                    <dt>{ t(lang, "cost.total") }</dt>
                    <dd data-testid={format!("{p}cost")}>{ format_usd(tt.cost_usd) }</dd>
                </div>
                <div class="stat muted">
                    <dt>{ t(lang, "stats.events") }</dt>
                    <dd data-testid={format!("{p}events")}>{ count(props.events) }</dd>
                </div>
                <div class="stat muted">
                    <dt>{ t(lang, "stats.run_hash") }</dt>
                    <dd><code data-testid={format!("{p}events-hash")}>{ &props.events_hash }</code></dd>
                </div>
            </dl>
        </div>
    }
}
