//! CloudWatch-style line charts of the sampled metrics, drawn with plotters on a canvas.
//!
//! The points come from the view model's samples (a grid of virtual time that coarsens as the
//! run grows, so a chart always covers the whole run); rates are per minute, as CloudWatch
//! shows sums at 1-minute resolution.
//!
//! Axes come from `mqlab_appcore::axis` (natively tested): time ticks on round steps,
//! counts as 2.5k, dollars as dollars. The minute still running is drawn dashed: its sum is
//! not final, and a solid line would read as a real drop.
//!
//! Drawn with plotters: its canvas backend, a drawing area with Cartesian coordinates for the
//! lines, grid and marker, and its elements (paths, the dashed path of the open minute, text,
//! the legend's swatches). Not its chart builder: its mesh picks ticks on decimal steps
//! (0:20, 0:40 for minutes), where CloudWatch-style charts want round times and dollars,
//! which `appcore::axis` computes and tests natively. Measured: +4.2 KB of gzipped wasm + JS
//! against the hand-written drawing it replaced (a chart builder with its mesh and label
//! layout measured +16 KB).

use mqlab_appcore::axis::{time_ticks, value_ticks, Unit};
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::view::{QueueSample, Sample, Samples, StreamSample, ViewModel};
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// An RGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// One line of a chart.
pub struct Line {
    pub name: &'static str,
    pub color: Rgb,
    /// (virtual minutes, value)
    pub points: Vec<(f64, f64)>,
    /// Where the minute still running starts (a per-minute sum not final yet): drawn dashed.
    pub open_from: Option<f64>,
}

/// One chart: a title, its unit and its lines.
pub struct ChartData {
    pub id: &'static str,
    pub title: String,
    pub unit: Unit,
    pub lines: Vec<Line>,
}

const BLUE: Rgb = Rgb(37, 99, 235);
const ORANGE: Rgb = Rgb(217, 119, 6);
const GREY: Rgb = Rgb(120, 130, 140);
const GREEN: Rgb = Rgb(22, 163, 74);
const RED: Rgb = Rgb(220, 38, 38);
const PURPLE: Rgb = Rgb(124, 58, 237);

fn minutes(t_ms: u64) -> f64 {
    t_ms as f64 / 60_000.0
}

fn gauge(s: &Samples, f: impl Fn(&Sample) -> u64) -> Vec<(f64, f64)> {
    s.points
        .iter()
        .map(|p| (minutes(p.t_ms), f(p) as f64))
        .collect()
}

/// A counter as CloudWatch charts it: its Sum over each virtual minute, drawn as a step that
/// spans its minute (the current minute up to now), so even the first minute shows.
fn per_minute(
    s: &Samples,
    now_ms: u64,
    f: impl Fn(&Sample) -> u64,
) -> (Vec<(f64, f64)>, Option<f64>) {
    let sums = s.per_minute(f);
    if s.every_ms > 60_000 {
        // A long run's coarse grid: averages per minute between points, as a line.
        return (
            sums.into_iter().map(|(t, v)| (minutes(t), v)).collect(),
            None,
        );
    }
    let open = sums
        .last()
        .filter(|(t, _)| now_ms < t + 60_000)
        .map(|(t, _)| minutes(*t));
    let points = sums
        .into_iter()
        .flat_map(|(t, v)| {
            let end = (t + 60_000).min(now_ms.max(t));
            [(minutes(t), v), (minutes(end), v)]
        })
        .collect();
    (points, open)
}

/// The Auto Scaling group whose instances consume queue `qi` (the full page; its first).
fn scaling_group_of(vm: &ViewModel, qi: usize) -> Option<usize> {
    if !mqlab_appcore::sim::FULL_PAGE {
        return None;
    }
    vm.summary.asgs.iter().position(|g| {
        let prefix = g.consumer_prefix();
        vm.consumers
            .iter()
            .any(|c| c.queue == Some(qi as u16) && c.name.starts_with(prefix.as_str()))
    })
}

