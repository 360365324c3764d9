//! `OrdMap`: an ordered map with the interface of `BTreeMap` (the part the engine uses) and
//! the same iteration order, built so that its code is shared between value types.
//!
//! Why: every `BTreeMap<K, V>` is its own copy of the B-tree's insert, remove, rebalance,
//! search, clone and drop code, several KB of wasm for each key/value pair of types, and the
//! engine and the app keep a few dozen of them (queues, messages, groups, topics,
//! subscriptions, deliveries...). An `OrdMap<K, V>` keeps a `BTreeMap<K, u32>` from each key
//! to a slot and the values in a `Vec` of slots, so the B-tree code exists once per key type
//! (`String`, `u64`...) and each value type adds only a few small `Vec` routines.
//!
//! Order, lookups and results are those of a `BTreeMap`: iteration is in key order; a slot
//! freed by a removal is reused by a later insertion (which is invisible from outside).

use std::borrow::Borrow;
use std::collections::btree_map;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeBounds;

#[derive(Clone)]
pub struct OrdMap<K, V> {
    index: BTreeMap<K, u32>,
    slots: Vec<Option<V>>,
    free: Vec<u32>,
}

impl<K, V> Default for OrdMap<K, V> {
    fn default() -> Self {
        OrdMap {
            index: BTreeMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }
}

/// `iter.collect::<BTreeMap<_, _>>()` by insertion: the same map (a later duplicate key
/// replaces the value), without `FromIterator`'s sort, a copy of the sort code for each
/// iterator type that is collected.
pub fn btree_map_from<K: Ord, V>(iter: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    for (k, v) in iter {
        m.insert(k, v);
    }
    m
}

/// `v.sort_by_key(key)` (stable: equal keys keep their order) as an insertion sort, for the
/// short lists the engine orders: `sort_by_key` links a copy of the standard library's
/// driftsort (several KB of wasm) for each element type.
pub fn sort_small_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && key(&v[j - 1]) > key(&v[j]) {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The value in a slot the index points at (every indexed slot is full).
fn slot<V>(slots: &[Option<V>], i: u32) -> &V {
    match &slots[i as usize] {
        Some(v) => v,
        None => unreachable!(),
    }
}

fn slot_mut<V>(slots: &mut [Option<V>], i: u32) -> &mut V {
    match &mut slots[i as usize] {
        Some(v) => v,
        None => unreachable!(),
    }
}

/// Stores `v` in a free slot (or a new one) and returns the slot.
fn alloc<V>(slots: &mut Vec<Option<V>>, free: &mut Vec<u32>, v: V) -> u32 {
    match free.pop() {
        Some(i) => {
            slots[i as usize] = Some(v);
            i
        }
        None => {
            slots.push(Some(v));
            (slots.len() - 1) as u32
        }
    }
}

impl<K, V> OrdMap<K, V> {
    pub const fn new() -> Self {
        OrdMap {
            index: BTreeMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn clear(&mut self) {
        self.index.clear();
        self.slots.clear();
        self.free.clear();
    }

    /// Entries in key order.
    pub fn iter(&self) -> Iter<'_, V, btree_map::Iter<'_, K, u32>> {
        Iter {
            inner: self.index.iter(),
            slots: &self.slots,
        }
    }

    pub fn keys(&self) -> btree_map::Keys<'_, K, u32> {
        self.index.keys()
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        let slots = &self.slots;
        self.index.values().map(move |&i| slot(slots, i))
    }

    /// Entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        // Hand out each slot's `&mut` once, in key order, without `unsafe`: take them all
        // (slot order), then pick them by index.
        let mut refs: Vec<Option<&mut V>> = self.slots.iter_mut().map(Option::as_mut).collect();
        self.index
            .iter()
            .map(move |(k, &i)| match refs[i as usize].take() {
                Some(v) => (k, v),
                None => unreachable!(),
            })
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.iter_mut().map(|(_, v)| v)
    }

    fn compact_if_empty(&mut self) {
        if self.index.is_empty() {
            self.slots.clear();
            self.free.clear();
        }
    }
}

impl<K: Ord, V> OrdMap<K, V> {
    /// Keeps the entries for which `f` is true, visiting them in key order.
    pub fn retain(&mut self, mut f: impl FnMut(&K, &mut V) -> bool) {
        let (slots, free) = (&mut self.slots, &mut self.free);
        self.index.retain(|k, &mut i| {
            let keep = f(k, slot_mut(slots, i));
            if !keep {
                slots[i as usize] = None;
                free.push(i);
            }
            keep
        });
        self.compact_if_empty();
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.index.get(key).map(|&i| slot(&self.slots, i))
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.index.get(key) {
            Some(&i) => Some(slot_mut(&mut self.slots, i)),
            None => None,
        }
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.index.contains_key(key)
    }

    /// As `BTreeMap::insert`: the previous value, if the key was there (the key is kept).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.index.entry(key) {
            btree_map::Entry::Occupied(e) => self.slots[*e.get() as usize].replace(value),
            btree_map::Entry::Vacant(e) => {
                e.insert(alloc(&mut self.slots, &mut self.free, value));
                None
            }
        }
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.index.remove(key)?;
        let v = self.slots[i as usize].take();
        self.free.push(i);
        self.compact_if_empty();
        v
    }

    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        Entry { map: self, key }
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.iter().next()
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.iter().next_back()
    }

    pub fn range<Q, R>(&self, range: R) -> Iter<'_, V, btree_map::Range<'_, K, u32>>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        Iter {
            inner: self.index.range(range),
            slots: &self.slots,
        }
    }
}

