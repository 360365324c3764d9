//! A delivery stream's destination as CreateDeliveryStream and UpdateDestination give it, in
//! botocore's member names (`ExtendedS3DestinationConfiguration`, `BufferingHints`,
//! `ProcessingConfiguration`, …), checked against AWS's ranges and defaults (aws-rules §5.1,
//! §5.3, §5.4). The configuration is kept as given (with defaults filled in) for
//! DescribeDeliveryStream to echo.

use crate::core::error::AwsError;
use crate::core::time::{SimTime, MS_PER_S};
use serde_json::{json, Map, Value};

/// The simulated sinks (HTTP-style destinations).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkKind {
    HttpEndpoint,
    Splunk,
    OpenSearch,
}

/// A sink whose endpoint (Url, HECEndpoint, DomainARN or ClusterEndpoint) contains this
/// refuses every delivery (mqlab's knob: `https://unreachable.example.com`).
pub const UNREACHABLE_MARKER: &str = "unreachable";

/// (member, description member, error-output type, size max, size default, interval max,
/// interval default, retry default s, failed-only backup mode, all backup mode)
type SinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    u64,
    u64,
    u64,
    u64,
    u64,
    &'static str,
    &'static str,
);

impl SinkKind {
    pub const ALL: [SinkKind; 3] = [
        SinkKind::HttpEndpoint,
        SinkKind::Splunk,
        SinkKind::OpenSearch,
    ];

    fn spec(self) -> SinkSpec {
        match self {
            SinkKind::HttpEndpoint => (
                "HttpEndpointDestination",
                "HttpEndpointDestinationDescription",
                "http-endpoint-failed",
                64,
                5,
                900,
                300,
                300,
                "FailedDataOnly",
                "AllData",
            ),
            // Splunk's default retry duration is UNCONFIRMED (aws-rules §5.3): 300 s as the
            // others.
            SinkKind::Splunk => (
                "SplunkDestination",
                "SplunkDestinationDescription",
                "splunk-failed",
                5,
                5,
                60,
                60,
                300,
                "FailedEventsOnly",
                "AllEvents",
            ),
            SinkKind::OpenSearch => (
                "AmazonopensearchserviceDestination",
                "AmazonopensearchserviceDestinationDescription",
                "AmazonOpenSearchService-failed",
                100,
                5,
                900,
                300,
                300,
                "FailedDocumentsOnly",
                "AllDocuments",
            ),
        }
    }

    /// The destination's member without `Configuration` / `Update`.
    pub fn member(self) -> &'static str {
        self.spec().0
    }

    /// The `!{firehose:error-output-type}` of records the sink refused.
    pub fn error_type(self) -> &'static str {
        self.spec().2
    }

    pub(super) fn metric_names(self) -> [&'static str; 3] {
        match self {
            SinkKind::HttpEndpoint => [
                "DeliveryToHttpEndpoint.Records",
                "DeliveryToHttpEndpoint.Bytes",
                "DeliveryToHttpEndpoint.Success",
            ],
            SinkKind::Splunk => [
                "DeliveryToSplunk.Records",
                "DeliveryToSplunk.Bytes",
                "DeliveryToSplunk.Success",
            ],
            SinkKind::OpenSearch => [
                "DeliveryToAmazonOpenSearchService.Records",
                "DeliveryToAmazonOpenSearchService.Bytes",
                "DeliveryToAmazonOpenSearchService.Success",
            ],
        }
    }
}

/// A simulated sink's settings.
#[derive(Clone, Debug)]
pub struct Sink {
    pub kind: SinkKind,
    pub endpoint: String,
    /// RetryOptions.DurationInSeconds (0–7,200).
    pub retry_ms: SimTime,
    /// S3BackupMode AllData (AllEvents, AllDocuments): every record also goes to S3.
    pub backup_all: bool,
}

/// A Lambda transformation (a `Lambda` processor).
#[derive(Clone, Debug)]
pub struct Transform {
    pub lambda_arn: String,
    /// NumberOfRetries (0–300, default 3).
    pub retries: u32,
    /// BufferSizeInMBs (0.2–3, default 1) as bytes: one invocation per this much data.
    pub buffer_bytes: u64,
    /// BufferIntervalInSeconds (60–900, default 60): validated and echoed.
    pub buffer_interval_s: u64,
}

