//! Resharding: SplitShard, MergeShards, UpdateShardCount, and on-demand scaling.

use super::*;
use crate::core::ordmap::sort_small_by_key;

impl Kinesis {
    // ------------------------------------------------------------------ resharding

    pub(super) fn reshardable(&self, name: &str) -> Result<&Stream, AwsError> {
        let s = self.stream_ref(name)?;
        if s.mode == StreamMode::OnDemand {
            return Err(on_demand_refused(s));
        }
        if s.status != StreamStatus::Active {
            return Err(not_active(s));
        }
        Ok(s)
    }

    pub(super) fn open_shard_of(s: &Stream, text: &str) -> Result<u32, AwsError> {
        let ix = parse_shard_id(text)
            .filter(|&ix| s.shard(ix).is_some())
            .ok_or_else(|| shard_not_found(text, &s.name))?;
        if !s.shards[ix as usize].is_open() {
            return Err(invalid_argument(format!(
                "Shard {} in stream {} under account {ACCOUNT_ID} has already been merged or split, and thus is not eligible for merging or splitting.",
                shard_id_name(ix),
                s.name
            )));
        }
        Ok(ix)
    }

    pub fn split_shard(&mut self, ctx: &mut Ctx, i: &SplitShardInput) -> Result<(), AwsError> {
        let Some(shard_text) = i.shard_to_split.as_deref() else {
            return Err(required("shardToSplit"));
        };
        let Some(key_text) = i.new_starting_hash_key.as_deref() else {
            return Err(required("newStartingHashKey"));
        };
        if !keys::is_hash_key_text(key_text) {
            return Err(validation(
                Some(key_text),
                "newStartingHashKey",
                &format!("Member must satisfy regular expression pattern: {HASH_KEY_PATTERN}"),
            ));
        }
        check_name(shard_text, "shardToSplit")?;
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.reshardable(&name)?;
        let ix = Self::open_shard_of(s, shard_text)?;
        let current = self.open_shards_in_account();
        if current + 1 > self.config.account_shard_limit {
            return Err(shard_limit_error(
                current,
                self.config.account_shard_limit,
                1,
            ));
        }
        let sh = &s.shards[ix as usize];
        // kinesalite's (AWS's) rule: strictly above StartingHashKey + 1, below EndingHashKey.
        let key = keys::parse_hash_key(key_text);
        let ok = key.is_some_and(|k| {
            sh.start_hash.checked_add(1).is_some_and(|lo| k > lo) && k < sh.end_hash
        });
        let Some(key) = key.filter(|_| ok) else {
            return Err(invalid_argument(format!(
                "NewStartingHashKey {key_text} used in SplitShard() on shard {} in stream {name} under account {ACCOUNT_ID} is not both greater than one plus the shard's StartingHashKey {} and less than the shard's EndingHashKey {}.",
                sh.shard_id, sh.start_hash, sh.end_hash
            )));
        };
        let delay = self.config.update_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Split {
                shard: ix,
                new_starting_hash_key: key,
            },
            StreamStatus::Updating,
            delay,
        );
        Ok(())
    }

    pub fn merge_shards(&mut self, ctx: &mut Ctx, i: &MergeShardsInput) -> Result<(), AwsError> {
        let Some(a_text) = i.shard_to_merge.as_deref() else {
            return Err(required("shardToMerge"));
        };
        let Some(b_text) = i.adjacent_shard_to_merge.as_deref() else {
            return Err(required("adjacentShardToMerge"));
        };
        check_name(a_text, "shardToMerge")?;
        check_name(b_text, "adjacentShardToMerge")?;
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let s = self.reshardable(&name)?;
        let a = Self::open_shard_of(s, a_text)?;
        let b = Self::open_shard_of(s, b_text)?;
        let (sa, sb) = (&s.shards[a as usize], &s.shards[b as usize]);
        // Adjacent: the union of the two ranges is contiguous (either order).
        let adjacent = sa.end_hash.checked_add(1) == Some(sb.start_hash)
            || sb.end_hash.checked_add(1) == Some(sa.start_hash);
        if !adjacent {
            return Err(invalid_argument(format!(
                "Shards {} and {} in stream {name} under account {ACCOUNT_ID} are not an adjacent pair of shards eligible for merging",
                sa.shard_id, sb.shard_id
            )));
        }
        let delay = self.config.update_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Merge {
                shard: a,
                adjacent: b,
            },
            StreamStatus::Updating,
            delay,
        );
        Ok(())
    }

    pub fn update_shard_count(
        &mut self,
        ctx: &mut Ctx,
        i: &UpdateShardCountInput,
    ) -> Result<UpdateShardCountOutput, AwsError> {
        let Some(target) = i.target_shard_count else {
            return Err(required("targetShardCount"));
        };
        check_range(target, "targetShardCount", 1, 100_000)?;
        match i.scaling_type.as_deref() {
            None => return Err(required("scalingType")),
            Some("UNIFORM_SCALING") => {}
            Some(other) => {
                return Err(validation(
                    Some(other),
                    "scalingType",
                    "Member must satisfy enum value set: [UNIFORM_SCALING]",
                ))
            }
        }
        let name = stream_name_of(i.stream_name.as_deref(), i.stream_arn.as_deref())?;
        let now = ctx.now;
        let account_open = self.open_shards_in_account();
        let limit = self.config.account_shard_limit;
        let s = self.reshardable(&name)?;
        let open = s.open_shard_count();
        let target = target as u32;
        // The limits of aws-rules §4.1; the wording of these messages is mqlab's (UNCONFIRMED).
        let refuse = |why: String| Err(AwsError::new("LimitExceededException", why));
        if target > 2 * open {
            return refuse(format!("UpdateShardCount cannot scale stream {name} under account {ACCOUNT_ID} above double its current open shard count ({open}): requested {target}."));
        }
        if target * 2 < open {
            return refuse(format!("UpdateShardCount cannot scale stream {name} under account {ACCOUNT_ID} below half its current open shard count ({open}): requested {target}."));
        }
        if target > STREAM_SHARDS_MAX {
            return refuse(format!(
                "UpdateShardCount cannot scale stream {name} above {STREAM_SHARDS_MAX} shards."
            ));
        }
        let recent = s
            .update_shard_count_at
            .iter()
            .filter(|&&t| t + MS_PER_DAY > now)
            .count();
        if recent >= UPDATE_SHARD_COUNT_PER_DAY_MAX {
            return refuse(format!("UpdateShardCount has been called {recent} times for stream {name} under account {ACCOUNT_ID} in the last 24 hours; the limit is {UPDATE_SHARD_COUNT_PER_DAY_MAX}."));
        }
        if target > open && account_open + (target - open) > limit {
            return Err(shard_limit_error(account_open, limit, target - open));
        }
        let out = UpdateShardCountOutput {
            stream_name: name.clone(),
            current_shard_count: open,
            target_shard_count: target,
            stream_arn: s.arn.clone(),
        };
        let s = self.stream_mut(&name)?;
        s.update_shard_count_at.retain(|&t| t + MS_PER_DAY > now);
        s.update_shard_count_at.push_back(now);
        if target != open {
            let delay = self.config.update_delay_ms;
            self.schedule_change(
                ctx,
                &name,
                PendingChange::UpdateShardCount { target },
                StreamStatus::Updating,
                delay,
            );
        }
        Ok(out)
    }

    pub fn update_stream_mode(
        &mut self,
        ctx: &mut Ctx,
        i: &UpdateStreamModeInput,
    ) -> Result<(), AwsError> {
        let Some(arn) = i.stream_arn.as_deref() else {
            return Err(required("streamARN"));
        };
        let Some(d) = &i.stream_mode_details else {
            return Err(required("streamModeDetails"));
        };
        let mode = StreamMode::parse(&d.stream_mode).ok_or_else(|| {
            validation(
                Some(&d.stream_mode),
                "streamModeDetails.streamMode",
                "Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]",
            )
        })?;
        let name = stream_name_from_arn(arn)?;
        let now = ctx.now;
        let s = self.stream_ref(&name)?;
        if s.status != StreamStatus::Active {
            return Err(not_active(s));
        }
        if s.mode == mode {
            // UNCONFIRMED wording.
            return Err(invalid_argument(format!(
                "Stream {name} under account {ACCOUNT_ID} is already in {} mode.",
                mode.as_str()
            )));
        }
        let recent = s
            .mode_switches_at
            .iter()
            .filter(|&&t| t + MS_PER_DAY > now)
            .count();
        if recent >= MODE_SWITCHES_PER_DAY_MAX {
            return Err(AwsError::new(
                "LimitExceededException",
                format!("Stream {name} under account {ACCOUNT_ID} has switched capacity mode {recent} times in the last 24 hours; the limit is {MODE_SWITCHES_PER_DAY_MAX}."),
            ));
        }
        let s = self.stream_mut(&name)?;
        s.mode_switches_at.retain(|&t| t + MS_PER_DAY > now);
        s.mode_switches_at.push_back(now);
        let delay = self.config.update_delay_ms;
        self.schedule_change(
            ctx,
            &name,
            PendingChange::Mode(mode),
            StreamStatus::Updating,
            delay,
        );
        Ok(())
    }

    /// Applies a stream's pending change when its timer fires.
    pub(crate) fn finish_stream_change(
        &mut self,
        ctx: &mut Ctx,
        name: &str,
        incarnation: u64,
        change: u64,
    ) {
        let now = ctx.now;
        let current = self
            .streams
            .get(name)
            .is_some_and(|s| s.incarnation == incarnation && s.change_seq == change);
        if !current {
            return;
        }
        self.accrue(now);
        let Some(s) = self.streams.get_mut(name) else {
            return;
        };
        let Some(pending) = s.pending.take() else {
            return;
        };
        match pending {
            PendingChange::Create { shards } => {
                for (ix, range) in keys::even_ranges(shards).into_iter().enumerate() {
                    s.shards.push(Shard::new(ix as u32, range, now, None, None));
                }
            }
            PendingChange::Split {
                shard,
                new_starting_hash_key,
            } => split(ctx, s, shard, new_starting_hash_key),
            PendingChange::Merge { shard, adjacent } => merge(ctx, s, shard, adjacent),
            PendingChange::UpdateShardCount { target } => uniform_scaling(ctx, s, target),
            PendingChange::Mode(mode) => {
                s.mode = mode;
                if mode == StreamMode::OnDemand {
                    s.on_demand = OnDemandCapacity::new(s.open_shard_count());
                }
                let stream = name.to_string();
                ctx.events.push(now, || EventKind::StreamModeChanged {
                    stream,
                    mode: mode.as_str().to_string(),
                });
            }
            PendingChange::Delete => {
                self.streams.remove(name);
                let ended: Vec<u64> = self
                    .subscriptions
                    .values()
                    .filter(|x| x.stream == name)
                    .map(|x| x.id)
                    .collect();
                for id in ended {
                    self.end_subscription(id);
                }
                let stream = name.to_string();
                ctx.events.push(now, || EventKind::StreamDeleted { stream });
                return;
            }
        }
        s.status = StreamStatus::Active;
        let stream = name.to_string();
        ctx.events.push(now, || EventKind::StreamStatusChanged {
            stream,
            status: "ACTIVE".to_string(),
        });
        // Shards that closed end their readers' subscriptions once read to the end.
        self.wake_pushed(ctx, name, None);
    }
}

