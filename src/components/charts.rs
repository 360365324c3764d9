//! CloudWatch-style charts of one queue, redrawn a few times a second (not every frame: a
//! chart changes once per sample, and plotters is not free).

use super::same_lab;
use crate::canvas::charts::{charts_for, draw};
use crate::lab::Lab;
use mqlab_appcore::i18n::{t, Lang};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Charts redraw every this many panel refreshes while playing.
const REDRAW_EVERY_PANELS: u64 = 3;
/// How many charts there are (see `canvas::charts::charts_for`).
const CHARTS: usize = 5;

#[derive(Properties)]
pub struct ChartsProps {
    pub lab: Rc<RefCell<Lab>>,
    pub panels: u64,
    pub lang: Lang,
    pub dark: bool,
    /// The queue charted.
    pub queue: usize,
    pub prefix: AttrValue,
}

impl PartialEq for ChartsProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && self.panels / REDRAW_EVERY_PANELS == o.panels / REDRAW_EVERY_PANELS
            && self.lang == o.lang
            && self.dark == o.dark
            && self.queue == o.queue
    }
}

#[function_component(Charts)]
pub fn charts(props: &ChartsProps) -> Html {
    let refs = use_memo((), |_| {
        (0..CHARTS).map(|_| NodeRef::default()).collect::<Vec<_>>()
    });
    let queue_name = props
        .lab
        .borrow()
        .vm
        .queues
        .get(props.queue)
        .map(|q| q.name.clone())
        .unwrap_or_default();
    {
        let refs = refs.clone();
        let lab = props.lab.clone();
        let (lang, dark, queue) = (props.lang, props.dark, props.queue);
        use_effect(move || {
            let lab = lab.borrow();
            let data = charts_for(&lab.vm, queue, t(lang, "cost.total"));
            for (chart, r) in data.iter().zip(refs.iter()) {
                if let Some(canvas) = r.cast::<HtmlCanvasElement>() {
                    let points: usize = chart.lines.iter().map(|l| l.points.len()).sum();
                    let _ = canvas.set_attribute("data-points", &points.to_string());
                    if let Err(e) = draw(&canvas, chart, dark) {
                        let _ = canvas.set_attribute("data-error", &e);
                    }
                }
            }
        });
    }
    let ids = ["messages", "age", "throughput", "empty", "cost"];
    html! {
        <section class="charts" aria-label={t(props.lang, "panel.charts")}>
            <h3>{ t(props.lang, "panel.charts") }{ " · " }<code>{ queue_name }</code></h3>
            <div class="chart-grid">
                { for refs.iter().zip(ids).map(|(r, id)| html! {
                    <canvas ref={r.clone()} class="chart" data-testid={format!("{}chart-{id}", props.prefix)} role="img" aria-label={id} />
                }) }
            </div>
        </section>
    }
}
