//! Where things go on the diagram: producers on the left, queues in the middle (dead-letter
//! queues below them), consumers on the right; inside each queue a grid of slots for waiting
//! messages, the oldest (the head) nearest the consumers. FIFO queues with few groups get one
//! lane per group, so a locked group is a lane that stops moving.
//!
//! With SNS topics, a column of topics stands between the producers and the queues; each
//! subscription is a branch from its topic to its queue or to an endpoint box (Lambda, HTTP,
//! email, SMS, push, Firehose) placed among the queues.
//!
//! A pure function of the view model, the canvas size and how many marks wait in each queue.

use mqlab_appcore::view::{ConsumerStatus, ViewModel};

/// Cell sizes tried for a queue's grid, largest first: the largest one that fits every
/// waiting mark wins; with the smallest, the rest are counted as "+N more".
pub const CELL_SIZES_PX: [f64; 4] = [11.0, 8.0, 6.0, 4.0];
/// FIFO queues with at most this many groups get one lane per group.
pub const LANES_MAX: usize = 12;
/// Consumer instances drawn one by one; the rest are counted.
pub const CONSUMERS_DRAWN_MAX: usize = 64;
/// Smallest height of a consumer's box, px.
pub const CONSUMER_ROW_MIN_PX: f64 = 12.0;
const PAD: f64 = 12.0;
/// Height of a queue's title line, px.
pub const QUEUE_HEADER_PX: f64 = 34.0;
/// Height of an endpoint's box at most, px.
pub const ENDPOINT_H_MAX_PX: f64 = 40.0;
/// Where a branch's filter sits, as a share of the way from the topic to the subscriber.
pub const FILTER_AT: f64 = 0.35;
/// A queue's share of the column's height against an endpoint's.
const QUEUE_WEIGHT: f64 = 3.0;
const ENDPOINT_WEIGHT: f64 = 1.2;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    pub fn left_mid(&self) -> (f64, f64) {
        (self.x, self.y + self.h / 2.0)
    }
    pub fn right_mid(&self) -> (f64, f64) {
        (self.x + self.w, self.y + self.h / 2.0)
    }
}

/// One row band of a FIFO queue's grid, for one message group.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub color: u16,
    pub rect: Rect,
    pub rows: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueBox {
    pub index: u16,
    pub rect: Rect,
    /// Where waiting marks go.
    pub grid: Rect,
    pub cell: f64,
    pub cols: usize,
    pub rows: usize,
    /// One per FIFO group (empty: one grid for all).
    pub lanes: Vec<Lane>,
}

impl QueueBox {
    /// Slots in the whole grid (or in one lane).
    pub fn capacity(&self, lane: Option<usize>) -> usize {
        match lane.and_then(|l| self.lanes.get(l)) {
            Some(l) => l.rows * self.cols,
            None => self.rows * self.cols,
        }
    }

    /// Centre of slot `i` (0 = the head, nearest the consumers): columns fill from the right,
    /// each top to bottom. None past the capacity.
    pub fn slot(&self, lane: Option<usize>, i: usize) -> Option<(f64, f64)> {
        let (area, rows) = match lane.and_then(|l| self.lanes.get(l)) {
            Some(l) => (l.rect, l.rows),
            None => (self.grid, self.rows),
        };
        if rows == 0 || i >= rows * self.cols {
            return None;
        }
        let col = self.cols - 1 - i / rows;
        let row = i % rows;
        Some((
            area.x + (col as f64 + 0.5) * self.cell,
            area.y + (row as f64 + 0.5) * self.cell,
        ))
    }

    /// The lane of a group colour, if the queue has lanes.
    pub fn lane_of(&self, color: Option<u16>) -> Option<usize> {
        let color = color?;
        self.lanes.iter().position(|l| l.color == color)
    }
}

/// One subscription drawn as a branch from its topic.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub topic: u16,
    pub subscription: u16,
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// The box of a subscriber that is not a queue.
    pub endpoint: Option<Rect>,
}

