//! The run's totals: duplicates and redeliveries, empty receives, the cost meter, and the
//! run's fingerprint (the same hash the CLI prints for the same scenario and time).

use crate::format::format_usd;
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::view::Totals;
use yew::prelude::*;

pub struct RunStatsProps {
    pub lang: Lang,
    pub totals: Totals,
    pub events: u64,
    pub events_hash: AttrValue,
    pub prefix: AttrValue,
}

/// A plain function, not a component: it renders with its run view (see `queue_table`).
pub fn run_stats(props: &RunStatsProps) -> Html {
    let lang = props.lang;
    let tt = &props.totals;
    let p = &props.prefix;
    let stat = |id: &str, key: &str, value: String| {
        html! {
            <div class="stat">
                <dt>{ t(lang, key) }</dt>
                <dd data-testid={format!("{p}{id}")}>{ value }</dd>
            </div>
        }
    };
    html! {
        <dl class="stats">
            { stat("duplicates", "queue.duplicates", tt.duplicates.to_string()) }
            <div class="stat">
                <dt title="receive count > 1">{ t(lang, "msg.receive_count").replace("{n}", "2+") }</dt>
                <dd data-testid={format!("{p}redeliveries")}>{ tt.redeliveries }</dd>
            </div>
            { stat("empty-receives", "queue.empty_receives", tt.empty_receives.to_string()) }
            { stat("requests", "cost.requests", tt.requests.to_string()) }
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
    }
}
