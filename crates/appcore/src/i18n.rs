//! Every UI string in English and Korean. Korean is a first-class language here: written in the
//! register of a learner's study notes (가시성 타임아웃, 롱 폴링, 데드레터 큐 …), not translated
//! word for word. AWS names (VisibilityTimeout, ReceiveMessage, MessageGroupId …) stay as they
//! are in both languages, so a word learned here is the word met in the AWS console and docs.
//!
//! Texts with `{name}` placeholders are filled with [`tf`].
//!
//! English is compiled in (the table below): the page needs it before anything else arrives.
//! Korean is a file beside the page, [`KOREAN_FILE`] (`texts/ko.json`: the UI texts by key, and
//! the presets' titles), fetched when Korean is chosen or was the saved language,
//! and kept with [`load_korean`]; until it arrives Korean asks get English, never a raw key.
//! Natively (and in the wasm tests, feature `bundled-texts`) the file is compiled in, so the
//! tests read the same texts the page fetches.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Reads "en"/"ko", also a browser's tag such as "ko-KR" or "en_US" (any case).
    pub fn from_code(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }
}

macro_rules! texts {
    ($($key:literal => $en:literal;)*) => {
        /// Every key, in the order of the table below.
        pub const KEYS: &[&str] = &[$($key),*];

        /// (key, English). A table searched in order is data, where a `match` on ~200
        /// strings compiled to several KB of comparisons in the wasm bundle.
        static TABLE: &[(&str, &str)] = &[$(($key, $en)),*];

        fn lookup(key: &str) -> Option<&'static str> {
            TABLE.iter().find(|(k, _)| *k == key).map(|&(_, en)| en)
        }
    };
}

/// Keys whose Korean text is rightly the same as the English: proper names and language names
/// (each language is named in itself).
pub const SAME_IN_BOTH: &[&str] = &["app.title", "lang.en", "lang.ko"];

/// The text of `key` in `lang`. An unknown key comes back as itself, so a missing text shows
/// up on screen instead of breaking the page.
pub fn t(lang: Lang, key: &str) -> &'static str {
    match lookup(key) {
        Some(en) => match lang {
            Lang::En => en,
            Lang::Ko => korean()
                .and_then(|k| k.ui.get(key))
                .map_or(en, String::as_str),
        },
        None => unknown_key(key),
    }
}

/// Where the page fetches the Korean texts (`texts/` is copied beside the page by Trunk).
pub const KOREAN_FILE: &str = "texts/ko.json";

/// The Korean texts: `ui` by the keys of the table below, `titles` by preset id
/// (`presets::title`). (The settings' help is its own file, in both languages:
/// `params::HELP_FILE`.)
#[derive(Debug, Default)]
pub struct Korean {
    pub ui: std::collections::BTreeMap<String, String>,
    pub titles: std::collections::BTreeMap<String, String>,
}

impl Korean {
    /// Reads [`KOREAN_FILE`]; an error names the file and the member.
    pub fn from_json(text: &str) -> Result<Korean, String> {
        let file = KOREAN_FILE;
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("{file}: not JSON: {e}"))?;
        let section = |name: &str| -> Result<std::collections::BTreeMap<String, String>, String> {
            let obj = v
                .get(name)
                .and_then(|s| s.as_object())
                .ok_or_else(|| format!("{file}: {name}: missing or not an object"))?;
            obj.iter()
                .map(|(k, text)| match text.as_str() {
                    Some(s) => Ok((k.clone(), s.to_string())),
                    None => Err(format!("{file}: {name}.{k}: not a string")),
                })
                .collect()
        };
        Ok(Korean {
            ui: section("ui")?,
            titles: section("titles")?,
        })
    }
}

static KOREAN: std::sync::OnceLock<Korean> = std::sync::OnceLock::new();

/// The Korean texts if this build has them: compiled in natively and in the wasm tests.
#[cfg(any(not(target_arch = "wasm32"), feature = "bundled-texts"))]
pub fn korean() -> Option<&'static Korean> {
    Some(KOREAN.get_or_init(|| {
        Korean::from_json(include_str!("../../../texts/ko.json"))
            .expect("texts/ko.json is valid (tests/i18n.rs)")
    }))
}

/// The Korean texts once the page has fetched them ([`load_korean`]).
#[cfg(all(target_arch = "wasm32", not(feature = "bundled-texts")))]
pub fn korean() -> Option<&'static Korean> {
    KOREAN.get()
}

