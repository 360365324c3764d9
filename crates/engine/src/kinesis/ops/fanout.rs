//! Enhanced fan-out: stream consumers, SubscribeToShard and its pushes.

use super::*;

impl Kinesis {
    // ------------------------------------------------------------------ enhanced fan-out

    pub(super) fn stream_of_arn_input(&self, arn: Option<&str>) -> Result<String, AwsError> {
        let arn = arn.ok_or_else(|| required("streamARN"))?;
        let name = stream_name_from_arn(arn)?;
        self.stream_ref(&name)?;
        Ok(name)
    }

    /// (stream name, consumer name) of a consumer named by ARN or by stream ARN + name.
    pub(super) fn find_consumer(&self, i: &ConsumerInput) -> Result<(String, String), AwsError> {
        let missing = |what: &str| {
            AwsError::new(
                "ResourceNotFoundException",
                format!("Consumer {what}, account {ACCOUNT_ID} not found."),
            )
        };
        if let Some(arn) = &i.consumer_arn {
            for s in self.streams.values() {
                if let Some(c) = s.consumers.values().find(|c| &c.arn == arn) {
                    return Ok((s.name.clone(), c.name.clone()));
                }
            }
            return Err(missing(arn));
        }
        let name = self.stream_of_arn_input(i.stream_arn.as_deref())?;
        let cname = i
            .consumer_name
            .as_deref()
            .ok_or_else(|| required("consumerName"))?;
        match self.streams.get(&name).and_then(|s| s.consumers.get(cname)) {
            Some(_) => Ok((name, cname.to_string())),
            None => Err(missing(cname)),
        }
    }

