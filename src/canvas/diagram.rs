//! The diagram renderer. Every frame it lays the view model out, moves each mark a little
//! towards its place (so a message visibly travels producer → queue → consumer), and draws:
//! queues with their waiting messages, consumers with the messages they hold (each ringed by
//! its visibility countdown), fading marks that just left, flashes for duplicate deliveries
//! and redeliveries, and a poll that travels to the queue and back empty, then "∅". SNS
//! topics and their branches are drawn by [`super::sns`], Kinesis streams and their readers by
//! [`super::kinesis`], on the same layout.
//!
//! Thousands of marks stay cheap: marks are drawn in one path per colour, at most
//! [`MARKS_DRAWN_MAX`] of them (the rest are counted as "+N more"), and nothing is allocated
//! per mark beyond two reused position maps.

use super::layout::{layout, Layout, Rect};
use super::palette::{palette, Palette};
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::labels::{ellipsize, fit_parts, Align, Labels, TextBox};
use mqlab_appcore::numbers::count;
use mqlab_appcore::view::{ConsumerStatus, FlashKind, GoneReason, MarkState, Place, ViewModel};
use mqlab_engine::core::float::parse_f64;
use std::collections::HashMap;
use std::f64::consts::{FRAC_PI_2, TAU};
use web_sys::CanvasRenderingContext2d;

/// Marks drawn one by one per frame; beyond this they are counted.
pub const MARKS_DRAWN_MAX: usize = 5_000;
/// Fading marks drawn per frame.
pub const GONE_DRAWN_MAX: usize = 400;
/// How quickly a mark closes the distance to its place: the time constant of the easing, real
/// ms (about 95% of the way in three of these).
pub const EASE_TAU_MS: f64 = 110.0;
/// Filled marks with a smaller radius, px, are drawn as squares (see `draw_batches`).
const SQUARE_BELOW_R: f64 = 2.0;
/// Distance between the messages a consumer holds, px (a mark and its ring).
const HELD_STEP_PX: f64 = 12.0;

/// Where the `k`-th message a consumer holds is drawn: rows from the right half of its box.
fn held_slot(rect: &Rect, k: usize) -> (f64, f64) {
    let per_row = ((rect.w * 0.45 / HELD_STEP_PX) as usize).max(1);
    let rows_fit = ((rect.h - 4.0) / HELD_STEP_PX).max(1.0) as usize;
    let (col, row) = (k % per_row, (k / per_row) % rows_fit);
    let y0 = rect.y + rect.h / 2.0 - (rows_fit as f64 - 1.0) * HELD_STEP_PX / 2.0;
    (
        rect.x + rect.w - 9.0 - col as f64 * HELD_STEP_PX,
        y0 + row as f64 * HELD_STEP_PX,
    )
}

/// What a click hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    Message(u64),
    Queue(u16),
    /// A copy of a published message on its branch (by its serial in `vm.sns.copies`).
    Copy(u64),
    Topic(u16),
    /// Subscription `.1` of topic `.0`: its endpoint box or its filter.
    Subscription(u16, u16),
    /// A Kinesis stream's box.
    Stream(u16),
}

pub struct DrawOptions {
    pub dark: bool,
    pub reduced_motion: bool,
    /// Paused: marks go straight to their places (nothing would finish their journey).
    pub settle: bool,
    pub lang: Lang,
    /// Real time since the previous draw, ms (drives the easing).
    pub real_dt_ms: f64,
    pub selected: Option<Hit>,
}

/// The share of a transient's life an empty receive spends on its trip to the queue and back
/// (the rest shows "∅" at the consumer).
const EMPTY_TRIP_SHARE: f64 = 0.6;

#[derive(Default)]
pub struct Renderer {
    positions: HashMap<u64, (f64, f64)>,
    next: HashMap<u64, (f64, f64)>,
    hits: Vec<(u64, f64, f64)>,
    copy_hits: Vec<(u64, f64, f64)>,
    layout: Option<Layout>,
    /// Marks drawn in the last frame (for tests and the benchmark).
    pub drawn: usize,
    /// Marks drawn on their way somewhere in the last frame, not yet at their place (none
    /// with reduced motion: marks then go straight to where they belong).
    pub moving: usize,
    /// The texts drawn in the last frame, none over another (see `mqlab_appcore::labels`).
    labels: Labels,
    /// Labels that stand for several ("3 readers"), with what they stand for (on hover).
    summaries: Vec<(TextBox, String)>,
}

/// One batch of marks of one colour and style.
pub(super) struct Batch {
    pub color: &'static str,
    pub hollow: bool,
    pub points: Vec<(f64, f64, f64)>,
}

impl Renderer {
    pub fn new() -> Renderer {
        Renderer::default()
    }

