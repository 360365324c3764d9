//! Kinesis data plane: PutRecord(s), iterators and GetRecords, and retention trimming.

use super::*;

impl Kinesis {
    // ------------------------------------------------------------------ writes

    pub(super) fn writable(&self, name: &str) -> Result<(), AwsError> {
        let s = self.stream_ref(name)?;
        match s.status {
            StreamStatus::Active | StreamStatus::Updating => Ok(()),
            _ => Err(stream_not_found(name)),
        }
    }

    /// Writes one validated record, or refuses it for throughput.
    pub(super) fn write(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        e: &Entry,
    ) -> Result<(String, SeqNum), AwsError> {
        let now = ctx.now;
        let s = self
            .streams
            .get_mut(name)
            .ok_or_else(|| stream_not_found(name))?;
        let meter = &mut self.cost;
        let Some(ix) = s.shard_for_hash(e.hash) else {
            return Err(AwsError::new(
                "InternalFailure",
                "No open shard holds the hash key.",
            ));
        };
        let size = (e.data.len() + e.partition_key.len()) as u64;
        let mode = s.mode;
        let ok = match mode {
            StreamMode::Provisioned => {
                let w = &mut s.shards[ix as usize].write;
                w.roll(now);
                w.records < SHARD_WRITE_RECORDS_PER_S && w.bytes + size <= SHARD_WRITE_BYTES_PER_S
            }
            StreamMode::OnDemand => {
                let od = &mut s.on_demand;
                od.roll(now);
                let (lb, lr) = od.limits();
                let (kb, kr) = od.keys.get(e.partition_key).copied().unwrap_or_default();
                od.window.records < lr
                    && od.window.bytes + size <= lb
                    && kr < SHARD_WRITE_RECORDS_PER_S
                    && kb + size <= SHARD_WRITE_BYTES_PER_S
            }
        };
        let shard_id = s.shards[ix as usize].shard_id.clone();
        if !ok {
            s.shards[ix as usize].totals.writes_throttled += 1;
            s.metrics.current.write_provisioned_throughput_exceeded += 1;
            let (stream, shard) = (name.to_string(), shard_id.clone());
            ctx.events.push(now, || EventKind::ShardThrottled {
                stream,
                shard,
                operation: "write".to_string(),
            });
            return Err(throttled(&shard_id, name));
        }
        match mode {
            StreamMode::Provisioned => {
                let w = &mut s.shards[ix as usize].write;
                w.records += 1;
                w.bytes += size;
                meter.put_payload_units += cost::put_payload_units(size);
            }
            StreamMode::OnDemand => {
                let od = &mut s.on_demand;
                od.window.records += 1;
                od.window.bytes += size;
                if od.keys.len() < ON_DEMAND_KEYS_TRACKED_MAX
                    || od.keys.contains_key(e.partition_key)
                {
                    let k = od.keys.entry(e.partition_key.to_string()).or_default();
                    k.0 += size;
                    k.1 += 1;
                }
                meter.on_demand_write_bytes += size.div_ceil(cost::ON_DEMAND_WRITE_ROUNDING_BYTES)
                    * cost::ON_DEMAND_WRITE_ROUNDING_BYTES;
            }
        }
        let seq = s.next_seq(ix, now);
        let shard = &mut s.shards[ix as usize];
        shard.push(Record {
            seq,
            partition_key: e.partition_key.to_string(),
            data: e.data.clone(),
            arrival: now,
        });
        shard.totals.records_in += 1;
        shard.totals.bytes_in += size;
        s.metrics.current.incoming_bytes += size;
        s.metrics.current.incoming_records += 1;
        let (stream, shard, pk) = (
            name.to_string(),
            shard_id.clone(),
            e.partition_key.to_string(),
        );
        ctx.events.push(now, || EventKind::RecordPut {
            stream,
            shard,
            partition_key: pk,
            sequence_number: seq.to_decimal(),
            bytes: size as usize,
        });
        self.wake_pushed(ctx, name, Some(ix));
        Ok((shard_id, seq))
    }

