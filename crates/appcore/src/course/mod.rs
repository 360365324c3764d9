//! The course: lessons as data. Each lesson is a JSON file under `lessons/` (`<id>.json`),
//! and `lessons/course.json` maps chapters to lessons. The page fetches a file when a lesson
//! is opened (lessons are not compiled into the wasm), reads it with [`parse_lesson`] and
//! walks it with [`lab_at_step`]; the native tests read every file the same way.
//!
//! A lesson:
//!
//! ```json
//! {
//!   "id": "sqs-visibility", "chapter": "visibility",
//!   "title": {"en": "…", "ko": "…"},
//!   "steps": [
//!     {"text": {"en": "…", "ko": "…"}, "setup": {"preset": "visibility-too-short"},
//!      "highlight": {"queue": "orders"}, "play_to": 40},
//!     {"text": {…}, "edits": [{"QueueAttribute": {…}}]}
//!   ],
//!   "task": {"text": {…}, "checkpoint": {…}, "hints": [{…}], "solution": [{…}], "play_s": 120},
//!   "questions": [{"question": {…}, "choices": [{…}, {…}], "answer": 1,
//!                  "explanation": {…}, "lesson": "sqs-visibility"}]
//! }
//! ```
//!
//! - `setup` starts a new run: a preset (`{"preset": id}`) or a scenario in the engine's
//!   format (`{"scenario": {…}}`). The first step must have one; later steps without one go on
//!   with the run as the previous step left it.
//! - `edits` are recorded edits (the format of share links, [`crate::edits::Edit`]), applied
//!   when the step opens; `play_to` runs to that virtual second of the run and pauses.
//! - `highlight` names a queue, topic, stream, shard (`{"stream": …, "shard": …}`) or the
//!   charts of one (`{"charts": name}`) that must exist at that step.
//! - The task's `checkpoint` is a [`check::Check`]; its `solution` is a list of recorded edits
//!   ("Show me" applies them), and `play_s` is how long the run needs to show the result.
//!   `actions` (optional) are buttons the task offers, `{"label": {…}, "edits": […]}`, for
//!   what the page has no control of its own (a reshard, a producer's partition keys); a
//!   task may offer some that do not help. A button that is another right answer says so
//!   with `"passes": true` (the tests then check that it does).
//!
//! Every error names the file and the member: `lessons/sqs-visibility.json: steps[2].highlight:
//! no queue named "orders"`.

pub mod check;
pub mod read;

use crate::edits::Edit;
use crate::i18n::Lang;
use crate::lab::Lab;
use check::Check;
use read::{join, opt, req, Field, Kind, ReadError};
use serde_json::Value;
use std::fmt;

/// Largest lesson file read, bytes (a lesson with an inline scenario is a few KB).
pub const LESSON_BYTES_MAX: usize = 256 * 1024;
/// Steps a lesson may have.
pub const STEPS_MAX: usize = 40;
/// The longest a step may play to, or a task may need, virtual seconds (an hour: a lesson
/// shows something in minutes).
pub const PLAY_S_MAX: f64 = 3_600.0;
/// The localStorage key of the learner's progress.
pub const PROGRESS_KEY: &str = "mqlab.course.v1";

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Text {
    pub en: String,
    pub ko: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }

    /// Both languages present; the Korean written in Korean.
    pub fn check(&self) -> Result<(), (String, String)> {
        if self.en.trim().is_empty() {
            return Err(("en".into(), "empty".into()));
        }
        if self.ko.trim().is_empty() {
            return Err(("ko".into(), "empty".into()));
        }
        if !self
            .ko
            .chars()
            .any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c))
        {
            return Err(("ko".into(), "has no Korean (Hangul) in it".into()));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    pub preset: Option<String>,
    pub scenario: Option<Value>,
}