    /// What is under (x, y), in CSS pixels of the canvas: the nearest drawn mark within a few
    /// pixels, else a queue.
    pub fn hit(&self, x: f64, y: f64) -> Option<Hit> {
        let nearest = |hits: &[(u64, f64, f64)]| {
            let mut best: Option<(f64, u64)> = None;
            for &(serial, mx, my) in hits {
                let d = (mx - x).powi(2) + (my - y).powi(2);
                if d <= 64.0 && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, serial));
                }
            }
            best.map(|(_, s)| s)
        };
        if let Some(serial) = nearest(&self.hits) {
            return Some(Hit::Message(serial));
        }
        if let Some(serial) = nearest(&self.copy_hits) {
            return Some(Hit::Copy(serial));
        }
        let layout = self.layout.as_ref()?;
        let near = |(px, py): (f64, f64)| (px - x).abs() <= 8.0 && (py - y).abs() <= 8.0;
        if let Some(b) = layout.branches.iter().find(|b| {
            b.endpoint.is_some_and(|r| r.contains(x, y)) || near(b.at(super::layout::FILTER_AT))
        }) {
            return Some(Hit::Subscription(b.topic, b.subscription));
        }
        if let Some(ti) = layout
            .topics
            .iter()
            .position(|r| r.is_some_and(|r| r.contains(x, y)))
        {
            return Some(Hit::Topic(ti as u16));
        }
        if let Some(sb) = layout
            .streams
            .iter()
            .flatten()
            .find(|s| s.rect.contains(x, y))
        {
            return Some(Hit::Stream(sb.index));
        }
        layout
            .queues
            .iter()
            .flatten()
            .find(|q| q.rect.contains(x, y))
            .map(|q| Hit::Queue(q.index))
    }

    /// The texts drawn in the last frame.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// What is under (x, y) that has something to say on hover: what a summarised label
    /// stands for, the reason a filter stopped a copy, or where a retried copy stands.
    pub fn hover_text(&self, vm: &ViewModel, x: f64, y: f64, lang: Lang) -> Option<String> {
        if let Some((_, list)) = self
            .summaries
            .iter()
            .find(|(b, _)| (b.x..=b.x + b.w).contains(&x) && (b.y..=b.y + b.h).contains(&y))
        {
            return Some(list.clone());
        }
        let Some(Hit::Copy(serial)) = self.hit(x, y) else {
            return None;
        };
        let c = vm.sns.copies.get(&serial)?;
        super::sns::copy_text(c, lang)
    }

    /// Where the first copy in a state matching `pred` was drawn in the last frame.
    pub fn first_copy(
        &self,
        vm: &ViewModel,
        pred: impl Fn(&mqlab_appcore::sns_view::CopyState) -> bool,
    ) -> Option<(f64, f64)> {
        self.copy_hits
            .iter()
            .find(|(s, _, _)| vm.sns.copies.get(s).is_some_and(|c| pred(&c.state)))
            .map(|&(_, x, y)| (x, y))
    }

    /// Where the first mark was drawn in the last frame.
    pub fn first_mark(&self) -> Option<(f64, f64)> {
        self.hits.first().map(|&(_, x, y)| (x, y))
    }

    pub fn layout(&self) -> Option<&Layout> {
        self.layout.as_ref()
    }

    pub fn draw(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        vm: &ViewModel,
        width: f64,
        height: f64,
        opts: &DrawOptions,
    ) {
        let p = palette(opts.dark);
        ctx.set_fill_style_str(p.bg);
        ctx.fill_rect(0.0, 0.0, width, height);
        // Texts are placed first come, first served: box titles before the labels inside.
        let mut labels = std::mem::take(&mut self.labels);
        labels.clear();
        self.summaries.clear();
        let lb = &mut labels;

        let mut waiting = vec![0usize; vm.queues.len()];
        for m in vm.marks.values() {
            if !matches!(m.state, MarkState::InFlight { .. }) {
                waiting[m.queue as usize] += 1;
            }
        }
        let lay = layout(vm, width, height, &waiting);
        draw_links(ctx, lb, vm, &lay, p);
        super::sns::draw_links(ctx, lb, vm, &lay, p);
        super::kinesis::draw_links(ctx, vm, &lay, p);
        for (qi, qb) in lay.queues.iter().enumerate() {
            if let Some(qb) = qb {
                draw_queue(ctx, lb, vm, qi, qb, p, opts.lang);
            }
        }
        super::sns::draw_boxes(ctx, lb, vm, &lay, p, opts.lang);
        super::kinesis::draw_streams(ctx, lb, &mut self.summaries, vm, &lay, p, opts.lang);
        super::kinesis::draw_readers(ctx, lb, vm, &lay, p, opts.lang);
        for (pi, r) in lay.producers.iter().enumerate() {
            let pv = &vm.producers[pi];
            let rate = format!("{}/s", trim_num(pv.rate_per_s));
            let retried = format!("↻{}", count(pv.retried));
            let sub: &[&str] = if pv.retried > 0 {
                &[&rate, &retried]
            } else {
                &[&rate]
            };
            box_with_text(ctx, lb, r, p.panel, p.line, p, &pv.name, sub);
        }
        if mqlab_appcore::sim::FULL_PAGE {
            for gb in &lay.groups {
                draw_group(ctx, lb, vm, gb, p, opts.lang);
            }
        }
        for (ci, r) in lay.consumers.iter().enumerate() {
            if let Some(r) = r {
                draw_consumer(ctx, lb, vm, ci, r, p);
            }
        }
        if lay.consumers_hidden > 0 {
            if let Some(Some(last)) = lay.consumers.iter().rev().find(|r| r.is_some()) {
                text(
                    ctx,
                    lb,
                    p.muted,
                    "11px sans-serif",
                    Align::Left,
                    &format!("+{}", count(lay.consumers_hidden as u64)),
                    last.x,
                    (last.y + last.h + 11.0).min(height - 2.0),
                    width,
                );
            }
        }

        // What is selected (a click, or the step of a lesson pointing at it): a dashed ring.
        let ring = match opts.selected {
            Some(Hit::Queue(i)) => lay
                .queues
                .get(i as usize)
                .and_then(|b| b.as_ref())
                .map(|b| &b.rect),
            Some(Hit::Topic(i)) => lay.topics.get(i as usize).and_then(|b| b.as_ref()),
            Some(Hit::Stream(i)) => lay
                .streams
                .get(i as usize)
                .and_then(|b| b.as_ref())
                .map(|b| &b.rect),
            _ => None,
        };
        if let Some(r) = ring {
            let _ = ctx.set_line_dash(&js_sys::Array::of2(&6.0.into(), &4.0.into()));
            ctx.set_line_width(3.0);
            ctx.set_stroke_style_str(p.accent);
            let around = Rect {
                x: r.x - 5.0,
                y: r.y - 5.0,
                w: r.w + 10.0,
                h: r.h + 10.0,
            };
            round_rect(ctx, &around, 10.0);
            ctx.stroke();
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            ctx.set_line_width(1.0);
        }

        self.draw_marks(ctx, lb, vm, &lay, p, opts);
        self.copy_hits.clear();
        super::sns::draw_copies(ctx, vm, &lay, p, opts.reduced_motion, &mut self.copy_hits);
        self.draw_transients(ctx, lb, vm, &lay, p, opts.reduced_motion);
        self.layout = Some(lay);
        self.labels = labels;
    }

    fn draw_marks(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        lb: &mut Labels,
        vm: &ViewModel,
        lay: &Layout,
        p: &Palette,
        opts: &DrawOptions,
    ) {
        let snap = opts.reduced_motion || opts.settle;
        let ease = if snap {
            1.0
        } else {
            1.0 - (-opts.real_dt_ms.max(0.0) / EASE_TAU_MS).exp()
        };
        let mut slot_used: Vec<Vec<usize>> = lay
            .queues
            .iter()
            .map(|q| vec![0; q.as_ref().map_or(1, |q| q.lanes.len().max(1))])
            .collect();
        let mut held = vec![0usize; vm.consumers.len()];
        let mut strip = vec![0usize; vm.queues.len()];
        let mut batches: Vec<Batch> = Vec::new();
        let mut rings: Vec<(f64, f64, f64, f32)> = Vec::new();
        let mut shown_waiting = vec![0usize; vm.queues.len()];
        self.next.clear();
        self.hits.clear();
        let mut selected_at: Option<(f64, f64, f64)> = None;
        let mut moving = 0;

        for m in vm.marks.values() {
            if self.hits.len() >= MARKS_DRAWN_MAX {
                break;
            }
            let qi = m.queue as usize;
            let Some(Some(qb)) = lay.queues.get(qi) else {
                continue;
            };
            let mark_r = (qb.cell * 0.36).max(1.4);
            let (target, r) = match m.state {
                MarkState::InFlight {
                    consumer: Some(c), ..
                } if lay.consumers.get(c as usize).is_some_and(Option::is_some) => {
                    let rect = lay.consumers[c as usize].expect("checked");
                    let k = held[c as usize];
                    held[c as usize] += 1;
                    (held_slot(&rect, k), 3.2)
                }
                MarkState::InFlight { .. } => {
                    // Held by someone not drawn: along the queue's right edge.
                    let k = strip[qi];
                    strip[qi] += 1;
                    let x = qb.rect.x + qb.rect.w - 4.0 - (k / 20) as f64 * 6.0;
                    let y = qb.grid.y + (k % 20) as f64 * (qb.grid.h / 20.0);
                    ((x, y), 2.4)
                }
                _ => {
                    let lane = qb.lane_of(m.group);
                    let li = lane.unwrap_or(0).min(slot_used[qi].len() - 1);
                    let i = slot_used[qi][li];
                    slot_used[qi][li] += 1;
                    match qb.slot(lane, i) {
                        Some(pos) => {
                            shown_waiting[qi] += 1;
                            (pos, mark_r)
                        }
                        None => continue,
                    }
                }
            };
            let start = self
                .positions
                .get(&m.serial)
                .copied()
                .unwrap_or_else(|| origin(m.from, lay, target));
            let pos = if snap {
                target
            } else {
                (
                    start.0 + (target.0 - start.0) * ease,
                    start.1 + (target.1 - start.1) * ease,
                )
            };
            if (pos.0 - target.0).abs() + (pos.1 - target.1).abs() > 0.5 {
                moving += 1;
            }
            self.next.insert(m.serial, pos);
            self.hits.push((m.serial, pos.0, pos.1));
            let color = match m.group {
                Some(g) => p.group(g),
                None if vm.queues[qi].is_dead_letter_queue => p.dead,
                None if m.receive_count >= 2 => p.retried,
                None => p.message,
            };
            let hollow = matches!(m.state, MarkState::Delayed { .. });
            push_point(&mut batches, color, hollow, (pos.0, pos.1, r));
            if let MarkState::InFlight { .. } = m.state {
                if let mqlab_appcore::view::Visual::InFlight { remaining, .. } =
                    m.visual(vm.now_ms, vm.transient_ms)
                {
                    rings.push((pos.0, pos.1, r + 2.4, remaining));
                }
            }
            if opts.selected == Some(Hit::Message(m.serial)) {
                selected_at = Some((pos.0, pos.1, r));
            }
        }
        self.drawn = self.hits.len();
        self.moving = moving;

        draw_batches(ctx, &batches, 1.2);
        // Visibility countdown rings, coloured as time runs out.
        ctx.set_line_width(1.6);
        for (limit, color) in [(0.5f32, p.ok), (0.2, p.warn), (0.0, p.danger)] {
            ctx.begin_path();
            let mut any = false;
            for &(x, y, r, remaining) in &rings {
                let band = if remaining > 0.5 {
                    0.5
                } else if remaining > 0.2 {
                    0.2
                } else {
                    0.0
                };
                if band != limit || remaining <= 0.0 {
                    continue;
                }
                any = true;
                let start = -FRAC_PI_2;
                ctx.move_to(x + r * start.cos(), y + r * start.sin());
                let _ = ctx.arc(x, y, r, start, start + TAU * remaining as f64);
            }
            if any {
                ctx.set_stroke_style_str(color);
                ctx.stroke();
            }
        }
        if let Some((x, y, r)) = selected_at {
            ctx.set_line_width(2.0);
            ctx.set_stroke_style_str(p.fg);
            ctx.begin_path();
            let _ = ctx.arc(x, y, r + 5.0, 0.0, TAU);
            ctx.stroke();
        }

        // "+N more": waiting messages without a slot or not tracked one by one.
        for (qi, qb) in lay.queues.iter().enumerate() {
            let Some(qb) = qb else { continue };
            let q = &vm.queues[qi];
            let more = (q.visible + q.delayed).saturating_sub(shown_waiting[qi]);
            if more > 0 {
                // On a plate, over the marks it counts.
                let text = format!("+{}", count(more as u64));
                label(ctx, p.fg, "bold 12px sans-serif", "left");
                let w = measure(ctx, &text);
                let (x, y) = (qb.grid.x + 4.0, qb.grid.y + qb.grid.h - 4.0);
                if lb.place(TextBox::of_text(x, y, w, 12.0, Align::Left)) {
                    ctx.set_fill_style_str(p.panel);
                    ctx.fill_rect(qb.grid.x, qb.grid.y + qb.grid.h - 16.0, w + 8.0, 16.0);
                    ctx.set_fill_style_str(p.fg);
                    let _ = ctx.fill_text(&text, x, y);
                }
            }
        }
        std::mem::swap(&mut self.positions, &mut self.next);
    }

    fn draw_transients(
        &mut self,
        ctx: &CanvasRenderingContext2d,
        lb: &mut Labels,
        vm: &ViewModel,
        lay: &Layout,
        p: &Palette,
        reduced_motion: bool,
    ) {
        let life = vm.transient_ms.max(1) as f64;
        let age = |at: u64| (vm.now_ms.saturating_sub(at) as f64 / life).clamp(0.0, 1.0);
        // Marks that just left: a deleted message finishes its way into the consumer that
        // deleted it; an expired or purged one fades where it was. Quieter than a flash: many
        // messages leave every second.
        for g in vm.gone.iter().rev().take(GONE_DRAWN_MAX) {
            let Some(&(x, y)) = self.next.get(&g.mark.serial) else {
                continue;
            };
            let a = (age(g.at_ms) * 2.0).min(1.0);
            if a >= 1.0 {
                continue;
            }
            let into = match (g.reason, g.mark.state) {
                (
                    GoneReason::Deleted,
                    MarkState::InFlight {
                        consumer: Some(c), ..
                    },
                ) => lay
                    .consumers
                    .get(c as usize)
                    .copied()
                    .flatten()
                    .map(|r| r.right_mid()),
                _ => None,
            };
            let (x, y) = match into {
                Some((tx, ty)) => (x + (tx - x) * 0.25, y + (ty - y) * 0.25),
                None => (x, y),
            };
            // Keep the position for the next frame so the fade continues from there.
            self.positions.insert(g.mark.serial, (x, y));
            let color = match g.reason {
                GoneReason::Deleted => p.ok,
                GoneReason::Expired | GoneReason::Purged => p.muted,
            };
            ctx.set_global_alpha((1.0 - a) * 0.6);
            ctx.set_fill_style_str(color);
            ctx.begin_path();
            let _ = ctx.arc(x, y, 2.6 * (1.0 - a * 0.5), 0.0, TAU);
            ctx.fill();
        }
        // Duplicate deliveries and redeliveries: a ring just outside the consumer's box (not
        // over its name) and "×2" left of it.
        for f in &vm.flashes {
            let a = age(f.at_ms);
            if a >= 1.0 {
                continue;
            }
            let at = f
                .consumer
                .and_then(|c| lay.consumers.get(c as usize).copied().flatten())
                .map(|r| r.left_mid())
                .or_else(|| {
                    lay.queues
                        .get(f.queue as usize)?
                        .as_ref()
                        .map(|q| q.rect.right_mid())
                });
            let Some((x, y)) = at else { continue };
            let color = match f.kind {
                FlashKind::Duplicate => p.danger,
                FlashKind::Redelivery => p.warn,
            };
            ctx.set_global_alpha(1.0 - a);
            ctx.set_stroke_style_str(color);
            ctx.set_line_width(2.0);
            ctx.begin_path();
            let _ = ctx.arc(x - 9.0, y, 3.0 + 5.0 * a, 0.0, TAU);
            ctx.stroke();
            text(
                ctx,
                lb,
                color,
                "bold 12px sans-serif",
                Align::Right,
                "×2",
                x - 19.0,
                y - 6.0,
                40.0,
            );
        }
        // Empty receives: the poll travels to the queue and comes back with nothing, then
        // "∅" stays beside the consumer for a moment (with reduced motion, only the "∅").
        for e in &vm.empty_receives {
            let a = age(e.at_ms);
            if a >= 1.0 {
                continue;
            }
            let Some(r) = e
                .consumer
                .and_then(|c| lay.consumers.get(c as usize).copied().flatten())
            else {
                continue;
            };
            let (x, y) = r.left_mid();
            let queue = lay
                .queues
                .get(e.queue as usize)
                .and_then(|q| q.as_ref())
                .map(|q| q.rect.right_mid());
            if let (Some((qx, qy)), false) = (queue, reduced_motion) {
                if a < EMPTY_TRIP_SHARE {
                    // Out and back: 0 → 1 → 0 along the line from the consumer to the queue.
                    let f = a / EMPTY_TRIP_SHARE;
                    let d = 1.0 - (2.0 * f - 1.0).abs();
                    let (px, py) = (x + (qx - x) * d, y + (qy - y) * d);
                    ctx.set_global_alpha(0.85);
                    ctx.set_stroke_style_str(p.muted);
                    ctx.set_line_width(1.5);
                    ctx.begin_path();
                    let _ = ctx.arc(px, py, 3.5, 0.0, TAU);
                    ctx.stroke();
                    continue;
                }
            }
            let fade = if reduced_motion || queue.is_none() {
                a
            } else {
                (a - EMPTY_TRIP_SHARE) / (1.0 - EMPTY_TRIP_SHARE)
            };
            ctx.set_global_alpha((1.0 - fade) * 0.9);
            text(
                ctx,
                lb,
                p.muted,
                "bold 13px sans-serif",
                Align::Right,
                "∅",
                x - 4.0,
                y + 9.0,
                20.0,
            );
        }
        ctx.set_global_alpha(1.0);
    }
}

