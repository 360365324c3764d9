//! The page: opens a link, the autosave or the default preset; owns the reducer, the frame
//! loop and the keyboard shortcuts; saves the work as it goes.

use super::banner::{banners, BannersProps};
use super::header::{header, HeaderProps};
use super::help::{help_overlay, HelpProps};
use super::inspector::Inspector;
use super::learn::{course_map, lesson_panel, LearnProps};
use super::log::ApiLog;
use super::params::{KeyControls, ParamPanel};
use super::presets::{preset_panel, PresetPanelProps};
use super::run_view::RunView;
use super::toolbar::Toolbar;
use crate::browser;
use crate::frame_loop::FrameLoop;
use crate::lab::Lab;
use crate::state::{Action, AppState, Banner, Learn, Theme};
use mqlab_appcore::course;
use mqlab_appcore::i18n::{self, t, Lang};
use mqlab_appcore::share::{self, Shared, AUTOSAVE_KEY};
use mqlab_appcore::{params, presets, sim};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Autosave about once a second of play (every this many panel refreshes), and on every
/// change while paused.
const AUTOSAVE_EVERY_PANELS: u64 = 10;
/// A notice (link copied, autosave restored) goes away by itself after this long; its × closes
/// it sooner. Errors stay until dismissed.
const NOTICE_MS: u32 = 8_000;

/// Builds a run from shared state, replaying it to the shared time.
fn open_shared(shared: Shared) -> Result<(Lab, Option<Lang>), String> {
    let mut lab = Lab::with_edits(shared.scenario, shared.edits, shared.preset)?;
    lab.run_to(shared.t_ms);
    Ok((lab, shared.lang))
}

/// What the page opens with: a link if there is one, else the autosave, else the default
/// preset. A bad link does not lose the autosaved work: it opens, with the reason shown.
pub fn initial_state() -> AppState {
    let browser_lang = browser::browser_language()
        .and_then(|l| Lang::from_code(&l))
        .unwrap_or_default();
    let mut banner = None;
    let hash = browser::location_hash();
    // A lesson's link (#learn/<id>) opens the course over the autosaved free lab.
    let learn_link = course::lesson_of_fragment(&hash);
    if hash == browser::FULL_PAGE_HANDOFF {
        // A preset or an imported file the first download handed over (see browser.rs).
        browser::replace_hash("#");
        if let Some(text) = browser::take_full_page_handoff() {
            match share::import_json(&text)
                .map_err(|e| e.to_string())
                .and_then(|sc| {
                    let preset = presets::for_scenario_name(&sc.name).map(String::from);
                    Lab::new(sc, preset)
                }) {
                Ok(lab) => return AppState::new(lab, browser_lang),
                Err(e) => {
                    banner = Some(Banner {
                        title_key: "error.bad_file",
                        detail: e,
                    })
                }
            }
        }
    } else if hash.len() > 1 && learn_link.is_none() {
        match share::from_fragment(&hash)
            .map_err(|e| e.to_string())
            .and_then(open_shared)
        {
            Ok((lab, lang)) => return AppState::new(lab, lang.unwrap_or(browser_lang)),
            // A link to a run of a service only the full page links: opened there (and
            // nothing else navigates meanwhile: the default run shows until it leaves).
            Err(e) if sim::needs_full_page(&e) => {
                browser::open_full_page(&hash);
                return AppState::new(AppState::default_lab(), browser_lang);
            }
            Err(e) => {
                banner = Some(Banner {
                    title_key: "error.bad_link",
                    detail: e,
                })
            }
        }
    }
    let restored = browser::storage_get(AUTOSAVE_KEY).and_then(|text| {
        match share::from_autosave(&text).map_err(|e| e.to_string()) {
            Ok(shared) => open_shared(shared).ok(),
            // Work saved in the full page goes on there (nothing is lost by opening here).
            Err(e) if sim::needs_full_page(&e) && learn_link.is_none() && banner.is_none() => {
                browser::open_full_page("");
                None
            }
            Err(_) => None,
        }
    });
    let mut state = match restored {
        Some((lab, lang)) => {
            let mut s = AppState::new(lab, lang.unwrap_or(browser_lang));
            // Under a lesson the restored run waits in the Free lab.
            s.notice = Some(if learn_link.is_some() {
                "autosave.kept_for_lesson"
            } else {
                "autosave.restored"
            });
            s
        }
        None => AppState::new(AppState::default_lab(), browser_lang),
    };
    state.banner = banner;
    if let Some(lesson_id) = learn_link {
        state.learn = Some(Learn {
            lesson_id,
            saved_lab: Some(state.lab.clone()),
            ..Learn::open()
        });
    }
    state
}

