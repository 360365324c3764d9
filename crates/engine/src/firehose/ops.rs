//! Firehose's operations: CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams,
//! UpdateDestination, DeleteDeliveryStream, PutRecord and PutRecordBatch, with AWS's members,
//! states, limits and error codes (aws-rules §5).

use super::config::{self, invalid};
use super::*;
use crate::core::aws::{arn, b64_decode};
use crate::core::error::AwsError;
use crate::core::time::epoch_ms;
use serde_json::{json, Map, Value};

const NAME_MAX: usize = 64;
/// ListDeliveryStreams' Limit (1–10,000, default 10).
const LIST_LIMIT_MAX: u64 = 10_000;
const LIST_LIMIT_DEFAULT: u64 = 10;

fn not_found(name: &str) -> AwsError {
    AwsError::new(
        "ResourceNotFoundException",
        format!(
            "Firehose {name} under account {} not found.",
            crate::core::aws::ACCOUNT_ID
        ),
    )
}

fn in_use(name: &str, status: Status) -> AwsError {
    AwsError::new(
        "ResourceInUseException",
        format!("Firehose {name} is in {} state.", status.as_str()),
    )
}

fn slow_down() -> AwsError {
    let mut e = AwsError::new("ServiceUnavailableException", "Slow down.");
    e.sender_fault = false;
    e
}

fn member_str<'a>(p: &'a Value, name: &str) -> Result<Option<&'a str>, AwsError> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("{name} must be a string."))),
    }
}

/// DeliveryStreamName: 1–64 of `[a-zA-Z0-9_.-]`.
fn stream_name(p: &Value) -> Result<&str, AwsError> {
    let n = member_str(p, "DeliveryStreamName")?
        .ok_or_else(|| invalid("DeliveryStreamName is required."))?;
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    if n.is_empty() || n.len() > NAME_MAX || !n.chars().all(ok) {
        return Err(AwsError::new(
            "ValidationException",
            format!("1 validation error detected: Value '{n}' at 'deliveryStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and {NAME_MAX}"),
        ));
    }
    Ok(n)
}

/// The one destination configuration a request gives (`<Member><suffix>`).
fn destination(p: &Value, suffix: &str) -> Result<Option<(&'static str, Value)>, AwsError> {
    let mut found = Vec::new();
    let members = ["ExtendedS3Destination", "S3Destination"]
        .into_iter()
        .chain(SinkKind::ALL.iter().map(|k| k.member()));
    for m in members {
        if let Some(v) = p.get(format!("{m}{suffix}")).filter(|v| !v.is_null()) {
            // S3DestinationConfiguration (deprecated) is an ExtendedS3 one without extras.
            let m = if m == "S3Destination" {
                "ExtendedS3Destination"
            } else {
                m
            };
            found.push((m, v.clone()));
        }
    }
    for other in [
        "RedshiftDestination",
        "ElasticsearchDestination",
        "SnowflakeDestination",
        "IcebergDestination",
        "AmazonOpenSearchServerlessDestination",
    ] {
        if p.get(format!("{other}{suffix}")).is_some() {
            return Err(invalid(format!(
                "{other}{suffix}: mqlab simulates S3, HTTP endpoint, Splunk and OpenSearch destinations."
            )));
        }
    }
    if found.len() > 1 {
        return Err(invalid(
            "Only one destination configuration can be specified.",
        ));
    }
    Ok(found.pop())
}

pub(super) fn call(
    fh: &mut Firehose,
    ctx: &mut Ctx,
    peers: &mut dyn FirehoseRouter,
    op: &str,
    p: &Value,
) -> Result<Value, AwsError> {
    if !matches!(p, Value::Object(_) | Value::Null) {
        return Err(invalid("The request parameters must be a JSON object."));
    }
    match op {
        "CreateDeliveryStream" => create(fh, ctx, peers, p),
        "DescribeDeliveryStream" => {
            let name = stream_name(p)?;
            let s = fh.streams.get(name).ok_or_else(|| not_found(name))?;
            Ok(json!({ "DeliveryStreamDescription": describe(s) }))
        }
        "ListDeliveryStreams" => list(fh, p),
        "DeleteDeliveryStream" => {
            let name = stream_name(p)?;
            let s = fh.streams.get_mut(name).ok_or_else(|| not_found(name))?;
            if s.status == Status::Creating {
                return Err(in_use(name, s.status));
            }
            if s.status == Status::Active {
                s.status = Status::Deleting;
                let (stream, id) = (s.name.clone(), s.id);
                ctx.timers
                    .schedule(ctx.now + STATE_TRANSITION_MS, FirehoseTimer::Settle { stream, id });
            }
            Ok(json!({}))
        }
        "UpdateDestination" => update(fh, ctx, p),
        "PutRecord" | "PutRecordBatch" => put(fh, ctx, peers, op, p),
        other => Err(AwsError::new(
            "UnknownOperationException",
            format!("The operation {other} is not simulated: mqlab's Firehose covers Create/Describe/List/DeleteDeliveryStream, UpdateDestination, PutRecord and PutRecordBatch."),
        )),
    }
}