/// A delivery stream's one destination.
#[derive(Clone, Debug)]
pub struct Destination {
    /// `destinationId-000000000001`.
    pub id: String,
    /// What DescribeDeliveryStream echoes (the configuration with its defaults).
    pub config: Value,
    pub sink: Option<Sink>,
    /// The S3 destination's bucket, or a sink's backup bucket.
    pub bucket: String,
    pub prefix: String,
    pub error_prefix: Option<String>,
    pub size_bytes: u64,
    pub interval_ms: SimTime,
    pub transform: Option<Transform>,
    /// Dynamic partitioning's keys: (partition key, record field), from a
    /// MetadataExtractionQuery of the simple form `{key: .field, …}`.
    pub partition_keys: Vec<(String, String)>,
}

pub const DESTINATION_ID: &str = "destinationId-000000000001";
const MIB: u64 = 1024 * 1024;
/// With dynamic partitioning the buffer is at least 64 MiB (aws-rules §5.4).
pub const PARTITIONING_MIN_SIZE_MB: u64 = 64;

pub fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidArgumentException", message)
}

fn object<'a>(
    v: Option<&'a Value>,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>, AwsError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(invalid(format!("{path} must be a structure."))),
    }
}

fn text<'a>(
    m: &'a Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<Option<&'a str>, AwsError> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("{path}.{name} must be a string."))),
    }
}

fn required<'a>(m: &'a Map<String, Value>, name: &str, path: &str) -> Result<&'a str, AwsError> {
    text(m, name, path)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(format!("{path}.{name} is required.")))
}

/// An integer member within `min..=max`, or `default`.
fn ranged(
    m: &Map<String, Value>,
    name: &str,
    path: &str,
    (min, max, default): (u64, u64, u64),
) -> Result<u64, AwsError> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                invalid(format!(
                    "{path}.{name} must be an integer between {min} and {max}."
                ))
            }),
    }
}

/// The bucket a BucketARN (`arn:aws:s3:::name`) names.
fn bucket_of(m: &Map<String, Value>, path: &str) -> Result<String, AwsError> {
    let arn = required(m, "BucketARN", path)?;
    arn.strip_prefix("arn:aws:s3:::")
        .filter(|b| !b.is_empty() && !b.contains('/'))
        .map(str::to_string)
        .ok_or_else(|| invalid(format!("{path}.BucketARN {arn:?} is not an S3 bucket ARN.")))
}

/// BufferingHints: both or neither of SizeInMBs and IntervalInSeconds, in the destination's
/// ranges. Answers (size bytes, interval ms) and fills the defaults into `m`.
fn buffering(
    m: &mut Map<String, Value>,
    path: &str,
    (size_max, size_default, interval_max, interval_default): (u64, u64, u64, u64),
) -> Result<(u64, SimTime), AwsError> {
    let p = format!("{path}.BufferingHints");
    let hints = object(m.get("BufferingHints"), &p)?
        .cloned()
        .unwrap_or_default();
    if hints.contains_key("SizeInMBs") != hints.contains_key("IntervalInSeconds") {
        return Err(invalid(format!(
            "{p}: if you specify SizeInMBs or IntervalInSeconds you must specify both."
        )));
    }
    let size = ranged(&hints, "SizeInMBs", &p, (1, size_max, size_default))?;
    let interval = ranged(
        &hints,
        "IntervalInSeconds",
        &p,
        (0, interval_max, interval_default),
    )?;
    m.insert(
        "BufferingHints".into(),
        json!({"SizeInMBs": size, "IntervalInSeconds": interval}),
    );
    Ok((size * MIB, interval * MS_PER_S))
}

/// ProcessingConfiguration: a Lambda processor and a MetadataExtraction processor.
/// A Lambda transformation and dynamic partitioning's keys.
type Processing = (Option<Transform>, Vec<(String, String)>);

