//! What the parameter panel shows: the queue attributes a user can change, with AWS's names,
//! ranges and defaults (the engine's own constants, so the panel and the simulation cannot
//! disagree), the actor settings with theirs, and a one-sentence help for each in EN and KO.

use crate::i18n::{t, tf, Lang};
use mqlab_engine::actors::{
    ConsumerSpec, Processing, ProducerSpec, CONSUMER_INSTANCES_MAX, PRODUCER_RATE_MAX,
};
use mqlab_engine::core::float::parse_f64;
use mqlab_engine::sqs::attributes::{
    QueueAttributes, DELAY_SECONDS_MAX, MAXIMUM_MESSAGE_SIZE_MAX, MAXIMUM_MESSAGE_SIZE_MIN,
    MAX_RECEIVE_COUNT_MAX, RETENTION_DEFAULT_S, RETENTION_MAX_S, RETENTION_MIN_S,
    VISIBILITY_TIMEOUT_DEFAULT_S, VISIBILITY_TIMEOUT_MAX_S, WAIT_TIME_MAX_S,
};
use mqlab_engine::sqs::queue_arn;
use mqlab_engine::sqs::validate::BATCH_ENTRIES_MAX;
use mqlab_engine::AwsError;

/// A numeric queue attribute (SetQueueAttributes takes it as a decimal string).
pub struct QueueParam {
    /// The AWS attribute name.
    pub attribute: &'static str,
    pub min: u64,
    pub max: u64,
    pub default: u64,
    /// "s" | "bytes" | ""
    pub unit: &'static str,
    pub fifo_only: bool,
}

static QUEUE_PARAMS: [QueueParam; 5] = [
    QueueParam {
        attribute: "DelaySeconds",
        min: 0,
        max: DELAY_SECONDS_MAX as u64,
        default: 0,
        unit: "s",
        fifo_only: false,
    },
    QueueParam {
        attribute: "MaximumMessageSize",
        min: MAXIMUM_MESSAGE_SIZE_MIN as u64,
        max: MAXIMUM_MESSAGE_SIZE_MAX as u64,
        // The default is now the maximum, 1 MiB (aws-rules §0.1).
        default: MAXIMUM_MESSAGE_SIZE_MAX as u64,
        unit: "bytes",
        fifo_only: false,
    },
    QueueParam {
        attribute: "MessageRetentionPeriod",
        min: RETENTION_MIN_S as u64,
        max: RETENTION_MAX_S as u64,
        default: RETENTION_DEFAULT_S as u64,
        unit: "s",
        fifo_only: false,
    },
    QueueParam {
        attribute: "ReceiveMessageWaitTimeSeconds",
        min: 0,
        max: WAIT_TIME_MAX_S as u64,
        default: 0,
        unit: "s",
        fifo_only: false,
    },
    QueueParam {
        attribute: "VisibilityTimeout",
        min: 0,
        max: VISIBILITY_TIMEOUT_MAX_S as u64,
        default: VISIBILITY_TIMEOUT_DEFAULT_S as u64,
        unit: "s",
        fifo_only: false,
    },
];

/// The numeric queue attributes, in the alphabetical order GetQueueAttributes lists them.
pub fn queue_params() -> &'static [QueueParam] {
    &QUEUE_PARAMS
}

pub fn queue_param(attribute: &str) -> Option<&'static QueueParam> {
    QUEUE_PARAMS.iter().find(|p| p.attribute == attribute)
}

/// A queue attribute with a fixed set of values.
pub struct QueueChoice {
    pub attribute: &'static str,
    pub options: &'static [&'static str],
    pub default: &'static str,
    pub fifo_only: bool,
}

static QUEUE_CHOICES: [QueueChoice; 3] = [
    QueueChoice {
        attribute: "ContentBasedDeduplication",
        options: &["false", "true"],
        default: "false",
        fifo_only: true,
    },
    QueueChoice {
        attribute: "DeduplicationScope",
        options: &["queue", "messageGroup"],
        default: "queue",
        fifo_only: true,
    },
    QueueChoice {
        attribute: "FifoThroughputLimit",
        options: &["perQueue", "perMessageGroupId"],
        default: "perQueue",
        fifo_only: true,
    },
];

/// The FIFO settings, each a choice among AWS's values.
pub fn queue_choices() -> &'static [QueueChoice] {
    &QUEUE_CHOICES
}

/// RedrivePolicy's maxReceiveCount: 1 up to the engine's cap (aws-rules §1.2: 1–1,000 is the most
/// plausible range; the console suggests 10).
pub const MAX_RECEIVE_COUNT_RANGE: (u64, u64) = (1, MAX_RECEIVE_COUNT_MAX as u64);
pub const MAX_RECEIVE_COUNT_SUGGESTED: u64 = 10;

