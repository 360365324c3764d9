//! What a service acts on at one instant: the time, the one RNG, the event log, and its own
//! timers — and the way the world lends the same instant to a peer service it routes to.
//!
//! Every owner of timers (each service, the actors, the stream readers, the world's metrics
//! clock) has its own queue, but the sequence numbers that order timers due at the same instant
//! come from one counter, so timers fire in exactly the order they were scheduled across all
//! owners — as with one scheduler, without one enum of every service's timers in the core.

use crate::core::event::EventLog;
use crate::core::rng::Rng;
use crate::core::sched::Scheduler;
use crate::core::time::SimTime;

/// Identifies one API call made through `World::call`.
pub type CallId = u64;

/// Who is waiting for the answer of an asynchronous call (a long poll).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    External(CallId),
    Actor(usize),
}

/// The instant without anyone's timers: what the world lends to a peer service it routes an
/// effect to (see [`crate::core::route`]), which adds its own timer queue.
pub struct Shared<'a> {
    pub now: SimTime,
    pub rng: &'a mut Rng,
    pub events: &'a mut EventLog,
    pub seq: &'a mut u64,
}

impl<'a> Shared<'a> {
    /// The instant for the owner of `queue`.
    pub fn with<T>(self, queue: &'a mut Scheduler<T>) -> Ctx<'a, T> {
        Ctx {
            now: self.now,
            rng: self.rng,
            events: self.events,
            timers: Timers {
                seq: self.seq,
                queue,
            },
        }
    }
}

/// Where an owner schedules its timers (of its own type `T`).
pub struct Timers<'a, T> {
    seq: &'a mut u64,
    queue: &'a mut Scheduler<T>,
}

impl<T> Timers<'_, T> {
    /// `item` fires at `at`, after every timer already scheduled for the same instant.
    pub fn schedule(&mut self, at: SimTime, item: T) {
        self.queue.schedule(at, *self.seq, item);
        *self.seq += 1;
    }

    /// The sequence number a timer scheduled now would get, taken without scheduling one: an
    /// owner that keeps its own list of deadlines (in due order) puts only the first in the
    /// queue, with the number it reserved, so it fires exactly where it would have.
    pub fn reserve(&mut self) -> u64 {
        *self.seq += 1;
        *self.seq - 1
    }

    /// `item` fires at `at` in the place of the sequence number `seq` (from [`Self::reserve`]).
    pub fn schedule_reserved(&mut self, at: SimTime, seq: u64, item: T) {
        self.queue.schedule(at, seq, item);
    }
}

/// Everything a service needs from the world to act at the current instant.
pub struct Ctx<'a, T> {
    pub now: SimTime,
    pub rng: &'a mut Rng,
    pub events: &'a mut EventLog,
    pub timers: Timers<'a, T>,
}

impl<T> Ctx<'_, T> {
    /// The same instant, lent to a peer (the caller's own timers stay with the caller).
    pub fn shared(&mut self) -> Shared<'_> {
        Shared {
            now: self.now,
            rng: self.rng,
            events: self.events,
            seq: self.timers.seq,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_of_two_owners_fire_in_the_order_they_were_scheduled() {
        let (mut rng, mut events, mut seq) = (Rng::new(1), EventLog::default(), 0);
        let mut a: Scheduler<&str> = Scheduler::default();
        let mut b: Scheduler<u32> = Scheduler::default();
        let shared = Shared {
            now: 0,
            rng: &mut rng,
            events: &mut events,
            seq: &mut seq,
        };
        {
            let mut ca = shared.with(&mut a);
            ca.timers.schedule(5, "a1");
            ca.shared().with(&mut b).timers.schedule(5, 1);
            ca.timers.schedule(5, "a2");
        }
        // Both queues' heads are due at 5: the lower sequence number goes first.
        let (ha, hb) = (a.peek().unwrap(), b.peek().unwrap());
        assert_eq!((ha, hb), ((5, 0), (5, 1)));
        assert_eq!(a.pop_due(5), Some((5, "a1")));
        assert_eq!(b.pop_due(5), Some((5, 1)));
        assert_eq!(a.pop_due(5), Some((5, "a2")));
        assert_eq!(seq, 3);
    }
}
