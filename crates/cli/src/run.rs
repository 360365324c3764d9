//! `mqlab run` and `mqlab hash`: a scenario simulated headlessly, as fast as it goes.

use crate::args::{HashArgs, MetricsFormat, RunArgs, Sink};
use crate::duration::format_duration;
use mqlab_engine::time::{epoch_s, MS_PER_DAY, MS_PER_MIN, MS_PER_S};
use mqlab_engine::{Event, Scenario, World};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::time::Instant;

/// Events are drained every virtual second. The engine keeps at most 200,000 undrained events
/// and drops the oldest past that; a second of even a very busy scenario stays far below it,
/// and draining more often costs next to nothing.
pub const EVENT_CHUNK_MS: u64 = MS_PER_S;

/// With events off there is nothing to drain, so time advances a metrics minute at a time.
pub const QUIET_CHUNK_MS: u64 = MS_PER_MIN;

/// Metrics are copied out of the engine's ring buffers once a virtual day: the buffers hold 14
/// days of minutes, so none wraps between two copies, and each copy (which walks the whole
/// buffer) is rare enough that a long run does not spend its time re-reading old minutes.
pub const METRICS_COPY_EVERY_MS: u64 = MS_PER_DAY;

/// Reads a scenario file and builds its world, `seed` overriding the scenario's.
/// Errors read `PATH: what is wrong`.
pub fn load_world(path: &str, seed: Option<u64>) -> Result<World, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    world_from_json(&text, seed).map_err(|e| format!("{path}: {e}"))
}

/// Builds the world of a scenario given as JSON text, `seed` overriding the scenario's.
pub fn world_from_json(text: &str, seed: Option<u64>) -> Result<World, String> {
    let mut scenario = Scenario::from_json(text).map_err(|e| e.to_string())?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    World::from_scenario(&scenario).map_err(|e| e.to_string())
}

/// Advances `world` to `end_ms` in steps of `chunk_ms`, calling `each` after every step (to
/// drain events, copy metrics). Chunking does not change the run: timers fire in the same
/// order whatever the steps.
pub fn drive(
    world: &mut World,
    end_ms: u64,
    chunk_ms: u64,
    mut each: impl FnMut(&mut World) -> io::Result<()>,
) -> io::Result<()> {
    let chunk_ms = chunk_ms.max(1);
    loop {
        let now = world.now();
        if now >= end_ms {
            return Ok(());
        }
        // Step to chunk boundaries so chunk ends line up with metrics minutes.
        let next = (now / chunk_ms + 1).saturating_mul(chunk_ms).min(end_ms);
        world.advance_to(next);
        each(world)?;
    }
}

/// The determinism fingerprint of a scenario run for `duration_ms`.
pub fn fingerprint(world: &mut World, duration_ms: u64) -> u64 {
    world.fingerprint(duration_ms)
}

/// One metric of one minute, as `--metrics` writes it: the CloudWatch namespace, the queue or
/// topic name (the dimension), the metric and its value. A Kinesis reader's metrics go to a
/// namespace named after its KCL application (as KCL publishes them), with the stream name.
#[derive(serde::Serialize)]
struct MetricsRow {
    timestamp: u64,
    namespace: String,
    name: String,
    metric: &'static str,
    value: f64,
}

/// Writes the engine's 1-minute metric rows, each once, in time order.
pub struct MetricsWriter<W: Write> {
    out: W,
    format: MetricsFormat,
    /// Rows of minutes starting before this (epoch seconds) have been written.
    written_before_s: u64,
    pub rows: u64,
}

impl<W: Write> MetricsWriter<W> {
    pub fn new(mut out: W, format: MetricsFormat) -> io::Result<Self> {
        match format {
            MetricsFormat::Csv => out.write_all(b"timestamp,namespace,name,metric,value\n")?,
            MetricsFormat::Json => out.write_all(b"[")?,
        }
        Ok(MetricsWriter {
            out,
            format,
            written_before_s: 0,
            rows: 0,
        })
    }