/// Checks one attribute value as SetQueueAttributes would, with AWS's own error (e.g.
/// `InvalidAttributeValue: Invalid value for the parameter VisibilityTimeout.`), so the panel
/// can refuse a value next to its field before sending it.
pub fn check_queue_attribute(attribute: &str, value: &str, fifo: bool) -> Result<(), AwsError> {
    let mut attrs = QueueAttributes::defaults(fifo);
    attrs.apply(attribute, value, false)?;
    attrs.check_combination()
}

/// A setting of a simulated producer or consumer (a field of the engine's `ProducerSpec` or
/// `ConsumerSpec`).
pub struct ActorParam {
    /// The i18n key of its label (also accepted by [`help`]).
    pub key: &'static str,
    /// The spec field it edits.
    pub field: &'static str,
    pub min: f64,
    pub max: f64,
    /// Slider step.
    pub step: f64,
    /// "s" | "ms" | "/s" | ""
    pub unit: &'static str,
}

/// The longest processing time the panel offers. The engine has no cap; an hour is longer than
/// any lesson needs and keeps the slider usable.
pub const PROCESSING_MS_MAX: f64 = 3_600_000.0;

/// The latest start time the panel offers, s: a day into the run.
pub const START_S_MAX: f64 = 86_400.0;
/// The longest restart delay the panel offers, s.
pub const RESTART_S_MAX: f64 = 3_600.0;
/// The longest pause after an empty receive the panel offers, ms.
pub const EMPTY_POLL_PAUSE_MS_MAX: f64 = 60_000.0;
/// The largest body a producer sends: SQS's maximum message size (aws-rules §1.6).
pub const BODY_BYTES_MAX: f64 = MAXIMUM_MESSAGE_SIZE_MAX as f64;
/// The sparsest poison pill the panel offers: one in this many messages.
pub const POISON_EVERY_MAX: f64 = 10_000.0;

static CONSUMER_PARAMS: [ActorParam; 10] = [
    ActorParam {
        key: "consumer.count",
        field: "count",
        min: 0.0,
        max: CONSUMER_INSTANCES_MAX as f64,
        step: 1.0,
        unit: "",
    },
    ActorParam {
        key: "consumer.wait_time",
        field: "wait_time_s",
        min: 0.0,
        max: WAIT_TIME_MAX_S as f64,
        step: 1.0,
        unit: "s",
    },
    ActorParam {
        key: "consumer.max_messages",
        field: "max_messages",
        min: 1.0,
        // MaxNumberOfMessages is 1–10, the batch limit (aws-rules §1.4).
        max: BATCH_ENTRIES_MAX as f64,
        step: 1.0,
        unit: "",
    },
    ActorParam {
        key: "consumer.processing_ms",
        field: "processing",
        min: 0.0,
        max: PROCESSING_MS_MAX,
        step: 10.0,
        unit: "ms",
    },
    ActorParam {
        key: "consumer.failure_probability",
        field: "failure_probability",
        min: 0.0,
        max: 1.0,
        step: 0.01,
        unit: "",
    },
    ActorParam {
        key: "consumer.crash_probability",
        field: "crash_probability",
        min: 0.0,
        max: 1.0,
        step: 0.01,
        unit: "",
    },
    ActorParam {
        key: "consumer.processing_spread",
        field: "processing_spread",
        min: 0.0,
        max: PROCESSING_MS_MAX,
        step: 10.0,
        unit: "ms",
    },
    ActorParam {
        key: "consumer.restart_after",
        field: "restart_after_s",
        min: 0.0,
        max: RESTART_S_MAX,
        step: 1.0,
        unit: "s",
    },
    ActorParam {
        key: "consumer.empty_poll_pause",
        field: "empty_poll_pause_ms",
        min: 0.0,
        max: EMPTY_POLL_PAUSE_MS_MAX,
        step: 100.0,
        unit: "ms",
    },
    ActorParam {
        key: "consumer.start",
        field: "start_s",
        min: 0.0,
        max: START_S_MAX,
        step: 1.0,
        unit: "s",
    },
];

/// Most message groups the panel offers. AWS has no limit on groups (aws-rules §1.9); past a
/// hundred the diagram's group colours stop telling groups apart.
pub const MESSAGE_GROUPS_MAX: f64 = 100.0;

