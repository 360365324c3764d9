//! The JSON layer of Kinesis Video Streams (`svc: "kinesisvideo"`, aws-rules §6.3), with
//! botocore's member names: the control plane (CreateStream, DescribeStream, ListStreams,
//! DeleteStream, UpdateDataRetention, GetDataEndpoint), the media operations of the
//! `kinesis-video-media` and `kinesis-video-archived-media` clients (GetMedia, ListFragments,
//! GetMediaForFragmentList) answering fragment metadata instead of MKV, and mqlab's own
//! MqlabStartProducer / MqlabStopProducer (not AWS APIs: the Producer SDK's PutMedia
//! session).

use super::*;
use crate::core::error::AwsError;
use crate::core::request;
use crate::core::time::{epoch_ms, secs_to_ms, EPOCH_S};
use serde::Deserialize;
use serde_json::{json, Value};

const NAME_MAX: usize = 256;
/// ListStreams' MaxResults: 1–10,000 (default 10,000); ListFragments': 1–1,000, default
/// 100 (UNCONFIRMED default); GetMediaForFragmentList takes 1–1,000 fragment numbers.
pub const LIST_STREAMS_MAX: i64 = 10_000;
pub const LIST_FRAGMENTS_MAX: i64 = 1_000;
pub const LIST_FRAGMENTS_DEFAULT: i64 = 100;
/// GetDataEndpoint's APIName values.
pub const API_NAMES: &[&str] = &[
    "PUT_MEDIA",
    "GET_MEDIA",
    "LIST_FRAGMENTS",
    "GET_MEDIA_FOR_FRAGMENT_LIST",
    "GET_HLS_STREAMING_SESSION_URL",
    "GET_DASH_STREAMING_SESSION_URL",
    "GET_CLIP",
    "GET_IMAGES",
];

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimestampRange {
    pub start_timestamp: Option<f64>,
    pub end_timestamp: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FragmentSelector {
    pub fragment_selector_type: Option<String>,
    pub timestamp_range: Option<TimestampRange>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartSelector {
    pub start_selector_type: Option<String>,
    pub after_fragment_number: Option<String>,
    pub start_timestamp: Option<f64>,
    pub continuation_token: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamNameCondition {
    pub comparison_operator: Option<String>,
    pub comparison_value: Option<String>,
}

/// Every operation's members (each reads those it needs).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Input {
    pub stream_name: Option<String>,
    #[serde(rename = "StreamARN")]
    pub stream_arn: Option<String>,
    pub device_name: Option<String>,
    pub media_type: Option<String>,
    pub kms_key_id: Option<String>,
    pub data_retention_in_hours: Option<i64>,
    pub tags: Option<Value>,
    pub current_version: Option<String>,
    pub operation: Option<String>,
    pub data_retention_change_in_hours: Option<i64>,
    #[serde(rename = "APIName")]
    pub api_name: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub stream_name_condition: Option<StreamNameCondition>,
    pub start_selector: Option<StartSelector>,
    pub fragment_selector: Option<FragmentSelector>,
    pub fragments: Option<Vec<String>>,
    // mqlab's producer (MqlabStartProducer / MqlabStopProducer).
    pub fragment_duration_in_seconds: Option<f64>,
    pub fragment_size_in_bytes: Option<u64>,
    pub latency_in_milliseconds: Option<u64>,
    pub producer_id: Option<u64>,
}

pub(super) fn invalid(m: impl Into<String>) -> AwsError {
    AwsError::new("InvalidArgumentException", m)
}

pub(super) fn not_found() -> AwsError {
    AwsError::new(
        "ResourceNotFoundException",
        "The requested stream is not found or not active.",
    )
}

fn secs(t: SimTime) -> f64 {
    epoch_ms(t) as f64 / 1000.0
}

/// Epoch seconds as virtual time (before the simulation's start: 0).
fn sim(epoch_s: f64) -> SimTime {
    secs_to_ms(epoch_s).map_or(0, |ms| ms.saturating_sub(EPOCH_S * MS_PER_S))
}

fn page_size(v: Option<i64>, max: i64, default: i64) -> Result<usize, AwsError> {
    match v.unwrap_or(default) {
        n if (1..=max).contains(&n) => Ok(n as usize),
        n => Err(invalid(format!(
            "MaxResults {n} must be between 1 and {max}."
        ))),
    }
}

impl Fragment {
    /// A Fragment of ListFragments.
    fn json(&self) -> Value {
        json!({
            "FragmentNumber": self.number(),
            "FragmentSizeInBytes": self.bytes,
            "ProducerTimestamp": secs(self.producer_ts),
            "ServerTimestamp": secs(self.server_ts),
            "FragmentLengthInMilliseconds": self.duration_ms,
        })
    }
}

impl VideoStream {
    /// StreamInfo.
    fn info(&self, now: SimTime) -> Value {
        let mut v = json!({
            "StreamName": self.name,
            "StreamARN": self.arn,
            "KmsKeyId": self.kms_key_id,
            "Version": self.version,
            "Status": self.status(now),
            "CreationTime": secs(self.created_at),
            "DataRetentionInHours": self.retention_hours,
        });
        if let Some(d) = &self.device_name {
            v["DeviceName"] = json!(d);
        }
        if let Some(m) = &self.media_type {
            v["MediaType"] = json!(m);
        }
        v
    }
}

/// A new stream version: 20 letters and digits.
fn version(ctx: &mut Ctx) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..20)
        .map(|_| A[ctx.rng.below(A.len() as u64) as usize] as char)
        .collect()
}

