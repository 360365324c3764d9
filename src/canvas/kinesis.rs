//! Kinesis on the diagram: a stream is a box with one horizontal lane per shard, labelled with
//! its hash-key range. Records sit along their shard's lane in sequence order (the newest at
//! the right), coloured by partition key — so "same key, same shard, in order" shows at a
//! glance. A closed shard (after a split or merge) is greyed above the children that took its
//! range; it keeps its records until retention trims them from the lane's old end. A throttled
//! write flashes red at the lane's entry; a consumer's read leaves its cursor on the lane, at
//! the record it has reached, with how far behind the newest it is.

use super::diagram::{
    box_heading, curve, draw_batches, label, measure, push_point, round_rect, text, Batch,
};
use super::layout::{Layout, StreamBox};
use super::palette::Palette;
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::kinesis_view::{MomentKind, ShardView, StreamView};
use mqlab_appcore::labels::{fit_parts, stack_or_summarise, Align, Labels, Stack, TextBox};
use mqlab_appcore::numbers::count;
use mqlab_appcore::view::ViewModel;
use web_sys::CanvasRenderingContext2d;

/// Distance between records along a lane, px (records beyond what fits are counted).
const RECORD_STEP_PX: f64 = 7.0;

/// A hash-key range as shares of the key space: `[0%, 50%)`.
pub fn range_label(s: &ShardView) -> String {
    let pct = |h: u128| (h as f64 / u128::MAX as f64 * 100.0).round();
    format!("{:.0}–{:.0}%", pct(s.start_hash), pct(s.end_hash))
}

/// The short form of a shard id: `shardId-000000000003` → `#3`.
pub fn short_id(id: &str) -> String {
    let n = id.rsplit('-').next().unwrap_or(id).trim_start_matches('0');
    format!("#{}", if n.is_empty() { "0" } else { n })
}

/// Producer → stream links.
pub fn draw_links(ctx: &CanvasRenderingContext2d, vm: &ViewModel, lay: &Layout, p: &Palette) {
    ctx.set_stroke_style_str(p.stream);
    ctx.set_line_width(1.2);
    ctx.begin_path();
    for (pi, r) in lay.producers.iter().enumerate() {
        let Some(Some(sb)) = vm.producers[pi]
            .stream
            .and_then(|si| lay.streams.get(si as usize))
        else {
            continue;
        };
        curve(ctx, r.right_mid(), sb.rect.left_mid());
    }
    ctx.stroke();
}

/// A reader's name: its worker id, prefixed with the application when that does not already
/// name it (`billing/worker-2`; a plain reader `dashboard#1`).
fn worker_label(rd: &mqlab_appcore::kinesis_view::ReaderView) -> String {
    if rd.worker.starts_with(&rd.consumer) {
        rd.worker.clone()
    } else {
        format!("{}/{}", rd.consumer, rd.worker)
    }
}