static PRODUCER_PARAMS: [ActorParam; 7] = [
    ActorParam {
        key: "producer.rate",
        field: "rate_per_s",
        min: 0.0,
        max: PRODUCER_RATE_MAX,
        step: 0.1,
        unit: "/s",
    },
    ActorParam {
        key: "producer.batch_size",
        field: "batch_size",
        min: 1.0,
        max: BATCH_ENTRIES_MAX as f64,
        step: 1.0,
        unit: "",
    },
    ActorParam {
        key: "producer.groups",
        field: "message_groups",
        min: 0.0,
        max: MESSAGE_GROUPS_MAX,
        step: 1.0,
        unit: "",
    },
    ActorParam {
        key: "producer.body_bytes",
        field: "body_bytes",
        min: 1.0,
        max: BODY_BYTES_MAX,
        step: 1.0,
        unit: "bytes",
    },
    ActorParam {
        key: "producer.start",
        field: "start_s",
        min: 0.0,
        max: START_S_MAX,
        step: 1.0,
        unit: "s",
    },
    ActorParam {
        key: "producer.poison_every",
        field: "poison_every",
        min: 0.0,
        max: POISON_EVERY_MAX,
        step: 1.0,
        unit: "",
    },
    ActorParam {
        key: "producer.resend_every",
        field: "resend_every",
        min: 0.0,
        max: POISON_EVERY_MAX,
        step: 1.0,
        unit: "",
    },
];

/// A burst sent with "Send a burst now": at most this many messages (the engine allows
/// more in a scenario; past this the page spends seconds animating one instant).
pub const BURST_NOW_MAX: f64 = 100_000.0;
/// The burst size the panel suggests.
pub const BURST_NOW_DEFAULT: u32 = 100;

/// Numeric consumer settings (the heartbeat is a checkbox: `consumer.heartbeat`).
pub fn consumer_params() -> &'static [ActorParam] {
    &CONSUMER_PARAMS
}

pub fn producer_params() -> &'static [ActorParam] {
    &PRODUCER_PARAMS
}

/// What a producer sends to. Each target has its own calls and its own behaviour under load
/// (a queue takes everything, a topic pushes on at once, a stream refuses writes over a
/// shard's limit), so each names its settings in its own words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerTarget {
    /// SendMessage / SendMessageBatch.
    Queue,
    /// Publish / PublishBatch.
    Topic,
    /// PutRecord / PutRecords.
    Stream,
    /// PutObject.
    Bucket,
}

impl ProducerTarget {
    pub const ALL: [ProducerTarget; 4] = [
        ProducerTarget::Queue,
        ProducerTarget::Topic,
        ProducerTarget::Stream,
        ProducerTarget::Bucket,
    ];

    pub fn of(spec: &mqlab_engine::actors::ProducerSpec) -> ProducerTarget {
        if spec.stream.is_some() {
            return ProducerTarget::Stream;
        }
        if spec.bucket.is_some() {
            return ProducerTarget::Bucket;
        }
        if spec.topic.is_some() {
            ProducerTarget::Topic
        } else {
            ProducerTarget::Queue
        }
    }

    /// Whether the producer setting `field` (an [`ActorParam::field`], or "delay_seconds",
    /// "stop_s", "arrival", "burst") means anything for this target: a stream has no message
    /// groups, DelaySeconds or poison pills; a bucket takes one object per PutObject.
    pub fn has(self, field: &str) -> bool {
        match self {
            // Only records have partition keys.
            _ if field == "partition_keys" => self == ProducerTarget::Stream,
            ProducerTarget::Queue => true,
            // Only a producer sending to a queue resends (the engine refuses it elsewhere).
            _ if field == "resend_every" => false,
            ProducerTarget::Topic => field != "delay_seconds",
            ProducerTarget::Stream => {
                !matches!(field, "message_groups" | "delay_seconds" | "poison_every")
            }
            ProducerTarget::Bucket => !matches!(
                field,
                "message_groups" | "delay_seconds" | "poison_every" | "batch_size"
            ),
        }
    }

