//! The cost meter and the run's fingerprint.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RunStatsProps {
    pub requests: u64,
    pub cost: AttrValue,
    pub events: u64,
    pub events_hash: AttrValue,
}

#[function_component(RunStats)]
pub fn run_stats(props: &RunStatsProps) -> Html {
    html! {
        <footer>
            <span class="cost">
                { "SQS requests " }<span data-testid="requests">{ props.requests }</span>
                { " · cost " }<span data-testid="cost">{ &props.cost }</span>
            </span>
            { " · events " }<span data-testid="events">{ props.events }</span>
            { " · run hash " }<code data-testid="events-hash">{ &props.events_hash }</code>
        </footer>
    }
}
