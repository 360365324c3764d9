//! The app's state and its reducer. Runs are advanced only here: by `Frame` actions while
//! playing, by `Step` and `Seek`, and changed by `Edit`.

use crate::canvas::diagram::Hit;
use crate::lab::{Edit, Lab, MEMORY_BUDGET_BYTES};
use mqlab_appcore::course::{self, CourseMap, Lesson, Progress};
use mqlab_appcore::i18n::{tf, Lang};
use mqlab_appcore::{presets, sim};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// Virtual ms per real ms the speed control steps through.
pub const SPEEDS: [f64; 13] = [
    0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0,
];
/// 10× real time: a queue visibly at work without waiting.
pub const SPEED_DEFAULT_INDEX: usize = 6;
/// The DOM panels (tables, log, inspector) refresh at most this often, real ms; the canvas
/// draws every frame.
pub const PANEL_REFRESH_MS: f64 = 100.0;
/// Fast-forward runs the engine for about this long per frame, real ms, leaving the rest of
/// the frame for drawing.
pub const FAST_FORWARD_BUDGET_MS: f64 = 12.0;
/// How long a transient (a fade, a flash, an empty receive) stays on screen, real ms.
pub const TRANSIENT_REAL_MS: f64 = 1_500.0;
/// The preset the page opens with when there is no link and no autosave.
pub const PRESET_DEFAULT: &str = presets::DEFAULT;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn code(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// A message for the user: what went wrong (an i18n key) and the details (the field at
/// fault, AWS's message), kept until dismissed.
#[derive(Clone, Debug, PartialEq)]
pub struct Banner {
    pub title_key: &'static str,
    pub detail: String,
}

/// Which diagram (0 = the main run, 1 = the run compared with it) and what in it.
pub type Selection = (usize, Hit);

pub enum Action {
    Play,
    Pause,
    TogglePlay,
    /// One animation frame, `real_ms` after the previous one.
    Frame {
        real_ms: f64,
    },
    Step,
    Faster,
    Slower,
    SetSpeed(usize),
    ToggleFastForward,
    Seek(u64),
    Restart {
        new_seed: bool,
    },
    LoadPreset(String),
    /// A run built elsewhere (a link, a file, the autosave), with a notice to show.
    Load {
        lab: Box<Lab>,
        notice: Option<&'static str>,
    },
    ShowError(Banner),
    DismissBanner,
    DismissNotice,
    Notice(&'static str),
    SetLang(Lang),
    SetTheme(Theme),
    ToggleHelp,
    CloseHelp,
    Select(Option<Selection>),
    /// A change to the run; `field` names the form field that shows a refusal.
    Edit {
        side: usize,
        field: String,
        /// Boxed: an edit carries a whole producer or consumer spec.
        edit: Box<Edit>,
    },
    /// A value refused before it reached the engine (out of the panel's range).
    FieldError {
        field: String,
        message: Option<String>,
    },
    ToggleCompare,
    /// → and ←: the next or previous lesson step in a lesson, else a step of the run.
    ArrowRight,
    ArrowLeft,
    /// The course: open its map (or a lesson, by id), leave it for the free lab.
    OpenLearn(Option<String>),
    CloseLearn,
    CourseLoaded(Result<Rc<CourseMap>, String>),
    /// The presets' explanations arrived (or could not be read).
    ExplanationsLoaded(Result<Rc<presets::Explanations>, String>),
    /// A file of texts arrived and is kept (the Korean texts, `i18n::load_korean`; the
    /// settings' help, `params::load_help`), or could not be read.
    TextsLoaded(Result<(), String>),
    LessonLoaded(Result<Rc<Lesson>, String>),
    /// Go to step `k` of the open lesson (`steps.len()` is the task).
    LessonStep(usize),
    Hint,
    /// Applies the task's solution as recorded edits and plays.
    ShowMe,
    /// Applies the recorded edits of the task's button `.0` (and plays).
    TaskAction(usize),
    /// Question `.0` answered with choice `.1`.
    Answer(usize, usize),
    /// A click that asks for nothing.
    Noop,
}

/// The course as the page shows it: the map, the lesson open, where the learner is in it.
#[derive(Clone, Default)]
pub struct Learn {
    pub map: Option<Rc<CourseMap>>,
    /// The lesson asked for (by a click or a link); `lesson` once its file has arrived.
    pub lesson_id: Option<String>,
    pub lesson: Option<Rc<Lesson>>,
    /// The step shown; `steps.len()` is the task.
    pub step: usize,
    pub hints_shown: usize,
    /// Answers chosen in this lesson: (question, choice).
    pub answers: Vec<(usize, usize)>,
    pub progress: Progress,
    /// A file that could not be read or used, named with its member.
    pub error: Option<String>,
    /// The free lab's run, kept while lessons replace the run on screen.
    pub saved_lab: Option<Rc<RefCell<Lab>>>,
}

impl Learn {
    /// The course as the learner left it: progress read from storage.
    pub fn open() -> Learn {
        let progress = crate::browser::storage_get(course::PROGRESS_KEY)
            .map(|t| Progress::from_json(&t))
            .unwrap_or_default();
        Learn {
            progress,
            ..Learn::default()
        }
    }

    pub fn at_task(&self) -> bool {
        self.lesson
            .as_ref()
            .is_some_and(|l| l.task.is_some() && self.step >= l.steps.len())
    }

    fn save_progress(&self) {
        crate::browser::storage_set(course::PROGRESS_KEY, &self.progress.to_json());
    }
}

#[derive(Clone)]
pub struct AppState {
    /// Shared, not cloned per frame: a run is large and only the reducer mutates it.
    pub lab: Rc<RefCell<Lab>>,
    /// A second run on the same clock, shown beside the first.
    pub compare: Option<Rc<RefCell<Lab>>>,
    pub playing: bool,
    pub fast_forward: bool,
    pub speed_index: usize,
    pub lang: Lang,
    pub theme: Theme,
    pub help: bool,
    /// Bumped every frame: the canvas redraws.
    pub frame: u64,
    /// Bumped at most every [`PANEL_REFRESH_MS`]: the DOM panels re-render.
    pub panels: u64,
    panel_ms: f64,
    pub selected: Option<Selection>,
    pub banner: Option<Banner>,
    pub notice: Option<&'static str>,
    /// Refusals shown next to their form fields, by field id.
    pub field_errors: BTreeMap<String, String>,
    /// Virtual ms per fast-forward chunk, tuned as it runs.
    fast_forward_chunk_ms: Rc<std::cell::Cell<u64>>,
    /// The course, while the learner is in it (None: the free lab).
    pub learn: Option<Learn>,
    /// The presets' explanations, fetched when the page opens (`texts/presets.json`); an
    /// error says which file or member is wrong.
    pub explanations: Option<Result<Rc<presets::Explanations>, String>>,
}

impl AppState {
    pub fn new(lab: Lab, lang: Lang) -> AppState {
        AppState {
            lab: Rc::new(RefCell::new(lab)),
            compare: None,
            playing: false,
            fast_forward: false,
            speed_index: SPEED_DEFAULT_INDEX,
            lang,
            theme: Theme::System,
            help: false,
            frame: 0,
            panels: 0,
            panel_ms: 0.0,
            selected: None,
            banner: None,
            notice: None,
            field_errors: BTreeMap::new(),
            fast_forward_chunk_ms: Rc::new(std::cell::Cell::new(1_000)),
            learn: None,
            explanations: None,
        }
    }

    /// A lesson's task whose checkpoint has been met marks the lesson done (once).
    fn note_progress(&mut self) {
        let met = self.lab.borrow().watch().is_some_and(|w| w.ever_met);
        let Some(learn) = self.learn.as_mut() else {
            return;
        };
        let Some(lesson) = learn.lesson.clone() else {
            return;
        };
        if met && learn.at_task() && learn.progress.mark_done(&lesson.id) {
            learn.save_progress();
        }
    }

    /// Shows step `k` of the open lesson: its run, rebuilt from the lesson's setup (the same
    /// every time), paused, with what the step points at selected.
    fn lesson_step(&self, k: usize) -> AppState {
        let mut s = self.changed();
        let Some(learn) = s.learn.as_mut() else {
            return s;
        };
        let Some(lesson) = learn.lesson.clone() else {
            return s;
        };
        let k = k.min(lesson.steps.len() - usize::from(lesson.task.is_none()));
        learn.hints_shown = 0;
        match course::lab_at_step(&lesson, k) {
            Ok(mut lab) => {
                let at_task = k >= lesson.steps.len();
                if at_task {
                    if let Some(task) = &lesson.task {
                        lab.set_watch(Some(task.checkpoint.clone()));
                    }
                }
                let highlight = lesson.steps.get(k).and_then(|st| st.highlight.clone());
                learn.step = k;
                learn.error = None;
                // A lesson with nothing to do is done when its last step is read.
                if lesson.task.is_none()
                    && k + 1 == lesson.steps.len()
                    && learn.progress.mark_done(&lesson.id)
                {
                    learn.save_progress();
                }
                let mut s = s.load(lab);
                s.selected = highlight.and_then(|h| highlight_hit(&s.lab.borrow(), &h));
                s
            }
            Err((_, e)) if sim::needs_full_page(&e) => {
                crate::browser::open_full_page(&format!("#learn/{}", lesson.id));
                s
            }
            Err((member, e)) => {
                learn.error = Some(format!("lessons/{}.json: {member}: {e}", lesson.id));
                s
            }
        }
    }

    /// The default preset, paused at time zero.
    pub fn default_lab() -> Lab {
        let json = presets::json(PRESET_DEFAULT).expect("the default preset is compiled in");
        Lab::from_json(&json, Some(PRESET_DEFAULT.to_string())).expect("presets are valid")
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed_index]
    }

    /// The moment a lesson points at, virtual ms, for the charts' marker: the step's `play_to`,
    /// or during the task the instant its checkpoint began watching.
    pub fn lesson_moment_ms(&self) -> Option<u64> {
        let learn = self.learn.as_ref()?;
        let lesson = learn.lesson.as_ref()?;
        match lesson.steps.get(learn.step) {
            Some(step) => step.play_to.map(|s| (s * 1000.0).round() as u64),
            None => self.lab.borrow().watch().map(|w| w.since_ms),
        }
    }

    /// The language the page is drawn in: the one chosen, except Korean before its texts
    /// (`texts/ko.json`) have arrived, which shows as English. Everything drawn takes this,
    /// so the arrival of the texts changes every component's props and redraws it in Korean.
    pub fn shown_lang(&self) -> Lang {
        match self.lang {
            Lang::Ko if !mqlab_appcore::i18n::korean_loaded() => Lang::En,
            l => l,
        }
    }

    /// The runs on screen, main first.
    pub fn labs(&self) -> Vec<Rc<RefCell<Lab>>> {
        std::iter::once(self.lab.clone())
            .chain(self.compare.clone())
            .collect()
    }

    /// The banner for a run (or the compared run) stopped at its memory budget.
    fn memory_banner(&self) -> Option<Banner> {
        let labs = std::iter::once(&self.lab).chain(self.compare.as_ref());
        let stop = labs.filter_map(|l| l.borrow().memory_stop.clone()).next()?;
        let mb = |b: u64| format!("{}", b.div_ceil(1024 * 1024));
        let detail = tf(
            self.shown_lang(),
            "error.memory_detail",
            &[
                ("t", &crate::format::format_clock(stop.at_ms)),
                ("held", &mb(stop.held_bytes)),
                ("limit", &mb(stop.limit_bytes)),
                ("snapshots", &mb(stop.snapshot_bytes)),
                ("budget", &mb(stop.budget_bytes)),
                ("messages", &stop.messages.to_string()),
                ("records", &stop.records.to_string()),
            ],
        );
        Some(Banner {
            title_key: "error.memory",
            detail,
        })
    }

    fn changed(&self) -> AppState {
        let mut s = self.clone();
        s.frame += 1;
        s.panels += 1;
        s.panel_ms = 0.0;
        s
    }

    fn set_transients(&self) {
        let speed = if self.fast_forward {
            SPEEDS[SPEEDS.len() - 1] * 10.0
        } else {
            self.speed()
        };
        let ms = (TRANSIENT_REAL_MS * speed).max(200.0) as u64;
        for lab in self.labs() {
            lab.borrow_mut().vm.set_transient_ms(ms);
        }
    }

    /// Runs the compared run to the main run's clock.
    fn align_compare(&self) {
        if let Some(c) = &self.compare {
            let t = self.lab.borrow().now();
            c.borrow_mut().seek(t);
        }
    }

    fn load(&self, lab: Lab) -> AppState {
        let mut s = self.changed();
        s.compare = None;
        s.lab = Rc::new(RefCell::new(lab));
        s.playing = false;
        s.fast_forward = false;
        s.selected = None;
        s.field_errors.clear();
        s.set_transients();
        s
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Play if !self.playing => {
                let mut s = self.changed();
                s.playing = true;
                Rc::new(s)
            }
            Action::Pause if self.playing => {
                let mut s = self.changed();
                s.playing = false;
                s.fast_forward = false;
                s.set_transients();
                Rc::new(s)
            }
            Action::TogglePlay => {
                let next = if self.playing {
                    Action::Pause
                } else {
                    Action::Play
                };
                self.reduce(next)
            }
            Action::Frame { real_ms } if self.playing => {
                // Two runs side by side share the page's memory budget.
                let budget = MEMORY_BUDGET_BYTES / if self.compare.is_some() { 2 } else { 1 };
                for lab in std::iter::once(&self.lab).chain(self.compare.as_ref()) {
                    lab.borrow_mut().set_memory_budget(budget);
                }
                if self.fast_forward {
                    // As fast as this machine goes: chunks of virtual time sized so one
                    // takes a fraction of the frame's budget.
                    let start = now_ms();
                    let mut chunk = self.fast_forward_chunk_ms.get();
                    let stopped = || {
                        std::iter::once(&self.lab)
                            .chain(self.compare.as_ref())
                            .any(|l| l.borrow().memory_stop.is_some())
                    };
                    while now_ms() - start < FAST_FORWARD_BUDGET_MS && !stopped() {
                        let before = now_ms();
                        let t = self.lab.borrow().now() + chunk;
                        self.lab.borrow_mut().run_to(t);
                        self.align_compare();
                        chunk = if now_ms() - before > FAST_FORWARD_BUDGET_MS / 3.0 {
                            (chunk / 2).max(100)
                        } else {
                            (chunk * 2).min(3_600_000)
                        };
                    }
                    self.fast_forward_chunk_ms.set(chunk);
                } else {
                    self.lab.borrow_mut().frame(real_ms, self.speed());
                    self.align_compare();
                }
                let mut s = (*self).clone();
                // A change or a seek back let the run go on: its memory banner is stale.
                if s.banner
                    .as_ref()
                    .is_some_and(|b| b.title_key == "error.memory")
                {
                    s.banner = None;
                }
                if let Some(banner) = s.memory_banner() {
                    // Paused, not frozen: the run, its edits and the autosave are kept, and
                    // the banner says what to change.
                    s.playing = false;
                    s.fast_forward = false;
                    s.banner = Some(banner);
                    s.set_transients();
                    s.panels += 1;
                }
                s.note_progress();
                s.frame += 1;
                s.panel_ms += real_ms;
                if s.panel_ms >= PANEL_REFRESH_MS {
                    s.panels += 1;
                    s.panel_ms = 0.0;
                }
                Rc::new(s)
            }
            Action::Step => {
                self.lab.borrow_mut().step();
                self.align_compare();
                let mut s = self.changed();
                s.playing = false;
                Rc::new(s)
            }
            Action::Faster | Action::Slower | Action::SetSpeed(_) => {
                let i = match action {
                    Action::Faster => (self.speed_index + 1).min(SPEEDS.len() - 1),
                    Action::Slower => self.speed_index.saturating_sub(1),
                    Action::SetSpeed(i) => i.min(SPEEDS.len() - 1),
                    _ => unreachable!(),
                };
                let mut s = self.changed();
                s.speed_index = i;
                s.fast_forward = false;
                s.set_transients();
                Rc::new(s)
            }
            Action::ToggleFastForward => {
                let mut s = self.changed();
                s.fast_forward = !s.fast_forward;
                if s.fast_forward {
                    s.playing = true;
                }
                s.set_transients();
                Rc::new(s)
            }
            Action::Seek(t) => {
                self.lab.borrow_mut().seek(t);
                self.align_compare();
                Rc::new(self.changed())
            }
            Action::Restart { new_seed } => {
                let seed = new_seed.then(|| {
                    // A new seed from the old one, so "new seed" twice gives a third run.
                    let old = self.lab.borrow().scenario.seed;
                    old.wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407)
                        >> 16
                });
                let restarted = self.lab.borrow().restart(seed);
                let compare = self.compare.as_ref().map(|c| c.borrow().restart(seed));
                match restarted {
                    Ok(lab) => {
                        let mut s = self.load(lab);
                        if let Some(Ok(c)) = compare {
                            s.compare = Some(Rc::new(RefCell::new(c)));
                        }
                        s.set_transients();
                        Rc::new(s)
                    }
                    Err(e) => self.reduce(Action::ShowError(Banner {
                        title_key: "error.engine",
                        detail: e,
                    })),
                }
            }
            Action::LoadPreset(id) => {
                // The picker fetches the scenario before it asks (see `fetch_presets`).
                let Some(json) = presets::json(&id) else {
                    return self;
                };
                match Lab::from_json(&json, Some(id)) {
                    Ok(lab) => Rc::new(self.load(lab)),
                    Err(e) if sim::needs_full_page(&e) => {
                        crate::browser::hand_off_to_full_page(&json);
                        self
                    }
                    Err(e) => self.reduce(Action::ShowError(Banner {
                        title_key: "error.engine",
                        detail: e,
                    })),
                }
            }
            Action::Load { lab, notice } => {
                let mut s = self.load(*lab);
                s.notice = notice;
                Rc::new(s)
            }
            Action::ShowError(b) => {
                let mut s = self.changed();
                s.banner = Some(b);
                Rc::new(s)
            }
            Action::DismissBanner => {
                let mut s = self.changed();
                s.banner = None;
                Rc::new(s)
            }
            Action::DismissNotice => {
                let mut s = self.changed();
                s.notice = None;
                Rc::new(s)
            }
            Action::Notice(key) => {
                let mut s = self.changed();
                s.notice = Some(key);
                Rc::new(s)
            }
            Action::SetLang(lang) => {
                let mut s = self.changed();
                s.lang = lang;
                Rc::new(s)
            }
            Action::SetTheme(theme) => {
                let mut s = self.changed();
                s.theme = theme;
                Rc::new(s)
            }
            Action::ToggleHelp => {
                let mut s = self.changed();
                s.help = !s.help;
                Rc::new(s)
            }
            Action::CloseHelp if self.help => {
                let mut s = self.changed();
                s.help = false;
                Rc::new(s)
            }
            Action::Select(sel) => {
                let mut s = self.changed();
                s.selected = sel;
                Rc::new(s)
            }
            Action::Edit { side, field, edit } => {
                let lab = if side == 1 {
                    self.compare.clone().unwrap_or_else(|| self.lab.clone())
                } else {
                    self.lab.clone()
                };
                let result = lab.borrow_mut().edit(*edit);
                let mut s = self.changed();
                match result {
                    Ok(()) => s.field_errors.remove(&field),
                    Err(e) => s.field_errors.insert(field, e),
                };
                s.note_progress();
                Rc::new(s)
            }
            Action::FieldError { field, message } => {
                let mut s = self.changed();
                match message {
                    Some(m) => s.field_errors.insert(field, m),
                    None => s.field_errors.remove(&field),
                };
                Rc::new(s)
            }
            Action::ToggleCompare => {
                let mut s = self.changed();
                if s.compare.is_some() {
                    s.compare = None;
                    return Rc::new(s);
                }
                let other = self
                    .lab
                    .borrow()
                    .preset
                    .as_deref()
                    .and_then(presets::compare_with);
                let lab = match other {
                    Some(id) => match presets::json(id) {
                        Some(json) => Lab::from_json(&json, Some(id.to_string())),
                        None => Err(format!("{} is not loaded", presets::file(id))),
                    },
                    // No natural partner: the same scenario with another seed.
                    None => self
                        .lab
                        .borrow()
                        .restart(Some(self.lab.borrow().scenario.seed + 1)),
                };
                match lab {
                    Ok(lab) => {
                        s.compare = Some(Rc::new(RefCell::new(lab)));
                        s.align_compare();
                        s.set_transients();
                        Rc::new(s)
                    }
                    Err(e) => self.reduce(Action::ShowError(Banner {
                        title_key: "error.engine",
                        detail: e,
                    })),
                }
            }
            Action::ArrowRight | Action::ArrowLeft => {
                let next = matches!(action, Action::ArrowRight);
                let step = self
                    .learn
                    .as_ref()
                    .filter(|l| l.lesson.is_some())
                    .map(|l| l.step);
                match step {
                    Some(k) if next => self.reduce(Action::LessonStep(k + 1)),
                    Some(k) => self.reduce(Action::LessonStep(k.saturating_sub(1))),
                    None if next => self.reduce(Action::Step),
                    None => self,
                }
            }
            Action::OpenLearn(id) => {
                let mut s = self.changed();
                let mut learn = s.learn.take().unwrap_or_else(Learn::open);
                if learn.saved_lab.is_none() {
                    learn.saved_lab = Some(self.lab.clone());
                }
                learn.error = None;
                learn.lesson_id = id;
                if learn.lesson.as_ref().map(|l| &l.id) != learn.lesson_id.as_ref() {
                    learn.lesson = None;
                    learn.step = 0;
                    learn.answers.clear();
                }
                s.learn = Some(learn);
                s.playing = false;
                s.fast_forward = false;
                Rc::new(s)
            }
            Action::CloseLearn => {
                let mut s = self.changed();
                if let Some(saved) = s.learn.take().and_then(|l| l.saved_lab) {
                    s.lab = saved;
                    s.compare = None;
                    s.selected = None;
                    s.playing = false;
                    s.fast_forward = false;
                    s.set_transients();
                }
                Rc::new(s)
            }
            Action::TextsLoaded(result) => {
                // The page re-renders with them (in Korean, see `shown_lang`; with the help);
                // without them it goes on in English, without the help.
                let mut s = self.changed();
                if let Err(detail) = result {
                    s.banner = Some(Banner {
                        title_key: "error.texts",
                        detail,
                    });
                }
                Rc::new(s)
            }
            Action::ExplanationsLoaded(result) => {
                let mut s = self.changed();
                s.explanations = Some(result);
                Rc::new(s)
            }
            Action::CourseLoaded(result) => {
                let mut s = self.changed();
                if let Some(learn) = s.learn.as_mut() {
                    match result {
                        Ok(map) => learn.map = Some(map),
                        Err(e) => learn.error = Some(e),
                    }
                }
                Rc::new(s)
            }
            Action::LessonLoaded(result) => {
                let mut s = self.changed();
                let Some(learn) = s.learn.as_mut() else {
                    return Rc::new(s);
                };
                match result {
                    Ok(lesson) if learn.lesson_id.as_ref() == Some(&lesson.id) => {
                        learn.lesson = Some(lesson);
                        learn.answers.clear();
                        return Rc::new(s).reduce(Action::LessonStep(0));
                    }
                    Ok(_) => {}
                    Err(e) => learn.error = Some(e),
                }
                Rc::new(s)
            }
            Action::LessonStep(k) => Rc::new(self.lesson_step(k)),
            Action::Hint => {
                let mut s = self.changed();
                if let Some(learn) = s.learn.as_mut() {
                    let hints = learn
                        .lesson
                        .as_ref()
                        .and_then(|l| l.task.as_ref())
                        .map_or(0, |t| t.hints.len());
                    learn.hints_shown = (learn.hints_shown + 1).min(hints);
                }
                Rc::new(s)
            }
            Action::ShowMe | Action::TaskAction(_) => {
                let solution = self
                    .learn
                    .as_ref()
                    .filter(|l| l.at_task())
                    .and_then(|l| l.lesson.as_ref())
                    .and_then(|l| l.task.as_ref())
                    .and_then(|t| match action {
                        Action::TaskAction(i) => t.actions.get(i).map(|a| a.edits.clone()),
                        _ => Some(t.solution.clone()),
                    });
                let Some(solution) = solution else {
                    return self;
                };
                let mut s = self.changed();
                for edit in solution {
                    if let Err(e) = s.lab.borrow_mut().edit(edit) {
                        s.banner = Some(Banner {
                            title_key: "error.engine",
                            detail: e,
                        });
                    }
                }
                s.playing = true;
                Rc::new(s)
            }
            Action::Answer(q, choice) => {
                let mut s = self.changed();
                if let Some(learn) = s.learn.as_mut() {
                    learn.answers.retain(|&(i, _)| i != q);
                    learn.answers.push((q, choice));
                    let lesson = learn.lesson.clone();
                    let right = lesson
                        .as_ref()
                        .and_then(|l| l.questions.get(q))
                        .is_some_and(|x| x.answer == choice);
                    if let (true, Some(l)) = (right, lesson) {
                        learn.progress.mark_answered(&l.id, q);
                        learn.save_progress();
                    }
                }
                Rc::new(s)
            }
            // Nothing changed: returning the same Rc means no re-render.
            _ => self,
        }
    }
}

/// What a step's highlight selects on the diagram (the charts follow the selection).
fn highlight_hit(lab: &Lab, h: &course::Highlight) -> Option<Selection> {
    let vm = &lab.vm;
    let name = h
        .queue
        .as_ref()
        .or(h.topic.as_ref())
        .or(h.stream.as_ref())
        .or(h.charts.as_ref())?;
    let queue = || vm.queue_by_name(name).map(|(i, _)| Hit::Queue(i));
    let topic = || {
        vm.sns
            .topics
            .iter()
            .position(|t| &t.name == name)
            .map(|i| Hit::Topic(i as u16))
    };
    let stream = || {
        vm.kinesis
            .streams
            .iter()
            .position(|t| &t.name == name)
            .map(|i| Hit::Stream(i as u16))
    };
    let hit = if h.queue.is_some() {
        queue()
    } else if h.topic.is_some() {
        topic()
    } else if h.stream.is_some() {
        stream()
    } else {
        queue().or_else(topic).or_else(stream)
    };
    hit.map(|h| (0, h))
}
