//! The course on the page: the map of chapters and lessons (with what is done), and the panel
//! of the lesson open — its step text, Back / Next, the task with its live checkpoint, hints
//! one at a time, "Show me", and the chapter's questions. The lesson's run is the run on
//! screen: the diagram, toolbar and settings are the free lab's own.
//!
//! Both are written as HTML text (every lesson text escaped) with one click handler on the
//! container that reads the clicked button's `data-act`: a tree of `html!` elements with a
//! callback per button cost the wasm bundle about three times as much code.

use crate::lab::{Edit, Lab};
use crate::state::{Action, Learn};
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::presets;
use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

pub struct LearnProps<'a> {
    pub lang: Lang,
    pub learn: &'a Learn,
    pub lab: &'a Rc<RefCell<Lab>>,
    pub dispatch: Callback<Action>,
}

/// Text made safe to put in HTML (an element's content or a quoted attribute).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A button that the container's click handler turns into an action (see [`on_click`]).
fn button(
    out: &mut String,
    act: &str,
    arg: &str,
    testid: &str,
    class: &str,
    label: &str,
    disabled: bool,
) {
    let _ = write!(
        out,
        r#"<button type="button" class="{class}" data-act="{act}" data-arg="{}" data-testid="{testid}"{}>{}</button>"#,
        esc(arg),
        if disabled { " disabled" } else { "" },
        esc(label)
    );
}

/// One click handler for a whole panel: the closest `[data-act]` says what to do.
fn on_click(dispatch: &Callback<Action>) -> Callback<MouseEvent> {
    dispatch.reform(|e: MouseEvent| {
        let el = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-act]").ok().flatten());
        let Some(el) = el else {
            return Action::Noop;
        };
        let act = el.get_attribute("data-act").unwrap_or_default();
        let arg = el.get_attribute("data-arg").unwrap_or_default();
        let n = |i: usize| {
            arg.split('/')
                .nth(i)
                .and_then(|x| x.parse::<usize>().ok())
                .unwrap_or(0)
        };
        match act.as_str() {
            "open" => Action::OpenLearn(Some(arg.clone())),
            "map" => Action::OpenLearn(None),
            "close" => Action::CloseLearn,
            "step" => Action::LessonStep(n(0)),
            "hint" => Action::Hint,
            "show" => Action::ShowMe,
            "task-action" => Action::TaskAction(n(0)),
            "answer" => Action::Answer(n(0), n(1)),
            // A call the lesson's preset offers (Redrive, UpdateShardCount): "<preset>/<i>".
            "call" => {
                let (preset, _) = arg.split_once('/').unwrap_or_default();
                match presets::actions(preset).get(n(1)) {
                    Some(a) => Action::Edit {
                        side: 0,
                        field: "action".into(),
                        edit: Box::new(Edit::Call {
                            op: a.op.to_string(),
                            params: serde_json::from_str(a.params_json).unwrap_or_default(),
                        }),
                    },
                    None => Action::Noop,
                }
            }
            _ => Action::Noop,
        }
    })
}

fn raw(html: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(html))
}