/// The chart that shows an SQS metric an alarm may watch.
fn chart_of_metric(metric: &str) -> Option<&'static str> {
    Some(match metric {
        "ApproximateNumberOfMessagesVisible"
        | "ApproximateNumberOfMessagesNotVisible"
        | "ApproximateNumberOfMessagesDelayed" => "messages",
        "ApproximateAgeOfOldestMessage" => "age",
        "NumberOfMessagesSent" | "NumberOfMessagesReceived" | "NumberOfMessagesDeleted" => {
            "throughput"
        }
        "NumberOfEmptyReceives" => "empty",
        _ => return None,
    })
}

/// A queue's chart with the threshold of each alarm on the metric it shows (full page), a
/// red line across the run.
fn with_alarm_thresholds(mut c: ChartData, vm: &ViewModel, qi: usize, lang: Lang) -> ChartData {
    if !mqlab_appcore::sim::FULL_PAGE {
        return c;
    }
    let (Some(q), Some(first), Some(last)) = (
        vm.queues.get(qi),
        vm.samples.points.front(),
        vm.samples.points.back(),
    ) else {
        return c;
    };
    for a in vm.summary.queue_alarms.iter().filter(|a| a.queue == q.name) {
        if chart_of_metric(&a.metric) == Some(c.id) {
            c.lines.push(line(
                t(lang, "chart.alarm_threshold"),
                RED,
                vec![
                    (minutes(first.t_ms), a.threshold),
                    (minutes(last.t_ms), a.threshold),
                ],
            ));
        }
    }
    c
}

/// The ids of the charts a queue's scope adds when an Auto Scaling group consumes it.
pub const SCALING_CHART_IDS: [&str; 2] = ["capacity", "backlog-per-instance"];
/// The id of the chart a queue's scope adds when a Lambda function polls it.
pub const LAMBDA_CHART_ID: &str = "concurrency";

/// The Lambda event source mapping that polls queue `qi` (the full page; its first).
fn mapping_of(vm: &ViewModel, qi: usize) -> Option<usize> {
    if !mqlab_appcore::sim::FULL_PAGE {
        return None;
    }
    let queue = &vm.queues.get(qi)?.name;
    vm.summary.mappings.iter().position(|(_, q)| q == queue)
}

/// A queue consumed by an Auto Scaling group: the group's desired capacity and instances in
/// service, and the backlog per instance (AWS's m1/m2: visible messages ÷ instances in
/// service) with the target tracking policy's target.
fn scaling_charts(vm: &ViewModel, qi: usize, lang: Lang) -> Vec<ChartData> {
    let s = &vm.samples;
    if let Some(mi) = mapping_of(vm, qi) {
        // Lambda's pollers: the batches in flight and how many it may run at once now (5,
        // then a step up each minute while messages wait; aws-rules §2.1).
        let m = move |k: usize| move |p: &Sample| p.mappings.get(mi).map_or(0, |a| u64::from(a[k]));
        return vec![chart(
            LAMBDA_CHART_ID,
            &format!(
                "ConcurrentExecutions · {} (batches)",
                vm.summary.mappings[mi].0
            ),
            vec![
                line(t(lang, "chart.batches_in_flight"), BLUE, gauge(s, m(0))),
                line(t(lang, "chart.batches_allowed"), GREY, gauge(s, m(1))),
            ],
        )];
    }
    let Some(gi) = scaling_group_of(vm, qi) else {
        return Vec::new();
    };
    let g = move |k: usize| move |p: &Sample| p.asgs.get(gi).map_or(0, |a| u64::from(a[k]));
    let backlog: Vec<(f64, f64)> = s
        .points
        .iter()
        .filter_map(|p| {
            let visible = p.queues.get(qi)?.visible as f64;
            let in_service = f64::from(p.asgs.get(gi)?[1]);
            (in_service > 0.0).then(|| (minutes(p.t_ms), visible / in_service))
        })
        .collect();
    let mut lines = vec![line(t(lang, "chart.backlog_per_instance"), BLUE, backlog)];
    if let (Some(target), Some(first), Some(last)) = (
        vm.summary.asgs[gi].target,
        s.points.front(),
        s.points.back(),
    ) {
        lines.push(line(
            t(lang, "chart.target"),
            RED,
            vec![(minutes(first.t_ms), target), (minutes(last.t_ms), target)],
        ));
    }
    vec![
        chart(
            SCALING_CHART_IDS[0],
            &format!(
                "GroupDesiredCapacity, GroupInServiceInstances · {}",
                vm.summary.asgs[gi].name
            ),
            vec![
                line(t(lang, "chart.desired"), GREY, gauge(s, g(0))),
                line(t(lang, "chart.in_service"), GREEN, gauge(s, g(1))),
            ],
        ),
        chart(
            SCALING_CHART_IDS[1],
            "Backlog per instance: m1/m2 = ApproximateNumberOfMessagesVisible / GroupInServiceInstances",
            lines,
        ),
    ]
}