impl Kinesis {
    /// On-demand scaling at each metrics minute: a shard that has received more than
    /// [`ON_DEMAND_SHARD_SPLIT_BYTES_PER_S`] (as a per-minute average) for
    /// [`ON_DEMAND_SPLIT_SUSTAINED_MS`] is split at the middle of its hash-key range, as
    /// SplitShard would (aws-rules §4.7): the parent closes, two children take its keys, and the
    /// same ShardSplit event is recorded. The stream stays ACTIVE; AWS does this without a
    /// visible UPDATING state. Deterministic: it depends only on the bytes written.
    pub(crate) fn split_hot_on_demand_shards(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let mut split_any = Vec::new();
        for s in self.streams.values_mut() {
            let scalable = s.mode == StreamMode::OnDemand
                && s.status == StreamStatus::Active
                && s.pending.is_none();
            let mut due = Vec::new();
            for sh in s.shards.iter_mut().filter(|sh| sh.is_open()) {
                let bytes = sh.totals.bytes_in - sh.bytes_in_at_minute;
                sh.bytes_in_at_minute = sh.totals.bytes_in;
                if !scalable || bytes <= ON_DEMAND_SHARD_SPLIT_BYTES_PER_S * 60 {
                    sh.hot_since = None;
                    continue;
                }
                let since = *sh.hot_since.get_or_insert(now.saturating_sub(MS_PER_MIN));
                if now >= since + ON_DEMAND_SPLIT_SUSTAINED_MS && sh.end_hash > sh.start_hash + 1 {
                    due.push((sh.ix, sh.start_hash + (sh.end_hash - sh.start_hash) / 2 + 1));
                }
            }
            let limit = STREAM_SHARDS_MAX.saturating_sub(s.open_shard_count()) as usize;
            for (ix, key) in due.into_iter().take(limit) {
                split(ctx, s, ix, key);
                split_any.push(s.name.clone());
            }
        }
        split_any.dedup();
        for name in split_any {
            self.wake_pushed(ctx, &name, None);
        }
    }
}

