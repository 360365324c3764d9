//! One row per queue with its live counters. Each cell carries `data-testid="<counter>-<queue>"`
//! so tests can read it.

use crate::view_model::QueueRow;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct QueueTableProps {
    pub rows: Vec<QueueRow>,
}

#[function_component(QueueTable)]
pub fn queue_table(props: &QueueTableProps) -> Html {
    html! {
        <div class="table-wrap">
            <table data-testid="queues">
                <caption class="sr-only">{ "SQS queues" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Queue" }</th>
                        <th scope="col" title="ApproximateNumberOfMessagesVisible">{ "Visible" }</th>
                        <th scope="col" title="ApproximateNumberOfMessagesNotVisible">{ "In flight" }</th>
                        <th scope="col" title="ApproximateNumberOfMessagesDelayed">{ "Delayed" }</th>
                        <th scope="col" title="NumberOfMessagesSent">{ "Sent" }</th>
                        <th scope="col" title="NumberOfMessagesReceived">{ "Received" }</th>
                        <th scope="col" title="NumberOfMessagesDeleted">{ "Deleted" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for props.rows.iter().map(|row| html! { <QueueRowView key={row.name.clone()} row={row.clone()} /> }) }
                </tbody>
            </table>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct QueueRowProps {
    pub row: QueueRow,
}

#[function_component(QueueRowView)]
fn queue_row_view(props: &QueueRowProps) -> Html {
    let row = &props.row;
    let cell = |counter: &str, value: String| {
        html! { <td data-testid={format!("{counter}-{}", row.name)}>{ value }</td> }
    };
    html! {
        <tr>
            <th scope="row">{ &row.name }{ if row.fifo { " (FIFO)" } else { "" } }</th>
            { cell("visible", row.visible.to_string()) }
            { cell("in-flight", row.in_flight.to_string()) }
            { cell("delayed", row.delayed.to_string()) }
            { cell("sent", row.sent.to_string()) }
            { cell("received", row.received.to_string()) }
            { cell("deleted", row.deleted.to_string()) }
        </tr>
    }
}
