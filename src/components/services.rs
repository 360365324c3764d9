//! The full page's drawings of the services beside queues, topics and streams, one SVG each:
//! an Amazon MQ broker (its instances or nodes, destinations, bindings, the producers that
//! publish to it and a prefetch window per consumer), a Firehose delivery stream (its buffer
//! filling by size and by time, the objects it wrote), a Flink application (windows over the
//! timeline, the watermark, late records, and the Flink SQL that computes the same) and a
//! Kinesis video stream (its fragments on a timeline). SVG rather than the canvas: a few
//! dozen shapes each, redrawn with the panels, and every part can carry its test id.
//!
//! Only the full page fills `ServicesView` (in the first download it is always empty, so none
//! of this is linked).

use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::numbers::count;
use mqlab_appcore::services_view::{
    BrokerView, FirehoseView, FlinkView, LambdaView, NodeRole, ServicesView, VideoView,
};
use yew::prelude::*;

/// Width of every drawing's coordinate system (it scales to the page).
const W: f64 = 760.0;
const ROW_H: f64 = 30.0;
/// Prefetch slots drawn one by one at most; a larger window is a bar.
const SLOTS_DRAWN_MAX: u32 = 20;
/// Waiting messages drawn as dots at most in a destination's row.
const DOTS_MAX: usize = 30;

