//! `mqlab run`'s summary of EC2 Auto Scaling groups (a scenario's `auto_scaling_groups`): a
//! table of each group's sizes at the end, its desired and in-service capacity over time, and
//! its scaling activities.

use crate::duration::format_duration;
use crate::run::push_table;
use mqlab_engine::autoscaling::Lifecycle;
use mqlab_engine::World;
use std::collections::BTreeMap;

/// Activities listed per group; the rest are counted.
const ACTIVITY_LINES_MAX: usize = 40;

/// Each group's (time ms, desired, in service) whenever one of them changed, as seen at the
/// end of each step of the run (every virtual second with events, every minute without).
#[derive(Default)]
pub struct Timeline {
    groups: BTreeMap<String, Vec<(u64, u32, u32)>>,
}

impl Timeline {
    pub fn sample(&mut self, world: &World) {
        for g in world.autoscaling().groups.values() {
            let now = (g.desired, g.count(Lifecycle::InService));
            let seen = self.groups.entry(g.name.clone()).or_default();
            if seen.last().map(|&(_, d, n)| (d, n)) != Some(now) {
                seen.push((world.now(), now.0, now.1));
            }
        }
    }

    fn peak(&self, group: &str) -> u32 {
        self.groups
            .get(group)
            .and_then(|t| t.iter().map(|&(_, _, n)| n).max())
            .unwrap_or(0)
    }
}

/// Activities that started together: (start, what, status, the cause's first sentence), and
/// how many.
type ActivityLine<'a> = (u64, &'a str, &'a str, &'a str);

/// The groups' table, then per group its capacity over time and its activities (those that
/// started together for one cause on one line). Nothing when the run has no group.
pub fn push_groups(s: &mut String, world: &World, timeline: &Timeline) {
    let asg = world.autoscaling();
    push_table(
        s,
        &[
            ("auto scaling group", 32),
            ("min", 4),
            ("max", 4),
            ("desired", 7),
            ("in service", 10),
            ("pending", 7),
            ("terminating", 11),
            ("peak in service", 15),
            ("launched", 8),
            ("terminated", 10),
        ],
        asg.groups.values().map(|g| {
            let started = |verb: &str| {
                asg.activities
                    .iter()
                    .filter(|a| a.group == g.name && a.description.starts_with(verb))
                    .count()
                    .to_string()
            };
            vec![
                g.name.clone(),
                g.min.to_string(),
                g.max.to_string(),
                g.desired.to_string(),
                g.count(Lifecycle::InService).to_string(),
                g.count(Lifecycle::Pending).to_string(),
                g.count(Lifecycle::Terminating).to_string(),
                timeline.peak(&g.name).to_string(),
                started("Launching"),
                started("Terminating"),
            ]
        }),
    );
    for g in asg.groups.values() {
        if let Some(t) = timeline.groups.get(&g.name) {
            let points: Vec<String> = t
                .iter()
                .map(|&(at, d, n)| format!("{} {d}/{n}", format_duration(at)))
                .collect();
            s.push_str(&format!(
                "{} desired/in service over time: {}\n",
                g.name,
                points.join(", ")
            ));
        }
        let mut lines: Vec<(ActivityLine, usize)> = Vec::new();
        for a in asg.activities.iter().filter(|a| a.group == g.name) {
            let what = a.description.split(':').next().unwrap_or_default();
            let cause = a.cause.split(".  ").next().unwrap_or_default();
            let key = (a.start, what, a.status, cause);
            match lines.last_mut() {
                Some((k, n)) if *k == key => *n += 1,
                _ => lines.push((key, 1)),
            }
        }
        if lines.is_empty() {
            continue;
        }
        s.push_str(&format!("{} scaling activities:\n", g.name));
        for ((at, what, status, cause), n) in lines.iter().take(ACTIVITY_LINES_MAX) {
            let cause = cause.trim_end_matches('.');
            s.push_str(&format!(
                "  {:>8}  {n} × {what} ({status}): {cause}.\n",
                format_duration(*at)
            ));
        }
        if lines.len() > ACTIVITY_LINES_MAX {
            s.push_str(&format!(
                "  … {} more lines of activities (DescribeScalingActivities lists them)\n",
                lines.len() - ACTIVITY_LINES_MAX
            ));
        }
    }
}