    /// The i18n key of a producer setting for this target (its label; [`help`] takes it
    /// too): the target's own words where they differ from a queue's.
    pub fn key(self, key: &'static str) -> &'static str {
        use ProducerTarget::*;
        match (self, key) {
            (Topic, "producer.rate") => "producer.topic.rate",
            (Topic, "producer.batch_size") => "producer.topic.batch_size",
            (Topic, "producer.groups") => "producer.topic.groups",
            (Topic, "producer.body_bytes") => "producer.topic.body_bytes",
            (Topic, "producer.poison_every") => "producer.topic.poison_every",
            (Topic, "producer.burst") => "producer.topic.burst",
            (Stream, "producer.rate") => "producer.stream.rate",
            (Stream, "producer.batch_size") => "producer.stream.batch_size",
            (Stream, "producer.body_bytes") => "producer.stream.body_bytes",
            (Stream, "producer.burst") => "producer.stream.burst",
            (Stream, "producer.burst_count") => "producer.stream.burst_count",
            (Bucket, "producer.rate") => "producer.bucket.rate",
            (Bucket, "producer.body_bytes") => "producer.bucket.body_bytes",
            (Bucket, "producer.burst") => "producer.bucket.burst",
            (Bucket, "producer.burst_count") => "producer.bucket.burst_count",
            _ => key,
        }
    }
}

/// Where the page fetches the settings' help (`texts/` is copied beside the page): each
/// setting's sentence in English and Korean, `{"<attribute or key>": {"en": …, "ko": …}}`.
/// A field shows its help once the file has arrived (a moment after the page opens), so the
/// sentences do not weigh on the first download.
pub const HELP_FILE: &str = "texts/help.json";

static HELP: std::sync::OnceLock<crate::presets::Explanations> = std::sync::OnceLock::new();

/// The help: compiled in natively and in the wasm tests (feature `bundled-texts`); in the
/// page once fetched ([`load_help`]).
fn help_texts() -> Option<&'static crate::presets::Explanations> {
    let text = crate::i18n::bundled_text!("../../../texts/help.json");
    crate::i18n::bundled_or_fetched(&HELP, HELP_FILE, text, crate::presets::Explanations::parse)
}

/// Keeps the help the page fetched ([`HELP_FILE`]); a second call changes nothing.
pub fn load_help(text: &str) -> Result<(), String> {
    crate::i18n::keep_fetched(&HELP, HELP_FILE, text, crate::presets::Explanations::parse)
}

/// Whether [`help`] has its texts (always natively; in the page once [`HELP_FILE`] arrived).
pub fn help_loaded() -> bool {
    help_texts().is_some()
}

/// One sentence on what the setting does; `attribute` is an AWS attribute name or an actor
/// setting's i18n key. Unknown names, and every name before the help file arrived, give "".
pub fn help(attribute: &str, lang: Lang) -> &'static str {
    help_texts().map_or("", |h| h.get(attribute, lang))
}

// ---- actor settings as the parameter panel reads and writes them ---------------------------

/// The number a processing-time field shows: the distribution's mean.
pub fn processing_mean_ms(p: &Processing) -> u64 {
    match *p {
        Processing::Fixed { ms } => ms,
        Processing::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2,
        Processing::Exponential { mean_ms } => mean_ms,
        Processing::Normal { mean_ms, .. } => mean_ms,
    }
}

/// The spread a processing-time field shows: half the uniform range, or the normal's σ.
pub fn processing_spread_ms(p: &Processing) -> u64 {
    match *p {
        Processing::Uniform { min_ms, max_ms } => (max_ms - min_ms) / 2,
        Processing::Normal { stddev_ms, .. } => stddev_ms,
        Processing::Fixed { .. } | Processing::Exponential { .. } => 0,
    }
}

/// The distribution named `dist` ("fixed", "uniform", "exponential", "normal") with the
/// mean and spread of `p`.
pub fn with_dist(p: &Processing, dist: &str) -> Option<Processing> {
    let (mean, spread) = (processing_mean_ms(p), processing_spread_ms(p));
    Some(match dist {
        "fixed" => Processing::Fixed { ms: mean },
        "uniform" => Processing::Uniform {
            min_ms: mean.saturating_sub(spread),
            max_ms: mean + spread,
        },
        "exponential" => Processing::Exponential { mean_ms: mean },
        "normal" => Processing::Normal {
            mean_ms: mean,
            stddev_ms: spread,
        },
        _ => return None,
    })
}

pub fn dist_name(p: &Processing) -> &'static str {
    match p {
        Processing::Fixed { .. } => "fixed",
        Processing::Uniform { .. } => "uniform",
        Processing::Exponential { .. } => "exponential",
        Processing::Normal { .. } => "normal",
    }
}

/// The same distribution with a new spread (fixed and exponential have none to set).
pub fn with_spread(p: &Processing, spread: u64) -> Processing {
    let mean = processing_mean_ms(p);
    match *p {
        Processing::Uniform { .. } => Processing::Uniform {
            min_ms: mean.saturating_sub(spread),
            max_ms: mean + spread,
        },
        Processing::Normal { mean_ms, .. } => Processing::Normal {
            mean_ms,
            stddev_ms: spread,
        },
        ref other => other.clone(),
    }
}

/// The same distribution moved to a new mean (a uniform range keeps its width).
pub fn with_mean(p: &Processing, mean: u64) -> Processing {
    match *p {
        Processing::Fixed { .. } => Processing::Fixed { ms: mean },
        Processing::Uniform { min_ms, max_ms } => {
            let half = (max_ms - min_ms) / 2;
            Processing::Uniform {
                min_ms: mean.saturating_sub(half),
                max_ms: mean + half,
            }
        }
        Processing::Exponential { .. } => Processing::Exponential { mean_ms: mean },
        Processing::Normal { stddev_ms, .. } => Processing::Normal {
            mean_ms: mean,
            stddev_ms,
        },
    }
}

