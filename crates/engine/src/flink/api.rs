//! The control plane of Managed Service for Apache Flink (`kinesisanalyticsv2`, aws-rules
//! §6.1–6.2): CreateApplication, DescribeApplication, ListApplications, StartApplication,
//! StopApplication and DeleteApplication with botocore's member names and AWS's
//! ApplicationStatus values. The window an application computes rides in
//! ApplicationConfiguration.EnvironmentProperties.PropertyGroups, group [`PROPERTY_GROUP`].

use super::*;
use crate::core::error::AwsError;
use crate::core::request;
use crate::core::time::epoch_ms;
use serde::de::DeserializeOwned;
use serde_json::json;

/// The runtimes CreateApplication accepts (RuntimeEnvironment; SQL-1_0 is refused).
pub const RUNTIMES: &[&str] = &[
    "FLINK-1_6",
    "FLINK-1_8",
    "FLINK-1_11",
    "FLINK-1_13",
    "FLINK-1_15",
    "FLINK-1_18",
    "FLINK-1_19",
    "FLINK-1_20",
    "ZEPPELIN-FLINK-1_0",
    "ZEPPELIN-FLINK-2_0",
    "ZEPPELIN-FLINK-3_0",
];
/// The runtime of Kinesis Data Analytics for SQL applications, discontinued (aws-rules §6.1).
pub const SQL_RUNTIME: &str = "SQL-1_0";
const NAME_MAX: usize = 128;
/// ListApplications' Limit: 1–50, default 50.
pub const LIST_LIMIT_MAX: i64 = 50;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PropertyGroup {
    pub property_group_id: Option<String>,
    #[serde(default)]
    pub property_map: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnvironmentProperties {
    #[serde(default)]
    pub property_groups: Vec<PropertyGroup>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicationConfiguration {
    pub environment_properties: Option<EnvironmentProperties>,
}

/// Every operation's members (each reads those it needs).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Input {
    pub application_name: Option<String>,
    pub application_description: Option<String>,
    pub runtime_environment: Option<String>,
    pub service_execution_role: Option<String>,
    pub application_configuration: Option<ApplicationConfiguration>,
    pub application_mode: Option<String>,
    pub create_timestamp: Option<f64>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
    pub force: Option<bool>,
    pub include_additional_details: Option<bool>,
    pub run_configuration: Option<Value>,
    pub tags: Option<Value>,
}

fn parse<T: DeserializeOwned + Default>(params: &Value) -> Result<T, AwsError> {
    request::parse(
        params,
        &request::Unreadable {
            code: "InvalidArgumentException",
            member_message: "The request could not be read: {}.",
            not_object_message: "The request parameters must be a JSON object.",
        },
    )
}

fn invalid(m: impl Into<String>) -> AwsError {
    AwsError::new("InvalidArgumentException", m)
}

fn in_use(m: impl Into<String>) -> AwsError {
    AwsError::new("ResourceInUseException", m)
}

fn required<'a>(v: &'a Option<String>, member: &str) -> Result<&'a str, AwsError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(format!("{member} is required.")))
}

fn secs(t: SimTime) -> f64 {
    epoch_ms(t) as f64 / 1000.0
}

/// A number of seconds from a property, as milliseconds.
fn prop_ms(map: &BTreeMap<String, String>, key: &str) -> Result<Option<SimTime>, String> {
    map.get(key)
        .map(|v| {
            crate::core::float::parse_f64(v.trim())
                .ok()
                .and_then(crate::core::time::secs_to_ms)
                .ok_or_else(|| format!("{key} must be a number of seconds, not {v:?}."))
        })
        .transpose()
}

