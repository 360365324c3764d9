//! A delivery stream at work: records into buffers (one per dynamic partition), a buffer
//! flushed when it reaches its size or its interval (aws-rules §5.1), the Lambda
//! transformation (§5.4), deliveries to S3 or to a sink with their retries and backups
//! (§5.3), and the reading of a source stream as a consumer (§5.2).

use super::*;
use crate::core::aws::b64_encode;
use crate::core::route::StreamPosition;
use crate::core::time::{civil_from_days, epoch_ms};
use serde_json::json;

/// The buffer of records whose partition keys could not be read (dynamic partitioning).
const UNPARTITIONED: &str = "\u{0}";
/// The error-output type of records a transformation failed, and of records without their
/// partition keys (UNCONFIRMED: AWS names `processing-failed` for the former; mqlab uses it
/// for both).
pub const PROCESSING_FAILED: &str = "processing-failed";

/// (year, month, day, hour, minute, second) of a virtual instant, UTC.
fn civil(t: SimTime) -> (i64, u32, u32, u64, u64, u64) {
    let s = epoch_ms(t) / 1000;
    let (y, m, d) = civil_from_days((s / 86_400) as i64);
    let r = s % 86_400;
    (y, m, d, r / 3600, r % 3600 / 60, r % 60)
}

/// Expands `!{timestamp:yyyy/MM/dd/HH}`-style expressions (yyyy, MM, dd, HH, mm, ss).
fn expand_timestamps(prefix: &str, t: SimTime) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    let mut out = String::new();
    let mut rest = prefix;
    while let Some(i) = rest.find("!{timestamp:") {
        out.push_str(&rest[..i]);
        let after = &rest[i + "!{timestamp:".len()..];
        let Some(end) = after.find('}') else {
            rest = &rest[i..];
            break;
        };
        out.push_str(
            &after[..end]
                .replace("yyyy", &format!("{y:04}"))
                .replace("MM", &format!("{mo:02}"))
                .replace("dd", &format!("{d:02}"))
                .replace("HH", &format!("{h:02}"))
                .replace("mm", &format!("{mi:02}"))
                .replace("ss", &format!("{s:02}")),
        );
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The object key of a delivery (aws-rules §5.3): the prefix (its partition keys expanded),
/// then `YYYY/MM/DD/HH/` unless the prefix uses expressions, then
/// `<DeliveryStreamName>-<version>-YYYY-MM-DD-HH-MM-SS-<uuid>`, the time being the oldest
/// record's arrival.
fn object_key(s: &DeliveryStream, d: &Delivery, uuid: &str) -> String {
    let t = d.records.first().map_or(0, |r| r.arrival);
    let (y, mo, dd, h, mi, sec) = civil(t);
    let hour = format!("{y:04}/{mo:02}/{dd:02}/{h:02}/");
    let prefix = match d.error {
        None => {
            let p = expand_timestamps(&d.partition, t);
            if s.destination.prefix.contains("!{") {
                p
            } else {
                p + &hour
            }
        }
        Some(kind) => match &s.destination.error_prefix {
            Some(ep) => {
                let p = expand_timestamps(&ep.replace("!{firehose:error-output-type}", kind), t);
                if ep.contains("!{timestamp:") {
                    p
                } else {
                    p + &hour
                }
            }
            None => format!("{kind}/{hour}"),
        },
    };
    format!(
        "{prefix}{}-{}-{y:04}-{mo:02}-{dd:02}-{h:02}-{mi:02}-{sec:02}-{uuid}",
        s.name, s.version
    )
}

/// The partition a record goes to: the prefix with its `!{partitionKeyFromQuery:k}` values,
/// or [`UNPARTITIONED`] when a key is missing or the record is not JSON.
fn partition_of(dest: &Destination, data: &[u8]) -> String {
    if dest.partition_keys.is_empty() {
        return dest.prefix.clone();
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return UNPARTITIONED.to_string();
    };
    let mut prefix = dest.prefix.clone();
    for (key, path) in &dest.partition_keys {
        let field = path.split('.').try_fold(&v, |v, f| v.get(f));
        let value = match field {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(n @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => n.to_string(),
            _ => return UNPARTITIONED.to_string(),
        };
        prefix = prefix.replace(&format!("!{{partitionKeyFromQuery:{key}}}"), &value);
    }
    prefix
}

/// Records accepted by PutRecord(Batch) or read from the source stream enter the buffers;
/// a buffer that reaches its size flushes at once, a first record starts its interval.
pub(super) fn ingest(
    fh: &mut Firehose,
    ctx: &mut Ctx,
    peers: &mut dyn FirehoseRouter,
    name: &str,
    records: Vec<Vec<u8>>,
) {
    let now = ctx.now;
    let Some(s) = fh.streams.get_mut(name) else {
        return;
    };
    let mut full = Vec::new();
    for data in records {
        let len = data.len() as u64;
        fh.billed_bytes += len.div_ceil(BILLING_UNIT_BYTES).max(1) * BILLING_UNIT_BYTES;
        s.totals.incoming_records += 1;
        s.totals.incoming_bytes += len;
        s.metrics.current.incoming_records += 1;
        s.metrics.current.incoming_bytes += len;
        let partition = partition_of(&s.destination, &data);
        if !s.destination.partition_keys.is_empty() {
            fh.partitioned_bytes += len;
        }
        let b = s.buffers.entry(partition.clone()).or_default();
        if b.records.is_empty() {
            let wait = match s.destination.interval_ms {
                0 => ZERO_BUFFERING_DELAY_MS,
                ms => ms,
            };
            ctx.timers.schedule(
                now + wait,
                FirehoseTimer::Flush {
                    stream: s.name.clone(),
                    id: s.id,
                    partition: partition.clone(),
                    gen: b.gen,
                },
            );
        }
        b.records.push(Rec { data, arrival: now });
        b.bytes += len;
        if b.bytes >= s.destination.size_bytes && !full.contains(&partition) {
            full.push(partition);
        }
    }
    for p in full {
        flush(fh, ctx, peers, name, &p);
    }
}

/// Empties a buffer into deliveries: through the transformation first when there is one.
fn flush(fh: &mut Firehose, ctx: &mut Ctx, peers: &mut dyn FirehoseRouter, name: &str, p: &str) {
    let now = ctx.now;
    let Some(s) = fh.streams.get_mut(name) else {
        return;
    };
    let Some(b) = s.buffers.get_mut(p) else {
        return;
    };
    let records = std::mem::take(&mut b.records);
    let bytes = std::mem::take(&mut b.bytes);
    b.gen += 1;
    if records.is_empty() {
        return;
    }
    let to_sink = s.destination.sink.is_some();
    let mut out = Vec::new();
    if p == UNPARTITIONED {
        out.push((
            0,
            records,
            Some(PROCESSING_FAILED),
            Some("DynamicPartitioning.MetadataExtractionFailed"),
        ));
    } else if let Some(t) = s.destination.transform.clone() {
        // One invocation per BufferSizeInMBs of data (aws-rules §5.4), run at once.
        let invocations = bytes.div_ceil(t.buffer_bytes).max(1);
        let function = peers.invoke_function(&t.lambda_arn, invocations);
        let (ok, failed, delay, code): (Vec<Rec>, Vec<Rec>, SimTime, &'static str) = match function
        {
            None => (Vec::new(), records, 0, "Lambda.FunctionNotFound"),
            Some(f) if f.duration_ms > f.timeout_ms => {
                // Every attempt times out: retried NumberOfRetries times, then failed.
                let attempts = u64::from(t.retries) + 1;
                s.totals.transform_invocations += invocations * (attempts - 1);
                peers.invoke_function(&t.lambda_arn, invocations * (attempts - 1));
                (
                    Vec::new(),
                    records,
                    f.timeout_ms * attempts,
                    "Lambda.FunctionError",
                )
            }
            Some(f) => {
                let (failed, ok) = records.into_iter().partition(|r| {
                    f.fail_marker.as_deref().is_some_and(|m| {
                        !m.is_empty() && r.data.windows(m.len()).any(|w| w == m.as_bytes())
                    })
                });
                (ok, failed, f.duration_ms, "Lambda.ProcessingFailed")
            }
        };
        s.totals.transform_invocations += invocations;
        s.totals.processing_failed += failed.len() as u64;
        s.metrics.current.processing_ok += ok.len() as u64;
        s.metrics.current.processing_failed += failed.len() as u64;
        out.push((delay, ok, None, None));
        out.push((delay, failed, Some(PROCESSING_FAILED), Some(code)));
    } else {
        out.push((0, records, None, None));
    }
    let mut now_ids = Vec::new();
    for (delay, records, error, code) in out {
        if records.is_empty() {
            continue;
        }
        fh.next_delivery += 1;
        let id = fh.next_delivery;
        s.deliveries.insert(
            id,
            Delivery {
                records,
                partition: p.to_string(),
                to_sink: to_sink && error.is_none(),
                error,
                error_code: code,
                attempts: 0,
                first_failure: None,
            },
        );
        if delay == 0 {
            now_ids.push(id);
        } else {
            let (stream, sid) = (s.name.clone(), s.id);
            ctx.timers.schedule(
                now + delay,
                FirehoseTimer::Deliver {
                    stream,
                    id: sid,
                    delivery: id,
                },
            );
        }
    }
    for id in now_ids {
        attempt(fh, ctx, peers, name, id);
    }
}

/// One delivery attempt: to the sink, or an object put in S3.
fn attempt(fh: &mut Firehose, ctx: &mut Ctx, peers: &mut dyn FirehoseRouter, name: &str, id: u64) {
    let now = ctx.now;
    let Some(s) = fh.streams.get_mut(name) else {
        return;
    };
    let Some(mut d) = s.deliveries.remove(&id) else {
        return;
    };
    d.attempts += 1;
    let bytes: u64 = d.records.iter().map(|r| r.data.len() as u64).sum();
    let n = d.records.len() as u64;
    let m = &mut s.metrics.current;
    let (ok, retry_ms) = match (d.to_sink, s.destination.sink.clone()) {
        (true, Some(sink)) => {
            m.sink_attempts += 1;
            let ok = !sink.endpoint.contains(config::UNREACHABLE_MARKER);
            if ok {
                m.sink_successes += 1;
                m.sink_records += n;
                m.sink_bytes += bytes;
                s.totals.delivered_to_sink += n;
                if sink.backup_all {
                    // AllData: every record is also backed up to S3.
                    let copy = Delivery {
                        to_sink: false,
                        attempts: 0,
                        first_failure: None,
                        ..d.clone()
                    };
                    fh.next_delivery += 1;
                    s.deliveries.insert(fh.next_delivery, copy);
                    let next = fh.next_delivery;
                    return attempt(fh, ctx, peers, name, next);
                }
            } else if now.saturating_sub(*d.first_failure.get_or_insert(now)) >= sink.retry_ms {
                // Its retry duration is over: the records go to the backup bucket under the
                // error prefix.
                s.totals.failed_attempts += 1;
                let backup = Delivery {
                    to_sink: false,
                    error: Some(sink.kind.error_type()),
                    error_code: Some("HttpEndpoint.ConnectionFailed"),
                    attempts: d.attempts,
                    first_failure: None,
                    ..d
                };
                fh.next_delivery += 1;
                s.deliveries.insert(fh.next_delivery, backup);
                let next = fh.next_delivery;
                return attempt(fh, ctx, peers, name, next);
            }
            (ok, sink.retry_ms)
        }
        _ => {
            m.s3_attempts += 1;
            let key = object_key(s, &d, &ctx.rng.uuid());
            let body = match d.error {
                None => d
                    .records
                    .iter()
                    .flat_map(|r| r.data.iter().copied())
                    .collect(),
                Some(_) => error_lines(s, &d, now),
            };
            let object_bytes = body.len() as u64;
            let ok = peers
                .put_object(ctx.shared(), &s.destination.bucket, &key, body)
                .is_ok();
            let m = &mut s.metrics.current;
            if ok {
                m.s3_successes += 1;
                s.totals.objects += 1;
                s.totals.object_bytes += object_bytes;
                s.totals.first_object_at.get_or_insert(now);
                s.totals.last_object_at = Some(now);
                if !s.destination.partition_keys.is_empty() {
                    fh.partitioned_objects += 1;
                }
                match d.error {
                    None => {
                        m.s3_records += n;
                        m.s3_bytes += bytes;
                        s.totals.delivered_to_s3 += n;
                        let oldest = d.records.first().map_or(now, |r| r.arrival);
                        let age = (now - oldest) as f64 / 1000.0;
                        m.s3_freshness_s = Some(m.s3_freshness_s.map_or(age, |f: f64| f.max(age)));
                    }
                    Some(_) => s.totals.error_output += n,
                }
            } else {
                d.first_failure.get_or_insert(now);
            }
            (ok, S3_RETRY_MS)
        }
    };
    if ok {
        return;
    }
    s.totals.failed_attempts += 1;
    let first = *d.first_failure.get_or_insert(now);
    if !d.to_sink && now - first >= retry_ms {
        // S3 unreachable for 24 hours: the data is lost.
        s.totals.lost += n;
        return;
    }
    s.deliveries.insert(id, d);
    let (stream, sid) = (s.name.clone(), s.id);
    ctx.timers.schedule(
        now + RETRY_INTERVAL_MS,
        FirehoseTimer::Deliver {
            stream,
            id: sid,
            delivery: id,
        },
    );
}

/// The error output's JSON lines, one per record: attemptsMade, arrivalTimestamp,
/// errorCode, errorMessage, attemptEndingTimestamp, rawData (base64) and, after a
/// transformation, lambdaArn.
fn error_lines(s: &DeliveryStream, d: &Delivery, now: SimTime) -> Vec<u8> {
    let lambda = s
        .destination
        .transform
        .as_ref()
        .map(|t| t.lambda_arn.clone());
    let mut out = Vec::new();
    for r in &d.records {
        let mut line = json!({
            "attemptsMade": d.attempts.max(1),
            "arrivalTimestamp": epoch_ms(r.arrival),
            "errorCode": d.error_code.unwrap_or("Unknown"),
            "errorMessage": match d.error {
                Some(PROCESSING_FAILED) => "The record was not processed.",
                _ => "The destination did not accept the record within its retry duration.",
            },
            "attemptEndingTimestamp": epoch_ms(now),
            "rawData": b64_encode(&r.data),
        });
        if let (Some(arn), Some(PROCESSING_FAILED)) = (&lambda, d.error) {
            line["lambdaArn"] = json!(arn);
        }
        out.extend_from_slice(line.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

/// A stream-sourced delivery stream reads each shard once: GetRecords through the router
/// (sharing the shard's 5 reads/s with every other reader); what it reads enters the buffers.
pub(super) fn poll(fh: &mut Firehose, ctx: &mut Ctx, peers: &mut dyn FirehoseRouter, name: &str) {
    let Some(s) = fh.streams.get_mut(name) else {
        return;
    };
    let Some((arn, _)) = s.source.clone() else {
        return;
    };
    let mut read = Vec::new();
    let first_read = s.shards.is_empty();
    for shard in peers.stream_shards(&arn).unwrap_or_default() {
        let r = s
            .shards
            .entry(shard.clone())
            .or_insert_with(|| ShardReader {
                from_oldest: !first_read,
                ..ShardReader::default()
            });
        if r.iterator.is_none() {
            let from = match (&r.last_seq, r.from_oldest) {
                (Some(seq), _) => StreamPosition::After(seq.clone()),
                (None, true) => StreamPosition::TrimHorizon,
                (None, false) => StreamPosition::Latest,
            };
            match peers.stream_iterator(ctx.shared(), &arn, &shard, &from) {
                Ok(it) => r.iterator = Some(it),
                Err(_) => continue,
            }
        }
        let Some(it) = r.iterator.clone().filter(|it| !it.is_empty()) else {
            continue;
        };
        match peers.read_shard(ctx.shared(), &it) {
            Ok(out) => {
                r.iterator = out.next_iterator.or_else(|| Some(String::new()));
                if let Some(last) = out.records.last() {
                    r.last_seq = Some(last.sequence_number.clone());
                }
                for rec in out.records {
                    s.totals.read_records += 1;
                    s.metrics.current.read_records += 1;
                    s.metrics.current.read_bytes += rec.data.len() as u64;
                    read.push(rec.data);
                }
            }
            Err(e) if e.code == "ProvisionedThroughputExceededException" => {
                s.totals.throttled_get_records += 1;
                s.metrics.current.throttled_get_records += 1;
            }
            Err(_) => r.iterator = None,
        }
    }
    // A closed shard read to its end keeps an empty iterator: nothing more to read.
    let (stream, id) = (s.name.clone(), s.id);
    ctx.timers.schedule(
        ctx.now + POLL_INTERVAL_MS,
        FirehoseTimer::Poll { stream, id },
    );
    ingest(fh, ctx, peers, name, read);
}

impl Firehose {
    /// Whether `timer` is for the delivery stream that is `name` now.
    fn current(&self, name: &str, id: u64) -> bool {
        self.streams.get(name).is_some_and(|s| s.id == id)
    }

    pub(crate) fn on_timer(
        &mut self,
        ctx: &mut Ctx,
        peers: &mut dyn FirehoseRouter,
        t: FirehoseTimer,
    ) {
        match t {
            FirehoseTimer::Settle { stream, id } if self.current(&stream, id) => {
                let Some(s) = self.streams.get_mut(&stream) else {
                    return;
                };
                match s.status {
                    Status::Creating => {
                        s.status = Status::Active;
                        if s.source.is_some() {
                            poll(self, ctx, peers, &stream);
                        }
                    }
                    Status::Deleting => {
                        self.streams.remove(&stream);
                    }
                    Status::Active => {}
                }
            }
            FirehoseTimer::Flush {
                stream,
                id,
                partition,
                gen,
            } if self.current(&stream, id) => {
                let due = self.streams[&stream]
                    .buffers
                    .get(&partition)
                    .is_some_and(|b| b.gen == gen);
                if due {
                    flush(self, ctx, peers, &stream, &partition);
                }
            }
            FirehoseTimer::Deliver {
                stream,
                id,
                delivery,
            } if self.current(&stream, id) => attempt(self, ctx, peers, &stream, delivery),
            FirehoseTimer::Poll { stream, id }
                if self.current(&stream, id) && self.streams[&stream].status == Status::Active =>
            {
                poll(self, ctx, peers, &stream);
            }
            _ => {}
        }
    }
}
