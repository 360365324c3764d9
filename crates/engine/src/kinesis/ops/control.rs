//! Kinesis control plane: creating, describing, listing, updating and deleting streams, capacity mode, retention settings.

use super::*;

impl Kinesis {
    // ------------------------------------------------------------------ streams

    pub fn create_stream(&mut self, ctx: &mut Ctx, i: &CreateStreamInput) -> Result<(), AwsError> {
        let Some(name) = i.stream_name.as_deref() else {
            return Err(required("streamName"));
        };
        check_name(name, "streamName")?;
        let mode = match &i.stream_mode_details {
            Some(d) => StreamMode::parse(&d.stream_mode).ok_or_else(|| {
                validation(
                    Some(&d.stream_mode),
                    "streamModeDetails.streamMode",
                    "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
                )
            })?,
            // Without either member AWS now creates an on-demand stream (UNCONFIRMED).
            None if i.shard_count.is_none() => StreamMode::OnDemand,
            None => StreamMode::Provisioned,
        };
        let shards = match mode {
            // On-demand streams start with 4 shards whatever ShardCount says (aws-rules §4.7).
            StreamMode::OnDemand => ON_DEMAND_INITIAL_SHARDS,
            StreamMode::Provisioned => {
                let Some(n) = i.shard_count else {
                    return Err(invalid_argument(
                        "ShardCount is required for a stream in PROVISIONED mode.",
                    ));
                };
                check_range(n, "shardCount", 1, 100_000)?;
                n as u32
            }
        };
        if let Some(tags) = &i.tags {
            tags::check_tags(tags, "tags", tags::TAG_MAP_MAX, true)?;
            tags::check_quota(name, &BTreeMap::new(), tags)?;
        }
        if self.streams.contains_key(name) {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!("Stream {name} under account {ACCOUNT_ID} already exists."),
            ));
        }
        let creating = self
            .streams
            .values()
            .filter(|s| s.status == StreamStatus::Creating)
            .count();
        if creating >= STREAMS_CREATING_MAX || self.streams.len() >= STREAMS_MAX {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("Too many streams are being created at once: at most {STREAMS_CREATING_MAX} streams can be CREATING in account {ACCOUNT_ID}."),
            ));
        }
        let current = self.open_shards_in_account();
        if current + shards > self.config.account_shard_limit {
            return Err(shard_limit_error(
                current,
                self.config.account_shard_limit,
                shards,
            ));
        }
        self.accrue(ctx.now);
        let incarnation = self.next_incarnation;
        self.next_incarnation += 1;
        self.streams.insert(
            name.to_string(),
            Stream {
                name: name.to_string(),
                arn: stream_arn(name),
                status: StreamStatus::Creating,
                mode,
                retention_hours: RETENTION_DEFAULT_HOURS,
                created_at: ctx.now,
                incarnation,
                shards: Vec::new(),
                seq_ix: Default::default(),
                pending: None,
                change_seq: 0,
                update_shard_count_at: Default::default(),
                mode_switches_at: Default::default(),
                on_demand: OnDemandCapacity::new(shards),
                consumers: Default::default(),
                last_subscribe: Default::default(),
                metrics: metrics::StreamMetrics::starting(ctx.now),
                tags: i.tags.clone().unwrap_or_default(),
            },
        );
        let stream = name.to_string();
        ctx.events.push(ctx.now, || EventKind::StreamCreated {
            stream,
            mode: mode.as_str().to_string(),
            shards,
        });
        let delay = self.config.create_delay_ms;
        self.schedule_change(
            ctx,
            name,
            PendingChange::Create { shards },
            StreamStatus::Creating,
            delay,
        );
        Ok(())
    }

    pub fn delete_stream(&mut self, ctx: &mut Ctx, i: &DeleteStreamInput) -> Result<(), AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.stream_ref(&name)?;
        if s.status == StreamStatus::Deleting {
            return Err(not_active(s));
        }
        if !s.consumers.is_empty() && i.enforce_consumer_deletion != Some(true) {
            return Err(AwsError::new(
                "ResourceInUseException",
                format!("Stream {name} under account {ACCOUNT_ID} has registered consumers: deregister them first or set EnforceConsumerDeletion."),
            ));
        }
        let delay = self.config.delete_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Delete,
            StreamStatus::Deleting,
            delay,
        );
        Ok(())
    }

    pub(super) fn summary_fields(s: &Stream) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("StreamName".into(), json!(s.name));
        m.insert("StreamARN".into(), json!(s.arn));
        m.insert("StreamStatus".into(), json!(s.status.as_str()));
        m.insert(
            "StreamModeDetails".into(),
            json!({"StreamMode": s.mode.as_str()}),
        );
        m.insert("RetentionPeriodHours".into(), json!(s.retention_hours));
        m.insert(
            "StreamCreationTimestamp".into(),
            json!(epoch_s(s.created_at)),
        );
        m.insert(
            "EnhancedMonitoring".into(),
            json!([{"ShardLevelMetrics": []}]),
        );
        m.insert("EncryptionType".into(), json!("NONE"));
        m
    }

    pub fn describe_stream(
        &mut self,
        ctx: &mut Ctx,
        i: &DescribeStreamInput,
    ) -> Result<Value, AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        // Limit 1–10,000, default 100, at most 100 shards returned (aws-rules §4.12).
        let limit = i.limit.unwrap_or(DESCRIBE_STREAM_PAGE_MAX);
        check_range(limit, "limit", 1, LIST_MEMBER_MAX)?;
        let limit = limit.min(DESCRIBE_STREAM_PAGE_MAX);
        let s = self
            .streams
            .get_mut(&name)
            .ok_or_else(|| stream_not_found(&name))?;
        s.trim(ctx);
        let after = match &i.exclusive_start_shard_id {
            Some(id) => Some(parse_shard_id(id).ok_or_else(|| shard_not_found(id, &name))?),
            None => None,
        };
        let listed: Vec<&Shard> = s
            .shards
            .iter()
            .filter(|sh| !sh.expired && after.is_none_or(|a| sh.ix > a))
            .collect();
        let mut m = Self::summary_fields(s);
        m.insert(
            "Shards".into(),
            Value::Array(
                listed
                    .iter()
                    .take(limit as usize)
                    .map(|sh| sh.describe())
                    .collect(),
            ),
        );
        m.insert("HasMoreShards".into(), json!(listed.len() > limit as usize));
        Ok(json!({ "StreamDescription": m }))
    }

    pub fn describe_stream_summary(
        &mut self,
        ctx: &mut Ctx,
        i: &StreamInput,
    ) -> Result<Value, AwsError> {
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self
            .streams
            .get_mut(&name)
            .ok_or_else(|| stream_not_found(&name))?;
        s.trim(ctx);
        let mut m = Self::summary_fields(s);
        m.insert("OpenShardCount".into(), json!(s.open_shard_count()));
        m.insert("ConsumerCount".into(), json!(s.consumers.len()));
        Ok(json!({ "StreamDescriptionSummary": m }))
    }

    /// ListStreams pages by `Limit` (at most 100 per call) and answers both the old
    /// `ExclusiveStartStreamName` continuation and a `NextToken` (aws-rules §4.12).
    pub fn list_streams(&self, ctx: &Ctx, i: &ListStreamsInput) -> Result<Value, AwsError> {
        let limit = i.limit.unwrap_or(LIST_STREAMS_PAGE_MAX);
        check_range(limit, "limit", 1, LIST_MEMBER_MAX)?;
        let limit = limit.min(LIST_STREAMS_PAGE_MAX) as usize;
        let start = match (&i.next_token, &i.exclusive_start_stream_name) {
            // Whether AWS refuses both together is not documented: the token wins.
            (Some(t), _) => Some(
                live_token(ctx, t)?["after"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(invalid_token)?,
            ),
            (None, Some(n)) => {
                check_name(n, "exclusiveStartStreamName")?;
                Some(n.clone())
            }
            (None, None) => None,
        };
        let names: Vec<&Stream> = self
            .streams
            .values()
            .filter(|s| start.as_deref().is_none_or(|a| s.name.as_str() > a))
            .collect();
        let page = &names[..names.len().min(limit)];
        let more = names.len() > page.len();
        let mut out = json!({
            "StreamNames": page.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
            "HasMoreStreams": more,
            "StreamSummaries": page.iter().map(|s| json!({
                "StreamName": s.name,
                "StreamARN": s.arn,
                "StreamStatus": s.status.as_str(),
                "StreamModeDetails": {"StreamMode": s.mode.as_str()},
                "StreamCreationTimestamp": epoch_s(s.created_at),
            })).collect::<Vec<_>>(),
        });
        if more {
            if let Some(last) = page.last() {
                out["NextToken"] = json!(encode_token(
                    &json!({"after": last.name, "issued": ctx.now})
                ));
            }
        }
        Ok(out)
    }

    pub fn list_shards(&mut self, ctx: &mut Ctx, i: &ListShardsInput) -> Result<Value, AwsError> {
        let named = i.stream_name.is_some() || i.stream_arn.is_some();
        let max = i.max_results.unwrap_or(LIST_SHARDS_PAGE_MAX);
        check_range(max, "maxResults", 1, LIST_MEMBER_MAX)?;
        let max = max.min(LIST_SHARDS_PAGE_MAX);
        // A NextToken names the stream, the position and the filter: none of the members that
        // set them may come with it (aws-rules §4.12).
        if i.next_token.is_some() {
            let clash = [
                (
                    i.exclusive_start_shard_id.is_some(),
                    "ExclusiveStartShardId",
                ),
                (
                    i.stream_creation_timestamp.is_some(),
                    "StreamCreationTimestamp",
                ),
                (i.shard_filter.is_some(), "ShardFilter"),
            ];
            if let Some((_, member)) = clash.iter().find(|(given, _)| *given) {
                return Err(invalid_argument(format!(
                    "NextToken and {member} cannot be provided together."
                )));
            }
        }
        // (stream, incarnation, offset index, filter type, filter shard, filter time)
        let (name, incarnation, from_ix, filter) = match (&i.next_token, named) {
            (Some(_), true) => {
                return Err(invalid_argument(
                    "NextToken and StreamName cannot be provided together.",
                ))
            }
            (None, false) => {
                return Err(invalid_argument(
                    "Either NextToken or StreamName should be provided.",
                ))
            }
            (Some(t), false) => {
                let v = live_token(ctx, t)?;
                let name = v["stream"].as_str().ok_or_else(invalid_token)?.to_string();
                (
                    name,
                    v["incarnation"].as_u64(),
                    v["from"].as_u64().unwrap_or(0) as u32,
                    v["filter"].clone(),
                )
            }
            (None, true) => {
                let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
                let from = match &i.exclusive_start_shard_id {
                    Some(id) => parse_shard_id(id).ok_or_else(|| shard_not_found(id, &name))? + 1,
                    None => 0,
                };
                let filter = match &i.shard_filter {
                    None => Value::Null,
                    Some(f) => {
                        let kind = f.kind.clone().ok_or_else(|| required("shardFilter.type"))?;
                        const KINDS: [&str; 6] = [
                            "AFTER_SHARD_ID",
                            "AT_TRIM_HORIZON",
                            "FROM_TRIM_HORIZON",
                            "AT_LATEST",
                            "AT_TIMESTAMP",
                            "FROM_TIMESTAMP",
                        ];
                        if !KINDS.contains(&kind.as_str()) {
                            return Err(validation(Some(&kind), "shardFilter.type", "Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]"));
                        }
                        let shard = match (kind.as_str(), &f.shard_id) {
                            ("AFTER_SHARD_ID", None) => {
                                return Err(invalid_argument("ShardId must be specified with the AFTER_SHARD_ID ShardFilter type."))
                            }
                            (_, Some(id)) => Some(parse_shard_id(id).ok_or_else(|| shard_not_found(id, &name))?),
                            _ => None,
                        };
                        let at = match (kind.as_str(), f.timestamp) {
                            ("AT_TIMESTAMP" | "FROM_TIMESTAMP", None) => {
                                return Err(invalid_argument(format!(
                                    "Timestamp must be specified with the {kind} ShardFilter type."
                                )))
                            }
                            (_, t) => t.map(sim_time_of),
                        };
                        json!({"type": kind, "shard": shard, "at": at})
                    }
                };
                (name, None, from, filter)
            }
        };
        let s = self
            .streams
            .get_mut(&name)
            .ok_or_else(|| stream_not_found(&name))?;
        if incarnation.is_some_and(|n| n != s.incarnation) {
            return Err(stream_not_found(&name));
        }
        s.trim(ctx);
        let kind = filter["type"].as_str().unwrap_or("");
        let fshard = filter["shard"].as_u64().map(|x| x as u32);
        let at = filter["at"].as_u64().unwrap_or(0);
        let expired = |id: &Option<String>| {
            id.as_deref()
                .and_then(parse_shard_id)
                .and_then(|p| s.shards.get(p as usize))
                .is_none_or(|p| p.expired)
        };
        let keep = |sh: &Shard| -> bool {
            match kind {
                "AFTER_SHARD_ID" => fshard.is_some_and(|f| sh.ix > f),
                "AT_TRIM_HORIZON" => expired(&sh.parent) && expired(&sh.adjacent_parent),
                "AT_LATEST" => sh.is_open(),
                "AT_TIMESTAMP" => sh.created_at <= at && sh.closed_at.is_none_or(|c| c > at),
                "FROM_TIMESTAMP" => sh.closed_at.is_none_or(|c| c > at),
                _ => true, // no filter, FROM_TRIM_HORIZON: every shard not yet expired
            }
        };
        let listed: Vec<&Shard> = s
            .shards
            .iter()
            .filter(|sh| !sh.expired && sh.ix >= from_ix && keep(sh))
            .collect();
        let page = &listed[..listed.len().min(max as usize)];
        let mut out = json!({ "Shards": page.iter().map(|sh| sh.describe()).collect::<Vec<_>>() });
        if listed.len() > page.len() {
            if let Some(last) = page.last() {
                out["NextToken"] = json!(encode_token(&json!({
                    "stream": s.name, "incarnation": s.incarnation, "from": last.ix + 1,
                    "filter": filter, "issued": ctx.now,
                })));
            }
        }
        Ok(out)
    }

    pub fn describe_limits(&self) -> Value {
        json!({
            "ShardLimit": self.config.account_shard_limit,
            "OpenShardCount": self.open_shards_in_account(),
            "OnDemandStreamCount": self.streams.values().filter(|s| s.mode == StreamMode::OnDemand).count(),
            "OnDemandStreamCountLimit": 50,
        })
    }
}
