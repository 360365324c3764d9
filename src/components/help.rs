//! The keyboard shortcuts overlay (`?`).

use crate::state::Action;
use mqlab_appcore::i18n::{t, Lang};
use yew::prelude::*;

pub struct HelpProps {
    pub lang: Lang,
    pub dispatch: Callback<Action>,
}

/// A plain function, not a component: it renders with the app (a component of its own costs
/// ~1 KB of wasm; its props are cheap to render again).
pub fn help_overlay(props: &HelpProps) -> Html {
    let lang = props.lang;
    let close = props.dispatch.reform(|_: MouseEvent| Action::CloseHelp);
    html! {
        <div class="overlay" data-testid="help">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title">
                <h2 id="help-title">{ t(lang, "help.title") }</h2>
                <ul>
                    { for ["help.space", "help.step", "help.faster", "help.slower", "help.help"]
                        .iter().map(|k| html! { <li>{ t(lang, k) }</li> }) }
                </ul>
                <button type="button" onclick={close}>{ t(lang, "help.close") }</button>
            </div>
        </div>
    }
}
