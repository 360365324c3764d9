//! Where things go on the diagram: producers on the left, queues in the middle (dead-letter
//! queues below them), consumers on the right; inside each queue a grid of slots for waiting
//! messages, the oldest (the head) nearest the consumers. FIFO queues with few groups get one
//! lane per group, so a locked group is a lane that stops moving.
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
    let queue_x = producer_x + side_w + gap;
    let queue_w = (consumer_x - gap - queue_x).max(60.0);

    let live: Vec<usize> = (0..vm.queues.len())
        .filter(|&i| !vm.queues[i].deleted)
        .collect();
    let (dlqs, mains): (Vec<usize>, Vec<usize>) = live
        .iter()
        .partition(|&&i| vm.queues[i].is_dead_letter_queue);
    let top = PAD;
    let bottom = height - PAD;
    let main_bottom = if dlqs.is_empty() || mains.is_empty() {
        bottom
    } else {
        top + (bottom - top) * 0.64
    };

    let mut queues: Vec<Option<QueueBox>> = vec![None; vm.queues.len()];
    let mut place = |list: &[usize], y0: f64, y1: f64, w: f64, x: f64| {
        let n = list.len().max(1) as f64;
        let slice = (y1 - y0) / n;
        for (k, &qi) in list.iter().enumerate() {
            let h = (slice - 10.0).clamp(QUEUE_HEADER_PX + 12.0, 260.0);
            let y = y0 + slice * k as f64 + (slice - h) / 2.0;
            let rect = Rect { x, y, w, h };
            queues[qi] = Some(queue_box(
                vm,
                qi,
                rect,
                waiting.get(qi).copied().unwrap_or(0),
            ));
        }
    };
    if mains.is_empty() {
        place(&dlqs, top, bottom, queue_w, queue_x);
    } else {
        place(&mains, top, main_bottom, queue_w, queue_x);
        let dlq_w = (queue_w * 0.8).max(60.0);
        place(
            &dlqs,
            main_bottom + 6.0,
            bottom,
            dlq_w,
            queue_x + (queue_w - dlq_w) / 2.0,
        );
    }

    // Producers and consumers share the height evenly.
    let column = |n: usize, x: f64, row_max: f64| -> Vec<Rect> {
        let slice = (bottom - top) / n.max(1) as f64;
        let h = (slice - 6.0).clamp(CONSUMER_ROW_MIN_PX - 2.0, row_max);
        (0..n)
            .map(|k| Rect {
                x,
                y: top + slice * k as f64 + (slice - h) / 2.0,
                w: side_w,
                h,
            })
            .collect()
    };
    let producers = column(vm.producers.len(), producer_x, 56.0);

    let shown: Vec<usize> = (0..vm.consumers.len())
        .filter(|&i| vm.consumers[i].status != ConsumerStatus::Stopped)
        .collect();
    let fit = (((bottom - top) / CONSUMER_ROW_MIN_PX) as usize).min(CONSUMERS_DRAWN_MAX);
    let drawn = shown.len().min(fit);
    let rects = column(drawn, consumer_x, 44.0);
    let mut consumers = vec![None; vm.consumers.len()];
    for (k, &ci) in shown.iter().take(drawn).enumerate() {
        consumers[ci] = Some(rects[k]);
    }
    Layout {
        width,
        height,
        producers,
        queues,
        consumers,
        consumers_hidden: shown.len() - drawn,
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