fn processing(m: &Map<String, Value>, path: &str) -> Result<Processing, AwsError> {
    let p = format!("{path}.ProcessingConfiguration");
    let Some(pc) = object(m.get("ProcessingConfiguration"), &p)? else {
        return Ok((None, Vec::new()));
    };
    if pc.get("Enabled").and_then(Value::as_bool) != Some(true) {
        return Ok((None, Vec::new()));
    }
    let procs = match pc.get("Processors") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(invalid(format!("{p}.Processors must be a list."))),
    };
    let (mut transform, mut keys) = (None, Vec::new());
    for (i, proc) in procs.iter().enumerate() {
        let pp = format!("{p}.Processors[{i}]");
        let proc = object(Some(proc), &pp)?.cloned().unwrap_or_default();
        let mut params = Map::new();
        if let Some(Value::Array(list)) = proc.get("Parameters") {
            for (j, kv) in list.iter().enumerate() {
                let kp = format!("{pp}.Parameters[{j}]");
                let kv = object(Some(kv), &kp)?.cloned().unwrap_or_default();
                let name = required(&kv, "ParameterName", &kp)?.to_string();
                let value = required(&kv, "ParameterValue", &kp)?.to_string();
                params.insert(name, Value::String(value));
            }
        }
        let num = |name: &str, min: f64, max: f64, default: f64| -> Result<f64, AwsError> {
            match params.get(name).and_then(Value::as_str) {
                None => Ok(default),
                Some(s) => crate::core::float::parse_f64(s)
                    .ok()
                    .filter(|n| (min..=max).contains(n))
                    .ok_or_else(|| {
                        invalid(format!("{pp}: {name} must be between {min} and {max}."))
                    }),
            }
        };
        match required(&proc, "Type", &pp)? {
            "Lambda" => {
                let arn = params
                    .get("LambdaArn")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        invalid(format!("{pp}: the LambdaArn parameter is required."))
                    })?;
                transform = Some(Transform {
                    lambda_arn: arn.to_string(),
                    retries: num("NumberOfRetries", 0.0, 300.0, 3.0)? as u32,
                    buffer_bytes: (num("BufferSizeInMBs", 0.2, 3.0, 1.0)? * MIB as f64) as u64,
                    buffer_interval_s: num("BufferIntervalInSeconds", 60.0, 900.0, 60.0)? as u64,
                });
            }
            "MetadataExtraction" => {
                let q = params
                    .get("MetadataExtractionQuery")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        invalid(format!(
                            "{pp}: the MetadataExtractionQuery parameter is required."
                        ))
                    })?;
                keys = jq_keys(q).ok_or_else(|| {
                    invalid(format!("{pp}: MetadataExtractionQuery {q:?}: mqlab supports the form {{key: .field, ...}}."))
                })?;
            }
            "AppendDelimiterToRecord" | "RecordDeAggregation" | "CloudWatchLogProcessing" => {}
            other => {
                return Err(invalid(format!(
                    "{pp}.Type {other:?} is not a processor type."
                )))
            }
        }
    }
    Ok((transform, keys))
}

/// `{customer_id: .customer_id, region: .geo.region}` → [(customer_id, customer_id), …]:
/// the simple JQ form mqlab supports (a field path of dotted names).
fn jq_keys(q: &str) -> Option<Vec<(String, String)>> {
    let inner = q.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut out = Vec::new();
    for pair in inner.split(',') {
        let (k, v) = pair.split_once(':')?;
        let (k, v) = (k.trim(), v.trim().strip_prefix('.')?);
        let ok = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
        if !ok(k) || !v.split('.').all(ok) {
            return None;
        }
        out.push((k.to_string(), v.to_string()));
    }
    Some(out)
}