impl KinesisVideo {
    /// The stream StreamName or StreamARN names.
    pub(super) fn named(&self, i: &Input) -> Result<&VideoStream, AwsError> {
        let s = match (&i.stream_name, &i.stream_arn) {
            (Some(n), _) => self.streams.get(n),
            (None, Some(arn)) => self.streams.values().find(|s| &s.arn == arn),
            (None, None) => return Err(invalid("StreamName or StreamARN is required.")),
        };
        s.ok_or_else(not_found)
    }

    fn named_mut(&mut self, i: &Input) -> Result<&mut VideoStream, AwsError> {
        let name = self.named(i)?.name.clone();
        self.streams.get_mut(&name).ok_or_else(not_found)
    }

    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        let i: Input = request::parse(
            params,
            &request::Unreadable {
                code: "InvalidArgumentException",
                member_message: "The request could not be read: {}.",
                not_object_message: "The request parameters must be a JSON object.",
            },
        )?;
        self.settle(ctx.now);
        if !op.starts_with("Mqlab") {
            self.requests += 1;
        }
        let r = self.call_op(ctx, op, &i);
        if let Ok(answer) = &r {
            self.meter(op, &i, answer);
        }
        r
    }

    fn call_op(&mut self, ctx: &mut Ctx, op: &str, i: &Input) -> Result<Value, AwsError> {
        let i = i.clone();
        let now = ctx.now;
        match op {
            "CreateStream" => self.create(ctx, &i),
            "DescribeStream" => Ok(json!({"StreamInfo": self.named(&i)?.info(now)})),
            "ListStreams" => {
                let limit = page_size(i.max_results, LIST_STREAMS_MAX, LIST_STREAMS_MAX)?;
                let prefix = match &i.stream_name_condition {
                    Some(c) if c.comparison_operator.as_deref() != Some("BEGINS_WITH") => {
                        return Err(invalid("StreamNameCondition.ComparisonOperator must be BEGINS_WITH."))
                    }
                    Some(c) => c.comparison_value.clone().unwrap_or_default(),
                    None => String::new(),
                };
                let after = i.next_token.clone().unwrap_or_default();
                let rest: Vec<&VideoStream> = self
                    .streams
                    .values()
                    .filter(|s| s.name > after && s.name.starts_with(&prefix))
                    .collect();
                let mut out = json!({"StreamInfoList": rest.iter().take(limit).map(|s| s.info(now)).collect::<Vec<_>>()});
                if rest.len() > limit {
                    out["NextToken"] = json!(rest[limit - 1].name);
                }
                Ok(out)
            }
            "DeleteStream" => {
                let Some(arn) = i.stream_arn.as_deref() else {
                    return Err(invalid("StreamARN is required."));
                };
                let s = self
                    .streams
                    .values_mut()
                    .find(|s| s.arn == arn && s.deleted_at.is_none())
                    .ok_or_else(not_found)?;
                if i.current_version.as_ref().is_some_and(|v| *v != s.version) {
                    return Err(mismatch());
                }
                s.deleted_at = Some(now);
                let name = s.name.clone();
                self.producers.retain(|_, p| p.stream != name);
                Ok(json!({}))
            }
            "UpdateDataRetention" => {
                let change = match i.data_retention_change_in_hours {
                    Some(n) if n >= 1 => n,
                    Some(n) => return Err(invalid(format!("DataRetentionChangeInHours {n} must be at least 1."))),
                    None => return Err(invalid("DataRetentionChangeInHours is required.")),
                };
                let Some(current) = i.current_version.clone() else {
                    return Err(invalid("CurrentVersion is required."));
                };
                let s = self.named_mut(&i)?;
                if s.status(now) != "ACTIVE" {
                    return Err(AwsError::new(
                        "ResourceInUseException",
                        format!("The stream {} is {}, not ACTIVE.", s.name, s.status(now)),
                    ));
                }
                if current != s.version {
                    return Err(mismatch());
                }
                let old = s.retention_hours as i64;
                let new = match i.operation.as_deref() {
                    Some("INCREASE_DATA_RETENTION") => old + change,
                    Some("DECREASE_DATA_RETENTION") => old - change,
                    _ => return Err(invalid("Operation must be INCREASE_DATA_RETENTION or DECREASE_DATA_RETENTION.")),
                };
                if !(0..=RETENTION_MAX_HOURS).contains(&new) {
                    return Err(invalid(format!(
                        "The data retention would become {new} hours; it must stay between 0 and {RETENTION_MAX_HOURS}."
                    )));
                }
                s.retention_hours = new as u32;
                s.version = version(ctx);
                let s = self.named_mut(&i)?;
                s.trim(now);
                Ok(json!({}))
            }
            "GetDataEndpoint" => {
                let api = i.api_name.as_deref().ok_or_else(|| invalid("APIName is required."))?;
                if !API_NAMES.contains(&api) {
                    return Err(invalid(format!("APIName {api} is not valid (valid: {}).", API_NAMES.join(", "))));
                }
                let s = self.named(&i)?;
                // A stable, made-up host per stream (FNV-1a of the ARN).
                let h = s.arn.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
                });
                Ok(json!({"DataEndpoint": format!("https://s-{:08x}.kinesisvideo.{}.amazonaws.com", h as u32, crate::core::aws::REGION)}))
            }
            "GetMedia" => self.get_media(&i, now),
            "ListFragments" => self.list_fragments(&i),
            "GetMediaForFragmentList" => {
                let numbers = i.fragments.as_deref().unwrap_or(&[]);
                if numbers.is_empty() || numbers.len() > LIST_FRAGMENTS_MAX as usize {
                    return Err(invalid(format!("Fragments must hold 1 to {LIST_FRAGMENTS_MAX} fragment numbers.")));
                }
                let s = self.named(&i)?;
                let mut out = Vec::new();
                for n in numbers {
                    let f = parse_fragment_number(n)
                        .and_then(|seq| s.fragments.iter().find(|f| f.seq == seq))
                        .filter(|f| f.archived && s.archives())
                        .ok_or_else(|| AwsError::new("ResourceNotFoundException", format!("Fragment {n} is not found in the stream's archive.")))?;
                    out.push(f.json());
                }
                Ok(json!({"ContentType": s.media_type.clone().unwrap_or_else(|| "video/h264".into()), "Fragments": out}))
            }
            "MqlabStartProducer" => {
                let name = self.named(&i)?.name.clone();
                let every = match i.fragment_duration_in_seconds {
                    None => FRAGMENT_DEFAULT_MS,
                    Some(s) => secs_to_ms(s).filter(|&ms| ms > 0).ok_or_else(|| invalid("FragmentDurationInSeconds must be greater than 0."))?,
                };
                let id = self.start_producer(
                    ctx,
                    &name,
                    every,
                    i.fragment_size_in_bytes.unwrap_or(FRAGMENT_DEFAULT_BYTES),
                    i.latency_in_milliseconds.unwrap_or(LATENCY_DEFAULT_MS),
                )?;
                Ok(json!({"ProducerId": id}))
            }
            "MqlabStopProducer" => match i.producer_id {
                Some(id) if self.stop_producer(id) => Ok(json!({})),
                _ => Err(AwsError::new("ResourceNotFoundException", "No producer has that ProducerId.")),
            },
            other => Err(AwsError::new(
                "InvalidAction",
                format!("The action {other} is not valid for this web service (simulated: CreateStream, DescribeStream, ListStreams, DeleteStream, UpdateDataRetention, GetDataEndpoint, GetMedia, ListFragments, GetMediaForFragmentList, and mqlab's MqlabStartProducer, MqlabStopProducer)."),
            )),
        }
    }

    /// CreateStream for a scenario's `video_streams`: the stream is ACTIVE at once.
    pub fn create_active(&mut self, ctx: &mut Ctx, params: &Value) -> Result<Value, AwsError> {
        let v = self.call_json(ctx, "CreateStream", params)?;
        if let Some(s) = params["StreamName"]
            .as_str()
            .and_then(|n| self.streams.get_mut(n))
        {
            s.creating_ms = 0;
        }
        Ok(v)
    }

    fn create(&mut self, ctx: &mut Ctx, i: &Input) -> Result<Value, AwsError> {
        let name = i
            .stream_name
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("StreamName is required."))?;
        if name.len() > NAME_MAX
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        {
            return Err(invalid(format!(
                "StreamName {name} must be 1 to {NAME_MAX} characters of [a-zA-Z0-9_.-]."
            )));
        }
        let retention = i.data_retention_in_hours.unwrap_or(0);
        if !(0..=RETENTION_MAX_HOURS).contains(&retention) {
            return Err(invalid(format!(
                "DataRetentionInHours {retention} must be between 0 and {RETENTION_MAX_HOURS}."
            )));
        }
        if self.streams.contains_key(name) {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!("The stream {name} already exists."),
            ));
        }
        if self.streams.len() >= STREAMS_MAX {
            return Err(AwsError::new(
                "AccountStreamLimitExceededException",
                format!("The account has {STREAMS_MAX} streams, mqlab's limit."),
            ));
        }
        let arn = crate::core::aws::arn(
            "kinesisvideo",
            &format!("stream/{name}/{}", crate::core::time::epoch_ms(ctx.now)),
        );
        let s = VideoStream {
            name: name.to_string(),
            arn: arn.clone(),
            device_name: i.device_name.clone(),
            media_type: i.media_type.clone(),
            kms_key_id: i
                .kms_key_id
                .clone()
                .unwrap_or_else(|| crate::core::aws::arn("kms", "alias/aws/kinesisvideo")),
            version: version(ctx),
            created_at: ctx.now,
            deleted_at: None,
            retention_hours: retention as u32,
            fragments: VecDeque::new(),
            next_seq: 0,
            creating_ms: CREATING_MS,
            totals: Default::default(),
            metrics: crate::core::metrics::MinuteSeries::starting(ctx.now),
        };
        self.streams.insert(name.to_string(), s);
        Ok(json!({"StreamARN": arn}))
    }

    /// GetMedia from a start selector up to now: the fragments (metadata; AWS streams them
    /// as MKV) and a ContinuationToken to ask for what comes next.
    fn get_media(&self, i: &Input, now: SimTime) -> Result<Value, AwsError> {
        let sel = i
            .start_selector
            .as_ref()
            .ok_or_else(|| invalid("StartSelector is required."))?;
        let s = self.named(i)?;
        let number = |v: &Option<String>, member: &str| {
            v.as_deref().and_then(parse_fragment_number).ok_or_else(|| {
                invalid(format!(
                    "StartSelector.{member} must be a fragment number of this stream."
                ))
            })
        };
        let ts = || {
            sel.start_timestamp
                .map(sim)
                .ok_or_else(|| invalid("StartSelector.StartTimestamp is required."))
        };
        let keep: Box<dyn Fn(&Fragment) -> bool> = match sel.start_selector_type.as_deref() {
            Some("NOW") => Box::new(|f: &Fragment| f.server_ts > now),
            Some("EARLIEST") => Box::new(|_: &Fragment| true),
            Some("FRAGMENT_NUMBER") => {
                let n = number(&sel.after_fragment_number, "AfterFragmentNumber")?;
                Box::new(move |f: &Fragment| f.seq >= n)
            }
            Some("CONTINUATION_TOKEN") => {
                let n = number(&sel.continuation_token, "ContinuationToken")?;
                Box::new(move |f: &Fragment| f.seq > n)
            }
            Some("SERVER_TIMESTAMP") => {
                let t = ts()?;
                Box::new(move |f: &Fragment| f.server_ts >= t)
            }
            Some("PRODUCER_TIMESTAMP") => {
                let t = ts()?;
                Box::new(move |f: &Fragment| f.producer_ts >= t)
            }
            _ => return Err(invalid("StartSelector.StartSelectorType must be FRAGMENT_NUMBER, SERVER_TIMESTAMP, PRODUCER_TIMESTAMP, NOW, EARLIEST or CONTINUATION_TOKEN.")),
        };
        let got: Vec<&Fragment> = s.fragments.iter().filter(|f| keep(f)).collect();
        let last = got.last().map_or(s.next_seq, |f| f.seq);
        Ok(json!({
            "ContentType": s.media_type.clone().unwrap_or_else(|| "video/h264".into()),
            "Fragments": got.iter().map(|f| f.json()).collect::<Vec<_>>(),
            "ContinuationToken": fragment_number(last),
        }))
    }

    /// ListFragments: the archived fragments whose producer or server timestamp falls in the
    /// range (none when the stream keeps no data: retention 0).
    fn list_fragments(&self, i: &Input) -> Result<Value, AwsError> {
        let limit = page_size(i.max_results, LIST_FRAGMENTS_MAX, LIST_FRAGMENTS_DEFAULT)?;
        let s = self.named(i)?;
        let range = match &i.fragment_selector {
            None => None,
            Some(sel) => {
                let r = sel
                    .timestamp_range
                    .as_ref()
                    .ok_or_else(|| invalid("FragmentSelector.TimestampRange is required."))?;
                let (Some(a), Some(b)) = (r.start_timestamp, r.end_timestamp) else {
                    return Err(invalid(
                        "TimestampRange needs StartTimestamp and EndTimestamp.",
                    ));
                };
                let producer =
                    match sel.fragment_selector_type.as_deref() {
                        Some("PRODUCER_TIMESTAMP") => true,
                        Some("SERVER_TIMESTAMP") => false,
                        _ => return Err(invalid(
                            "FragmentSelectorType must be PRODUCER_TIMESTAMP or SERVER_TIMESTAMP.",
                        )),
                    };
                Some((producer, sim(a), sim(b)))
            }
        };
        let after = match &i.next_token {
            Some(t) => {
                parse_fragment_number(t).ok_or_else(|| invalid("NextToken is not valid."))?
            }
            None => 0,
        };
        let rest: Vec<&Fragment> = s
            .fragments
            .iter()
            .filter(|f| f.archived && s.archives() && f.seq > after)
            .filter(|f| {
                range.is_none_or(|(p, a, b)| {
                    let t = if p { f.producer_ts } else { f.server_ts };
                    a <= t && t <= b
                })
            })
            .collect();
        let mut out =
            json!({"Fragments": rest.iter().take(limit).map(|f| f.json()).collect::<Vec<_>>()});
        if rest.len() > limit {
            out["NextToken"] = json!(rest[limit - 1].number());
        }
        Ok(out)
    }
}

fn mismatch() -> AwsError {
    AwsError::new(
        "VersionMismatchException",
        "The stream version you specified is not the latest version.",
    )
}