/// Draws each batch as one path: filled dots, or rings `ring_w` px wide when hollow.
pub(super) fn draw_batches(ctx: &CanvasRenderingContext2d, batches: &[Batch], ring_w: f64) {
    for b in batches {
        ctx.begin_path();
        for &(x, y, r) in &b.points {
            if r < SQUARE_BELOW_R && !b.hollow {
                // A dot this small is drawn as its square: the same few pixels, one call
                // instead of two and a fraction of a circle's rasterising (thousands of
                // waiting messages fill a queue's grid with these).
                ctx.rect(x - r, y - r, 2.0 * r, 2.0 * r);
            } else {
                ctx.move_to(x + r, y);
                let _ = ctx.arc(x, y, r, 0.0, TAU);
            }
        }
        if b.hollow {
            ctx.set_line_width(ring_w);
            ctx.set_stroke_style_str(b.color);
            ctx.stroke();
        } else {
            ctx.set_fill_style_str(b.color);
            ctx.fill();
        }
    }
}

pub(super) fn push_point(
    batches: &mut Vec<Batch>,
    color: &'static str,
    hollow: bool,
    pt: (f64, f64, f64),
) {
    match batches
        .iter_mut()
        .find(|b| std::ptr::eq(b.color, color) && b.hollow == hollow)
    {
        Some(b) => b.points.push(pt),
        None => batches.push(Batch {
            color,
            hollow,
            points: vec![pt],
        }),
    }
}