#[hook]
/// Fetches the course map and the lesson asked for, when they are needed and not here yet:
/// lessons are files beside the page (`lessons/`), not part of the program.
fn use_course_files(state: &UseReducerHandle<AppState>) {
    let want_map = state
        .learn
        .as_ref()
        .is_some_and(|l| l.map.is_none() && l.error.is_none());
    let want_lesson = state
        .learn
        .as_ref()
        .filter(|l| l.error.is_none())
        .and_then(|l| {
            let id = l.lesson_id.clone()?;
            (l.lesson.as_ref().map(|x| &x.id) != Some(&id)).then_some(id)
        });
    {
        // The presets' explanations and the settings' help, once, when the page opens.
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            // Not on the way to the full page: that page fetches its own, and a navigation
            // would only abort these.
            if browser::leaving_for_full_page() {
                return;
            }
            let d = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let file = presets::EXPLANATIONS_FILE;
                let result = browser::fetch_text(file)
                    .await
                    .and_then(|text| presets::Explanations::from_json(&text).map(std::rc::Rc::new));
                d.dispatch(Action::ExplanationsLoaded(result));
            });
            wasm_bindgen_futures::spawn_local(async move {
                let result = browser::fetch_text(params::HELP_FILE)
                    .await
                    .and_then(|text| params::load_help(&text));
                dispatcher.dispatch(Action::TextsLoaded(result));
            });
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with(want_map, move |&want| {
            if want {
                wasm_bindgen_futures::spawn_local(async move {
                    let file = "lessons/course.json";
                    let result = browser::fetch_text(file).await.and_then(|text| {
                        course::parse_course(file, &text)
                            .map(std::rc::Rc::new)
                            .map_err(|e| e.to_string())
                    });
                    dispatcher.dispatch(Action::CourseLoaded(result));
                });
            }
        });
    }
    let dispatcher = state.dispatcher();
    use_effect_with(want_lesson, move |want| {
        if let Some(id) = want.clone() {
            wasm_bindgen_futures::spawn_local(async move {
                let file = format!("lessons/{id}.json");
                let mut result = browser::fetch_text(&file).await.and_then(|text| {
                    course::parse_lesson(&file, &text)
                        .map(std::rc::Rc::new)
                        .map_err(|e| e.to_string())
                });
                // The presets its steps start from, before the lesson opens.
                if let Ok(lesson) = &result {
                    let ids: Vec<&str> = lesson
                        .steps
                        .iter()
                        .filter_map(|s| s.setup.as_ref()?.preset.as_deref())
                        .collect();
                    if let Err(e) = browser::fetch_presets(&ids).await {
                        result = Err(e);
                    }
                }
                dispatcher.dispatch(Action::LessonLoaded(result));
            });
        }
    });
}