/// What a step points at on the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlight {
    pub queue: Option<String>,
    pub topic: Option<String>,
    pub stream: Option<String>,
    /// A shard of `stream` (`shardId-000000000000`).
    pub shard: Option<String>,
    /// The charts of the queue, topic or stream of that name.
    pub charts: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub text: Text,
    pub setup: Option<Setup>,
    pub edits: Vec<Edit>,
    pub highlight: Option<Highlight>,
    /// Run to this virtual second of the run, then pause.
    pub play_to: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub text: Text,
    pub checkpoint: Check,
    pub hints: Vec<Text>,
    pub solution: Vec<Edit>,
    /// Virtual seconds the run needs, after the solution, to show that the goal is met.
    pub play_s: f64,
    /// Buttons the task offers (calls or settings the page has no control for: a reshard, a
    /// producer's key scheme). Tools, not the answer: a task may offer ones that do not help.
    pub actions: Vec<TaskAction>,
}

/// A button of a task: its label and the recorded edits a click applies.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskAction {
    pub label: Text,
    pub edits: Vec<Edit>,
    /// Another right answer (not the solution, but it meets the checkpoint too).
    pub passes: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub question: Text,
    pub choices: Vec<Text>,
    /// Index into `choices`.
    pub answer: usize,
    pub explanation: Text,
    /// The lesson that shows it.
    pub lesson: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub chapter: String,
    pub title: Text,
    pub steps: Vec<Step>,
    pub task: Option<Task>,
    pub questions: Vec<Question>,
}

/// A lesson file (or the course map) that cannot be used: which file, which member, why.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    pub file: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.field, self.message)
        }
    }
}

impl std::error::Error for LessonError {}

fn err(file: &str, field: impl Into<String>, message: impl Into<String>) -> LessonError {
    LessonError {
        file: file.to_string(),
        field: field.into(),
        message: message.into(),
    }
}

/// Lesson ids: lower-case letters, digits and `-` (they are file names and URL fragments).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Reads a lesson file and checks everything that needs no run: shape, texts in both
/// languages, the checkpoint's language, answers in range. `file` names it in errors
/// (`lessons/<id>.json`). See [`validate`] for what needs a run.
pub fn parse_lesson(file: &str, text: &str) -> Result<Lesson, LessonError> {
    if text.len() > LESSON_BYTES_MAX {
        return Err(err(
            file,
            "",
            format!(
                "too large ({} bytes; the limit is {LESSON_BYTES_MAX})",
                text.len()
            ),
        ));
    }
    let v: Value = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|e| err(file, "", format!("not valid JSON ({e})")))?;
    let stem = file
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".json"))
        .unwrap_or(file);
    read_lesson(&v, stem).map_err(|(m, e)| err(file, m, e))
}

const SETUP: &[Field] = &[opt("preset", Kind::Str), opt("scenario", Kind::Any)];
const HIGHLIGHT_ONE: &[&str] = &["queue", "topic", "stream", "charts"];
const HIGHLIGHT: &[Field] = &[
    opt("queue", Kind::Str),
    opt("topic", Kind::Str),
    opt("stream", Kind::Str),
    opt("shard", Kind::Str),
    opt("charts", Kind::Str),
];
const STEP: &[Field] = &[
    req("text", Kind::Text),
    opt("setup", Kind::OneObj(SETUP, &["preset", "scenario"])),
    opt("edits", Kind::Edits),
    opt("highlight", Kind::OneObj(HIGHLIGHT, HIGHLIGHT_ONE)),
    opt("play_to", Kind::Range(0.0, PLAY_S_MAX)),
];
const TASK: &[Field] = &[
    req("text", Kind::Text),
    req("checkpoint", Kind::Check),
    opt("hints", Kind::List(&Kind::Text)),
    req("solution", Kind::Edits),
    req("play_s", Kind::Range(1.0, PLAY_S_MAX)),
    opt("actions", Kind::List(&Kind::Obj(ACTION))),
];
const ACTION: &[Field] = &[
    req("label", Kind::Text),
    req("edits", Kind::Edits),
    opt("passes", Kind::Bool),
];
const QUESTION: &[Field] = &[
    req("question", Kind::Text),
    req("choices", Kind::List(&Kind::Text)),
    req("answer", Kind::Count),
    req("explanation", Kind::Text),
    req("lesson", Kind::Str),
];
const LESSON: &[Field] = &[
    req("id", Kind::Str),
    req("chapter", Kind::Str),
    req("title", Kind::Text),
    req("steps", Kind::List(&Kind::Obj(STEP))),
    opt("task", Kind::Obj(TASK)),
    opt("questions", Kind::List(&Kind::Obj(QUESTION))),
];