pub fn consumer_value(c: &ConsumerSpec, field: &str) -> String {
    match field {
        "count" => c.count.to_string(),
        "wait_time_s" => c.wait_time_s.map(|w| w.to_string()).unwrap_or_default(),
        "max_messages" => c.max_messages.to_string(),
        "processing" => processing_mean_ms(&c.processing).to_string(),
        "processing_spread" => processing_spread_ms(&c.processing).to_string(),
        "failure_probability" => c.failure_probability.to_string(),
        "crash_probability" => c.crash_probability.to_string(),
        "restart_after_s" => c.restart_after_s.to_string(),
        "empty_poll_pause_ms" => c.empty_poll_pause_ms.to_string(),
        "start_s" => c.start_s.to_string(),
        "visibility_timeout_s" => c
            .visibility_timeout_s
            .map(|v| v.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Sets one consumer setting; `None` clears an optional one. False if nothing could be set.
pub fn set_consumer(c: &mut ConsumerSpec, field: &str, v: Option<f64>) -> bool {
    match (field, v) {
        ("visibility_timeout_s", v) => c.visibility_timeout_s = v.map(|v| v as u32),
        (_, None) => return false,
        ("count", Some(v)) => c.count = v as u32,
        ("wait_time_s", Some(v)) => c.wait_time_s = Some(v as u32),
        ("max_messages", Some(v)) => c.max_messages = v as u32,
        ("processing", Some(v)) => c.processing = with_mean(&c.processing, v as u64),
        ("processing_spread", Some(v)) => c.processing = with_spread(&c.processing, v as u64),
        ("failure_probability", Some(v)) => c.failure_probability = v,
        ("crash_probability", Some(v)) => c.crash_probability = v,
        ("restart_after_s", Some(v)) => c.restart_after_s = v,
        ("empty_poll_pause_ms", Some(v)) => c.empty_poll_pause_ms = v as u64,
        ("start_s", Some(v)) => c.start_s = v,
        _ => return false,
    }
    true
}

/// Settings that may be left empty (then the queue's own value applies, or never).
pub static PRODUCER_OPTIONAL: [ActorParam; 2] = [
    ActorParam {
        key: "producer.delay",
        field: "delay_seconds",
        min: 0.0,
        max: 900.0,
        step: 1.0,
        unit: "s",
    },
    ActorParam {
        key: "producer.stop",
        field: "stop_s",
        min: 0.0,
        max: START_S_MAX,
        step: 1.0,
        unit: "s",
    },
];
pub static CONSUMER_OPTIONAL: [ActorParam; 1] = [ActorParam {
    key: "consumer.visibility_timeout",
    field: "visibility_timeout_s",
    min: 0.0,
    max: 43_200.0,
    step: 1.0,
    unit: "s",
}];

pub fn producer_value(p: &ProducerSpec, field: &str) -> String {
    match field {
        "delay_seconds" => p.delay_seconds.map(|d| d.to_string()).unwrap_or_default(),
        "stop_s" => p.stop_s.map(|d| d.to_string()).unwrap_or_default(),
        "rate_per_s" => p.rate_per_s.to_string(),
        "batch_size" => p.batch_size.to_string(),
        "message_groups" => p.message_groups.to_string(),
        "body_bytes" => p.body_bytes.to_string(),
        "start_s" => p.start_s.to_string(),
        "poison_every" => p.poison_every.to_string(),
        "resend_every" => p.resend_every.to_string(),
        // No keys: the producer's name is its one key.
        "partition_keys" if p.partition_keys.is_empty() => p.name.clone(),
        "partition_keys" => p.partition_keys.join(", "),
        _ => String::new(),
    }
}

/// Sets one producer setting; `None` clears an optional one. False if nothing could be set.
pub fn set_producer(p: &mut ProducerSpec, field: &str, v: Option<f64>) -> bool {
    match (field, v) {
        ("delay_seconds", v) => p.delay_seconds = v.map(|v| v as u32),
        ("stop_s", v) => p.stop_s = v,
        (_, None) => return false,
        ("rate_per_s", Some(v)) => p.rate_per_s = v,
        ("batch_size", Some(v)) => p.batch_size = v as u32,
        ("message_groups", Some(v)) => p.message_groups = v as u32,
        ("body_bytes", Some(v)) => p.body_bytes = v as usize,
        ("start_s", Some(v)) => p.start_s = v,
        ("poison_every", Some(v)) => p.poison_every = v as u32,
        ("resend_every", Some(v)) => p.resend_every = v as u32,
        _ => return false,
    }
    true
}

/// Checks an actor setting against the panel's range; the refusal names the field.
pub fn parse_in_range(
    text: &str,
    param: &ActorParam,
    key: &str,
    lang: Lang,
) -> Result<f64, String> {
    let name = t(lang, key);
    let out = || {
        tf(
            lang,
            "param.out_of_range",
            &[
                ("name", name),
                ("min", &param.min.to_string()),
                ("max", &param.max.to_string()),
            ],
        )
    };
    let v: f64 = parse_f64(text.trim()).map_err(|_| out())?;
    if !v.is_finite() || v < param.min || v > param.max {
        return Err(out());
    }
    Ok(v)
}

/// Most partition keys a simulated producer rotates through (the engine's limit, not AWS's).
pub use mqlab_engine::actors::PARTITION_KEYS_MAX;
/// A partition key has 1–256 characters (aws-rules §4.1).
pub const PARTITION_KEY_CHARS_MAX: usize = 256;

/// The partition keys a stream producer's records rotate through, as typed: separated by
/// commas, each trimmed. Refused, naming the field: none, an empty one, one over 256
/// characters, more than [`PARTITION_KEYS_MAX`] (1,000: the capacity lesson spreads 200).
pub fn parse_partition_keys(text: &str, lang: Lang) -> Result<Vec<String>, String> {
    let keys: Vec<String> = text.split(',').map(|k| k.trim().to_string()).collect();
    let ok = keys.len() <= PARTITION_KEYS_MAX
        && keys
            .iter()
            .all(|k| !k.is_empty() && k.chars().count() <= PARTITION_KEY_CHARS_MAX);
    if ok {
        Ok(keys)
    } else {
        Err(tf(
            lang,
            "producer.partition_keys.invalid",
            &[
                ("name", t(lang, "producer.partition_keys")),
                ("max", &PARTITION_KEYS_MAX.to_string()),
            ],
        ))
    }
}

/// Where a producer sends: its queue, topic (Publish), bucket (PutObject) or stream
/// (PutRecord).
pub fn producer_target(spec: &ProducerSpec) -> String {
    match (&spec.topic, &spec.bucket, &spec.stream) {
        (Some(topic), _, _) => format!("SNS {topic}"),
        (None, Some(bucket), _) => format!("S3 {bucket}"),
        (None, None, Some(stream)) => format!("Kinesis {stream}"),
        _ => spec.queue.clone(),
    }
}

/// A name for `queue`'s new dead-letter queue that no queue has yet, and its ARN.
pub fn dlq_for(queue: &str, taken: &[String]) -> (String, String) {
    let (stem, suffix) = match queue.strip_suffix(".fifo") {
        Some(stem) => (stem, ".fifo"),
        None => (queue, ""),
    };
    let mut name = format!("{stem}-dlq{suffix}");
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{stem}-dlq{n}{suffix}");
        n += 1;
    }
    let arn = queue_arn(&name);
    (name, arn)
}

// ---- a group's and a mapping's settings (the full page) ----------------------------------

/// A number the full page's panel edits on an Auto Scaling group (UpdateAutoScalingGroup)
/// or a Lambda event source mapping (UpdateEventSourceMapping): its AWS member and the range
/// the field offers (the service checks the value itself, with AWS's error).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScalingParam {
    pub member: &'static str,
    pub min: u64,
    pub max: u64,
}

/// UpdateAutoScalingGroup's sizes.
pub const GROUP_PARAMS: [ScalingParam; 3] = [
    ScalingParam {
        member: "MinSize",
        min: 0,
        max: 1_000,
    },
    ScalingParam {
        member: "MaxSize",
        min: 0,
        max: 1_000,
    },
    ScalingParam {
        member: "DesiredCapacity",
        min: 0,
        max: 1_000,
    },
];

/// UpdateEventSourceMapping's batch and concurrency (aws-rules §2.1: BatchSize 1–10,000,
/// 1–10 for FIFO; window 0–300 s; MaximumConcurrency 2–1,000).
pub const MAPPING_PARAMS: [ScalingParam; 3] = [
    ScalingParam {
        member: "BatchSize",
        min: 1,
        max: 10_000,
    },
    ScalingParam {
        member: "MaximumBatchingWindowInSeconds",
        min: 0,
        max: 300,
    },
    ScalingParam {
        member: "MaximumConcurrency",
        min: 2,
        max: 1_000,
    },
];

/// UpdateDestination's S3 buffering hints (aws-rules §5.1: SizeInMBs 1–128, IntervalInSeconds
/// 0–900; 0 is zero buffering).
pub const FIREHOSE_PARAMS: [ScalingParam; 2] = [
    ScalingParam {
        member: "SizeInMBs",
        min: 1,
        max: 128,
    },
    ScalingParam {
        member: "IntervalInSeconds",
        min: 0,
        max: 900,
    },
];

/// The edit a delivery stream's buffering field makes: UpdateDestination of its S3
/// destination at its current version, with that one hint (Firehose merges it with the
/// other).
pub fn firehose_edit(
    (stream, version, destination_id): (&str, u64, &str),
    member: &str,
    value: &str,
) -> Result<crate::edits::Edit, String> {
    let n = whole(member, value)?;
    Ok(crate::edits::Edit::Call {
        op: "UpdateDestination".into(),
        params: serde_json::json!({
            "DeliveryStreamName": stream,
            "CurrentDeliveryStreamVersionId": version.to_string(),
            "DestinationId": destination_id,
            "ExtendedS3DestinationUpdate": {"BufferingHints": {member: n}},
        }),
    })
}

/// The value a delivery stream's buffering field shows.
pub fn firehose_value(stream: &mqlab_engine::firehose::DeliveryStream, member: &str) -> String {
    let d = &stream.destination;
    match member {
        "SizeInMBs" => (d.size_bytes / (1024 * 1024)).to_string(),
        _ => (d.interval_ms / 1000).to_string(),
    }
}

/// PutMetricAlarm's members the panel edits on an alarm (aws-rules §10.2, §10.4: M out of N,
/// DatapointsToAlarm ≤ EvaluationPeriods; the threshold may have decimals).
pub const ALARM_PARAMS: [ScalingParam; 3] = [
    ScalingParam {
        member: "Threshold",
        min: 0,
        max: 1_000_000_000,
    },
    ScalingParam {
        member: "EvaluationPeriods",
        min: 1,
        max: 1_440,
    },
    ScalingParam {
        member: "DatapointsToAlarm",
        min: 1,
        max: 1_440,
    },
];

/// An alarm's whole definition as PutMetricAlarm takes it (AWS replaces an alarm's
/// configuration whole on each PutMetricAlarm, so an edit carries all of it).
pub fn alarm_definition(a: &mqlab_engine::cloudwatch::Alarm) -> serde_json::Value {
    let mut v = serde_json::json!({
        "AlarmName": a.name,
        "ActionsEnabled": a.actions_enabled,
        "OKActions": a.ok_actions,
        "AlarmActions": a.alarm_actions,
        "InsufficientDataActions": a.insufficient_data_actions,
        "EvaluationPeriods": a.evaluation_periods,
        "DatapointsToAlarm": a.datapoints_to_alarm,
        "Threshold": a.threshold,
        "ComparisonOperator": a.comparison.as_str(),
        "TreatMissingData": a.treat_missing.as_str(),
    });
    if let Some(d) = &a.description {
        v["AlarmDescription"] = d.as_str().into();
    }
    if a.metrics.is_empty() {
        v["Namespace"] = a.namespace.as_str().into();
        v["MetricName"] = a.metric_name.as_str().into();
        v["Dimensions"] = serde_json::to_value(&a.dimensions).unwrap_or_default();
        v["Statistic"] = a.statistic.as_str().into();
        v["Period"] = a.period_s.into();
        if let Some(u) = &a.unit {
            v["Unit"] = u.as_str().into();
        }
    } else {
        v["Metrics"] = serde_json::to_value(&a.metrics).unwrap_or_default();
    }
    v
}

/// The edit an alarm's field makes: PutMetricAlarm with its current definition and that one
/// member changed.
pub fn alarm_edit(
    a: &mqlab_engine::cloudwatch::Alarm,
    member: &str,
    value: &str,
) -> Result<crate::edits::Edit, String> {
    let mut params = alarm_definition(a);
    params[member] = if member == "Threshold" {
        let v = mqlab_engine::core::float::parse_f64(value.trim())
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("Threshold must be a number, not {:?}", value.trim()))?;
        serde_json::json!(v)
    } else {
        whole(member, value)?.into()
    };
    Ok(crate::edits::Edit::Call {
        op: "PutMetricAlarm".into(),
        params,
    })
}