    pub fn put_record(
        &mut self,
        ctx: &mut Ctx,
        i: &PutRecordInput,
    ) -> Result<PutRecordOutput, AwsError> {
        let e = check_entry(
            i.data.as_ref(),
            i.partition_key.as_ref(),
            i.explicit_hash_key.as_ref(),
            "",
        )?;
        if let Some(o) = &i.sequence_number_for_ordering {
            if !keys::is_decimal(o, 129) {
                return Err(validation(
                    Some(o),
                    "sequenceNumberForOrdering",
                    "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
                ));
            }
        }
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        self.writable(&name)?;
        if let Some(o) = &i.sequence_number_for_ordering {
            // Sequence numbers in a shard only grow, so the new record is always after `o`;
            // what remains to check is that `o` is a sequence number at all, from the past.
            let bad = SeqNum::parse(o).is_none_or(|q| q.seq_time_s > epoch_s(ctx.now));
            if bad {
                return Err(invalid_argument(format!(
                    "ExclusiveMinimumSequenceNumber {o} used in PutRecord on stream {name} under account {ACCOUNT_ID} is invalid."
                )));
            }
        }
        let size = (e.data.len() + e.partition_key.len()) as u64;
        let (shard_id, seq) = self.write(ctx, &name, &e)?;
        if let Some(s) = self.streams.get_mut(&name) {
            s.metrics.current.put_record_success += 1;
            s.metrics.current.put_record_bytes += size;
        }
        Ok(PutRecordOutput {
            shard_id,
            sequence_number: seq.to_decimal(),
            encryption_type: "NONE".into(),
        })
    }

