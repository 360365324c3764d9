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
        match (self, lang) {
            (Service::Sqs, Lang::En) => "Amazon SQS",
            (Service::Sqs, Lang::Ko) => "Amazon SQS (큐)",
            (Service::Sns, Lang::En) => "Amazon SNS and S3 events",
            (Service::Sns, Lang::Ko) => "Amazon SNS와 S3 이벤트",
            (Service::Kinesis, Lang::En) => "Kinesis Data Streams",
            (Service::Kinesis, Lang::Ko) => "Kinesis Data Streams (스트림)",
        }
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

/// Calls the preset invites the user to make while it runs.
pub fn actions(id: &str) -> &'static [PresetAction] {
    match id {
        "poison-dlq" => POISON_DLQ_ACTIONS,
        "kinesis-reshard" => KINESIS_RESHARD_ACTIONS,
        _ => &[],
    }
}

pub fn title(id: &str, lang: Lang) -> &'static str {
    let (en, ko) = match id {
        "decoupling" => (
            "Decoupling: a queue absorbs a burst",
            "디커플링: 큐가 몰려드는 요청을 흡수한다",
        ),
        "visibility-too-short" => (
            "Visibility timeout too short: duplicate processing",
            "가시성 타임아웃이 너무 짧을 때: 중복 처리",
        ),
        "visibility-ok" => (
            "Visibility timeout long enough",
            "가시성 타임아웃이 충분할 때",
        ),
        "short-polling" => (
            "Short polling: empty receives cost money",
            "쇼트 폴링: 빈 응답도 돈이 든다",
        ),
        "long-polling" => (
            "Long polling: wait for messages, pay less",
            "롱 폴링: 기다렸다 받으면 비용이 준다",
        ),
        "fifo-groups" => (
            "FIFO: parallel only across message groups",
            "FIFO: 병렬 처리는 메시지 그룹 단위로만",
        ),
        "poison-dlq" => (
            "Poison messages go to the dead-letter queue",
            "처리할 수 없는 독성 메시지는 데드레터 큐(DLQ)로",
        ),
        "delay-queue" => (
            "Delay queue: messages wait before they can be received",
            "지연 큐: 받을 수 있게 될 때까지 기다리는 메시지",
        ),
        "sns-fanout" => (
            "SNS fan-out: one topic, a copy for every queue",
            "SNS 팬아웃: 토픽 하나, 큐마다 한 부씩",
        ),
        "sns-filter" => (
            "Filter policies: route by attribute and by body",
            "필터 정책: 속성과 본문으로 골라 보내기",
        ),
        "sns-fifo" => (
            "FIFO topic to FIFO queues: order kept per group",
            "FIFO 토픽에서 FIFO 큐로: 그룹별 순서 유지",
        ),
        "sns-http-retries" => (
            "A webhook goes down: retries, then the DLQ",
            "웹훅이 죽으면: 재시도, 그다음 DLQ",
        ),
        "sns-alone" => (
            "SNS alone: a burst pushed at a slow service",
            "SNS만 쓸 때: 느린 서비스로 밀려드는 버스트",
        ),
        "sns-with-sqs" => (
            "SNS + SQS: the queue buffers the burst",
            "SNS + SQS: 큐가 버스트를 받아 둔다",
        ),
        "s3-thumbnails" => (
            "S3 upload → SNS → Lambda thumbnailer + SQS audit",
            "S3 업로드 → SNS → Lambda 썸네일러 + SQS 감사 큐",
        ),
        "sns-mobile-push" => (
            "Mobile push, SMS and email from one topic",
            "토픽 하나로 모바일 푸시, SMS, 이메일 보내기",
        ),
        "kinesis-ordering" => (
            "Kinesis: same partition key, same shard, in order",
            "Kinesis: 같은 파티션 키는 같은 샤드에, 순서대로",
        ),
        "kinesis-hot-key" => (
            "Kinesis: one hot partition key throttles its shard",
            "Kinesis: 핫 파티션 키 하나가 샤드를 막는다",
        ),
        "kinesis-reshard" => (
            "Kinesis: resharding under load",
            "Kinesis: 부하 중에 샤드 나누기(리샤딩)",
        ),
        "kinesis-provisioned" => (
            "Kinesis provisioned: a burst over the shards' capacity",
            "Kinesis 프로비저닝 모드: 샤드 용량을 넘는 급증",
        ),
        "kinesis-on-demand" => (
            "Kinesis on-demand: the same burst absorbed",
            "Kinesis 온디맨드 모드: 같은 급증을 흡수",
        ),
        "kinesis-efo-vs-shared" => (
            "Kinesis: enhanced fan-out vs shared readers",
            "Kinesis: 향상된 팬아웃 vs 공유 처리량 소비자",
        ),
        "kinesis-kcl-failover" => (
            "Kinesis: a KCL worker dies, its shards move",
            "Kinesis: KCL 워커가 죽으면 샤드가 옮겨 간다",
        ),
        "sqs-vs-kinesis" => (
            "SQS vs Kinesis: a queue deletes, a stream keeps",
            "SQS vs Kinesis: 큐는 지우고, 스트림은 남긴다",
        ),
        _ => return "",
    };
    pick(lang, en, ko)
}

/// Where the page fetches the presets' explanations (`texts/` is copied beside the page):
/// texts that grow with every preset are loaded when the page opens, not compiled into the
/// wasm.
pub const EXPLANATIONS_FILE: &str = "texts/presets.json";

/// Each preset's explanation in English and Korean: `{"<id>": {"en": "…", "ko": "…"}}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explanations(BTreeMap<String, [String; 2]>);

impl Explanations {
    /// Reads the explanations file; an error names the file and the member.
    pub fn from_json(text: &str) -> Result<Explanations, String> {
        let file = EXPLANATIONS_FILE;
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

fn pick(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}