/// Closes `ix` and opens its two children at `key` (kinesalite's splitShard).
fn split(ctx: &mut Ctx, s: &mut Stream, ix: u32, key: u128) {
    let now = ctx.now;
    let Some(parent) = s
        .shards
        .get_mut(ix as usize)
        .filter(|p| p.is_open() && key > p.start_hash && key <= p.end_hash)
    else {
        return;
    };
    close(parent, now);
    let (start, end, pid) = (parent.start_hash, parent.end_hash, parent.shard_id.clone());
    let a = s.shards.len() as u32;
    s.shards.push(Shard::new(
        a,
        (start, key - 1),
        now,
        Some(pid.clone()),
        None,
    ));
    s.shards
        .push(Shard::new(a + 1, (key, end), now, Some(pid.clone()), None));
    let stream = s.name.clone();
    ctx.events.push(now, || EventKind::ShardSplit {
        stream,
        parent: pid,
        children: vec![shard_id_name(a), shard_id_name(a + 1)],
    });
}

/// Closes `a` and `b` and opens one child over both ranges (kinesalite's mergeShards).
fn merge(ctx: &mut Ctx, s: &mut Stream, a: u32, b: u32) {
    let now = ctx.now;
    let open = |ix: u32| s.shards.get(ix as usize).is_some_and(|x| x.is_open());
    if a == b || !open(a) || !open(b) {
        return;
    }
    let start = s.shards[a as usize]
        .start_hash
        .min(s.shards[b as usize].start_hash);
    let end = s.shards[a as usize]
        .end_hash
        .max(s.shards[b as usize].end_hash);
    close(&mut s.shards[a as usize], now);
    close(&mut s.shards[b as usize], now);
    let (pa, pb) = (shard_id_name(a), shard_id_name(b));
    let c = s.shards.len() as u32;
    s.shards.push(Shard::new(
        c,
        (start, end),
        now,
        Some(pa.clone()),
        Some(pb.clone()),
    ));
    let stream = s.name.clone();
    ctx.events.push(now, || EventKind::ShardsMerged {
        stream,
        parents: vec![pa, pb],
        child: shard_id_name(c),
    });
}

