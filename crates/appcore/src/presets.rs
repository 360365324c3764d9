//! The preset scenarios: each is a real scenario in the engine's format
//! (`scenarios/presets/<id>.json`), with a title and a one-paragraph explanation in English and
//! Korean that says what to watch and which AWS rule makes it happen. Each shows its effect
//! within one to three virtual minutes; `tests/presets.rs` runs every one and checks it.

use crate::i18n::Lang;
use std::collections::BTreeMap;

/// The service a preset is about: the picker groups presets by it, in the course's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Sqs,
    Sns,
    Kinesis,
}

impl Service {
    pub const ALL: [Service; 3] = [Service::Sqs, Service::Sns, Service::Kinesis];

    /// The picker's group label.
    pub fn label(self, lang: Lang) -> &'static str {
        crate::i18n::t(
            lang,
            match self {
                Service::Sqs => "presets.group.sqs",
                Service::Sns => "presets.group.sns",
                Service::Kinesis => "presets.group.kinesis",
            },
        )
    }
}

pub struct Preset {
    pub id: &'static str,
    pub service: Service,
    /// The scenario compiled into this build (see [`json`]).
    bundled: Option<&'static str>,
}

impl Preset {
    /// The scenario, as the engine reads it (`Scenario::from_json`): compiled in natively and
    /// in the wasm tests (feature `bundled-presets`).
    #[cfg(any(not(target_arch = "wasm32"), feature = "bundled-presets"))]
    pub fn scenario_json(&self) -> &'static str {
        self.bundled.unwrap_or(DEFAULT_JSON)
    }
}

/// The preset the page opens with when there is no link and no autosave: always compiled in,
/// so the first run needs no request.
pub const DEFAULT: &str = "decoupling";
const DEFAULT_JSON: &str = include_str!("../../../scenarios/presets/decoupling.json");

/// Where the page finds a preset's scenario beside it (Trunk copies `scenarios/presets/`):
/// the page's build carries only the default one, so that the 24 scenarios (~5 KB gzipped)
/// do not weigh on the first download.
pub fn file(id: &str) -> String {
    format!("scenarios/presets/{id}.json")
}

thread_local! {
    /// Scenarios the page has fetched, by preset id.
    static FETCHED: std::cell::RefCell<BTreeMap<String, std::rc::Rc<str>>> =
        const { std::cell::RefCell::new(BTreeMap::new()) };
}

/// Keeps a scenario the page fetched for preset `id` (see [`file`]).
pub fn remember(id: &str, json: &str) {
    FETCHED.with(|f| f.borrow_mut().insert(id.to_string(), json.into()));
}

/// Preset `id`'s scenario if this build has it: compiled in, or fetched and remembered.
pub fn json(id: &str) -> Option<std::rc::Rc<str>> {
    let p = by_id(id)?;
    if let Some(j) = p.bundled.or((p.id == DEFAULT).then_some(DEFAULT_JSON)) {
        return Some(j.into());
    }
    FETCHED.with(|f| f.borrow().get(id).cloned())
}

/// A one-click AWS call a preset offers (e.g. redrive the DLQ), for the app to run with
/// `World::call("sqs", op, params)`.
pub struct PresetAction {
    /// i18n key of the button label.
    pub label_key: &'static str,
    pub op: &'static str,
    /// The AWS JSON request members.
    pub params_json: &'static str,
}

macro_rules! presets {
    ([$($id:literal),* $(,)?] [$($sns:literal),* $(,)?] [$($kin:literal),* $(,)?]) => {
        /// The SQS presets, then SNS's, then Kinesis's.
        static PRESETS: &[Preset] = &[
            $(preset!($id, Service::Sqs),)*
            $(preset!($sns, Service::Sns),)*
            $(preset!($kin, Service::Kinesis)),*
        ];
    };
}

macro_rules! preset {
    ($id:literal, $service:expr) => {
        Preset {
            id: $id,
            service: $service,
            bundled: bundled!($id),
        }
    };
}

#[cfg(any(not(target_arch = "wasm32"), feature = "bundled-presets"))]
macro_rules! bundled {
    ($id:literal) => {
        Some(include_str!(concat!(
            "../../../scenarios/presets/",
            $id,
            ".json"
        )))
    };
}

#[cfg(all(target_arch = "wasm32", not(feature = "bundled-presets")))]
macro_rules! bundled {
    ($id:literal) => {
        None
    };
}