impl Firehose {
    /// A scenario's delivery stream: CreateDeliveryStream with the request's members, ACTIVE
    /// at once (as a scenario's Kinesis streams are; the CREATING delay is for calls made
    /// while the run goes on), and a stream-sourced one reads its source from now on.
    pub(crate) fn create_active(
        &mut self,
        ctx: &mut Ctx,
        peers: &mut dyn FirehoseRouter,
        p: &Value,
    ) -> Result<Value, AwsError> {
        if !p.is_object() {
            return Err(invalid("The request parameters must be a JSON object."));
        }
        let out = create(self, ctx, peers, p)?;
        let name = stream_name(p)?.to_string();
        let Some(s) = self.streams.get_mut(&name) else {
            return Ok(out);
        };
        // The Settle timer create scheduled finds the stream ACTIVE and does nothing.
        s.status = Status::Active;
        if s.source.is_some() {
            super::deliver::poll(self, ctx, peers, &name);
        }
        Ok(out)
    }
}

fn create(
    fh: &mut Firehose,
    ctx: &mut Ctx,
    peers: &mut dyn FirehoseRouter,
    p: &Value,
) -> Result<Value, AwsError> {
    let name = stream_name(p)?.to_string();
    let kind = member_str(p, "DeliveryStreamType")?.unwrap_or("DirectPut");
    let source = match kind {
        "DirectPut" => None,
        "KinesisStreamAsSource" => {
            let c = p
                .get("KinesisStreamSourceConfiguration")
                .filter(|v| v.is_object())
                .ok_or_else(|| invalid("KinesisStreamSourceConfiguration is required for a KinesisStreamAsSource Firehose stream."))?;
            let stream = member_str(c, "KinesisStreamARN")?
                .ok_or_else(|| invalid("KinesisStreamSourceConfiguration.KinesisStreamARN is required."))?;
            let role = member_str(c, "RoleARN")?
                .ok_or_else(|| invalid("KinesisStreamSourceConfiguration.RoleARN is required."))?;
            if peers.stream_shards(stream).is_none() {
                return Err(invalid(format!("Kinesis stream {stream} does not exist.")));
            }
            Some((stream.to_string(), role.to_string()))
        }
        "MSKAsSource" | "DatabaseAsSource" => {
            return Err(invalid(format!("DeliveryStreamType {kind}: mqlab simulates DirectPut and KinesisStreamAsSource.")))
        }
        other => {
            return Err(AwsError::new(
                "ValidationException",
                format!("1 validation error detected: Value '{other}' at 'deliveryStreamType' failed to satisfy constraint: Member must satisfy enum value set: [DirectPut, KinesisStreamAsSource, MSKAsSource, DatabaseAsSource]"),
            ))
        }
    };
    if source.is_none()
        && p.get("KinesisStreamSourceConfiguration")
            .is_some_and(|v| !v.is_null())
    {
        return Err(invalid(
            "KinesisStreamSourceConfiguration is only for a KinesisStreamAsSource Firehose stream.",
        ));
    }
    let (member, conf) = destination(p, "Configuration")?
        .ok_or_else(|| invalid("A destination configuration is required."))?;
    let dest = config::parse(member, "Configuration", &conf)?;
    if fh.streams.contains_key(&name) {
        return Err(AwsError::new(
            "ResourceInUseException",
            format!(
                "Firehose {name} under accountId {} already exists",
                crate::core::aws::ACCOUNT_ID
            ),
        ));
    }
    if fh.streams.len() >= STREAMS_MAX {
        return Err(AwsError::new(
            "LimitExceededException",
            format!("You have already reached the limit of {STREAMS_MAX} Firehose streams."),
        ));
    }
    fh.next_id += 1;
    let id = fh.next_id;
    let stream_arn = arn("firehose", &format!("deliverystream/{name}"));
    let sink = dest.sink.as_ref().map(|s| s.kind);
    let mut metrics = MinuteSeries::<StreamMinute>::starting(ctx.now);
    metrics.current.sink = sink;
    fh.streams.insert(
        name.clone(),
        DeliveryStream {
            name: name.clone(),
            arn: stream_arn.clone(),
            id,
            status: Status::Creating,
            source,
            created_at: ctx.now,
            updated_at: ctx.now,
            version: 1,
            destination: dest,
            buffers: BTreeMap::new(),
            deliveries: BTreeMap::new(),
            shards: BTreeMap::new(),
            window: (0, 0, 0, 0),
            totals: Totals::default(),
            metrics,
        },
    );
    ctx.timers.schedule(
        ctx.now + STATE_TRANSITION_MS,
        FirehoseTimer::Settle { stream: name, id },
    );
    Ok(json!({ "DeliveryStreamARN": stream_arn }))
}