/// Keeps the Korean texts the page fetched ([`KOREAN_FILE`]); a second call changes nothing.
pub fn load_korean(text: &str) -> Result<(), String> {
    let k = Korean::from_json(text)?;
    let _ = KOREAN.set(k);
    Ok(())
}

/// Whether Korean can be shown as Korean now (else it shows as English until the file arrives).
pub fn korean_loaded() -> bool {
    korean().is_some()
}

/// The Korean title of a preset (`presets::title`), once the texts are here.
pub fn korean_title(id: &str) -> Option<&'static str> {
    korean()?.titles.get(id).map(String::as_str)
}

/// Distinct unknown keys kept (each is a programming error; the cap bounds memory anyway).
const UNKNOWN_KEYS_MAX: usize = 256;

/// A `'static` copy of an unknown key: each distinct key is allocated once and kept, so a key
/// missing from the table costs one small allocation, not one per frame.
fn unknown_key(key: &str) -> &'static str {
    use std::cell::RefCell;
    use std::collections::BTreeSet;
    thread_local! {
        static UNKNOWN: RefCell<BTreeSet<&'static str>> = const { RefCell::new(BTreeSet::new()) };
    }
    UNKNOWN.with(|cell| {
        let mut set = cell.borrow_mut();
        if let Some(k) = set.get(key) {
            return *k;
        }
        if set.len() >= UNKNOWN_KEYS_MAX {
            return "?";
        }
        let k: &'static str = Box::leak(key.to_string().into_boxed_str());
        set.insert(k);
        k
    })
}

/// Whether `key` has a text.
pub fn has(key: &str) -> bool {
    lookup(key).is_some()
}

/// [`t`] with `{name}` placeholders replaced: `tf(Lang::En, "param.out_of_range",
/// &[("name", "VisibilityTimeout"), ("min", "0"), ("max", "43200")])`.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