/// The value an alarm's field shows.
pub fn alarm_value(a: &mqlab_engine::cloudwatch::Alarm, member: &str) -> String {
    match member {
        "Threshold" => {
            let t = format!("{:.6}", a.threshold);
            t.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        "EvaluationPeriods" => a.evaluation_periods.to_string(),
        _ => a.datapoints_to_alarm.to_string(),
    }
}

/// A target tracking policy's TargetValue (PutScalingPolicy; aws-rules §2.4): backlog per
/// instance, or whatever its metric is.
pub const POLICY_PARAMS: [ScalingParam; 1] = [ScalingParam {
    member: "TargetValue",
    min: 0,
    max: 1_000_000_000,
}];

/// The edit a target tracking policy's field makes: PutScalingPolicy with its whole current
/// configuration and the new TargetValue (its alarms are remade under the same names); None
/// for a policy of another type.
pub fn policy_edit(
    p: &mqlab_engine::autoscaling::Policy,
    value: &str,
) -> Result<crate::edits::Edit, String> {
    let mqlab_engine::autoscaling::PolicyKind::TargetTracking { config, .. } = &p.kind else {
        return Err(format!("{} is not a target tracking policy", p.name));
    };
    let v = mqlab_engine::core::float::parse_f64(value.trim())
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0)
        .ok_or_else(|| {
            format!(
                "TargetValue must be a number above 0, not {:?}",
                value.trim()
            )
        })?;
    let mut config = config.clone();
    config["TargetValue"] = serde_json::json!(v);
    let mut params = serde_json::json!({
        "AutoScalingGroupName": p.group,
        "PolicyName": p.name,
        "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": config,
        "Enabled": p.enabled,
    });
    if let Some(w) = p.warmup {
        params["EstimatedInstanceWarmup"] = w.into();
    }
    Ok(crate::edits::Edit::Call {
        op: "PutScalingPolicy".into(),
        params,
    })
}