    pub fn put_records(
        &mut self,
        ctx: &mut Ctx,
        i: &PutRecordsInput,
    ) -> Result<PutRecordsOutput, AwsError> {
        let Some(records) = &i.records else {
            return Err(required("records"));
        };
        if records.is_empty() {
            return Err(validation(
                Some("[]"),
                "records",
                "Member must have length greater than or equal to 1",
            ));
        }
        if records.len() > PUT_RECORDS_ENTRIES_MAX {
            return Err(AwsError::new(
                "ValidationException",
                "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500",
            ));
        }
        let entries = records
            .iter()
            .enumerate()
            .map(|(n, r)| {
                check_entry(
                    r.data.as_ref(),
                    r.partition_key.as_ref(),
                    r.explicit_hash_key.as_ref(),
                    &format!("records.{}.member.", n + 1),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let total: usize = entries
            .iter()
            .map(|e| e.data.len() + e.partition_key.len())
            .sum();
        if total > PUT_RECORDS_REQUEST_MAX {
            // moto's wording, with the current 10 MiB limit.
            return Err(invalid_argument("Records size exceeds 10 MB limit"));
        }
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        self.writable(&name)?;
        let mut out = PutRecordsOutput {
            failed_record_count: 0,
            records: Vec::with_capacity(entries.len()),
            encryption_type: "NONE".into(),
        };
        let mut throttled_n = 0u64;
        for e in &entries {
            match self.write(ctx, &name, e) {
                Ok((shard_id, seq)) => out.records.push(PutRecordsResultEntry {
                    sequence_number: Some(seq.to_decimal()),
                    shard_id: Some(shard_id),
                    ..Default::default()
                }),
                Err(err) => {
                    out.failed_record_count += 1;
                    if err.code == "ProvisionedThroughputExceededException" {
                        throttled_n += 1;
                    }
                    out.records.push(PutRecordsResultEntry {
                        error_code: Some(err.code),
                        error_message: Some(err.message),
                        ..Default::default()
                    });
                }
            }
        }
        if let Some(s) = self.streams.get_mut(&name) {
            let m = &mut s.metrics.current;
            let n = entries.len() as u64;
            let failed = u64::from(out.failed_record_count);
            m.put_records_total_records += n;
            m.put_records_successful_records += n - failed;
            m.put_records_failed_records += failed;
            m.put_records_throttled_records += throttled_n;
            if failed < n {
                m.put_records_success += 1;
            }
        }
        Ok(out)
    }

    // ------------------------------------------------------------------ reads

    /// Where an iterator (or a subscription) of `kind` starts in shard `ix`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn start_position(
        &self,
        now: SimTime,
        s: &Stream,
        ix: u32,
        kind: &str,
        seq: Option<&str>,
        timestamp: Option<f64>,
        op: &str,
    ) -> Result<(SeqNum, bool), AwsError> {
        let shard = s
            .shard(ix)
            .ok_or_else(|| shard_does_not_exist(&shard_id_name(ix), &s.name))?;
        let shard_id = &shard.shard_id;
        let both = |with: &str| {
            invalid_argument(format!(
                "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {kind} and {with} StartingSequenceNumber."
            ))
        };
        match (kind, seq) {
            ("AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", Some(text)) => {
                if !keys::is_decimal(text, 129) {
                    return Err(validation(
                        Some(text),
                        "startingSequenceNumber",
                        "Member must satisfy regular expression pattern: 0|([1-9]\\d{0,128})",
                    ));
                }
                let q = SeqNum::parse(text).ok_or_else(|| {
                    invalid_argument(format!(
                        "StartingSequenceNumber {text} used in {op} on shard {shard_id} in stream {} under account {ACCOUNT_ID} is invalid.",
                        s.name
                    ))
                })?;
                if q.shard_ix != ix {
                    return Err(invalid_argument(format!(
                        "Invalid StartingSequenceNumber. It encodes {}, while it was used in a call to a shard with {shard_id}",
                        shard_id_name(q.shard_ix)
                    )));
                }
                if q.shard_create_s != shard.starting_seq.shard_create_s {
                    return Err(invalid_argument(format!(
                        "StartingSequenceNumber {text} used in {op} on shard {shard_id} in stream {} under account {ACCOUNT_ID} is invalid because it did not come from this stream.",
                        s.name
                    )));
                }
                Ok((q, kind == "AFTER_SEQUENCE_NUMBER"))
            }
            ("AT_SEQUENCE_NUMBER" | "AFTER_SEQUENCE_NUMBER", None) => Err(both("no")),
            ("TRIM_HORIZON" | "LATEST", Some(_)) => Err(both("also a")),
            ("TRIM_HORIZON", None) => Ok((shard.starting_seq, false)),
            ("LATEST", None) => Ok((s.latest_position(ix), false)),
            ("AT_TIMESTAMP", _) => {
                let Some(ts) = timestamp else {
                    return Err(invalid_argument("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter."));
                };
                let ts_ms = (ts * 1000.0).round();
                let now_ms = epoch_ms(now);
                if ts_ms > now_ms as f64 {
                    return Err(invalid_argument(format!(
                        "The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {ts_ms}, currentTimestampInMillis: {now_ms}"
                    )));
                }
                let at = sim_time_of(ts);
                Ok(match shard.records.iter().find(|r| r.arrival >= at) {
                    Some(r) => (r.seq, false),
                    None => (s.latest_position(ix), false),
                })
            }
            _ => Err(validation(
                Some(kind),
                "shardIteratorType",
                &format!("Member must satisfy enum value set: {ITERATOR_TYPES}"),
            )),
        }
    }

    pub fn get_shard_iterator(
        &mut self,
        ctx: &mut Ctx,
        i: &GetShardIteratorInput,
    ) -> Result<GetShardIteratorOutput, AwsError> {
        let Some(shard_text) = i.shard_id.as_deref() else {
            return Err(required("shardId"));
        };
        let Some(kind) = i.shard_iterator_type.as_deref() else {
            return Err(required("shardIteratorType"));
        };
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let ix = parse_shard_id(shard_text).ok_or_else(|| shard_not_found(shard_text, &name))?;
        let s = self
            .streams
            .get_mut(&name)
            .filter(|s| matches!(s.status, StreamStatus::Active | StreamStatus::Updating))
            .ok_or_else(|| shard_does_not_exist(&shard_id_name(ix), &name))?;
        // 5 GetShardIterator calls per second per open shard (aws-rules §4.1), in whole virtual
        // seconds like the other shard limits.
        if let Some(sh) = s
            .shards
            .get_mut(ix as usize)
            .filter(|sh| sh.ending_seq.is_none())
        {
            sh.iterators.roll(ctx.now);
            if sh.iterators.records >= GET_SHARD_ITERATOR_PER_S {
                return Err(throttled(&sh.shard_id, &name));
            }
            sh.iterators.records += 1;
        }
        let s = &self.streams[&name];
        let (pos, after) = self.start_position(
            ctx.now,
            s,
            ix,
            kind,
            i.starting_sequence_number.as_deref(),
            i.timestamp,
            "GetShardIterator",
        )?;
        Ok(GetShardIteratorOutput {
            shard_iterator: Iterator {
                created_at: ctx.now,
                stream: name,
                incarnation: s.incarnation,
                shard: ix,
                pos,
                after,
            }
            .encode(),
        })
    }

    pub fn get_records(
        &mut self,
        ctx: &mut Ctx,
        i: &GetRecordsInput,
    ) -> Result<GetRecordsOutput, AwsError> {
        let Some(text) = i.shard_iterator.as_deref() else {
            return Err(required("shardIterator"));
        };
        if text.is_empty() || text.len() > 512 {
            return Err(validation(
                Some(text),
                "shardIterator",
                if text.is_empty() {
                    "Member must have length greater than or equal to 1"
                } else {
                    "Member must have length less than or equal to 512"
                },
            ));
        }
        let limit = i.limit.unwrap_or(GET_RECORDS_LIMIT_MAX as i64);
        check_range(limit, "limit", 1, GET_RECORDS_LIMIT_MAX as i64)?;
        let it = Iterator::decode(text)
            .filter(|it| it.created_at <= ctx.now)
            .ok_or_else(|| invalid_argument("Invalid ShardIterator."))?;
        let now = ctx.now;
        if now - it.created_at > ITERATOR_TTL_MS {
            return Err(AwsError::new(
                "ExpiredIteratorException",
                format!(
                    "Iterator expired. The iterator was created at time {} while right now it is {} which is further in the future than the tolerated delay of {ITERATOR_TTL_MS} milliseconds.",
                    amz_utc_string(epoch_ms(it.created_at)),
                    amz_utc_string(epoch_ms(now))
                ),
            ));
        }
        let shard_name = shard_id_name(it.shard);
        let gone = || shard_does_not_exist(&shard_name, &it.stream);
        let s = self
            .streams
            .get_mut(&it.stream)
            .filter(|s| {
                s.incarnation == it.incarnation
                    && matches!(s.status, StreamStatus::Active | StreamStatus::Updating)
            })
            .ok_or_else(gone)?;
        let cutoff = now.saturating_sub(s.retention_ms());
        let retention_started = now >= s.retention_ms();
        let mode = s.mode;
        let shard = s
            .shards
            .get_mut(it.shard as usize)
            .filter(|sh| !sh.expired)
            .ok_or_else(gone)?;
        // Read limits: 5 calls and 2 MiB per second per shard, in whole virtual seconds (see
        // `Window` for how AWS's token buckets differ).
        let second = now / 1000;
        if shard.read.second != second {
            shard.read.second = second;
            shard.read.calls = 0;
            shard.read.bytes = 0;
        }
        if now < shard.read.blocked_until || shard.read.calls >= SHARD_READ_CALLS_PER_S {
            shard.totals.reads_throttled += 1;
            s.metrics.current.read_provisioned_throughput_exceeded += 1;
            let (stream, sh) = (it.stream.clone(), shard_name.clone());
            ctx.events.push(now, || EventKind::ShardThrottled {
                stream,
                shard: sh,
                operation: "read".to_string(),
            });
            return Err(throttled(&shard_name, &it.stream));
        }
        shard.read.calls += 1;
        let mut start = shard.position(&it.pos, it.after);
        while retention_started && shard.records.get(start).is_some_and(|r| r.arrival < cutoff) {
            start += 1;
        }
        let mut out = Vec::new();
        let mut bytes = 0u64;
        let mut next = start;
        while let Some(r) = shard.records.get(next) {
            if out.len() >= limit as usize || bytes + r.data.len() as u64 > GET_RECORDS_BYTES_MAX {
                break;
            }
            bytes += r.data.len() as u64;
            out.push(r);
            next += 1;
        }
        shard.read.bytes += bytes;
        if shard.read.bytes > SHARD_READ_BYTES_PER_S {
            let seconds = shard.read.bytes.div_ceil(SHARD_READ_BYTES_PER_S);
            shard.read.blocked_until = second * 1000 + seconds * 1000;
        }
        let millis_behind = shard.records.get(next).map_or(0, |r| now - r.arrival);
        let age = out.last().map_or(0, |r| now - r.arrival);
        let records: Vec<RecordOut> = out.iter().map(|r| r.out()).collect();
        let at_end = records.is_empty() && !shard.is_open() && next >= shard.records.len();
        let (pos, after) = match out.last() {
            Some(r) => (r.seq, true),
            None => (it.pos, it.after),
        };
        let shard_ix = shard.ix;
        let m = &mut s.metrics.current;
        m.get_records_success += 1;
        m.get_records_records += records.len() as u64;
        m.get_records_bytes += bytes;
        m.get_records_iterator_age_ms = Some(m.get_records_iterator_age_ms.unwrap_or(0).max(age));
        if mode == StreamMode::OnDemand {
            self.cost.on_demand_read_bytes += bytes;
        }
        let (stream, sh, n) = (it.stream.clone(), shard_name.clone(), records.len());
        ctx.events.push(now, || EventKind::RecordsRead {
            stream,
            shard: sh,
            records: n,
            bytes,
            millis_behind_latest: millis_behind,
            consumer: None,
        });
        let (next_it, children) = if at_end {
            (None, Some(s.child_shards(shard_ix)))
        } else {
            (
                Some(
                    Iterator {
                        created_at: now,
                        stream: it.stream.clone(),
                        incarnation: it.incarnation,
                        shard: shard_ix,
                        pos,
                        after,
                    }
                    .encode(),
                ),
                None,
            )
        };
        Ok(GetRecordsOutput {
            records,
            next_shard_iterator: next_it,
            millis_behind_latest: millis_behind,
            child_shards: children,
        })
    }

    // ------------------------------------------------------------------ retention

    pub(super) fn retention_request(&self, i: &RetentionInput) -> Result<(String, u32), AwsError> {
        let Some(h) = i.retention_period_hours else {
            return Err(required("retentionPeriodHours"));
        };
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.stream_ref(&name)?;
        if h < i64::from(RETENTION_MIN_HOURS) {
            return Err(invalid_argument(format!(
                "Minimum allowed retention period is 24 hours. Requested retention period ({h} hours) is too short."
            )));
        }
        if h > i64::from(RETENTION_MAX_HOURS) {
            return Err(invalid_argument(format!(
                "Maximum allowed retention period is 8760 hours. Requested retention period ({h} hours) is too long."
            )));
        }
        if s.status != StreamStatus::Active {
            return Err(not_active(s));
        }
        Ok((name, h as u32))
    }

    pub(super) fn set_retention(&mut self, ctx: &mut Ctx, name: &str, hours: u32) {
        self.accrue(ctx.now);
        if let Some(s) = self.streams.get_mut(name) {
            s.retention_hours = hours;
            // A decrease makes older records inaccessible at once (aws-rules §4.4).
            s.trim(ctx);
            let stream = name.to_string();
            ctx.events
                .push(ctx.now, || EventKind::StreamRetentionChanged {
                    stream,
                    hours,
                });
        }
    }

    /// Raises the retention period. Equal to the current one is accepted (as kinesalite and
    /// moto do); lower is refused.
    pub fn increase_retention(
        &mut self,
        ctx: &mut Ctx,
        i: &RetentionInput,
    ) -> Result<(), AwsError> {
        let (name, hours) = self.retention_request(i)?;
        let current = self.stream_ref(&name)?.retention_hours;
        if hours < current {
            return Err(invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
            )));
        }
        self.set_retention(ctx, &name, hours);
        Ok(())
    }

    /// Lowers the retention period (not below 24 h). Equal is accepted; higher is refused.
    pub fn decrease_retention(
        &mut self,
        ctx: &mut Ctx,
        i: &RetentionInput,
    ) -> Result<(), AwsError> {
        let (name, hours) = self.retention_request(i)?;
        let current = self.stream_ref(&name)?.retention_hours;
        if hours > current {
            return Err(invalid_argument(format!(
                "Requested retention period ({hours} hours) for stream {name} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
            )));
        }
        self.set_retention(ctx, &name, hours);
        Ok(())
    }
}