impl Branch {
    /// The point `u` (0 at the topic, 1 at the subscriber) along the branch's curve.
    pub fn at(&self, u: f64) -> (f64, f64) {
        curve_at(self.from, self.to, u)
    }
}

/// A point on the S-curve links are drawn with (a cubic Bézier with control points half-way
/// across at each end's height).
pub fn curve_at(a: (f64, f64), b: (f64, f64), u: f64) -> (f64, f64) {
    let u = u.clamp(0.0, 1.0);
    let v = 1.0 - u;
    let mx = (a.0 + b.0) / 2.0;
    let (b0, b1, b2, b3) = (v * v * v, 3.0 * v * v * u, 3.0 * v * u * u, u * u * u);
    (
        b0 * a.0 + (b1 + b2) * mx + b3 * b.0,
        (b0 + b1) * a.1 + (b2 + b3) * b.1,
    )
}

/// The smallest rectangle holding both.
fn union(a: Rect, b: Rect) -> Rect {
    let (x, y) = (a.x.min(b.x), a.y.min(b.y));
    Rect {
        x,
        y,
        w: (a.x + a.w).max(b.x + b.w) - x,
        h: (a.y + a.h).max(b.y + b.h) - y,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub producers: Vec<Rect>,
    /// Indexed by queue index; None for a deleted queue.
    pub queues: Vec<Option<QueueBox>>,
    /// Indexed by consumer index; None when not drawn (stopped, or past the cap).
    pub consumers: Vec<Option<Rect>>,
    pub consumers_hidden: usize,
    /// Indexed by topic index; None for a deleted topic.
    pub topics: Vec<Option<Rect>>,
    pub branches: Vec<Branch>,
    /// Indexed by stream index.
    pub streams: Vec<Option<StreamBox>>,
    /// Indexed by reader index (`vm.kinesis.readers`), as many as fit.
    pub readers: Vec<Rect>,
    /// The Auto Scaling groups (full page): each a header row in the consumer column above
    /// the consumers its instances run, framed together.
    pub groups: Vec<GroupBox>,
}

/// An Auto Scaling group's place: `vm.summary.asgs[index]`.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    pub index: usize,
    /// Its name, capacity and one chip per instance.
    pub header: Rect,
    /// Around the header and its drawn consumers.
    pub frame: Rect,
}

/// What a row of the consumer column holds.
#[derive(Clone, Copy)]
enum Row {
    Consumer(usize),
    Group(usize),
}

/// What shares the queues' column.
#[derive(Clone, Copy)]
enum Item {
    Queue(usize),
    Stream(usize),
    Endpoint,
}

impl Item {
    fn weight(&self, vm: &ViewModel) -> f64 {
        match *self {
            Item::Queue(_) => QUEUE_WEIGHT,
            Item::Endpoint => ENDPOINT_WEIGHT,
            Item::Stream(si) => {
                1.0 + STREAM_LANE_WEIGHT * vm.kinesis.streams[si].shards.len().max(1) as f64
            }
        }
    }
}

/// A Kinesis stream: a box with one horizontal lane per shard, in hash-key order.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamBox {
    pub index: u16,
    pub rect: Rect,
    /// (shard index in the stream's view, its lane: label at the left, records after).
    pub lanes: Vec<(usize, Rect)>,
    /// Width of a lane's label, px.
    pub label_w: f64,
}

/// Each shard's weight in the column, against a queue's 3.
pub const STREAM_LANE_WEIGHT: f64 = 0.9;
/// Width of a shard lane's label (its id and hash-key range), px.
pub const LANE_LABEL_PX: f64 = 92.0;