/// The course map (a plain function, not a component: see `presets::preset_panel`).
pub fn course_map(props: &LearnProps) -> Html {
    let lang = props.lang;
    let learn = props.learn;
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<div class="course-head"><h2>{}</h2>"#,
        esc(t(lang, "learn.map"))
    );
    button(
        &mut h,
        "close",
        "",
        "learn-close",
        "link",
        t(lang, "learn.back_to_lab"),
        false,
    );
    h.push_str("</div>");
    if let Some(e) = &learn.error {
        let _ = write!(
            h,
            r#"<p class="banner error" role="alert" data-testid="learn-error">{}</p>"#,
            esc(e)
        );
    }
    match &learn.map {
        None => {
            let _ = write!(
                h,
                r#"<p data-testid="learn-loading">{}</p>"#,
                esc(t(lang, "learn.loading"))
            );
        }
        Some(map) => {
            h.push_str(r#"<ol class="chapters">"#);
            for c in &map.chapters {
                let _ = write!(
                    h,
                    r#"<li class="chapter{}"><h3>{}"#,
                    if c.coming { " coming" } else { "" },
                    esc(c.title.get(lang))
                );
                if c.coming {
                    let _ = write!(
                        h,
                        r#" <span class="tag">{}</span>"#,
                        esc(t(lang, "learn.coming"))
                    );
                }
                h.push_str(r#"</h3><ul class="lessons">"#);
                for l in &c.lessons {
                    h.push_str("<li>");
                    button(
                        &mut h,
                        "open",
                        &l.id,
                        &format!("lesson-{}", l.id),
                        "link",
                        l.title.get(lang),
                        false,
                    );
                    if learn.progress.is_done(&l.id) {
                        let _ = write!(
                            h,
                            r#" <span class="done" data-testid="done-{}" title="{}">✓</span>"#,
                            esc(&l.id),
                            esc(t(lang, "learn.done"))
                        );
                    }
                    h.push_str("</li>");
                }
                h.push_str("</ul></li>");
            }
            h.push_str("</ol>");
        }
    }
    html! {
        <section class="panel course-map" data-testid="course-map" aria-label={t(lang, "learn.map")} onclick={on_click(&props.dispatch)}>
            { raw(h) }
        </section>
    }
}

/// The open lesson, in the side panel beside its run.
pub fn lesson_panel(props: &LearnProps) -> Html {
    let lang = props.lang;
    let learn = props.learn;
    let mut h = String::new();
    button(
        &mut h,
        "map",
        "",
        "lesson-map",
        "link",
        &format!("← {}", t(lang, "learn.map")),
        false,
    );
    if let Some(e) = &learn.error {
        let _ = write!(
            h,
            r#"<p class="banner error" role="alert" data-testid="learn-error">{}</p>"#,
            esc(e)
        );
    }
    let (id, step) = match learn.lesson.as_ref() {
        None => {
            if learn.error.is_none() {
                let _ = write!(
                    h,
                    r#"<p data-testid="learn-loading">{}</p>"#,
                    esc(t(lang, "learn.loading"))
                );
            }
            (String::new(), 0)
        }
        Some(lesson) => {
            lesson_body(&mut h, props);
            (lesson.id.clone(), learn.step)
        }
    };
    html! {
        <section class="panel lesson" data-testid="lesson-panel" data-lesson={id} data-step={step.to_string()} onclick={on_click(&props.dispatch)}>
            { raw(h) }
        </section>
    }
}

fn lesson_body(h: &mut String, props: &LearnProps) {
    let lang = props.lang;
    let learn = props.learn;
    let Some(lesson) = learn.lesson.as_ref() else {
        return;
    };
    let n = lesson.steps.len();
    let total = n + usize::from(lesson.task.is_some());
    let k = learn.step;
    let _ = write!(
        h,
        r#"<h2 data-testid="lesson-title">{}</h2><p class="muted" data-testid="lesson-progress">{} · {}</p>"#,
        esc(lesson.title.get(lang)),
        esc(&tf(
            lang,
            "learn.step_of",
            &[("n", &(k + 1).to_string()), ("total", &total.to_string())]
        )),
        esc(t(lang, "learn.keys"))
    );
    if let Some(step) = lesson.steps.get(k) {
        let _ = write!(
            h,
            r#"<p class="step-text" data-testid="lesson-step-text">{}</p>"#,
            esc(step.text.get(lang))
        );
        if let Some(hl) = &step.highlight {
            // The name as the diagram shows it (a shard after its stream).
            let name = [&hl.queue, &hl.topic, &hl.stream, &hl.charts, &hl.shard]
                .iter()
                .filter_map(|x| x.as_deref())
                .collect::<Vec<_>>()
                .join(" / ");
            let _ = write!(
                h,
                r#"<p class="look-at" data-testid="lesson-highlight">{}</p>"#,
                esc(&tf(lang, "learn.look_at", &[("name", &name)]))
            );
        }
        // A lesson without a task ends with its questions on its last step.
        if lesson.task.is_none() && k + 1 == n {
            questions(h, props);
        }
    } else {
        task_body(h, props);
    }
    // The calls the run's preset offers (the free lab shows them under its preset list).
    let preset = props.lab.borrow().preset.clone().unwrap_or_default();
    let actions = presets::actions(&preset);
    if !actions.is_empty() {
        h.push_str(r#"<div class="actions">"#);
        for (i, a) in actions.iter().enumerate() {
            button(
                h,
                "call",
                &format!("{preset}/{i}"),
                &format!("action-{}", a.op),
                "",
                t(lang, a.label_key),
                false,
            );
        }
        h.push_str("</div>");
    }
    h.push_str(r#"<div class="actions step-nav">"#);
    button(
        h,
        "step",
        &k.saturating_sub(1).to_string(),
        "lesson-back",
        "",
        &format!("← {}", t(lang, "learn.back")),
        k == 0,
    );
    if k + 1 < total {
        button(
            h,
            "step",
            &(k + 1).to_string(),
            "lesson-next",
            "primary",
            &format!("{} →", t(lang, "learn.next")),
            false,
        );
    }
    h.push_str("</div>");
}

fn task_body(h: &mut String, props: &LearnProps) {
    let lang = props.lang;
    let learn = props.learn;
    let Some(lesson) = learn.lesson.as_ref() else {
        return;
    };
    let Some(task) = lesson.task.as_ref() else {
        return;
    };
    let lab = props.lab.borrow();
    let status = lab
        .watch()
        .map(|w| (w.status(lab.world(), lang), w.ever_met));
    let passed = status.as_ref().is_some_and(|(_, ever)| *ever);
    let _ = write!(
        h,
        r#"<div class="task" data-testid="task-panel"><h3>{}</h3><p class="step-text" data-testid="task-text">{}</p>"#,
        esc(t(lang, "learn.task")),
        esc(task.text.get(lang))
    );
    let _ = write!(
        h,
        r#"<div class="checkpoint{}" data-testid="checkpoint" data-met="{passed}" aria-live="polite"><strong>{}</strong><ul>"#,
        if passed { " passed" } else { "" },
        esc(t(
            lang,
            if passed {
                "learn.passed"
            } else {
                "learn.not_yet"
            }
        ))
    );
    for p in status.iter().flat_map(|(s, _)| &s.parts) {
        let _ = write!(
            h,
            r#"<li class="{}"><span aria-hidden="true">{}</span>{}</li>"#,
            if p.met { "met" } else { "unmet" },
            if p.met { "✓ " } else { "✗ " },
            esc(&p.text)
        );
    }
    h.push_str(r#"</ul></div><ol class="hints">"#);
    for (i, hint) in task.hints.iter().take(learn.hints_shown).enumerate() {
        let _ = write!(
            h,
            r#"<li data-testid="hint-{i}">{}</li>"#,
            esc(hint.get(lang))
        );
    }
    h.push_str("</ol>");
    // The task's own buttons (a reshard, a producer's keys): tools the page has no control for.
    if !task.actions.is_empty() {
        h.push_str(r#"<div class="actions task-actions">"#);
        for (i, a) in task.actions.iter().enumerate() {
            button(
                h,
                "task-action",
                &i.to_string(),
                &format!("task-action-{i}"),
                "",
                a.label.get(lang),
                false,
            );
        }
        h.push_str("</div>");
    }
    h.push_str(r#"<div class="actions">"#);
    button(
        h,
        "hint",
        "",
        "hint",
        "",
        t(lang, "learn.hint"),
        learn.hints_shown >= task.hints.len(),
    );
    button(
        h,
        "show",
        "",
        "show-me",
        "",
        t(lang, "learn.show_me"),
        false,
    );
    h.push_str("</div>");
    questions(h, props);
    h.push_str("</div>");
}

fn questions(h: &mut String, props: &LearnProps) {
    let lang = props.lang;
    let learn = props.learn;
    let Some(lesson) = learn.lesson.as_ref() else {
        return;
    };
    if !lesson.questions.is_empty() {
        let _ = write!(
            h,
            r#"<div class="questions" data-testid="questions"><h3>{}</h3>"#,
            esc(t(lang, "learn.questions"))
        );
        for (qi, q) in lesson.questions.iter().enumerate() {
            let chosen = learn
                .answers
                .iter()
                .find(|(i, _)| *i == qi)
                .map(|&(_, c)| c);
            let _ = write!(
                h,
                r#"<fieldset class="question" data-testid="question-{qi}"><legend>{}</legend>"#,
                esc(q.question.get(lang))
            );
            for (ci, c) in q.choices.iter().enumerate() {
                let class = match chosen {
                    Some(x) if x == ci && ci == q.answer => "choice right",
                    Some(x) if x == ci => "choice wrong",
                    _ => "choice",
                };
                button(
                    h,
                    "answer",
                    &format!("{qi}/{ci}"),
                    &format!("choice-{qi}-{ci}"),
                    class,
                    c.get(lang),
                    false,
                );
            }
            if let Some(x) = chosen {
                let right = x == q.answer;
                let _ = write!(
                    h,
                    r#"<p class="explanation" data-testid="explanation-{qi}" data-right="{right}"><strong>{}</strong> {} "#,
                    esc(t(lang, if right { "learn.right" } else { "learn.wrong" })),
                    esc(q.explanation.get(lang))
                );
                if q.lesson != lesson.id {
                    button(
                        h,
                        "open",
                        &q.lesson,
                        &format!("see-{qi}"),
                        "link",
                        t(lang, "learn.see_lesson"),
                        false,
                    );
                }
                h.push_str("</p>");
            }
            h.push_str("</fieldset>");
        }
        h.push_str("</div>");
    }
}