/// The charts' ids for `scope` in this view (before the cost, a queue a Lambda function polls
/// has one more, a queue an Auto Scaling group consumes two; a run with Amazon MQ brokers one
/// per broker, whatever the scope).
pub fn chart_ids(vm: &ViewModel, scope: ChartScope) -> Vec<&'static str> {
    let mut ids = scope.ids().to_vec();
    let cost = ids.pop().expect("the cost is last");
    if let ChartScope::Queue(qi) = scope {
        if mapping_of(vm, qi).is_some() {
            ids.push(LAMBDA_CHART_ID);
        } else if scaling_group_of(vm, qi).is_some() {
            ids.extend(SCALING_CHART_IDS);
        }
    }
    ids.extend(MQ_CHART_IDS.iter().take(brokers_charted(vm)));
    ids.push(cost);
    ids
}

/// What the charts show: one queue, one topic or one stream; or, in a run with none of them
/// (Amazon MQ only, video only), only the services' charts and the cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartScope {
    Queue(usize),
    Topic(usize),
    Stream(usize),
    Services,
}

impl ChartScope {
    /// The chart canvases' ids for this scope (for tests and labels).
    pub fn ids(self) -> &'static [&'static str] {
        match self {
            ChartScope::Queue(_) => &["messages", "age", "throughput", "empty", "cost"],
            ChartScope::Topic(_) => &["published", "delivered", "filtered", "failed", "cost"],
            ChartScope::Stream(_) => &[
                "incoming",
                "write-throttled",
                "read-throttled",
                "behind",
                "cost",
            ],
            ChartScope::Services => &["cost"],
        }
    }
}

/// The charts of the first brokers, one each.
pub const MQ_CHART_IDS: [&str; 3] = ["mq-rate", "mq-rate-2", "mq-rate-3"];

fn brokers_charted(vm: &ViewModel) -> usize {
    if !mqlab_appcore::sim::FULL_PAGE {
        return 0;
    }
    vm.summary.services.brokers.len().min(MQ_CHART_IDS.len())
}

/// A broker's messages a second, published and acknowledged, against the ceiling its instance
/// takes (aws-rules §7.7): the line SQS does not have.
fn broker_charts(vm: &ViewModel, lang: Lang) -> Vec<ChartData> {
    let s = &vm.samples;
    (0..brokers_charted(vm))
        .map(|k| {
            let b = &vm.summary.services.brokers[k];
            let per_s = |i: usize| {
                s.rate_per_minute(move |p: &Sample| p.brokers.get(k).map_or(0, |b| b[i]))
                    .into_iter()
                    .map(|(t, v)| (minutes(t), v / 60.0))
                    .collect::<Vec<_>>()
            };
            let end = minutes(vm.now_ms);
            let ceiling = b.ceiling_per_s as f64;
            chart(
                MQ_CHART_IDS[k],
                &format!("{}: {}", b.name, t(lang, "chart.mq_title")),
                vec![
                    line(t(lang, "chart.mq_published"), BLUE, per_s(0)),
                    line(t(lang, "chart.mq_acked"), GREEN, per_s(1)),
                    line(
                        t(lang, "chart.mq_ceiling"),
                        RED,
                        vec![(0.0, ceiling), (end, ceiling)],
                    ),
                ],
            )
        })
        .collect()
}

fn line(name: &'static str, color: Rgb, points: Vec<(f64, f64)>) -> Line {
    Line {
        name,
        color,
        points,
        open_from: None,
    }
}

/// A line of per-minute sums, its running minute marked open.
fn sums(
    name: &'static str,
    color: Rgb,
    (points, open_from): (Vec<(f64, f64)>, Option<f64>),
) -> Line {
    Line {
        name,
        color,
        points,
        open_from,
    }
}

