//! The few browser services the page uses, each behind a function that fails quietly (a
//! private window may refuse storage; a test page may have no `location.hash`).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn media_matches(query: &str) -> bool {
    window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

pub fn prefers_dark() -> bool {
    media_matches("(prefers-color-scheme: dark)")
}

pub fn prefers_reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

/// The browser's preferred language tag, e.g. `ko-KR`.
pub fn browser_language() -> Option<String> {
    window()?.navigator().language()
}

pub fn storage_get(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn storage_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// The URL fragment, with its `#`.
pub fn location_hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the URL fragment without navigating or adding a history entry.
pub fn replace_hash(fragment: &str) {
    let Some(w) = window() else { return };
    let Ok(history) = w.history() else { return };
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(fragment));
}

/// The page's own URL with `fragment`.
pub fn url_with_hash(fragment: &str) -> String {
    let Some(w) = window() else {
        return fragment.to_string();
    };
    let loc = w.location();
    let base = loc.href().unwrap_or_default();
    let base = base.split('#').next().unwrap_or_default().to_string();
    format!("{base}{fragment}")
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Saves `text` as a file named `name` (a download of a same-origin blob URL).
pub fn download(name: &str, text: &str, mime: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = doc
        .create_element("a")
        .map(|e| e.unchecked_into::<web_sys::HtmlAnchorElement>())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Scrolls the element with this id into view.
pub fn scroll_to(id: &str) {
    if let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        el.scroll_into_view();
    }
}

/// Sets an attribute on `<html>` (theme, language), or removes it when `value` is None.
pub fn set_root_attribute(name: &str, value: Option<&str>) {
    let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match value {
        Some(v) => el.set_attribute(name, v),
        None => el.remove_attribute(name),
    };
}

/// A `keydown` listener on the document, removed when the handle is dropped.
pub struct KeyListener {
    closure: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
}

impl KeyListener {
    pub fn new(f: impl FnMut(web_sys::KeyboardEvent) + 'static) -> Option<KeyListener> {
        let doc = window()?.document()?;
        let closure = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(f);
        doc.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref())
            .ok()?;
        Some(KeyListener { closure })
    }
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(doc) = window().and_then(|w| w.document()) {
            let _ = doc.remove_event_listener_with_callback(
                "keydown",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}

/// Shows a banner when the program panics, written straight into the DOM: after a panic the
/// app cannot render anything. Its button reloads the page, which restores the autosave.
///
/// Installed through Yew: a hook set with `std::panic::set_hook` is replaced by Yew's own
/// (console only) when the app renders, which left a dead page on a panic.
pub fn install_panic_hook(title: &'static str, action: &'static str) {
    yew::set_custom_panic_hook(Box::new(move |info| {
        web_sys::console::error_1(&JsValue::from_str(&info.to_string()));
        error_banner(title, action);
    }));
}

/// The page-wide error banner (`panic-banner`, as index.html draws for a WebAssembly trap):
/// `title`, and a button that reloads the page. Shown once.
pub fn error_banner(title: &str, action: &str) {
    let Some(doc) = window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    if doc.get_element_by_id("panic-banner").is_some() {
        return;
    }
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    div.set_id("panic-banner");
    div.set_class_name("banner error panic");
    let _ = div.set_attribute("role", "alert");
    let _ = div.set_attribute("data-testid", "panic-banner");
    if let Ok(p) = doc.create_element("strong") {
        p.set_text_content(Some(title));
        let _ = div.append_child(&p);
    }
    if let Ok(b) = doc.create_element("button") {
        b.set_text_content(Some(action));
        let _ = b.set_attribute("type", "button");
        let _ = b.set_attribute("onclick", "location.reload()");
        let _ = div.append_child(&b);
    }
    let _ = body.insert_before(&div, body.first_child().as_ref());
}

/// Fetches the scenarios of presets `ids` that the page does not have yet (the build carries
/// only the default one; see `presets::file`), and keeps them.
pub async fn fetch_presets(ids: &[&str]) -> Result<(), String> {
    use mqlab_appcore::presets;
    for id in ids {
        if presets::json(id).is_none() {
            let text = fetch_text(&presets::file(id)).await?;
            presets::remember(id, &text);
        }
    }
    Ok(())
}

/// Fetches a text file of the page's own origin, relative to the page (a lesson: lessons are
/// files next to the page, not part of the program). The error names the file.
pub async fn fetch_text(path: &str) -> Result<String, String> {
    use wasm_bindgen_futures::JsFuture;
    let w = window().ok_or_else(|| format!("{path}: no window"))?;
    let response = JsFuture::from(w.fetch_with_str(path))
        .await
        .map_err(|_| format!("{path}: could not be fetched"))?
        .dyn_into::<web_sys::Response>()
        .map_err(|_| format!("{path}: not a response"))?;
    if !response.ok() {
        return Err(format!("{path}: HTTP {}", response.status()));
    }
    let text = response
        .text()
        .map_err(|_| format!("{path}: could not be read"))?;
    JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| format!("{path}: could not be read"))
}

/// The byte length of this program's WebAssembly memory (it only grows: the high-water mark).
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| {
            m.buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0.0, |b| b.byte_length() as f64)
        })
        .unwrap_or(0.0)
}

/// Where the first download hands a scenario to the full page: the scenario's JSON, read
/// (and removed) by the full page when it opens with [`FULL_PAGE_HANDOFF`] as its fragment.
pub const FULL_PAGE_HANDOFF_KEY: &str = "mqlab.full-page-handoff";
pub const FULL_PAGE_HANDOFF: &str = "#handoff";

/// Opens the full page (`full/`, every service the engine simulates) at `fragment`: a link,
/// a lesson's `#learn/<id>`, [`FULL_PAGE_HANDOFF`], or nothing (it restores the autosave).
pub fn open_full_page(fragment: &str) {
    LEAVING.with(|l| l.set(true));
    if let Some(w) = window() {
        let _ = w.location().assign(&format!("full/{fragment}"));
    }
}

thread_local! {
    static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// True once this page is on its way to the full page: it then writes no autosave, so the
/// run it shows meanwhile (the default preset) cannot replace the work the full page is
/// about to restore (the two pages share one origin, and so one localStorage).
pub fn leaving_for_full_page() -> bool {
    LEAVING.with(|l| l.get())
}

/// Hands `scenario_json` (a preset's or an imported file's) to the full page and opens it.
pub fn hand_off_to_full_page(scenario_json: &str) {
    storage_set(FULL_PAGE_HANDOFF_KEY, scenario_json);
    open_full_page(FULL_PAGE_HANDOFF);
}

/// The scenario the first download handed over, once (it is removed as it is read).
pub fn take_full_page_handoff() -> Option<String> {
    let s = window()?.local_storage().ok().flatten()?;
    let text = s.get_item(FULL_PAGE_HANDOFF_KEY).ok().flatten();
    let _ = s.remove_item(FULL_PAGE_HANDOFF_KEY);
    text
}
