//! FIFO message archiving and replay (aws-rules §3.1): a FIFO topic with an `ArchivePolicy` keeps
//! what it publishes for `MessageRetentionPeriod` days; a subscription's `ReplayPolicy`
//! re-delivers the archived messages from its `StartingPoint` (to its `EndingPoint`, else to
//! the moment the replay starts) through the ordinary delivery path, filter policy included.
//! A replayed message keeps its MessageId and Timestamp and carries `Replayed` (AWS guide,
//! "Message replay for FIFO topic subscribers"). Progress shows as the subscription's
//! `ReplayStatus`: Pending → In progress → Completed (or Failed).

use super::topic::Topic;
use super::*;
use crate::core::time::{EPOCH_S, MS_PER_DAY, MS_PER_S};

/// Archived messages (and their bytes) a topic keeps at once, oldest forgotten first: AWS
/// keeps every message for the retention period; mqlab caps the archive so memory stays
/// bounded.
pub const ARCHIVE_MESSAGES_MAX: usize = 100_000;
pub const ARCHIVE_BYTES_MAX: usize = 64 * 1024 * 1024;

/// Where a replay stands (`ReplayStatus`, aws-rules §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplayStatus {
    Pending,
    InProgress,
    Completed,
    Failed,
}

impl ReplayStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayStatus::Pending => "Pending",
            ReplayStatus::InProgress => "In progress",
            ReplayStatus::Completed => "Completed",
            ReplayStatus::Failed => "Failed",
        }
    }
}

/// A subscription's current replay.
#[derive(Clone, Debug)]
pub struct Replay {
    /// Tells this replay's deliveries from those of one it replaced.
    pub id: u64,
    pub status: ReplayStatus,
    pub starting_point: SimTime,
    pub ending_point: Option<SimTime>,
    /// Replayed deliveries not settled yet.
    pub(crate) outstanding: u32,
    pub(crate) failed: bool,
}

/// Virtual time of an ISO-8601 UTC timestamp (`2026-01-01T00:00:10Z`, fractional seconds
/// and `+00:00` allowed); instants before the run began are 0.
pub fn parse_timestamp(s: &str) -> Option<SimTime> {
    let s = s.strip_suffix('Z').or_else(|| s.strip_suffix("+00:00"))?;
    let (date, time) = s.split_once('T')?;
    // Digits only (no signs), and a year AWS could store: no overflow below.
    let num = |t: &str| {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse::<i64>().ok())
            .flatten()
    };
    let d: Vec<i64> = date.split('-').map(num).collect::<Option<_>>()?;
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let t: Vec<i64> = hms.split(':').map(num).collect::<Option<_>>()?;
    let (&[y, m, day], &[h, min, sec]) = (&d[..], &t[..]) else {
        return None;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || sec > 60 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ms = format!("{frac:0<3}")[..3].parse::<i64>().ok()?;
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let epoch_ms = ((days * 86_400 + h * 3_600 + min * 60 + sec) * 1_000).checked_add(ms)?;
    Some((epoch_ms - (EPOCH_S * MS_PER_S) as i64).max(0) as SimTime)
}

/// A `ReplayPolicy` value: `{"PointType":"Timestamp","StartingPoint":…,"EndingPoint":…}`
/// (API model). `Err` is the reason, naming the member. An empty value stops nothing and
/// starts nothing (it is refused like any other malformed policy).
pub fn parse_replay_policy(value: &str) -> Result<(SimTime, Option<SimTime>), String> {
    let v: Value = serde_json::from_str(value)
        .map_err(|_| "ReplayPolicy: failed to parse JSON.".to_string())?;
    let Some(obj) = v.as_object() else {
        return Err("ReplayPolicy: failed to parse JSON.".into());
    };
    if let Some(k) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "PointType" | "StartingPoint" | "EndingPoint"))
    {
        return Err(format!("ReplayPolicy: Unrecognized key {k}"));
    }
    if v["PointType"] != "Timestamp" {
        return Err("ReplayPolicy: PointType must be Timestamp".into());
    }
    let point = |k: &str| -> Result<Option<SimTime>, String> {
        match obj.get(k) {
            None => Ok(None),
            Some(p) => p
                .as_str()
                .and_then(parse_timestamp)
                .map(Some)
                .ok_or_else(|| format!("ReplayPolicy: {k} must be an ISO-8601 timestamp")),
        }
    };
    let start = point("StartingPoint")?.ok_or("ReplayPolicy: StartingPoint is required")?;
    let end = point("EndingPoint")?;
    if end.is_some_and(|e| e < start) {
        return Err("ReplayPolicy: EndingPoint must be later than StartingPoint".into());
    }
    Ok((start, end))
}