/// Lanes in hash-key order; a closed parent just above the children that cover its range.
fn stream_box(vm: &ViewModel, si: usize, rect: Rect) -> StreamBox {
    let st = &vm.kinesis.streams[si];
    let mut order: Vec<usize> = (0..st.shards.len()).collect();
    mqlab_engine::ordmap::sort_small_by_key(&mut order, |&k| {
        (st.shards[k].start_hash, st.shards[k].open)
    });
    let n = order.len().max(1) as f64;
    let area_y = rect.y + QUEUE_HEADER_PX;
    let lane_h = (rect.h - QUEUE_HEADER_PX - 4.0).max(4.0) / n;
    let label_w = LANE_LABEL_PX.min(rect.w * 0.3);
    let lanes = order
        .iter()
        .enumerate()
        .map(|(k, &shard)| {
            (
                shard,
                Rect {
                    x: rect.x + 4.0,
                    y: area_y + lane_h * k as f64,
                    w: rect.w - 8.0,
                    h: lane_h,
                },
            )
        })
        .collect();
    StreamBox {
        index: si as u16,
        rect,
        lanes,
        label_w,
    }
}

/// Lays out the diagram for a canvas of `width` × `height` CSS pixels; `waiting[q]` is how
/// many marks wait in queue `q` (sizes its grid).
pub fn layout(vm: &ViewModel, width: f64, height: f64, waiting: &[usize]) -> Layout {
    let narrow = width < 560.0;
    let side_w = if narrow {
        (width * 0.2).clamp(52.0, 90.0)
    } else {
        (width * 0.14).clamp(80.0, 150.0)
    };
    let gap = if narrow {
        18.0
    } else {
        (width * 0.05).clamp(28.0, 70.0)
    };
    let producer_x = PAD;
    let consumer_x = width - PAD - side_w;
    let sns = &vm.sns;
    let live_topics: Vec<usize> = (0..sns.topics.len())
        .filter(|&i| !sns.topics[i].deleted)
        .collect();
    // On a narrow screen, publishers and topics give up width so the branches keep some.
    let (left_w, left_gap) = if narrow && !live_topics.is_empty() {
        ((width * 0.15).clamp(48.0, 64.0), 12.0)
    } else {
        (side_w, gap)
    };
    // An uploader's S3 bucket stands between it and its topic: room for its name.
    let left_gap = if vm.producers.iter().any(|p| p.bucket.is_some()) {
        left_gap.max(if narrow {
            40.0
        } else {
            (width * 0.08).clamp(70.0, 110.0)
        })
    } else {
        left_gap
    };
    let topic_x = producer_x + left_w + left_gap;
    // Branches need room to show copies travelling and stopping at their filters.
    let queue_x = if live_topics.is_empty() {
        topic_x
    } else {
        let room = consumer_x - gap - (topic_x + left_w);
        let share = if narrow { 0.4 } else { 0.3 };
        topic_x + left_w + (room * share).clamp(gap, 280.0)
    };
    let queue_w = (consumer_x - gap - queue_x).max(60.0);

    let live: Vec<usize> = (0..vm.queues.len())
        .filter(|&i| !vm.queues[i].deleted)
        .collect();
    let (dlqs, mains): (Vec<usize>, Vec<usize>) = live
        .iter()
        .partition(|&&i| vm.queues[i].is_dead_letter_queue);
    // Subscribers that are not queues get a box among the queues.
    let endpoints: Vec<(u16, u16)> = live_topics
        .iter()
        .flat_map(|&ti| {
            sns.topics[ti]
                .subscriptions
                .iter()
                .enumerate()
                .filter(|(_, s)| !s.deleted && s.queue.is_none())
                .map(move |(si, _)| (ti as u16, si as u16))
        })
        .collect();
    let top = PAD;
    let bottom = height - PAD;
    let has_main = !mains.is_empty() || !endpoints.is_empty() || !vm.kinesis.streams.is_empty();
    let main_bottom = if dlqs.is_empty() {
        bottom
    } else {
        top + (bottom - top) * 0.64
    };

    let mut queues: Vec<Option<QueueBox>> = vec![None; vm.queues.len()];
    let mut endpoint_rects: Vec<Rect> = Vec::with_capacity(endpoints.len());
    let mut streams: Vec<Option<StreamBox>> = vec![None; vm.kinesis.streams.len()];
    // Queues, then streams and endpoints, share a band by weight.
    let mut place = |list: &[Item], y0: f64, y1: f64, w: f64, x: f64| {
        let total: f64 = list.iter().map(|i| i.weight(vm)).sum();
        let unit = (y1 - y0) / total.max(1.0);
        let mut y_at = y0;
        for item in list {
            let slice = unit * item.weight(vm);
            match *item {
                Item::Queue(qi) => {
                    let h = (slice - 10.0).clamp(QUEUE_HEADER_PX + 12.0, 260.0);
                    let rect = Rect {
                        x,
                        y: y_at + (slice - h) / 2.0,
                        w,
                        h,
                    };
                    queues[qi] = Some(queue_box(
                        vm,
                        qi,
                        rect,
                        waiting.get(qi).copied().unwrap_or(0),
                    ));
                }
                Item::Stream(si) => {
                    let h = (slice - 10.0).max(QUEUE_HEADER_PX + 12.0);
                    let rect = Rect {
                        x,
                        y: y_at + (slice - h) / 2.0,
                        w,
                        h,
                    };
                    streams[si] = Some(stream_box(vm, si, rect));
                }
                Item::Endpoint => {
                    let h = (slice - 6.0).clamp(14.0, ENDPOINT_H_MAX_PX);
                    let ew = (w * 0.7).max(60.0);
                    endpoint_rects.push(Rect {
                        x,
                        y: y_at + (slice - h) / 2.0,
                        w: ew,
                        h,
                    });
                }
            }
            y_at += slice;
        }
    };
    let dlq_items: Vec<Item> = dlqs.iter().map(|&q| Item::Queue(q)).collect();
    if !has_main {
        place(&dlq_items, top, bottom, queue_w, queue_x);
    } else {
        let main_items: Vec<Item> = mains
            .iter()
            .map(|&q| Item::Queue(q))
            .chain((0..vm.kinesis.streams.len()).map(Item::Stream))
            .chain(endpoints.iter().map(|_| Item::Endpoint))
            .collect();
        place(&main_items, top, main_bottom, queue_w, queue_x);
        let dlq_w = (queue_w * 0.8).max(60.0);
        place(
            &dlq_items,
            main_bottom + 6.0,
            bottom,
            dlq_w,
            queue_x + (queue_w - dlq_w) / 2.0,
        );
    }

    // Producers and consumers share the height evenly.
    let column = |n: usize, x: f64, w: f64, row_max: f64| -> Vec<Rect> {
        let slice = (bottom - top) / n.max(1) as f64;
        let h = (slice - 6.0).clamp(CONSUMER_ROW_MIN_PX - 2.0, row_max);
        (0..n)
            .map(|k| Rect {
                x,
                y: top + slice * k as f64 + (slice - h) / 2.0,
                w,
                h,
            })
            .collect()
    };
    let producers = column(vm.producers.len(), producer_x, left_w, 56.0);

    let shown: Vec<usize> = (0..vm.consumers.len())
        .filter(|&i| vm.consumers[i].status != ConsumerStatus::Stopped)
        .collect();
    // An Auto Scaling group's instances run consumers named `<group>/<instance>`: they come
    // after the other consumers, under their group's header row.
    let groups_vm = &vm.summary.asgs;
    let prefixes: Vec<String> = groups_vm.iter().map(|g| g.consumer_prefix()).collect();
    let group_of = |ci: usize| {
        prefixes
            .iter()
            .position(|p| vm.consumers[ci].name.starts_with(p.as_str()))
    };
    let mut rows: Vec<Row> = shown
        .iter()
        .filter(|&&ci| group_of(ci).is_none())
        .map(|&ci| Row::Consumer(ci))
        .collect();
    for gi in 0..groups_vm.len() {
        rows.push(Row::Group(gi));
        rows.extend(
            shown
                .iter()
                .filter(|&&ci| group_of(ci) == Some(gi))
                .map(|&ci| Row::Consumer(ci)),
        );
    }
    let fit = (((bottom - top) / CONSUMER_ROW_MIN_PX) as usize).min(CONSUMERS_DRAWN_MAX);
    // Stream readers (KCL workers, plain readers) share the column after the consumers.
    let readers_n = vm.kinesis.readers.len().min(fit);
    let drawn = rows.len().min(fit - readers_n);
    let rects = column(drawn + readers_n, consumer_x, side_w, 44.0);
    let mut consumers = vec![None; vm.consumers.len()];
    let mut groups: Vec<GroupBox> = Vec::new();
    for (k, row) in rows.iter().take(drawn).enumerate() {
        match *row {
            Row::Consumer(ci) => {
                consumers[ci] = Some(rects[k]);
                if let Some(g) = groups.last_mut().filter(|_| group_of(ci).is_some()) {
                    g.frame = union(g.frame, rects[k]);
                }
            }
            Row::Group(gi) => groups.push(GroupBox {
                index: gi,
                header: rects[k],
                frame: rects[k],
            }),
        }
    }
    let consumers_hidden = rows[drawn..]
        .iter()
        .filter(|r| matches!(r, Row::Consumer(_)))
        .count();
    let readers = rects[drawn..].to_vec();
    let mut topics: Vec<Option<Rect>> = vec![None; sns.topics.len()];
    let topic_rects = column(live_topics.len(), topic_x, left_w, 64.0);
    for (k, &ti) in live_topics.iter().enumerate() {
        topics[ti] = Some(topic_rects[k]);
    }
    let mut branches = Vec::new();
    let mut next_endpoint = endpoint_rects.iter();
    for &ti in &live_topics {
        let from = topics[ti].expect("placed").right_mid();
        for (si, sub) in sns.topics[ti].subscriptions.iter().enumerate() {
            if sub.deleted {
                continue;
            }
            let (to, endpoint) = match &sub.queue {
                Some(name) => {
                    let qb = vm
                        .queues
                        .iter()
                        .position(|q| &q.name == name)
                        .and_then(|qi| queues[qi].as_ref());
                    match qb {
                        Some(qb) => (qb.rect.left_mid(), None),
                        None => continue,
                    }
                }
                None => match next_endpoint.next() {
                    Some(r) => (r.left_mid(), Some(*r)),
                    None => continue,
                },
            };
            branches.push(Branch {
                topic: ti as u16,
                subscription: si as u16,
                from,
                to,
                endpoint,
            });
        }
    }
    Layout {
        width,
        height,
        producers,
        queues,
        consumers,
        consumers_hidden,
        topics,
        branches,
        streams,
        readers,
        groups,
    }
}