/// Stream readers in the consumers' column: each worker with its leases, what it processed
/// and how much of it again; a line to each shard it holds.
pub fn draw_readers(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    vm: &ViewModel,
    lay: &Layout,
    p: &Palette,
    lang: Lang,
) {
    for (ri, r) in lay.readers.iter().enumerate() {
        let Some(rd) = vm.kinesis.readers.get(ri) else {
            continue;
        };
        // Lines to the lanes of the shards it holds.
        if rd.alive {
            let lanes = vm
                .kinesis
                .streams
                .iter()
                .position(|s| s.name == rd.stream)
                .and_then(|si| lay.streams.get(si)?.as_ref());
            if let Some(sb) = lanes {
                let st = &vm.kinesis.streams[sb.index as usize];
                ctx.set_stroke_style_str(if rd.enhanced_fan_out { p.ok } else { p.line });
                ctx.set_line_width(if rd.enhanced_fan_out { 2.0 } else { 1.0 });
                ctx.begin_path();
                for &(shard, lane) in &sb.lanes {
                    if rd.shards.contains(&st.shards[shard].id) {
                        curve(ctx, lane.right_mid(), r.left_mid());
                    }
                }
                ctx.stroke();
            }
        }
        round_rect(ctx, r, 5.0);
        ctx.set_fill_style_str(if rd.alive { p.panel } else { p.dlq_fill });
        ctx.fill();
        ctx.set_stroke_style_str(if rd.alive { p.stream } else { p.danger });
        ctx.set_line_width(1.0);
        ctx.stroke();
        if r.h >= 14.0 {
            let name = worker_label(rd);
            let name = if rd.alive {
                name
            } else {
                format!("✕ {name}")
            };
            let color = if rd.alive { p.fg } else { p.danger };
            let two = r.h >= 30.0;
            let y = r.y
                + if two {
                    r.h / 2.0 - 2.0
                } else {
                    r.h / 2.0 + 4.0
                };
            text(
                ctx,
                lb,
                color,
                "11px sans-serif",
                Align::Left,
                &name,
                r.x + 5.0,
                y,
                r.w - 10.0,
            );
            if two {
                // What it processed and how much of it twice first: whole parts, as many as
                // the box has room for.
                let processed = format!("✓{}", count(rd.processed));
                let twice = format!("×2 {}", count(rd.duplicates));
                let shards = format!("{} {}", rd.shards.len(), t(lang, "kinesis.shards"));
                let mut parts = vec![processed.as_str()];
                if rd.duplicates > 0 {
                    parts.push(&twice);
                }
                parts.push(&shards);
                if rd.enhanced_fan_out {
                    parts.push("EFO");
                }
                ctx.set_font("10px sans-serif");
                let sub = fit_parts(&parts, " · ", r.w - 10.0, |s| measure(ctx, s));
                let y = r.y + r.h / 2.0 + 11.0;
                text(
                    ctx,
                    lb,
                    p.muted,
                    "10px sans-serif",
                    Align::Left,
                    &sub,
                    r.x + 5.0,
                    y,
                    r.w - 10.0,
                );
            }
        }
    }
}

/// Where record `k` of `n` shown sits on a lane (0 = the oldest shown).
fn record_x(lane_x: f64, k: usize) -> f64 {
    lane_x + RECORD_STEP_PX * (k as f64 + 0.5)
}

/// How many records a lane shows.
pub fn lane_capacity(sb: &StreamBox, lane_w: f64) -> usize {
    (((lane_w - sb.label_w - 6.0) / RECORD_STEP_PX)
        .floor()
        .max(1.0)) as usize
}

