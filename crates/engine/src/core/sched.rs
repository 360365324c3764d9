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

/// A timer's place in the order as one number: its time, then its sequence number.
fn key(at: SimTime, seq: u64) -> u128 {
    ((at as u128) << 64) | seq as u128
}

/// What [`Scheduler::head_key`] is for an empty queue: later than every timer.
pub const NO_TIMER: u128 = u128::MAX;

#[derive(Clone, Debug)]
pub struct Scheduler<T> {
    /// The earliest timer's key, kept beside the heap: the world compares every owner's head
    /// before each timer it fires, and reading it here costs no trip into the heap.
    head: u128,
    heap: BinaryHeap<Entry<T>>,
}

impl<T> Default for Scheduler<T> {
    fn default() -> Self {
        Scheduler {
            head: NO_TIMER,
            heap: BinaryHeap::new(),
        }
    }
}

impl<T> Scheduler<T> {
    /// `item` fires at `at`; `seq` orders it among timers due at the same instant.
    pub fn schedule(&mut self, at: SimTime, seq: u64, item: T) {
        self.head = self.head.min(key(at, seq));
        self.heap.push(Entry { at, seq, item });
    }

    /// Time of the earliest pending timer.
    pub fn next_at(&self) -> Option<SimTime> {
        self.peek().map(|(at, _)| at)
    }

    /// (time, sequence number) of the earliest pending timer.
    pub fn peek(&self) -> Option<(SimTime, u64)> {
        (self.head != NO_TIMER).then_some(((self.head >> 64) as SimTime, self.head as u64))
    }

    /// The earliest timer's (time, sequence number) as one number ([`NO_TIMER`] if none): the
    /// lowest of several queues' keys is the timer due first among them.
    #[inline]
    pub fn head_key(&self) -> u128 {
        self.head
    }

    /// Removes and returns the earliest timer if it is due at or before `t`.
    pub fn pop_due(&mut self, t: SimTime) -> Option<(SimTime, T)> {
        if self.head == NO_TIMER || (self.head >> 64) as SimTime > t {
            return None;
        }
        let e = self.heap.pop()?;
        self.head = self.heap.peek().map_or(NO_TIMER, |n| key(n.at, n.seq));
        Some((e.at, e.item))
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
        assert_eq!((s.peek(), s.head_key()), (None, NO_TIMER));
    }

    #[test]
    fn the_head_key_orders_by_time_then_sequence() {
        let mut s = Scheduler::default();
        s.schedule(7, 4, 'b');
        s.schedule(7, 2, 'a');
        s.schedule(9, 0, 'c');
        assert_eq!(s.peek(), Some((7, 2)));
        assert_eq!(s.head_key(), (7u128 << 64) | 2);
        assert_eq!(s.pop_due(7), Some((7, 'a')));
        assert_eq!(s.peek(), Some((7, 4)));
        assert_eq!(s.pop_due(7), Some((7, 'b')));
        assert!(s.head_key() > (7u128 << 64) | u64::MAX as u128);
        assert_eq!(s.pop_due(7), None);
        assert_eq!(s.next_at(), Some(9));
    }
}
