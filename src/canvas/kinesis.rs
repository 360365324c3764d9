//! Kinesis on the diagram: a stream is a box with one horizontal lane per shard, labelled with
//! its hash-key range. Records sit along their shard's lane in sequence order (the newest at
//! the right), coloured by partition key — so "same key, same shard, in order" shows at a
//! glance. A closed shard (after a split or merge) is greyed above the children that took its
//! range; it keeps its records until retention trims them from the lane's old end. A throttled
//! write flashes red at the lane's entry; a consumer's read leaves its cursor on the lane, at
//! the record it has reached, with how far behind the newest it is.

use super::diagram::{curve, draw_batches, label, push_point, round_rect, Batch};
use super::layout::{Layout, StreamBox};
use super::palette::Palette;
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::kinesis_view::{MomentKind, ShardView, StreamView};
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
            label(
                ctx,
                if rd.alive { p.fg } else { p.danger },
                "11px sans-serif",
                "left",
            );
            let two = r.h >= 30.0;
            let _ = ctx.fill_text_with_max_width(
                &name,
                r.x + 5.0,
                r.y + if two {
                    r.h / 2.0 - 2.0
                } else {
                    r.h / 2.0 + 4.0
                },
                r.w - 10.0,
            );
            if two {
                label(ctx, p.muted, "10px sans-serif", "left");
                let mut sub = format!(
                    "{} {} · ✓{}",
                    rd.shards.len(),
                    t(lang, "kinesis.shards"),
                    rd.processed
                );
                if rd.duplicates > 0 {
                    sub.push_str(&format!(" · ×2 {}", rd.duplicates));
                }
                if rd.enhanced_fan_out {
                    sub.push_str(" · EFO");
                }
                let _ = ctx.fill_text_with_max_width(
                    &sub,
                    r.x + 5.0,
                    r.y + r.h / 2.0 + 11.0,
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
        label(ctx, p.fg, "600 13px sans-serif", "left");
        let _ = ctx.fill_text_with_max_width(
            &format!("{}  · {}", st.name, st.mode),
            sb.rect.x + 8.0,
            sb.rect.y + 15.0,
            sb.rect.w - 16.0,
        );
        label(ctx, p.muted, "11px sans-serif", "left");
        let _ = ctx.fill_text_with_max_width(
            &format!(
                "{} · {} {} · {} {}h",
                st.status,
                t(lang, "kinesis.open_shards"),
                st.open_shards(),
                t(lang, "kinesis.retention"),
                st.retention_hours
            ),
            sb.rect.x + 8.0,
            sb.rect.y + 29.0,
            sb.rect.w - 16.0,
        );
        let mut batches: Vec<Batch> = Vec::new();
        for &(shard, lane) in &sb.lanes {
            let s = &st.shards[shard];
            // The lane: a band, greyed when closed.
            ctx.set_fill_style_str(if s.open { p.bg } else { p.panel });
            ctx.fill_rect(lane.x, lane.y + 1.0, lane.w, (lane.h - 2.0).max(1.0));
            let mid = lane.y + lane.h / 2.0;
            if lane.h >= 12.0 {
                label(
                    ctx,
                    if s.open { p.fg } else { p.muted },
                    "11px sans-serif",
                    "left",
                );
                let name = if s.open {
                    short_id(&s.id)
                } else {
                    format!("{} {}", short_id(&s.id), t(lang, "kinesis.closed"))
                };
                let _ = ctx.fill_text_with_max_width(
                    &name,
                    lane.x + 3.0,
                    mid - if lane.h >= 26.0 { 2.0 } else { -4.0 },
                    sb.label_w - 4.0,
                );
                if lane.h >= 26.0 {
                    label(ctx, p.muted, "10px sans-serif", "left");
                    let _ = ctx.fill_text_with_max_width(
                        &range_label(s),
                        lane.x + 3.0,
                        mid + 11.0,
                        sb.label_w - 4.0,
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
                label(ctx, p.muted, "10px sans-serif", "right");
                let _ = ctx.fill_text(&format!("+{hidden}"), x0 - 2.0, mid + 4.0);
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
                            label(ctx, p.muted, "10px sans-serif", "left");
                            let _ = ctx.fill_text(
                                &format!("✂ {n} {}", t(lang, "kinesis.expired")),
                                x0,
                                lane.y + lane.h - 3.0,
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
            let mut row = 0.0;
            let readers: Vec<_> = vm
                .kinesis
                .readers
                .iter()
                .filter(|r| r.stream == st.name)
                .collect();
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
                // Labels stack down the lane as far as it has room; the rest go unlabelled.
                if lane.h >= 14.0 && 10.0 * (row + 1.0) <= lane.h - 2.0 {
                    // Right of the cursor where it fits, else left of it (a cursor near the
                    // newest record would squeeze its label unreadable).
                    let text = cursor_label(lang, rd, &s.id, off_lane);
                    ctx.set_font("10px sans-serif");
                    let w = ctx.measure_text(&text).map_or(120.0, |m| m.width());
                    let right_room = lane.x + lane.w - x - 4.0;
                    let y = lane.y + 10.0 + 10.0 * row;
                    if w <= right_room || right_room >= x - x0 {
                        label(ctx, color, "10px sans-serif", "left");
                        let _ =
                            ctx.fill_text_with_max_width(&text, x + 2.0, y, right_room.max(30.0));
                    } else {
                        label(ctx, color, "10px sans-serif", "right");
                        let _ = ctx.fill_text_with_max_width(
                            &text,
                            x - 3.0,
                            y,
                            (x - x0 - 2.0).max(30.0),
                        );
                    }
                }
                row += 1.0;
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
                label(ctx, p.stream, "bold 11px sans-serif", "left");
                let call = if rs.parents.len() > 1 {
                    "MergeShards"
                } else {
                    "SplitShard"
                };
                let _ = ctx.fill_text(call, from.x + sb.label_w + 4.0, from.y + 12.0);
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
                ("n", &lag.unread.to_string()),
            ],
        )
    };
    format!("{arrow} {text}")
}
