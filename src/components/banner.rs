//! An error banner (a bad link or file, a refused change) that says the work is kept, and a
//! short notice (link copied, autosave restored).

use crate::state::{Action, Banner};
use mqlab_appcore::i18n::{t, Lang};
use yew::prelude::*;

pub struct BannersProps {
    pub lang: Lang,
    pub banner: Option<Banner>,
    pub notice: Option<&'static str>,
    pub dispatch: Callback<Action>,
}

/// A plain function, not a component: it renders with the app (a component of its own costs
/// ~1 KB of wasm; its props are cheap to render again).
pub fn banners(props: &BannersProps) -> Html {
    let lang = props.lang;
    let dismiss = props.dispatch.reform(|_: MouseEvent| Action::DismissBanner);
    let dismiss_notice = props.dispatch.reform(|_: MouseEvent| Action::DismissNotice);
    html! {
        <>
            if let Some(b) = &props.banner {
                <div class="banner error" role="alert" data-testid="error-banner">
                    <strong>{ t(lang, b.title_key) }</strong>
                    // User-supplied text (a link, a file) is rendered as text, never as HTML.
                    <span class="detail" data-testid="error-detail">{ &b.detail }</span>
                    <span>{ t(lang, "error.keep_work") }</span>
                    <button type="button" onclick={dismiss}>{ t(lang, "error.dismiss") }</button>
                </div>
            }
            if let Some(key) = props.notice {
                <div class="banner notice" role="status" data-testid="notice">
                    <span>{ t(lang, key) }</span>
                    <button type="button" aria-label={t(lang, "error.dismiss")} onclick={dismiss_notice}>{ "×" }</button>
                </div>
            }
        </>
    }
}
