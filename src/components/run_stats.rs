//! The run's totals, one row per service the run has (SQS: duplicates, redeliveries, empty
//! receives; SNS: published, delivered, filtered, retried, given up, dead-lettered, lost;
//! Kinesis: records in, throttled, resent, read per reader, processed twice, iterator age),
//! then requests and cost over every service, and the run's fingerprint (the same hash the
//! CLI prints for the same scenario and time).

use crate::format::format_usd;
use mqlab_appcore::i18n::{t, tf, Lang};
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
            { stat("duplicates", t(lang, "queue.duplicates").into(), tt.duplicates.to_string()) }
            { stat("redeliveries", t(lang, "msg.receive_count").replace("{n}", "2+"), tt.redeliveries.to_string()) }
            { stat("empty-receives", t(lang, "queue.empty_receives").into(), tt.empty_receives.to_string()) }
        </> })
    });
    let sns = sm.sns.map(|s| {
        row("sns", "summary.sns", html! { <>
            { stat("sns-published", t(lang, "summary.sns.published").into(), s.published.to_string()) }
            { stat("sns-delivered", t(lang, "summary.sns.delivered").into(), s.delivered.to_string()) }
            { stat("sns-filtered", t(lang, "summary.sns.filtered_out").into(), s.filtered_out.to_string()) }
            { stat("sns-retried", t(lang, "summary.sns.retried").into(), s.retried.to_string()) }
            { stat("sns-failed", t(lang, "summary.sns.failed").into(), s.failed.to_string()) }
            { stat("sns-dlq", t(lang, "summary.sns.to_dlq").into(), s.moved_to_dlq.to_string()) }
            { stat("sns-lost", t(lang, "summary.sns.lost").into(), s.lost.to_string()) }
        </> })
    });
    let kinesis = sm.kinesis.as_ref().map(|k| {
        let seconds = |ms: Option<u64>| ms.map_or("–".to_string(), |ms| format!("{:.1} s", ms as f64 / 1000.0));
        row("kinesis", "summary.kinesis", html! { <>
            { stat("kinesis-in", t(lang, "summary.kinesis.records_in").into(), k.records_in.to_string()) }
            { stat("kinesis-throttled", t(lang, "summary.kinesis.throttled").into(), k.write_throttled.to_string()) }
            if k.read_throttled > 0 {
                { stat("kinesis-read-throttled", t(lang, "summary.kinesis.read_throttled").into(), k.read_throttled.to_string()) }
            }
            { stat("kinesis-resent", t(lang, "summary.kinesis.resent").into(), k.resent.to_string()) }
            { for k.readers.iter().map(|r| stat(
                &format!("kinesis-read-{}", r.name),
                tf(lang, "summary.kinesis.read_by", &[("name", &r.name)]),
                r.records_read.to_string(),
            )) }
            // Readers' numbers only where the stream has readers.
            if !k.readers.is_empty() {
                { stat("kinesis-twice", t(lang, "summary.kinesis.processed_twice").into(), k.processed_twice.to_string()) }
                { stat("kinesis-behind", t(lang, "summary.kinesis.behind").into(), seconds(k.millis_behind)) }
            }
        </> })
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
            <dl class="stats" data-testid={format!("{p}summary-total")}>
                <div class="stat service"><dt>{ t(lang, "summary.total") }</dt></div>
                if several {
                    { for per_service.iter().filter(|s| s.0).map(|(_, key, n, id)| stat(id, t(lang, key).into(), n.to_string())) }
                }
                <div class="stat" title={t(lang, "summary.requests_note")}>
                    <dt>{ t(lang, "cost.requests") }</dt>
                    <dd data-testid={format!("{p}requests")}>{ tt.requests }</dd>
                </div>
                <div class="stat" title={t(lang, "cost.note")}>
                    <dt>{ t(lang, "cost.total") }</dt>
                    <dd data-testid={format!("{p}cost")}>{ format_usd(tt.cost_usd) }</dd>
                </div>
                <div class="stat muted">
                    <dt>{ t(lang, "stats.events") }</dt>
                    <dd data-testid={format!("{p}events")}>{ props.events }</dd>
                </div>
                <div class="stat muted">
                    <dt>{ t(lang, "stats.run_hash") }</dt>
                    <dd><code data-testid={format!("{p}events-hash")}>{ &props.events_hash }</code></dd>
                </div>
            </dl>
        </div>
    }
}