/// Where a new mark starts its journey.
fn origin(from: Place, lay: &Layout, target: (f64, f64)) -> (f64, f64) {
    match from {
        Place::Producer(i) => lay
            .producers
            .get(i as usize)
            .map_or(target, Rect::right_mid),
        Place::Queue(i) => lay
            .queues
            .get(i as usize)
            .and_then(|q| q.as_ref())
            .map_or(target, |q| q.rect.right_mid()),
        Place::Consumer(i) => lay
            .consumers
            .get(i as usize)
            .copied()
            .flatten()
            .map_or(target, |r| r.left_mid()),
        Place::Topic(ti, si) | Place::Subscriber(ti, si) => lay
            .branches
            .iter()
            .find(|b| b.topic == ti && b.subscription == si)
            .map_or(target, |b| {
                if matches!(from, Place::Topic(..)) {
                    b.from
                } else {
                    b.endpoint.map_or(b.to, |r| r.center())
                }
            }),
        Place::Outside => (0.0, target.1),
    }
}

pub(super) fn label(ctx: &CanvasRenderingContext2d, color: &str, font: &str, align: &str) {
    ctx.set_fill_style_str(color);
    ctx.set_font(font);
    ctx.set_text_align(align);
    ctx.set_text_baseline("alphabetic");
}

