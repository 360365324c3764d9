//! The pollers of each event source mapping, the invocations they start and how they end,
//! and the scaling of a mapping's concurrent batches (aws-rules §2.1). The queue is reached
//! only through the router.

use super::*;
use crate::core::route::Router;

/// Schedules a look at the queue at `at`, unless one is due by then.
fn schedule_poll(ctx: &mut Ctx, m: &mut Mapping, at: SimTime) {
    if m.poll_at.is_some_and(|t| t <= at) {
        return;
    }
    m.poll_gen += 1;
    m.poll_at = Some(at);
    let (mapping, gen) = (m.id, m.poll_gen);
    ctx.timers.schedule(at, LambdaTimer::Poll { mapping, gen });
}

impl Lambda {
    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx, router: &mut dyn Router, timer: LambdaTimer) {
        match timer {
            LambdaTimer::Settle { mapping, gen } => self.settle(ctx, mapping, gen),
            LambdaTimer::Poll { mapping, gen } => {
                let Some(m) = self.mappings.get_mut(&mapping) else {
                    return;
                };
                if m.poll_gen == gen {
                    m.poll_at = None;
                    self.poll(ctx, router, mapping);
                }
            }
            LambdaTimer::Done { invocation } => self.done(ctx, router, invocation),
        }
    }

    /// A transitional state settles: Enabled or Disabled, or the mapping is gone.
    fn settle(&mut self, ctx: &mut Ctx, id: u64, gen: u64) {
        let Some(m) = self.mappings.get_mut(&id) else {
            return;
        };
        if m.state_gen != gen || !m.state.transitional() {
            return;
        }
        if m.state == MappingState::Deleting {
            // A batch still gathering returns to the queue when its visibility times out.
            self.mappings.remove(&id);
            return;
        }
        m.state = if m.enabled {
            MappingState::Enabled
        } else {
            MappingState::Disabled
        };
        if m.polling() {
            schedule_poll(ctx, m, ctx.now);
        } else {
            m.filling.clear();
            m.filling_bytes = 0;
        }
    }

    /// The pollers fill every free batch slot from the queue, scale up while messages wait,
    /// and look again within a second.
    fn poll(&mut self, ctx: &mut Ctx, router: &mut dyn Router, id: u64) {
        let Lambda {
            functions,
            mappings,
            invocations,
            next_invocation,
            requests,
            mb_ms,
            ..
        } = self;
        let Some(m) = mappings.get_mut(&id) else {
            return;
        };
        if !m.polling() {
            return;
        }
        let now = ctx.now;
        let Some(f) = functions.get_mut(&m.function) else {
            // Its function was deleted: nothing to invoke.
            schedule_poll(ctx, m, now + POLL_INTERVAL_MS);
            return;
        };
        let cap = m.concurrency_cap();
        let mut drained = false;
        loop {
            if m.in_flight >= m.concurrency {
                // Every batch slot busy: while messages wait, add up to 5 slots a second
                // (300 a minute) up to the cap; the first second of a backlog adds none.
                let waiting = router.queue(&m.queue_arn).is_some_and(|q| q.visible > 0);
                if !waiting || m.concurrency >= cap {
                    break;
                }
                if m.backlog_since.is_none() {
                    m.backlog_since = Some(now);
                    m.last_scale_at = now;
                    break;
                }
                let steps = (now - m.last_scale_at) / SCALE_STEP_MS;
                if steps == 0 {
                    break;
                }
                let add = steps.saturating_mul(SCALE_STEP as u64).min(cap as u64) as u32;
                m.concurrency = (m.concurrency + add).min(cap);
                m.last_scale_at += steps * SCALE_STEP_MS;
                continue;
            }
            // Gather a batch: up to BatchSize messages or 6 MB, 10 a receive.
            while (m.filling.len() as u32) < m.batch_size
                && m.filling_bytes < BATCH_PAYLOAD_MAX_BYTES
            {
                let want = (m.batch_size as usize - m.filling.len()).min(10);
                let count_empty = m
                    .empty_counted_at
                    .is_none_or(|t| t + EMPTY_RECEIVE_EVERY_MS <= now);
                let got = router
                    .receive_from_queue(ctx.shared(), &m.queue_arn, want, count_empty, &m.function)
                    .unwrap_or_default();
                if got.is_empty() {
                    if count_empty {
                        m.empty_counted_at = Some(now);
                    }
                    drained = true;
                    break;
                }
                if m.filling.is_empty() {
                    m.filling_since = now;
                }
                // A short answer does not mean an empty queue (a standard queue's receive
                // may return fewer messages than it holds): only an empty one does.
                m.filling_bytes += got.iter().map(|g| g.body.len()).sum::<usize>();
                m.filling.extend(got);
            }
            if m.filling.is_empty() {
                break;
            }
            let full = m.filling.len() as u32 >= m.batch_size
                || m.filling_bytes >= BATCH_PAYLOAD_MAX_BYTES;
            let window_ends = m.filling_since + m.window_s as SimTime * MS_PER_S;
            if !full && now < window_ends {
                // The batching window waits to fill the batch.
                break;
            }
            // Invoke the function with the batch.
            let timeout_ms = f.timeout_s as u64 * MS_PER_S;
            let duration_ms = f.duration_ms.min(timeout_ms);
            let inv = *next_invocation;
            *next_invocation += 1;
            invocations.insert(
                inv,
                Invocation {
                    mapping: id,
                    function: f.name.clone(),
                    queue_arn: m.queue_arn.clone(),
                    report_item_failures: m.report_item_failures,
                    fifo: m.fifo,
                    fail_marker: f.fail_marker.clone(),
                    messages: std::mem::take(&mut m.filling),
                    duration_ms,
                    timed_out: f.duration_ms > timeout_ms,
                },
            );
            m.filling_bytes = 0;
            m.in_flight += 1;
            m.peak_in_flight = m.peak_in_flight.max(m.in_flight);
            f.running += 1;
            f.totals.invocations += 1;
            f.totals.peak_concurrency = f.totals.peak_concurrency.max(f.running);
            f.metrics.current.invocations += 1;
            f.metrics.current.concurrent_max = f.metrics.current.concurrent_max.max(f.running);
            *requests += 1;
            *mb_ms += f.memory_mb as u128 * duration_ms as u128;
            ctx.timers
                .schedule(now + duration_ms, LambdaTimer::Done { invocation: inv });
            if drained {
                break;
            }
        }
        if drained || m.in_flight < m.concurrency {
            m.backlog_since = None;
        }
        if drained && m.in_flight == 0 && m.filling.is_empty() {
            // Idle: back to the initial concurrency.
            m.concurrency = m.initial_concurrency();
        }
        let mut next = now + POLL_INTERVAL_MS;
        if !m.filling.is_empty() {
            next = next.min(m.filling_since + m.window_s as SimTime * MS_PER_S);
        }
        schedule_poll(ctx, m, next);
    }

    /// An invocation returns: the function's answer decides which messages are deleted
    /// (aws-rules §2.1); the others become visible again when their visibility timeout ends,
    /// and the queue's redrive policy counts their receives.
    fn done(&mut self, ctx: &mut Ctx, router: &mut dyn Router, id: u64) {
        let Some(inv) = self.invocations.remove(&id) else {
            return;
        };
        let mut failed: Vec<bool> = inv
            .messages
            .iter()
            .map(|msg| {
                inv.timed_out
                    || inv
                        .fail_marker
                        .as_deref()
                        .is_some_and(|marker| msg.body.contains(marker))
            })
            .collect();
        if inv.fifo && inv.report_item_failures {
            // FIFO: after a group's first failure its later messages return too, so the
            // group keeps its order.
            let mut broken: Vec<&str> = Vec::new();
            for (msg, fail) in inv.messages.iter().zip(failed.iter_mut()) {
                let group = msg.group_id.as_deref().unwrap_or("");
                if broken.contains(&group) {
                    *fail = true;
                } else if *fail {
                    broken.push(group);
                }
            }
        }
        let any_failed = failed.iter().any(|&x| x);
        // Without ReportBatchItemFailures a failed item fails the whole batch.
        let error = inv.timed_out || (any_failed && !inv.report_item_failures);
        let deleted: Vec<String> = inv
            .messages
            .iter()
            .zip(&failed)
            .filter(|(_, &fail)| !error && !fail)
            .map(|(msg, _)| msg.receipt_handle.clone())
            .collect();
        if !deleted.is_empty() {
            // A queue deleted meanwhile has nothing to delete.
            let _ = router.delete_from_queue(ctx.shared(), &inv.queue_arn, &deleted, &inv.function);
        }
        if let Some(f) = self.functions.get_mut(&inv.function) {
            f.running = f.running.saturating_sub(1);
            f.totals.errors += u64::from(error);
            f.totals.messages_processed += deleted.len() as u64;
            f.totals.messages_failed += (inv.messages.len() - deleted.len()) as u64;
            let minute = &mut f.metrics.current;
            minute.errors += u64::from(error);
            minute.duration_ms_sum += inv.duration_ms;
            minute.durations += 1;
        }
        if let Some(m) = self.mappings.get_mut(&inv.mapping) {
            m.in_flight = m.in_flight.saturating_sub(1);
            if m.polling() {
                schedule_poll(ctx, m, ctx.now);
            }
        }
    }
}
