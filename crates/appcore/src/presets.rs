//! The preset scenarios: each is a real scenario in the engine's format
//! (`scenarios/presets/<id>.json`), with a title and a one-paragraph explanation in English and
//! Korean that says what to watch and which AWS rule makes it happen. Each shows its effect
//! within one to three virtual minutes; `tests/presets.rs` runs every one and checks it.

use crate::i18n::Lang;

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
    /// The scenario, as the engine reads it (`Scenario::from_json`).
    pub scenario_json: &'static str,
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
            scenario_json: include_str!(concat!("../../../scenarios/presets/", $id, ".json")),
        }
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

pub fn explanation(id: &str, lang: Lang) -> &'static str {
    let (en, ko) = match id {
        "decoupling" => (
            "At 20 s the web tier sends a burst of 300 orders at once, far faster than the two \
             workers can process them. Watch ApproximateNumberOfMessagesVisible jump, then fall \
             back to zero as the workers catch up at their own pace. The producer was done the \
             moment SendMessageBatch returned, and no order was refused: the queue is a buffer between \
             the two services, so a spike, or a slow or even stopped consumer, does not push back \
             on the producer. That is decoupling. The messages are safe only for the queue's \
             MessageRetentionPeriod (4 days by default), so the backlog must still be drained. \
             Lower the number of consumers to 1 and the backlog takes longer to drain; in \
             production an Auto Scaling group adds workers when CloudWatch shows the backlog per \
             instance growing.",
            "20초에 웹 서버가 주문 300건을 한꺼번에 보냅니다. 워커 두 대가 처리할 수 있는 속도보다 \
             훨씬 빠르죠. ApproximateNumberOfMessagesVisible이 치솟았다가, 워커들이 자기 속도대로 \
             따라잡으면서 다시 0으로 내려가는 것을 지켜보세요. 생산자는 SendMessageBatch가 반환된 순간 \
             할 일을 끝냈고, 거절된 주문은 하나도 없습니다. 큐가 두 서비스 사이의 버퍼 역할을 하므로 \
             요청이 몰리거나 소비자가 느려도(심지어 멈춰도) 생산자는 영향을 받지 않습니다. 이것이 \
             디커플링입니다. 다만 메시지는 큐의 보존 기간(MessageRetentionPeriod, 기본 4일) 동안만 \
             안전하므로, 쌓인 메시지는 결국 처리해야 합니다. 소비자 수를 1로 줄이면 백로그가 빠지는 \
             데 더 오래 걸립니다. 실제 운영에서는 인스턴스당 백로그를 CloudWatch로 감지해 Auto Scaling \
             그룹이 워커를 늘립니다.",
        ),
        "visibility-too-short" => (
            "Each worker needs about 8 s to process a message, but the queue's VisibilityTimeout \
             is 5 s. A received message is hidden from other consumers only for the timeout; the \
             worker has not called DeleteMessage by then, so the message becomes visible again \
             (MessageVisible, reason VisibilityTimeoutExpired) and another worker receives and \
             processes it a second time. The first worker's late DeleteMessage carries an old \
             receipt handle: on a standard queue it succeeds but deletes nothing. Watch the \
             counter \"Received 2+ times\" climb (each is a message processed again), \
             NumberOfMessagesReceived run ahead of NumberOfMessagesSent in the queue table, and \
             the backlog grow because capacity is wasted on repeats. \"Duplicate deliveries\" \
             stays near 0: it counts only the rare extra copy a standard queue hands out on its \
             own, not these redeliveries. The fix is a VisibilityTimeout \
             longer than the processing time (compare with the preset next to it), or a worker \
             that extends it with ChangeMessageVisibility (a heartbeat) while it works. Even then \
             a standard queue delivers at least once, so consumers must be idempotent.",
            "워커는 메시지 하나를 처리하는 데 8초쯤 걸리는데, 큐의 가시성 타임아웃(VisibilityTimeout)은 \
             5초입니다. 받은 메시지는 타임아웃 동안만 다른 소비자에게서 숨겨집니다. 그 안에 \
             DeleteMessage가 호출되지 않으니 메시지는 다시 가시 상태가 되고(MessageVisible, 이유 \
             VisibilityTimeoutExpired), 다른 워커가 받아서 한 번 더 처리합니다. 첫 번째 워커가 뒤늦게 \
             호출한 DeleteMessage는 이전 수신 핸들(receipt handle)을 쓰기 때문에, 표준 큐에서는 성공으로 \
             응답하지만 아무것도 삭제하지 않습니다. \"2+번 수신됨\" 카운터가 올라가고(하나하나가 다시 \
             처리된 메시지), 큐 표에서 NumberOfMessagesReceived가 NumberOfMessagesSent를 앞지르고, 같은 \
             일을 반복하느라 처리 용량이 낭비되어 백로그가 쌓이는 것을 확인하세요. \"중복 전달\"은 0 \
             근처에 머뭅니다. 이 카운터는 표준 큐가 드물게 스스로 한 부 더 내주는 경우만 세고, 이런 \
             재전달은 세지 않기 때문입니다. 해결책은 가시성 \
             타임아웃을 처리 시간보다 길게 잡거나(옆 프리셋과 비교해 보세요), 처리 중에 \
             ChangeMessageVisibility로 타임아웃을 연장(하트비트)하는 것입니다. 그래도 표준 큐는 최소 한 번(At Least \
             Once) 전달하므로 소비자는 멱등하게 만들어야 합니다.",
        ),
        "visibility-ok" => (
            "The same workers and the same traffic, but VisibilityTimeout is 30 s (the default), \
             longer than the 8 s or so each message takes. A received message stays hidden until \
             the worker deletes it, so each message is processed once and none comes back with \
             VisibilityTimeoutExpired. Do not set it far longer than needed either: when a worker \
             crashes, its messages stay invisible for the whole timeout before anyone can retry \
             them. Raise the crash probability above 0 to see that wait.",
            "워커와 트래픽은 그대로이고, 가시성 타임아웃만 30초(기본값)로 메시지 하나의 처리 시간(8초쯤)보다 \
             깁니다. 받은 메시지는 워커가 삭제할 때까지 숨겨져 있으므로 모든 메시지가 한 번씩만 처리되고, \
             VisibilityTimeoutExpired로 되돌아오는 메시지도 없습니다. 그렇다고 필요 이상으로 길게 잡아도 \
             안 됩니다. 워커가 죽으면 그 워커가 받은 메시지는 타임아웃이 끝날 때까지 아무도 다시 처리할 수 \
             없기 때문입니다. 비정상 종료 확률을 0보다 크게 올려서 그 기다림을 직접 확인해 보세요.",
        ),
        "short-polling" => (
            "One message arrives each second, and two workers call ReceiveMessage without a wait \
             time; the queue's ReceiveMessageWaitTimeSeconds is 0 (the default), so every call is \
             a short poll. A short poll answers at once, even when there is nothing to return, and \
             asks only a subset of SQS's servers, so it can come back empty although messages are \
             waiting (a false empty). Watch NumberOfEmptyReceives climb by thousands a minute, and \
             the request count and the cost with it: an empty response is a billed request like \
             any other. Compare with long polling on the same traffic.",
            "메시지는 1초에 하나씩 들어오고, 워커 두 대가 대기 시간 없이 ReceiveMessage를 호출합니다. 큐의 \
             ReceiveMessageWaitTimeSeconds가 0(기본값)이라 모든 호출이 쇼트 폴링입니다. 쇼트 폴링은 \
             돌려줄 메시지가 없어도 즉시 응답하고, SQS 서버 중 일부만 조회하기 때문에 메시지가 있는데도 \
             빈 응답이 올 수 있습니다(false empty). NumberOfEmptyReceives가 1분에 수천 건씩 늘고, 요청 \
             수와 비용도 함께 오르는 것을 지켜보세요. 빈 응답도 다른 요청과 똑같이 과금됩니다. 같은 \
             트래픽의 롱 폴링과 비교해 보세요.",
        ),
        "long-polling" => (
            "The same traffic and workers, but the queue's ReceiveMessageWaitTimeSeconds is 20, \
             so every ReceiveMessage is a long poll. It asks all servers and waits up to 20 s: it \
             returns as soon as a message arrives, and comes back empty only when the wait runs \
             out. Empty receives almost vanish, and requests and cost fall to a few percent of short \
             polling's, while messages are received just as soon as before. A WaitTimeSeconds given in the \
             call overrides the queue attribute. Long polling is the right default for most \
             consumers.",
            "트래픽과 워커는 같지만, 큐의 ReceiveMessageWaitTimeSeconds가 20이라 모든 ReceiveMessage가 \
             롱 폴링이 됩니다. 롱 폴링은 모든 서버를 조회하고 최대 20초까지 기다리다가, 메시지가 도착하면 \
             즉시 반환하고 대기 시간이 다 지나야만 빈 응답을 보냅니다. 빈 응답은 거의 사라지고, 메시지는 \
             여전히 바로바로 전달되면서 요청 수와 비용은 쇼트 폴링의 몇 퍼센트 수준으로 줄어듭니다. 호출할 때 지정한 \
             WaitTimeSeconds가 큐 속성보다 우선합니다. 대부분의 소비자에게는 롱 폴링이 알맞은 기본값입니다.",
        ),
        "fifo-groups" => (
            "A FIFO queue receives orders for three customers, each with its own MessageGroupId, \
             and six workers poll it. Only three workers are busy at any moment: while a message \
             of a group is in flight, SQS returns no other message of that group (the group is \
             locked). So the messages of one group are processed one at a time, strictly in the \
             order they were sent, the groups are processed in parallel with each other, and the \
             other three workers wait in their long polls while a backlog builds. Adding \
             consumers does not help; adding message groups does (one per customer or per order, \
             say): set the producer's message groups to 6 and the backlog drains. The producer \
             sets a MessageDeduplicationId on each message, so a send retried within 5 minutes is \
             not enqueued twice.",
            "FIFO 큐에 고객 세 명의 주문이 들어옵니다. 고객마다 자기 MessageGroupId가 있고, 워커 여섯 대가 \
             큐를 폴링합니다. 그런데 어느 순간에 보아도 일하는 워커는 세 대뿐입니다. 어떤 그룹의 메시지가 \
             처리 중(in flight)이면 SQS는 같은 그룹의 다른 메시지를 내주지 않기 때문입니다(그룹 잠김). \
             그래서 한 그룹의 메시지는 보낸 순서 그대로 하나씩 처리되고, 서로 다른 그룹끼리만 병렬로 \
             처리됩니다. 나머지 세 워커가 롱 폴링으로 기다리는 동안 백로그는 계속 쌓입니다. 소비자를 \
             늘려도 소용이 없고, 메시지 그룹을 늘려야 빨라집니다(예: 고객별 또는 주문별 그룹). 생산자의 \
             메시지 그룹 수를 6으로 바꾸면 백로그가 빠지는 것을 볼 수 있습니다. 생산자가 메시지마다 \
             MessageDeduplicationId를 붙이므로, 5분 안에 같은 메시지를 다시 보내도 큐에는 한 번만 \
             들어갑니다.",
        ),
        "poison-dlq" => (
            "Every 10th order is a poison pill: a message the worker can never process (a \
             malformed body, a bug), so it never deletes it. Each time, the message comes back \
             after the 5 s VisibilityTimeout and fails again. Besides, one attempt in ten fails \
             for a passing reason (a dependency that is briefly down); those messages succeed on \
             a later try. The queue's RedrivePolicy names a dead-letter queue with \
             maxReceiveCount 3: a message received 3 times without being deleted is moved to \
             orders-dlq instead of being delivered again. Watch the DLQ collect the poison pills \
             (and the rare unlucky message) while the rest flow on: one bad message cannot block \
             the queue or loop forever. Once the bug is fixed, a redrive (StartMessageMoveTask) \
             moves the messages from the DLQ back to the source queue, each with a new \
             MessageId: tick \"handles poison messages\" for the worker, then press Redrive.",
            "주문 10개마다 하나는 독성 메시지(poison pill)입니다. 본문이 잘못됐거나 버그 때문에 워커가 \
             절대 처리하지 못하는 메시지라서, 워커는 이 메시지를 삭제하지 못합니다. 그래서 매번 5초의 \
             가시성 타임아웃이 지나면 돌아와 다시 실패합니다. 그 밖에도 시도 10번 중 1번은 잠깐 죽은 \
             의존 서비스 같은 일시적인 이유로 실패하는데, 이런 메시지는 다음 시도에서 성공합니다. 큐의 \
             RedrivePolicy는 maxReceiveCount 3으로 데드레터 큐(DLQ)를 지정하고 있어서, 삭제되지 않은 \
             채 3번 수신된 메시지는 다시 전달되지 않고 orders-dlq로 옮겨집니다. 독성 메시지(와 드물게 \
             운 나쁜 메시지)만 DLQ에 모이고 나머지는 계속 흘러가는 것을 확인하세요. 나쁜 메시지 하나가 \
             큐를 막거나 끝없이 반복되지 않습니다. 버그를 고친 뒤에는 리드라이브(StartMessageMoveTask)로 \
             DLQ의 메시지를 원래 큐로 되돌릴 수 있고, 이때 메시지마다 새 MessageId가 붙습니다. 워커의 \
             \"독성 메시지 처리\"를 체크한 다음 리드라이브 버튼을 눌러 보세요.",
        ),
        "delay-queue" => (
            "The queue's DelaySeconds is 20: every message sent to it stays hidden for 20 s from \
             the moment it is enqueued (MessageSent shows when it will become visible), then \
             becomes visible (MessageVisible, reason DelayEnded) and the worker receives it. Watch \
             ApproximateNumberOfMessagesDelayed hold at about 20 while visible messages stay near \
             zero. A delay starts when a message is sent; a visibility timeout starts when it is \
             received. The range is 0 to 900 s (15 minutes). On a standard queue a per-message \
             timer (DelaySeconds in SendMessage) overrides the queue's delay; a FIFO queue has only \
             the queue-level delay.",
            "큐의 DelaySeconds가 20이라서, 큐에 들어온 메시지는 들어온 순간부터 20초 동안 \
             숨겨집니다(MessageSent에 언제 보이게 되는지 나옵니다). 그 뒤 가시 상태가 되면(MessageVisible, 이유 \
             DelayEnded) 워커가 받아 갑니다. ApproximateNumberOfMessagesDelayed는 20 근처를 유지하고 \
             가시 상태 메시지는 거의 0인 것을 확인하세요. 지연은 메시지를 보낸 순간부터, 가시성 타임아웃은 \
             메시지를 받은 순간부터 시작합니다. 범위는 0–900초(15분)입니다. 표준 큐에서는 메시지별 \
             타이머(SendMessage의 DelaySeconds)가 큐의 지연보다 우선하고, FIFO 큐에는 큐 단위 지연만 \
             있습니다.",
        ),
        "sns-fanout" => (
            "The web tier publishes each order once, to the topic orders; SNS delivers a copy to \
             every subscribed queue: billing, shipping and analytics. Each queue stores its own \
             copies and each worker takes them at its own pace, so the slow shipping worker falls \
             behind after the burst at 30 s without slowing billing or analytics down, and the \
             publisher never waits for any of them. Adding a fourth consumer of orders means one \
             more subscription, not a change to the publisher. billing receives the SNS JSON \
             envelope (Type, MessageId, TopicArn, Message, Timestamp, signature fields); shipping \
             has RawMessageDelivery on and receives the bare message. Every copy to SQS is billed \
             as the queue's SendMessage; the publish itself as one SNS request per 64 KB.",
            "웹 계층은 주문을 orders 토픽에 한 번만 발행하고, SNS는 구독한 큐마다(billing, shipping, \
             analytics) 한 부씩 전달합니다. 큐는 각자 자기 사본을 보관하고 워커는 각자 속도대로 가져가므로, \
             30초의 버스트 뒤 느린 shipping 워커가 밀려도 billing이나 analytics는 느려지지 않고, 발행자는 \
             누구도 기다리지 않습니다. 주문을 쓰는 소비자를 하나 더 붙이려면 구독을 하나 더 만들면 되고, \
             발행자는 바꿀 필요가 없습니다. billing은 SNS JSON 봉투(Type, MessageId, TopicArn, Message, \
             Timestamp, 서명 필드)를 받고, RawMessageDelivery를 켠 shipping은 메시지 원문만 받습니다. SQS로 \
             가는 사본은 큐의 SendMessage로, 발행은 64KB마다 SNS 요청 하나로 과금됩니다.",
        ),
        "sns-filter" => (
            "Two producers publish to one topic, each message with a store attribute. Three \
             subscriptions carry filter policies, so each queue gets only what it asked for: \
             north-store has {\"store\":[\"north\"]}, other-stores has {\"store\":[{\"anything-but\": \
             \"north\"}]}, and mobile-orders filters the JSON body (FilterPolicyScope MessageBody) \
             on {\"producer\":[\"mobile-app\"]}. A message a policy rejects stops at that \
             subscription's filter and counts in NumberOfNotificationsFilteredOut (or its \
             -MessageBody variant); it is not delivered and not billed as a delivery. Filtering in \
             SNS saves every subscriber from receiving and discarding what is not theirs. Keys are \
             ANDed, values in a key's list are ORed; a policy has at most 5 keys and 150 \
             combinations.",
            "두 생산자가 한 토픽에 발행하고, 메시지마다 store 속성이 붙어 있습니다. 세 구독에 필터 정책이 \
             있어서 큐마다 원하는 것만 받습니다. north-store는 {\"store\":[\"north\"]}, other-stores는 \
             {\"store\":[{\"anything-but\":\"north\"}]}, mobile-orders는 JSON 본문(FilterPolicyScope \
             MessageBody)의 {\"producer\":[\"mobile-app\"]}로 거릅니다. 정책이 거절한 메시지는 그 구독의 \
             필터에서 멈추고 NumberOfNotificationsFilteredOut(또는 -MessageBody)으로 세어지며, 전달되지도 \
             전달 요금이 붙지도 않습니다. SNS에서 거르면 구독자마다 자기 것이 아닌 메시지를 받아서 버리는 일이 \
             없어집니다. 키끼리는 AND, 한 키의 값 목록 안에서는 OR이고, 정책 하나에 키는 5개, 조합은 150개까지입니다.",
        ),
        "sns-fifo" => (
            "payments.fifo is a FIFO topic: every payment carries a MessageGroupId (its account) \
             and a deduplication ID, and gets a SequenceNumber. SNS delivers each group's messages \
             to the subscribed FIFO queues in the order they were published, so the ledger applies \
             every account's payments in order while three ledger workers share the three groups \
             — parallel across groups, one at a time within a group. A FIFO topic delivers only \
             to SQS queues, and takes 3,000 messages per second per topic \
             (FifoThroughputScope Topic) before it throttles.",
            "payments.fifo는 FIFO 토픽입니다. 결제마다 MessageGroupId(계좌)와 중복 제거 ID가 붙고 \
             SequenceNumber를 받습니다. SNS는 그룹마다 발행된 순서대로 구독한 FIFO 큐에 전달하므로, 장부 워커 \
             셋이 세 그룹을 나눠 맡아도 계좌마다 결제는 순서대로 반영됩니다. 그룹끼리는 병렬, 한 그룹 안에서는 \
             한 번에 하나입니다. FIFO 토픽은 SQS 큐에만 전달하고, 토픽당 초당 3,000건(FifoThroughputScope \
             Topic)을 넘으면 요청이 제한됩니다.",
        ),
        "sns-http-retries" => (
            "The topic alerts has two subscribers: an SQS audit queue, which takes every copy at \
             once, and an HTTPS webhook that answers 503 three times out of four. SNS does not \
             give up on the first failure: with the HTTP/S default delivery policy it retries 3 \
             times, 20 s apart. A copy that fails all four attempts goes to the subscription's \
             dead-letter queue (RedrivePolicy → webhook-dlq) instead of being lost; without one it \
             would be discarded. Client errors (4xx) are not retried at all. A DeliveryPolicy can \
             change the schedule: immediate retries, then a backoff (linear, arithmetic, geometric \
             or exponential) between minDelayTarget and maxDelayTarget, at most 100 retries and \
             an hour. Deliveries to SQS and Lambda retry far longer (100,015 times over 23 days).",
            "alerts 토픽에는 구독자가 둘 있습니다. 모든 사본을 바로 받는 SQS audit 큐, 그리고 네 번에 세 번은 \
             503으로 답하는 HTTPS 웹훅입니다. SNS는 한 번 실패했다고 포기하지 않습니다. HTTP/S 기본 전달 \
             정책에 따라 20초 간격으로 3번 재시도합니다. 네 번 모두 실패한 사본은 버려지는 대신 구독의 \
             데드레터 큐(RedrivePolicy → webhook-dlq)로 갑니다. DLQ가 없으면 버려집니다. 클라이언트 오류(4xx)는 \
             재시도하지 않습니다. DeliveryPolicy로 일정을 바꿀 수 있습니다: 즉시 재시도, 그다음 \
             minDelayTarget과 maxDelayTarget 사이의 백오프(linear, arithmetic, geometric, exponential), \
             최대 100번, 한 시간까지. SQS와 Lambda로의 전달은 훨씬 오래 재시도합니다(23일 동안 100,015번).",
        ),
        "sns-alone" => (
            "SNS pushes: every order is delivered to the HTTPS service as soon as it is published. \
             The service is struggling: from the first order on it accepts only about 3 requests \
             in 10 and answers 503 to the rest, so deliveries fail all along, and the burst of 50 \
             at 10 s makes many fail at once. SNS retries each 3 times, 20 s apart (\"Delivery \
             retries\" in the summary), and then the message is gone: \"Lost (no DLQ)\" and \
             NumberOfNotificationsFailed count it, about one order in four. SNS does not store \
             messages for a subscriber that cannot keep up. Compare side by side with SNS + SQS.",
            "SNS는 밀어 넣습니다. 주문이 발행되는 즉시 HTTPS 서비스로 전달합니다. 서비스는 힘겨운 \
             상태라서 첫 주문부터 요청 10개 중 3개쯤만 받고 나머지에는 503으로 응답합니다. 그래서 전달은 \
             처음부터 계속 실패하고, 10초에 50건의 버스트가 오면 한꺼번에 많이 실패합니다. SNS는 각각을 \
             20초 간격으로 3번 재시도하고(요약의 \"전달 재시도\"), 그래도 안 되면 메시지는 사라집니다. \
             \"사라짐 (DLQ 없음)\"과 NumberOfNotificationsFailed가 이를 세며, 주문 네 건 중 한 건쯤입니다. \
             SNS는 따라오지 못하는 구독자를 위해 메시지를 보관해 주지 않습니다. SNS + SQS와 나란히 \
             비교해 보세요.",
        ),
        "sns-with-sqs" => (
            "The same publisher and the same burst, but the topic's subscriber is an SQS queue, and \
             the service pulls from it with long polling at its own pace. The queue takes every \
             copy at once and keeps it (up to 14 days): the burst becomes a backlog that drains, \
             nothing is lost and nothing is retried against a struggling service. This is what SQS \
             adds to SNS: storage, buffering, and retries under the consumer's control (visibility \
             timeout, dead-letter queue). Compare side by side with SNS alone.",
            "같은 발행자, 같은 버스트지만 토픽의 구독자가 SQS 큐이고, 서비스는 롱 폴링으로 자기 속도대로 \
             가져갑니다. 큐는 모든 사본을 바로 받아 보관하므로(최대 14일) 버스트는 줄어드는 백로그가 될 뿐, \
             잃어버리는 것도 힘겨운 서비스에 재시도를 퍼붓는 일도 없습니다. SQS가 SNS에 더해 주는 것이 바로 \
             이것입니다: 보관, 버퍼링, 그리고 소비자가 정하는 재시도(가시성 타임아웃, 데드레터 큐). SNS만 쓸 \
             때와 나란히 비교해 보세요.",
        ),
        "s3-thumbnails" => (
            "Two apps upload to the bucket shop-photos. Its event notification configuration sends \
             s3:ObjectCreated:* events for keys ending in .jpg to the SNS topic photo-uploads, so \
             each photo, about a second after its PutObject, becomes a message whose body is the \
             S3 Records JSON (bucket, key — URL-encoded, a space becomes + — size, eTag, \
             sequencer); the notes-app's .txt uploads notify nobody. The topic fans the event out \
             to a Lambda thumbnailer (invoked asynchronously, at most 5 at a time) and to an SQS \
             queue that keeps an audit trail. S3 can notify only standard topics, not FIFO ones, \
             and saving the configuration itself publishes an s3:TestEvent first.",
            "두 앱이 shop-photos 버킷에 업로드합니다. 버킷의 이벤트 알림 설정은 키가 .jpg로 끝나는 \
             s3:ObjectCreated:* 이벤트를 SNS 토픽 photo-uploads로 보내므로, 사진은 PutObject 뒤 약 1초 만에 \
             S3 Records JSON(버킷, 키 — URL 인코딩되어 공백은 +가 됩니다 — 크기, eTag, sequencer)을 본문으로 \
             하는 메시지가 됩니다. notes-app의 .txt 업로드는 아무 알림도 보내지 않습니다. 토픽은 이 이벤트를 \
             Lambda 썸네일러(비동기 호출, 동시에 최대 5개)와 감사 기록을 남기는 SQS 큐로 팬아웃합니다. S3는 \
             표준 토픽에만 알릴 수 있고 FIFO 토픽에는 못 보내며, 설정을 저장하는 순간 먼저 s3:TestEvent가 \
             발행됩니다.",
        ),
        "sns-mobile-push" => (
            "One announcement goes out through three channels: a phone app through FCM (protocol \
             application, a platform endpoint ARN, where SNS still names FCM by its old name GCM), SMS to a phone number, and email. These \
             endpoints are outside AWS, so SNS uses the customer-managed retry policy: no \
             immediate retries, 2 at 10 s, 10 with exponential backoff up to 600 s, then 38 at 600 \
             s — 50 attempts over more than 6 hours. Each channel has its own latency and failure \
             rate; watch the email branch retry. Pricing differs by channel: push $0.50 per million, \
             email $2 per 100,000, SMS priced per message by country (the cost meter shows it).",
            "공지 하나가 세 채널로 나갑니다. FCM을 거친 휴대폰 앱(protocol application, 플랫폼 엔드포인트 \
             ARN, SNS는 FCM을 아직 옛 이름 GCM으로 부릅니다), 전화번호로 가는 SMS, 그리고 이메일입니다. 이 엔드포인트들은 AWS 밖에 있으므로 SNS는 \
             고객 관리형 재시도 정책을 씁니다: 즉시 재시도 없음, 10초 간격 2번, 600초까지 지수 백오프로 \
             10번, 그다음 600초 간격 38번, 6시간 넘게 모두 50번입니다. 채널마다 지연과 실패율이 다르니 \
             이메일 쪽 재시도를 지켜보세요. 요금도 채널마다 다릅니다: 푸시는 100만 건에 0.50달러, 이메일은 \
             10만 건에 2달러, SMS는 나라별로 건당(비용 미터에 나옵니다).",
        ),
        "kinesis-ordering" => (
            "The checkout writes each order to the stream orders with PutRecord, using the \
             customer as the partition key. Kinesis takes the MD5 of the key as a 128-bit hash \
             key and puts the record on the shard whose hash-key range holds it: each lane is a \
             shard, labelled with its share of the key space, and each colour is a customer. \
             Every record of a customer lands on the same shard, in the order it was written, \
             with a sequence number that grows within the shard; customers that hash to \
             different shards are spread across them, and there is no order across shards. A \
             stream does not delete what it delivers: records stay until the retention period \
             (24 hours by default) ends, for any number of readers to read and re-read.",
            "체크아웃은 주문마다 고객을 파티션 키로 삼아 PutRecord로 orders 스트림에 씁니다. Kinesis는 \
             키의 MD5를 128비트 해시 키로 보고, 그 값이 해시 키 범위에 드는 샤드에 레코드를 넣습니다. 레인 \
             하나가 샤드 하나이고(키 공간에서 맡은 비율이 적혀 있습니다), 색 하나가 고객 한 명입니다. 한 \
             고객의 레코드는 모두 같은 샤드에, 쓴 순서대로, 샤드 안에서 커지는 시퀀스 번호를 달고 \
             쌓입니다. 다른 샤드로 해시되는 고객들은 샤드에 나뉘어 들어가고, 샤드 사이에는 순서가 \
             없습니다. 스트림은 전달한 것을 지우지 않습니다. 레코드는 보존 기간(기본 24시간)이 끝날 때까지 \
             남아 있어 여러 소비자가 몇 번이든 읽을 수 있습니다.",
        ),
        "kinesis-hot-key" => (
            "One device, sensor-hot, sends 1,200 records a second, all with its own partition \
             key, so all of them go to one shard — and a shard takes at most 1,000 records (or \
             1 MB) a second of writes. Watch its lane: the excess is refused with \
             ProvisionedThroughputExceededException (the red marks bouncing off the lane's \
             entry, counted as WriteProvisionedThroughputExceeded), while the other shard, \
             carrying the rest of the fleet, has room to spare. Adding shards does not help a \
             single key: one key always maps to one shard. Spread the load with more distinct \
             keys (e.g. device id plus a suffix), or batch several readings into one record.",
            "장치 하나(sensor-hot)가 자기 파티션 키로 초당 1,200개의 레코드를 보내므로 모두 한 샤드로 \
             갑니다. 그런데 샤드 하나는 쓰기를 초당 최대 1,000개(또는 1MB)까지만 받습니다. 그 샤드의 \
             레인을 보세요. 넘치는 만큼은 ProvisionedThroughputExceededException으로 거절되고(레인 \
             입구에서 튕겨 나가는 빨간 표시, WriteProvisionedThroughputExceeded로 집계), 나머지 장치들을 \
             나르는 다른 샤드는 여유가 있습니다. 샤드를 늘려도 키 하나에는 소용이 없습니다. 키 하나는 \
             언제나 샤드 하나로 가기 때문입니다. 키를 더 다양하게 나누거나(장치 ID + 접미사 등), 여러 \
             측정값을 레코드 하나에 묶어 보내세요.",
        ),
        "kinesis-reshard" => (
            "The web tier writes 1,500 records a second, spread over many keys, into a stream \
             with one shard — which takes 1,000. A third of the writes bounce off with \
             ProvisionedThroughputExceededException. Press UpdateShardCount → 2 (or SplitShard): \
             the stream goes UPDATING for a few seconds, then the shard closes — it is greyed, \
             keeps its records until retention, and takes no more writes — and two children \
             share its hash-key range and the load, so the throttling stops. A consumer reads a \
             closed parent to its end before its children, so per-key order survives the \
             split. UpdateShardCount can at most double or halve the open shards per call, and \
             only 10 times in a rolling 24 hours.",
            "웹 계층이 여러 키로 나눠 초당 1,500개의 레코드를 샤드가 하나뿐인 스트림에 씁니다. 샤드 하나는 \
             1,000개까지만 받으므로 쓰기의 3분의 1이 ProvisionedThroughputExceededException으로 \
             튕겨 나갑니다. UpdateShardCount → 2(또는 SplitShard)를 누르면 스트림이 몇 초 동안 \
             UPDATING이 되었다가 샤드가 닫힙니다. 닫힌 샤드는 회색이 되고, 보존 기간까지 레코드를 \
             간직하지만 더는 쓰기를 받지 않습니다. 두 자식 샤드가 그 해시 키 범위와 부하를 나눠 맡으므로 \
             스로틀링이 멈춥니다. 소비자는 닫힌 부모를 끝까지 읽은 뒤에 자식을 읽으므로 키별 순서가 \
             유지됩니다. UpdateShardCount는 한 번에 열린 샤드 수를 최대 두 배 또는 절반까지만 바꿀 수 \
             있고, 24시간 동안 10번까지만 호출할 수 있습니다.",
        ),
        "kinesis-provisioned" => (
            "A provisioned stream has the capacity of its shards: here 2 shards, so 2,000 \
             records (or 2 MB) a second of writes. The shop writes a steady 500 a second; at \
             30 s a flash sale adds 3,000 a second for half a minute, and everything over the \
             two shards' capacity is refused with ProvisionedThroughputExceededException (red \
             marks at the lanes' entries; WriteProvisionedThroughputExceeded). You pay per \
             shard-hour whether it is busy or idle, plus per million PUT payload units (25 KB \
             each). Compare with the on-demand stream: same load, no throttling, billed by the \
             gigabyte instead.",
            "프로비저닝 스트림의 용량은 샤드 수로 정해집니다. 여기서는 샤드 2개이므로 쓰기는 초당 2,000개 \
             (또는 2MB)까지입니다. 상점은 초당 500개를 꾸준히 쓰고, 30초에 플래시 세일이 30초 동안 초당 \
             3,000개를 더합니다. 두 샤드의 용량을 넘는 쓰기는 모두 ProvisionedThroughputExceededException \
             으로 거절됩니다(레인 입구의 빨간 표시, WriteProvisionedThroughputExceeded). 요금은 바쁘든 한가하든 \
             샤드-시간 단위로, 여기에 PUT 페이로드 단위(25KB) 백만 개당 요금이 더해집니다. 온디맨드 \
             스트림과 비교해 보세요. 같은 부하에 스로틀링 없이, 대신 GB 단위로 과금됩니다.",
        ),
        "kinesis-on-demand" => (
            "The same load on an on-demand stream. It starts with 4 MB/s (4,000 records/s) of \
             write capacity and adapts to traffic — up to twice the peak of the previous 30 \
             days — so the flash sale goes through without throttling. A jump to more than \
             twice the previous peak within 15 minutes could still be throttled, and a single \
             partition key is still limited to one shard's 1 MB/s. You pay per GB written and \
             read (plus a per-stream hourly charge) instead of per shard-hour: cheap for spiky \
             or unknown traffic, dearer than well-sized shards for a steady high load. Compare \
             the cost meters side by side.",
            "같은 부하를 온디맨드 스트림에 보냅니다. 온디맨드는 쓰기 용량 4MB/s(초당 4,000개)로 시작해 \
             트래픽에 맞춰 늘어납니다(지난 30일 최고치의 두 배까지). 그래서 플래시 세일도 스로틀링 없이 \
             지나갑니다. 다만 15분 안에 이전 최고치의 두 배를 넘게 뛰면 여전히 스로틀링될 수 있고, 파티션 \
             키 하나는 여전히 샤드 하나의 1MB/s로 제한됩니다. 요금은 샤드-시간이 아니라 쓰고 읽은 GB 단위 \
             (그리고 스트림당 시간 요금)입니다. 들쭉날쭉하거나 예측하기 어려운 트래픽에는 싸고, 꾸준히 높은 \
             부하에는 크기를 잘 맞춘 샤드보다 비쌉니다. 두 비용 계기를 나란히 비교해 보세요.",
        ),
        "kinesis-efo-vs-shared" => (
            "Five applications read the same stream. reports, audit and search poll with \
             GetRecords and share each shard's read limits — 5 calls and 2 MB a second for all \
             of them together — so their calls are throttled (ReadProvisionedThroughputExceeded) \
             and their cursors fall behind: each shows on the lanes how far behind the newest record it is (MillisBehindLatest). fraud and \
             alerts use enhanced fan-out (RegisterStreamConsumer, SubscribeToShard): each gets \
             its own 2 MB/s per shard, pushed to it about 70 ms after a record is written, \
             whatever the other readers do. Enhanced fan-out costs extra per consumer-shard-hour \
             and per GB retrieved; with one or two readers, polling is enough.",
            "다섯 애플리케이션이 같은 스트림을 읽습니다. reports, audit, search는 GetRecords로 폴링하며 \
             샤드의 읽기 한도(모두 합쳐 초당 호출 5번, 2MB)를 나눠 씁니다. 그래서 호출이 스로틀링되고 \
             (ReadProvisionedThroughputExceeded) 커서가 뒤처집니다. 레인 위에 각자가 최신 레코드보다 얼마나 \
             뒤처졌는지(MillisBehindLatest)가 보입니다. fraud와 alerts는 향상된 팬아웃(RegisterStreamConsumer, SubscribeToShard)을 씁니다. \
             각자 샤드당 2MB/s를 따로 받고, 레코드가 쓰인 뒤 약 70ms 만에 밀어 넣어 받으므로 다른 소비자와 \
             상관이 없습니다. 향상된 팬아웃은 소비자-샤드-시간과 읽은 GB마다 추가 요금이 붙습니다. 소비자가 \
             한둘이면 폴링으로 충분합니다.",
        ),
        "kinesis-kcl-failover" => (
            "billing is a KCL application with two workers. They share the four shards through \
             a lease table (one lease per shard, held by one worker, renewed every few seconds) \
             and write a checkpoint — the sequence number processed so far, the green diamond \
             on a lane — every 30 s. The first ×2 comes early, at about 20 s: worker 2 started a \
             few milliseconds before worker 1 and took all four leases, and to balance them \
             worker 1 steals one at once and a second at its next lease check, 20 s later (KCL \
             steals one lease at a time). Worker 2 had not checkpointed that shard yet, so worker \
             1 starts it from TRIM_HORIZON and processes its first 20 s again, while worker 2 \
             goes on processing it until its next renewal finds the lease gone. At 2 minutes \
             worker 1 dies: it stops renewing, its leases expire after the failover time (10 s), \
             and worker 2 takes them and restarts each shard from its last checkpoint. \
             Everything worker 1 had processed after that checkpoint is processed again (×2 on \
             the worker, \"Processed twice\" in the summary): Kinesis consumers are \
             at-least-once, so processing must be idempotent. At 3 minutes worker 1 comes back \
             and the leases are balanced again, from their checkpoints once more. dashboard reads the same stream with enhanced \
             fan-out, untouched by all this.",
            "billing은 워커 두 개로 된 KCL 애플리케이션입니다. 워커들은 리스 테이블로 샤드 네 개를 \
             나눠 맡고(샤드마다 리스 하나, 한 워커가 잡고 몇 초마다 갱신), 30초마다 체크포인트(지금까지 \
             처리한 시퀀스 번호, 레인 위의 초록 마름모)를 씁니다. 첫 ×2는 일찍, 20초쯤에 나옵니다. 워커 2가 \
             워커 1보다 몇 ms 먼저 시작해 리스 네 개를 모두 잡았고, 균형을 맞추려고 워커 1이 하나는 바로, \
             또 하나는 20초 뒤 다음 리스 점검 때 빼앗아 오기 때문입니다(KCL은 한 번에 리스 하나씩만 \
             빼앗습니다). 워커 2가 그 샤드의 체크포인트를 아직 쓰지 않았으므로 워커 1은 TRIM_HORIZON부터 \
             시작해 처음 20초 분량을 다시 처리하고, 워커 2도 다음 갱신에서 리스가 없어진 것을 알기 전까지 \
             그 샤드를 계속 처리합니다. 2분에 워커 1이 죽으면 갱신이 멈추고, 장애 조치 시간(10초)이 지나 \
             리스가 만료되면 워커 2가 가져가 각 샤드를 마지막 체크포인트부터 다시 읽습니다. 워커 1이 그 \
             체크포인트 뒤에 처리했던 레코드는 다시 처리됩니다(워커의 ×2, 요약의 \"두 번 처리됨\"). \
             Kinesis 소비자는 최소 한 번 전달이므로 처리는 멱등이어야 합니다. 3분에 워커 1이 돌아오면 \
             리스가 다시 균형을 잡고, 이때도 체크포인트부터 다시 읽습니다. dashboard는 같은 스트림을 향상된 팬아웃으로 읽으며 이 일과 \
             무관합니다.",
        ),
        "sqs-vs-kinesis" => (
            "The same orders go to an SQS queue and to a Kinesis stream. The two workers on the \
             queue compete: each message is received by one of them and deleted, so the queue \
             empties and each order is processed once (at least once) in total. The two \
             applications on the stream, billing and analytics, each read every record, at \
             their own pace, and nothing is deleted: records stay on the lanes until the \
             retention period ends, so a new reader could start from TRIM_HORIZON and replay \
             them all. A queue is for handing work to whoever is free; a stream is an ordered \
             log (per shard) that many readers share and replay.",
            "같은 주문이 SQS 큐와 Kinesis 스트림에 함께 들어갑니다. 큐의 워커 둘은 서로 경쟁합니다. 메시지 \
             하나는 둘 중 하나가 받아서 지우므로, 큐는 비워지고 주문은 모두 합쳐 한 번(최소 한 번) 처리됩니다. \
             스트림의 두 애플리케이션 billing과 analytics는 각자 모든 레코드를 자기 속도로 읽고, 아무것도 \
             지워지지 않습니다. 레코드는 보존 기간이 끝날 때까지 레인에 남으므로 새 소비자가 TRIM_HORIZON \
             부터 시작해 전부 다시 읽을 수 있습니다. 큐는 한가한 누군가에게 일을 넘기기 위한 것이고, \
             스트림은 여러 소비자가 함께 읽고 다시 읽는 (샤드별로) 순서 있는 로그입니다.",
        ),
        _ => return "",
    };
    pick(lang, en, ko)
}

fn pick(lang: Lang, en: &'static str, ko: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ko => ko,
    }
}
