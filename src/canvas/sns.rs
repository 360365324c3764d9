//! SNS on the diagram: each topic a box, each subscription a branch from it to its queue or to
//! an endpoint box (Lambda, HTTP/S, email, SMS, mobile push, Firehose). A published message
//! splits into one copy per branch; each copy travels down its branch, stops at the branch's
//! filter (a funnel) when the filter policy rejects it, waits before the endpoint while its
//! delivery is retried, and fades into the subscriber once delivered. A copy delivered to a
//! queue becomes that queue's message mark, which sets out from the topic (see `Place::Topic`).
//!
//! Under an endpoint that has failed, its retry timeline: the attempts at one message, placed
//! by time, so the immediate retries, the backoff and the post-backoff phase are visible.

use super::diagram::{box_with_text, curve, draw_batches, push_point, text, Batch};
use super::layout::{Branch, Layout, Rect, FILTER_AT};
use super::palette::Palette;
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::labels::{Align, Labels};
use mqlab_appcore::numbers::count;
use mqlab_appcore::sns_view::{CopyState, SubscriptionView};
use mqlab_appcore::view::ViewModel;
use mqlab_engine::sns::delivery::RetryPhase;
use web_sys::CanvasRenderingContext2d;

/// Copies drawn per frame at most (the rest are not drawn; the counters still count them).
pub const COPIES_DRAWN_MAX: usize = 1_500;
/// The share of a transient's life a copy takes to travel its branch.
const TRIP_SHARE: f64 = 0.5;
/// How far before its filter a stopped copy rests, as a share of its branch.
const FILTERED_GAP: f64 = 0.05;
/// The distance between copies waiting for a retry, as a share of their branch.
const RETRY_STEP: f64 = 0.035;
/// Attempts drawn on a retry timeline.
const TIMELINE_ATTEMPTS_MAX: usize = 24;

fn dashed(ctx: &CanvasRenderingContext2d, on: bool) {
    let dash = if on {
        js_sys::Array::of2(&4.0.into(), &4.0.into())
    } else {
        js_sys::Array::new()
    };
    let _ = ctx.set_line_dash(&dash);
}

fn subscription<'a>(vm: &'a ViewModel, b: &Branch) -> Option<&'a SubscriptionView> {
    vm.sns
        .topics
        .get(b.topic as usize)?
        .subscriptions
        .get(b.subscription as usize)
}

/// Where bucket `bucket` is drawn: once, however many uploaders it has, between them (their
/// mean height) and its topic.
fn bucket_box(vm: &ViewModel, lay: &Layout, bucket: &str, topic: &Rect) -> Option<Rect> {
    let uploaders: Vec<&Rect> = lay
        .producers
        .iter()
        .zip(&vm.producers)
        .filter(|(_, pv)| pv.bucket.as_deref() == Some(bucket))
        .map(|(r, _)| r)
        .collect();
    let n = uploaders.len() as f64;
    let right = uploaders.iter().map(|r| r.x + r.w).fold(f64::MIN, f64::max);
    let y = uploaders.iter().map(|r| r.y + r.h / 2.0).sum::<f64>() / n.max(1.0);
    let (x, b) = ((right + topic.x) / 2.0, topic.left_mid());
    let w = ((b.0 - right) * 0.9).clamp(30.0, 110.0);
    (n > 0.0).then_some(Rect {
        x: x - w / 2.0,
        y: y - 15.0,
        w,
        h: 30.0,
    })
}