/// The run as a link, a file or the autosave carry it.
pub fn shared_of(state: &AppState) -> Shared {
    let lab = state.lab.borrow();
    let (base, edits) = lab.timeline();
    Shared {
        scenario: base.clone(),
        edits: edits.to_vec(),
        t_ms: lab.now(),
        preset: lab.preset.clone(),
        lang: Some(state.lang),
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    // English until the Korean texts are here (then every component redraws in Korean).
    let lang = state.shown_lang();
    let system_dark = use_state(browser::prefers_dark);
    let reduced_motion = use_state(browser::prefers_reduced_motion);
    use_course_files(&state);

    // The Korean texts, fetched the first time Korean is chosen (or was the saved language).
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.lang, move |&chosen| {
            if chosen == Lang::Ko && !i18n::korean_loaded() {
                wasm_bindgen_futures::spawn_local(async move {
                    let file = i18n::KOREAN_FILE;
                    let result = browser::fetch_text(file)
                        .await
                        .and_then(|text| i18n::load_korean(&text));
                    dispatcher.dispatch(Action::TextsLoaded(result));
                });
            }
        });
    }

    // The frame loop runs only while playing; dropping it (on pause or unmount) stops it.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |&playing| {
            let frame_loop = playing.then(|| {
                FrameLoop::start(move |real_ms| dispatcher.dispatch(Action::Frame { real_ms }))
            });
            move || drop(frame_loop)
        });
    }

    // A notice dismisses itself; a new one, or closing it, drops (cancels) the timer.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.notice, move |notice| {
            let timer = notice.map(|_| {
                gloo_timers::callback::Timeout::new(NOTICE_MS, move || {
                    dispatcher.dispatch(Action::DismissNotice)
                })
            });
            move || drop(timer)
        });
    }

    // Keyboard: space play/pause, → step (in a lesson: ← / → move between its steps), + / −
    // speed, ? help, Esc closes it.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = browser::KeyListener::new(move |e: web_sys::KeyboardEvent| {
                if e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let target = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let typing = target.as_ref().is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                });
                if typing {
                    return;
                }
                // A focused scrolling region (a wide table) takes the arrow keys to scroll.
                let scrolling = target
                    .as_ref()
                    .is_some_and(|el| el.get_attribute("role").as_deref() == Some("region"));
                let action = match e.key().as_str() {
                    " " | "Spacebar" => Some(Action::TogglePlay),
                    "ArrowRight" if !scrolling => Some(Action::ArrowRight),
                    "ArrowLeft" if !scrolling => Some(Action::ArrowLeft),
                    "+" | "=" => Some(Action::Faster),
                    "-" | "_" | "−" => Some(Action::Slower),
                    "?" => Some(Action::ToggleHelp),
                    "Escape" => Some(Action::CloseHelp),
                    _ => None,
                };
                if let Some(a) = action {
                    e.prevent_default();
                    dispatcher.dispatch(a);
                }
            });
            // Marks the page as listening, so tests and scripts know shortcuts work now.
            browser::set_root_attribute("data-shortcuts", listener.is_some().then_some("on"));
            move || {
                drop(listener);
                browser::set_root_attribute("data-shortcuts", None);
            }
        });
    }

    // Theme and language on <html>, so CSS and screen readers follow (the language shown:
    // English while the Korean texts are on their way).
    use_effect_with((state.theme, lang), |(theme, lang)| {
        browser::set_root_attribute(
            "data-theme",
            (*theme != Theme::System).then_some(theme.code()),
        );
        browser::set_root_attribute("lang", Some(lang.code()));
    });

    // Autosave, and keep the link in the address bar current while paused.
    {
        let s = (*state).clone();
        // While playing, about once a second; while paused, every change.
        let key = (
            if state.playing {
                state.panels / AUTOSAVE_EVERY_PANELS
            } else {
                state.panels
            },
            state.playing,
            state.lab.as_ptr() as usize,
            state.lang,
            state.learn.as_ref().map(|l| l.lesson_id.clone()),
        );
        use_effect_with(key, move |(_, playing, _, _, learning)| {
            // In the course the run on screen is the lesson's: the free lab's autosave is
            // kept as it was, and the address bar holds the lesson's own link.
            if let Some(lesson) = learning {
                let fragment = match lesson {
                    Some(id) => format!("#learn/{id}"),
                    None => "#learn".to_string(),
                };
                browser::replace_hash(&fragment);
                return;
            }
            if browser::leaving_for_full_page() {
                return;
            }
            let shared = shared_of(&s);
            browser::storage_set(AUTOSAVE_KEY, &share::to_autosave(&shared));
            if !playing {
                browser::replace_hash(&share::to_fragment(&shared));
            }
        });
    }

    let dark = match state.theme {
        Theme::Dark => true,
        Theme::Light => false,
        Theme::System => *system_dark,
    };
    let dispatch = {
        let dispatcher = state.dispatcher();
        Callback::from(move |a: Action| dispatcher.dispatch(a))
    };
    let on_share = {
        let s = (*state).clone();
        let dispatch = dispatch.clone();
        Callback::from(move |()| {
            let fragment = share::to_fragment(&shared_of(&s));
            browser::replace_hash(&fragment);
            browser::copy_to_clipboard(&browser::url_with_hash(&fragment));
            dispatch.emit(Action::Notice("share.copied"));
        })
    };
    let on_export = {
        let s = (*state).clone();
        Callback::from(move |()| {
            let lab = s.lab.borrow();
            let name = lab.preset.clone().unwrap_or_else(|| "scenario".into());
            browser::download(
                &format!("mqlab-{name}.json"),
                &share::export_json(&lab.scenario),
                "application/json",
            );
        })
    };

    let map_view = state.learn.as_ref().is_some_and(|l| l.lesson_id.is_none());
    let main_title = state.lab.borrow().preset.clone();
    let compare_title = state
        .compare
        .as_ref()
        .and_then(|c| c.borrow().preset.clone());
    let runs = html! {
        <div class={classes!("runs", state.compare.is_some().then_some("compare"))}>
            <RunView
                side={0}
                lab={state.lab.clone()}
                frame={state.frame}
                panels={state.panels}
                {lang}
                {dark}
                reduced_motion={*reduced_motion}
                playing={state.playing}
                title={main_title}
                selected={state.selected}
                marker_ms={state.lesson_moment_ms()}
                dispatch={dispatch.clone()}
            />
            if let Some(c) = &state.compare {
                <RunView
                    side={1}
                    lab={c.clone()}
                    frame={state.frame}
                    panels={state.panels}
                    {lang}
                    {dark}
                    reduced_motion={*reduced_motion}
                    playing={state.playing}
                    title={compare_title}
                    selected={state.selected}
                    marker_ms={None::<u64>}
                    dispatch={dispatch.clone()}
                />
            }
        </div>
    };

    html! {
        <main class="app" data-playing={state.playing.to_string()}>
            { header(&HeaderProps {
                lang,
                chosen_lang: state.lang,
                theme: state.theme,
                dispatch: dispatch.clone(),
                on_share,
                on_export,
                learning: state.learn.is_some(),
            }) }
            { banners(&BannersProps {
                lang,
                banner: state.banner.clone(),
                notice: state.notice,
                dispatch: dispatch.clone(),
            }) }
            if !map_view {
            <Toolbar
                {lang}
                lab={state.lab.clone()}
                panels={state.panels}
                frame={state.frame}
                playing={state.playing}
                fast_forward={state.fast_forward}
                speed_index={state.speed_index}
                comparing={state.compare.is_some()}
                dispatch={dispatch.clone()}
            />
            }
            if let Some(learn) = state.learn.as_ref().filter(|l| l.lesson_id.is_none()) {
                { course_map(&LearnProps { lang, learn, lab: &state.lab, dispatch: dispatch.clone() }) }
            }
            <div class="workspace" hidden={map_view}>
                <section class="stage" aria-label={t(lang, "panel.diagram")}>{ runs }</section>
                <aside class="side">
                    if let Some(learn) = state.learn.as_ref().filter(|l| l.lesson_id.is_some()) {
                        { lesson_panel(&LearnProps { lang, learn, lab: &state.lab, dispatch: dispatch.clone() }) }
                    } else {
                        { preset_panel(&PresetPanelProps {
                            lang,
                            preset: state.lab.borrow().preset.clone(),
                            explanations: state.explanations.clone(),
                            comparing: state.compare.is_some(),
                            key_controls: html! {
                                <KeyControls
                                    {lang}
                                    lab={state.lab.clone()}
                                    revision={state.lab.borrow().edits_applied()}
                                    panels={state.panels}
                                    errors={state.field_errors.clone()}
                                    dispatch={dispatch.clone()}
                                />
                            },
                            dispatch: dispatch.clone(),
                        }) }
                    }
                    <Inspector
                        {lang}
                        labs={state.labs()}
                        selected={state.selected}
                        panels={state.panels}
                        edits={state.labs().iter().map(|l| l.borrow().edits_applied()).sum::<usize>()}
                        errors={state.field_errors.clone()}
                        dispatch={dispatch.clone()}
                    />
                    <ParamPanel
                        {lang}
                        lab={state.lab.clone()}
                        compare={state.compare.clone()}
                        revision={(
                            state.lab.borrow().edits_applied(),
                            state.compare.as_ref().map_or(0, |c| c.borrow().edits_applied()),
                        )}
                        panels={state.panels}
                        errors={state.field_errors.clone()}
                        help_loaded={params::help_loaded()}
                        dispatch={dispatch.clone()}
                    />
                    <ApiLog {lang} lab={state.lab.clone()} panels={state.panels} />
                </aside>
            </div>
            if state.help {
                { help_overlay(&HelpProps { lang, dispatch: dispatch.clone() }) }
            }
        </main>
    }
}