/// The TargetValue a target tracking policy's field shows.
pub fn policy_value(p: &mqlab_engine::autoscaling::Policy) -> Option<String> {
    match &p.kind {
        mqlab_engine::autoscaling::PolicyKind::TargetTracking { target, .. } => {
            let t = format!("{target:.6}");
            Some(t.trim_end_matches('0').trim_end_matches('.').to_string())
        }
        _ => None,
    }
}

/// A broker consumer's prefetch (0 = unlimited), changed on its live instances (aws-rules
/// §7.8: the broker pushes at most this many unacknowledged messages to each).
pub const BROKER_CONSUMER_PARAMS: [ScalingParam; 1] = [ScalingParam {
    member: "Prefetch",
    min: 0,
    max: 65_535,
}];

/// The edit a broker consumer's prefetch field makes: the messaging plane's Qos for every
/// instance of the scenario's consumer `client` on `broker`.
pub fn broker_consumer_edit(
    broker: &str,
    client: &str,
    value: &str,
) -> Result<crate::edits::Edit, String> {
    let n = whole("Prefetch", value)?;
    if n > 65_535 {
        return Err(format!("Prefetch must be 0–65535, not {n}"));
    }
    Ok(crate::edits::Edit::Call {
        op: "Qos".into(),
        params: serde_json::json!({"Broker": broker, "Client": client, "Prefetch": n}),
    })
}