pub(super) fn round_rect(ctx: &CanvasRenderingContext2d, r: &Rect, radius: f64) {
    let rad = radius.min(r.w / 2.0).min(r.h / 2.0);
    ctx.begin_path();
    ctx.move_to(r.x + rad, r.y);
    let _ = ctx.arc_to(r.x + r.w, r.y, r.x + r.w, r.y + r.h, rad);
    let _ = ctx.arc_to(r.x + r.w, r.y + r.h, r.x, r.y + r.h, rad);
    let _ = ctx.arc_to(r.x, r.y + r.h, r.x, r.y, rad);
    let _ = ctx.arc_to(r.x, r.y, r.x + r.w, r.y, rad);
    ctx.close_path();
}

/// The width of `s` in the context's current font, px.
pub(super) fn measure(ctx: &CanvasRenderingContext2d, s: &str) -> f64 {
    ctx.measure_text(s).map_or(0.0, |m| m.width())
}

/// The pixel size of a canvas font ("bold 12px sans-serif" → 12).
fn font_px(font: &str) -> f64 {
    font.split_whitespace()
        .find_map(|w| parse_f64(w.strip_suffix("px")?).ok())
        .unwrap_or(12.0)
}

/// A box's two heading lines: its title, and under it its status parts joined by " · ",
/// as many whole parts as fit the box (the queue and stream boxes).
pub(super) fn box_heading(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    p: &Palette,
    rect: &Rect,
    title: &str,
    parts: &[&str],
) {
    let (x, w) = (rect.x + 8.0, rect.w - 16.0);
    text(
        ctx,
        lb,
        p.fg,
        "600 13px sans-serif",
        Align::Left,
        title,
        x,
        rect.y + 15.0,
        w,
    );
    ctx.set_font("11px sans-serif");
    let status = fit_parts(parts, " · ", w, |s| measure(ctx, s));
    text(
        ctx,
        lb,
        p.muted,
        "11px sans-serif",
        Align::Left,
        &status,
        x,
        rect.y + 29.0,
        w,
    );
}