fn bad(path: String, message: &str) -> ReadError {
    (path, message.to_string())
}

fn read_lesson(v: &Value, stem: &str) -> Result<Lesson, ReadError> {
    read::check(v, &Kind::Obj(LESSON), "")?;
    let id = read::str_of(v, "id");
    if !valid_id(&id) {
        return Err(bad(
            "id".into(),
            "must be lower-case letters, digits and -, at most 64",
        ));
    }
    if stem != id {
        return Err((
            "id".into(),
            format!("{id:?} is not the file's name ({stem:?})"),
        ));
    }
    let mut steps = Vec::new();
    for (i, sv) in read::list(v, "steps").iter().enumerate() {
        let at = format!("steps[{i}]");
        let setup = sv.get("setup").filter(|x| !x.is_null()).map(|x| Setup {
            preset: read::opt_str(x, "preset"),
            scenario: x.get("scenario").filter(|y| !y.is_null()).cloned(),
        });
        match &setup {
            None if i == 0 => {
                return Err(bad(
                    format!("{at}.setup"),
                    "the first step must set up a run (a preset or a scenario)",
                ))
            }
            Some(s) if s.preset.is_some() == s.scenario.is_some() => {
                return Err(bad(format!("{at}.setup"), "give either preset or scenario"))
            }
            _ => {}
        }
        let play_to = read::num(sv, "play_to");
        if play_to.is_some_and(|p| !(0.0..=PLAY_S_MAX).contains(&p)) {
            return Err(bad(
                format!("{at}.play_to"),
                "must be between 0 and 3600 seconds",
            ));
        }
        let highlight = sv
            .get("highlight")
            .filter(|x| !x.is_null())
            .map(|h| Highlight {
                queue: read::opt_str(h, "queue"),
                topic: read::opt_str(h, "topic"),
                stream: read::opt_str(h, "stream"),
                shard: read::opt_str(h, "shard"),
                charts: read::opt_str(h, "charts"),
            });
        if highlight
            .as_ref()
            .is_some_and(|h| h.shard.is_some() && h.stream.is_none())
        {
            return Err(bad(format!("{at}.highlight"), "a shard needs its stream"));
        }
        steps.push(Step {
            text: read::text_of(sv, "text"),
            setup,
            edits: read::edits(sv, "edits"),
            highlight,
            play_to: read::num(sv, "play_to"),
        });
    }
    if steps.is_empty() || steps.len() > STEPS_MAX {
        return Err(bad("steps".into(), "must have between 1 and 40 steps"));
    }
    let task = match v.get("task").filter(|x| !x.is_null()) {
        None => None,
        Some(tv) => {
            let solution = read::edits(tv, "solution");
            if solution.is_empty() {
                return Err(bad("task.solution".into(), "must hold at least one edit"));
            }
            let play_s = read::num(tv, "play_s").unwrap_or(0.0);
            if !(1.0..=PLAY_S_MAX).contains(&play_s) {
                return Err(bad(
                    "task.play_s".into(),
                    "must be between 1 and 3600 seconds",
                ));
            }
            let checkpoint = Check::read(tv.get("checkpoint").unwrap_or(&Value::Null))
                .map_err(|(m, e)| (join("task.checkpoint", &m), e))?;
            let mut actions = Vec::new();
            for (i, a) in read::list(tv, "actions").iter().enumerate() {
                let edits = read::edits(a, "edits");
                if edits.is_empty() {
                    return Err(bad(
                        format!("task.actions[{i}].edits"),
                        "must hold at least one edit",
                    ));
                }
                actions.push(TaskAction {
                    label: read::text_of(a, "label"),
                    edits,
                    passes: a.get("passes").and_then(Value::as_bool).unwrap_or(false),
                });
            }
            Some(Task {
                text: read::text_of(tv, "text"),
                checkpoint,
                hints: read::list(tv, "hints").iter().map(read::text).collect(),
                solution,
                play_s,
                actions,
            })
        }
    };
    let mut questions = Vec::new();
    for (i, q) in read::list(v, "questions").iter().enumerate() {
        let choices: Vec<Text> = read::list(q, "choices").iter().map(read::text).collect();
        let answer = q.get("answer").and_then(Value::as_u64).unwrap_or(0) as usize;
        if choices.len() < 2 {
            return Err(bad(format!("questions[{i}].choices"), "needs at least two"));
        }
        if answer >= choices.len() {
            return Err(bad(
                format!("questions[{i}].answer"),
                "is not one of the choices",
            ));
        }
        let lesson = read::str_of(q, "lesson");
        if !valid_id(&lesson) {
            return Err(bad(format!("questions[{i}].lesson"), "not a lesson id"));
        }
        questions.push(Question {
            question: read::text_of(q, "question"),
            choices,
            answer,
            explanation: read::text_of(q, "explanation"),
            lesson,
        });
    }
    Ok(Lesson {
        id,
        chapter: read::str_of(v, "chapter"),
        title: read::text_of(v, "title"),
        steps,
        task,
        questions,
    })
}

