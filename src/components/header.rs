//! The title bar: language, theme, share link, export and import.

use crate::browser;
use crate::lab::Lab;
use crate::state::{Action, Banner, Theme};
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::share::{self, IMPORT_BYTES_MAX};
use mqlab_appcore::{presets, sim};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

pub struct HeaderProps {
    /// The language the page is shown in.
    pub lang: Lang,
    /// The language chosen (Korean shows as English until its texts arrive).
    pub chosen_lang: Lang,
    pub theme: Theme,
    pub dispatch: Callback<Action>,
    pub on_share: Callback<()>,
    pub on_export: Callback<()>,
    /// The course is open (the button goes back to the free lab).
    pub learning: bool,
}

fn select_value(e: &Event) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Reads an imported file: size first, then the text, then the scenario, then the run. Any
/// failure is a banner naming the field; the current run is untouched.
fn import(file: web_sys::File, dispatch: Callback<Action>) {
    let bad = |detail: String| {
        Action::ShowError(Banner {
            title_key: "error.bad_file",
            detail,
        })
    };
    if file.size() > IMPORT_BYTES_MAX as f64 {
        dispatch.emit(bad(format!(
            "file: too large ({} bytes; the limit is {IMPORT_BYTES_MAX})",
            file.size()
        )));
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let text = match JsFuture::from(file.text()).await {
            Ok(v) => v.as_string().unwrap_or_default(),
            Err(_) => {
                dispatch.emit(bad("file: could not be read".into()));
                return;
            }
        };
        let action = match share::import_json(&text) {
            // An exported preset comes back as that preset (its title and explanation).
            Ok(scenario) => {
                let preset = presets::for_scenario_name(&scenario.name).map(String::from);
                match Lab::new(scenario, preset) {
                    Ok(lab) => Action::Load {
                        lab: Box::new(lab),
                        notice: None,
                    },
                    Err(e) => bad(e),
                }
            }
            // A service only the full page links: it opens there with this file.
            Err(e) if sim::needs_full_page(&e.to_string()) => {
                browser::hand_off_to_full_page(&text);
                return;
            }
            Err(e) => bad(e.to_string()),
        };
        dispatch.emit(action);
    });
}

/// A plain function, not a component: it renders with the app (a component of its own costs
/// ~1 KB of wasm; its props are cheap to render again).
pub fn header(props: &HeaderProps) -> Html {
    let lang = props.lang;
    let on_lang = props
        .dispatch
        .reform(|e: Event| Action::SetLang(Lang::from_code(&select_value(&e)).unwrap_or_default()));
    let on_theme = props.dispatch.reform(|e: Event| {
        Action::SetTheme(match select_value(&e).as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        })
    });
    let on_import = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                import(file, dispatch.clone());
            }
            // The same file may be chosen again after fixing it.
            input.set_value("");
        })
    };
    let share = props.on_share.reform(|_: MouseEvent| ());
    let export = props.on_export.reform(|_: MouseEvent| ());
    let help = props.dispatch.reform(|_: MouseEvent| Action::ToggleHelp);
    let learning = props.learning;
    let learn = props.dispatch.reform(move |_: MouseEvent| {
        if learning {
            Action::CloseLearn
        } else {
            Action::OpenLearn(None)
        }
    });
    html! {
        <header class="top">
            <h1>{ "mq" }<span>{ "lab" }</span></h1>
            <p class="tagline">{ t(lang, "app.tagline") }</p>
            <nav class="modes" aria-label={t(lang, "learn.modes")}>
                <button type="button" data-testid="learn-open" aria-pressed={learning.to_string()} onclick={learn}>
                    { if learning { t(lang, "learn.back_to_lab") } else { t(lang, "learn.open") } }
                </button>
            </nav>
            <div class="tools">
                <label class="field inline">
                    <span class="sr-only">{ t(lang, "controls.language") }</span>
                    <select data-testid="lang" onchange={on_lang} aria-label={t(lang, "controls.language")}>
                        { for Lang::ALL.iter().map(|l| html! {
                            <option value={l.code()} selected={*l == props.chosen_lang}>{ t(lang, &format!("lang.{}", l.code())) }</option>
                        }) }
                    </select>
                </label>
                <label class="field inline">
                    <span class="sr-only">{ t(lang, "controls.theme") }</span>
                    <select data-testid="theme" onchange={on_theme} aria-label={t(lang, "controls.theme")}>
                        { for [Theme::System, Theme::Light, Theme::Dark].iter().map(|th| html! {
                            <option value={th.code()} selected={*th == props.theme}>{ t(lang, &format!("theme.{}", th.code())) }</option>
                        }) }
                    </select>
                </label>
                <button type="button" data-testid="share" onclick={share}>{ t(lang, "controls.share") }</button>
                <button type="button" data-testid="export" onclick={export}>{ t(lang, "controls.export") }</button>
                <label class="button" data-testid="import-label">
                    { t(lang, "controls.import") }
                    <input type="file" accept=".json,application/json" class="sr-only" data-testid="import" onchange={on_import} />
                </label>
                <button type="button" data-testid="help-button" onclick={help} aria-keyshortcuts="?">{ "?" }</button>
            </div>
        </header>
    }
}