/// The window the [`PROPERTY_GROUP`] property group declares. Keys: `source`,
/// `flink.stream.initpos` (LATEST, TRIM_HORIZON), `window` (TUMBLE, HOP, SESSION), `size_s`,
/// `slide_s`, `gap_s`, `time_field` (absent: arrival time), `watermark_delay_s`,
/// `allowed_lateness_s`, `key`, `aggregate` (COUNT, SUM, MIN, MAX, AVG), `field`, `sink`.
pub fn spec_from_properties(map: &BTreeMap<String, String>) -> Result<WindowSpec, String> {
    let get = |k: &str| {
        map.get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let need = |k: &str| prop_ms(map, k)?.ok_or_else(|| format!("{k} is required."));
    let window = match get("window").as_deref().map(str::to_uppercase).as_deref() {
        Some("TUMBLE") | Some("TUMBLING") => WindowKind::Tumbling {
            size_ms: need("size_s")?,
        },
        Some("HOP") | Some("HOPPING") | Some("SLIDING") => WindowKind::Hopping {
            size_ms: need("size_s")?,
            slide_ms: need("slide_s")?,
        },
        Some("SESSION") => WindowKind::Session {
            gap_ms: need("gap_s")?,
        },
        other => {
            return Err(format!(
                "window must be TUMBLE, HOP or SESSION, not {other:?}."
            ))
        }
    };
    let time = match get("time_field") {
        Some(field) => TimeSpec::Event {
            field,
            watermark_delay_ms: prop_ms(map, "watermark_delay_s")?.unwrap_or(0),
            allowed_lateness_ms: prop_ms(map, "allowed_lateness_s")?.unwrap_or(0),
        },
        None => TimeSpec::Arrival,
    };
    let aggregate = match get("aggregate").map(|a| a.to_uppercase()).as_deref() {
        Some("COUNT") => Aggregate::Count,
        Some("SUM") => Aggregate::Sum,
        Some("MIN") => Aggregate::Min,
        Some("MAX") => Aggregate::Max,
        Some("AVG") => Aggregate::Avg,
        other => {
            return Err(format!(
                "aggregate must be COUNT, SUM, MIN, MAX or AVG, not {other:?}."
            ))
        }
    };
    let from_start = match get("flink.stream.initpos").as_deref() {
        None | Some("LATEST") => false,
        Some("TRIM_HORIZON") => true,
        Some(o) => {
            return Err(format!(
                "flink.stream.initpos must be LATEST or TRIM_HORIZON, not {o:?}."
            ))
        }
    };
    let spec = WindowSpec {
        source: get("source").ok_or("source is required.")?,
        from_start,
        window,
        time,
        key: get("key"),
        aggregate,
        field: get("field"),
        sink: get("sink"),
    };
    spec.check()?;
    Ok(spec)
}

impl Application {
    /// ApplicationDetail.
    fn detail(&self) -> Value {
        let groups: Vec<Value> = self
            .property_groups
            .iter()
            .map(|(id, map)| json!({"PropertyGroupId": id, "PropertyMap": map}))
            .collect();
        let mut d = json!({
            "ApplicationARN": self.arn,
            "ApplicationName": self.name,
            "RuntimeEnvironment": self.runtime,
            "ServiceExecutionRole": self.role,
            "ApplicationStatus": self.status.as_str(),
            "ApplicationVersionId": self.version_id,
            "CreateTimestamp": secs(self.created_at),
            "LastUpdateTimestamp": secs(self.updated_at),
            "ApplicationMode": "STREAMING",
            "ApplicationConfigurationDescription": {
                "EnvironmentPropertyDescriptions": {"PropertyGroupDescriptions": groups}
            },
        });
        if !self.description.is_empty() {
            d["ApplicationDescription"] = json!(self.description);
        }
        // The declared window's Flink SQL, where AWS describes an application's text code.
        if let Some(spec) = &self.spec {
            d["ApplicationConfigurationDescription"]["ApplicationCodeConfigurationDescription"] = json!({
                "CodeContentType": "PLAINTEXT",
                "CodeContentDescription": {"TextContent": sql(spec)},
            });
        }
        d
    }

    fn summary(&self) -> Value {
        json!({
            "ApplicationName": self.name,
            "ApplicationARN": self.arn,
            "ApplicationStatus": self.status.as_str(),
            "ApplicationVersionId": self.version_id,
            "RuntimeEnvironment": self.runtime,
            "ApplicationMode": "STREAMING",
        })
    }
}

impl Flink {
    fn app(&self, name: &Option<String>) -> Result<&Application, AwsError> {
        let name = required(name, "ApplicationName")?;
        self.apps.get(name).ok_or_else(|| {
            AwsError::new(
                "ResourceNotFoundException",
                format!("Application {name} is not found"),
            )
        })
    }

    /// The JSON face of the control plane.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        let i: Input = parse(params)?;
        match op {
            "CreateApplication" => self.create(ctx, &i),
            "DescribeApplication" => Ok(json!({"ApplicationDetail": self.app(&i.application_name)?.detail()})),
            "ListApplications" => self.list(&i),
            "StartApplication" => {
                let a = self.app(&i.application_name)?;
                if a.status != AppStatus::Ready {
                    return Err(in_use(format!(
                        "Application {} is in {} state; it can be started only in READY state.",
                        a.name,
                        a.status.as_str()
                    )));
                }
                let name = a.name.clone();
                self.transition(ctx, &name, AppStatus::Starting, STARTING_MS);
                Ok(json!({"OperationId": ctx.rng.uuid()}))
            }
            "StopApplication" => {
                let a = self.app(&i.application_name)?;
                if a.status != AppStatus::Running && !(a.status == AppStatus::Starting && i.force == Some(true)) {
                    return Err(in_use(format!(
                        "Application {} is in {} state; it can be stopped only in RUNNING state.",
                        a.name,
                        a.status.as_str()
                    )));
                }
                let name = a.name.clone();
                self.transition(ctx, &name, AppStatus::Stopping, STOPPING_MS);
                if let Some(a) = self.apps.get_mut(&name) {
                    a.job = None;
                }
                Ok(json!({"OperationId": ctx.rng.uuid()}))
            }
            "DeleteApplication" => {
                let a = self.app(&i.application_name)?;
                let Some(ts) = i.create_timestamp else {
                    return Err(invalid("CreateTimestamp is required."));
                };
                if (ts - secs(a.created_at)).abs() >= 0.001 {
                    return Err(invalid(format!(
                        "CreateTimestamp {ts} does not match application {}'s creation time.",
                        a.name
                    )));
                }
                if a.status == AppStatus::Deleting {
                    return Err(in_use(format!("Application {} is already being deleted.", a.name)));
                }
                let name = a.name.clone();
                self.transition(ctx, &name, AppStatus::Deleting, DELETING_MS);
                if let Some(a) = self.apps.get_mut(&name) {
                    a.job = None;
                }
                Ok(json!({}))
            }
            other => Err(AwsError::new(
                "InvalidAction",
                format!("The action {other} is not valid for this web service (simulated: CreateApplication, DescribeApplication, ListApplications, StartApplication, StopApplication, DeleteApplication)."),
            )),
        }
    }

    /// A scenario's application: CreateApplication with the request's members, RUNNING at
    /// once (as a scenario's streams are ACTIVE from the start; StartApplication's STARTING
    /// delay is for calls made while the run goes on). It must declare its window (the
    /// [`PROPERTY_GROUP`] property group): an application without one computes nothing.
    pub(crate) fn create_running(
        &mut self,
        ctx: &mut Ctx,
        params: &Value,
    ) -> Result<WindowSpec, AwsError> {
        let i: Input = parse(params)?;
        self.create(ctx, &i)?;
        let name = required(&i.application_name, "ApplicationName")?;
        let Some(spec) = self.apps.get(name).and_then(|a| a.spec.clone()) else {
            self.apps.remove(name);
            return Err(invalid(format!(
                "ApplicationConfiguration.EnvironmentProperties.PropertyGroups: a scenario's application declares its window in the {PROPERTY_GROUP} property group."
            )));
        };
        self.settle_to(ctx, name, AppStatus::Running);
        Ok(spec)
    }

    fn create(&mut self, ctx: &mut Ctx, i: &Input) -> Result<Value, AwsError> {
        let name = required(&i.application_name, "ApplicationName")?;
        if name.len() > NAME_MAX
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        {
            return Err(invalid(format!(
                "ApplicationName {name} must be 1 to {NAME_MAX} characters of [a-zA-Z0-9_.-]."
            )));
        }
        let runtime = required(&i.runtime_environment, "RuntimeEnvironment")?;
        if runtime == SQL_RUNTIME {
            return Err(AwsError::new(
                "UnsupportedOperationException",
                "Kinesis Data Analytics for SQL applications is discontinued: new SQL-1_0 applications cannot be created since October 15, 2025. Use Amazon Managed Service for Apache Flink (for example RuntimeEnvironment FLINK-1_20, with Flink SQL).",
            ));
        }
        if !RUNTIMES.contains(&runtime) {
            return Err(invalid(format!(
                "RuntimeEnvironment {runtime} is not valid (valid: {}).",
                RUNTIMES.join(", ")
            )));
        }
        let role = required(&i.service_execution_role, "ServiceExecutionRole")?;
        if matches!(i.application_mode.as_deref(), Some(m) if m != "STREAMING") {
            return Err(invalid(
                "ApplicationMode: mqlab simulates STREAMING applications only.",
            ));
        }
        if self.apps.contains_key(name) {
            return Err(in_use(format!("Application {name} already exists")));
        }
        let mut app = Application::new(name, runtime, role, ctx.now);
        app.description = i.application_description.clone().unwrap_or_default();
        let groups = i
            .application_configuration
            .as_ref()
            .and_then(|c| c.environment_properties.as_ref())
            .map_or(&[][..], |e| &e.property_groups[..]);
        for g in groups {
            let id = required(&g.property_group_id, "PropertyGroupId")?;
            if id == PROPERTY_GROUP {
                app.spec = Some(
                    spec_from_properties(&g.property_map)
                        .map_err(|m| invalid(format!("PropertyGroup {PROPERTY_GROUP}: {m}")))?,
                );
            }
            app.property_groups
                .insert(id.to_string(), g.property_map.clone());
        }
        let detail = app.detail();
        self.apps.insert(name.to_string(), app);
        Ok(json!({"ApplicationDetail": detail}))
    }

    fn list(&self, i: &Input) -> Result<Value, AwsError> {
        let limit = match i.limit {
            None => LIST_LIMIT_MAX as usize,
            Some(n) if (1..=LIST_LIMIT_MAX).contains(&n) => n as usize,
            Some(n) => {
                return Err(invalid(format!(
                    "Limit {n} must be between 1 and {LIST_LIMIT_MAX}."
                )))
            }
        };
        let after = i.next_token.clone().unwrap_or_default();
        let rest: Vec<&Application> = self.apps.values().filter(|a| a.name > after).collect();
        let page: Vec<Value> = rest.iter().take(limit).map(|a| a.summary()).collect();
        let mut out = json!({"ApplicationSummaries": page});
        if rest.len() > limit {
            out["NextToken"] = json!(rest[limit - 1].name);
        }
        Ok(out)
    }
}