fn close(shard: &mut Shard, now: SimTime) {
    shard.ending_seq = Some(SeqNum {
        shard_create_s: shard.starting_seq.shard_create_s,
        seq_ix: SeqNum::SEQ_IX_MAX,
        seq_time_s: epoch_s(now),
        shard_ix: shard.ix,
    });
    shard.closed_at = Some(now);
}

/// UpdateShardCount with UNIFORM_SCALING, as splits and merges (AWS does the same
/// internally, aws-rules §4.5): scaling up splits the widest open shards at their midpoints,
/// scaling down merges neighbouring pairs in hash order. Each shard is split or merged at most
/// once, so every child has one or two parents; the ranges are even when the count doubles or
/// halves and close to even otherwise.
fn uniform_scaling(ctx: &mut Ctx, s: &mut Stream, target: u32) {
    let mut open: Vec<(u128, u32)> = s
        .shards
        .iter()
        .filter(|x| x.is_open())
        .map(|x| (x.start_hash, x.ix))
        .collect();
    // Insertion sorts (a few hundred open shards at most): `sort` links a copy of the
    // standard library's sort for each element type.
    sort_small_by_key(&mut open, |&x| x);
    let n = open.len() as u32;
    if target > n {
        let mut by_width: Vec<(u128, u32)> = open
            .iter()
            .map(|&(_, ix)| {
                let sh = &s.shards[ix as usize];
                (sh.end_hash - sh.start_hash, ix)
            })
            .collect();
        // Widest first; ties in shard order.
        sort_small_by_key(&mut by_width, |&(width, ix)| (std::cmp::Reverse(width), ix));
        for &(width, ix) in by_width.iter().take((target - n) as usize) {
            if width == 0 {
                continue;
            }
            let key = s.shards[ix as usize].start_hash + width / 2 + 1;
            split(ctx, s, ix, key);
        }
    } else {
        let merges = (n - target) as usize;
        for pair in open.chunks(2).take(merges) {
            if let [(_, a), (_, b)] = pair {
                merge(ctx, s, *a, *b);
            }
        }
    }
}