impl Topic {
    /// Retention of the archive, if the topic has an ArchivePolicy (validated when set).
    pub fn archive_retention_ms(&self) -> Option<SimTime> {
        let v: Value = serde_json::from_str(self.attrs.get("ArchivePolicy")?).ok()?;
        let p = &v["MessageRetentionPeriod"];
        let days = p.as_u64().or_else(|| p.as_str()?.parse().ok())?;
        Some(days * MS_PER_DAY)
    }

    /// `BeginningArchiveTime`: the earliest instant a replay can start from — when archiving
    /// began, or the retention period ago.
    pub fn beginning_archive_time(&self, now: SimTime) -> Option<SimTime> {
        let keep = self.archive_retention_ms()?;
        Some(self.archive_since?.max(now.saturating_sub(keep)))
    }

    /// Forgets archived messages older than the retention period (or beyond the cap), and
    /// the whole archive once the ArchivePolicy is gone.
    pub(crate) fn prune_archive(&mut self, now: SimTime) {
        let Some(since) = self.beginning_archive_time(now) else {
            self.archive.clear();
            self.archive_bytes = 0;
            self.archive_since = None;
            return;
        };
        while self.archive.front().is_some_and(|(_, n)| {
            n.published_at < since
                || self.archive.len() > ARCHIVE_MESSAGES_MAX
                || self.archive_bytes > ARCHIVE_BYTES_MAX
        }) {
            if let Some(&(size, _)) = self.archive.front() {
                self.archive.remove_front();
                self.archive_bytes -= size;
            }
        }
    }

    /// Archives a message just published (`size` bytes), if the topic archives.
    pub(crate) fn archive_push(&mut self, now: SimTime, size: usize, n: &Notification) {
        if self.archive_since.is_some() {
            self.archive.push_back((size, n.clone()));
            self.archive_bytes += size;
            self.prune_archive(now);
        }
    }
}

impl Sns {
    /// Checks a ReplayPolicy for a subscription to `topic`: its window. `prefix` starts the
    /// error text as in `subscription::parse_attributes`.
    pub(crate) fn check_replay(
        &self,
        topic: &str,
        policy: &str,
        prefix: &str,
    ) -> Result<(SimTime, Option<SimTime>), AwsError> {
        let bad = |r: &str| invalid_parameter(&format!("{prefix}{r}"));
        let window = parse_replay_policy(policy).map_err(|r| bad(&r))?;
        if self
            .topics
            .get(topic)
            .is_none_or(|t| t.archive_retention_ms().is_none())
        {
            // UNCONFIRMED wording: AWS says only that replay needs an archive policy.
            return Err(bad(
                "ReplayPolicy: the topic has no ArchivePolicy, so there are no archived messages to replay",
            ));
        }
        Ok(window)
    }

    /// A ReplayPolicy was set on `arn`: the replay is Pending until its timer starts it; it
    /// replaces any replay still running.
    pub(crate) fn start_replay(
        &mut self,
        ctx: &mut Ctx,
        arn: &str,
        (starting_point, ending_point): (SimTime, Option<SimTime>),
    ) {
        self.next_replay += 1;
        let id = self.next_replay;
        if let Some(sub) = self.subscriptions.get_mut(arn) {
            sub.replay = Some(Replay {
                id,
                status: ReplayStatus::Pending,
                starting_point,
                ending_point,
                outstanding: 0,
                failed: false,
            });
        }
        ctx.timers.schedule(
            ctx.now + self.config.delivery_latency_ms,
            SnsTimer::ReplayStart {
                subscription: arn.to_string(),
                replay: id,
            },
        );
    }

