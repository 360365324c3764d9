//! Every lesson of the course (`lessons/*.json`): it parses and validates (texts in both
//! languages, highlights that name something in the run, a checkpoint that names what
//! exists); its checkpoint is NOT met when the learner does nothing, and IS met once the
//! solution is applied and the run plays on. Then the checkpoint language itself.

use mqlab_appcore::course::check::{Check, Watch};
use mqlab_appcore::course::{
    lab_at_step, lesson_of_fragment, parse_course, parse_lesson, validate, CourseMap, Lesson,
    Progress,
};
use mqlab_appcore::i18n::Lang;
use mqlab_appcore::lab::Lab;
use serde_json::json;
use std::path::{Path, PathBuf};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons")
}

fn course() -> CourseMap {
    let text = std::fs::read_to_string(lessons_dir().join("course.json")).unwrap();
    parse_course("lessons/course.json", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Every lesson file, read as the page reads it.
fn lessons() -> Vec<Lesson> {
    let mut out = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(lessons_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| !p.ends_with("course.json"))
        .collect();
    paths.sort();
    for p in paths {
        let file = format!("lessons/{}", p.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&p).unwrap();
        out.push(parse_lesson(&file, &text).unwrap_or_else(|e| panic!("{e}")));
    }
    out
}

#[test]
fn the_course_map_lists_every_lesson_file_once_and_titles_agree() {
    let map = course();
    let lessons = lessons();
    assert!(lessons.len() >= 8, "only {} lessons", lessons.len());
    let listed: Vec<&str> = map.lesson_ids().collect();
    for l in &lessons {
        assert!(
            listed.contains(&l.id.as_str()),
            "{} is not in course.json",
            l.id
        );
        let chapter = map.chapter_of(&l.id).unwrap();
        assert_eq!(chapter.id, l.chapter, "{}: chapter", l.id);
        let r = chapter.lessons.iter().find(|r| r.id == l.id).unwrap();
        assert_eq!(r.title, l.title, "{}: the map's title differs", l.id);
    }
    for id in listed {
        assert!(
            lessons.iter().any(|l| l.id == id),
            "course.json lists {id}, which has no file"
        );
    }
    // A chapter still to come lists no lessons.
    for c in map.chapters.iter().filter(|c| c.coming) {
        assert!(c.lessons.is_empty(), "{} is coming but lists lessons", c.id);
    }
}

/// Whether this build runs `l`: a lesson of a service only the full page links (CloudWatch
/// alarms, Lambda) is handed to the full page by the first download. Built without the
/// `full` feature, these tests check that hand-over; `scripts/test.sh` runs them again with
/// `--features full`, where every lesson runs and is checked.
fn runs_here(l: &Lesson) -> bool {
    !matches!(lab_at_step(l, 0), Err((_, e)) if mqlab_appcore::sim::needs_full_page(&e))
}

/// The lessons this build runs (see [`runs_here`]).
fn runnable() -> Vec<Lesson> {
    lessons().into_iter().filter(runs_here).collect()
}

#[test]
fn lessons_of_services_beyond_the_first_download_are_handed_to_the_full_page() {
    let handed: Vec<String> = lessons()
        .into_iter()
        .filter(|l| !runs_here(l))
        .map(|l| l.id)
        .collect();
    if mqlab_appcore::sim::FULL_PAGE {
        assert!(
            handed.is_empty(),
            "the full page runs every lesson: {handed:?}"
        );
    } else {
        // CloudWatch alarms, Lambda, Auto Scaling, Firehose, Flink, Kinesis Video Streams and Amazon MQ
        // are not in the first download.
        assert_eq!(
            handed,
            [
                "firehose-buffer-size",
                "firehose-near-real-time",
                "firehose-transform-fail",
                "flink-late-data",
                "flink-windows",
                "mq-ceiling",
                "mq-failover",
                "mq-or-sqs",
                "mq-push-prefetch",
                "mq-rabbitmq-lift",
                "scaling-alarm",
                "scaling-asg-vs-lambda",
                "scaling-asg",
                "scaling-lambda",
                "scaling-raw-depth",
                "scaling-scale-in",
                "scaling-warmup",
                "video-retention"
            ]
        );
    }
}

#[test]
fn every_lesson_validates_against_its_runs() {
    for l in runnable() {
        validate(&format!("lessons/{}.json", l.id), &l).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn every_question_links_to_a_lesson_of_the_course_and_every_chapter_asks_some() {
    let map = course();
    let lessons = lessons();
    let ids: Vec<&str> = map.lesson_ids().collect();
    for l in &lessons {
        for (i, q) in l.questions.iter().enumerate() {
            assert!(
                ids.contains(&q.lesson.as_str()),
                "{}: questions[{i}].lesson {:?} is not a lesson",
                l.id,
                q.lesson
            );
        }
    }
    for c in map.chapters.iter().filter(|c| !c.coming) {
        let asked: usize = lessons
            .iter()
            .filter(|l| l.chapter == c.id)
            .map(|l| l.questions.len())
            .sum();
        assert!(asked >= 2, "chapter {} asks {asked} questions", c.id);
    }
}

/// The run at the task: the lesson's last step, with the checkpoint watching from there.
fn task_run(l: &Lesson) -> Lab {
    let mut lab =
        lab_at_step(l, l.steps.len() - 1).unwrap_or_else(|(m, e)| panic!("{}: {m}: {e}", l.id));
    lab.set_watch(Some(l.task.as_ref().unwrap().checkpoint.clone()));
    lab
}

fn status_text(lab: &Lab) -> String {
    let w = lab.watch().unwrap();
    w.status(lab.world(), Lang::En)
        .parts
        .iter()
        .map(|p| format!("[{}] {}", if p.met { "x" } else { " " }, p.text))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn every_task_is_not_met_by_doing_nothing_and_is_met_by_its_solution() {
    for l in runnable() {
        let Some(task) = &l.task else { continue };
        let start = task_run(&l);
        let t0 = start.now();
        let end = t0 + (task.play_s * 1_000.0) as u64;

        let mut idle = start.clone();
        idle.run_to(end);
        assert!(
            !idle.watch().unwrap().ever_met,
            "{}: the checkpoint is met without doing anything: {}",
            l.id,
            status_text(&idle)
        );

        let mut solved = start.clone();
        for e in &task.solution {
            solved
                .edit(e.clone())
                .unwrap_or_else(|m| panic!("{}: solution refused: {m}", l.id));
        }
        solved.run_to(end);
        eprintln!(
            "{}\n  idle:   {}\n  solved: {}",
            l.id,
            status_text(&idle),
            status_text(&solved)
        );
        let w = solved.watch().unwrap();
        assert!(
            w.last.is_some_and(|(_, met)| met),
            "{}: the solution does not meet the checkpoint after {} s: {}",
            l.id,
            task.play_s,
            status_text(&solved)
        );
    }
}

/// A task's buttons that are not its solution are there to be tried and found wanting (more
/// shards for one hot key, a key that still misses the filter): alone, they must not pass —
/// unless the lesson marks one as another right answer (`"passes": true`), which must pass.
#[test]
fn a_tasks_other_buttons_do_not_meet_its_checkpoint() {
    let mut offered = 0;
    for l in runnable() {
        let Some(task) = &l.task else { continue };
        for (i, a) in task.actions.iter().enumerate() {
            offered += 1;
            if a.edits == task.solution {
                continue;
            }
            let mut lab = task_run(&l);
            let end = lab.now() + (task.play_s * 1_000.0) as u64;
            for e in &a.edits {
                lab.edit(e.clone())
                    .unwrap_or_else(|m| panic!("{}: actions[{i}] refused: {m}", l.id));
            }
            lab.run_to(end);
            eprintln!("{} actions[{i}]: {}", l.id, status_text(&lab));
            if a.passes {
                assert!(
                    lab.watch().unwrap().last.is_some_and(|(_, met)| met),
                    "{}: actions[{i}] ({}) is marked as passing but does not meet the checkpoint",
                    l.id,
                    a.label.en
                );
                continue;
            }
            assert!(
                !lab.watch().unwrap().ever_met,
                "{}: actions[{i}] ({}) meets the checkpoint though it is not the solution",
                l.id,
                a.label.en
            );
        }
    }
    assert!(offered >= 3, "only {offered} task buttons in the course");
}

#[test]
fn checkpoint_verdicts_are_the_same_on_a_second_run() {
    for l in runnable().into_iter().filter(|l| l.task.is_some()) {
        let task = l.task.as_ref().unwrap();
        let run = |_: u8| {
            let mut lab = task_run(&l);
            for e in &task.solution {
                lab.edit(e.clone()).unwrap();
            }
            lab.run_to(lab.now() + 60_000);
            status_text(&lab)
        };
        assert_eq!(run(0), run(1), "{}", l.id);
    }
}

// ------------------------------------------------------------------ the lesson format

const MINIMAL: &str = r#"{
  "id": "x", "chapter": "sqs-basics",
  "title": {"en": "T", "ko": "제목"},
  "steps": [{"text": {"en": "a", "ko": "가"}, "setup": {"preset": "decoupling"}, "highlight": {"queue": "orders"}}]
}"#;

#[test]
fn a_minimal_lesson_parses_and_validates() {
    let l = parse_lesson("lessons/x.json", MINIMAL).unwrap();
    validate("lessons/x.json", &l).unwrap();
}

fn error_of(text: &str) -> String {
    match parse_lesson("lessons/x.json", text) {
        Err(e) => e.to_string(),
        Ok(l) => validate("lessons/x.json", &l)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_else(|| "no error".into()),
    }
}

#[test]
fn errors_name_the_file_and_the_member() {
    let bad_highlight = MINIMAL.replace(r#""queue": "orders""#, r#""queue": "payments""#);
    assert_eq!(
        error_of(&bad_highlight),
        r#"lessons/x.json: steps[0].highlight: no queue named "payments""#
    );
    let no_korean = MINIMAL.replace(r#""ko": "가""#, r#""ko": "a""#);
    assert_eq!(
        error_of(&no_korean),
        "lessons/x.json: steps[0].text.ko: has no Korean (Hangul) in it"
    );
    let unknown = MINIMAL.replace(r#""chapter""#, r#""chapters""#);
    assert!(
        error_of(&unknown).starts_with("lessons/x.json: "),
        "{}",
        error_of(&unknown)
    );
    assert!(error_of(&unknown).contains("chapters"));
    let wrong_id = MINIMAL.replace(r#""id": "x""#, r#""id": "y""#);
    assert_eq!(
        error_of(&wrong_id),
        r#"lessons/x.json: id: "y" is not the file's name ("x")"#
    );
    let bad_preset = MINIMAL.replace("decoupling", "nope");
    assert_eq!(
        error_of(&bad_preset),
        r#"lessons/x.json: steps[0].setup.preset: no preset "nope""#
    );
    let bad_scenario = MINIMAL.replace(
        r#"{"preset": "decoupling"}"#,
        r#"{"scenario": {"queues": [{"QueueName": "orders"}], "consumers": [{"name": "w", "queue": "orders", "max_messages": 11}]}}"#,
    );
    assert_eq!(
        error_of(&bad_scenario),
        "lessons/x.json: steps[0].setup.scenario.consumers[0].max_messages: must be between 1 and 10"
    );
    let with_task = |checkpoint: &str| {
        MINIMAL.replace(
            "}]\n}",
            &format!(
                r#"}}], "task": {{"text": {{"en": "t", "ko": "과제"}}, "checkpoint": {checkpoint},
                "solution": [{{"QueueAttribute": {{"queue": "orders", "attribute": "VisibilityTimeout", "value": "10"}}}}], "play_s": 60}}
}}"#
            ),
        )
    };
    assert_eq!(
        error_of(&with_task(
            r#"{"all": [{"count": {"event": "Nope"}, "window_s": 60, "op": ">=", "value": 1}]}"#
        ))
        .split(" is not one of ")
        .next()
        .unwrap(),
        r#"lessons/x.json: task.checkpoint.all[0].count.event: "Nope""#
    );
    assert_eq!(
        error_of(&with_task(
            r#"{"queue": "payments", "attribute": "VisibilityTimeout", "op": ">=", "value": 1}"#
        )),
        r#"lessons/x.json: task.checkpoint.queue: no queue named "payments" in the task's run"#
    );
    assert_eq!(
        error_of(&with_task(
            r#"{"count": {"event": "MessageDeleted"}, "window_s": 0, "op": ">=", "value": 1}"#
        )),
        "lessons/x.json: task.checkpoint.window_s: must be a number between 1 and 3600"
    );
    assert!(error_of(&with_task(
        r#"{"queue": "orders", "attribute": "VisibilityTimeout", "op": "~", "value": 1}"#
    ))
    .starts_with("lessons/x.json: task.checkpoint.op: "));
    assert_eq!(
        error_of(&with_task(
            r#"{"queue": "orders", "attribute": "VisibilityTimeout", "op": ">=", "value": 1}"#
        )),
        "no error"
    );
    assert!(error_of("{").starts_with("lessons/x.json: not valid JSON"));
}

#[test]
fn fragments_open_lessons_without_taking_share_links() {
    assert_eq!(lesson_of_fragment("#learn"), Some(None));
    assert_eq!(
        lesson_of_fragment("#learn/sqs-buffer"),
        Some(Some("sqs-buffer".into()))
    );
    assert_eq!(lesson_of_fragment("#learn/../x"), None);
    assert_eq!(lesson_of_fragment("#v1=eyJzIjp7fX0"), None);
    assert_eq!(lesson_of_fragment(""), None);
}

#[test]
fn progress_survives_its_own_text_and_ignores_junk() {
    let mut p = Progress::default();
    assert!(p.mark_done("decoupling"));
    assert!(!p.mark_done("decoupling"), "marked twice");
    p.mark_answered("decoupling", 1);
    let back = Progress::from_json(&p.to_json());
    assert_eq!(back, p);
    assert!(back.is_done("decoupling") && back.answered("decoupling", 1));
    assert!(!back.answered("decoupling", 0));
    assert_eq!(Progress::from_json("not json"), Progress::default());
    let junk = Progress::from_json(r#"{"done": ["ok-id", "../etc"]}"#);
    assert_eq!(junk.done, vec!["ok-id".to_string()]);
}

// ------------------------------------------------------------------ the checkpoint language

/// A queue whose only consumer never deletes: every message comes back after 5 s.
fn redelivering_lab() -> Lab {
    Lab::from_json(
        r#"{"seed": 1, "queues": [{"QueueName": "q", "Attributes": {"VisibilityTimeout": "5"}}],
            "producers": [{"name": "p", "queue": "q", "rate_per_s": 1, "arrival": "constant"}],
            "consumers": [{"name": "c", "queue": "q", "count": 1, "wait_time_s": 20,
                           "failure_probability": 1.0,
                           "processing": {"dist": "fixed", "ms": 100}}]}"#,
        None,
    )
    .unwrap()
}

fn check(v: serde_json::Value) -> Check {
    Check::read(&v).unwrap_or_else(|(m, e)| panic!("{m}: {e}"))
}

#[test]
fn a_count_sees_redeliveries_within_its_window_only() {
    let mut lab = redelivering_lab();
    lab.set_watch(Some(check(json!({
        "count": {"event": "MessageReceived", "queue": "q", "min_receive_count": 2},
        "window_s": 30, "op": ">=", "value": 10
    }))));
    lab.run_to(4_000);
    assert!(!lab.watch().unwrap().evaluate_now(lab.world()));
    lab.run_to(60_000);
    assert!(lab.watch().unwrap().ever_met);
    let text = lab.watch().unwrap().status(lab.world(), Lang::En).parts[0]
        .text
        .clone();
    assert!(text.contains("in the last 30 s"), "{text}");
    // The consumer now deletes: redeliveries stop, and 30 s later none are in the window.
    let mut spec = lab.world().actors().consumer_specs[0].clone();
    spec.failure_probability = 0.0;
    lab.edit(mqlab_appcore::lab::Edit::Consumer { index: 0, spec })
        .unwrap();
    lab.run_to(120_000);
    assert_eq!(lab.watch().unwrap().last.map(|(_, m)| m), Some(false));
    let ko = lab.watch().unwrap().status(lab.world(), Lang::Ko).parts[0]
        .text
        .clone();
    assert!(ko.contains("최근 30초 동안 0"), "{ko}");
}

/// Out of order: a message deleted after a later-sent message of its queue and group. One
/// group, two parallel consumers with very different processing times on a standard queue:
/// later messages finish first. The same run on a FIFO queue: the group is locked while a
/// message is in flight, so none; and the in-order count sees every deletion.
#[test]
fn an_out_of_order_count_sees_later_messages_deleted_first_and_fifo_keeps_the_group() {
    let run = |queue: &str, out_of_order: bool| {
        let fifo = queue.ends_with(".fifo");
        let attrs = if fifo {
            r#", "Attributes": {"FifoQueue": "true"}"#
        } else {
            ""
        };
        let mut lab = Lab::from_json(
            &format!(
                r#"{{"seed": 3, "queues": [{{"QueueName": "{queue}"{attrs}}}],
                "producers": [{{"name": "p", "queue": "{queue}", "rate_per_s": 5, "arrival": "constant",
                               "message_groups": 1}}],
                "consumers": [{{"name": "c", "queue": "{queue}", "count": 2, "wait_time_s": 20,
                               "max_messages": 1,
                               "processing": {{"dist": "uniform", "min_ms": 10, "max_ms": 900}}}}]}}"#
            ),
            None,
        )
        .unwrap();
        lab.set_watch(Some(check(json!({
            "count": {"event": "MessageDeleted", "queue": queue, "out_of_order": out_of_order},
            "window_s": 60, "op": ">=", "value": 0
        }))));
        lab.run_to(60_000);
        let text = lab.watch().unwrap().status(lab.world(), Lang::En).parts[0]
            .text
            .clone();
        let n: u64 = text
            .split(": ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap_or_else(|| panic!("no count in {text}"));
        (n, text)
    };
    let (late, text) = run("q", true);
    assert!(late >= 5, "standard, two consumers: {text}");
    assert!(text.contains("out of order in its group"), "{text}");
    let (late_fifo, text) = run("q.fifo", true);
    assert_eq!(late_fifo, 0, "FIFO keeps the group in order: {text}");
    let (in_order_fifo, text) = run("q.fifo", false);
    // One group at a time, ~0.5 s each: about two a second.
    assert!(
        in_order_fifo >= 100,
        "FIFO: every deletion in order: {text}"
    );
}

#[test]
fn an_upper_bound_waits_for_a_full_window() {
    let mut lab = redelivering_lab();
    lab.set_watch(Some(check(json!({
        "count": {"event": "MessageExpired", "queue": "q"},
        "window_s": 60, "op": "==", "value": 0
    }))));
    lab.run_to(30_000);
    assert!(
        !lab.watch().unwrap().ever_met,
        "met before a minute was watched"
    );
    lab.run_to(61_000);
    assert!(lab.watch().unwrap().ever_met);
}

#[test]
fn attributes_settings_metrics_and_all_any_combine() {
    let mut lab = redelivering_lab();
    let attr = json!({"queue": "q", "attribute": "VisibilityTimeout", "op": ">=", "value": 30});
    let setting = json!({"consumer": "c", "setting": "wait_time_s", "op": "==", "value": 20});
    let metric = json!({"metric": {"queue": "q", "name": "NumberOfMessagesSent", "stat": "Sum", "minutes": 1},
                        "op": ">=", "value": 50});
    lab.set_watch(Some(check(json!({"all": [attr, setting]}))));
    lab.run_to(2_000);
    assert!(
        !lab.watch().unwrap().evaluate_now(lab.world()),
        "VisibilityTimeout is 5"
    );
    lab.set_watch(Some(check(json!({"any": [attr, setting]}))));
    assert!(
        lab.watch().unwrap().evaluate_now(lab.world()),
        "wait_time_s is 20"
    );
    lab.edit(mqlab_appcore::lab::Edit::QueueAttribute {
        queue: "q".into(),
        attribute: "VisibilityTimeout".into(),
        value: "30".into(),
    })
    .unwrap();
    lab.set_watch(Some(check(json!({"all": [attr, setting]}))));
    assert!(lab.watch().unwrap().evaluate_now(lab.world()));
    // A metric over the last closed minute: none closed yet, then 60 sent in the first.
    lab.set_watch(Some(check(metric.clone())));
    assert!(!lab.watch().unwrap().evaluate_now(lab.world()));
    let text = lab.watch().unwrap().status(lab.world(), Lang::En).parts[0]
        .text
        .clone();
    assert!(text.contains(": —"), "{text}");
    lab.run_to(61_000);
    assert!(lab.watch().unwrap().evaluate_now(lab.world()));
    let mut higher = metric;
    higher["value"] = json!(1000);
    lab.set_watch(Some(check(higher)));
    assert!(!lab.watch().unwrap().evaluate_now(lab.world()));
}

#[test]
fn checks_that_are_malformed_say_where() {
    let e = |v: serde_json::Value| Check::read(&v).unwrap_err();
    assert_eq!(e(json!({"all": []})).0, "all");
    assert_eq!(
        e(json!({"any": [{"count": {"event": "MessageSent"}, "window_s": 9999, "op": ">", "value": 1}]})).0,
        "any[0].window_s"
    );
    assert_eq!(
        e(json!({"metric": {"name": "X", "stat": "Sum", "minutes": 1}, "op": ">", "value": 1})).0,
        "metric"
    );
    assert_eq!(
        e(json!({"queue": "q", "topic": "t", "attribute": "A", "op": ">", "value": 1})).1,
        "name exactly one of queue, topic, stream"
    );
    assert_eq!(
        e(json!({"queue": "q", "attribute": "A", "op": "=>", "value": 1})),
        (
            "op".to_string(),
            r#""=>" is not one of ==, !=, >=, >, <=, <"#.to_string()
        )
    );
    assert!(e(json!({"frobnicate": 1})).1.contains("expected"));
}

#[test]
fn a_watch_set_before_a_snapshot_is_restored_by_seeking_back() {
    let mut lab = redelivering_lab();
    lab.set_watch(Some(check(json!({
        "count": {"event": "MessageReceived", "queue": "q", "min_receive_count": 2},
        "window_s": 60, "op": ">=", "value": 1
    }))));
    lab.run_to(90_000);
    let at_90 = status_text(&lab);
    lab.seek(20_000);
    lab.seek(90_000);
    assert_eq!(status_text(&lab), at_90);
    let w: &Watch = lab.watch().unwrap();
    assert!(w.ever_met);
}

/// The boot shell in index.html lists the course's open chapters while the program downloads:
/// the same chapters, in the same order, with the same titles as lessons/course.json (the
/// Korean without its number, which the English already shows).
#[test]
fn the_boot_shell_lists_the_course_chapters() {
    let html = std::fs::read_to_string(lessons_dir().join("../index.html")).unwrap();
    let list = html
        .split("<ol data-testid=\"boot-course\">")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("index.html has the boot course list");
    let unescape = |s: &str| {
        s.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
    };
    let shown: Vec<(String, String, String)> = list
        .split("<li data-chapter=\"")
        .skip(1)
        .map(|item| {
            let (id, rest) = item.split_once("\">").unwrap();
            let (en, rest) = rest.split_once(" <span lang=\"ko\">· ").unwrap();
            let ko = rest.split_once("</span>").unwrap().0;
            (id.to_string(), unescape(en), unescape(ko))
        })
        .collect();
    let want: Vec<(String, String, String)> = course()
        .chapters
        .iter()
        .filter(|c| !c.coming)
        .map(|c| {
            let ko = c
                .title
                .ko
                .trim_start_matches(|ch: char| ch.is_ascii_digit());
            let ko = ko.strip_prefix(". ").unwrap_or(ko);
            (c.id.clone(), c.title.en.clone(), ko.to_string())
        })
        .collect();
    assert_eq!(shown, want);
}