fn chart(id: &'static str, title: &str, lines: Vec<Line>) -> ChartData {
    ChartData {
        id,
        title: title.to_string(),
        unit: if id == "cost" {
            Unit::Usd
        } else {
            Unit::Number
        },
        lines,
    }
}

/// The charts of `scope`, titled with CloudWatch's metric names (the same in every language)
/// and `cost_title` for the cost meter.
pub fn charts_for(
    vm: &ViewModel,
    scope: ChartScope,
    cost_title: &str,
    lang: Lang,
) -> Vec<ChartData> {
    let s = &vm.samples;
    let now = vm.now_ms;
    let cost = chart(
        "cost",
        &format!("{cost_title} (USD)"),
        vec![line(
            "USD",
            GREEN,
            s.points
                .iter()
                .map(|p| (minutes(p.t_ms), p.cost_usd))
                .collect(),
        )],
    );
    match scope {
        ChartScope::Queue(qi) => {
            let q =
                move |f: fn(&QueueSample) -> u64| move |p: &Sample| p.queues.get(qi).map_or(0, f);
            [
                chart(
                    "messages",
                    "ApproximateNumberOfMessages (Visible, NotVisible, Delayed)",
                    vec![
                        line(t(lang, "chart.visible"), BLUE, gauge(s, q(|x| x.visible))),
                        line(
                            t(lang, "chart.not_visible"),
                            ORANGE,
                            gauge(s, q(|x| x.not_visible)),
                        ),
                        line(t(lang, "chart.delayed"), GREY, gauge(s, q(|x| x.delayed))),
                    ],
                ),
                chart(
                    "age",
                    "ApproximateAgeOfOldestMessage (s)",
                    vec![line(
                        t(lang, "chart.age"),
                        PURPLE,
                        gauge(s, q(|x| x.age_of_oldest_s)),
                    )],
                ),
                chart(
                    "throughput",
                    "NumberOfMessagesSent, Received, Deleted (Sum, 1 min)",
                    vec![
                        sums(
                            t(lang, "chart.sent"),
                            BLUE,
                            per_minute(s, now, q(|x| x.sent)),
                        ),
                        sums(
                            t(lang, "chart.received"),
                            ORANGE,
                            per_minute(s, now, q(|x| x.received)),
                        ),
                        sums(
                            t(lang, "chart.deleted"),
                            GREEN,
                            per_minute(s, now, q(|x| x.deleted)),
                        ),
                    ],
                ),
                chart(
                    "empty",
                    "NumberOfEmptyReceives (Sum, 1 min)",
                    vec![sums(
                        t(lang, "chart.empty_receives"),
                        RED,
                        per_minute(s, now, q(|x| x.empty_receives)),
                    )],
                ),
            ]
            .into_iter()
            .chain(scaling_charts(vm, qi, lang))
            .chain(broker_charts(vm, lang))
            .chain([cost])
            .map(|c| with_alarm_thresholds(c, vm, qi, lang))
            .collect()
        }
        ChartScope::Topic(ti) => {
            let sum = |k: usize| {
                per_minute(s, now, move |p: &Sample| {
                    p.topics.get(ti).map_or(0, |t| t[k])
                })
            };
            vec![
                chart(
                    "published",
                    "NumberOfMessagesPublished (Sum, 1 min)",
                    vec![sums(t(lang, "chart.published"), BLUE, sum(0))],
                ),
                chart(
                    "delivered",
                    "NumberOfNotificationsDelivered (Sum, 1 min)",
                    vec![sums(t(lang, "chart.delivered"), GREEN, sum(1))],
                ),
                chart(
                    "filtered",
                    "NumberOfNotificationsFilteredOut (Sum, 1 min)",
                    vec![sums(t(lang, "chart.filtered_out"), GREY, sum(2))],
                ),
                chart(
                    "failed",
                    "NumberOfNotificationsFailed (Sum, 1 min)",
                    vec![sums(t(lang, "chart.failed"), RED, sum(3))],
                ),
            ]
            .into_iter()
            .chain(broker_charts(vm, lang))
            .chain([cost])
            .collect()
        }
        ChartScope::Stream(si) => {
            let st =
                move |f: fn(&StreamSample) -> u64| move |p: &Sample| p.streams.get(si).map_or(0, f);
            vec![
                chart(
                    "incoming",
                    "IncomingRecords (Sum, 1 min)",
                    vec![sums(
                        t(lang, "chart.incoming_records"),
                        BLUE,
                        per_minute(s, now, st(|x| x.incoming_records)),
                    )],
                ),
                chart(
                    "write-throttled",
                    "WriteProvisionedThroughputExceeded (Sum, 1 min)",
                    vec![sums(
                        t(lang, "chart.write_throttled"),
                        RED,
                        per_minute(s, now, st(|x| x.write_throttled)),
                    )],
                ),
                chart(
                    "read-throttled",
                    "ReadProvisionedThroughputExceeded (Sum, 1 min)",
                    vec![sums(
                        t(lang, "chart.read_throttled"),
                        ORANGE,
                        per_minute(s, now, st(|x| x.read_throttled)),
                    )],
                ),
                chart(
                    "behind",
                    "MillisBehindLatest (Max)",
                    vec![line(
                        t(lang, "chart.behind_ms"),
                        PURPLE,
                        gauge(s, st(|x| x.millis_behind_latest)),
                    )],
                ),
            ]
            .into_iter()
            .chain(broker_charts(vm, lang))
            .chain([cost])
            .collect()
        }
        ChartScope::Services => broker_charts(vm, lang).into_iter().chain([cost]).collect(),
    }
}