    /// Starts replay `id` of `arn`: one delivery per archived message in its window that the
    /// subscription's filter policy lets through, in publish order.
    pub(crate) fn run_replay(&mut self, ctx: &mut Ctx, arn: &str, id: u64) {
        let Some(sub) = self.subscriptions.get(arn) else {
            return;
        };
        let Some(r) = sub.replay.as_ref().filter(|r| r.id == id) else {
            return;
        };
        let (start, end) = (r.starting_point, r.ending_point.unwrap_or(ctx.now));
        let topic = sub.topic_arn.rsplit(':').next().unwrap_or("").to_string();
        let Some(t) = self.topics.get_mut(&topic) else {
            return;
        };
        t.prune_archive(ctx.now);
        let chosen: Vec<Notification> = t
            .archive
            .iter()
            .map(|(_, n)| n)
            .filter(|n| (start..=end).contains(&n.published_at))
            .filter(|n| {
                sub.filter.as_ref().is_none_or(|p| {
                    p.check_payload(&n.attributes, n.message.for_protocol(sub.message_key()))
                        .is_ok()
                })
            })
            .cloned()
            .collect();
        let mut scheduled = 0;
        for mut n in chosen {
            if self.deliveries.len() >= DELIVERIES_PENDING_MAX {
                break;
            }
            n.replayed = true;
            n.refs = 1;
            let (nid, d) = (self.next_notification, self.next_delivery);
            self.next_notification += 1;
            self.next_delivery += 1;
            self.notifications.insert(nid, n);
            self.deliveries.insert(
                d,
                Delivery {
                    notification: nid,
                    subscription: arn.to_string(),
                    attempts: 0,
                    replay: Some(id),
                },
            );
            ctx.timers.schedule(
                ctx.now + self.config.delivery_latency_ms,
                SnsTimer::Attempt { delivery: d },
            );
            scheduled += 1;
        }
        if let Some(r) = self
            .subscriptions
            .get_mut(arn)
            .and_then(|s| s.replay.as_mut())
        {
            r.outstanding = scheduled;
            r.status = if scheduled == 0 {
                ReplayStatus::Completed
            } else {
                ReplayStatus::InProgress
            };
        }
    }

    /// A replayed delivery settled (`ok` false: it gave up).
    pub(crate) fn replay_settled(&mut self, arn: &str, id: u64, ok: bool) {
        let Some(r) = self
            .subscriptions
            .get_mut(arn)
            .and_then(|s| s.replay.as_mut())
            .filter(|r| r.id == id)
        else {
            return;
        };
        r.failed |= !ok;
        r.outstanding = r.outstanding.saturating_sub(1);
        if r.outstanding == 0 {
            r.status = if r.failed {
                ReplayStatus::Failed
            } else {
                ReplayStatus::Completed
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replay_timestamps_are_iso8601_utc_on_the_runs_clock() {
        assert_eq!(parse_timestamp("2026-01-01T00:00:15Z"), Some(15_000));
        assert_eq!(parse_timestamp("2026-01-01T00:00:15.25Z"), Some(15_250));
        assert_eq!(
            parse_timestamp("2026-03-01T01:00:00+00:00"),
            Some(59 * MS_PER_DAY + 3_600_000)
        );
        assert_eq!(parse_timestamp("2025-12-31T23:59:59Z"), Some(0));
        for bad in [
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "2026-01-01T00:00:00",
            "x",
            "",
            "99999999999-01-01T00:00:00Z",
            "2026-01-01T00:-5:00Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_archive_is_capped() {
        let mut t = Topic::new("f.fifo", "arn".into(), true, 0);
        t.attrs.insert(
            "ArchivePolicy".into(),
            r#"{"MessageRetentionPeriod":"1"}"#.into(),
        );
        t.archive_since = Some(0);
        let n = Notification {
            message_id: String::new(),
            topic_arn: String::new(),
            topic_name: String::new(),
            fifo: true,
            subject: None,
            message: envelope::MessageText::Plain("m".into()),
            attributes: MessageAttributes::new(),
            group_id: None,
            dedup_id: None,
            sequence_number: None,
            published_at: 0,
            signature_version: "1".into(),
            replayed: false,
            refs: 0,
        };
        for _ in 0..ARCHIVE_MESSAGES_MAX + 5 {
            t.archive_push(0, 1, &n);
        }
        assert_eq!(t.archive.len(), ARCHIVE_MESSAGES_MAX);
        // Big messages: the byte cap.
        for _ in 0..300 {
            t.archive_push(0, 256 * 1024, &n);
        }
        assert!(t.archive_bytes <= ARCHIVE_BYTES_MAX);
        assert_eq!(t.archive.len(), ARCHIVE_BYTES_MAX / (256 * 1024));
        // Past the retention period everything goes.
        t.prune_archive(2 * MS_PER_DAY);
        assert!(t.archive.is_empty());
    }
}
