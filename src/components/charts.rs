//! CloudWatch-style charts of one queue, topic or stream, redrawn a few times a second (not every frame: a
//! chart changes once per sample, and plotters is not free).

use super::same_lab;
use crate::canvas::charts::{chart_ids, charts_for, draw, ChartScope};
use crate::lab::Lab;
use mqlab_appcore::i18n::{t, Lang};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// Charts redraw every this many panel refreshes while playing.
const REDRAW_EVERY_PANELS: u64 = 3;
/// How many charts there are at most (see `canvas::charts::charts_for`: five, two more for
/// a queue an Auto Scaling group consumes, one per broker for the first three).
const CHARTS: usize = 7 + crate::canvas::charts::MQ_CHART_IDS.len();

#[derive(Properties)]
pub struct ChartsProps {
    pub lab: Rc<RefCell<Lab>>,
    pub panels: u64,
    pub lang: Lang,
    pub dark: bool,
    /// The queue, topic or stream charted.
    pub scope: ChartScope,
    /// The moment a lesson points at (virtual ms): a marker on every chart.
    pub marker_ms: Option<u64>,
    pub prefix: AttrValue,
}

impl PartialEq for ChartsProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && self.panels / REDRAW_EVERY_PANELS == o.panels / REDRAW_EVERY_PANELS
            && self.lang == o.lang
            && self.dark == o.dark
            && self.scope == o.scope
            && self.marker_ms == o.marker_ms
    }
}

#[function_component(Charts)]
pub fn charts(props: &ChartsProps) -> Html {
    let refs = use_memo((), |_| {
        (0..CHARTS).map(|_| NodeRef::default()).collect::<Vec<_>>()
    });
    let (name, ids) = {
        let vm = &props.lab.borrow().vm;
        let ids = chart_ids(vm, props.scope);
        let name = match props.scope {
            ChartScope::Queue(q) => vm.queues.get(q).map(|q| q.name.clone()),
            ChartScope::Topic(t) => vm.sns.topics.get(t).map(|t| t.name.clone()),
            ChartScope::Stream(s) => vm.kinesis.streams.get(s).map(|s| s.name.clone()),
            ChartScope::Services => None,
        }
        .unwrap_or_default();
        (name, ids)
    };
    {
        let refs = refs.clone();
        let lab = props.lab.clone();
        let (lang, dark, scope, marker) = (props.lang, props.dark, props.scope, props.marker_ms);
        use_effect(move || {
            let lab = lab.borrow();
            let data = charts_for(&lab.vm, scope, t(lang, "cost.total"), lang);
            for (chart, r) in data.iter().zip(refs.iter()) {
                if let Some(canvas) = r.cast::<HtmlCanvasElement>() {
                    let points: usize = chart.lines.iter().map(|l| l.points.len()).sum();
                    let _ = canvas.set_attribute("data-points", &points.to_string());
                    let names: Vec<&str> = chart.lines.iter().map(|l| l.name).collect();
                    let _ = canvas.set_attribute("data-lines", &names.join("|"));
                    match marker {
                        Some(ms) => canvas.set_attribute("data-marker", &ms.to_string()),
                        None => canvas.remove_attribute("data-marker"),
                    }
                    .ok();
                    let marker_min = marker.map(|ms| ms as f64 / 60_000.0);
                    match draw(&canvas, chart, dark, marker_min) {
                        Ok(ticks) => canvas.set_attribute("data-ticks", &ticks),
                        Err(e) => canvas.set_attribute("data-error", &e),
                    }
                    .ok();
                }
            }
        });
    }
    html! {
        <section class="charts" aria-label={t(props.lang, "panel.charts")}>
            <h3>{ t(props.lang, "panel.charts") }{ " · " }<code data-testid={format!("{}chart-scope", props.prefix)}>{ name }</code></h3>
            <div class="chart-grid">
                { for refs.iter().zip(ids).map(|(r, id)| html! {
                    <canvas ref={r.clone()} class="chart" data-testid={format!("{}chart-{id}", props.prefix)} role="img" aria-label={id} />
                }) }
            </div>
        </section>
    }
}