// In the order the preset list shows them: from the reason queues exist to the finer rules;
// then SNS, from fan-out to delivery to endpoints outside AWS.
presets!(
    [
        "decoupling",
        "visibility-too-short",
        "visibility-ok",
        "short-polling",
        "long-polling",
        "fifo-groups",
        "poison-dlq",
        "delay-queue",
    ]
    [
        "sns-fanout",
        "sns-filter",
        "sns-fifo",
        "sns-http-retries",
        "sns-alone",
        "sns-with-sqs",
        "sns-mobile-push",
        "s3-thumbnails",
    ]
    [
        "kinesis-ordering",
        "kinesis-hot-key",
        "kinesis-reshard",
        "kinesis-provisioned",
        "kinesis-on-demand",
        "kinesis-efo-vs-shared",
        "kinesis-kcl-failover",
        "sqs-vs-kinesis",
    ]
);

pub fn all() -> &'static [Preset] {
    PRESETS
}

pub fn by_id(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The presets of one service, in the list's order.
pub fn of(service: Service) -> impl Iterator<Item = &'static Preset> {
    PRESETS.iter().filter(move |p| p.service == service)
}

/// The preset an imported scenario came from, by the name an exported preset keeps (its id),
/// so an exported and re-imported preset keeps its title and explanation.
pub fn for_scenario_name(name: &str) -> Option<&'static str> {
    by_id(name).map(|p| p.id)
}

/// The preset to show beside this one on the same clock, when the pair tells the lesson
/// better than either alone.
pub fn compare_with(id: &str) -> Option<&'static str> {
    match id {
        "visibility-too-short" => Some("visibility-ok"),
        "visibility-ok" => Some("visibility-too-short"),
        "short-polling" => Some("long-polling"),
        "long-polling" => Some("short-polling"),
        "sns-alone" => Some("sns-with-sqs"),
        "sns-with-sqs" => Some("sns-alone"),
        "kinesis-provisioned" => Some("kinesis-on-demand"),
        "kinesis-on-demand" => Some("kinesis-provisioned"),
        _ => None,
    }
}

static POISON_DLQ_ACTIONS: &[PresetAction] = &[PresetAction {
    label_key: "action.redrive",
    op: "StartMessageMoveTask",
    params_json: r#"{"SourceArn":"arn:aws:sqs:us-east-1:123456789012:orders-dlq"}"#,
}];

static KINESIS_RESHARD_ACTIONS: &[PresetAction] = &[
    PresetAction {
        label_key: "action.reshard_two",
        op: "UpdateShardCount",
        params_json: r#"{"StreamName":"clicks","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}"#,
    },
    PresetAction {
        label_key: "action.reshard_one",
        op: "UpdateShardCount",
        params_json: r#"{"StreamName":"clicks","TargetShardCount":1,"ScalingType":"UNIFORM_SCALING"}"#,
    },
    PresetAction {
        label_key: "action.split_shard",
        op: "SplitShard",
        params_json: r#"{"StreamName":"clicks","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"170141183460469231731687303715884105728"}"#,
    },
];

/// A setting a preset is about: the page shows it under the picker ("Try changing"), within
/// the first screen, and opens its resource's settings in the parameter panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// A queue attribute by its AWS name (`maxReceiveCount`: the one inside RedrivePolicy).
    Queue(&'static str, &'static str),
    /// A producer's setting: an `ActorParam` field, `arrival` or `burst` (send a burst now).
    Producer(&'static str, &'static str),
    /// A consumer group's setting: an `ActorParam` field, `processing_dist`, `heartbeat` or
    /// `handles_poison`.
    Consumer(&'static str, &'static str),
}

impl Focus {
    /// The queue, producer or consumer group it is a setting of.
    pub fn resource(self) -> &'static str {
        match self {
            Focus::Queue(r, _) | Focus::Producer(r, _) | Focus::Consumer(r, _) => r,
        }
    }
}

