//! The inspector's Kinesis view: a clicked stream's summary (as DescribeStreamSummary names
//! it) and its shards as ListShards would list them — each hash-key range in full, parents,
//! open or closed — with what each holds, took in and refused.

use crate::canvas::kinesis::short_id;
use crate::lab::Lab;
use mqlab_appcore::i18n::{t, Lang};
use yew::prelude::*;

pub fn stream_view(lab: &Lab, si: u16, lang: Lang) -> Html {
    let Some(st) = lab.vm.kinesis.streams.get(si as usize) else {
        return html! {};
    };
    let readers: Vec<String> = lab
        .vm
        .kinesis
        .readers
        .iter()
        .filter(|r| r.stream == st.name)
        .map(|r| {
            format!(
                "{} / {}{} · ✓{} · ×2 {}",
                r.consumer,
                r.worker,
                if r.enhanced_fan_out { " (EFO)" } else { "" },
                r.processed,
                r.duplicates
            )
        })
        .collect();
    html! {
        <div data-testid="inspector-stream">
            <p><code>{ mqlab_engine::kinesis::stream_arn(&st.name) }</code></p>
            <table class="attributes">
                <tbody>
                    <tr><th scope="row">{ "StreamStatus" }</th><td>{ &st.status }</td></tr>
                    <tr><th scope="row">{ "StreamMode" }</th><td>{ &st.mode }</td></tr>
                    <tr><th scope="row">{ "RetentionPeriodHours" }</th><td>{ st.retention_hours }</td></tr>
                    <tr><th scope="row">{ "OpenShardCount" }</th><td data-testid="open-shards">{ st.open_shards() }</td></tr>
                </tbody>
            </table>
            <h3>{ t(lang, "inspector.shards") }</h3>
            <table class="attributes" data-testid="inspector-shards">
                <tbody>
                    { for st.shards.iter().map(|s| html! {
                        <tr>
                            <th scope="row">{ format!("{} {}", short_id(&s.id), if s.open { "" } else { t(lang, "kinesis.closed") }) }</th>
                            <td>
                                <code>{ &s.id }</code>
                                <div class="muted">{ format!("HashKeyRange {} – {}", s.start_hash, s.end_hash) }</div>
                                if let Some(p) = &s.parent {
                                    <div class="muted">{ format!("ParentShardId {p}") }</div>
                                }
                                if let Some(p) = &s.adjacent_parent {
                                    <div class="muted">{ format!("AdjacentParentShardId {p}") }</div>
                                }
                                <div>{ format!("IncomingRecords {} · {} {} · WriteProvisionedThroughputExceeded {} · ReadProvisionedThroughputExceeded {}",
                                    s.records_in, t(lang, "kinesis.stored"), s.stored, s.writes_throttled, s.reads_throttled) }</div>
                            </td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if !readers.is_empty() {
                <h3>{ t(lang, "inspector.readers") }</h3>
                <ul class="subs">{ for readers.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
            }
        </div>
    }
}