/// A new run from a step's setup. The error names the member (`setup.scenario.queues[0]…`).
pub fn setup_lab(setup: &Setup) -> Result<Lab, (String, String)> {
    if let Some(id) = &setup.preset {
        let p = crate::presets::by_id(id)
            .ok_or_else(|| ("setup.preset".to_string(), format!("no preset {id:?}")))?;
        let json = crate::presets::json(id).ok_or_else(|| {
            let file = crate::presets::file(id);
            ("setup.preset".to_string(), format!("{file} is not loaded"))
        })?;
        return Lab::from_json(&json, Some(p.id.to_string()))
            .map_err(|e| ("setup.preset".to_string(), e));
    }
    let v = setup.scenario.as_ref().ok_or_else(|| {
        (
            "setup".to_string(),
            "give either preset or scenario".to_string(),
        )
    })?;
    let scenario = crate::share::import_json(&v.to_string()).map_err(|e| {
        let field = e.field.strip_prefix("scenario").unwrap_or(&e.field);
        (format!("setup.scenario{field}"), e.message)
    })?;
    Lab::new(scenario, None).map_err(|e| ("setup.scenario".to_string(), e))
}

/// The run as step `k` of `lesson` shows it: from the latest step at or before `k` with a
/// setup, each step's edits applied and its `play_to` reached, in order. The same every
/// time (Back, a link to the lesson, the tests). `Err((member, message))`.
pub fn lab_at_step(lesson: &Lesson, k: usize) -> Result<Lab, (String, String)> {
    let k = k.min(lesson.steps.len().saturating_sub(1));
    let start = (0..=k)
        .rev()
        .find(|&i| lesson.steps[i].setup.is_some())
        .ok_or_else(|| ("steps[0].setup".to_string(), "no setup".to_string()))?;
    let mut lab = None;
    for (i, step) in lesson.steps.iter().enumerate().take(k + 1).skip(start) {
        enter_step(&mut lab, step).map_err(|(m, e)| (join(&format!("steps[{i}]"), &m), e))?;
    }
    lab.ok_or_else(|| ("steps".to_string(), "no run".to_string()))
}

/// Applies one step to the run (a new run if it has a setup).
pub fn enter_step(lab: &mut Option<Lab>, step: &Step) -> Result<(), (String, String)> {
    if let Some(setup) = &step.setup {
        *lab = Some(setup_lab(setup)?);
    }
    let Some(run) = lab.as_mut() else {
        return Err(("setup".into(), "no run to change: add a setup".into()));
    };
    for (j, e) in step.edits.iter().enumerate() {
        e.check(&run.scenario)
            .map_err(|(m, msg)| (join(&format!("edits[{j}]"), &m), msg))?;
        run.edit(e.clone())
            .map_err(|msg| (format!("edits[{j}]"), msg))?;
    }
    if let Some(p) = step.play_to {
        let t = (p * 1_000.0) as u64;
        if t < run.now() {
            return Err((
                "play_to".into(),
                format!("the run is already at {} s", run.now() / 1_000),
            ));
        }
        run.run_to(t);
    }
    Ok(())
}