fn describe(s: &DeliveryStream) -> Value {
    let mut d = json!({
        "DeliveryStreamName": s.name,
        "DeliveryStreamARN": s.arn,
        "DeliveryStreamStatus": s.status.as_str(),
        "DeliveryStreamType": if s.source.is_some() { "KinesisStreamAsSource" } else { "DirectPut" },
        "VersionId": s.version.to_string(),
        "CreateTimestamp": epoch_ms(s.created_at) as f64 / 1000.0,
        "DeliveryStreamEncryptionConfiguration": {"Status": "DISABLED"},
        "Destinations": [s.destination.description()],
        "HasMoreDestinations": false,
    });
    if s.version > 1 {
        d["LastUpdateTimestamp"] = json!(epoch_ms(s.updated_at) as f64 / 1000.0);
    }
    if let Some((stream, role)) = &s.source {
        d["Source"] = json!({"KinesisStreamSourceDescription": {
            "KinesisStreamARN": stream,
            "RoleARN": role,
            "DeliveryStartTimestamp": epoch_ms(s.created_at + STATE_TRANSITION_MS) as f64 / 1000.0,
        }});
    }
    d
}

fn list(fh: &Firehose, p: &Value) -> Result<Value, AwsError> {
    let limit = match p.get("Limit") {
        None | Some(Value::Null) => LIST_LIMIT_DEFAULT,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=LIST_LIMIT_MAX).contains(n))
            .ok_or_else(|| {
                invalid(format!(
                    "Limit must be an integer between 1 and {LIST_LIMIT_MAX}."
                ))
            })?,
    };
    let kind = member_str(p, "DeliveryStreamType")?;
    let after = member_str(p, "ExclusiveStartDeliveryStreamName")?;
    let mut names = fh
        .streams
        .values()
        .filter(|s| after.is_none_or(|a| s.name.as_str() > a))
        .filter(|s| match kind {
            Some("DirectPut") => s.source.is_none(),
            Some("KinesisStreamAsSource") => s.source.is_some(),
            Some(_) => false,
            None => true,
        })
        .map(|s| s.name.clone());
    let page: Vec<String> = names.by_ref().take(limit as usize).collect();
    Ok(json!({
        "DeliveryStreamNames": page,
        "HasMoreDeliveryStreams": names.next().is_some(),
    }))
}

/// UpdateDestination: the version must be the current one; the update's members replace the
/// current configuration's (a different destination kind replaces it whole). The version
/// goes up by one.
fn update(fh: &mut Firehose, ctx: &mut Ctx, p: &Value) -> Result<Value, AwsError> {
    let name = stream_name(p)?;
    let version = member_str(p, "CurrentDeliveryStreamVersionId")?
        .ok_or_else(|| invalid("CurrentDeliveryStreamVersionId is required."))?;
    let dest_id =
        member_str(p, "DestinationId")?.ok_or_else(|| invalid("DestinationId is required."))?;
    let s = fh.streams.get_mut(name).ok_or_else(|| not_found(name))?;
    if s.status != Status::Active {
        return Err(in_use(name, s.status));
    }
    if version != s.version.to_string() {
        return Err(AwsError::new(
            "ConcurrentModificationException",
            format!(
                "Cannot update Firehose {name}: the current version is {}, not {version}.",
                s.version
            ),
        ));
    }
    if dest_id != s.destination.id {
        return Err(invalid(format!("Destination {dest_id} not found.")));
    }
    let (member, upd) =
        destination(p, "Update")?.ok_or_else(|| invalid("A destination update is required."))?;
    let merged = if member == s.destination.member() {
        let mut cur: Map<String, Value> = s
            .destination
            .config
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (k, v) in upd.as_object().cloned().unwrap_or_default() {
            match (cur.get_mut(&k), v) {
                (Some(Value::Object(c)), Value::Object(u)) if k != "ProcessingConfiguration" => {
                    c.extend(u)
                }
                (_, v) => {
                    cur.insert(k, v);
                }
            }
        }
        Value::Object(cur)
    } else {
        upd
    };
    let dest = config::parse(member, "Update", &merged)?;
    if s.destination.partition_keys.is_empty() && !dest.partition_keys.is_empty() {
        return Err(invalid(
            "Dynamic partitioning cannot be enabled on an existing Firehose stream.",
        ));
    }
    s.destination = dest;
    s.version += 1;
    s.updated_at = ctx.now;
    Ok(json!({}))
}

