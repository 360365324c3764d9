//! Text on the diagram, laid out so that no label is drawn over another.
//!
//! The renderer asks [`Labels::place`] before it draws a text: the box the text would cover
//! (from its measured width, its font size, its anchor and alignment) is kept if it overlaps
//! none kept so far this frame, and refused otherwise, so what is drawn never overlaps, in
//! any language or size. Where several labels compete for one place (readers' cursors on a
//! lane), the renderer summarises them first ("3 readers", the names on hover) with
//! [`stack_or_summarise`]; where a line is too long for its box, it drops whole parts with
//! [`fit_parts`] instead of squeezing or cutting a number. The boxes of the last frame are
//! what the end-to-end walk checks (`mqlab_diagram_labels`).

/// A label's box on the canvas, CSS px: left, top, width, height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextBox {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// Where a text's anchor is, as the canvas's `textAlign` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Boxes that touch by less than this (px) do not count as overlapping: anti-aliasing and the
/// font's side bearings, not covered text.
const TOUCH_PX: f64 = 0.5;

impl TextBox {
    /// The box of a text `w` px wide, drawn at `x` with baseline `baseline` in a font of
    /// `size_px`: from the ascent (0.75 of the size above the baseline, Latin and Hangul
    /// alike) to the descent (0.2 below).
    pub fn of_text(x: f64, baseline: f64, w: f64, size_px: f64, align: Align) -> TextBox {
        let left = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        TextBox {
            x: left,
            y: baseline - 0.75 * size_px,
            w,
            h: 0.95 * size_px,
        }
    }

    pub fn overlaps(&self, o: &TextBox) -> bool {
        self.x < o.x + o.w - TOUCH_PX
            && o.x < self.x + self.w - TOUCH_PX
            && self.y < o.y + o.h - TOUCH_PX
            && o.y < self.y + self.h - TOUCH_PX
    }
}

/// The labels of one frame: the boxes kept, in drawing order.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    boxes: Vec<TextBox>,
    /// Texts refused this frame because their place was taken.
    pub refused: usize,
}

impl Labels {
    pub fn clear(&mut self) {
        self.boxes.clear();
        self.refused = 0;
    }

    /// Whether `b` overlaps no label kept so far.
    pub fn is_free(&self, b: &TextBox) -> bool {
        !self.boxes.iter().any(|k| k.overlaps(b))
    }

    /// Keeps `b` and says yes if it is free; says no (and counts it) if not: the caller then
    /// does not draw it.
    pub fn place(&mut self, b: TextBox) -> bool {
        if self.is_free(&b) {
            self.boxes.push(b);
            true
        } else {
            self.refused += 1;
            false
        }
    }

    /// Places a group of labels that stand or fall together (one lane's cursor labels): each
    /// at its first candidate free of what is placed and of the group's earlier ones. If one
    /// has no free candidate, nothing is placed (the caller summarises them instead). Returns
    /// the candidate chosen for each.
    pub fn place_all(&mut self, candidates: &[Vec<TextBox>]) -> Option<Vec<usize>> {
        let mut chosen: Vec<(usize, TextBox)> = Vec::with_capacity(candidates.len());
        for options in candidates {
            let pick = options
                .iter()
                .enumerate()
                .find(|(_, b)| self.is_free(b) && !chosen.iter().any(|(_, c)| c.overlaps(b)))?;
            chosen.push((pick.0, *pick.1));
        }
        self.boxes.extend(chosen.iter().map(|(_, b)| *b));
        Some(chosen.into_iter().map(|(k, _)| k).collect())
    }

    pub fn boxes(&self) -> &[TextBox] {
        &self.boxes
    }

    /// `[[x, y, w, h], …]`, rounded to tenths of a pixel (for the end-to-end walk).
    pub fn to_json(&self) -> String {
        let r = |v: f64| (v * 10.0).round() / 10.0;
        let items: Vec<String> = self
            .boxes
            .iter()
            .map(|b| format!("[{},{},{},{}]", r(b.x), r(b.y), r(b.w), r(b.h)))
            .collect();
        format!("[{}]", items.join(","))
    }
}