/// Producer → topic links (through an uploader's bucket) and the branches (drawn under the
/// boxes).
pub fn draw_links(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    vm: &ViewModel,
    lay: &Layout,
    p: &Palette,
) {
    ctx.set_stroke_style_str(p.topic);
    ctx.set_line_width(1.2);
    ctx.begin_path();
    let mut buckets: Vec<(&str, Rect)> = Vec::new();
    for (pi, r) in lay.producers.iter().enumerate() {
        let pv = &vm.producers[pi];
        let Some(Some(topic)) = pv.topic.and_then(|ti| lay.topics.get(ti as usize)) else {
            continue;
        };
        // An uploader's bucket sits on its link: S3 publishes the event notification.
        let via = pv.bucket.as_deref().and_then(|name| {
            if let Some((_, bx)) = buckets.iter().find(|(n, _)| *n == name) {
                return Some(*bx);
            }
            let bx = bucket_box(vm, lay, name, topic)?;
            buckets.push((name, bx));
            curve(ctx, bx.right_mid(), topic.left_mid());
            Some(bx)
        });
        match via {
            Some(bx) => curve(ctx, r.right_mid(), bx.left_mid()),
            None => curve(ctx, r.right_mid(), topic.left_mid()),
        }
    }
    ctx.stroke();
    for (bucket, bx) in &buckets {
        box_with_text(ctx, lb, bx, p.panel, p.ok, p, bucket, &["S3"]);
    }
    for b in &lay.branches {
        let Some(s) = subscription(vm, b) else {
            continue;
        };
        // A subscription waiting for ConfirmSubscription is dashed: nothing goes down it.
        dashed(ctx, s.pending);
        ctx.set_stroke_style_str(if s.pending { p.muted } else { p.topic });
        ctx.begin_path();
        curve(ctx, b.from, b.to);
        ctx.stroke();
        dashed(ctx, false);
        // Its dead-letter queue: dashed, from the subscriber.
        let dlq = s
            .dead_letter_queue
            .as_ref()
            .and_then(|n| vm.queues.iter().position(|q| &q.name == n))
            .and_then(|qi| lay.queues.get(qi)?.as_ref());
        if let Some(dlq) = dlq {
            let from = match b.endpoint {
                Some(r) => (r.x + r.w * 0.5, r.y + r.h),
                None => b.to,
            };
            dashed(ctx, true);
            ctx.set_stroke_style_str(p.dead);
            ctx.begin_path();
            curve(ctx, from, dlq.rect.left_mid());
            ctx.stroke();
            dashed(ctx, false);
        }
    }
}

/// Topics, endpoint boxes, filters and retry timelines (over the links).
pub fn draw_boxes(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    vm: &ViewModel,
    lay: &Layout,
    p: &Palette,
    lang: Lang,
) {
    for (ti, r) in lay.topics.iter().enumerate() {
        let Some(r) = r else { continue };
        let topic = &vm.sns.topics[ti];
        let published = format!("{} {}", t(lang, "sns.published"), count(topic.published));
        let sub: &[&str] = if topic.fifo {
            &["FIFO", &published]
        } else {
            &[&published]
        };
        box_with_text(ctx, lb, r, p.topic_fill, p.topic, p, &topic.name, sub);
    }
    for b in &lay.branches {
        let Some(s) = subscription(vm, b) else {
            continue;
        };
        if let Some(r) = &b.endpoint {
            let retrying = vm.sns.copies.values().any(|c| {
                c.topic == b.topic
                    && c.subscription == b.subscription
                    && matches!(c.state, CopyState::Retrying { .. })
            });
            let delivered = format!("✓{}", count(s.delivered));
            let sub: &[&str] = if s.pending {
                &["PendingConfirmation"]
            } else {
                &[&s.protocol, &delivered]
            };
            let stroke = if retrying { p.warn } else { p.line };
            box_with_text(ctx, lb, r, p.panel, stroke, p, &s.label(), sub);
            if s.failed + s.moved_to_dlq > 0 || retrying {
                retry_timeline(ctx, lb, s, r, vm.now_ms, p, lang);
            }
        }
        if s.filter_policy.is_some() {
            funnel(ctx, b.at(FILTER_AT), p);
            if s.filtered_out > 0 {
                // What the funnel stopped, in words, above it.
                let (x, y) = b.at(FILTER_AT);
                let n = count(s.filtered_out);
                let what = tf(lang, "sns.filtered_out_n", &[("n", &n)]);
                text(
                    ctx,
                    lb,
                    p.muted,
                    "11px sans-serif",
                    Align::Left,
                    &what,
                    x + 8.0,
                    y - 6.0,
                    160.0,
                );
            }
        }
    }
}