    pub fn register_stream_consumer(
        &mut self,
        ctx: &mut Ctx,
        i: &ConsumerInput,
    ) -> Result<Value, AwsError> {
        let cname = i
            .consumer_name
            .as_deref()
            .ok_or_else(|| required("consumerName"))?;
        check_name(cname, "consumerName")?;
        let name = self.stream_of_arn_input(i.stream_arn.as_deref())?;
        self.accrue(ctx.now);
        let delay = self.config.consumer_delay_ms;
        let s = self.stream_mut(&name)?;
        if s.consumers.contains_key(cname) {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!(
                    "Consumer {cname} under stream {name} already exists for account {ACCOUNT_ID}."
                ),
            ));
        }
        if s.consumers.len() >= CONSUMERS_PER_STREAM_MAX {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("Stream {name} under account {ACCOUNT_ID} already has {CONSUMERS_PER_STREAM_MAX} registered consumers."),
            ));
        }
        if s.consumers
            .values()
            .filter(|c| c.status == "CREATING")
            .count()
            >= CONSUMERS_CREATING_MAX
        {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("At most {CONSUMERS_CREATING_MAX} consumers can be CREATING at once."),
            ));
        }
        let c = Consumer {
            name: cname.to_string(),
            arn: format!("{}/consumer/{cname}:{}", s.arn, epoch_s(ctx.now)),
            status: "CREATING",
            created_at: ctx.now,
        };
        let out = json!({ "Consumer": c.describe(&s.arn, false) });
        s.consumers.insert(cname.to_string(), c);
        ctx.timers.schedule(
            ctx.now + delay,
            KinesisTimer::ConsumerChange {
                stream: name.clone(),
                incarnation: s.incarnation,
                consumer: cname.to_string(),
            },
        );
        let (stream, consumer) = (name, cname.to_string());
        ctx.events
            .push(ctx.now, || EventKind::StreamConsumerRegistered {
                stream,
                consumer,
            });
        Ok(out)
    }

    pub fn describe_stream_consumer(&self, i: &ConsumerInput) -> Result<Value, AwsError> {
        let (stream, cname) = self.find_consumer(i)?;
        let s = self.stream_ref(&stream)?;
        let c = s
            .consumers
            .get(&cname)
            .ok_or_else(|| stream_not_found(&stream))?;
        Ok(json!({ "ConsumerDescription": c.describe(&s.arn, true) }))
    }

    pub fn list_stream_consumers(
        &self,
        ctx: &mut Ctx,
        i: &ListStreamConsumersInput,
    ) -> Result<Value, AwsError> {
        let name = self.stream_of_arn_input(i.stream_arn.as_deref())?;
        let max = i.max_results.unwrap_or(LIST_CONSUMERS_PAGE_MAX);
        check_range(max, "maxResults", 1, LIST_MEMBER_MAX)?;
        let max = max.min(LIST_CONSUMERS_PAGE_MAX);
        if i.next_token.is_some() && i.stream_creation_timestamp.is_some() {
            return Err(invalid_argument(
                "NextToken and StreamCreationTimestamp cannot be provided together.",
            ));
        }
        let after = match &i.next_token {
            Some(t) => Some(
                live_token(ctx, t)?["after"]
                    .as_str()
                    .ok_or_else(invalid_token)?
                    .to_string(),
            ),
            None => None,
        };
        let s = self.stream_ref(&name)?;
        let all: Vec<&Consumer> = s
            .consumers
            .values()
            .filter(|c| after.as_deref().is_none_or(|a| c.name.as_str() > a))
            .collect();
        let page = &all[..all.len().min(max as usize)];
        let mut out = json!({ "Consumers": page.iter().map(|c| c.describe(&s.arn, false)).collect::<Vec<_>>() });
        if all.len() > page.len() {
            if let Some(last) = page.last() {
                out["NextToken"] = json!(encode_token(
                    &json!({"after": last.name, "issued": ctx.now})
                ));
            }
        }
        Ok(out)
    }

    pub fn deregister_stream_consumer(
        &mut self,
        ctx: &mut Ctx,
        i: &ConsumerInput,
    ) -> Result<(), AwsError> {
        let (stream, cname) = self.find_consumer(i)?;
        let delay = self.config.consumer_delay_ms;
        let s = self.stream_mut(&stream)?;
        let incarnation = s.incarnation;
        let Some(c) = s.consumers.get_mut(&cname) else {
            return Ok(());
        };
        if c.status == "DELETING" {
            return Ok(());
        }
        c.status = "DELETING";
        let arn = c.arn.clone();
        ctx.timers.schedule(
            ctx.now + delay,
            KinesisTimer::ConsumerChange {
                stream: stream.clone(),
                incarnation,
                consumer: cname.clone(),
            },
        );
        let ended: Vec<u64> = self
            .subscriptions
            .values()
            .filter(|x| x.consumer == arn)
            .map(|x| x.id)
            .collect();
        for id in ended {
            self.end_subscription(id);
        }
        ctx.events
            .push(ctx.now, || EventKind::StreamConsumerDeregistered {
                stream,
                consumer: cname,
            });
        Ok(())
    }

    pub(crate) fn finish_consumer_change(
        &mut self,
        ctx: &mut Ctx,
        stream: &str,
        incarnation: u64,
        consumer: &str,
    ) {
        self.accrue(ctx.now);
        let Some(s) = self
            .streams
            .get_mut(stream)
            .filter(|s| s.incarnation == incarnation)
        else {
            return;
        };
        match s.consumers.get(consumer).map(|c| c.status) {
            Some("CREATING") => {
                if let Some(c) = s.consumers.get_mut(consumer) {
                    c.status = "ACTIVE";
                }
            }
            Some("DELETING") => {
                s.consumers.remove(consumer);
            }
            _ => {}
        }
    }

    /// Starts a push subscription of a registered consumer to one shard: every
    /// [`SUBSCRIPTION_PUSH_INTERVAL_MS`] it collects what arrived (up to 2 MiB per second for
    /// this consumer, independent of other readers) as a SubscribeToShardEvent, for 5 minutes
    /// or until a closed shard is read to its end. Returns the subscription id; with `caller`
    /// the collected events are the call's answer when it ends (the JSON API), otherwise read
    /// them with [`Kinesis::take_subscription_events`].
    ///
    /// Simplification: AWS streams events over HTTP/2 as records arrive and sends empty
    /// events as heartbeats; mqlab collects one event per push interval that found records,
    /// plus a last event with ChildShards at the end of a closed shard.
    pub fn subscribe_to_shard(
        &mut self,
        ctx: &mut Ctx,
        i: &SubscribeToShardInput,
        caller: Option<CallId>,
    ) -> Result<u64, AwsError> {
        let arn = i
            .consumer_arn
            .as_deref()
            .ok_or_else(|| required("consumerARN"))?;
        let shard_text = i.shard_id.as_deref().ok_or_else(|| required("shardId"))?;
        let sp = i
            .starting_position
            .as_ref()
            .ok_or_else(|| required("startingPosition"))?;
        let kind = sp
            .kind
            .as_deref()
            .ok_or_else(|| required("startingPosition.type"))?;
        let (stream, cname) = self.find_consumer(&ConsumerInput {
            consumer_arn: Some(arn.to_string()),
            ..Default::default()
        })?;
        let now = ctx.now;
        let s = self.stream_ref(&stream)?;
        if s.consumers.get(&cname).is_none_or(|c| c.status != "ACTIVE") {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!("Consumer {arn} is not in ACTIVE state."),
            ));
        }
        let ix = parse_shard_id(shard_text)
            .filter(|&ix| s.shard(ix).is_some())
            .ok_or_else(|| shard_not_found(shard_text, &stream))?;
        let key = (arn.to_string(), ix);
        let previous = s.last_subscribe.get(&key).copied();
        if let Some((t, _)) = previous {
            if now < t + RESUBSCRIBE_MIN_INTERVAL_MS {
                return Err(AwsError::new(
                    "ResourceInUseException",
                    format!("Another active subscription exists for consumer {arn} on shard {}; a new one may take over 5 seconds after it started.", shard_id_name(ix)),
                ));
            }
        }
        let (pos, after) = self.start_position(
            now,
            s,
            ix,
            kind,
            sp.sequence_number.as_deref(),
            sp.timestamp,
            "SubscribeToShard",
        )?;
        let incarnation = s.incarnation;
        if let Some((_, old)) = previous {
            self.end_subscription(old);
        }
        let id = self.next_subscription;
        self.next_subscription += 1;
        if let Some(s) = self.streams.get_mut(&stream) {
            s.last_subscribe.insert(key, (now, id));
        }
        self.subscriptions.insert(
            id,
            Subscription {
                id,
                stream,
                incarnation,
                consumer: arn.to_string(),
                shard: ix,
                pos,
                after,
                started_at: now,
                ends_at: now + SUBSCRIPTION_TTL_MS,
                events: Vec::new(),
                caller,
                ended: false,
                notify: false,
                push_pending: false,
                window: Window::default(),
            },
        );
        ctx.timers
            .schedule(now, KinesisTimer::SubscriptionPush { subscription: id });
        Ok(id)
    }

    /// SubscribeToShard for a simulated consumer: records are pushed [`EFO_PUSH_LATENCY_MS`]
    /// after they are written (up to 2 MiB per second for this consumer and shard), at most
    /// [`PUSHED_EVENTS_PENDING_MAX`] events wait untaken, and the world tells the reader when
    /// an event or the end arrived. Take the events with [`Kinesis::take_pushed_events`].
    pub fn subscribe_to_shard_pushed(
        &mut self,
        ctx: &mut Ctx,
        i: &SubscribeToShardInput,
    ) -> Result<u64, AwsError> {
        let id = self.subscribe_to_shard(ctx, i, None)?;
        if let Some(sub) = self.subscriptions.get_mut(&id) {
            sub.notify = true;
            // subscribe_to_shard scheduled the first push (what is already there) at once.
            sub.push_pending = true;
            ctx.timers.schedule(
                sub.ends_at,
                KinesisTimer::SubscriptionPush { subscription: id },
            );
        }
        Ok(id)
    }

    /// Takes the events a pushed subscription holds and lets it read ahead again. The flag is
    /// true once the subscription has ended (5 minutes, the end of a closed shard, a new
    /// subscription that took over, the consumer or stream deleted): the reader subscribes
    /// again to go on.
    pub fn take_pushed_events(
        &mut self,
        ctx: &mut Ctx,
        id: u64,
    ) -> (Vec<SubscribeToShardEvent>, bool) {
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return (Vec::new(), true);
        };
        let events = std::mem::take(&mut sub.events);
        let ended = sub.ended;
        if ended {
            self.subscriptions.remove(&id);
        } else if !sub.push_pending {
            sub.push_pending = true;
            ctx.timers
                .schedule(ctx.now, KinesisTimer::SubscriptionPush { subscription: id });
        }
        (events, ended)
    }

    /// A record arrived in `shard` of `stream`, or the shard closed: pushed subscriptions on
    /// it that are not already due get a push after the propagation delay.
    pub(crate) fn wake_pushed(&mut self, ctx: &mut Ctx, stream: &str, shard: Option<u32>) {
        for sub in self.subscriptions.values_mut() {
            if sub.notify
                && !sub.ended
                && !sub.push_pending
                && sub.stream == stream
                && shard.is_none_or(|ix| ix == sub.shard)
            {
                sub.push_pending = true;
                ctx.timers.schedule(
                    ctx.now + EFO_PUSH_LATENCY_MS,
                    KinesisTimer::SubscriptionPush {
                        subscription: sub.id,
                    },
                );
            }
        }
    }

    /// Takes the events a typed subscription has collected so far; an ended subscription is
    /// forgotten once its events are taken.
    pub fn take_subscription_events(&mut self, id: u64) -> Vec<SubscribeToShardEvent> {
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return Vec::new();
        };
        let events = std::mem::take(&mut sub.events);
        if sub.ended {
            self.subscriptions.remove(&id);
        }
        events
    }

    pub(super) fn end_subscription(&mut self, id: u64) {
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return;
        };
        if sub.ended {
            return;
        }
        sub.ended = true;
        if sub.notify {
            self.notified.push(id);
        }
        if let Some(call) = sub.caller {
            let events: Vec<Value> = std::mem::take(&mut sub.events)
                .into_iter()
                .map(|e| json!({ "SubscribeToShardEvent": api::to_json(e) }))
                .collect();
            self.replies
                .push((call, Ok(json!({ "EventStream": events }))));
            self.subscriptions.remove(&id);
        }
        // Typed subscriptions wait for their events to be taken; keep a bounded number.
        let ended: Vec<u64> = self
            .subscriptions
            .values()
            .filter(|x| x.ended)
            .map(|x| x.id)
            .collect();
        for old in ended
            .iter()
            .take(ended.len().saturating_sub(SUBSCRIPTION_EVENTS_MAX))
        {
            self.subscriptions.remove(old);
        }
    }

    pub(crate) fn push_subscription(&mut self, ctx: &mut Ctx, id: u64) {
        let now = ctx.now;
        let Some(sub) = self.subscriptions.get(&id).filter(|x| !x.ended) else {
            return;
        };
        if sub.notify {
            self.push_to_reader(ctx, id);
            return;
        }
        let (stream, incarnation, ix, pos, after, ends_at) = (
            sub.stream.clone(),
            sub.incarnation,
            sub.shard,
            sub.pos,
            sub.after,
            sub.ends_at,
        );
        let consumer = sub.consumer.clone();
        let Some(s) = self
            .streams
            .get_mut(&stream)
            .filter(|s| s.incarnation == incarnation)
        else {
            self.end_subscription(id);
            return;
        };
        let cutoff = now.saturating_sub(s.retention_ms());
        let Some(shard) = s.shards.get(ix as usize).filter(|sh| !sh.expired) else {
            self.end_subscription(id);
            return;
        };
        let mut start = shard.position(&pos, after);
        while now >= s.retention_ms()
            && shard.records.get(start).is_some_and(|r| r.arrival < cutoff)
        {
            start += 1;
        }
        let mut records = Vec::new();
        let mut bytes = 0u64;
        let mut next = start;
        while let Some(r) = shard.records.get(next) {
            if bytes + r.data.len() as u64 > EFO_BYTES_PER_S * SUBSCRIPTION_PUSH_INTERVAL_MS / 1000
                && !records.is_empty()
            {
                break;
            }
            bytes += r.data.len() as u64;
            records.push(r);
            next += 1;
        }
        let millis_behind = shard.records.get(next).map_or(0, |r| now - r.arrival);
        let at_end = records.is_empty() && !shard.is_open() && next >= shard.records.len();
        let mut event = None;
        let mut new_pos = (pos, after);
        if let Some(last) = records.last() {
            new_pos = (last.seq, true);
            event = Some(SubscribeToShardEvent {
                records: records.iter().map(|r| r.out()).collect(),
                continuation_sequence_number: last.seq.to_decimal(),
                millis_behind_latest: millis_behind,
                child_shards: None,
            });
        } else if at_end {
            event = Some(SubscribeToShardEvent {
                records: Vec::new(),
                continuation_sequence_number: shard.ending_seq.unwrap_or(pos).to_decimal(),
                millis_behind_latest: 0,
                child_shards: Some(s.child_shards(ix)),
            });
        }
        let n = records.len();
        s.metrics.current.subscribe_to_shard_event_records += n as u64;
        s.metrics.current.subscribe_to_shard_event_bytes += bytes;
        self.cost.efo_bytes += bytes;
        if n > 0 {
            let (st, sh, c) = (stream.clone(), shard_id_name(ix), consumer.clone());
            ctx.events.push(now, || EventKind::RecordsRead {
                stream: st,
                shard: sh,
                records: n,
                bytes,
                millis_behind_latest: millis_behind,
                consumer: Some(c),
            });
        }
        if let Some(sub) = self.subscriptions.get_mut(&id) {
            sub.pos = new_pos.0;
            sub.after = new_pos.1;
            if let Some(e) = event {
                if sub.events.len() < SUBSCRIPTION_EVENTS_MAX {
                    sub.events.push(e);
                }
            }
        }
        if at_end || now + SUBSCRIPTION_PUSH_INTERVAL_MS > ends_at {
            self.end_subscription(id);
        } else {
            ctx.timers.schedule(
                now + SUBSCRIPTION_PUSH_INTERVAL_MS,
                KinesisTimer::SubscriptionPush { subscription: id },
            );
        }
    }

    /// A push of a simulated consumer's subscription: what arrived since the last one, within
    /// this second's 2 MiB for the consumer on this shard, as one event; the end of a closed
    /// shard as a last event with ChildShards. More to send than the budget allows waits for
    /// the next second; an event not yet taken holds the rest back (flow control).
    pub(super) fn push_to_reader(&mut self, ctx: &mut Ctx, id: u64) {
        let now = ctx.now;
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return;
        };
        sub.push_pending = false;
        if now >= sub.ends_at {
            self.end_subscription(id);
            return;
        }
        if sub.events.len() >= PUSHED_EVENTS_PENDING_MAX {
            return; // take_pushed_events resumes it
        }
        let (stream, incarnation, ix, pos, after) = (
            sub.stream.clone(),
            sub.incarnation,
            sub.shard,
            sub.pos,
            sub.after,
        );
        sub.window.roll(now);
        let budget = EFO_BYTES_PER_S.saturating_sub(sub.window.bytes);
        let Some(s) = self
            .streams
            .get_mut(&stream)
            .filter(|s| s.incarnation == incarnation)
        else {
            self.end_subscription(id);
            return;
        };
        let cutoff = now.saturating_sub(s.retention_ms());
        let Some(shard) = s.shards.get(ix as usize).filter(|sh| !sh.expired) else {
            self.end_subscription(id);
            return;
        };
        let mut next = shard.position(&pos, after);
        while now >= s.retention_ms() && shard.records.get(next).is_some_and(|r| r.arrival < cutoff)
        {
            next += 1;
        }
        let mut records = Vec::new();
        let mut bytes = 0u64;
        while let Some(r) = shard.records.get(next) {
            if bytes + r.data.len() as u64 > budget {
                break;
            }
            bytes += r.data.len() as u64;
            records.push(r);
            next += 1;
        }
        let more = next < shard.records.len();
        let millis_behind = shard.records.get(next).map_or(0, |r| now - r.arrival);
        let at_end = !more && records.is_empty() && !shard.is_open();
        let event = if let Some(last) = records.last() {
            Some((
                SubscribeToShardEvent {
                    records: records.iter().map(|r| r.out()).collect(),
                    continuation_sequence_number: last.seq.to_decimal(),
                    millis_behind_latest: millis_behind,
                    child_shards: None,
                },
                (last.seq, true),
            ))
        } else if at_end {
            Some((
                SubscribeToShardEvent {
                    records: Vec::new(),
                    continuation_sequence_number: shard.ending_seq.unwrap_or(pos).to_decimal(),
                    millis_behind_latest: 0,
                    child_shards: Some(s.child_shards(ix)),
                },
                (pos, after),
            ))
        } else {
            None
        };
        let n = records.len();
        s.metrics.current.subscribe_to_shard_event_records += n as u64;
        s.metrics.current.subscribe_to_shard_event_bytes += bytes;
        self.cost.efo_bytes += bytes;
        let consumer = self.subscriptions.get(&id).map(|x| x.consumer.clone());
        if n > 0 {
            let (st, sh) = (stream.clone(), shard_id_name(ix));
            ctx.events.push(now, || EventKind::RecordsRead {
                stream: st,
                shard: sh,
                records: n,
                bytes,
                millis_behind_latest: millis_behind,
                consumer,
            });
        }
        let Some(sub) = self.subscriptions.get_mut(&id) else {
            return;
        };
        sub.window.bytes += bytes;
        if let Some((e, (p, a))) = event {
            sub.pos = p;
            sub.after = a;
            sub.events.push(e);
            self.notified.push(id);
        }
        let held = sub.events.len() >= PUSHED_EVENTS_PENDING_MAX;
        if at_end {
            self.end_subscription(id);
        } else if more && !held {
            // This second's 2 MiB are used up: the rest goes in the next second. (With an
            // event waiting, take_pushed_events resumes the pushes instead.)
            sub.push_pending = true;
            ctx.timers.schedule(
                (now / MS_PER_S + 1) * MS_PER_S,
                KinesisTimer::SubscriptionPush { subscription: id },
            );
        }
    }
}