fn queue_box(vm: &ViewModel, qi: usize, rect: Rect, waiting: usize) -> QueueBox {
    let q = &vm.queues[qi];
    let grid = Rect {
        x: rect.x + 6.0,
        y: rect.y + QUEUE_HEADER_PX,
        w: (rect.w - 12.0).max(4.0),
        h: (rect.h - QUEUE_HEADER_PX - 6.0).max(4.0),
    };
    let lanes_n = if q.fifo && (1..=LANES_MAX).contains(&q.groups.len()) {
        q.groups.len()
    } else {
        0
    };
    let mut cell = CELL_SIZES_PX[CELL_SIZES_PX.len() - 1];
    for c in CELL_SIZES_PX {
        let cols = (grid.w / c).floor() as usize;
        let band_h = grid.h / lanes_n.max(1) as f64;
        let rows = (band_h / c).floor() as usize;
        // With lanes, one group may hold every waiting message: size for the worst lane.
        if cols * rows >= waiting {
            cell = c;
            break;
        }
    }
    let cols = ((grid.w / cell).floor() as usize).max(1);
    let rows = ((grid.h / cell).floor() as usize).max(1);
    let lanes = if lanes_n > 0 {
        let lane_h = grid.h / lanes_n as f64;
        q.groups
            .iter()
            .enumerate()
            .map(|(k, g)| Lane {
                color: g.color,
                rect: Rect {
                    x: grid.x,
                    y: grid.y + lane_h * k as f64,
                    w: grid.w,
                    h: lane_h,
                },
                rows: ((lane_h / cell).floor() as usize).max(1),
            })
            .collect()
    } else {
        Vec::new()
    };
    QueueBox {
        index: qi as u16,
        rect,
        grid,
        cell,
        cols,
        rows,
        lanes,
    }
}
