//! Time controls: play / pause, step to the next event, speed, fast-forward, restart (same or
//! new seed), the virtual clock and the seek bar over the run so far.

use super::same_lab;
use crate::format::{format_clock, format_speed};
use crate::lab::Lab;
use crate::state::{Action, SPEEDS};
use mqlab_appcore::i18n::{t, Lang};
use mqlab_engine::core::float::parse_f64;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties)]
pub struct ToolbarProps {
    pub lang: Lang,
    pub lab: Rc<RefCell<Lab>>,
    pub panels: u64,
    pub frame: u64,
    pub playing: bool,
    pub fast_forward: bool,
    pub speed_index: usize,
    pub comparing: bool,
    pub dispatch: Callback<Action>,
}

impl PartialEq for ToolbarProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && self.lang == o.lang
            && self.panels == o.panels
            && self.playing == o.playing
            && self.fast_forward == o.fast_forward
            && self.speed_index == o.speed_index
            && self.comparing == o.comparing
    }
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let lang = props.lang;
    let d = &props.dispatch;
    let lab = props.lab.borrow();
    let now = lab.now();
    let horizon = lab.horizon_ms.max(now);
    let seed = lab.scenario.seed;
    let click = |a: fn() -> Action| d.reform(move |_: MouseEvent| a());
    let on_seek = d.reform(|e: InputEvent| {
        let v = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .and_then(|i| parse_f64(&i.value()).ok())
            .unwrap_or(0.0);
        Action::Seek(v.max(0.0) as u64)
    });
    let speed = if props.fast_forward {
        t(lang, "controls.fast_forward").to_string()
    } else {
        format_speed(SPEEDS[props.speed_index])
    };
    html! {
        <div class="toolbar" role="toolbar" aria-label={t(lang, "controls.seek")}>
            <div class="group">
                <button type="button" class="primary" data-testid="play" onclick={click(|| Action::Play)} disabled={props.playing} aria-keyshortcuts="Space">
                    { "▶ " }{ t(lang, "controls.play") }
                </button>
                <button type="button" data-testid="pause" onclick={click(|| Action::Pause)} disabled={!props.playing} aria-keyshortcuts="Space">
                    { "❚❚ " }{ t(lang, "controls.pause") }
                </button>
                <button type="button" data-testid="step" onclick={click(|| Action::Step)} aria-keyshortcuts="ArrowRight">
                    { "→ " }{ t(lang, "controls.step") }
                </button>
            </div>
            <div class="group" aria-label={t(lang, "controls.speed")}>
                <button type="button" data-testid="slower" aria-label={t(lang, "help.slower")} onclick={click(|| Action::Slower)} disabled={props.speed_index == 0 && !props.fast_forward}>{ "−" }</button>
                <span class="speed" data-testid="speed" data-speed={SPEEDS[props.speed_index].to_string()} title={t(lang, "controls.speed")}>{ speed }</span>
                <button type="button" data-testid="faster" aria-label={t(lang, "help.faster")} onclick={click(|| Action::Faster)} disabled={props.speed_index + 1 == SPEEDS.len() && !props.fast_forward}>{ "+" }</button>
                <button type="button" data-testid="fast-forward" aria-pressed={props.fast_forward.to_string()} onclick={click(|| Action::ToggleFastForward)} title={t(lang, "controls.fast_forward")} aria-label={t(lang, "controls.fast_forward")}>{ "≫" }</button>
            </div>
            <div class="group">
                <button type="button" data-testid="restart" onclick={click(|| Action::Restart { new_seed: false })}>{ "↺ " }{ t(lang, "controls.restart") }</button>
                <button type="button" data-testid="new-seed" onclick={click(|| Action::Restart { new_seed: true })}>{ t(lang, "controls.new_seed") }</button>
                <span class="seed">{ t(lang, "time.seed") }{ " " }<code data-testid="seed">{ seed }</code></span>
                // The API log sits below every parameter: one click away from anywhere.
                <button type="button" data-testid="to-log" onclick={|_| crate::browser::scroll_to("api-calls")}>{ t(lang, "controls.api_log") }</button>
            </div>
            <div class="group timeline">
                <span class="clock">
                    <span class="sr-only">{ t(lang, "time.virtual") }</span>
                    <strong data-testid="clock" data-ms={now.to_string()} title={t(lang, "time.virtual")}>{ format_clock(now) }</strong>
                </span>
                <input
                    type="range"
                    data-testid="seek"
                    aria-label={t(lang, "controls.seek")}
                    min="0"
                    max={horizon.max(1).to_string()}
                    step="1"
                    value={now.to_string()}
                    oninput={on_seek}
                    data-snapshots={lab.snapshot_times().len().to_string()}
                    data-held-bytes={(lab.live_bytes() + lab.snapshot_bytes()).to_string()}
                />
            </div>
        </div>
    }
}
