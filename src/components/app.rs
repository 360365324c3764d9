//! The page: loads the built-in scenario, owns the reducer and the frame loop.

use super::controls::Controls;
use super::queue_table::QueueTable;
use super::run_stats::RunStats;
use crate::frame_loop::FrameLoop;
use crate::state::{Action, AppState};
use crate::SMOKE_SCENARIO;
use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::load(SMOKE_SCENARIO));

    // The frame loop runs only while playing; dropping it (on pause or unmount) stops it.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |&playing| {
            let frame_loop = playing.then(|| {
                FrameLoop::start(move |real_elapsed_ms| {
                    dispatcher.dispatch(Action::Frame { real_elapsed_ms })
                })
            });
            move || drop(frame_loop)
        });
    }

    let on_play = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Play))
    };
    let on_pause = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Pause))
    };

    let body = match (&state.view, &state.error) {
        (Some(view), _) => html! {
            <>
                <header>
                    <h1>{ "mq" }<span>{ "lab" }</span></h1>
                    <span class="scenario">{ "scenario: " }<strong data-testid="scenario">{ &view.scenario }</strong></span>
                </header>
                <Controls
                    playing={state.playing}
                    speed={state.speed}
                    clock={view.clock.clone()}
                    now_ms={view.now_ms}
                    {on_play}
                    {on_pause}
                />
                <QueueTable rows={view.queues.clone()} />
                <RunStats
                    requests={view.requests}
                    cost={view.cost.clone()}
                    events={view.events}
                    events_hash={view.events_hash.clone()}
                />
            </>
        },
        (None, error) => html! {
            <>
                <header><h1>{ "mq" }<span>{ "lab" }</span></h1></header>
                <p class="error" role="alert" data-testid="error">
                    { "The scenario could not be loaded: " }{ error.clone().unwrap_or_default() }
                </p>
            </>
        },
    };
    html! { <main>{ body }</main> }
}