/// The first two boxes that overlap, by index: none in a frame the renderer laid out.
pub fn first_overlap(boxes: &[TextBox]) -> Option<(usize, usize)> {
    for (i, a) in boxes.iter().enumerate() {
        for (j, b) in boxes.iter().enumerate().skip(i + 1) {
            if a.overlaps(b) {
                return Some((i, j));
            }
        }
    }
    None
}

/// How `n` labels competing for `rows` rows are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stack {
    /// Each on its own row.
    All,
    /// One line that counts them ("3 readers"); the names go on hover.
    Summary,
    /// Not even one row: nothing.
    None,
}

pub fn stack_or_summarise(n: usize, rows: usize) -> Stack {
    match (n, rows) {
        (0, _) | (_, 0) => Stack::None,
        (n, rows) if n <= rows => Stack::All,
        _ => Stack::Summary,
    }
}

/// As much of a line as fits in `max_w` px: its parts joined by `sep`, dropping whole parts
/// from the end (callers list them most important first) rather than cutting one, so a
/// number is shown whole or not at all. The first part alone is kept even if it does not
/// fit (the caller's box is then too small for any text).
pub fn fit_parts(parts: &[&str], sep: &str, max_w: f64, width: impl Fn(&str) -> f64) -> String {
    let mut n = parts.len();
    while n > 1 {
        let line = parts[..n].join(sep);
        if width(&line) <= max_w {
            return line;
        }
        n -= 1;
    }
    parts.first().map_or(String::new(), |p| p.to_string())
}

