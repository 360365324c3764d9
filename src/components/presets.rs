//! The preset picker with its explanation, the calls a preset invites (a redrive), and the
//! switch to compare it side by side with its partner.

use crate::lab::Edit;
use crate::state::Action;
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::presets;
use wasm_bindgen::JsCast;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

pub struct PresetPanelProps {
    pub lang: Lang,
    pub preset: Option<String>,
    /// Fetched when the page opens: until then the explanation is not shown.
    pub explanations: Option<Result<std::rc::Rc<presets::Explanations>, String>>,
    pub comparing: bool,
    /// The settings the preset is about (`params::KeyControls`), under the picker.
    pub key_controls: Html,
    pub dispatch: Callback<Action>,
}

/// Fetches preset `id`'s scenario (once) and then dispatches `action`, which needs it.
fn after_fetch(dispatch: Callback<Action>, id: Option<String>, action: Action) {
    wasm_bindgen_futures::spawn_local(async move {
        let ids: Vec<&str> = id.iter().map(String::as_str).collect();
        match crate::browser::fetch_presets(&ids).await {
            Ok(()) => dispatch.emit(action),
            Err(detail) => dispatch.emit(Action::ShowError(crate::state::Banner {
                title_key: "error.preset",
                detail,
            })),
        }
    });
}

/// A plain function, not a component: it renders with the app (a component of its own costs
/// ~1 KB of wasm; its props are cheap to render again).
pub fn preset_panel(props: &PresetPanelProps) -> Html {
    let lang = props.lang;
    let current = props.preset.clone().unwrap_or_default();
    let partner = presets::compare_with(&current);
    let dispatch = props.dispatch.clone();
    let on_change = Callback::from(move |e: Event| {
        let id = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .map(|s| s.value())
            .unwrap_or_default();
        after_fetch(dispatch.clone(), Some(id.clone()), Action::LoadPreset(id));
    });
    let (dispatch, comparing) = (props.dispatch.clone(), props.comparing);
    let compare = Callback::from(move |_: MouseEvent| {
        let partner = (!comparing).then_some(partner).flatten();
        after_fetch(
            dispatch.clone(),
            partner.map(String::from),
            Action::ToggleCompare,
        );
    });
    let explanation = match &props.explanations {
        Some(Ok(e)) => html! {
            <p class="explanation" data-testid="explanation">{ e.get(&current, lang) }</p>
        },
        Some(Err(e)) => {
            html! { <p class="muted" data-testid="explanation-error">{ e.clone() }</p> }
        }
        None => html! {},
    };
    html! {
        <section class="panel presets">
            <h2><label for="preset-select">{ t(lang, "panel.presets") }</label></h2>
            // Keyed by the preset: a preset loaded by the program (an import, a link) shows in a
            // fresh select, as a select the user has touched ignores options' `selected`.
            <select key={current.clone()} id="preset-select" data-testid="preset" data-loaded={current.clone()} onchange={on_change}>
                if props.preset.is_none() {
                    <option value="" selected=true>{ "—" }</option>
                }
                { for presets::Service::ALL.iter().map(|s| html! {
                    <optgroup label={s.label(lang)}>
                        { for presets::of(*s).map(|p| html! {
                            <option value={p.id} selected={p.id == current}>{ presets::title(p.id, lang) }</option>
                        }) }
                    </optgroup>
                }) }
            </select>
            { props.key_controls.clone() }
            // The calls the preset invites (a redrive, a reshard) next to its settings.
            if !presets::actions(&current).is_empty() {
            <div class="actions">
                { for presets::actions(&current).iter().map(|a| {
                    let params: serde_json::Value = serde_json::from_str(a.params_json).unwrap_or_default();
                    let op = a.op.to_string();
                    let click = props.dispatch.reform(move |_: MouseEvent| Action::Edit {
                        side: 0,
                        field: "action".into(),
                        edit: Box::new(Edit::Call { op: op.clone(), params: params.clone() }),
                    });
                    html! { <button type="button" data-testid={format!("action-{}", a.op)} onclick={click}>{ t(lang, a.label_key) }</button> }
                }) }
            </div>
            }
            if props.preset.is_some() {
                <h3>{ t(lang, "panel.explanation") }</h3>
                { explanation }
            }
            <div class="actions">
                <button type="button" data-testid="compare" aria-pressed={props.comparing.to_string()} onclick={compare}>
                    { if props.comparing { t(lang, "controls.compare_off") } else { t(lang, "controls.compare") } }
                    if let (false, Some(p)) = (props.comparing, partner) {
                        { format!(" — {}", presets::title(p, lang)) }
                    }
                </button>
            </div>
            if props.comparing {
                <p class="muted">{ t(lang, "compare.same_clock") }</p>
            }
        </section>
    }
}
