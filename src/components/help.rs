//! The help overlay (`?`): what the page is, how to start, and the keyboard shortcuts.

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
                <p data-testid="help-about">{ t(lang, "help.about") }</p>
                <h3>{ t(lang, "help.start_title") }</h3>
                <ol data-testid="help-start">
                    { for ["help.start_preset", "help.start_play", "help.start_inspect", "help.start_change"]
                        .iter().map(|k| html! { <li>{ t(lang, k) }</li> }) }
                </ol>
                <h3>{ t(lang, "help.shortcuts") }</h3>
                <ul data-testid="help-shortcuts">
                    { for ["help.space", "help.step", "help.faster", "help.slower", "help.help"]
                        .iter().map(|k| html! { <li>{ t(lang, k) }</li> }) }
                </ul>
                <button type="button" onclick={close}>{ t(lang, "help.close") }</button>
            </div>
        </div>
    }
}
