//! `SegVec`: an append-only queue whose clone shares what it already held.
//!
//! Why: the web page keeps snapshots of the world (`World::clone()`) to seek back, and a Kinesis
//! shard holds up to `kinesis::SHARD_RECORDS_MAX` records. With a
//! `VecDeque` every snapshot copied every record; the tab ran out of memory within minutes.
//! Records never change once written and only leave from the front (retention, caps), so they
//! are kept here in sealed, reference-counted segments of [`SEGMENT_LEN`] items plus an open
//! tail: a clone copies one pointer per segment and the tail, and a snapshot costs what was
//! appended since the previous one.
//!
//! It offers the part of `VecDeque`'s interface the engine uses (`len`, `get`, `iter`, `front`,
//! `push_back`, `partition_point`, `clear`), with [`SegVec::remove_front`] in place of
//! `pop_front` (an item in a shared segment cannot be moved out, and callers only look at it).

use std::collections::VecDeque;
use std::rc::Rc;

/// Items per sealed segment. Small enough that the open tail, copied by every clone, stays a
/// small share of a snapshot (128 records); large enough that the segment pointers of a full
/// shard (200,000 records: 1,563 pointers, 25 KB) cost little next to what they share.
pub const SEGMENT_LEN: usize = 128;

/// An ordered sequence, appended at the back and trimmed at the front.
///
/// Shared through `Rc`, as every shared part of a `World` is (see `World`): a world runs in
/// the thread that built it.
#[derive(Clone, Debug)]
pub struct SegVec<T> {
    /// Full segments, oldest first, each exactly `SEGMENT_LEN` items (the first may have
    /// items before `head` that were removed).
    sealed: VecDeque<Rc<[T]>>,
    /// Items removed from the front of `sealed[0]`; 0 when nothing is sealed.
    head: usize,
    /// Appended items not yet sealed, fewer than `SEGMENT_LEN`. A `VecDeque` so that removing
    /// from the front of a short sequence (nothing sealed yet) is cheap too.
    tail: VecDeque<T>,
}

impl<T> Default for SegVec<T> {
    fn default() -> Self {
        SegVec {
            sealed: VecDeque::new(),
            head: 0,
            tail: VecDeque::new(),
        }
    }
}

impl<T> SegVec<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.sealed.len() * SEGMENT_LEN - self.head + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item `i` places from the front (after removals), as `VecDeque::get`.
    pub fn get(&self, i: usize) -> Option<&T> {
        let at = i.checked_add(self.head)?;
        let seg = at / SEGMENT_LEN;
        match self.sealed.get(seg) {
            Some(s) => s.get(at % SEGMENT_LEN),
            None => self.tail.get(at - self.sealed.len() * SEGMENT_LEN),
        }
    }

    pub fn front(&self) -> Option<&T> {
        self.get(0)
    }

    pub fn back(&self) -> Option<&T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Items in order.
    pub fn iter(&self) -> Iter<'_, T> {
        self.iter_from(0)
    }

    /// Items from index `i` on (none when `i >= len`).
    pub fn iter_from(&self, i: usize) -> Iter<'_, T> {
        let end = self.len();
        Iter {
            v: self,
            pos: i.min(end),
            end,
        }
    }

    /// Index of the first item for which `pred` is false, the items being partitioned (all
    /// true, then all false), as `VecDeque::partition_point`.
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some(x) if pred(x) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }

    /// Removes the front item; false when empty. The item is dropped with its segment once
    /// no clone shares it any more.
    pub fn remove_front(&mut self) -> bool {
        if self.sealed.is_empty() {
            return self.tail.pop_front().is_some();
        }
        self.head += 1;
        if self.head == SEGMENT_LEN {
            self.sealed.pop_front();
            self.head = 0;
        }
        true
    }

    pub fn clear(&mut self) {
        self.sealed.clear();
        self.head = 0;
        self.tail.clear();
    }

    /// Appends `x`; a tail that reaches `SEGMENT_LEN` becomes a sealed segment.
    pub fn push_back(&mut self, x: T) {
        self.tail.push_back(x);
        if self.tail.len() == SEGMENT_LEN {
            // `head` stays 0 when nothing was sealed: front removals then came out of the tail.
            let seg: Vec<T> = std::mem::take(&mut self.tail).into();
            self.sealed.push_back(Rc::from(seg));
        }
    }

    /// Items in the open tail: what a clone copies rather than shares.
    pub fn unsealed_len(&self) -> usize {
        self.tail.len()
    }

    /// Sealed segments, oldest first (for tests and memory accounting: a clone shares them).
    pub fn segments(&self) -> impl ExactSizeIterator<Item = &Rc<[T]>> {
        self.sealed.iter()
    }
}

impl<T> FromIterator<T> for SegVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = SegVec::new();
        for x in iter {
            v.push_back(x);
        }
        v
    }
}