fn put(
    fh: &mut Firehose,
    ctx: &mut Ctx,
    peers: &mut dyn FirehoseRouter,
    op: &str,
    p: &Value,
) -> Result<Value, AwsError> {
    let name = stream_name(p)?.to_string();
    let batch = op == "PutRecordBatch";
    let records: Vec<&Value> = if batch {
        match p.get("Records") {
            Some(Value::Array(a)) if !a.is_empty() => a.iter().collect(),
            Some(Value::Array(_)) | None | Some(Value::Null) => {
                return Err(invalid(
                    "Records is required and must hold at least 1 record.",
                ))
            }
            Some(_) => return Err(invalid("Records must be a list.")),
        }
    } else {
        vec![p
            .get("Record")
            .filter(|v| !v.is_null())
            .ok_or_else(|| invalid("Record is required."))?]
    };
    if records.len() > BATCH_MAX_RECORDS {
        return Err(AwsError::new(
            "ValidationException",
            format!("1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to {BATCH_MAX_RECORDS}"),
        ));
    }
    let mut data = Vec::with_capacity(records.len());
    for (i, r) in records.iter().enumerate() {
        let at = if batch {
            format!("Records[{i}]")
        } else {
            "Record".to_string()
        };
        let text = r
            .get("Data")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("{at}.Data is required.")))?;
        let bytes =
            b64_decode(text).ok_or_else(|| invalid(format!("{at}.Data must be base64 text.")))?;
        if bytes.len() > RECORD_MAX_BYTES {
            return Err(AwsError::new(
                "ValidationException",
                format!("1 validation error detected: Value at '{}.data' failed to satisfy constraint: Member must have length less than or equal to {RECORD_MAX_BYTES}", at.to_lowercase()),
            ));
        }
        data.push(bytes);
    }
    if data.iter().map(Vec::len).sum::<usize>() > BATCH_MAX_BYTES {
        return Err(invalid(format!(
            "The PutRecordBatch request is larger than {BATCH_MAX_BYTES} bytes (4 MiB)."
        )));
    }
    let s = fh.streams.get_mut(&name).ok_or_else(|| not_found(&name))?;
    if s.status != Status::Active {
        return Err(not_found(&name));
    }
    if s.source.is_some() {
        return Err(invalid(
            "This operation is not permitted on KinesisStreamAsSource delivery stream type.",
        ));
    }
    // Direct PUT quotas, per second (aws-rules §5.2).
    let second = ctx.now / MS_PER_S;
    if s.window.0 != second {
        s.window = (second, 0, 0, 0);
    }
    if s.window.2 >= REQUESTS_PER_S {
        s.totals.throttled_records += data.len() as u64;
        s.metrics.current.throttled_records += data.len() as u64;
        return Err(slow_down());
    }
    s.window.2 += 1;
    fh.requests += 1;
    s.metrics.current.incoming_put_requests += 1;
    let mut accepted = Vec::new();
    let mut answers = Vec::new();
    for d in data {
        if s.window.1 >= RECORDS_PER_S || s.window.3 + d.len() as u64 > BYTES_PER_S {
            s.totals.throttled_records += 1;
            s.metrics.current.throttled_records += 1;
            answers.push(None);
            continue;
        }
        s.window.1 += 1;
        s.window.3 += d.len() as u64;
        answers.push(Some(ctx.rng.uuid()));
        accepted.push(d);
    }
    let failed = answers.iter().filter(|a| a.is_none()).count();
    if !batch && failed > 0 {
        return Err(slow_down());
    }
    deliver::ingest(fh, ctx, peers, &name, accepted);
    if !batch {
        return Ok(json!({"RecordId": answers[0], "Encrypted": false}));
    }
    let responses: Vec<Value> = answers
        .into_iter()
        .map(|a| match a {
            Some(id) => json!({"RecordId": id}),
            None => {
                json!({"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."})
            }
        })
        .collect();
    Ok(json!({"FailedPutCount": failed, "Encrypted": false, "RequestResponses": responses}))
}