texts! {
    "app.title" => "mqlab";
    "app.tagline" =>
        "Watch Amazon SQS, SNS and Kinesis at work: a simulation you can pause, steer, replay and share";

    "controls.api_log" => "API calls ↓";
    "controls.play" => "Play";
    "controls.pause" => "Pause";
    "controls.step" => "Step";
    "controls.restart" => "Restart";
    "controls.new_seed" => "New seed";
    "controls.speed" => "Speed";
    "controls.fast_forward" => "Fast-forward";
    "controls.seek" => "Timeline";
    "controls.language" => "Language";
    "controls.theme" => "Theme";
    "controls.share" => "Copy share link";
    "controls.export" => "Export JSON";
    "controls.import" => "Import JSON";
    "controls.compare" => "Compare side by side";
    "controls.compare_off" => "Back to one run";

    "theme.light" => "Light";
    "theme.dark" => "Dark";
    "theme.system" => "System";
    "lang.en" => "English";
    "lang.ko" => "한국어";

    "panel.presets" => "Presets";
    "presets.group.sqs" => "Amazon SQS";
    "presets.group.sns" => "Amazon SNS and S3 events";
    "presets.group.kinesis" => "Kinesis Data Streams";
    "panel.explanation" => "What to watch";
    "panel.key_controls" => "Try changing";
    "panel.parameters" => "Parameters";
    "panel.charts" => "Charts";
    "panel.inspector" => "Inspector";
    "panel.log" => "API calls";
    "panel.diagram" => "Diagram";

    "time.virtual" => "Virtual time";
    "time.seed" => "Seed";

    "queue.table" => "Queues (scrolls sideways when wider than its panel)";
    "queue.visible" => "Visible";
    "queue.in_flight" => "In flight";
    "queue.delayed" => "Delayed";
    "queue.sent" => "Sent";
    "queue.received" => "Received";
    "queue.deleted" => "Deleted";
    "queue.dlq" => "Moved to DLQ";
    "queue.empty_receives" => "Empty receives";
    "queue.duplicates" => "Duplicate deliveries";

    "cost.total" => "Cost so far";
    "cost.requests" => "Requests";
    "cost.note" =>
        "Every API call is a billed request, empty receives included (us-east-1 list price, no free tier)";

    "msg.state.delayed" => "Delayed (DelaySeconds)";
    "msg.state.visible" => "Visible: waiting to be received";
    "msg.state.in_flight" => "In flight: hidden by the visibility timeout";
    "msg.state.dlq" => "In the dead-letter queue";
    "msg.state.expired" => "Expired (retention period ended)";
    "msg.duplicate" => "Duplicate delivery";
    "msg.empty_receive" => "Empty receive";
    "msg.receive_count" => "Received {n} times";

    "group.locked" => "Group locked: one of its messages is in flight";

    "help.title" => "Help";
    "help.about" =>
        "mqlab simulates Amazon SQS, SNS and Kinesis in your browser: producers, queues, topics, streams and consumers run on a virtual clock you control. Nothing is sent to AWS; the rules it follows (limits, retries, prices) are AWS's.";
    "help.start_title" => "How to start";
    "help.start_preset" =>
        "Pick a preset from the presets list: each is one lesson, with a short text on what to watch and why.";
    "help.start_play" =>
        "Press play (or Space) and watch the messages move; make time run faster or slower with + and −.";
    "help.start_inspect" =>
        "Click a queue, topic, stream, message or record to inspect it: its attributes, its life so far, and charts of its metrics.";
    "help.start_change" =>
        "Change a setting in the parameters panel and see the run react; \"Copy share link\" makes a link to this very run.";
    "help.shortcuts" => "Keyboard shortcuts";
    "help.space" => "Space: play / pause";
    "help.step" => "→: step to the next event";
    "help.faster" => "+: faster";
    "help.slower" => "−: slower";
    "help.help" => "?: show or hide this help";
    "help.close" => "Close";

    "error.bad_link" => "This link could not be opened";
    "error.bad_file" => "This file could not be imported";
    "error.preset" => "This preset could not be loaded";
    "error.texts" => "A file of texts could not be loaded; the page goes on without it";
    "error.engine" => "The simulation refused this change";
    "error.keep_work" => "Your current work is kept.";
    "error.dismiss" => "Dismiss";
    "error.memory" => "The run was paused before it used up the page's memory";
    "error.memory_detail" =>
        "At {t} the run holds about {held} MB, over the {limit} MB it may use of the page's {budget} MB (the snapshots for seeking back hold {snapshots} MB more): {messages} messages waiting or in flight, {records} stream records kept. Free what it holds (PurgeQueue, a shorter retention period: MessageRetentionPeriod, RetentionPeriodHours) or slow its growth (a lower producer rate, more consumers), or seek back.";

    "share.copied" => "Link copied";
    "autosave.restored" => "Your last session was restored";

    "param.out_of_range" => "{name}: must be between {min} and {max}";
    "param.max_receive_count" => "maxReceiveCount";

    "consumer.title" => "Consumers";
    "consumer.count" => "Number of consumers";
    "consumer.wait_time" => "WaitTimeSeconds (0 = short polling)";
    "consumer.max_messages" => "MaxNumberOfMessages per receive";
    "consumer.processing_ms" => "Processing time (ms)";
    "consumer.failure_probability" => "Failure probability";
    "consumer.crash_probability" => "Crash probability";
    "consumer.heartbeat" => "Heartbeat: extend with ChangeMessageVisibility";
    "consumer.handles_poison" => "Handles poison messages (the bug is fixed)";
    "consumer.visibility_timeout" => "VisibilityTimeout per receive (empty = the queue's)";

    "producer.title" => "Producers";
    "producer.rate" => "Rate (messages per second)";
    "producer.batch_size" => "Batch size (SendMessageBatch)";
    "producer.burst" => "Burst: send many at once";
    "producer.groups" => "Message groups (MessageGroupId)";
    "producer.delay" => "Message timer (DelaySeconds per message)";

    "producer.body_bytes" => "Message size (bytes)";
    "producer.arrival" => "Arrivals";
    "producer.arrival.constant" => "constant (evenly spaced)";
    "producer.arrival.poisson" => "Poisson (random gaps)";
    "producer.start" => "Starts at (s)";
    "producer.stop" => "Stops at (s, empty = never)";
    "producer.poison_every" => "Poison pill every Nth message (0 = none)";
    "producer.burst_count" => "Messages in a burst";
    "producer.topic.rate" => "Rate (messages published per second)";
    "producer.topic.batch_size" => "Batch size (PublishBatch)";
    "producer.topic.groups" => "Message groups (MessageGroupId, FIFO topics)";
    "producer.topic.body_bytes" => "Message size (bytes)";
    "producer.topic.poison_every" => "Poison pill every Nth message (0 = none)";
    "producer.topic.burst" => "Burst: publish many at once";
    "producer.stream.rate" => "Rate (records per second)";
    "producer.stream.batch_size" => "Records per call (PutRecords)";
    "producer.stream.body_bytes" => "Record size (bytes)";
    "producer.stream.burst" => "Burst: write many records at once";
    "producer.stream.burst_count" => "Records in a burst";
    "producer.bucket.rate" => "Uploads per second (PutObject)";
    "producer.bucket.body_bytes" => "Object size (bytes)";
    "producer.bucket.burst" => "Burst: upload many at once";
    "producer.bucket.burst_count" => "Objects in a burst";
    "producer.burst_now" => "Send a burst now";

    "consumer.processing_dist" => "Processing time distribution";
    "consumer.processing_dist.fixed" => "fixed";
    "consumer.processing_dist.uniform" => "uniform (mean ± spread)";
    "consumer.processing_dist.exponential" => "exponential";
    "consumer.processing_dist.normal" => "normal (spread = σ)";
    "consumer.processing_spread" => "Processing time spread (ms)";
    "consumer.restart_after" => "Restarts after a crash (s)";
    "consumer.empty_poll_pause" => "Pause after an empty receive (ms)";
    "consumer.start" => "Starts at (s)";

    "queue.add_dlq" => "Add a dead-letter queue";
    "queue.remove_dlq" => "Remove the redrive policy";
    "params.run" => "Edit run";

    "stats.events" => "events";
    "stats.run_hash" => "run hash";
    "log.you" => "you";

    "compare.left" => "Left";
    "compare.right" => "Right";
    "compare.same_clock" => "Both runs share one clock";

    "inspector.queue_attributes" => "Queue attributes (GetQueueAttributes)";
    "inspector.message_life" => "Life of this message";
    "inspector.none" => "Click a queue or a message to see its details";
    "inspector.receipt_handle" => "Receipt handle";
    "inspector.visible_at" => "Visibility deadline";

    "action.redrive" => "Redrive the DLQ (StartMessageMoveTask)";

    "log.cli" => "AWS CLI equivalent";
    "log.empty" => "No API calls yet";

    "sns.published" => "published";
    "sns.filtered_out_n" => "{n} filtered out";
    "sns.travelling" => "On its way to the subscriber";
    "sns.filtered" => "Stopped by the subscription's filter policy: {reason}";
    "sns.retrying" => "Delivery attempt {n} failed ({reason}); next attempt at {at}";
    "sns.delivered" => "Delivered (attempts: {n})";
    "sns.failed" => "Given up and discarded: {reason}";
    "sns.dead_lettered" => "Given up and moved to the subscription's dead-letter queue {queue}";
    "inspector.topic" => "Topic attributes (GetTopicAttributes)";
    "inspector.subscription" => "Subscription attributes (GetSubscriptionAttributes)";
    "inspector.copy" => "This copy of the message";
    "inspector.retry_timeline" => "Delivery attempts";
    "inspector.no_attempts" => "No delivery attempts yet";
    "inspector.received" => "What the subscriber received";
    "inspector.envelope" => "SNS JSON envelope (RawMessageDelivery = false)";
    "inspector.raw" => "Raw message (RawMessageDelivery = true)";
    "inspector.body" => "Message body";
    "filter.title" => "Filter policy";
    "filter.none" => "(none: every message is delivered)";
    "filter.valid" => "Valid filter policy";
    "filter.apply" => "Apply (SetSubscriptionAttributes)";
    "filter.test" => "Would this message match?";
    "filter.test_attributes" =>
        "Message attributes as JSON, e.g. {\"event\": \"order_placed\", \"price\": 120}";
    "filter.test_body" => "Message body (JSON)";
    "filter.matches" => "Matches: delivered to this subscription";
    "filter.no_match" => "Filtered out: {reason}";
    "legend.copy" => "SNS copy on its way to a subscriber";
    "legend.filtered" => "Stopped by a filter policy (hover for why)";
    "legend.retrying" => "Waiting for a delivery retry";
    "endpoint.behaviour" =>
        "How the simulated endpoint answers (change it to take it down or slow it)";
    "kinesis.open_shards" => "open shards";
    "kinesis.retention" => "retention";
    "kinesis.closed" => "closed";
    "action.reshard_two" => "UpdateShardCount → 2";
    "action.split_shard" => "SplitShard: split the shard in two";
    "kinesis.shards" => "shards";
    "action.reshard_one" => "UpdateShardCount → 1 (merge back)";
    "legend.record" => "A record on its shard's lane; the colour is its partition key";
    "legend.closed_record" => "A record of a closed shard (kept until retention)";
    "legend.throttled" => "Throttled: ProvisionedThroughputExceededException";
    "legend.cursor" => "A reader's position, with MillisBehindLatest";
    "legend.checkpoint" => "A KCL checkpoint in the lease table";
    "inspector.shards" => "Shards (ListShards)";
    "inspector.readers" => "Readers";
    "kinesis.stored" => "stored";
    "kinesis.cursor" => "{worker} {s} s behind, {n} unread";
    "kinesis.readers_n" => "{n} readers (hover for each)";
    "kinesis.cursor_level" => "{worker} up to date";
    "kinesis.cursor_dead" => "{worker} down: stopped here";
    "kinesis.expired" => "expired (retention)";

    "sns.phase.immediate" => "immediate";
    "sns.phase.pre_backoff" => "pre-backoff";
    "sns.phase.backoff" => "backoff";
    "sns.phase.post_backoff" => "post-backoff";
    "chart.visible" => "Visible";
    "chart.not_visible" => "In flight";
    "chart.delayed" => "Delayed";
    "chart.age" => "Age of oldest (s)";
    "chart.sent" => "Sent";
    "chart.received" => "Received";
    "chart.deleted" => "Deleted";
    "chart.empty_receives" => "Empty receives";
    "chart.published" => "Published";
    "chart.delivered" => "Delivered";
    "chart.filtered_out" => "Filtered out";
    "chart.failed" => "Given up";
    "chart.incoming_records" => "Records in";
    "chart.write_throttled" => "Writes throttled";
    "chart.read_throttled" => "Reads throttled";
    "chart.behind_ms" => "Behind the newest (ms)";
    "summary.sqs" => "SQS queues";
    "summary.sns" => "SNS topics";
    "summary.kinesis" => "Kinesis streams";
    "summary.total" => "Every service";
    "summary.sns.published" => "Published";
    "summary.sns.delivered" => "Delivered";
    "summary.sns.filtered_out" => "Filtered out";
    "summary.sns.retried" => "Delivery retries";
    "summary.sns.failed" => "Given up";
    "summary.sns.to_dlq" => "Sent to a DLQ";
    "summary.sns.lost" => "Lost (no DLQ)";
    "summary.kinesis.records_in" => "Records in";
    "summary.kinesis.throttled" => "Writes throttled";
    "summary.kinesis.read_throttled" => "Reads throttled";
    "summary.kinesis.resent" => "Records resent";
    "summary.kinesis.read_by" => "Read by {name}";
    "summary.kinesis.processed_twice" => "Processed twice";
    "summary.kinesis.behind" => "Behind the newest record (now)";
    "summary.requests.sqs" => "SQS requests";
    "summary.requests.sns" => "SNS publishes";
    "summary.requests.kinesis" => "Kinesis calls";
    "summary.requests_note" =>
        "SQS: billed requests; SNS: Publish and PublishBatch; Kinesis: PutRecord, PutRecords and GetRecords calls";

    // The course: checkpoints in words ({what} is the lesson's label or the event's name).
    "check.part" => "{what}: {n} {scope} (goal {op} {goal})";
    "check.in_last" => "in the last {window}";
    "check.now" => "now";
    "check.window_min" => "{n} min";
    "check.window_s" => "{n} s";
    "check.receive_count" => "received {n}+ times";
    "check.watching" => ", watched {s} of {window} s so far";

    // The course on the page.
    "learn.open" => "Learn";
    "learn.modes" => "Learn or free lab";
    "learn.back_to_lab" => "Free lab";
    "learn.map" => "Course";
    "learn.loading" => "Loading…";
    "learn.coming" => "coming";
    "learn.done" => "done";
    "learn.look_at" => "Look at {name}";
    "learn.step_of" => "Step {n} of {total}";
    "learn.keys" => "← / → keys move between steps";
    "learn.back" => "Back";
    "learn.next" => "Next";
    "learn.task" => "Your task";
    "learn.passed" => "Checkpoint passed";
    "learn.not_yet" => "Not yet — press Play and watch";
    "learn.hint" => "Hint";
    "learn.show_me" => "Show me";
    "learn.questions" => "Questions";
    "learn.right" => "Right.";
    "learn.wrong" => "Not quite.";
    "learn.see_lesson" => "See the lesson";
}
