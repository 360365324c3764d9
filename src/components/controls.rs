//! Play / pause and the virtual clock.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    /// Virtual ms per real ms.
    pub speed: f64,
    pub clock: AttrValue,
    pub now_ms: u64,
    pub on_play: Callback<()>,
    pub on_pause: Callback<()>,
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let play = props.on_play.reform(|_: MouseEvent| ());
    let pause = props.on_pause.reform(|_: MouseEvent| ());
    html! {
        <div class="toolbar">
            <button type="button" data-testid="play" onclick={play} disabled={props.playing}>
                { "▶ Play" }
            </button>
            <button type="button" data-testid="pause" onclick={pause} disabled={!props.playing}>
                { "‖ Pause" }
            </button>
            <span class="clock">
                { "virtual time " }
                <strong data-testid="clock" data-ms={props.now_ms.to_string()}>{ &props.clock }</strong>
            </span>
            <span class="speed" data-testid="speed">{ format!("{}× real time", props.speed) }</span>
        </div>
    }
}