/// Why a highlight names nothing in the run, or Ok.
pub fn check_highlight(lab: &Lab, h: &Highlight) -> Result<(), String> {
    let world = lab.world();
    let missing = |kind: &str, name: &str| Err(format!("no {kind} named {name:?}"));
    if let Some(q) = &h.queue {
        if !check::exists(world, "queue", q) {
            return missing("queue", q);
        }
    }
    if let Some(t) = &h.topic {
        if !check::exists(world, "topic", t) {
            return missing("topic", t);
        }
    }
    if let Some(s) = &h.stream {
        let Some(stream) = world.kinesis().stream(s) else {
            return missing("stream", s);
        };
        if let Some(shard) = &h.shard {
            if !stream.shards.iter().any(|x| &x.shard_id == shard) {
                return Err(format!("stream {s:?} has no shard {shard:?}"));
            }
        }
    }
    if let Some(c) = &h.charts {
        if !["queue", "topic", "stream"]
            .iter()
            .any(|k| check::exists(world, k, c))
        {
            return missing("queue, topic or stream", c);
        }
    }
    Ok(())
}

/// Everything that needs a run: every step's setup builds, its edits apply, its highlight
/// names something that exists; the checkpoint names what exists in the task's run; the
/// solution, and each of the task's buttons, applies there.
pub fn validate(file: &str, lesson: &Lesson) -> Result<(), LessonError> {
    let mut lab: Option<Lab> = None;
    for (i, step) in lesson.steps.iter().enumerate() {
        let at = format!("steps[{i}]");
        enter_step(&mut lab, step).map_err(|(m, e)| err(file, join(&at, &m), e))?;
        if let (Some(h), Some(run)) = (&step.highlight, &lab) {
            check_highlight(run, h).map_err(|e| err(file, format!("{at}.highlight"), e))?;
        }
    }
    let (Some(task), Some(run)) = (&lesson.task, lab) else {
        return Ok(());
    };
    for (member, kind, name) in task.checkpoint.names() {
        if !check::exists(run.world(), kind, &name) {
            return Err(err(
                file,
                join("task.checkpoint", member),
                format!("no {kind} named {name:?} in the task's run"),
            ));
        }
    }
    for (i, a) in task.actions.iter().enumerate() {
        let mut tried = run.clone();
        for (j, e) in a.edits.iter().enumerate() {
            let at = format!("task.actions[{i}].edits[{j}]");
            e.check(&tried.scenario)
                .map_err(|(m, msg)| err(file, join(&at, &m), msg))?;
            tried.edit(e.clone()).map_err(|msg| err(file, at, msg))?;
        }
    }
    let mut solved = run;
    for (j, e) in task.solution.iter().enumerate() {
        let at = format!("task.solution[{j}]");
        e.check(&solved.scenario)
            .map_err(|(m, msg)| err(file, join(&at, &m), msg))?;
        solved.edit(e.clone()).map_err(|msg| err(file, at, msg))?;
    }
    Ok(())
}

