//! CloudWatch-style line charts of the sampled metrics, drawn straight on a canvas.
//!
//! The points come from the view model's samples (a grid of virtual time that coarsens as the
//! run grows, so a chart always covers the whole run); rates are per minute, as CloudWatch
//! shows sums at 1-minute resolution.
//!
//! Axes come from `mqlab_appcore::axis` (natively tested): time ticks on round steps,
//! counts as 2.5k, dollars as dollars. The minute still running is drawn dashed: its sum is
//! not final, and a solid line would read as a real drop.
//!
//! Why not plotters: with plotters (and plotters-canvas) the app measured 401 KB of gzipped
//! wasm + JS against a 350 KB budget, plotters' share about 26 KB; the bundle is now within
//! 1 KB of its 640 KB ceiling. These charts need axes, a grid, lines and a legend, which take
//! a page of code.

use mqlab_appcore::axis::{time_ticks, value_ticks, Unit};
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::view::{QueueSample, Sample, Samples, StreamSample, ViewModel};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// An RGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    fn css(self) -> String {
        format!("rgb({},{},{})", self.0, self.1, self.2)
    }
}

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

/// What the charts show: one queue, one topic or one stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartScope {
    Queue(usize),
    Topic(usize),
    Stream(usize),
}

impl ChartScope {
    /// The chart canvases' ids for this scope (for tests and labels).
    pub fn ids(self) -> [&'static str; 5] {
        match self {
            ChartScope::Queue(_) => ["messages", "age", "throughput", "empty", "cost"],
            ChartScope::Topic(_) => ["published", "delivered", "filtered", "failed", "cost"],
            ChartScope::Stream(_) => [
                "incoming",
                "write-throttled",
                "read-throttled",
                "behind",
                "cost",
            ],
        }
    }
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
            vec![
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
                cost,
            ]
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
                cost,
            ]
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
                cost,
            ]
        }
    }
}

/// Draws one chart on `canvas` (sized to its CSS box × the device pixel ratio).
/// Draws `chart`; returns its axes' tick labels, `x=0:00,0:30;y=0,5,10,15,20`, for the
/// page to expose (a test checks they fall on round values).
/// Draws `chart`; `marker_min` (minutes of virtual time) is the moment a lesson points at,
/// a vertical line with a triangle above it when it lies within the chart.
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
    ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
        .map_err(|_| "transform")?;
    let (bg, fg, muted, grid) = if dark {
        ("#1a1f25", "#e6e9ed", "#9aa5b1", "#333c46")
    } else {
        ("#ffffff", "#1d232a", "#5b6672", "#e1e5ea")
    };
    ctx.set_fill_style_str(bg);
    ctx.fill_rect(0.0, 0.0, w, h);

    // The title in full: on two lines (broken at a space) when one is too narrow.
    ctx.set_font("600 12px sans-serif");
    ctx.set_fill_style_str(fg);
    ctx.set_text_align("left");
    ctx.set_text_baseline("alphabetic");
    let width = |s: &str| ctx.measure_text(s).map_or(0.0, |m| m.width());
    let title = chart.title.as_str();
    let room = w - 12.0;
    let lines: Vec<&str> = if width(title) <= room {
        vec![title]
    } else {
        let cut = title
            .char_indices()
            .rev()
            .find(|&(i, c)| c == ' ' && width(&title[..i]) <= room)
            .map(|(i, _)| i)
            .unwrap_or(title.len());
        vec![&title[..cut], title[cut..].trim_start()]
    };
    for (k, l) in lines.iter().enumerate() {
        let _ = ctx.fill_text_with_max_width(l, 6.0, 14.0 + 13.0 * k as f64, room);
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
    let sx = |x: f64| left + (x / x_max) * (right - left);
    let sy = |y: f64| bottom - (y / y_max) * (bottom - top);

    // Grid and labels: four round steps up; across, round times, as many as fit.
    ctx.set_font("10px sans-serif");
    ctx.set_line_width(1.0);
    ctx.set_stroke_style_str(grid);
    ctx.begin_path();
    for (v, _) in &y_ticks {
        let y = sy(*v);
        ctx.move_to(left, y.round() + 0.5);
        ctx.line_to(right, y.round() + 0.5);
    }
    ctx.stroke();
    ctx.set_fill_style_str(muted);
    ctx.set_text_align("right");
    for (v, label) in &y_ticks {
        let _ = ctx.fill_text_with_max_width(label, left - 4.0, sy(*v) + 3.5, left - 6.0);
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
    for (x, label) in x_ticks {
        // A label never runs past the canvas edge.
        let half = width(&label) / 2.0;
        let at = sx(x).clamp(half + 2.0, w - half - 2.0);
        ctx.set_text_align("center");
        let _ = ctx.fill_text(&label, at, h - 5.0);
    }

    ctx.set_line_width(1.6);
    ctx.set_line_join("round");
    let dash = js_sys::Array::of2(&4.0.into(), &3.0.into());
    for line in &chart.lines {
        ctx.set_stroke_style_str(&line.color.css());
        let open = line.open_from.unwrap_or(f64::INFINITY);
        // Solid up to the end of the last full minute, dashed from there on: the step into
        // the minute still running, and that minute.
        let solid =
            (line.points.iter().take_while(|p| p.0 < open).count() + 1).min(line.points.len());
        for (from, to, dashed) in [
            (0, solid, false),
            (solid.saturating_sub(1), line.points.len(), true),
        ] {
            let pts = line.points.get(from..to).unwrap_or(&[]);
            let Some(&(x0, y0)) = pts.first() else {
                continue;
            };
            if dashed {
                let _ = ctx.set_line_dash(&dash);
            }
            ctx.begin_path();
            ctx.move_to(sx(x0), sy(y0));
            for &(x, y) in &pts[1..] {
                ctx.line_to(sx(x), sy(y));
            }
            ctx.stroke();
            if dashed {
                let _ = ctx.set_line_dash(&js_sys::Array::new());
            }
        }
    }

    if let Some(m) = marker_min.filter(|m| (0.0..=x_max).contains(m)) {
        let x = sx(m).round() + 0.5;
        let accent = if dark { "#fb923c" } else { "#c2410c" };
        ctx.set_line_width(1.5);
        ctx.set_stroke_style_str(accent);
        ctx.begin_path();
        ctx.move_to(x, top);
        ctx.line_to(x, bottom);
        ctx.stroke();
        ctx.set_fill_style_str(accent);
        ctx.begin_path();
        ctx.move_to(x - 4.0, top - 5.0);
        ctx.line_to(x + 4.0, top - 5.0);
        ctx.line_to(x, top);
        ctx.fill();
    }

    // Legend, top left of the plot, when there is more than one line.
    if chart.lines.len() > 1 {
        let mut x = left + 6.0;
        ctx.set_text_align("left");
        for line in &chart.lines {
            ctx.set_fill_style_str(&line.color.css());
            ctx.fill_rect(x, top + 3.0, 10.0, 3.0);
            ctx.set_fill_style_str(fg);
            let _ = ctx.fill_text(line.name, x + 13.0, top + 8.0);
            x += 18.0 + width(line.name);
        }
    }
    Ok(ticks)
}
