//! Lambda's operations: CreateFunction, GetFunction, ListFunctions, DeleteFunction, and
//! Create/Get/List/Update/DeleteEventSourceMapping, with AWS's members, defaults, states
//! and error codes (aws-rules §2.1).

use super::api::*;
use super::*;
use crate::core::aws::arn;
use crate::core::error::AwsError;
use crate::core::route::Router;
use crate::core::time::{epoch_ms, iso8601_ms};
use serde_json::{json, Value};

/// A standard queue's largest batch; a FIFO queue's, and the largest without a window.
pub const BATCH_SIZE_MAX: i64 = 10_000;
pub const BATCH_SIZE_FIFO_MAX: i64 = 10;
pub const BATCH_SIZE_DEFAULT: u32 = 10;
pub const BATCHING_WINDOW_MAX_S: i64 = 300;
/// ScalingConfig.MaximumConcurrency's range.
pub const MAXIMUM_CONCURRENCY_MIN: i64 = 2;
/// ListFunctions' and ListEventSourceMappings' page (MaxItems 1–10,000; default 50 and
/// 100).
pub const MAX_ITEMS_MAX: i64 = 10_000;
const FUNCTION_NAME_MAX: usize = 64;
const REPORT_BATCH_ITEM_FAILURES: &str = "ReportBatchItemFailures";

fn invalid(message: impl Into<String>) -> AwsError {
    AwsError::new("InvalidParameterValueException", message)
}

/// A member outside the model's constraints, as AWS's request validation words it.
fn constraint(value: impl std::fmt::Display, member: &str, rule: &str) -> AwsError {
    AwsError::new(
        "ValidationException",
        format!("1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must {rule}"),
    )
}

fn required<'a>(v: &'a Option<String>, name: &str) -> Result<&'a str, AwsError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(format!("{name} is required.")))
}