/// A small funnel centred on (x, y): where a branch's filter policy stops copies.
fn funnel(ctx: &CanvasRenderingContext2d, (x, y): (f64, f64), p: &Palette) {
    ctx.begin_path();
    ctx.move_to(x - 6.0, y - 5.0);
    ctx.line_to(x + 6.0, y - 5.0);
    ctx.line_to(x + 1.5, y + 1.0);
    ctx.line_to(x + 1.5, y + 5.0);
    ctx.line_to(x - 1.5, y + 5.0);
    ctx.line_to(x - 1.5, y + 1.0);
    ctx.close_path();
    ctx.set_fill_style_str(p.panel);
    ctx.fill();
    ctx.set_stroke_style_str(p.topic);
    ctx.set_line_width(1.2);
    ctx.stroke();
}

/// The attempts at the latest message that failed at least once, placed by time along the
/// box's width from its first attempt to now: a tick each, green delivered, red failed, grey
/// awaited; then the phase of the latest attempt.
fn retry_timeline(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    s: &SubscriptionView,
    r: &Rect,
    now: u64,
    p: &Palette,
    lang: Lang,
) {
    // Of the failed messages whose first attempt is still remembered, the one with the most
    // attempts (older attempts are forgotten past a cap).
    let count = |id: &str| s.attempts.iter().filter(|a| a.message_id == id).count();
    let Some(id) = s
        .attempts
        .iter()
        .filter(|a| a.attempt == 1 && a.ok == Some(false))
        .max_by_key(|a| (count(&a.message_id), a.at_ms))
        .map(|a| &a.message_id)
    else {
        return;
    };
    let attempts: Vec<_> = s
        .attempts
        .iter()
        .filter(|a| &a.message_id == id)
        .rev()
        .take(TIMELINE_ATTEMPTS_MAX)
        .collect();
    let Some(first) = attempts.last() else { return };
    let t0 = first.at_ms;
    let span = now.saturating_sub(t0).max(1) as f64;
    let y = r.y + r.h + 7.0;
    ctx.set_stroke_style_str(p.line);
    ctx.set_line_width(1.0);
    ctx.begin_path();
    ctx.move_to(r.x, y);
    ctx.line_to(r.x + r.w, y);
    ctx.stroke();
    for a in &attempts {
        let x = r.x + (a.at_ms - t0) as f64 / span * r.w;
        let color = match a.ok {
            Some(true) => p.ok,
            Some(false) => p.danger,
            None => p.muted,
        };
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(x, y - 4.0);
        ctx.line_to(x, y + 4.0);
        ctx.stroke();
    }
    if let Some(latest) = attempts.first() {
        let phase = latest.phase.map_or("", |ph| phase_name(ph, lang));
        let what = format!("#{} {phase}", latest.attempt);
        text(
            ctx,
            lb,
            p.muted,
            "10px sans-serif",
            Align::Left,
            &what,
            r.x,
            y + 14.0,
            r.w,
        );
    }
}

/// A retry phase, named as the delivery policy's phases are (in the page's language).
pub fn phase_name(phase: RetryPhase, lang: Lang) -> &'static str {
    t(
        lang,
        match phase {
            RetryPhase::Immediate => "sns.phase.immediate",
            RetryPhase::PreBackoff => "sns.phase.pre_backoff",
            RetryPhase::Backoff => "sns.phase.backoff",
            RetryPhase::PostBackoff => "sns.phase.post_backoff",
        },
    )
}