pub fn services_strip(lang: Lang, view: &ServicesView, now_ms: u64, prefix: &str) -> Html {
    if !mqlab_appcore::sim::FULL_PAGE || view.is_empty() {
        return Html::default();
    }
    html! {
        <section class="services" data-testid={format!("{prefix}services")}>
            { for view.lambdas.iter().map(|m| lambda(lang, m, prefix)) }
            { for view.brokers.iter().map(|b| broker(lang, b, prefix)) }
            { for view.firehoses.iter().map(|f| firehose(lang, f, prefix)) }
            { for view.flinks.iter().map(|a| flink(lang, a, now_ms, prefix)) }
            { for view.videos.iter().map(|v| video(lang, v, now_ms, prefix)) }
        </section>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

fn mib(bytes: u64) -> String {
    let m = bytes as f64 / (1024.0 * 1024.0);
    if m >= 10.0 {
        format!("{m:.0} MiB")
    } else if m >= 0.1 {
        format!("{m:.1} MiB")
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}

fn secs(ms: u64) -> String {
    format!("{:.0} s", ms as f64 / 1000.0)
}

/// An S-curve from `a` to `b`, as the diagram's links.
fn link(a: (f64, f64), b: (f64, f64), class: &'static str) -> Html {
    let mx = (a.0 + b.0) / 2.0;
    let d = format!(
        "M{} {} C{} {} {} {} {} {}",
        fmt(a.0),
        fmt(a.1),
        fmt(mx),
        fmt(a.1),
        fmt(mx),
        fmt(b.1),
        fmt(b.0),
        fmt(b.1)
    );
    html! { <path class={class} d={d} /> }
}

/// Invocation slots drawn one by one at most; the rest of what is allowed is counted.
const INVOCATIONS_DRAWN_MAX: u32 = 100;

/// A Lambda event source mapping's concurrency as a row of invocation slots: one per batch
/// Lambda allows at once now (a step more each minute while messages wait), filled while a
/// batch runs in it; the row's end marks the cap it may grow to.
fn lambda(lang: Lang, m: &LambdaView, prefix: &str) -> Html {
    let (x0, w) = (150.0, W - 160.0);
    let shown = m.cap.clamp(1, INVOCATIONS_DRAWN_MAX);
    let step = w / f64::from(shown);
    let slot_w = (step - 1.5).clamp(1.0, 10.0);
    html! {
        <figure class="svc" data-testid={format!("{prefix}svc-lambda-{}", m.function)}
            data-allowed={m.allowed.to_string()} data-in-flight={m.in_flight.to_string()}>
            <svg viewBox={format!("0 0 {W} 44")} role="img" aria-label={m.function.clone()}>
                <text class="title" x="8" y="16">{ format!("λ {}", m.function) }</text>
                <text class="tiny" x="8" y="30">{ format!("← {} · {}", m.queue, m.state) }</text>
                { for (0..shown).map(|k| {
                    let class = if k < m.in_flight { "slot held" } else if k < m.allowed { "slot" } else { "slot future" };
                    html! { <rect class={class} x={fmt(x0 + f64::from(k) * step)} y="10" width={fmt(slot_w)} height="14" /> }
                }) }
                <text class="tiny" x={fmt(x0)} y="38">{
                    format!("{} {} / {} {} · {} {}", m.in_flight, t(lang, "svc.lambda.running"), m.allowed, t(lang, "svc.lambda.allowed"), t(lang, "svc.lambda.cap"), m.cap)
                }</text>
            </svg>
        </figure>
    }
}

fn node_class(r: NodeRole) -> &'static str {
    match r {
        NodeRole::Active => "node active",
        NodeRole::Standby => "node standby",
        NodeRole::Node => "node active",
        NodeRole::Down => "node down",
    }
}

fn broker(lang: Lang, b: &BrokerView, prefix: &str) -> Html {
    let rabbit = b.engine == "RabbitMQ";
    // Columns: producers | broker (exchanges | queues) | consumers.
    let (px, pw) = (8.0, 130.0);
    let (bx, bw) = (170.0, 380.0);
    let (cx, cw) = (590.0, 162.0);
    let nodes_y = 48.0;
    let dest_y = nodes_y + 40.0;
    let exchanges: Vec<usize> = (0..b.destinations.len())
        .filter(|&i| b.destinations[i].exchange)
        .collect();
    let others: Vec<usize> = (0..b.destinations.len())
        .filter(|&i| !b.destinations[i].exchange)
        .collect();
    let rows = b
        .producers
        .len()
        .max(b.consumers.len())
        .max(others.len())
        .max(exchanges.len())
        .max(1);
    let h = dest_y + rows as f64 * ROW_H + 14.0;
    // Where each destination's row is: exchanges in the broker's left half when it has any.
    let split = !exchanges.is_empty();
    let (ex_x, ex_w) = (bx + 10.0, 112.0);
    let (q_x, q_w) = if split {
        (bx + 210.0, bw - 220.0)
    } else {
        (bx + 10.0, bw - 20.0)
    };
    let row_y = |k: usize| dest_y + k as f64 * ROW_H;
    let dest_rect = |name: &str| -> Option<(f64, f64, f64)> {
        if let Some(k) = exchanges
            .iter()
            .position(|&i| b.destinations[i].name == name)
        {
            return Some((ex_x, row_y(k), ex_w));
        }
        others
            .iter()
            .position(|&i| b.destinations[i].name == name)
            .map(|k| (q_x, row_y(k), q_w))
    };
    let title = format!("{} · {}", b.name, b.state);
    let subtitle = format!("{} · {} · {}", b.engine, b.mode, b.instance_type);
    let n = b.nodes.len().max(1) as f64;
    let node_w = ((bw - 20.0) - (n - 1.0) * 8.0) / n;
    let node_label = |i: usize, r: NodeRole| {
        let what = if rabbit {
            t(lang, "svc.mq.node")
        } else {
            t(lang, "svc.mq.instance")
        };
        let role = match r {
            NodeRole::Active => t(lang, "svc.mq.role_active"),
            NodeRole::Standby => t(lang, "svc.mq.role_standby"),
            NodeRole::Node => t(lang, "svc.mq.role_up"),
            NodeRole::Down => t(lang, "svc.mq.role_down"),
        };
        format!("{what} {} · {role}", i + 1)
    };
    let roles: Vec<&str> = b.nodes.iter().map(|r| r.as_str()).collect();
    html! {
        <figure class="svc" data-testid={format!("{prefix}svc-mq-{}", b.name)} data-nodes={roles.join(",")}>
            <svg viewBox={format!("0 0 {W} {}", fmt(h))} role="img" aria-label={format!("{title} · {subtitle}")}>
                <rect class="frame" x={fmt(bx)} y="4" width={fmt(bw)} height={fmt(h - 8.0)} rx="6" />
                <text class="title" x={fmt(bx + 8.0)} y="19">{ title }</text>
                <text class="tiny" x={fmt(bx + 8.0)} y="31">{ subtitle }</text>
                { for b.nodes.iter().enumerate().map(|(i, &r)| {
                    let x = bx + 10.0 + i as f64 * (node_w + 8.0);
                    html! { <g data-testid={format!("{prefix}mq-node-{}", i + 1)} data-role={r.as_str()}>
                        <rect class={node_class(r)} x={fmt(x)} y={fmt(nodes_y - 10.0)} width={fmt(node_w)} height="24" rx="4" />
                        <text class="small" x={fmt(x + 6.0)} y={fmt(nodes_y + 6.0)}>{ node_label(i, r) }</text>
                    </g> }
                }) }
                // Producers and their links to what they publish to.
                { for b.producers.iter().enumerate().map(|(k, p)| {
                    let y = row_y(k);
                    let target = dest_rect(&p.target).map(|(x, ty, _)| (x, ty + 10.0));
                    let class = if p.blocked { "client blocked" } else { "client" };
                    html! { <g data-testid={format!("{prefix}mq-producer-{}", p.name)} data-blocked={p.blocked.to_string()}>
                        <rect class={class} x={fmt(px)} y={fmt(y)} width={fmt(pw)} height="22" rx="4" />
                        <text class="small" x={fmt(px + 5.0)} y={fmt(y + 10.0)}>{ p.name.clone() }</text>
                        <text class="tiny" x={fmt(px + 5.0)} y={fmt(y + 19.0)}>{
                            format!("{}/s · {}{}", p.rate_per_s, if p.persistent { t(lang, "svc.mq.persistent") } else { t(lang, "svc.mq.non_persistent") },
                                if p.blocked { format!(" · {}", t(lang, "svc.mq.flow_control")) } else { String::new() })
                        }</text>
                        { target.map(|to| link((px + pw, y + 11.0), to, "wire")).unwrap_or_default() }
                    </g> }
                }) }
                // Exchanges, their bindings (with the routing key) to queues.
                { for exchanges.iter().enumerate().map(|(k, &i)| {
                    let d = &b.destinations[i];
                    let y = row_y(k);
                    html! { <g data-testid={format!("{prefix}mq-dest-{}", d.name)}>
                        <rect class="exchange" x={fmt(ex_x)} y={fmt(y)} width={fmt(ex_w)} height="22" rx="11" />
                        <text class="small" x={fmt(ex_x + 8.0)} y={fmt(y + 10.0)}>{ d.name.clone() }</text>
                        <text class="tiny" x={fmt(ex_x + 8.0)} y={fmt(y + 19.0)}>{ d.kind.clone() }</text>
                    </g> }
                }) }
                { for b.bindings.iter().filter_map(|bd| {
                    let (ax, ay, aw) = dest_rect(&bd.exchange)?;
                    let (qx, qy, _) = dest_rect(&bd.queue)?;
                    let (from, to) = ((ax + aw, ay + 11.0), (qx, qy + 11.0));
                    let at = (to.0 - 3.0, to.1 - 3.0);
                    Some(html! { <g class="binding" data-testid={format!("{prefix}mq-binding-{}-{}", bd.exchange, bd.queue)}>
                        { link(from, to, "wire") }
                        <text class="tiny key" x={fmt(at.0)} y={fmt(at.1)} text-anchor="end">{ bd.key.clone() }</text>
                    </g> })
                }) }
                { for others.iter().enumerate().map(|(k, &i)| {
                    let d = &b.destinations[i];
                    let y = row_y(k);
                    let sub = format!("{} · {} {}", d.kind, count(d.waiting as u64), t(lang, "svc.mq.waiting"));
                    // The dots start after the longer of the two lines of text (estimated
                    // from the fonts' average advance), leaving room for "+N".
                    let text_w = (d.name.chars().count() as f64 * 6.0).max(sub.chars().count() as f64 * 4.8);
                    let dot_x0 = q_x + 14.0 + text_w;
                    let step = 6.5;
                    let fit = ((q_x + q_w - 34.0 - dot_x0) / step).max(0.0) as usize;
                    let shown = d.waiting.min(DOTS_MAX).min(fit);
                    html! { <g data-testid={format!("{prefix}mq-dest-{}", d.name)} data-waiting={d.waiting.to_string()}>
                        <rect class="dest" x={fmt(q_x)} y={fmt(y)} width={fmt(q_w)} height="22" rx="3" />
                        <text class="small" x={fmt(q_x + 6.0)} y={fmt(y + 10.0)}>{ d.name.clone() }</text>
                        <text class="tiny" x={fmt(q_x + 6.0)} y={fmt(y + 19.0)}>{ sub }</text>
                        { for (0..shown).map(|j| html! {
                            <circle class="msg" cx={fmt(dot_x0 + j as f64 * step)} cy={fmt(y + 11.0)} r="2.6" />
                        }) }
                        if d.waiting > shown {
                            <text class="tiny" x={fmt(q_x + q_w - 4.0)} y={fmt(y + 14.0)} text-anchor="end">{ format!("+{}", count((d.waiting - shown) as u64)) }</text>
                        }
                    </g> }
                }) }
                // Consumers: the push along their connection, and the prefetch window.
                { for b.consumers.iter().enumerate().map(|(k, c)| {
                    let y = row_y(k);
                    let from = dest_rect(&c.destination).map(|(x, y, w)| (x + w, y + 11.0));
                    let slots = c.prefetch.min(SLOTS_DRAWN_MAX);
                    let sw = ((cw - 10.0) / slots.max(1) as f64).min(8.0);
                    let class = if c.connected { "client" } else { "client down" };
                    html! { <g data-testid={format!("{prefix}mq-consumer-{}", c.name)} data-held={c.held.to_string()} data-prefetch={c.prefetch.to_string()} data-connected={c.connected.to_string()}>
                        { from.map(|f| link(f, (cx, y + 11.0), if c.connected { "wire push" } else { "wire cut" })).unwrap_or_default() }
                        <rect class={class} x={fmt(cx)} y={fmt(y)} width={fmt(cw)} height="24" rx="4" />
                        <title>{ format!("{} · {} {} / {}", c.name, t(lang, "svc.mq.prefetch"), c.held, c.prefetch) }</title>
                        <text class="small" x={fmt(cx + 5.0)} y={fmt(y + 10.0)}>{ c.name.clone() }</text>
                        <text class="tiny" x={fmt(cx + cw - 4.0)} y={fmt(y + 10.0)} text-anchor="end">{ if c.prefetch == 0 { format!("{}/∞", c.held) } else { format!("{}/{}", c.held, c.prefetch) } }</text>
                        // Prefetch 0 is unlimited: a bar, full while anything is held.
                        if c.prefetch > 0 && c.prefetch <= SLOTS_DRAWN_MAX {
                            { for (0..slots).map(|j| {
                                let class = if j < c.held { "slot held" } else { "slot" };
                                html! { <rect class={class} x={fmt(cx + 5.0 + j as f64 * sw)} y={fmt(y + 14.0)} width={fmt(sw - 1.5)} height="6" /> }
                            }) }
                        } else {
                            <rect class="slot" x={fmt(cx + 5.0)} y={fmt(y + 14.0)} width={fmt(cw - 10.0)} height="6" />
                            <rect class="slot held" x={fmt(cx + 5.0)} y={fmt(y + 14.0)} width={fmt((cw - 10.0) * if c.prefetch == 0 { f64::from(u8::from(c.held > 0)) } else { f64::from(c.held) / f64::from(c.prefetch) })} height="6" />
                        }
                    </g> }
                }) }
            </svg>
            <figcaption>{ format!("{} {} · {} {} · {} {} · {}", t(lang, "svc.mq.ceiling"), count(b.ceiling_per_s), t(lang, "summary.mq.published"), count(b.published), t(lang, "summary.mq.lost"), count(b.lost), t(lang, "svc.mq.legend")) }</figcaption>
        </figure>
    }
}

fn firehose(lang: Lang, f: &FirehoseView, prefix: &str) -> Html {
    let (by_size, by_time) = f.fill();
    let h = 118.0;
    let (sx, sw) = (8.0, 120.0);
    let (fx, fw) = (170.0, 300.0);
    let (kx, kw) = (510.0, 242.0);
    // The clock: an arc swept by the share of the interval the oldest record has waited.
    let (ccx, ccy, r) = (fx + fw - 40.0, 66.0, 26.0);
    let a = by_time.min(0.9999) * std::f64::consts::TAU;
    let (ex, ey) = (ccx + r * a.sin(), ccy - r * a.cos());
    let arc = format!(
        "M{} {} L{} {} A{r} {r} 0 {} 1 {} {} Z",
        fmt(ccx),
        fmt(ccy),
        fmt(ccx),
        fmt(ccy - r),
        if by_time > 0.5 { 1 } else { 0 },
        fmt(ex),
        fmt(ey)
    );
    let bar_w = fw - 110.0;
    let files_per_row = 4usize;
    let file_w = (kw - 12.0) / files_per_row as f64;
    html! {
        <figure class="svc" data-testid={format!("{prefix}svc-firehose-{}", f.name)}
            data-fill-size={format!("{by_size:.3}")} data-fill-time={format!("{by_time:.3}")} data-objects={f.objects.to_string()}>
            <svg viewBox={format!("0 0 {W} {h}")} role="img" aria-label={f.name.clone()}>
                <rect class="client" x={fmt(sx)} y="50" width={fmt(sw)} height="30" rx="4" />
                <text class="small" x={fmt(sx + 6.0)} y="69">{ f.source.clone() }</text>
                { link((sx + sw, 65.0), (fx, 65.0), "wire") }
                <rect class="frame" x={fmt(fx)} y="4" width={fmt(fw)} height={fmt(h - 8.0)} rx="6" />
                <text class="title" x={fmt(fx + 8.0)} y="20">{ format!("{} · Firehose{}", f.name, if f.transform { " · Lambda" } else { "" }) }</text>
                <text class="tiny" x={fmt(fx + 8.0)} y="42">{ format!("{} · {} / {}", t(lang, "svc.firehose.size"), mib(f.buffered_bytes), mib(f.size_bytes)) }</text>
                <rect class="bar" x={fmt(fx + 8.0)} y="48" width={fmt(bar_w)} height="14" rx="2" />
                <rect class="bar-fill" data-testid={format!("{prefix}firehose-size-bar")} x={fmt(fx + 8.0)} y="48" width={fmt(bar_w * by_size)} height="14" rx="2" />
                <text class="tiny" x={fmt(fx + 8.0)} y="80">{ format!("{} · {}", count(f.buffered_records as u64), t(lang, "summary.firehose.buffered")) }</text>
                <text class="tiny" x={fmt(fx + 8.0)} y="96">{ format!("{} · {} / {}", t(lang, "svc.firehose.interval"), secs(f.waited_ms), secs(f.interval_ms)) }</text>
                <circle class="clock" cx={fmt(ccx)} cy={fmt(ccy)} r={fmt(r)} />
                if by_time > 0.0 {
                    <path class="clock-fill" data-testid={format!("{prefix}firehose-clock")} d={arc} />
                }
                { link((fx + fw, 65.0), (kx, 40.0), "wire") }
                <rect class="bucket" x={fmt(kx)} y="4" width={fmt(kw)} height={fmt(h - 8.0)} rx="6" />
                <text class="title" x={fmt(kx + 8.0)} y="20">{ f.destination.clone() }</text>
                { for f.recent.iter().rev().enumerate().map(|(k, o)| {
                    let (col, row) = (k % files_per_row, k / files_per_row);
                    let x = kx + 6.0 + col as f64 * file_w;
                    let y = 28.0 + row as f64 * 40.0;
                    let name = o.key.rsplit('/').next().unwrap_or(&o.key);
                    let short: String = name.chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
                    html! { <g data-testid={format!("{prefix}firehose-object")} data-error={o.error.to_string()}>
                        <title>{ format!("{} ({} B)", o.key, count(o.bytes)) }</title>
                        <path class={if o.error { "file error" } else { "file" }}
                            d={format!("M{} {} h{} l6 6 v22 h-{} Z", fmt(x), fmt(y), fmt(file_w - 14.0), fmt(file_w - 8.0))} />
                        <text class="tiny" x={fmt(x + 3.0)} y={fmt(y + 16.0)}>{ if o.error { t(lang, "svc.firehose.failed").to_string() } else { mib(o.bytes) } }</text>
                        <text class="tiny" x={fmt(x + 3.0)} y={fmt(y + 25.0)}>{ short }</text>
                    </g> }
                }) }
            </svg>
            <figcaption>{ format!("{} {} · {} {}", t(lang, "summary.firehose.objects"), count(f.objects), t(lang, "summary.firehose.errors"), count(f.error_records)) }</figcaption>
        </figure>
    }
}

fn flink(lang: Lang, a: &FlinkView, now_ms: u64, prefix: &str) -> Html {
    // The timeline: the last few windows' worth of time, ending now.
    let width_ms = a
        .open
        .iter()
        .chain(a.closed.iter())
        .map(|w| w.end - w.start)
        .max()
        .unwrap_or(10_000)
        .max(1_000)
        * 4;
    let t0 = now_ms.saturating_sub(width_ms);
    let (lx, lw) = (110.0, W - 120.0);
    let x_of = |t: u64| lx + (t.saturating_sub(t0) as f64 / width_ms as f64).min(1.05) * lw;
    let mut keys: Vec<&str> = a
        .open
        .iter()
        .chain(a.closed.iter())
        .map(|w| w.key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let lane_h = 26.0;
    let top = 34.0;
    let h = top + keys.len().max(1) as f64 * lane_h + 26.0;
    let lane_of = |k: &str| keys.iter().position(|x| *x == k).unwrap_or(0);
    let (overlap, slide_ms) = a.overlap();
    let window = |w: &mqlab_appcore::services_view::WindowView, closed: bool| {
        let lane = lane_of(&w.key);
        // Sliding windows overlap: each of the `overlap` open at once has its own row.
        let x0 = x_of(w.start.max(t0));
        let x1 = x_of(w.end).max(x0 + 2.0);
        let rows = overlap as f64;
        let sub = ((w.start / slide_ms) % overlap) as f64;
        let row_h = (lane_h - 6.0) / rows;
        let y = top + lane as f64 * lane_h + 2.0 + sub * row_h;
        let class = match (closed, w.late_firing) {
            (false, _) => "window open",
            (true, false) => "window closed",
            (true, true) => "window late",
        };
        let label = match w.value {
            Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
            Some(v) => format!("{v:.1}"),
            None => format!("{}…", w.count),
        };
        html! { <g data-testid={format!("{prefix}flink-window")} data-closed={closed.to_string()}>
            <title>{ format!("{} [{} – {}) · {} · {}", w.key, secs(w.start), secs(w.end), w.count, label) }</title>
            <rect class={class} x={fmt(x0)} y={fmt(y)} width={fmt(x1 - x0)} height={fmt(row_h)} rx="3" />
            <text class="tiny" x={fmt(x0 + 3.0)} y={fmt(y + row_h.min(13.0))}>{ label }</text>
        </g> }
    };
    let ticks: Vec<u64> = {
        let step = (width_ms / 4).max(1);
        (0..=4)
            .map(|k| t0 / step * step + k * step)
            .filter(|&t| t >= t0 && t <= now_ms)
            .collect()
    };
    html! {
        <figure class="svc" data-testid={format!("{prefix}svc-flink-{}", a.name)} data-fired={a.windows_fired.to_string()}>
            <svg viewBox={format!("0 0 {W} {}", fmt(h))} role="img" aria-label={a.name.clone()}>
                <text class="title" x="8" y="18">{ format!("{} · Flink · {} · {} · {}", a.name, a.window(), a.time(), a.status) }</text>
                { for keys.iter().enumerate().map(|(k, key)| html! {
                    <text class="small" x="8" y={fmt(top + k as f64 * lane_h + 16.0)}>{ key.to_string() }</text>
                }) }
                <line class="axis" x1={fmt(lx)} x2={fmt(lx + lw)} y1={fmt(h - 20.0)} y2={fmt(h - 20.0)} />
                { for ticks.iter().map(|&t| html! {
                    <text class="tiny" x={fmt(x_of(t))} y={fmt(h - 8.0)} text-anchor="middle">{ format!("{}:{:02}", t / 60_000, t / 1000 % 60) }</text>
                }) }
                { for a.closed.iter().filter(|w| w.end > t0).map(|w| window(w, true)) }
                { for a.open.iter().map(|w| window(w, false)) }
                if let Some(wm) = a.watermark.filter(|&wm| wm >= t0) {
                    <g data-testid={format!("{prefix}flink-watermark")}>
                        <line class="watermark" x1={fmt(x_of(wm))} x2={fmt(x_of(wm))} y1={fmt(top - 6.0)} y2={fmt(h - 20.0)} />
                        <text class="tiny" x={fmt(x_of(wm))} y={fmt(top - 8.0)} text-anchor="middle">{ t(lang, "svc.flink.watermark") }</text>
                    </g>
                }
                { for a.late.iter().filter(|l| l.event_time >= t0).map(|l| {
                    let (x, y) = (x_of(l.event_time), top + lane_of(&l.key) as f64 * lane_h + lane_h / 2.0);
                    html! { <g data-testid={format!("{prefix}flink-late")} data-dropped={l.dropped.to_string()}>
                        <title>{ if l.dropped { t(lang, "svc.flink.late_dropped") } else { t(lang, "svc.flink.late_counted") } }</title>
                        <text class={if l.dropped { "late dropped" } else { "late" }} x={fmt(x)} y={fmt(y + 4.0)} text-anchor="middle">{ "✕" }</text>
                    </g> }
                }) }
                <line class="now" x1={fmt(x_of(now_ms))} x2={fmt(x_of(now_ms))} y1={fmt(top - 4.0)} y2={fmt(h - 20.0)} />
            </svg>
            <figcaption>
                { format!("{} {} · {} {}", t(lang, "summary.flink.windows"), count(a.windows_fired), t(lang, "summary.flink.late_dropped"), count(a.late_dropped)) }
                if a.spec.is_some() {
                    <details class="sql">
                        <summary>{ t(lang, "svc.flink.sql") }</summary>
                        <pre data-testid={format!("{prefix}flink-sql")}><code>{ a.sql() }</code></pre>
                    </details>
                }
            </figcaption>
        </figure>
    }
}

fn video(lang: Lang, v: &VideoView, now_ms: u64, prefix: &str) -> Html {
    let span_ms: u64 = 60_000;
    let t0 = now_ms.saturating_sub(span_ms);
    let (lx, lw) = (110.0, W - 120.0);
    let x_of = |t: u64| lx + (t.saturating_sub(t0) as f64 / span_ms as f64) * lw;
    let h = 72.0 + v.consumers.len() as f64 * 14.0;
    html! {
        <figure class="svc" data-testid={format!("{prefix}svc-video-{}", v.name)} data-archived={v.persisted.to_string()}>
            <svg viewBox={format!("0 0 {W} {}", fmt(h))} role="img" aria-label={v.name.clone()}>
                <text class="title" x="8" y="18">{ format!("{} · Kinesis Video Streams · {} {} h", v.name, t(lang, "summary.video.retention"), v.retention_hours) }</text>
                <text class="small" x="8" y="42">{ t(lang, "svc.video.fragments") }</text>
                <line class="axis" x1={fmt(lx)} x2={fmt(lx + lw)} y1="50" y2="50" />
                { for (0..=4).map(|k| t0 / 15_000 * 15_000 + k * 15_000).filter(|&t| t >= t0 && t <= now_ms).map(|t| html! {
                    <text class="tiny" x={fmt(x_of(t))} y="58" text-anchor="middle">{ format!("{}:{:02}", t / 60_000, t / 1000 % 60) }</text>
                }) }
                { for v.fragments.iter().filter(|f| f.server_ts >= t0).map(|f| {
                    let x = x_of(f.server_ts);
                    let w = (f.duration_ms as f64 / span_ms as f64 * lw - 1.0).max(1.5);
                    html! { <rect class={if f.archived { "fragment archived" } else { "fragment" }}
                        data-testid={format!("{prefix}video-fragment")} data-archived={f.archived.to_string()}
                        x={fmt(x)} y="30" width={fmt(w)} height="18" rx="1" /> }
                }) }
                { for v.consumers.iter().enumerate().map(|(k, c)| {
                    let what = if c.live { "GetMedia" } else { "ListFragments + GetMediaForFragmentList" };
                    let text = match &c.error {
                        Some(e) => format!("{} · {what} · {e}", c.name),
                        None => format!("{} · {what} · {} {}", c.name, count(c.fragments), t(lang, "svc.video.got")),
                    };
                    html! { <text class="tiny" x="8" y={fmt(74.0 + k as f64 * 14.0)}>{ text }</text> }
                }) }
            </svg>
        </figure>
    }
}