/// Parses a destination: `member` is `ExtendedS3Destination`, `S3Destination` or a sink's,
/// `m` its configuration (UpdateDestination merges its update into the current one first).
pub fn parse(member: &str, suffix: &str, given: &Value) -> Result<Destination, AwsError> {
    let path = format!("{member}{suffix}");
    let mut m = object(Some(given), &path)?.cloned().unwrap_or_default();
    let sink_kind = SinkKind::ALL.into_iter().find(|k| k.member() == member);
    let (mut s3, s3_path) = match sink_kind {
        None => (m.clone(), path.clone()),
        Some(_) => {
            let p = format!("{path}.S3Configuration");
            (
                object(m.get("S3Configuration"), &p)?
                    .cloned()
                    .ok_or_else(|| invalid(format!("{p} is required.")))?,
                p,
            )
        }
    };
    required(&s3, "RoleARN", &s3_path)?;
    let bucket = bucket_of(&s3, &s3_path)?;
    let prefix = text(&s3, "Prefix", &s3_path)?.unwrap_or("").to_string();
    let error_prefix = text(&s3, "ErrorOutputPrefix", &s3_path)?.map(str::to_string);
    let (transform, partition_keys) = processing(&m, &path)?;
    let mut sink = None;
    let (size_bytes, interval_ms) = match sink_kind {
        None => {
            let hints = buffering(&mut m, &path, (128, 5, 900, 300))?;
            let dp = object(
                m.get("DynamicPartitioningConfiguration"),
                &format!("{path}.DynamicPartitioningConfiguration"),
            )?;
            let dynamic = dp.and_then(|d| d.get("Enabled")).and_then(Value::as_bool) == Some(true);
            if dynamic {
                if partition_keys.is_empty() {
                    return Err(invalid("Dynamic partitioning requires a MetadataExtraction processor (or partitioning keys from the Lambda transformation, which mqlab does not simulate)."));
                }
                if error_prefix.is_none() {
                    return Err(invalid(
                        "ErrorOutputPrefix is required when dynamic partitioning is enabled.",
                    ));
                }
                if hints.0 < PARTITIONING_MIN_SIZE_MB * MIB {
                    return Err(invalid(format!("BufferingHints.SizeInMBs must be at least {PARTITIONING_MIN_SIZE_MB} when dynamic partitioning is enabled.")));
                }
                for (k, _) in &partition_keys {
                    if !prefix.contains(&format!("!{{partitionKeyFromQuery:{k}}}")) {
                        return Err(invalid(format!("Prefix must use every partition key: !{{partitionKeyFromQuery:{k}}} is missing.")));
                    }
                }
            } else if prefix.contains("!{partitionKeyFromQuery:") {
                return Err(invalid("Prefix uses !{partitionKeyFromQuery:...} but dynamic partitioning is not enabled."));
            }
            m.entry("CompressionFormat")
                .or_insert(json!("UNCOMPRESSED"));
            m.entry("S3BackupMode").or_insert(json!("Disabled"));
            m.entry("EncryptionConfiguration")
                .or_insert(json!({"NoEncryptionConfig": "NoEncryption"}));
            hints
        }
        Some(kind) => {
            let (_, _, _, smax, sdef, imax, idef, rdef, failed, all) = kind.spec();
            let hints = buffering(&mut m, &path, (smax, sdef, imax, idef))?;
            let endpoint = match kind {
                SinkKind::HttpEndpoint => {
                    let p = format!("{path}.EndpointConfiguration");
                    let e = object(m.get("EndpointConfiguration"), &p)?
                        .cloned()
                        .ok_or_else(|| invalid(format!("{p} is required.")))?;
                    required(&e, "Url", &p)?.to_string()
                }
                SinkKind::Splunk => required(&m, "HECEndpoint", &path)?.to_string(),
                SinkKind::OpenSearch => {
                    required(&m, "IndexName", &path)?;
                    text(&m, "DomainARN", &path)?
                        .or(text(&m, "ClusterEndpoint", &path)?)
                        .ok_or_else(|| {
                            invalid(format!("{path}: DomainARN or ClusterEndpoint is required."))
                        })?
                        .to_string()
                }
            };
            let rp = format!("{path}.RetryOptions");
            let ro = object(m.get("RetryOptions"), &rp)?
                .cloned()
                .unwrap_or_default();
            let retry_s = ranged(&ro, "DurationInSeconds", &rp, (0, 7_200, rdef))?;
            m.insert("RetryOptions".into(), json!({"DurationInSeconds": retry_s}));
            let mode = text(&m, "S3BackupMode", &path)?
                .unwrap_or(failed)
                .to_string();
            if mode != failed && mode != all {
                return Err(invalid(format!(
                    "{path}.S3BackupMode must be {failed} or {all}."
                )));
            }
            m.insert("S3BackupMode".into(), json!(mode));
            sink = Some(Sink {
                kind,
                endpoint,
                retry_ms: retry_s * MS_PER_S,
                backup_all: mode == all,
            });
            hints
        }
    };
    if sink_kind.is_some() {
        s3.entry("CompressionFormat")
            .or_insert(json!("UNCOMPRESSED"));
        m.insert("S3Configuration".into(), Value::Object(s3));
    }
    Ok(Destination {
        id: DESTINATION_ID.to_string(),
        config: Value::Object(m),
        sink,
        bucket,
        prefix,
        error_prefix,
        size_bytes,
        interval_ms,
        transform,
        partition_keys,
    })
}

impl Destination {
    /// `Destinations[0]` of DescribeDeliveryStream.
    pub fn description(&self) -> Value {
        let mut c = self.config.clone();
        let member = match &self.sink {
            None => "ExtendedS3DestinationDescription".to_string(),
            Some(s) => {
                if let Some(m) = c.as_object_mut() {
                    if let Some(s3) = m.remove("S3Configuration") {
                        m.insert("S3DestinationDescription".into(), s3);
                    }
                    if let Some(Value::Object(e)) = m.get_mut("EndpointConfiguration") {
                        e.remove("AccessKey");
                    }
                }
                s.kind.spec().1.to_string()
            }
        };
        let mut out = json!({"DestinationId": self.id});
        out[member] = c;
        out
    }

    /// The member of this destination's kind (`ExtendedS3Destination`, …).
    pub fn member(&self) -> &'static str {
        self.sink
            .as_ref()
            .map_or("ExtendedS3Destination", |s| s.kind.member())
    }
}