/// Draws `chart` on `canvas` (sized to its CSS box × the device pixel ratio) through plotters'
/// canvas backend; returns its axes' tick labels, `x=0:00,0:30;y=0,5,10,15,20`, for the page
/// to expose (a test checks they fall on round values). `marker_min` (minutes of virtual
/// time) is the moment a lesson points at, a vertical line with a triangle above it when it
/// lies within the chart.
pub fn draw(
    canvas: &HtmlCanvasElement,
    chart: &ChartData,
    dark: bool,
    marker_min: Option<f64>,
) -> Result<String, String> {
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 3.0);
    let (w, h) = (
        canvas.client_width().max(120) as f64,
        canvas.client_height().max(90) as f64,
    );
    let (pw, ph) = ((w * dpr) as u32, (h * dpr) as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let ctx = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
        .ok_or("no 2d context")?;
    // plotters draws in CSS pixels; the context scales them to the device's.
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
        .map_err(|_| "transform")?;
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    let fail = |e: DrawingAreaErrorKind<_>| e.to_string();
    let [bg, fg, muted, grid] = if dark {
        [hex(0x1a1f25), hex(0xe6e9ed), hex(0x9aa5b1), hex(0x333c46)]
    } else {
        [hex(0xffffff), hex(0x1d232a), hex(0x5b6672), hex(0xe1e5ea)]
    };
    root.fill(&bg).map_err(fail)?;
    let px = |v: f64| v.round() as i32;

    // The title in full: on two lines (broken at a space) when one is too narrow.
    let title_font = FontDesc::new(FontFamily::SansSerif, 12.0, FontStyle::Bold);
    // Measured by the canvas itself in the font plotters' backend sets ("bold 12px
    // sans-serif"): plotters' own estimate on the web does not weigh bold text.
    let width = |s: &str, f: &FontDesc| {
        ctx.set_font(&format!(
            "{} {}px sans-serif",
            f.get_style().as_str(),
            f.get_size()
        ));
        ctx.measure_text(s).map_or(0.0, |m| m.width())
    };
    let title = chart.title.as_str();
    let room = w - 12.0;
    let lines: Vec<&str> = if width(title, &title_font) <= room {
        vec![title]
    } else {
        let cut = title
            .char_indices()
            .rev()
            .find(|&(i, c)| c == ' ' && width(&title[..i], &title_font) <= room)
            .map(|(i, _)| i)
            .unwrap_or(title.len());
        vec![&title[..cut], title[cut..].trim_start()]
    };
    let anchored =
        |f: &FontDesc<'static>, c: &RGBColor, h: HPos, v: VPos| f.color(c).pos(Pos::new(h, v));
    let title_style = anchored(&title_font, &fg, HPos::Left, VPos::Bottom);
    for (k, l) in lines.iter().enumerate() {
        root.draw_text(l, &title_style, (6, px(17.0 + 13.0 * k as f64)))
            .map_err(fail)?;
    }

    // Plot area: room for the title above, y labels left, x labels below.
    let (left, top, right, bottom) = (50.0, 10.0 + 13.0 * lines.len() as f64, w - 8.0, h - 18.0);
    let x_max = chart
        .lines
        .iter()
        .filter_map(|l| l.points.last().map(|p| p.0))
        .fold(0.0_f64, f64::max)
        .max(1.0 / 6.0);
    let y_top = chart
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .fold(0.0_f64, f64::max);
    let (y_max, y_ticks) = value_ticks(y_top, chart.unit);
    let plot = root.apply_coord_spec(Cartesian2d::<RangedCoordf64, RangedCoordf64>::new(
        0.0..x_max,
        0.0..y_max,
        (px(left)..px(right), px(bottom)..px(top)),
    ));
    let to_px = |x: f64, y: f64| plot.map_coordinate(&(x, y));

    // Grid and labels: four round steps up; across, round times, as many as fit.
    let small = FontDesc::new(FontFamily::SansSerif, 10.0, FontStyle::Normal);
    let y_label = anchored(&small, &muted, HPos::Right, VPos::Center);
    for (v, label) in &y_ticks {
        plot.draw(&PathElement::new(vec![(0.0, *v), (x_max, *v)], grid))
            .map_err(fail)?;
        root.draw_text(label, &y_label, (px(left - 4.0), to_px(0.0, *v).1))
            .map_err(fail)?;
    }
    let fit = (((right - left) / 64.0).floor() as usize + 1).max(2);
    let x_ticks = time_ticks(x_max, fit);
    let labels = |ticks: &[(f64, String)]| {
        ticks
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let ticks = format!("x={};y={}", labels(&x_ticks), labels(&y_ticks));
    let x_label = anchored(&small, &muted, HPos::Center, VPos::Bottom);
    for (x, label) in &x_ticks {
        // A label never runs past the canvas edge.
        let half = width(label, &small) / 2.0;
        let at = (to_px(*x, 0.0).0 as f64).clamp(half + 2.0, w - half - 2.0);
        root.draw_text(label, &x_label, (px(at), px(h - 3.0)))
            .map_err(fail)?;
    }

    for line in &chart.lines {
        let c = RGBColor(line.color.0, line.color.1, line.color.2);
        let style = ShapeStyle::from(c).stroke_width(2);
        let open = line.open_from.unwrap_or(f64::INFINITY);
        // Solid up to the end of the last full minute, dashed from there on: the step into
        // the minute still running, and that minute.
        let solid =
            (line.points.iter().take_while(|p| p.0 < open).count() + 1).min(line.points.len());
        plot.draw(&PathElement::new(&line.points[..solid], style))
            .map_err(fail)?;
        let rest = line.points.get(solid.saturating_sub(1)..).unwrap_or(&[]);
        if rest.len() > 1 {
            plot.draw(&DashedPathElement::new(rest.iter().copied(), 4, 3, style))
                .map_err(fail)?;
        }
    }

    if let Some(m) = marker_min.filter(|m| (0.0..=x_max).contains(m)) {
        let accent = if dark { hex(0xfb923c) } else { hex(0xc2410c) };
        plot.draw(&PathElement::new(
            vec![(m, 0.0), (m, y_max)],
            ShapeStyle::from(accent).stroke_width(2),
        ))
        .map_err(fail)?;
        let (x, y) = to_px(m, y_max);
        root.draw(&Polygon::new(
            vec![(x - 4, y - 5), (x + 4, y - 5), (x, y)],
            accent.filled(),
        ))
        .map_err(fail)?;
    }

    // Legend, top left of the plot, when there is more than one line.
    if chart.lines.len() > 1 {
        let mut x = px(left + 6.0);
        let y = px(top);
        let name = anchored(&small, &fg, HPos::Left, VPos::Center);
        for line in &chart.lines {
            let c = RGBColor(line.color.0, line.color.1, line.color.2);
            root.draw(&Rectangle::new([(x, y + 3), (x + 10, y + 6)], c.filled()))
                .map_err(fail)?;
            root.draw_text(line.name, &name, (x + 13, y + 5))
                .map_err(fail)?;
            x += 18 + width(line.name, &small) as i32;
        }
    }
    Ok(ticks)
}

fn hex(rgb: u32) -> RGBColor {
    RGBColor((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
}
