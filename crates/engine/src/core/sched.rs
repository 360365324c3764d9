//! A timer queue: timers ordered by (time, sequence number), so two timers due at the same
//! instant fire in the order they were scheduled — never in an order that depends on hashing
//! or allocation. Each owner of timers has one; the sequence numbers come from the world's one
//! counter (see [`crate::core::ctx::Timers`]), so the order holds across queues too.

use crate::core::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone, Debug)]
struct Entry<T> {
    at: SimTime,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, o: &Self) -> bool {
        self.at == o.at && self.seq == o.seq
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<T> Ord for Entry<T> {
    // Reversed: BinaryHeap is a max-heap and we want the earliest first.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.at, o.seq).cmp(&(self.at, self.seq))
    }
}

#[derive(Clone, Debug)]
pub struct Scheduler<T> {
    heap: BinaryHeap<Entry<T>>,
}

impl<T> Default for Scheduler<T> {
    fn default() -> Self {
        Scheduler {
            heap: BinaryHeap::new(),
        }
    }
}

impl<T> Scheduler<T> {
    /// `item` fires at `at`; `seq` orders it among timers due at the same instant.
    pub fn schedule(&mut self, at: SimTime, seq: u64, item: T) {
        self.heap.push(Entry { at, seq, item });
    }

    /// Time of the earliest pending timer.
    pub fn next_at(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.at)
    }

    /// (time, sequence number) of the earliest pending timer.
    pub fn peek(&self) -> Option<(SimTime, u64)> {
        self.heap.peek().map(|e| (e.at, e.seq))
    }

    /// Removes and returns the earliest timer if it is due at or before `t`.
    pub fn pop_due(&mut self, t: SimTime) -> Option<(SimTime, T)> {
        if self.heap.peek()?.at <= t {
            self.heap.pop().map(|e| (e.at, e.item))
        } else {
            None
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_fire_in_time_then_schedule_order() {
        let mut s = Scheduler::default();
        s.schedule(10, 0, "c");
        s.schedule(5, 1, "a");
        s.schedule(10, 2, "d");
        s.schedule(5, 3, "b");
        let mut out = vec![];
        while let Some((_, x)) = s.pop_due(100) {
            out.push(x);
        }
        assert_eq!(out, ["a", "b", "c", "d"]);
    }

    #[test]
    fn nothing_fires_before_its_time() {
        let mut s = Scheduler::default();
        s.schedule(10, 0, 1);
        assert!(s.pop_due(9).is_none());
        assert_eq!(s.pop_due(10), Some((10, 1)));
    }
}