/// Draws `s` at (x, y) (its baseline), at most `max_w` wide, if no text drawn this frame is
/// where it would be (`Labels::place`); says whether it was drawn.
#[allow(clippy::too_many_arguments)]
pub(super) fn text(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    color: &str,
    font: &str,
    align: Align,
    s: &str,
    x: f64,
    y: f64,
    max_w: f64,
) -> bool {
    label(
        ctx,
        color,
        font,
        match align {
            Align::Left => "left",
            Align::Center => "center",
            Align::Right => "right",
        },
    );
    // Too long for its room: cut with "…", never squeezed unreadable.
    let cut;
    let (s, w) = match measure(ctx, s) {
        w if w <= max_w => (s, w),
        _ => {
            cut = ellipsize(s, max_w, |t| measure(ctx, t));
            (cut.as_str(), measure(ctx, &cut).min(max_w))
        }
    };
    if !lb.place(TextBox::of_text(x, y, w, font_px(font), align)) {
        return false;
    }
    let _ = ctx.fill_text_with_max_width(s, x, y, max_w);
    true
}

/// A box with a title and a line under it made of `sub`'s parts, as many as fit (whole).
#[allow(clippy::too_many_arguments)]
pub(super) fn box_with_text(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    r: &Rect,
    fill: &str,
    stroke: &str,
    p: &Palette,
    title: &str,
    sub: &[&str],
) {
    round_rect(ctx, r, 6.0);
    ctx.set_fill_style_str(fill);
    ctx.fill();
    ctx.set_stroke_style_str(stroke);
    ctx.set_line_width(1.0);
    ctx.stroke();
    if r.h >= 14.0 {
        let (cx, cy) = r.center();
        let two = !sub.is_empty() && r.h >= 30.0;
        let title_y = if two { cy - 2.0 } else { cy + 4.0 };
        text(
            ctx,
            lb,
            p.fg,
            "600 12px sans-serif",
            Align::Center,
            title,
            cx,
            title_y,
            r.w - 6.0,
        );
        if two {
            ctx.set_font("11px sans-serif");
            let line = fit_parts(sub, " · ", r.w - 6.0, |s| measure(ctx, s));
            text(
                ctx,
                lb,
                p.muted,
                "11px sans-serif",
                Align::Center,
                &line,
                cx,
                cy + 12.0,
                r.w - 6.0,
            );
        }
    }
}

fn draw_links(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    vm: &ViewModel,
    lay: &Layout,
    p: &Palette,
) {
    ctx.set_stroke_style_str(p.line);
    ctx.set_line_width(1.2);
    ctx.begin_path();
    for (pi, r) in lay.producers.iter().enumerate() {
        let Some(Some(q)) = vm.producers[pi].queue.map(|q| lay.queues.get(q as usize)) else {
            continue;
        };
        let Some(q) = q else { continue };
        curve(ctx, r.right_mid(), q.rect.left_mid());
    }
    for (ci, r) in lay.consumers.iter().enumerate() {
        let (Some(r), Some(qi)) = (r, vm.consumers[ci].queue) else {
            continue;
        };
        let Some(Some(q)) = lay.queues.get(qi as usize) else {
            continue;
        };
        curve(ctx, q.rect.right_mid(), r.left_mid());
    }
    ctx.stroke();
    // Source → dead-letter queue, dashed, with maxReceiveCount.
    for (qi, q) in vm.queues.iter().enumerate() {
        let (Some(d), Some(Some(src))) = (q.dead_letter_queue, lay.queues.get(qi)) else {
            continue;
        };
        let Some(Some(dlq)) = lay.queues.get(d as usize) else {
            continue;
        };
        let from = (src.rect.x + src.rect.w * 0.5, src.rect.y + src.rect.h);
        let to = (dlq.rect.x + dlq.rect.w * 0.5, dlq.rect.y);
        let dash = js_sys::Array::of2(&5.0.into(), &4.0.into());
        let _ = ctx.set_line_dash(&dash);
        ctx.set_stroke_style_str(p.dead);
        ctx.begin_path();
        ctx.move_to(from.0, from.1);
        ctx.line_to(to.0, to.1);
        ctx.stroke();
        let _ = ctx.set_line_dash(&js_sys::Array::new());
        if let Some(n) = q.max_receive_count {
            text(
                ctx,
                lb,
                p.dead,
                "11px sans-serif",
                Align::Left,
                &format!("maxReceiveCount {n}"),
                from.0 + 6.0,
                (from.1 + to.1) / 2.0 + 4.0,
                200.0,
            );
        }
    }
}

