//! Every UI string in English and Korean. Korean is a first-class language here: written in the
//! register of a learner's study notes (가시성 타임아웃, 롱 폴링, 데드레터 큐 …), not translated
//! word for word. AWS names (VisibilityTimeout, ReceiveMessage, MessageGroupId …) stay as they
//! are in both languages, so a word learned here is the word met in the AWS console and docs.
//!
//! Texts with `{name}` placeholders are filled with [`tf`].

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
    ($($key:literal => $en:literal, $ko:literal;)*) => {
        /// Every key, in the order of the table below.
        pub const KEYS: &[&str] = &[$($key),*];

        /// (key, English, Korean). A table searched in order is data, where a `match` on
        /// ~200 strings compiled to several KB of comparisons in the wasm bundle.
        static TABLE: &[(&str, &str, &str)] = &[$(($key, $en, $ko)),*];

        fn lookup(key: &str) -> Option<(&'static str, &'static str)> {
            TABLE
                .iter()
                .find(|(k, _, _)| *k == key)
                .map(|&(_, en, ko)| (en, ko))
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
        Some((en, ko)) => match lang {
            Lang::En => en,
            Lang::Ko => ko,
        },
        None => unknown_key(key),
    }
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
    "app.title" => "mqlab", "mqlab";
    "app.tagline" =>
        "Watch Amazon SQS, SNS and Kinesis at work: a simulation you can pause, steer, replay and share",
        "Amazon SQS, SNS, Kinesis가 움직이는 모습을 눈으로 보는 실습실: 멈추고, 바꾸고, 다시 돌려 보고, 공유하세요";

    "controls.api_log" => "API calls ↓", "API 호출 ↓";
    "controls.play" => "Play", "재생";
    "controls.pause" => "Pause", "일시정지";
    "controls.step" => "Step", "한 단계씩";
    "controls.restart" => "Restart", "처음부터";
    "controls.new_seed" => "New seed", "새 시드로";
    "controls.speed" => "Speed", "속도";
    "controls.fast_forward" => "Fast-forward", "빨리 감기";
    "controls.seek" => "Timeline", "타임라인";
    "controls.help" => "Help", "도움말";
    "controls.language" => "Language", "언어";
    "controls.theme" => "Theme", "테마";
    "controls.share" => "Copy share link", "공유 링크 복사";
    "controls.export" => "Export JSON", "JSON 내보내기";
    "controls.import" => "Import JSON", "JSON 가져오기";
    "controls.compare" => "Compare side by side", "나란히 비교";
    "controls.compare_off" => "Back to one run", "하나만 보기";

    "theme.light" => "Light", "라이트";
    "theme.dark" => "Dark", "다크";
    "theme.system" => "System", "시스템 설정";
    "lang.en" => "English", "English";
    "lang.ko" => "한국어", "한국어";

    "panel.presets" => "Presets", "프리셋";
    "panel.explanation" => "What to watch", "관전 포인트";
    "panel.parameters" => "Parameters", "파라미터";
    "panel.charts" => "Charts", "차트";
    "panel.inspector" => "Inspector", "상세 보기";
    "panel.log" => "API calls", "API 호출 로그";
    "panel.compare" => "Compare", "비교";
    "panel.diagram" => "Diagram", "다이어그램";

    "time.virtual" => "Virtual time", "가상 시간";
    "time.seed" => "Seed", "시드";

    "queue.standard" => "Standard queue", "표준 큐";
    "queue.fifo" => "FIFO queue", "FIFO 큐";
    "queue.table" => "Queues (scrolls sideways when wider than its panel)", "큐 (패널보다 넓으면 옆으로 스크롤)";
    "queue.visible" => "Visible", "가시 상태";
    "queue.in_flight" => "In flight", "처리 중";
    "queue.delayed" => "Delayed", "지연 중";
    "queue.sent" => "Sent", "전송";
    "queue.received" => "Received", "수신";
    "queue.deleted" => "Deleted", "삭제";
    "queue.dlq" => "Moved to DLQ", "DLQ로 이동";
    "queue.expired" => "Expired", "보존 기간 만료";
    "queue.empty_receives" => "Empty receives", "빈 응답";
    "queue.duplicates" => "Duplicate deliveries", "중복 전달";
    "queue.backlog" => "Backlog", "백로그";

    "cost.total" => "Cost so far", "지금까지 비용";
    "cost.requests" => "Requests", "요청 수";
    "cost.note" =>
        "Every API call is a billed request, empty receives included (us-east-1 list price, no free tier)",
        "빈 응답을 포함해 모든 API 호출이 과금 요청입니다 (us-east-1 정가 기준, 프리 티어 제외)";

    "msg.state.delayed" => "Delayed (DelaySeconds)", "지연 중 (DelaySeconds)";
    "msg.state.visible" => "Visible: waiting to be received", "가시 상태: 수신 대기 중";
    "msg.state.in_flight" =>
        "In flight: hidden by the visibility timeout",
        "처리 중: 가시성 타임아웃 동안 다른 소비자에게 보이지 않음";
    "msg.state.deleted" => "Deleted", "삭제됨";
    "msg.state.dlq" => "In the dead-letter queue", "데드레터 큐(DLQ)로 이동됨";
    "msg.state.expired" => "Expired (retention period ended)", "만료됨 (보존 기간 종료)";
    "msg.duplicate" => "Duplicate delivery", "중복 전달";
    "msg.empty_receive" => "Empty receive", "빈 응답";
    "msg.receive_count" => "Received {n} times", "{n}번 수신됨";
    "msg.visible_in" => "Visible again in {s} s", "{s}초 후 다시 보임";

    "group.locked" =>
        "Group locked: one of its messages is in flight",
        "그룹 잠김: 이 그룹의 메시지가 처리 중입니다";
    "group.label" => "Message group {g}", "메시지 그룹 {g}";

    "help.title" => "Help", "도움말";
    "help.about" =>
        "mqlab simulates Amazon SQS, SNS and Kinesis in your browser: producers, queues, topics, streams and consumers run on a virtual clock you control. Nothing is sent to AWS; the rules it follows (limits, retries, prices) are AWS's.",
        "mqlab은 Amazon SQS, SNS, Kinesis를 브라우저 안에서 시뮬레이션합니다. 생산자, 큐, 토픽, 스트림, 소비자가 내가 조절하는 가상 시계에 맞춰 움직입니다. AWS로 보내는 것은 없지만, 따르는 규칙(한도, 재시도, 요금)은 AWS의 것입니다.";
    "help.start_title" => "How to start", "시작하는 법";
    "help.start_preset" =>
        "Pick a preset from the presets list: each is one lesson, with a short text on what to watch and why.",
        "프리셋 목록에서 하나를 고르세요. 프리셋 하나가 수업 하나이고, 무엇을 왜 지켜봐야 하는지 짧은 설명이 붙어 있습니다.";
    "help.start_play" =>
        "Press play (or Space) and watch the messages move; make time run faster or slower with + and −.",
        "재생(또는 Space)을 누르고 메시지가 움직이는 것을 지켜보세요. + 와 −로 시간을 빠르게, 느리게 할 수 있습니다.";
    "help.start_inspect" =>
        "Click a queue, topic, stream, message or record to inspect it: its attributes, its life so far, and charts of its metrics.",
        "큐, 토픽, 스트림, 메시지, 레코드를 클릭하면 자세히 볼 수 있습니다. 속성, 지금까지 거쳐 온 과정, 지표 차트가 나옵니다.";
    "help.start_change" =>
        "Change a setting in the parameters panel and see the run react; \"Copy share link\" makes a link to this very run.",
        "파라미터 패널에서 설정을 바꾸면 실행이 어떻게 달라지는지 바로 보입니다. \"공유 링크 복사\"는 지금 이 실행으로 가는 링크를 만듭니다.";
    "help.shortcuts" => "Keyboard shortcuts", "키보드 단축키";
    "help.space" => "Space: play / pause", "Space: 재생 / 일시정지";
    "help.step" => "→: step to the next event", "→: 다음 이벤트로 한 단계 이동";
    "help.faster" => "+: faster", "+: 더 빠르게";
    "help.slower" => "−: slower", "−: 더 느리게";
    "help.help" => "?: show or hide this help", "?: 이 도움말 열기 / 닫기";
    "help.close" => "Close", "닫기";

    "error.bad_link" => "This link could not be opened", "이 링크를 열 수 없습니다";
    "error.bad_file" => "This file could not be imported", "이 파일을 가져올 수 없습니다";
    "error.preset" => "This preset could not be loaded", "이 프리셋을 불러올 수 없습니다";
    "error.engine" => "The simulation refused this change", "시뮬레이션이 이 변경을 받아들이지 않았습니다";
    "error.panic" =>
        "Something went wrong inside the page",
        "페이지 안에서 예상하지 못한 오류가 났습니다";
    "error.keep_work" => "Your current work is kept.", "작업하던 내용은 그대로 남아 있습니다.";
    "error.recover" => "Reload the last saved state", "마지막으로 저장된 상태 다시 불러오기";
    "error.dismiss" => "Dismiss", "닫기";
    "error.memory" => "The run was paused before it used up the page's memory",
        "페이지 메모리가 바닥나기 전에 실행을 멈췄습니다";
    "error.memory_detail" =>
        "At {t} the run holds about {held} MB, over the {limit} MB it may use of the page's {budget} MB (the snapshots for seeking back hold {snapshots} MB more): {messages} messages waiting or in flight, {records} stream records kept. Free what it holds (PurgeQueue, a shorter retention period: MessageRetentionPeriod, RetentionPeriodHours) or slow its growth (a lower producer rate, more consumers), or seek back.",
        "{t} 시점에 실행 중인 상태가 약 {held} MB로, 페이지 전체 {budget} MB 가운데 쓸 수 있는 {limit} MB를 넘었습니다 (되감기용 스냅샷이 {snapshots} MB를 더 씁니다): 대기 중이거나 처리 중인 메시지 {messages}개, 스트림에 남아 있는 레코드 {records}개. 잡고 있는 것을 비우거나 (PurgeQueue, 더 짧은 보존 기간: MessageRetentionPeriod, RetentionPeriodHours) 늘어나는 속도를 줄이거나 (프로듀서 전송 속도를 낮추거나 컨슈머를 늘리기), 이전 시점으로 되감아 보세요.";

    "share.copied" => "Link copied", "링크를 복사했습니다";
    "share.too_long" =>
        "This scenario is too large for a link; export it as a file instead",
        "링크에 담기에는 시나리오가 너무 큽니다. 대신 파일로 내보내세요";
    "autosave.restored" => "Your last session was restored", "지난 작업을 복원했습니다";

    "param.out_of_range" =>
        "{name}: must be between {min} and {max}",
        "{name}: {min}에서 {max} 사이여야 합니다";
    "param.apply" => "Apply", "적용";
    "param.reset" => "Reset to default", "기본값으로";
    "param.default" => "Default: {value}", "기본값: {value}";
    "param.redrive_policy" => "RedrivePolicy (dead-letter queue)", "RedrivePolicy (데드레터 큐 설정)";
    "param.max_receive_count" => "maxReceiveCount", "maxReceiveCount (DLQ로 옮기기 전 최대 수신 횟수)";

    "consumer.title" => "Consumers", "소비자";
    "consumer.count" => "Number of consumers", "소비자 수";
    "consumer.wait_time" =>
        "WaitTimeSeconds (0 = short polling)",
        "WaitTimeSeconds (0이면 쇼트 폴링)";
    "consumer.max_messages" =>
        "MaxNumberOfMessages per receive",
        "MaxNumberOfMessages (한 번에 받을 최대 개수)";
    "consumer.processing_ms" => "Processing time (ms)", "처리 시간 (ms)";
    "consumer.failure_probability" => "Failure probability", "처리 실패 확률";
    "consumer.crash_probability" => "Crash probability", "비정상 종료 확률";
    "consumer.heartbeat" =>
        "Heartbeat: extend with ChangeMessageVisibility",
        "하트비트: ChangeMessageVisibility로 타임아웃 연장";
    "consumer.handles_poison" =>
        "Handles poison messages (the bug is fixed)",
        "독성 메시지 처리 (버그 수정됨)";
    "consumer.visibility_timeout" =>
        "VisibilityTimeout per receive (empty = the queue's)",
        "수신할 때 쓸 VisibilityTimeout (비우면 큐 설정값)";

    "producer.title" => "Producers", "생산자";
    "producer.rate" => "Rate (messages per second)", "전송 속도 (초당 메시지 수)";
    "producer.batch_size" => "Batch size (SendMessageBatch)", "배치 크기 (SendMessageBatch)";
    "producer.burst" => "Burst: send many at once", "버스트: 한꺼번에 보내기";
    "producer.groups" => "Message groups (MessageGroupId)", "메시지 그룹 수 (MessageGroupId)";
    "producer.delay" =>
        "Message timer (DelaySeconds per message)",
        "메시지 타이머 (메시지별 DelaySeconds)";

    "producer.body_bytes" => "Message size (bytes)", "메시지 크기 (바이트)";
    "producer.arrival" => "Arrivals", "도착 방식";
    "producer.arrival.constant" => "constant (evenly spaced)", "일정 간격";
    "producer.arrival.poisson" => "Poisson (random gaps)", "포아송 (무작위 간격)";
    "producer.start" => "Starts at (s)", "시작 시각 (초)";
    "producer.stop" => "Stops at (s, empty = never)", "멈추는 시각 (초, 비우면 계속)";
    "producer.poison_every" =>
        "Poison pill every Nth message (0 = none)",
        "N번째마다 독성 메시지 (0이면 없음)";
    "producer.burst_count" => "Messages in a burst", "버스트 메시지 수";
    "producer.topic.rate" => "Rate (messages published per second)", "발행 속도 (초당 메시지 수)";
    "producer.topic.batch_size" => "Batch size (PublishBatch)", "배치 크기 (PublishBatch)";
    "producer.topic.groups" => "Message groups (MessageGroupId, FIFO topics)", "메시지 그룹 수 (MessageGroupId, FIFO 토픽)";
    "producer.topic.body_bytes" => "Message size (bytes)", "메시지 크기 (바이트)";
    "producer.topic.poison_every" =>
        "Poison pill every Nth message (0 = none)",
        "N번째마다 독성 메시지 (0이면 없음)";
    "producer.topic.burst" => "Burst: publish many at once", "버스트: 한꺼번에 발행하기";
    "producer.stream.rate" => "Rate (records per second)", "쓰기 속도 (초당 레코드 수)";
    "producer.stream.batch_size" => "Records per call (PutRecords)", "호출당 레코드 수 (PutRecords)";
    "producer.stream.body_bytes" => "Record size (bytes)", "레코드 크기 (바이트)";
    "producer.stream.burst" => "Burst: write many records at once", "버스트: 레코드를 한꺼번에 쓰기";
    "producer.stream.burst_count" => "Records in a burst", "버스트 레코드 수";
    "producer.bucket.rate" => "Uploads per second (PutObject)", "초당 업로드 수 (PutObject)";
    "producer.bucket.body_bytes" => "Object size (bytes)", "객체 크기 (바이트)";
    "producer.bucket.burst" => "Burst: upload many at once", "버스트: 한꺼번에 업로드하기";
    "producer.bucket.burst_count" => "Objects in a burst", "버스트 객체 수";
    "producer.burst_now" => "Send a burst now", "지금 버스트 보내기";

    "consumer.processing_dist" => "Processing time distribution", "처리 시간 분포";
    "consumer.processing_dist.fixed" => "fixed", "고정";
    "consumer.processing_dist.uniform" => "uniform (mean ± spread)", "균등 (평균 ± 폭)";
    "consumer.processing_dist.exponential" => "exponential", "지수";
    "consumer.processing_dist.normal" => "normal (spread = σ)", "정규 (폭 = 표준편차)";
    "consumer.processing_spread" => "Processing time spread (ms)", "처리 시간 폭 (ms)";
    "consumer.restart_after" => "Restarts after a crash (s)", "비정상 종료 뒤 재시작까지 (초)";
    "consumer.empty_poll_pause" =>
        "Pause after an empty receive (ms)",
        "빈 응답 뒤 쉬는 시간 (ms)";
    "consumer.start" => "Starts at (s)", "시작 시각 (초)";

    "queue.add_dlq" => "Add a dead-letter queue", "데드레터 큐 추가";
    "queue.remove_dlq" => "Remove the redrive policy", "재드라이브 정책 제거";
    "params.run" => "Edit run", "편집할 실행";

    "stats.events" => "events", "이벤트";
    "stats.run_hash" => "run hash", "실행 해시";
    "log.you" => "you", "나";

    "compare.left" => "Left", "왼쪽";
    "compare.right" => "Right", "오른쪽";
    "compare.same_clock" => "Both runs share one clock", "두 실행은 같은 시계로 움직입니다";

    "inspector.queue_attributes" =>
        "Queue attributes (GetQueueAttributes)",
        "큐 속성 (GetQueueAttributes)";
    "inspector.message_life" => "Life of this message", "이 메시지가 거쳐 온 과정";
    "inspector.none" =>
        "Click a queue or a message to see its details",
        "큐나 메시지를 클릭하면 자세한 내용을 볼 수 있습니다";
    "inspector.receipt_handle" => "Receipt handle", "수신 핸들 (ReceiptHandle)";
    "inspector.visible_at" => "Visibility deadline", "가시성 타임아웃 만료 시각";

    "action.redrive" =>
        "Redrive the DLQ (StartMessageMoveTask)",
        "DLQ 메시지 되돌리기 (StartMessageMoveTask)";
    "action.purge" => "Purge the queue (PurgeQueue)", "큐 비우기 (PurgeQueue)";

    "log.cli" => "AWS CLI equivalent", "같은 동작의 AWS CLI 명령";
    "log.empty" => "No API calls yet", "아직 API 호출이 없습니다";

    "sns.published" => "published", "발행";
    "sns.travelling" => "On its way to the subscriber", "구독자에게 가는 중";
    "sns.filtered" =>
        "Stopped by the subscription's filter policy: {reason}",
        "구독의 필터 정책에서 걸러짐: {reason}";
    "sns.retrying" =>
        "Delivery attempt {n} failed ({reason}); next attempt at {at}",
        "{n}번째 전달 시도 실패({reason}). 다음 시도: {at}";
    "sns.delivered" => "Delivered (attempts: {n})", "전달 완료 (시도 {n}번)";
    "sns.failed" => "Given up and discarded: {reason}", "전달을 포기하고 폐기됨: {reason}";
    "sns.dead_lettered" =>
        "Given up and moved to the subscription's dead-letter queue {queue}",
        "전달을 포기하고 구독의 데드레터 큐 {queue}로 옮겨짐";
    "inspector.topic" => "Topic attributes (GetTopicAttributes)", "토픽 속성 (GetTopicAttributes)";
    "inspector.subscription" =>
        "Subscription attributes (GetSubscriptionAttributes)",
        "구독 속성 (GetSubscriptionAttributes)";
    "inspector.copy" => "This copy of the message", "이 메시지의 사본";
    "inspector.retry_timeline" => "Delivery attempts", "전달 시도 기록";
    "inspector.no_attempts" => "No delivery attempts yet", "아직 전달 시도가 없습니다";
    "inspector.received" => "What the subscriber received", "구독자가 실제로 받은 내용";
    "inspector.envelope" =>
        "SNS JSON envelope (RawMessageDelivery = false)",
        "SNS JSON 봉투 (RawMessageDelivery = false)";
    "inspector.raw" =>
        "Raw message (RawMessageDelivery = true)",
        "원본 메시지 (RawMessageDelivery = true)";
    "inspector.body" => "Message body", "메시지 본문";
    "filter.title" => "Filter policy", "필터 정책 (FilterPolicy)";
    "filter.none" => "(none: every message is delivered)", "(없음: 모든 메시지가 전달됩니다)";
    "filter.valid" => "Valid filter policy", "올바른 필터 정책입니다";
    "filter.apply" => "Apply (SetSubscriptionAttributes)", "적용 (SetSubscriptionAttributes)";
    "filter.test" => "Would this message match?", "이 메시지가 필터를 통과할까요?";
    "filter.test_attributes" =>
        "Message attributes as JSON, e.g. {\"event\": \"order_placed\", \"price\": 120}",
        "메시지 속성 (JSON), 예: {\"event\": \"order_placed\", \"price\": 120}";
    "filter.test_body" => "Message body (JSON)", "메시지 본문 (JSON)";
    "filter.matches" => "Matches: delivered to this subscription", "통과: 이 구독으로 전달됩니다";
    "filter.no_match" => "Filtered out: {reason}", "걸러짐: {reason}";
    "legend.copy" => "SNS copy on its way to a subscriber", "구독자에게 가는 SNS 메시지 사본";
    "legend.filtered" => "Stopped by a filter policy (hover for why)", "필터 정책에서 걸러짐 (마우스를 올리면 이유)";
    "legend.retrying" => "Waiting for a delivery retry", "전달 재시도를 기다리는 중";
    "endpoint.behaviour" =>
        "How the simulated endpoint answers (change it to take it down or slow it)",
        "시뮬레이션된 엔드포인트의 응답 방식 (바꾸면 다운시키거나 느리게 할 수 있음)";
    "kinesis.open_shards" => "open shards", "열린 샤드";
    "kinesis.retention" => "retention", "보존 기간";
    "kinesis.closed" => "closed", "닫힘";
    "action.reshard_two" => "UpdateShardCount → 2", "UpdateShardCount → 2 (샤드 2개로)";
    "action.split_shard" => "SplitShard: split the shard in two", "SplitShard로 샤드를 둘로 나누기";
    "kinesis.shards" => "shards", "샤드";
    "action.reshard_one" => "UpdateShardCount → 1 (merge back)", "UpdateShardCount → 1 (다시 합치기)";
    "legend.record" =>
        "A record on its shard's lane; the colour is its partition key",
        "샤드 레인 위의 레코드, 색은 파티션 키";
    "legend.closed_record" =>
        "A record of a closed shard (kept until retention)",
        "닫힌 샤드의 레코드 (보존 기간까지 남음)";
    "legend.throttled" =>
        "Throttled: ProvisionedThroughputExceededException",
        "스로틀링: ProvisionedThroughputExceededException";
    "legend.cursor" =>
        "A reader's position, with MillisBehindLatest",
        "소비자의 읽기 위치와 MillisBehindLatest";
    "legend.checkpoint" => "A KCL checkpoint in the lease table", "리스 테이블의 KCL 체크포인트";
    "inspector.shards" => "Shards (ListShards)", "샤드 (ListShards)";
    "inspector.readers" => "Readers", "소비자";
    "kinesis.stored" => "stored", "보관 중";
    "kinesis.cursor" => "{worker} {s} s behind, {n} unread", "{worker} {s}초 뒤처짐, 안 읽은 레코드 {n}개";
    "kinesis.cursor_level" => "{worker} up to date", "{worker} 최신까지 읽음";
    "kinesis.cursor_dead" => "{worker} down: stopped here", "{worker} 죽음: 여기서 멈춤";
    "kinesis.expired" => "expired (retention)", "만료됨 (보존 기간)";

    "sns.phase.immediate" => "immediate", "즉시 재시도";
    "sns.phase.pre_backoff" => "pre-backoff", "백오프 전";
    "sns.phase.backoff" => "backoff", "백오프";
    "sns.phase.post_backoff" => "post-backoff", "백오프 후";
    "chart.visible" => "Visible", "가시 상태";
    "chart.not_visible" => "In flight", "처리 중";
    "chart.delayed" => "Delayed", "지연 중";
    "chart.age" => "Age of oldest (s)", "가장 오래된 메시지 나이 (초)";
    "chart.sent" => "Sent", "전송";
    "chart.received" => "Received", "수신";
    "chart.deleted" => "Deleted", "삭제";
    "chart.empty_receives" => "Empty receives", "빈 응답";
    "chart.published" => "Published", "발행";
    "chart.delivered" => "Delivered", "전달됨";
    "chart.filtered_out" => "Filtered out", "필터로 걸러짐";
    "chart.failed" => "Given up", "전달 포기";
    "chart.incoming_records" => "Records in", "들어온 레코드";
    "chart.write_throttled" => "Writes throttled", "스로틀링된 쓰기";
    "chart.read_throttled" => "Reads throttled", "스로틀링된 읽기";
    "chart.behind_ms" => "Behind the newest (ms)", "최신 레코드보다 뒤처짐 (ms)";
    "summary.sqs" => "SQS queues", "SQS 큐";
    "summary.sns" => "SNS topics", "SNS 토픽";
    "summary.kinesis" => "Kinesis streams", "Kinesis 스트림";
    "summary.total" => "Every service", "모든 서비스 합계";
    "summary.sns.published" => "Published", "발행";
    "summary.sns.delivered" => "Delivered", "전달됨";
    "summary.sns.filtered_out" => "Filtered out", "필터로 걸러짐";
    "summary.sns.retried" => "Delivery retries", "전달 재시도";
    "summary.sns.failed" => "Given up", "전달 포기";
    "summary.sns.to_dlq" => "Sent to a DLQ", "DLQ로 보냄";
    "summary.sns.lost" => "Lost (no DLQ)", "사라짐 (DLQ 없음)";
    "summary.kinesis.records_in" => "Records in", "들어온 레코드";
    "summary.kinesis.throttled" => "Writes throttled", "스로틀링된 쓰기";
    "summary.kinesis.read_throttled" => "Reads throttled", "스로틀링된 읽기";
    "summary.kinesis.resent" => "Records resent", "다시 보낸 레코드";
    "summary.kinesis.read_by" => "Read by {name}", "{name}이(가) 읽음";
    "summary.kinesis.processed_twice" => "Processed twice", "두 번 처리됨";
    "summary.kinesis.behind" => "Behind the newest record (now)", "최신 레코드보다 뒤처짐 (지금)";
    "summary.requests.sqs" => "SQS requests", "SQS 요청";
    "summary.requests.sns" => "SNS publishes", "SNS 발행 요청";
    "summary.requests.kinesis" => "Kinesis calls", "Kinesis 호출";
    "summary.requests_note" =>
        "SQS: billed requests; SNS: Publish and PublishBatch; Kinesis: PutRecord, PutRecords and GetRecords calls",
        "SQS는 과금 요청, SNS는 Publish와 PublishBatch, Kinesis는 PutRecord·PutRecords·GetRecords 호출을 셉니다";

    // The course: checkpoints in words ({what} is the lesson's label or the event's name).
    "check.part" => "{what}: {n} {scope} (goal {op} {goal})", "{what}: {scope} {n} (목표 {op} {goal})";
    "check.in_last" => "in the last {window}", "최근 {window} 동안";
    "check.now" => "now", "지금";
    "check.window_min" => "{n} min", "{n}분";
    "check.window_s" => "{n} s", "{n}초";
    "check.receive_count" => "received {n}+ times", "{n}회 이상 수신";
    "check.watching" => ", watched {s} of {window} s so far", ", {window}초 중 {s}초째 지켜보는 중";

    // The course on the page.
    "learn.open" => "Learn", "배우기";
    "learn.modes" => "Learn or free lab", "배우기 또는 자유 실습";
    "learn.back_to_lab" => "Free lab", "자유 실습";
    "learn.map" => "Course", "코스";
    "learn.loading" => "Loading…", "불러오는 중…";
    "learn.coming" => "coming", "준비 중";
    "learn.done" => "done", "완료";
    "learn.look_at" => "Look at {name}", "{name}을(를) 보세요";
    "learn.step_of" => "Step {n} of {total}", "{total}단계 중 {n}단계";
    "learn.keys" => "← / → keys move between steps", "← / → 키로 단계 이동";
    "learn.back" => "Back", "이전";
    "learn.next" => "Next", "다음";
    "learn.task" => "Your task", "과제";
    "learn.passed" => "Checkpoint passed", "체크포인트 통과";
    "learn.not_yet" => "Not yet — press Play and watch", "아직이다. 재생을 누르고 지켜보자";
    "learn.hint" => "Hint", "힌트";
    "learn.show_me" => "Show me", "정답 보기";
    "learn.questions" => "Questions", "확인 문제";
    "learn.right" => "Right.", "정답.";
    "learn.wrong" => "Not quite.", "아쉽다.";
    "learn.see_lesson" => "See the lesson", "해당 레슨 보기";

    // Added on the course2 branch (one block, to merge easily).
    "producer.resend_every" => "Resend every Nth send (lost answer)", "N번째마다 재전송(응답 유실)";
}