/// The edit a group's field makes: UpdateAutoScalingGroup with that one member.
pub fn group_edit(group: &str, member: &str, value: &str) -> Result<crate::edits::Edit, String> {
    let n = whole(member, value)?;
    Ok(crate::edits::Edit::Call {
        op: "UpdateAutoScalingGroup".into(),
        params: serde_json::json!({"AutoScalingGroupName": group, member: n}),
    })
}

/// The edit a mapping's field makes: UpdateEventSourceMapping of `uuid` (naming its function,
/// so an export finds it in the scenario) with that one member; MaximumConcurrency goes
/// inside ScalingConfig, as in AWS's request.
pub fn mapping_edit(
    uuid: &str,
    function: &str,
    member: &str,
    value: &str,
) -> Result<crate::edits::Edit, String> {
    let n = whole(member, value)?;
    let mut params = serde_json::json!({"UUID": uuid, "FunctionName": function});
    if member == "MaximumConcurrency" {
        params["ScalingConfig"] = serde_json::json!({"MaximumConcurrency": n});
    } else {
        params[member] = n.into();
    }
    Ok(crate::edits::Edit::Call {
        op: "UpdateEventSourceMapping".into(),
        params,
    })
}

/// The value a group's field shows.
pub fn group_value(g: &mqlab_engine::autoscaling::Group, member: &str) -> String {
    match member {
        "MinSize" => g.min,
        "MaxSize" => g.max,
        _ => g.desired,
    }
    .to_string()
}

/// The value a mapping's field shows ("" for MaximumConcurrency when none is set).
pub fn mapping_value(m: &mqlab_engine::lambda::Mapping, member: &str) -> String {
    match member {
        "BatchSize" => m.batch_size.to_string(),
        "MaximumBatchingWindowInSeconds" => m.window_s.to_string(),
        _ => m
            .maximum_concurrency
            .map_or_else(String::new, |c| c.to_string()),
    }
}

fn whole(member: &str, value: &str) -> Result<u64, String> {
    value
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("{member} must be a whole number, not {:?}", value.trim()))
}