/// `OrdMap::entry`: a key and the map, for `or_insert`, `or_default` and `or_insert_with`.
pub struct Entry<'a, K, V> {
    map: &'a mut OrdMap<K, V>,
    key: K,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, f: impl FnOnce() -> V) -> &'a mut V {
        let OrdMap { index, slots, free } = self.map;
        let i = match index.entry(self.key) {
            btree_map::Entry::Occupied(e) => *e.get(),
            btree_map::Entry::Vacant(e) => *e.insert(alloc(slots, free, f())),
        };
        slot_mut(slots, i)
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<K: Ord, V, Q> std::ops::Index<&Q> for OrdMap<K, V>
where
    K: Borrow<Q>,
    Q: Ord + ?Sized,
{
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for OrdMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for OrdMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for OrdMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = OrdMap::new();
        m.extend(iter);
        m
    }
}

impl<K: Ord, V> Extend<(K, V)> for OrdMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<'a, K, V> IntoIterator for &'a OrdMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, V, btree_map::Iter<'a, K, u32>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// `OrdMap::iter` and `OrdMap::range`: entries in key order.
pub struct Iter<'a, V, I> {
    inner: I,
    slots: &'a [Option<V>],
}

impl<'a, K: 'a, V, I: Iterator<Item = (&'a K, &'a u32)>> Iterator for Iter<'a, V, I> {
    type Item = (&'a K, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        let (k, &i) = self.inner.next()?;
        Some((k, slot(self.slots, i)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<'a, K: 'a, V, I: DoubleEndedIterator<Item = (&'a K, &'a u32)>> DoubleEndedIterator
    for Iter<'a, V, I>
{
    fn next_back(&mut self) -> Option<Self::Item> {
        let (k, &i) = self.inner.next_back()?;
        Some((k, slot(self.slots, i)))
    }
}

impl<'a, K: 'a, V, I: ExactSizeIterator<Item = (&'a K, &'a u32)>> ExactSizeIterator
    for Iter<'a, V, I>
{
}

impl<V, I: Clone> Clone for Iter<'_, V, I> {
    fn clone(&self) -> Self {
        Iter {
            inner: self.inner.clone(),
            slots: self.slots,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_btreemap() {
        // A deterministic mix of inserts, overwrites, removes, retains and entry calls,
        // applied to both; after each step the contents, in order, must agree.
        let mut a: OrdMap<u64, String> = OrdMap::new();
        let mut b: BTreeMap<u64, String> = BTreeMap::new();
        let mut x: u64 = 12345;
        for step in 0..5000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = (x >> 33) % 64;
            match (x >> 20) % 7 {
                0 | 1 => assert_eq!(a.insert(k, step.to_string()), b.insert(k, step.to_string())),
                2 => assert_eq!(a.remove(&k), b.remove(&k)),
                3 => a.entry(k).or_default().push('x'),
                4 => assert_eq!(a.get(&k), b.get(&k)),
                5 => {
                    let keep = |k: &u64, v: &mut String| {
                        v.push('r');
                        !(k + step).is_multiple_of(5)
                    };
                    a.retain(keep);
                    b.retain(keep);
                }
                _ => {
                    for (_, v) in a.iter_mut().take(3) {
                        v.push('m');
                    }
                    for (_, v) in b.iter_mut().take(3) {
                        v.push('m');
                    }
                }
            }
            if (x >> 20) % 7 == 3 {
                b.entry(k).or_default().push('x');
            }
            let av: Vec<_> = a.iter().collect();
            let bv: Vec<_> = b.iter().collect();
            assert_eq!(av, bv);
            assert_eq!(a.len(), b.len());
            let ar: Vec<_> = a.range(10..40).collect();
            let br: Vec<_> = b.range(10..40).collect();
            assert_eq!(ar, br);
        }
        let c = a.clone();
        assert_eq!(c, a);
        assert!(a.slots.len() <= 64);
    }
}