/// `s` cut to fit `max_w` px with "…" at the end (whole characters), or as it is when it fits:
/// a name too long for its box reads "shop-ph…" instead of being squeezed unreadable.
pub fn ellipsize(s: &str, max_w: f64, width: impl Fn(&str) -> f64) -> String {
    if width(s) <= max_w {
        return s.to_string();
    }
    let mut cut: Vec<char> = s.chars().collect();
    while !cut.is_empty() {
        cut.pop();
        let t: String = cut.iter().chain(std::iter::once(&'…')).collect();
        if width(&t) <= max_w {
            return t;
        }
    }
    "…".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A monospace stand-in for the canvas's measureText: 6 px a character.
    fn mono(s: &str) -> f64 {
        s.chars().count() as f64 * 6.0
    }

    #[test]
    fn a_box_follows_its_alignment() {
        let l = TextBox::of_text(100.0, 50.0, 40.0, 10.0, Align::Left);
        let c = TextBox::of_text(100.0, 50.0, 40.0, 10.0, Align::Center);
        let r = TextBox::of_text(100.0, 50.0, 40.0, 10.0, Align::Right);
        assert_eq!((l.x, c.x, r.x), (100.0, 80.0, 60.0));
        assert_eq!((l.y, l.h), (42.5, 9.5));
    }

    #[test]
    fn lines_ten_pixels_apart_in_a_ten_pixel_font_do_not_overlap() {
        let a = TextBox::of_text(0.0, 10.0, 50.0, 10.0, Align::Left);
        let b = TextBox::of_text(0.0, 20.0, 50.0, 10.0, Align::Left);
        assert!(!a.overlaps(&b));
        let c = TextBox::of_text(10.0, 15.0, 50.0, 10.0, Align::Left);
        assert!(a.overlaps(&c) && c.overlaps(&a));
    }

    #[test]
    fn a_label_whose_place_is_taken_is_refused_and_counted() {
        let mut labels = Labels::default();
        assert!(labels.place(TextBox::of_text(0.0, 10.0, 50.0, 10.0, Align::Left)));
        assert!(!labels.place(TextBox::of_text(20.0, 12.0, 50.0, 10.0, Align::Left)));
        assert!(labels.place(TextBox::of_text(60.0, 12.0, 50.0, 10.0, Align::Left)));
        assert_eq!((labels.boxes().len(), labels.refused), (2, 1));
        assert_eq!(first_overlap(labels.boxes()), None);
        assert_eq!(labels.to_json(), "[[0,2.5,50,9.5],[60,4.5,50,9.5]]");
        labels.clear();
        assert_eq!((labels.boxes().len(), labels.refused), (0, 0));
    }

    #[test]
    fn first_overlap_finds_two_boxes_drawn_over_each_other() {
        let a = TextBox::of_text(0.0, 10.0, 50.0, 10.0, Align::Left);
        let b = TextBox::of_text(200.0, 10.0, 50.0, 10.0, Align::Left);
        let c = TextBox::of_text(230.0, 14.0, 50.0, 10.0, Align::Left);
        assert_eq!(first_overlap(&[a, b]), None);
        assert_eq!(first_overlap(&[a, b, c]), Some((1, 2)));
    }

    #[test]
    fn a_group_is_placed_whole_or_not_at_all() {
        let b = |x: f64, y: f64| TextBox::of_text(x, y, 50.0, 10.0, Align::Left);
        let mut labels = Labels::default();
        assert!(labels.place(b(0.0, 10.0)));
        // The first takes its second place (its first is taken), the second its first.
        assert_eq!(
            labels.place_all(&[vec![b(10.0, 10.0), b(100.0, 10.0)], vec![b(0.0, 20.0)]]),
            Some(vec![1, 0])
        );
        assert_eq!(labels.boxes().len(), 3);
        // One of them has nowhere to go: none is placed.
        assert_eq!(
            labels.place_all(&[vec![b(300.0, 10.0)], vec![b(5.0, 12.0), b(105.0, 12.0)]]),
            None
        );
        assert_eq!(labels.boxes().len(), 3);
        // Two of a group in one place: the second must take another.
        assert_eq!(
            labels.place_all(&[vec![b(300.0, 40.0)], vec![b(300.0, 40.0), b(300.0, 60.0)]]),
            Some(vec![0, 1])
        );
        assert_eq!(first_overlap(labels.boxes()), None);
    }

    #[test]
    fn labels_that_do_not_all_fit_are_summarised() {
        assert_eq!(stack_or_summarise(2, 3), Stack::All);
        assert_eq!(stack_or_summarise(3, 3), Stack::All);
        assert_eq!(stack_or_summarise(4, 3), Stack::Summary);
        assert_eq!(stack_or_summarise(4, 0), Stack::None);
        assert_eq!(stack_or_summarise(0, 3), Stack::None);
    }

    #[test]
    fn a_long_line_loses_whole_parts_never_half_a_number() {
        let parts = ["2 shards", "✓2,716", "×2 7"];
        assert_eq!(
            fit_parts(&parts, " · ", 200.0, mono),
            "2 shards · ✓2,716 · ×2 7"
        );
        // 23 characters do not fit in 120 px: the last part goes whole.
        assert_eq!(fit_parts(&parts, " · ", 120.0, mono), "2 shards · ✓2,716");
        assert_eq!(fit_parts(&parts, " · ", 10.0, mono), "2 shards");
        assert_eq!(fit_parts(&[], " · ", 10.0, mono), "");
    }

    #[test]
    fn a_name_too_long_for_its_box_ends_in_an_ellipsis() {
        assert_eq!(ellipsize("shop-photos", 100.0, mono), "shop-photos");
        assert_eq!(ellipsize("shop-photos", 48.0, mono), "shop-ph…");
        assert_eq!(ellipsize("한국어", 12.0, mono), "한…");
        assert_eq!(ellipsize("ab", 1.0, mono), "…");
    }

    /// Whatever is offered, in whatever order, the boxes kept never overlap.
    #[test]
    fn kept_labels_never_overlap() {
        use proptest::prelude::*;
        proptest!(|(raw in proptest::collection::vec((0.0..400.0f64, 0.0..300.0f64, 1.0..150.0f64, 8.0..14.0f64, 0..3u8), 0..80))| {
            let mut labels = Labels::default();
            for (x, y, w, size, a) in raw {
                let align = [Align::Left, Align::Center, Align::Right][a as usize];
                labels.place(TextBox::of_text(x, y, w, size, align));
            }
            prop_assert_eq!(first_overlap(labels.boxes()), None);
        });
    }
}
