//! Colours the canvases use, per theme. Chosen for contrast on each background and so that
//! message-group colours stay apart for the common colour-vision deficiencies (an Okabe–Ito
//! style set first, then more).
//!
//! A colour that means a state (visible, received 2+ times, dead-lettered, deleted or fine,
//! warning, danger) is never a group's or a partition key's colour: a FIFO group drawn in the
//! orange of "Received 2+ times" would read as a redelivery. `tests/palette.rs` checks every
//! group colour is far (CIE L*a*b* distance) from every state colour, in both themes.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    pub bg: &'static str,
    pub panel: &'static str,
    pub fg: &'static str,
    pub muted: &'static str,
    pub line: &'static str,
    pub accent: &'static str,
    /// A visible message of a standard queue.
    pub message: &'static str,
    /// A message received before (its timeout ran out): it may be processed twice.
    pub retried: &'static str,
    /// A message in a dead-letter queue.
    pub dead: &'static str,
    pub ok: &'static str,
    pub warn: &'static str,
    pub danger: &'static str,
    pub queue_fill: &'static str,
    pub dlq_fill: &'static str,
    /// SNS topics and their branches.
    pub topic: &'static str,
    pub topic_fill: &'static str,
    /// Kinesis streams.
    pub stream: &'static str,
    pub stream_fill: &'static str,
    pub groups: &'static [&'static str],
}

/// Blues, pinks, purples, teals, browns: no amber, red or green (those mean a state).
pub const GROUP_COLORS_LIGHT: &[&str] = &[
    "#0072b2", "#cc79a7", "#2a9d8f", "#8c6d1f", "#b5179e", "#56b4e9", "#8e44ad", "#6b6b00",
    "#1e3a8a", "#9d174d", "#06b6d4", "#c084fc",
];
pub const GROUP_COLORS_DARK: &[&str] = &[
    "#22d3ee", "#e59ac8", "#5fd3c4", "#d6b25e", "#f06bd1", "#e9d5ff", "#c026d3", "#bef264",
    "#94a3b8", "#d8b4fe", "#0d9488", "#fde68a",
];

pub const LIGHT: Palette = Palette {
    bg: "#ffffff",
    panel: "#f3f5f8",
    fg: "#1d232a",
    muted: "#5b6672",
    line: "#c9d0d8",
    accent: "#d45b07",
    message: "#2563eb",
    retried: "#d97706",
    dead: "#b91c1c",
    ok: "#15803d",
    warn: "#d97706",
    danger: "#dc2626",
    queue_fill: "#fff7ed",
    dlq_fill: "#fef2f2",
    topic: "#be185d",
    topic_fill: "#fdf2f8",
    stream: "#6d28d9",
    stream_fill: "#f5f3ff",
    groups: GROUP_COLORS_LIGHT,
};

pub const DARK: Palette = Palette {
    bg: "#1a1f25",
    panel: "#232a32",
    fg: "#e6e9ed",
    muted: "#9aa5b1",
    line: "#3a4450",
    accent: "#ff9b45",
    message: "#60a5fa",
    retried: "#fbbf24",
    dead: "#f87171",
    ok: "#4ade80",
    warn: "#fbbf24",
    danger: "#f87171",
    queue_fill: "#2b2520",
    dlq_fill: "#2e2022",
    topic: "#f472b6",
    topic_fill: "#2d1f29",
    stream: "#a78bfa",
    stream_fill: "#221d30",
    groups: GROUP_COLORS_DARK,
};

pub fn palette(dark: bool) -> &'static Palette {
    if dark {
        &DARK
    } else {
        &LIGHT
    }
}

impl Palette {
    pub fn group(&self, color: u16) -> &'static str {
        self.groups[color as usize % self.groups.len()]
    }
}