/// One entry of the course map.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRef {
    pub id: String,
    pub title: Text,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chapter {
    pub id: String,
    pub title: Text,
    pub lessons: Vec<LessonRef>,
    /// A chapter whose service is not simulated yet: listed, not open.
    pub coming: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CourseMap {
    pub chapters: Vec<Chapter>,
}

impl CourseMap {
    pub fn chapter_of(&self, lesson: &str) -> Option<&Chapter> {
        self.chapters
            .iter()
            .find(|c| c.lessons.iter().any(|l| l.id == lesson))
    }

    /// Every lesson id, in course order.
    pub fn lesson_ids(&self) -> impl Iterator<Item = &str> {
        self.chapters
            .iter()
            .flat_map(|c| c.lessons.iter().map(|l| l.id.as_str()))
    }
}

/// Reads `lessons/course.json`: chapters with ids, titles in both languages, their lessons.
pub fn parse_course(file: &str, text: &str) -> Result<CourseMap, LessonError> {
    if text.len() > LESSON_BYTES_MAX {
        return Err(err(file, "", "too large"));
    }
    let v: Value =
        serde_json::from_str(text).map_err(|e| err(file, "", format!("not valid JSON ({e})")))?;
    read_course(&v).map_err(|(m, e)| err(file, m, e))
}

const LESSON_REF: &[Field] = &[req("id", Kind::Str), req("title", Kind::Text)];
const CHAPTER: &[Field] = &[
    req("id", Kind::Str),
    req("title", Kind::Text),
    opt("lessons", Kind::List(&Kind::Obj(LESSON_REF))),
    opt("coming", Kind::Bool),
];
const COURSE: &[Field] = &[req("chapters", Kind::List(&Kind::Obj(CHAPTER)))];

fn read_course(v: &Value) -> Result<CourseMap, ReadError> {
    read::check(v, &Kind::Obj(COURSE), "")?;
    let mut seen = std::collections::BTreeSet::new();
    let mut chapters = Vec::new();
    for (i, c) in read::list(v, "chapters").iter().enumerate() {
        let at = format!("chapters[{i}]");
        let id = read::str_of(c, "id");
        if !valid_id(&id) {
            return Err(bad(format!("{at}.id"), "not an id"));
        }
        let coming = c.get("coming").and_then(Value::as_bool).unwrap_or(false);
        let mut lessons = Vec::new();
        for (j, l) in read::list(c, "lessons").iter().enumerate() {
            let lid = read::str_of(l, "id");
            if !valid_id(&lid) || !seen.insert(lid.clone()) {
                return Err(bad(
                    format!("{at}.lessons[{j}].id"),
                    "not an id, or listed twice",
                ));
            }
            lessons.push(LessonRef {
                id: lid,
                title: read::text_of(l, "title"),
            });
        }
        if coming && !lessons.is_empty() {
            return Err(bad(
                format!("{at}.lessons"),
                "a chapter still coming has no lessons",
            ));
        }
        chapters.push(Chapter {
            id,
            title: read::text_of(c, "title"),
            lessons,
            coming,
        });
    }
    Ok(CourseMap { chapters })
}

/// The learner's progress: lessons whose task was met, questions answered right. Kept in
/// localStorage as `{"done": [ids], "answered": ["lesson/index", …]}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub done: Vec<String>,
    pub answered: Vec<String>,
}

/// Progress entries kept at most (ids are short; this bounds what storage can make us read).
const PROGRESS_MAX: usize = 1_000;

impl Progress {
    /// Reads stored progress; anything unreadable is no progress (never an error for the
    /// learner: the course still opens).
    pub fn from_json(text: &str) -> Progress {
        let v: Value = serde_json::from_str(text).unwrap_or_default();
        let list = |key: &str| -> Vec<String> {
            v.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .take(PROGRESS_MAX)
                .map(str::to_string)
                .collect()
        };
        let mut done = list("done");
        done.retain(|id| valid_id(id));
        Progress {
            done,
            answered: list("answered"),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::json!({"done": self.done, "answered": self.answered}).to_string()
    }

    pub fn is_done(&self, lesson: &str) -> bool {
        self.done.iter().any(|d| d == lesson)
    }

    /// Marks a lesson done; true if it was not already.
    pub fn mark_done(&mut self, lesson: &str) -> bool {
        if self.is_done(lesson) || self.done.len() >= PROGRESS_MAX {
            return false;
        }
        self.done.push(lesson.to_string());
        true
    }

    pub fn answered(&self, lesson: &str, question: usize) -> bool {
        let key = format!("{lesson}/{question}");
        self.answered.contains(&key)
    }

    pub fn mark_answered(&mut self, lesson: &str, question: usize) {
        if !self.answered(lesson, question) && self.answered.len() < PROGRESS_MAX {
            self.answered.push(format!("{lesson}/{question}"));
        }
    }
}

/// The lesson a URL fragment opens: `#learn/<id>` (and `#learn` for the course map). Share
/// links (`#v1=…`) are not lesson links.
pub fn lesson_of_fragment(fragment: &str) -> Option<Option<String>> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if f == "learn" || f == "learn/" {
        return Some(None);
    }
    let id = f.strip_prefix("learn/")?;
    valid_id(id).then(|| Some(id.to_string()))
}