    /// Copies the rows of minutes that have closed by now (all of them when `last`).
    pub fn copy(&mut self, world: &World, last: bool) -> io::Result<()> {
        let before_s = if last { u64::MAX } else { epoch_s(world.now()) };
        // The world's metrics bus: SQS, SNS, Kinesis, then Kinesis readers.
        let bus = world.metric_datapoints().into_iter().map(|d| MetricsRow {
            timestamp: d.timestamp,
            name: metrics_row_name(&d),
            namespace: d.namespace,
            metric: d.metric,
            value: d.value,
        });
        let mut rows: Vec<MetricsRow> = bus
            .filter(|r| r.timestamp >= self.written_before_s && r.timestamp < before_s)
            .collect();
        // By minute; within a minute SQS, SNS, Kinesis, then Kinesis readers, each in its own
        // order (stable).
        rows.sort_by_key(|r| r.timestamp);
        for row in &rows {
            match self.format {
                MetricsFormat::Csv => writeln!(
                    self.out,
                    "{},{},{},{},{}",
                    row.timestamp,
                    row.namespace,
                    csv_field(&row.name),
                    csv_field(row.metric),
                    row.value
                )?,
                MetricsFormat::Json => {
                    self.out
                        .write_all(if self.rows == 0 { b"\n" } else { b",\n" })?;
                    serde_json::to_writer(&mut self.out, row)?;
                }
            }
            self.rows += 1;
        }
        self.written_before_s = before_s;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<()> {
        if self.format == MetricsFormat::Json {
            self.out.write_all(b"\n]\n")?;
        }
        self.out.flush()
    }
}

/// The resource a datapoint is about: its first dimension's value (a queue, topic, stream,
/// group), or for Amazon MQ the broker and its queue, `broker/queue` (its dimensions are
/// `Broker`, then `VirtualHost` and `Queue` for RabbitMQ, `Queue` for ActiveMQ).
fn metrics_row_name(d: &mqlab_engine::core::metrics::Datapoint) -> String {
    if d.namespace == "AWS/AmazonMQ" {
        let values: Vec<&str> = d
            .dimensions
            .iter()
            .filter(|(k, _)| *k != "VirtualHost")
            .map(|(_, v)| v.as_str())
            .collect();
        return values.join("/");
    }
    d.dimensions
        .first()
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn open(sink: &Sink) -> io::Result<Box<dyn Write>> {
    Ok(match sink {
        Sink::Stdout => Box::new(BufWriter::new(io::stdout().lock())),
        Sink::File(path) => {
            Box::new(BufWriter::new(File::create(path).map_err(|e| {
                io::Error::new(e.kind(), format!("cannot create {path}: {e}"))
            })?))
        }
        Sink::Discard => Box::new(io::sink()),
    })
}

fn sink_name(sink: &Sink) -> String {
    match sink {
        Sink::Stdout => "standard output".into(),
        Sink::File(path) => path.clone(),
        Sink::Discard => "nowhere".into(),
    }
}

fn write_events(out: &mut dyn Write, events: &[Event]) -> io::Result<()> {
    for event in events {
        serde_json::to_writer(&mut *out, event)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn report_io(e: &io::Error) -> i32 {
    if e.kind() != io::ErrorKind::BrokenPipe {
        eprintln!("mqlab: {e}");
    }
    1
}

/// `mqlab run`: returns the exit status.
pub fn run_command(args: &RunArgs) -> i32 {
    let mut world = match load_world(&args.scenario, args.seed) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let recording = args.events != Sink::Discard;
    world.set_event_recording(recording);
    let mut events_out = match open(&args.events) {
        Ok(o) => o,
        Err(e) => return report_io(&e),
    };
    let mut metrics = match &args.metrics {
        None => None,
        Some((sink, format)) => match open(sink).and_then(|o| MetricsWriter::new(o, *format)) {
            Ok(m) => Some(m),
            Err(e) => return report_io(&e),
        },
    };

    let started = Instant::now();
    let mut events_written: u64 = 0;
    let mut next_metrics_copy = METRICS_COPY_EVERY_MS;
    let chunk = if recording {
        EVENT_CHUNK_MS
    } else {
        QUIET_CHUNK_MS
    };
    let mut memory_stop: Option<String> = None;
    let mut groups = crate::groups::Timeline::default();
    groups.sample(&world);
    let driven = drive(&mut world, args.duration_ms, chunk, |w| {
        groups.sample(w);
        if recording {
            let events = w.drain_events();
            events_written += events.len() as u64;
            write_events(&mut events_out, &events)?;
        }
        if let Some(m) = metrics.as_mut() {
            if w.now() >= next_metrics_copy {
                m.copy(w, false)?;
                next_metrics_copy = w.now() + METRICS_COPY_EVERY_MS;
            }
        }
        // Checked once what happened is written: the output up to the stop is whole.
        let held = w.memory_estimate().total();
        if held > args.memory_max_bytes {
            memory_stop = Some(memory_stop_message(w, held, args.memory_max_bytes));
            return Err(io::Error::other("memory limit"));
        }
        Ok(())
    })
    .and_then(|()| events_out.flush());
    if memory_stop.is_none() {
        if let Err(e) = driven {
            return report_io(&e);
        }
    }
    let metric_rows = match metrics {
        None => None,
        Some(mut m) => {
            let copied = m.copy(&world, true).map(|()| m.rows);
            match copied.and_then(|rows| m.finish().map(|()| rows)) {
                Ok(rows) => Some(rows),
                Err(e) => return report_io(&e),
            }
        }
    };
    if let Some(message) = memory_stop {
        // Events and metrics up to the stop are written and closed (valid JSON).
        let _ = events_out.flush();
        eprintln!("{message}");
        return 3;
    }
    let wall = started.elapsed().as_secs_f64();

    // The summary goes to standard error so that standard output stays pure JSON lines.
    let mut s = String::new();
    let virtual_s = args.duration_ms as f64 / MS_PER_S as f64;
    s.push_str(&format!(
        "mqlab run: {} of virtual time in {:.3} s ({:.0}x real time), seed {}\n",
        format_duration(args.duration_ms),
        wall,
        if wall > 0.0 { virtual_s / wall } else { 0.0 },
        world.seed()
    ));
    if recording {
        s.push_str(&format!(
            "events: {events_written} written to {}\n",
            sink_name(&args.events)
        ));
        if world.events_dropped() > 0 {
            s.push_str(&format!(
                "warning: {} events were dropped before they could be written\n",
                world.events_dropped()
            ));
        }
    } else {
        s.push_str("events: not recorded (--no-events)\n");
    }
    if let (Some(rows), Some((sink, format))) = (metric_rows, &args.metrics) {
        s.push_str(&format!(
            "metrics: {rows} rows ({}) written to {}\n",
            match format {
                MetricsFormat::Csv => "csv",
                MetricsFormat::Json => "json",
            },
            sink_name(sink)
        ));
    }
    // One table per service the run has: a stream-only run prints no empty queue table.
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let queues = world.sqs().queue_summaries();
    push_table(
        &mut s,
        &[
            ("queue", 32),
            ("fifo", 5),
            ("sent", 10),
            ("received", 10),
            ("deleted", 10),
            ("to DLQ", 8),
            ("visible", 9),
            ("in flight", 9),
            ("delayed", 8),
        ],
        queues.iter().map(|q| {
            let n = [q.sent, q.received, q.deleted, q.moved_to_dlq];
            let held = [q.visible, q.in_flight, q.delayed];
            [q.name.clone(), yes_no(q.fifo)]
                .into_iter()
                .chain(n.iter().map(u64::to_string))
                .chain(held.iter().map(usize::to_string))
                .collect()
        }),
    );
    let topics = world.sns().topic_summaries();
    push_table(
        &mut s,
        &[
            ("topic", 32),
            ("fifo", 5),
            ("published", 10),
            ("delivered", 10),
            ("filtered", 10),
            ("failed", 8),
            ("to DLQ", 8),
        ],
        topics.iter().map(|t| {
            let n = &t.totals;
            let n = [
                n.published,
                n.delivered,
                n.filtered_out,
                n.failed,
                n.moved_to_dlq,
            ];
            [t.name.clone(), yes_no(t.fifo)]
                .into_iter()
                .chain(n.iter().map(u64::to_string))
                .collect()
        }),
    );
    // Each stream's shard totals (records written, writes and reads refused) summed over its
    // shards, closed ones included: what the page's Kinesis row shows.
    push_table(
        &mut s,
        &[
            ("stream", 32),
            ("mode", 12),
            ("shards", 6),
            ("records in", 10),
            ("throttled", 10),
            ("read throttled", 14),
        ],
        world.kinesis().streams().map(|st| {
            let sum = |f: fn(&mqlab_engine::kinesis::stream::ShardTotals) -> u64| {
                st.shards
                    .iter()
                    .map(|sh| f(&sh.totals))
                    .sum::<u64>()
                    .to_string()
            };
            vec![
                st.name.clone(),
                st.mode.as_str().to_string(),
                st.open_shard_count().to_string(),
                sum(|t| t.records_in),
                sum(|t| t.writes_throttled),
                sum(|t| t.reads_throttled),
            ]
        }),
    );
    push_table(
        &mut s,
        &[
            ("stream consumer", 32),
            ("workers", 7),
            ("read", 10),
            ("processed", 10),
            ("again", 10),
            ("throttled", 9),
            ("leases", 8),
            ("moved", 8),
            ("deaths", 9),
        ],
        world.stream_consumers().apps().iter().map(|app| {
            let t = &app.totals;
            let alive = app
                .workers
                .iter()
                .filter(|w| w.state == mqlab_engine::kcl::WorkerState::Running)
                .count();
            let moved = t.leases_taken.saturating_sub(app.leases.len() as u64);
            let n = [
                t.records_read,
                t.records_processed,
                t.duplicates,
                t.reads_throttled,
            ];
            [
                format!("{} ({})", app.name(), app.spec.stream),
                format!("{alive}/{}", app.workers.len()),
            ]
            .into_iter()
            .chain(n.iter().map(u64::to_string))
            .chain([app.leases.len().to_string(), moved.to_string()])
            .chain([t.worker_deaths.to_string()])
            .collect()
        }),
    );
    // Lambda functions (a scenario's `functions`, polling its queues through mappings).
    push_table(
        &mut s,
        &[
            ("function", 32),
            ("invocations", 11),
            ("errors", 8),
            ("processed", 10),
            ("returned", 9),
            ("peak conc.", 10),
        ],
        world.lambda().functions().map(|f| {
            let t = &f.totals;
            [f.name.clone()]
                .into_iter()
                .chain(
                    [
                        t.invocations,
                        t.errors,
                        t.messages_processed,
                        t.messages_failed,
                        u64::from(t.peak_concurrency),
                    ]
                    .iter()
                    .map(u64::to_string),
                )
                .collect()
        }),
    );
    // Firehose's delivery streams (a scenario's `delivery_streams`): what they took in, the
    // objects they put in S3 and when the first and the last landed (a buffered stream
    // delivers in objects about every interval, not record by record), what still waits.
    let at = |t: Option<u64>| t.map_or_else(|| "-".to_string(), format_duration);
    push_table(
        &mut s,
        &[
            ("delivery stream", 32),
            ("records in", 10),
            ("to S3", 10),
            ("objects", 8),
            ("bytes", 12),
            ("first object", 12),
            ("last object", 12),
            ("buffered", 9),
        ],
        world.firehose().streams().map(|d| {
            let t = &d.totals;
            vec![
                d.name.clone(),
                t.incoming_records.to_string(),
                (t.delivered_to_s3 + t.error_output).to_string(),
                t.objects.to_string(),
                t.object_bytes.to_string(),
                at(t.first_object_at),
                at(t.last_object_at),
                d.buffered_records().to_string(),
            ]
        }),
    );
    // Flink applications (a scenario's `flink_applications`): the windows they closed.
    push_table(
        &mut s,
        &[
            ("Flink application", 32),
            ("status", 8),
            ("records in", 10),
            ("windows closed", 14),
            ("late dropped", 12),
            ("to sink", 8),
            ("open", 6),
        ],
        world.flink().applications().map(|a| {
            let t = &a.totals;
            vec![
                a.name.clone(),
                a.status.as_str().to_string(),
                t.records_in.to_string(),
                t.windows_fired.to_string(),
                t.late_dropped.to_string(),
                t.sink_records.to_string(),
                a.open_windows().len().to_string(),
            ]
        }),
    );
    crate::video::push_video(&mut s, &world);
    crate::groups::push_groups(&mut s, &world, &groups);
    crate::brokers::push_brokers(&mut s, &world);
    // The world's bill: the services the run uses (or that billed requests anyway, e.g. an
    // SQS call to a queue that was deleted), joined with " + ".
    let parts: Vec<String> = world
        .bill()
        .iter()
        .filter(|b| {
            b.requests > 0
                || match b.service {
                    "SQS" => !queues.is_empty(),
                    "SNS" => !topics.is_empty(),
                    "Kinesis" => world.kinesis().streams().next().is_some(),
                    _ => true,
                }
        })
        .map(|b| format!("${:.6} for {} {} requests", b.usd, b.requests, b.service))
        .collect();
    if parts.is_empty() {
        s.push_str("cost: $0.000000");
    } else {
        s.push_str(&format!("cost: {}", parts.join(" + ")));
    }
    s.push('\n');
    eprint!("{s}");
    0
}

/// One table of the run's summary: a header of `columns` (name, width), then a line per row,
/// the first column left-aligned and the others right-aligned in their widths. Nothing when
/// there are no rows (a service the run does not have).
pub(crate) fn push_table(
    s: &mut String,
    columns: &[(&str, usize)],
    rows: impl Iterator<Item = Vec<String>>,
) {
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        for (k, (cell, (_, w))) in cells.zip(columns).enumerate() {
            match k {
                0 => s.push_str(&format!("{cell:<w$}")),
                _ => s.push_str(&format!(" {cell:>w$}")),
            }
        }
        s.push('\n');
    };
    let mut rows = rows.peekable();
    if rows.peek().is_some() {
        line(&mut columns.iter().map(|(name, _)| name.to_string()));
    }
    for row in rows {
        line(&mut row.into_iter());
    }
}

/// Why `mqlab run` stopped early: what the world holds and what to lower.
fn memory_stop_message(world: &World, held: u64, max: u64) -> String {
    let (messages, records) = world.messages_and_records_held();
    format!(
        "mqlab run: stopped at {} of virtual time: the world holds about {} MiB, over \
         --memory-max ({} MiB): {messages} messages in queues, {records} stream records. Lower \
         the producers' rate, the retention period or the duration, add consumers, or raise \
         --memory-max.",
        format_duration(world.now()),
        held >> 20,
        max >> 20
    )
}

/// `mqlab hash`: prints the fingerprint alone; returns the exit status.
pub fn hash_command(args: &HashArgs) -> i32 {
    let mut world = match load_world(&args.scenario, args.seed) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let hash = fingerprint(&mut world, args.duration_ms);
    let mut out = io::stdout().lock();
    match writeln!(out, "{hash}").and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) => report_io(&e),
    }
}