/// Draws every copy on its branch; returns (serial, x, y) of each drawn, for hit-testing.
pub fn draw_copies(
    ctx: &CanvasRenderingContext2d,
    vm: &ViewModel,
    lay: &Layout,
    p: &Palette,
    reduced_motion: bool,
    hits: &mut Vec<(u64, f64, f64)>,
) {
    let life = vm.transient_ms.max(1) as f64;
    let trip = life * TRIP_SHARE;
    let mut batches: Vec<Batch> = Vec::new();
    let mut crosses: Vec<(f64, f64, &'static str, f64)> = Vec::new();
    let mut waiting: Vec<(u16, u16)> = Vec::new();
    for (&serial, c) in vm.sns.copies.iter() {
        if hits.len() >= COPIES_DRAWN_MAX {
            break;
        }
        let Some(b) = lay
            .branches
            .iter()
            .find(|b| b.topic == c.topic && b.subscription == c.subscription)
        else {
            continue;
        };
        let to_queue = b.endpoint.is_none();
        let travelled = if reduced_motion {
            1.0
        } else {
            vm.now_ms.saturating_sub(c.published_at) as f64 / trip
        };
        let faded = vm.now_ms.saturating_sub(c.since) as f64 / life;
        let (u, color, hollow) = match &c.state {
            // A queue's copy is drawn by the queue's own mark, which starts at the topic.
            CopyState::Travelling
            | CopyState::Delivered { .. }
            | CopyState::DeadLettered { .. }
                if to_queue =>
            {
                continue
            }
            CopyState::Travelling => (travelled.min(0.97), p.topic, false),
            CopyState::Delivered { .. } => {
                if travelled >= 1.0 && faded >= 1.0 {
                    continue;
                }
                (travelled.min(1.0), p.ok, false)
            }
            CopyState::Filtered { .. } => {
                // Stopped just before the funnel (which stays clickable).
                let stop = FILTER_AT - FILTERED_GAP;
                let u = travelled.min(stop);
                if u >= stop {
                    crosses.push((b.at(u).0, b.at(u).1, p.muted, faded));
                }
                (u, p.muted, true)
            }
            CopyState::Retrying { .. } => {
                // Waiting copies queue up before the endpoint, the oldest nearest it.
                let k = waiting
                    .iter()
                    .filter(|&&w| w == (c.topic, c.subscription))
                    .count();
                waiting.push((c.topic, c.subscription));
                (
                    travelled.min(0.92 - k as f64 * RETRY_STEP).max(FILTER_AT),
                    p.warn,
                    false,
                )
            }
            CopyState::Failed { .. } | CopyState::DeadLettered { .. } => {
                let (x, y) = b.at(0.95);
                crosses.push((x, y, p.danger, faded));
                (0.95, p.danger, false)
            }
        };
        let (x, y) = b.at(u);
        hits.push((serial, x, y));
        push_point(&mut batches, color, hollow, (x, y, 3.2));
    }
    draw_batches(ctx, &batches, 1.4);
    // Stopped copies: a cross, fading.
    ctx.set_line_width(1.4);
    for &(x, y, color, faded) in &crosses {
        ctx.set_global_alpha((1.0 - faded).clamp(0.15, 1.0));
        ctx.set_stroke_style_str(color);
        ctx.begin_path();
        ctx.move_to(x - 3.0, y - 8.0);
        ctx.line_to(x + 3.0, y - 14.0);
        ctx.move_to(x - 3.0, y - 14.0);
        ctx.line_to(x + 3.0, y - 8.0);
        ctx.stroke();
    }
    ctx.set_global_alpha(1.0);
}

/// What a copy's state means, in words (the hover text and the inspector's line).
pub fn copy_text(c: &mqlab_appcore::sns_view::CopyView, lang: Lang) -> Option<String> {
    use mqlab_appcore::i18n::tf;
    Some(match &c.state {
        CopyState::Travelling => t(lang, "sns.travelling").to_string(),
        CopyState::Filtered { reason } => tf(lang, "sns.filtered", &[("reason", reason)]),
        CopyState::Retrying {
            attempt,
            next_at,
            reason,
        } => tf(
            lang,
            "sns.retrying",
            &[
                ("n", &attempt.to_string()),
                ("reason", reason),
                (
                    "at",
                    &next_at.map_or("—".to_string(), crate::format::format_clock),
                ),
            ],
        ),
        CopyState::Delivered { attempts } => {
            tf(lang, "sns.delivered", &[("n", &attempts.to_string())])
        }
        CopyState::Failed { reason } => tf(lang, "sns.failed", &[("reason", reason)]),
        CopyState::DeadLettered { queue } => tf(lang, "sns.dead_lettered", &[("queue", queue)]),
    })
}

/// Where a test (or a keyboard user's helper) can click: the first branch's filter and the
/// first endpoint box's centre.
/// A point on the canvas, CSS px.
pub type Point = (f64, f64);

pub fn landmarks(vm: &ViewModel, lay: &Layout) -> (Option<Point>, Option<Point>) {
    let filter = lay
        .branches
        .iter()
        .find(|b| subscription(vm, b).is_some_and(|s| s.filter_policy.is_some()))
        .map(|b| b.at(FILTER_AT));
    let endpoint = lay
        .branches
        .iter()
        .find_map(|b| b.endpoint.map(|r| r.center()));
    (filter, endpoint)
}