/// A number within `min..=max` (the model's range), or the default.
fn ranged(v: Option<i64>, member: &str, min: i64, max: i64, default: u32) -> Result<u32, AwsError> {
    match v {
        None => Ok(default),
        Some(n) if n < min => Err(constraint(
            n,
            member,
            &format!("have value greater than or equal to {min}"),
        )),
        Some(n) if n > max => Err(constraint(
            n,
            member,
            &format!("have value less than or equal to {max}"),
        )),
        Some(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// The function a FunctionName names: a name, a function ARN or a partial ARN
/// (`123456789012:function:name`), with an optional `:$LATEST` qualifier.
fn function_name(v: &str) -> &str {
    let mut parts = v.split(':');
    match parts.position(|p| p == "function") {
        Some(_) => parts.next().unwrap_or(""),
        None => v,
    }
}

fn function_arn(name: &str) -> String {
    arn("lambda", &format!("function:{name}"))
}

fn not_found_function(name: &str) -> AwsError {
    AwsError::new(
        "ResourceNotFoundException",
        format!("Function not found: {}", function_arn(name)),
    )
}

fn not_found_mapping() -> AwsError {
    AwsError::new(
        "ResourceNotFoundException",
        "The resource you requested does not exist.",
    )
}

/// Lambda writes a function's LastModified as `2026-01-01T00:00:00.000+0000`.
fn last_modified(t: SimTime) -> String {
    let mut s = iso8601_ms(t);
    s.pop();
    s + "+0000"
}

fn page_size(v: Option<i64>, default: u32) -> Result<usize, AwsError> {
    Ok(ranged(v, "maxItems", 1, MAX_ITEMS_MAX, default)? as usize)
}

impl Function {
    /// FunctionConfiguration.
    fn configuration(&self) -> Value {
        let mut c = json!({
            "FunctionName": self.name,
            "FunctionArn": self.arn,
            "Role": self.role,
            "Handler": self.handler,
            "CodeSize": 0,
            "Description": self.description,
            "Timeout": self.timeout_s,
            "MemorySize": self.memory_mb,
            "LastModified": last_modified(self.last_modified),
            "Version": "$LATEST",
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": ["x86_64"],
        });
        if let Some(r) = &self.runtime {
            c["Runtime"] = json!(r);
        }
        if !self.environment.is_empty() {
            c["Environment"] = json!({ "Variables": self.environment });
        }
        c
    }
}

impl Mapping {
    /// EventSourceMappingConfiguration.
    fn configuration(&self) -> Value {
        let mut c = json!({
            "UUID": self.uuid,
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.window_s,
            "EventSourceArn": self.queue_arn,
            "FunctionArn": function_arn(&self.function),
            "LastModified": epoch_ms(self.last_modified) as f64 / 1000.0,
            "State": self.state.as_str(),
            "StateTransitionReason": "USER_INITIATED",
            "FunctionResponseTypes": if self.report_item_failures { vec![REPORT_BATCH_ITEM_FAILURES] } else { vec![] },
            "EventSourceMappingArn": arn("lambda", &format!("event-source-mapping:{}", self.uuid)),
        });
        if let Some(n) = self.maximum_concurrency {
            c["ScalingConfig"] = json!({ "MaximumConcurrency": n });
        }
        c
    }
}

/// The members a create or an update sets, validated alone (the queue's rules come after).
struct MappingSettings {
    batch_size: Option<u32>,
    window_s: Option<u32>,
    report_item_failures: Option<bool>,
    maximum_concurrency: Option<Option<u32>>,
}

fn mapping_settings(i: &MappingInput) -> Result<MappingSettings, AwsError> {
    let batch_size = i
        .batch_size
        .map(|b| ranged(Some(b), "batchSize", 1, BATCH_SIZE_MAX, 0))
        .transpose()?;
    let window_s = i
        .maximum_batching_window_in_seconds
        .map(|w| {
            ranged(
                Some(w),
                "maximumBatchingWindowInSeconds",
                0,
                BATCHING_WINDOW_MAX_S,
                0,
            )
        })
        .transpose()?;
    let report_item_failures = match &i.function_response_types {
        None => None,
        Some(types) => {
            if let Some(t) = types.iter().find(|t| *t != REPORT_BATCH_ITEM_FAILURES) {
                return Err(constraint(
                    format!("[{t}]"),
                    "functionResponseTypes",
                    "satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]",
                ));
            }
            Some(!types.is_empty())
        }
    };
    // An empty ScalingConfig removes the cap.
    let maximum_concurrency = match &i.scaling_config {
        None => None,
        Some(s) => Some(
            s.maximum_concurrency
                .map(|n| {
                    ranged(
                        Some(n),
                        "scalingConfig.maximumConcurrency",
                        MAXIMUM_CONCURRENCY_MIN,
                        CONCURRENCY_MAX as i64,
                        0,
                    )
                })
                .transpose()?,
        ),
    };
    Ok(MappingSettings {
        batch_size,
        window_s,
        report_item_failures,
        maximum_concurrency,
    })
}

/// A mapping's rules that depend on its queue and function (aws-rules §2.1): FIFO batch
/// size and no window; over 10 messages only with a window; the queue's visibility timeout
/// at least the function's timeout.
fn check_against_queue(
    batch_size: u32,
    window_s: u32,
    fifo: bool,
    visibility_timeout_s: u32,
    function_timeout_s: u32,
) -> Result<(), AwsError> {
    if fifo && i64::from(batch_size) > BATCH_SIZE_FIFO_MAX {
        // UNCONFIRMED wording.
        return Err(invalid(format!(
            "Invalid batch size {batch_size}: the batch size of an SQS FIFO queue must be between 1 and {BATCH_SIZE_FIFO_MAX}."
        )));
    }
    if fifo && window_s > 0 {
        // UNCONFIRMED wording.
        return Err(invalid(
            "MaximumBatchingWindowInSeconds is not supported for SQS FIFO queues.",
        ));
    }
    if i64::from(batch_size) > BATCH_SIZE_FIFO_MAX && window_s == 0 {
        return Err(invalid(
            "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
        ));
    }
    if visibility_timeout_s < function_timeout_s {
        return Err(invalid(format!(
            "Queue visibility timeout: {visibility_timeout_s} seconds is less than Function timeout: {function_timeout_s} seconds"
        )));
    }
    Ok(())
}

impl Lambda {
    pub(crate) fn create_function(
        &mut self,
        ctx: &mut Ctx,
        i: &CreateFunctionInput,
    ) -> Result<Value, AwsError> {
        let name = required(&i.function_name, "FunctionName")?;
        if name.len() > FUNCTION_NAME_MAX
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(constraint(
                name,
                "functionName",
                "satisfy regular expression pattern: [a-zA-Z0-9-_]+ (at most 64 characters)",
            ));
        }
        let timeout_s = ranged(i.timeout, "timeout", 1, i64::MAX, TIMEOUT_DEFAULT_S)?;
        if i.timeout.is_some_and(|t| t > i64::from(TIMEOUT_MAX_S)) {
            // UNCONFIRMED wording (the model has no maximum; the service refuses).
            return Err(invalid(format!(
                "Timeout must be between 1 and {TIMEOUT_MAX_S} seconds (given {}).",
                i.timeout.unwrap_or_default()
            )));
        }
        let memory_mb = ranged(
            i.memory_size,
            "memorySize",
            MEMORY_MIN_MB.into(),
            MEMORY_MAX_MB.into(),
            MEMORY_DEFAULT_MB,
        )?;
        let environment = i
            .environment
            .as_ref()
            .map(|e| e.variables.clone())
            .unwrap_or_default();
        let duration_ms = match environment.get(ENV_DURATION_MS) {
            None => DEFAULT_DURATION_MS,
            Some(v) => v.trim().parse::<u64>().map_err(|_| {
                invalid(format!(
                    "Environment variable {ENV_DURATION_MS} must be a whole number of milliseconds (mqlab's knob), not {v:?}."
                ))
            })?,
        };
        if self.functions.contains_key(name) {
            return Err(AwsError::new(
                "ResourceConflictException",
                format!("Function already exist: {name}"),
            ));
        }
        let f = Function {
            name: name.to_string(),
            arn: function_arn(name),
            runtime: i.runtime.clone(),
            role: i.role.clone(),
            handler: i.handler.clone(),
            description: i.description.clone().unwrap_or_default(),
            timeout_s,
            memory_mb,
            fail_marker: environment
                .get(ENV_FAIL_IF_BODY_CONTAINS)
                .filter(|m| !m.is_empty())
                .cloned(),
            environment,
            last_modified: ctx.now,
            duration_ms,
            running: 0,
            totals: FunctionTotals::default(),
            metrics: MinuteSeries::starting(ctx.now),
        };
        let out = f.configuration();
        self.functions.insert(name.to_string(), f);
        Ok(out)
    }

    fn resolve_function(&self, v: &Option<String>) -> Result<&Function, AwsError> {
        let name = function_name(required(v, "FunctionName")?);
        self.functions
            .get(name)
            .ok_or_else(|| not_found_function(name))
    }

    fn get_function(&self, i: &FunctionNameInput) -> Result<Value, AwsError> {
        let f = self.resolve_function(&i.function_name)?;
        Ok(json!({
            "Configuration": f.configuration(),
            "Code": { "RepositoryType": "S3", "Location": "" },
        }))
    }

    fn delete_function(&mut self, i: &FunctionNameInput) -> Result<Value, AwsError> {
        let name = self.resolve_function(&i.function_name)?.name.clone();
        if i.qualifier.as_deref().is_some_and(|q| q != "$LATEST") {
            return Err(not_found_function(&name));
        }
        // Its mappings stay; their pollers find no function and stop invoking.
        self.functions.remove(&name);
        Ok(json!({}))
    }

    fn list_functions(&self, i: &ListInput) -> Result<Value, AwsError> {
        let max = page_size(i.max_items, 50)?;
        let from = i.marker.clone().unwrap_or_default();
        let mut page = self.functions.range(from..).map(|(_, f)| f);
        let functions: Vec<Value> = page
            .by_ref()
            .take(max)
            .map(Function::configuration)
            .collect();
        let mut out = json!({ "Functions": functions });
        if let Some(next) = page.next() {
            out["NextMarker"] = json!(next.name);
        }
        Ok(out)
    }

    pub(crate) fn create_event_source_mapping(
        &mut self,
        ctx: &mut Ctx,
        router: &dyn Router,
        i: &MappingInput,
    ) -> Result<Value, AwsError> {
        let queue_arn = required(&i.event_source_arn, "EventSourceArn")?;
        let f = self.resolve_function(&i.function_name)?;
        let s = mapping_settings(i)?;
        let queue = router
            .queue(queue_arn)
            .filter(|_| queue_arn.starts_with("arn:aws:sqs:"))
            .ok_or_else(|| {
                invalid("Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.")
            })?;
        let batch_size = s.batch_size.unwrap_or(BATCH_SIZE_DEFAULT);
        let window_s = s.window_s.unwrap_or(0);
        check_against_queue(
            batch_size,
            window_s,
            queue.fifo,
            queue.visibility_timeout_s,
            f.timeout_s,
        )?;
        let function = f.name.clone();
        if let Some(m) = self
            .mappings
            .values()
            .find(|m| m.queue_arn == queue_arn && m.function == function)
        {
            return Err(AwsError::new(
                "ResourceConflictException",
                format!(
                    "The event source arn (\" {queue_arn} \") and function (\" {function} \") provided mapping already exists. Please update or delete the existing mapping with UUID {}",
                    m.uuid
                ),
            ));
        }
        let id = self.next_mapping;
        self.next_mapping += 1;
        let maximum_concurrency = s.maximum_concurrency.flatten();
        let mut m = Mapping {
            id,
            uuid: ctx.rng.uuid(),
            function,
            queue_arn: queue_arn.to_string(),
            fifo: queue.fifo,
            batch_size,
            window_s,
            report_item_failures: s.report_item_failures.unwrap_or(false),
            maximum_concurrency,
            enabled: i.enabled.unwrap_or(true),
            state: MappingState::Creating,
            last_modified: ctx.now,
            state_gen: 0,
            concurrency: 0,
            in_flight: 0,
            peak_in_flight: 0,
            last_scale_at: ctx.now,
            backlog_since: None,
            poll_gen: 0,
            poll_at: None,
            filling: Vec::new(),
            filling_bytes: 0,
            filling_since: ctx.now,
            empty_counted_at: None,
        };
        m.concurrency = m.initial_concurrency();
        Self::transition(ctx, &mut m, MappingState::Creating);
        let out = m.configuration();
        self.mappings.insert(id, m);
        Ok(out)
    }

    /// Puts a mapping in a transitional state that settles after [`STATE_TRANSITION_MS`].
    fn transition(ctx: &mut Ctx, m: &mut Mapping, state: MappingState) {
        m.state = state;
        m.state_gen += 1;
        let (mapping, gen) = (m.id, m.state_gen);
        ctx.timers.schedule(
            ctx.now + STATE_TRANSITION_MS,
            LambdaTimer::Settle { mapping, gen },
        );
    }

    fn mapping_by_uuid(&mut self, uuid: &Option<String>) -> Result<&mut Mapping, AwsError> {
        let uuid = required(uuid, "UUID")?;
        self.mappings
            .values_mut()
            .find(|m| m.uuid == uuid)
            .ok_or_else(not_found_mapping)
    }

    fn in_use(m: &Mapping) -> AwsError {
        // UNCONFIRMED wording.
        AwsError::new(
            "ResourceInUseException",
            format!(
                "The event source mapping {} is currently in state {}. Please try again later.",
                m.uuid,
                m.state.as_str()
            ),
        )
    }

    fn update_event_source_mapping(
        &mut self,
        ctx: &mut Ctx,
        router: &dyn Router,
        i: &MappingInput,
    ) -> Result<Value, AwsError> {
        let s = mapping_settings(i)?;
        let function = match &i.function_name {
            Some(_) => Some(self.resolve_function(&i.function_name)?.name.clone()),
            None => None,
        };
        let m = self.mapping_by_uuid(&i.uuid)?;
        if m.state.transitional() {
            return Err(Self::in_use(m));
        }
        let function = function.unwrap_or_else(|| m.function.clone());
        let batch_size = s.batch_size.unwrap_or(m.batch_size);
        let window_s = s.window_s.unwrap_or(m.window_s);
        let (queue_arn, fifo) = (m.queue_arn.clone(), m.fifo);
        let timeout_s = self.functions.get(&function).map_or(0, |f| f.timeout_s);
        if let Some(q) = router.queue(&queue_arn) {
            check_against_queue(
                batch_size,
                window_s,
                fifo,
                q.visibility_timeout_s,
                timeout_s,
            )?;
        } else {
            check_against_queue(batch_size, window_s, fifo, u32::MAX, 0)?;
        }
        let m = self.mapping_by_uuid(&i.uuid)?;
        m.function = function;
        m.batch_size = batch_size;
        m.window_s = window_s;
        if let Some(r) = s.report_item_failures {
            m.report_item_failures = r;
        }
        if let Some(c) = s.maximum_concurrency {
            m.maximum_concurrency = c;
            m.concurrency = m.concurrency.min(m.concurrency_cap());
        }
        m.last_modified = ctx.now;
        let enabled = i.enabled.unwrap_or(m.enabled);
        let state = match (m.enabled, enabled) {
            (true, false) => MappingState::Disabling,
            (false, true) => MappingState::Enabling,
            _ => MappingState::Updating,
        };
        m.enabled = enabled;
        Self::transition(ctx, m, state);
        Ok(m.configuration())
    }

    fn delete_event_source_mapping(
        &mut self,
        ctx: &mut Ctx,
        i: &MappingInput,
    ) -> Result<Value, AwsError> {
        let m = self.mapping_by_uuid(&i.uuid)?;
        if m.state.transitional() {
            return Err(Self::in_use(m));
        }
        m.enabled = false;
        Self::transition(ctx, m, MappingState::Deleting);
        Ok(m.configuration())
    }

    fn list_event_source_mappings(&self, i: &ListInput) -> Result<Value, AwsError> {
        let max = page_size(i.max_items, 100)?;
        let from = match &i.marker {
            None => 0,
            Some(m) => m
                .parse::<u64>()
                .map_err(|_| invalid(format!("Invalid marker: {m}")))?,
        };
        let function = i.function_name.as_deref().map(function_name);
        let mut page = self.mappings.range(from..).map(|(_, m)| m).filter(|m| {
            i.event_source_arn
                .as_ref()
                .is_none_or(|a| *a == m.queue_arn)
                && function.is_none_or(|f| f == m.function)
        });
        let mappings: Vec<Value> = page
            .by_ref()
            .take(max)
            .map(Mapping::configuration)
            .collect();
        let mut out = json!({ "EventSourceMappings": mappings });
        if let Some(next) = page.next() {
            out["NextMarker"] = json!(next.id.to_string());
        }
        Ok(out)
    }

    /// One API call with its JSON members.
    pub fn call_json(
        &mut self,
        ctx: &mut Ctx,
        router: &mut dyn Router,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        match op {
            "CreateFunction" => parse(params).and_then(|i| self.create_function(ctx, &i)),
            "GetFunction" => parse(params).and_then(|i| self.get_function(&i)),
            "DeleteFunction" => parse(params).and_then(|i| self.delete_function(&i)),
            "ListFunctions" => parse(params).and_then(|i| self.list_functions(&i)),
            "CreateEventSourceMapping" => {
                parse(params).and_then(|i| self.create_event_source_mapping(ctx, router, &i))
            }
            "GetEventSourceMapping" => parse::<MappingInput>(params)
                .and_then(|i| self.mapping_by_uuid(&i.uuid).map(|m| m.configuration())),
            "ListEventSourceMappings" => parse(params).and_then(|i| self.list_event_source_mappings(&i)),
            "UpdateEventSourceMapping" => {
                parse(params).and_then(|i| self.update_event_source_mapping(ctx, router, &i))
            }
            "DeleteEventSourceMapping" => {
                parse(params).and_then(|i| self.delete_event_source_mapping(ctx, &i))
            }
            other => Err(AwsError::new(
                "InvalidAction",
                format!("The action {other} is not valid for this web service (simulated: CreateFunction, GetFunction, ListFunctions, DeleteFunction, CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings, UpdateEventSourceMapping, DeleteEventSourceMapping)."),
            )),
        }
    }
}
