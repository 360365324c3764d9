//! `mqlab run`'s summary of Kinesis Video streams (a scenario's `video_streams`,
//! aws-rules §6.3): per stream, a line of what came in, what was persisted and what the
//! archive no longer holds, then a table of what each of its consumers received — live
//! (GetMedia from NOW) or archived (ListFragments then GetMediaForFragmentList).

use crate::duration::format_duration;
use crate::run::push_table;
use mqlab_engine::kinesisvideo::clients::ConsumerKind;
use mqlab_engine::World;

pub fn push_video(s: &mut String, world: &World) {
    let video = world.kinesis_video();
    for st in video.streams() {
        let t = &st.totals;
        let held = st.archived_held();
        let retention = match st.retention_hours {
            0 => "0 h (not persisted)".to_string(),
            h => format!("{h} h"),
        };
        s.push_str(&format!(
            "video stream {}: retention {retention}; {} fragments in ({} bytes), {} persisted, {held} in the archive; no longer held: {} expired, {} never persisted\n",
            st.name,
            t.fragments_in,
            t.bytes_in,
            t.persisted,
            t.expired,
            t.fragments_in - t.persisted,
        ));
        let at = |t: Option<u64>| t.map_or_else(|| "-".to_string(), format_duration);
        push_table(
            s,
            &[
                ("  video consumer", 24),
                ("kind", 8),
                ("asked", 22),
                ("requests", 8),
                ("listed", 7),
                ("fragments", 9),
                ("bytes", 12),
                ("first", 8),
                ("last", 8),
            ],
            video.consumers().filter(|c| c.stream == st.name).map(|c| {
                let (kind, asked, listed) = match &c.kind {
                    ConsumerKind::Live {
                        starts_at,
                        stops_at,
                    } => (
                        "live",
                        match stops_at {
                            None => format!("NOW at {}", format_duration(*starts_at)),
                            Some(e) => format!(
                                "NOW {}–{}",
                                format_duration(*starts_at),
                                format_duration(*e)
                            ),
                        },
                        "-".to_string(),
                    ),
                    ConsumerKind::Archived { at, from, to, .. } => (
                        "archived",
                        format!(
                            "{}–{} at {}",
                            format_duration(*from),
                            format_duration(*to),
                            format_duration(*at)
                        ),
                        if c.totals.done || c.totals.listed > 0 {
                            c.totals.listed.to_string()
                        } else {
                            "-".to_string()
                        },
                    ),
                };
                let t = &c.totals;
                vec![
                    format!("  {}", c.name),
                    kind.to_string(),
                    asked,
                    t.requests.to_string(),
                    listed,
                    t.fragments.to_string(),
                    t.bytes.to_string(),
                    at(t.first_at),
                    at(t.last_at),
                ]
            }),
        );
        for c in video.consumers().filter(|c| c.stream == st.name) {
            if let Some(e) = &c.totals.error {
                s.push_str(&format!("  {}: {e}\n", c.name));
            }
        }
    }
}