impl<'a, T> IntoIterator for &'a SegVec<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// Iterator over a `SegVec`, by index: `nth` and `skip` jump rather than walk.
#[derive(Clone, Debug)]
pub struct Iter<'a, T> {
    v: &'a SegVec<T>,
    pos: usize,
    end: usize,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        if self.pos >= self.end {
            return None;
        }
        self.pos += 1;
        self.v.get(self.pos - 1)
    }

    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.pos = self.pos.saturating_add(n).min(self.end);
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end - self.pos;
        (n, Some(n))
    }
}

impl<T> DoubleEndedIterator for Iter<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        self.end -= 1;
        self.v.get(self.end)
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(n: usize) -> SegVec<usize> {
        (0..n).collect()
    }

    #[test]
    fn keeps_order_and_indexes_across_segments() {
        let n = SEGMENT_LEN * 3 + 5;
        let v = filled(n);
        assert_eq!(v.len(), n);
        assert_eq!(v.segments().len(), 3);
        assert_eq!(v.unsealed_len(), 5);
        assert!(v.iter().copied().eq(0..n));
        assert!((0..n).all(|i| v.get(i) == Some(&i)));
        assert_eq!(v.get(n), None);
        assert_eq!(v.get(usize::MAX), None);
        assert_eq!(v.front(), Some(&0));
        assert_eq!(v.back(), Some(&(n - 1)));
        assert!(v.iter().rev().copied().eq((0..n).rev()));
    }

    #[test]
    fn indexes_after_removals_from_the_front() {
        let n = SEGMENT_LEN * 4 + 17;
        let mut v = filled(n);
        for removed in 1..=SEGMENT_LEN * 2 + 3 {
            assert!(v.remove_front());
            assert_eq!(v.len(), n - removed);
            assert_eq!(v.front(), Some(&removed));
            assert_eq!(v.get(v.len() - 1), Some(&(n - 1)));
        }
        // Two whole segments went; the third is partly removed.
        assert_eq!(v.segments().len(), 2);
        let first = SEGMENT_LEN * 2 + 3;
        assert!(v.iter().copied().eq(first..n));
        assert!(v.iter_from(10).copied().eq(first + 10..n));
        assert_eq!(v.iter_from(n).count(), 0);
        // Appending after removals keeps indexes right.
        v.push_back(n);
        assert_eq!(v.get(v.len() - 1), Some(&n));
        while v.remove_front() {}
        assert!(v.is_empty());
        assert_eq!(v.front(), None);
        v.push_back(7);
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), [7]);
    }

    #[test]
    fn removals_from_a_short_tail() {
        let mut v = filled(3);
        assert!(v.remove_front());
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), [1, 2]);
        for i in 3..SEGMENT_LEN + 1 {
            v.push_back(i);
        }
        // The tail sealed with its removed item already gone: the segment starts at 1.
        assert_eq!(v.segments().len(), 1);
        assert_eq!(v.front(), Some(&1));
        assert!(v.iter().copied().eq(1..SEGMENT_LEN + 1));
    }

    #[test]
    fn partition_point_as_a_sorted_slice() {
        let mut v: SegVec<usize> = (0..SEGMENT_LEN * 2 + 9).map(|i| i * 2).collect();
        for _ in 0..5 {
            v.remove_front();
        }
        let slice: Vec<usize> = v.iter().copied().collect();
        for x in [0, 9, 10, 11, 300, 301, 10_000] {
            assert_eq!(
                v.partition_point(|&y| y < x),
                slice.partition_point(|&y| y < x)
            );
            assert_eq!(
                v.partition_point(|&y| y <= x),
                slice.partition_point(|&y| y <= x)
            );
        }
    }

    #[test]
    fn iterator_skips_by_index() {
        let v = filled(SEGMENT_LEN * 2);
        let got: Vec<(usize, usize)> = v.iter().copied().enumerate().skip(250).collect();
        assert_eq!(got.len(), SEGMENT_LEN * 2 - 250);
        assert_eq!(got[0], (250, 250));
        assert_eq!(v.iter().nth(SEGMENT_LEN + 1), Some(&(SEGMENT_LEN + 1)));
        assert_eq!(v.iter().len(), SEGMENT_LEN * 2);
    }

    #[test]
    fn a_clone_shares_sealed_segments_and_copies_the_tail() {
        let mut v = filled(SEGMENT_LEN * 5 + 3);
        let c = v.clone();
        assert_eq!(c.segments().len(), 5);
        for (a, b) in v.segments().zip(c.segments()) {
            assert!(Rc::ptr_eq(a, b));
            assert_eq!(Rc::strong_count(a), 2);
        }
        // Changing the original leaves the clone as it was.
        v.remove_front();
        v.push_back(1_000_000);
        for _ in 0..SEGMENT_LEN {
            v.remove_front();
        }
        assert!(c.iter().copied().eq(0..SEGMENT_LEN * 5 + 3));
        // The segment the original dropped lives on in the clone alone.
        let first = c.segments().next().unwrap();
        assert_eq!(Rc::strong_count(first), 1);
        drop(c);
        assert!(v.segments().all(|s| Rc::strong_count(s) == 1));
        v.clear();
        assert!(v.is_empty());
        assert_eq!(v.segments().len(), 0);
    }
}