pub(super) fn curve(ctx: &CanvasRenderingContext2d, a: (f64, f64), b: (f64, f64)) {
    let mx = (a.0 + b.0) / 2.0;
    ctx.move_to(a.0, a.1);
    ctx.bezier_curve_to(mx, a.1, mx, b.1, b.0, b.1);
}

fn draw_queue(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    vm: &ViewModel,
    qi: usize,
    qb: &super::layout::QueueBox,
    p: &Palette,
    lang: Lang,
) {
    let q = &vm.queues[qi];
    round_rect(ctx, &qb.rect, 8.0);
    ctx.set_fill_style_str(if q.is_dead_letter_queue {
        p.dlq_fill
    } else {
        p.queue_fill
    });
    ctx.fill();
    ctx.set_stroke_style_str(if q.is_dead_letter_queue {
        p.dead
    } else {
        p.accent
    });
    ctx.set_line_width(1.5);
    ctx.stroke();
    let kind = if q.is_dead_letter_queue {
        "DLQ"
    } else if q.fifo {
        "FIFO"
    } else {
        ""
    };
    let title = if kind.is_empty() {
        q.name.clone()
    } else {
        format!("{}  · {kind}", q.name)
    };
    let parts = [
        format!("{} {}", t(lang, "queue.visible"), count(q.visible as u64)),
        format!(
            "{} {}",
            t(lang, "queue.in_flight"),
            count(q.in_flight as u64)
        ),
        format!("{} {}", t(lang, "queue.delayed"), count(q.delayed as u64)),
    ];
    box_heading(
        ctx,
        lb,
        p,
        &qb.rect,
        &title,
        &parts.each_ref().map(String::as_str),
    );
    if mqlab_appcore::sim::FULL_PAGE {
        draw_alarm_lamps(ctx, vm, q, qb, p);
    }
    // FIFO lanes: a colour strip per group, a padlock on a locked one.
    for lane in &qb.lanes {
        let Some(g) = q.groups.iter().find(|g| g.color == lane.color) else {
            continue;
        };
        ctx.set_fill_style_str(p.group(lane.color));
        ctx.fill_rect(
            qb.rect.x + 1.5,
            lane.rect.y + 1.0,
            3.5,
            (lane.rect.h - 2.0).max(1.0),
        );
        ctx.set_stroke_style_str(p.line);
        ctx.set_line_width(0.5);
        ctx.begin_path();
        ctx.move_to(lane.rect.x, lane.rect.y + lane.rect.h);
        ctx.line_to(lane.rect.x + lane.rect.w, lane.rect.y + lane.rect.h);
        ctx.stroke();
        if g.locked {
            padlock(
                ctx,
                qb.rect.x + qb.rect.w + 4.0,
                lane.rect.y + lane.rect.h / 2.0,
                p.group(lane.color),
            );
        }
    }
}

/// A small padlock at (x, y) (its left middle).
fn padlock(ctx: &CanvasRenderingContext2d, x: f64, y: f64, color: &str) {
    ctx.set_fill_style_str(color);
    ctx.set_stroke_style_str(color);
    ctx.fill_rect(x, y - 1.0, 9.0, 7.0);
    ctx.set_line_width(1.6);
    ctx.begin_path();
    let _ = ctx.arc(x + 4.5, y - 1.0, 3.0, std::f64::consts::PI, TAU);
    ctx.stroke();
}

/// Radius of an alarm's lamp on its queue, px.
const LAMP_R_PX: f64 = 5.0;

/// The CloudWatch alarms on a queue's metric (full page): a lamp each in the queue box's
/// top-right corner, red in ALARM, green OK, hollow grey while INSUFFICIENT_DATA.
fn draw_alarm_lamps(
    ctx: &CanvasRenderingContext2d,
    vm: &ViewModel,
    q: &mqlab_appcore::view::QueueView,
    qb: &super::layout::QueueBox,
    p: &Palette,
) {
    let alarms = vm.summary.queue_alarms.iter().filter(|a| a.queue == q.name);
    for (k, a) in alarms.enumerate() {
        let x = qb.rect.x + qb.rect.w - 10.0 - k as f64 * (2.0 * LAMP_R_PX + 5.0);
        let y = qb.rect.y + 10.0;
        if x < qb.rect.x + qb.rect.w / 2.0 {
            break;
        }
        ctx.begin_path();
        let _ = ctx.arc(x, y, LAMP_R_PX, 0.0, TAU);
        match a.state {
            "ALARM" => ctx.set_fill_style_str(p.danger),
            "OK" => ctx.set_fill_style_str(p.ok),
            _ => ctx.set_fill_style_str(p.bg),
        }
        ctx.fill();
        ctx.set_stroke_style_str(if a.state == "ALARM" {
            p.danger
        } else {
            p.muted
        });
        ctx.set_line_width(1.0);
        ctx.stroke();
    }
}

/// Side of an instance's chip in a group's header, px.
const INSTANCE_CHIP_PX: f64 = 8.0;