/// The few settings preset `id` is about (its text says what they change); SNS and Kinesis
/// presets steer their producers here, their topics and streams from the inspector.
pub fn focus(id: &str) -> &'static [Focus] {
    use Focus::{Consumer as C, Producer as P, Queue as Q};
    match id {
        "decoupling" => &[P("web", "burst"), C("worker", "count")],
        "visibility-too-short" | "visibility-ok" => &[
            Q("orders", "VisibilityTimeout"),
            C("worker", "processing"),
            C("worker", "heartbeat"),
        ],
        "short-polling" | "long-polling" => &[
            Q("orders", "ReceiveMessageWaitTimeSeconds"),
            C("worker", "wait_time_s"),
        ],
        "fifo-groups" => &[P("web", "message_groups"), C("worker", "count")],
        "poison-dlq" => &[
            Q("orders", "maxReceiveCount"),
            C("worker", "handles_poison"),
        ],
        "delay-queue" => &[Q("orders", "DelaySeconds")],
        "sns-fanout" => &[P("web", "rate_per_s"), C("analytics-worker", "count")],
        "sns-filter" => &[P("web", "rate_per_s"), P("mobile-app", "rate_per_s")],
        "sns-fifo" => &[
            P("payments-api", "message_groups"),
            C("ledger-worker", "count"),
        ],
        "sns-http-retries" => &[P("monitor", "rate_per_s")],
        "sns-alone" => &[P("web", "burst")],
        "sns-with-sqs" => &[P("web", "burst"), C("ingest-service", "count")],
        "sns-mobile-push" => &[P("marketing", "rate_per_s")],
        "s3-thumbnails" => &[P("camera-app", "rate_per_s"), P("notes-app", "rate_per_s")],
        "kinesis-ordering" | "kinesis-kcl-failover" => &[P("checkout", "rate_per_s")],
        "kinesis-hot-key" => &[
            P("hot-device", "rate_per_s"),
            P("hot-device", "partition_keys"),
            P("fleet", "rate_per_s"),
        ],
        "kinesis-reshard" => &[P("web", "rate_per_s")],
        "kinesis-provisioned" | "kinesis-on-demand" => {
            &[P("flash-sale", "burst"), P("shop", "rate_per_s")]
        }
        "kinesis-efo-vs-shared" => &[P("app", "rate_per_s")],
        "sqs-vs-kinesis" => &[C("worker", "count"), P("to-stream", "rate_per_s")],
        _ => &[],
    }
}

/// Calls the preset invites the user to make while it runs.
pub fn actions(id: &str) -> &'static [PresetAction] {
    match id {
        "poison-dlq" => POISON_DLQ_ACTIONS,
        "kinesis-reshard" => KINESIS_RESHARD_ACTIONS,
        _ => &[],
    }
}

/// A preset's title in `lang` ("" for an unknown id).
pub fn title(id: &str, lang: Lang) -> &'static str {
    // The titles are in the texts files (`i18n::ENGLISH_FILE`, `i18n::KOREAN_FILE`).
    crate::i18n::title(lang, id).unwrap_or("")
}

/// Where the page fetches the presets' explanations (`texts/` is copied beside the page):
/// texts that grow with every preset are loaded when the page opens, not compiled into the
/// wasm.
pub const EXPLANATIONS_FILE: &str = "texts/presets.json";

/// Each preset's explanation in English and Korean: `{"<id>": {"en": "…", "ko": "…"}}` (the
/// settings' help, `params::HELP_FILE`, has the same shape).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explanations(BTreeMap<String, [String; 2]>);

impl Explanations {
    /// Reads the explanations file; an error names the file and the member.
    pub fn from_json(text: &str) -> Result<Explanations, String> {
        Explanations::parse(EXPLANATIONS_FILE, text)
    }

    /// Reads a file of texts by id in both languages (the explanations, the settings' help);
    /// an error names `file` and the member.
    pub fn parse(file: &str, text: &str) -> Result<Explanations, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("{file}: not JSON: {e}"))?;
        let obj = v
            .as_object()
            .ok_or_else(|| format!("{file}: must be an object of preset ids"))?;
        let mut out = BTreeMap::new();
        for (id, texts) in obj {
            let text = |lang: &str| {
                texts
                    .get(lang)
                    .and_then(|t| t.as_str())
                    .map(str::to_string)
                    .ok_or_else(|| format!("{file}: {id}.{lang}: missing or not a string"))
            };
            out.insert(id.clone(), [text("en")?, text("ko")?]);
        }
        Ok(Explanations(out))
    }

    /// The explanation of preset `id` in `lang` (English where Korean is empty), or "".
    pub fn get(&self, id: &str, lang: Lang) -> &str {
        match self.0.get(id) {
            Some([en, ko]) => match lang {
                Lang::Ko if !ko.is_empty() => ko,
                _ => en,
            },
            None => "",
        }
    }
}

/// The explanations as the repository holds them, for native code (the tests): the page
/// fetches [`EXPLANATIONS_FILE`] instead.
#[cfg(not(target_arch = "wasm32"))]
pub fn explanation(id: &str, lang: Lang) -> &'static str {
    static BUNDLED: std::sync::OnceLock<Explanations> = std::sync::OnceLock::new();
    BUNDLED
        .get_or_init(|| {
            Explanations::from_json(include_str!("../../../texts/presets.json"))
                .expect("texts/presets.json is valid (tests/presets.rs)")
        })
        .get(id, lang)
}