/// Streams, their lanes, records, throttles and cursors.
pub fn draw_streams(
    ctx: &CanvasRenderingContext2d,
    lb: &mut Labels,
    summaries: &mut Vec<(TextBox, String)>,
    vm: &ViewModel,
    lay: &Layout,
    p: &Palette,
    lang: Lang,
) {
    let life = vm.transient_ms.max(1) as f64;
    for sb in lay.streams.iter().flatten() {
        let st: &StreamView = &vm.kinesis.streams[sb.index as usize];
        round_rect(ctx, &sb.rect, 8.0);
        ctx.set_fill_style_str(p.stream_fill);
        ctx.fill();
        ctx.set_stroke_style_str(p.stream);
        ctx.set_line_width(1.5);
        ctx.stroke();
        let title = format!("{}  · {}", st.name, st.mode);
        let open = format!("{} {}", t(lang, "kinesis.open_shards"), st.open_shards());
        let retention = format!("{} {}h", t(lang, "kinesis.retention"), st.retention_hours);
        box_heading(
            ctx,
            lb,
            p,
            &sb.rect,
            &title,
            &[&st.status, &open, &retention],
        );
        let mut batches: Vec<Batch> = Vec::new();
        for &(shard, lane) in &sb.lanes {
            let s = &st.shards[shard];
            // The lane: a band, greyed when closed.
            ctx.set_fill_style_str(if s.open { p.bg } else { p.panel });
            ctx.fill_rect(lane.x, lane.y + 1.0, lane.w, (lane.h - 2.0).max(1.0));
            let mid = lane.y + lane.h / 2.0;
            if lane.h >= 12.0 {
                let name = if s.open {
                    short_id(&s.id)
                } else {
                    format!("{} {}", short_id(&s.id), t(lang, "kinesis.closed"))
                };
                let color = if s.open { p.fg } else { p.muted };
                let y = mid - if lane.h >= 26.0 { 2.0 } else { -4.0 };
                let (x, w) = (lane.x + 3.0, sb.label_w - 4.0);
                text(
                    ctx,
                    lb,
                    color,
                    "11px sans-serif",
                    Align::Left,
                    &name,
                    x,
                    y,
                    w,
                );
                if lane.h >= 26.0 {
                    let range = range_label(s);
                    text(
                        ctx,
                        lb,
                        p.muted,
                        "10px sans-serif",
                        Align::Left,
                        &range,
                        x,
                        mid + 11.0,
                        w,
                    );
                }
            }
            let x0 = lane.x + sb.label_w;
            let cap = lane_capacity(sb, lane.w);
            let shown = &s.records[s.records.len().saturating_sub(cap)..];
            let r = (lane.h * 0.28).clamp(1.5, 3.2);
            for (k, rec) in shown.iter().enumerate() {
                push_point(
                    &mut batches,
                    p.group(rec.color),
                    !s.open,
                    (record_x(x0, k), mid, r),
                );
            }
            let hidden = s.stored.saturating_sub(shown.len());
            if hidden > 0 && lane.h >= 12.0 {
                let more = format!("+{}", count(hidden as u64));
                text(
                    ctx,
                    lb,
                    p.muted,
                    "10px sans-serif",
                    Align::Right,
                    &more,
                    x0 - 2.0,
                    mid + 4.0,
                    60.0,
                );
            }
            // Throttles flash at the lane's entry (writes) or end (reads).
            for m in &s.moments {
                let a = (vm.now_ms.saturating_sub(m.at_ms) as f64 / life).clamp(0.0, 1.0);
                let write = match m.kind {
                    MomentKind::WriteThrottled => true,
                    MomentKind::ReadThrottled => false,
                    MomentKind::Expired(n) => {
                        // Retention trims the lane's old end.
                        if a < 1.0 && lane.h >= 12.0 {
                            ctx.set_global_alpha(1.0 - a);
                            let cut = format!("✂ {} {}", count(n), t(lang, "kinesis.expired"));
                            let y = lane.y + lane.h - 3.0;
                            text(
                                ctx,
                                lb,
                                p.muted,
                                "10px sans-serif",
                                Align::Left,
                                &cut,
                                x0,
                                y,
                                lane.w,
                            );
                            ctx.set_global_alpha(1.0);
                        }
                        continue;
                    }
                };
                if a >= 1.0 {
                    continue;
                }
                let (x, dir) = if write {
                    (x0, -1.0)
                } else {
                    (lane.x + lane.w, 1.0)
                };
                ctx.set_global_alpha(1.0 - a);
                ctx.set_stroke_style_str(p.danger);
                ctx.set_line_width(1.6);
                ctx.begin_path();
                let bx = x + dir * (4.0 + 14.0 * a);
                ctx.move_to(bx - 3.0, mid - 3.0);
                ctx.line_to(bx + 3.0, mid + 3.0);
                ctx.move_to(bx - 3.0, mid + 3.0);
                ctx.line_to(bx + 3.0, mid - 3.0);
                ctx.stroke();
                ctx.set_global_alpha(1.0);
            }
            // Each reader's cursor: after the last record it read, with how far behind the
            // newest it was; a KCL application's checkpoint as a diamond below.
            let at = |seq: &mqlab_engine::kinesis::keys::SeqNum| {
                let k = shown.iter().filter(|r| r.seq <= *seq).count();
                x0 + RECORD_STEP_PX * k as f64
            };
            let readers: Vec<_> = vm
                .kinesis
                .readers
                .iter()
                .filter(|r| r.stream == st.name)
                .collect();
            // The cursors drawn on this lane, each with its label and colour.
            let mut cursors: Vec<(f64, String, &str)> = Vec::new();
            for rd in &readers {
                let Some((seq, _)) = rd.cursors.get(&s.id) else {
                    continue;
                };
                if !rd.shards.contains(&s.id) && rd.alive {
                    // A lease it no longer holds: the new owner's cursor tells.
                    continue;
                }
                if !rd.alive
                    && readers
                        .iter()
                        .any(|o| o.alive && o.consumer == rd.consumer && o.shards.contains(&s.id))
                {
                    // A dead worker whose lease another has taken: that one's cursor tells.
                    continue;
                }
                // Older than the oldest record the lane shows: pinned at its left edge,
                // pointing left.
                let off_lane = shown.first().is_some_and(|r| *seq < r.seq);
                let x = at(seq);
                let color = if rd.alive { p.fg } else { p.danger };
                ctx.set_stroke_style_str(color);
                ctx.set_line_width(1.5);
                ctx.begin_path();
                ctx.move_to(x, lane.y + 2.0);
                ctx.line_to(x, lane.y + lane.h - 2.0);
                ctx.stroke();
                cursors.push((x, cursor_label(lang, rd, &s.id, off_lane), color));
            }
            // One label a row, each right of its cursor or left of it where the lane has room
            // for it whole; if they do not all fit, one line that counts them (the labels on
            // hover), or just the count (they once piled up unreadably).
            let rows = if lane.h >= 14.0 {
                ((lane.h - 2.0) / 10.0) as usize
            } else {
                0
            };
            ctx.set_font("10px sans-serif");
            let lane_end = lane.x + lane.w;
            let places = |s: &str, x: f64, y: f64| {
                let w = measure(ctx, s);
                let mut v: Vec<(Align, f64, f64, TextBox)> = Vec::with_capacity(2);
                if x + 2.0 + w <= lane_end - 2.0 {
                    v.push((
                        Align::Left,
                        x + 2.0,
                        y,
                        TextBox::of_text(x + 2.0, y, w, 10.0, Align::Left),
                    ));
                }
                if x - 3.0 - w >= x0 {
                    v.push((
                        Align::Right,
                        x - 3.0,
                        y,
                        TextBox::of_text(x - 3.0, y, w, 10.0, Align::Right),
                    ));
                }
                v
            };
            let draw_at = |(align, x, y, _): (Align, f64, f64, TextBox), s: &str, color: &str| {
                let a = match align {
                    Align::Left => "left",
                    Align::Center => "center",
                    Align::Right => "right",
                };
                label(ctx, color, "10px sans-serif", a);
                let _ = ctx.fill_text(s, x, y);
            };
            let mut done = cursors.is_empty() || rows == 0;
            if !done && stack_or_summarise(cursors.len(), rows) == Stack::All {
                let options: Vec<_> = cursors
                    .iter()
                    .enumerate()
                    .map(|(row, (x, s, _))| places(s, *x, lane.y + 10.0 + 10.0 * row as f64))
                    .collect();
                let boxes: Vec<Vec<TextBox>> = options
                    .iter()
                    .map(|o| o.iter().map(|c| c.3).collect())
                    .collect();
                if let Some(picks) = lb.place_all(&boxes) {
                    for ((k, o), (_, s, color)) in picks.iter().zip(&options).zip(&cursors) {
                        draw_at(o[*k], s, color);
                    }
                    done = true;
                }
            }
            if !done {
                let x = cursors.iter().map(|c| c.0).fold(f64::MIN, f64::max);
                let n = count(cursors.len() as u64);
                let long = format!("▲ {}", tf(lang, "kinesis.readers_n", &[("n", &n)]));
                let short = format!("▲ {n}");
                for what in [long, short] {
                    let free = places(&what, x, lane.y + 10.0)
                        .into_iter()
                        .find(|c| lb.is_free(&c.3));
                    if let Some(place) = free {
                        lb.place(place.3);
                        draw_at(place, &what, p.fg);
                        let list: Vec<&str> = cursors.iter().map(|c| c.1.as_str()).collect();
                        summaries.push((place.3, list.join("\n")));
                        break;
                    }
                }
            }
            for ((stream, _, shard), seq) in &vm.kinesis.checkpoints {
                let Some(seq) = seq
                    .as_ref()
                    .filter(|_| shard == &s.id && stream == &st.name)
                else {
                    continue;
                };
                let (x, y) = (at(seq), lane.y + lane.h - 5.0);
                ctx.set_fill_style_str(p.ok);
                ctx.begin_path();
                ctx.move_to(x, y - 4.0);
                ctx.line_to(x + 4.0, y);
                ctx.line_to(x, y + 4.0);
                ctx.line_to(x - 4.0, y);
                ctx.close_path();
                ctx.fill();
            }
            ctx.set_stroke_style_str(p.line);
            ctx.set_line_width(0.5);
            ctx.begin_path();
            ctx.move_to(lane.x, lane.y + lane.h);
            ctx.line_to(lane.x + lane.w, lane.y + lane.h);
            ctx.stroke();
        }
        // A split or merge just made: its parents' lanes reach out to their children's,
        // fading, with the call that did it.
        for rs in vm.kinesis.reshards.iter().filter(|r| r.stream == st.name) {
            let a = (vm.now_ms.saturating_sub(rs.at_ms) as f64 / life).clamp(0.0, 1.0);
            if a >= 1.0 {
                continue;
            }
            let lane_of = |id: &String| {
                sb.lanes
                    .iter()
                    .find(|(k, _)| &st.shards[*k].id == id)
                    .map(|(_, r)| *r)
            };
            ctx.set_global_alpha(1.0 - a);
            ctx.set_stroke_style_str(p.stream);
            ctx.set_line_width(2.0);
            ctx.begin_path();
            for from in rs.parents.iter().filter_map(lane_of) {
                for to in rs.children.iter().filter_map(lane_of) {
                    let x = from.x + sb.label_w - 8.0;
                    curve(ctx, (x, from.y + from.h / 2.0), (x, to.y + to.h / 2.0));
                    ctx.move_to(x - 4.0, to.y + to.h / 2.0 - 4.0);
                    ctx.line_to(x, to.y + to.h / 2.0);
                    ctx.line_to(x + 4.0, to.y + to.h / 2.0 - 4.0);
                }
            }
            ctx.stroke();
            if let Some(from) = rs.parents.first().and_then(lane_of) {
                let call = if rs.parents.len() > 1 {
                    "MergeShards"
                } else {
                    "SplitShard"
                };
                let x = from.x + sb.label_w + 4.0;
                text(
                    ctx,
                    lb,
                    p.stream,
                    "bold 11px sans-serif",
                    Align::Left,
                    call,
                    x,
                    from.y + 12.0,
                    120.0,
                );
            }
            ctx.set_global_alpha(1.0);
        }
        draw_batches(ctx, &batches, 1.0);
    }
}

/// What a cursor's label says now: how far behind the newest record the reader is and how many
/// records it has not read (not its last read's MillisBehindLatest, stale once it stops
/// reading), or that its worker is down.
fn cursor_label(
    lang: Lang,
    rd: &mqlab_appcore::kinesis_view::ReaderView,
    shard: &str,
    off_lane: bool,
) -> String {
    let arrow = if off_lane { "◀" } else { "▲" };
    let worker = worker_label(rd);
    let lag = rd.lag.get(shard).copied().unwrap_or_default();
    let text = if !rd.alive {
        tf(lang, "kinesis.cursor_dead", &[("worker", &worker)])
    } else if lag.unread == 0 {
        tf(lang, "kinesis.cursor_level", &[("worker", &worker)])
    } else {
        tf(
            lang,
            "kinesis.cursor",
            &[
                ("worker", &worker),
                ("s", &format!("{:.1}", lag.behind_ms as f64 / 1000.0)),
                ("n", &count(lag.unread)),
            ],
        )
    };
    format!("{arrow} {text}")
}
