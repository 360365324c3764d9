//! One row per queue with its live counters. Each cell carries
//! `data-testid="<prefix><counter>-<queue>"` so tests can read it.

use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::numbers::count;
use mqlab_appcore::view::QueueView;
use yew::prelude::*;

pub struct QueueTableProps {
    pub lang: Lang,
    pub rows: Vec<QueueView>,
    /// Prefix of the test ids ("" for the main run, "cmp-" for the compared one).
    pub prefix: AttrValue,
    pub on_select: Callback<u16>,
}

/// A plain function, not a component: it renders with its run view, every frame (a component
/// of its own would cost ~2 KB of wasm for skipping a table of a few rows).
pub fn queue_table(props: &QueueTableProps) -> Html {
    let lang = props.lang;
    let head = |key: &str, aws: &str| html! { <th scope="col" title={aws.to_string()}>{ t(lang, key) }</th> };
    html! {
        // Focusable so that the arrow keys scroll it when it is wider than its panel.
        <div class="table-wrap" tabindex="0" role="region" aria-label={t(lang, "queue.table")}>
            <table data-testid={format!("{}queues", props.prefix)}>
                <thead>
                    <tr>
                        <th scope="col">{ "QueueName" }</th>
                        { head("queue.visible", "ApproximateNumberOfMessagesVisible") }
                        { head("queue.in_flight", "ApproximateNumberOfMessagesNotVisible") }
                        { head("queue.delayed", "ApproximateNumberOfMessagesDelayed") }
                        { head("queue.sent", "NumberOfMessagesSent") }
                        { head("queue.received", "NumberOfMessagesReceived") }
                        { head("queue.deleted", "NumberOfMessagesDeleted") }
                        { head("queue.empty_receives", "NumberOfEmptyReceives") }
                        { head("queue.dlq", "") }
                    </tr>
                </thead>
                <tbody>
                    { for props.rows.iter().enumerate().filter(|(_, q)| !q.deleted).map(|(i, row)| {
                        let name = &row.name;
                        let p = &props.prefix;
                        let cell = |counter: &str, value: String| html! {
                            <td data-testid={format!("{p}{counter}-{name}")}>{ value }</td>
                        };
                        let select = props.on_select.reform(move |_: MouseEvent| i as u16);
                        html! {
                            <tr key={name.clone()}>
                                <th scope="row">
                                    <button type="button" class="link" onclick={select}>{ name }</button>
                                    { if row.fifo { " (FIFO)" } else { "" } }
                                    { if row.is_dead_letter_queue { " (DLQ)" } else { "" } }
                                </th>
                                { cell("visible", count(row.visible as u64)) }
                                { cell("in-flight", count(row.in_flight as u64)) }
                                { cell("delayed", count(row.delayed as u64)) }
                                { cell("sent", count(row.sent)) }
                                { cell("received", count(row.received)) }
                                { cell("deleted", count(row.deleted_messages)) }
                                { cell("empty", count(row.empty_receives)) }
                                { cell("moved", count(row.moved_to_dlq)) }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </div>
    }
}
