//! The diagram: one `<canvas>` drawn from the view model on every frame. A click selects the
//! message or queue under the pointer for the inspector.

use super::same_lab;
use crate::canvas::diagram::{DrawOptions, Hit, Renderer};
use crate::lab::Lab;
use mqlab_appcore::i18n::{t, Lang};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

#[derive(Properties)]
pub struct DiagramProps {
    pub lab: Rc<RefCell<Lab>>,
    pub frame: u64,
    pub lang: Lang,
    pub dark: bool,
    pub reduced_motion: bool,
    pub playing: bool,
    pub selected: Option<Hit>,
    pub on_select: Callback<Option<Hit>>,
}

impl PartialEq for DiagramProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && self.frame == o.frame
            && self.lang == o.lang
            && self.dark == o.dark
            && self.reduced_motion == o.reduced_motion
            && self.playing == o.playing
            && self.selected == o.selected
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Sizes the canvas's backing store to its CSS box × the device pixel ratio and returns its
/// 2D context, scaled so drawing is in CSS pixels.
fn context(canvas: &HtmlCanvasElement) -> Option<(CanvasRenderingContext2d, f64, f64)> {
    let dpr = web_sys::window()?.device_pixel_ratio().clamp(1.0, 3.0);
    let (w, h) = (canvas.client_width() as f64, canvas.client_height() as f64);
    if w < 10.0 || h < 10.0 {
        return None;
    }
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let ctx = canvas
        .get_context("2d")
        .ok()??
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0).ok()?;
    Some((ctx, w, h))
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let canvas = use_node_ref();
    let renderer = use_mut_ref(Renderer::new);
    let last_draw = use_mut_ref(|| None::<f64>);
    {
        let canvas = canvas.clone();
        let renderer = renderer.clone();
        let lab = props.lab.clone();
        let (lang, dark, reduced_motion, selected, playing) = (
            props.lang,
            props.dark,
            props.reduced_motion,
            props.selected,
            props.playing,
        );
        // Every render is a frame to draw.
        use_effect(move || {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                if let Some((ctx, w, h)) = context(&el) {
                    let now = now_ms();
                    let dt = last_draw.borrow().map_or(0.0, |l| now - l);
                    *last_draw.borrow_mut() = Some(now);
                    let opts = DrawOptions {
                        dark,
                        reduced_motion,
                        settle: !playing,
                        lang,
                        real_dt_ms: dt.min(250.0),
                        selected,
                    };
                    renderer
                        .borrow_mut()
                        .draw(&ctx, &lab.borrow().vm, w, h, &opts);
                    let r = renderer.borrow();
                    el.set_attribute("data-marks", &r.drawn.to_string()).ok();
                    el.set_attribute("data-moving", &r.moving.to_string()).ok();
                    // The boxes of the texts drawn, once the run is paused (not every frame
                    // while it plays): a test checks that none covers another.
                    if playing {
                        el.remove_attribute("data-labels").ok();
                    } else {
                        el.set_attribute("data-labels", &r.labels().to_json()).ok();
                    }
                    // Where one message is drawn (and a filter, an endpoint, a copy stopped
                    // at a filter), so a test can click or hover it.
                    let vm = &lab.borrow().vm;
                    let (filter, endpoint) = r
                        .layout()
                        .map_or((None, None), |l| crate::canvas::sns::landmarks(vm, l));
                    let filtered = r.first_copy(vm, |s| {
                        matches!(s, mqlab_appcore::sns_view::CopyState::Filtered { .. })
                    });
                    // Each stream's open / all shards, e.g. "clicks:2/3".
                    let streams: Vec<String> = vm
                        .kinesis
                        .streams
                        .iter()
                        .map(|s| format!("{}:{}/{}", s.name, s.open_shards(), s.shards.len()))
                        .collect();
                    el.set_attribute("data-streams", &streams.join(" ")).ok();
                    // Each Auto Scaling group drawn (the full page): "name:desired:" then its
                    // instances Pending/warming/InService/Terminating, e.g. "workers:10:9/0/1/0".
                    if mqlab_appcore::sim::FULL_PAGE {
                        use mqlab_appcore::view::InstanceState as S;
                        let groups: Vec<String> = r
                            .layout()
                            .map(|l| {
                                l.groups
                                    .iter()
                                    .filter_map(|gb| vm.summary.asgs.get(gb.index))
                                    .map(|g| {
                                        format!(
                                            "{}:{}:{}/{}/{}/{}",
                                            g.name,
                                            g.desired,
                                            g.count(S::Pending),
                                            g.count(S::Warming),
                                            g.count(S::InService),
                                            g.count(S::Terminating)
                                        )
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        el.set_attribute("data-groups", &groups.join(" ")).ok();
                        // Each alarm lamp: "queue:alarm:STATE".
                        let alarms: Vec<String> = vm
                            .summary
                            .queue_alarms
                            .iter()
                            .map(|a| format!("{}:{}:{}", a.queue, a.name, a.state))
                            .collect();
                        el.set_attribute("data-alarms", &alarms.join(" ")).ok();
                    }
                    for (name, at) in [
                        ("data-first-mark", r.first_mark()),
                        ("data-first-filter", filter),
                        ("data-first-endpoint", endpoint),
                        ("data-first-filtered", filtered),
                        (
                            "data-first-stream",
                            r.layout()
                                .and_then(|l| l.streams.iter().flatten().next())
                                .map(|s| (s.rect.x + 20.0, s.rect.y + 10.0)),
                        ),
                    ] {
                        match at {
                            Some((x, y)) => el.set_attribute(name, &format!("{x:.0},{y:.0}")),
                            None => el.remove_attribute(name),
                        }
                        .ok();
                    }
                }
            }
        });
    }
    let onclick = {
        let renderer = renderer.clone();
        let on_select = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            let hit = renderer
                .borrow()
                .hit(e.offset_x() as f64, e.offset_y() as f64);
            on_select.emit(hit);
        })
    };
    // Hovering a copy stopped at a filter (or retried) tells why, in the canvas's title.
    let onmousemove = {
        let renderer = renderer.clone();
        let lab = props.lab.clone();
        let lang = props.lang;
        Callback::from(move |e: MouseEvent| {
            let text = renderer.borrow().hover_text(
                &lab.borrow().vm,
                e.offset_x() as f64,
                e.offset_y() as f64,
                lang,
            );
            if let Some(el) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            {
                match text {
                    Some(text) => el.set_attribute("title", &text).ok(),
                    None => el.remove_attribute("title").ok(),
                };
            }
        })
    };
    html! {
        <canvas
            ref={canvas}
            {onmousemove}
            class="diagram"
            data-testid="diagram"
            role="img"
            aria-label={t(props.lang, "panel.diagram")}
            {onclick}
        />
    }
}