/// An Auto Scaling group: a dashed frame around its header and the consumers its instances
/// run; the header names the group and its desired capacity, then one chip per
/// instance: hollow while Pending, amber while warming up, green InService, red while
/// Terminating; a protected instance (scale-in protection) has a dark centre.
fn draw_group(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    vm: &ViewModel,
    gb: &super::layout::GroupBox,
    p: &Palette,
    lang: Lang,
) {
    use mqlab_appcore::view::InstanceState;
    let Some(g) = vm.summary.asgs.get(gb.index) else {
        return;
    };
    let f = Rect {
        x: gb.frame.x - 3.0,
        y: gb.frame.y - 2.0,
        w: gb.frame.w + 6.0,
        h: gb.frame.h + 4.0,
    };
    round_rect(ctx, &f, 6.0);
    let dash = js_sys::Array::of2(&4.0.into(), &3.0.into());
    let _ = ctx.set_line_dash(&dash);
    ctx.set_stroke_style_str(p.accent);
    ctx.set_line_width(1.2);
    ctx.stroke();
    let _ = ctx.set_line_dash(&js_sys::Array::new());
    let h = gb.header;
    let title = mqlab_appcore::i18n::tf(
        lang,
        "diagram.asg",
        &[("name", &g.name), ("desired", &g.desired.to_string())],
    );
    let two_lines = h.h >= 28.0;
    let title_y = if two_lines {
        h.y + 12.0
    } else {
        h.y + h.h / 2.0 + 4.0
    };
    let title_w = if two_lines { h.w - 8.0 } else { h.w * 0.5 };
    text(
        ctx,
        lb,
        p.fg,
        "600 10px sans-serif",
        Align::Left,
        &title,
        h.x + 4.0,
        title_y,
        title_w,
    );
    // The chips: on the second line, or right of the title.
    let (x0, y0, room) = if two_lines {
        (h.x + 4.0, h.y + 17.0, h.w - 8.0)
    } else {
        (
            h.x + h.w * 0.5 + 4.0,
            h.y + (h.h - INSTANCE_CHIP_PX) / 2.0,
            h.w * 0.5 - 8.0,
        )
    };
    let step = INSTANCE_CHIP_PX + 2.0;
    let fits = ((room / step) as usize).max(1);
    for (k, inst) in g.instances.iter().take(fits).enumerate() {
        let r = Rect {
            x: x0 + k as f64 * step,
            y: y0,
            w: INSTANCE_CHIP_PX,
            h: INSTANCE_CHIP_PX,
        };
        round_rect(ctx, &r, 2.0);
        let fill = match inst.state {
            InstanceState::Pending => None,
            InstanceState::Warming => Some(p.warn),
            InstanceState::InService => Some(p.ok),
            InstanceState::Terminating => Some(p.danger),
        };
        match fill {
            Some(c) => {
                ctx.set_fill_style_str(c);
                ctx.fill();
            }
            None => {
                ctx.set_stroke_style_str(p.muted);
                ctx.set_line_width(1.0);
                ctx.stroke();
            }
        }
        if inst.protected {
            ctx.set_fill_style_str(p.fg);
            ctx.fill_rect(r.x + 2.5, r.y + 2.5, 3.0, 3.0);
        }
    }
    if g.instances.len() > fits {
        let more = format!("+{}", g.instances.len() - fits);
        let x = x0 + fits as f64 * step;
        text(
            ctx,
            lb,
            p.muted,
            "10px sans-serif",
            Align::Left,
            &more,
            x,
            y0 + 8.0,
            30.0,
        );
    }
}

fn draw_consumer(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    vm: &ViewModel,
    ci: usize,
    r: &Rect,
    p: &Palette,
) {
    let c = &vm.consumers[ci];
    let (fill, stroke) = match c.status {
        ConsumerStatus::Processing => (p.queue_fill, p.accent),
        ConsumerStatus::Polling => (p.panel, p.line),
        ConsumerStatus::Down => (p.dlq_fill, p.danger),
        ConsumerStatus::Stopped => (p.bg, p.line),
    };
    round_rect(ctx, r, 5.0);
    ctx.set_fill_style_str(fill);
    ctx.fill();
    ctx.set_stroke_style_str(stroke);
    ctx.set_line_width(1.0);
    ctx.stroke();
    // A long poll waiting: a dotted line towards the queue.
    if c.status == ConsumerStatus::Polling && c.long_poll {
        let dash = js_sys::Array::of2(&2.0.into(), &3.0.into());
        let _ = ctx.set_line_dash(&dash);
        ctx.set_stroke_style_str(p.muted);
        ctx.begin_path();
        let (x, y) = r.left_mid();
        ctx.move_to(x, y);
        ctx.line_to(x - 14.0, y);
        ctx.stroke();
        let _ = ctx.set_line_dash(&js_sys::Array::new());
    }
    if r.h >= 14.0 {
        // In its Auto Scaling group's box an instance's consumer is named by its instance id.
        let shown = match vm.summary.asgs.iter().find_map(|g| {
            c.name
                .strip_prefix(g.name.as_str())
                .and_then(|rest| rest.strip_prefix('/'))
        }) {
            Some(id) if mqlab_appcore::sim::FULL_PAGE => id,
            _ => c.name.as_str(),
        };
        let (color, name) = if c.status == ConsumerStatus::Down {
            (p.danger, format!("✕ {shown}"))
        } else {
            (p.fg, shown.to_string())
        };
        let y = r.y + r.h / 2.0 + 4.0;
        text(
            ctx,
            lb,
            color,
            "11px sans-serif",
            Align::Left,
            &name,
            r.x + 5.0,
            y,
            r.w * 0.55,
        );
    }
}

fn trim_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}
