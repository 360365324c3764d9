//! Browser tests of the page: the app mounted into a <div> in headless Chromium.
//!
//!   cargo test -p mqlab --target wasm32-unknown-unknown    (scripts/test.sh does this)

use gloo_timers::future::sleep;
use mqlab::format::{format_clock, format_speed, format_usd};
use mqlab::App;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A mounted app; dropping it unmounts the app and removes its element, so no test's app
/// keeps running (or hears the next test's key presses) after the test.
struct Mounted {
    root: Element,
    handle: Option<yew::AppHandle<App>>,
}

impl std::ops::Deref for Mounted {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.destroy();
        }
        self.root.remove();
    }
}

fn mount_app() -> Mounted {
    let window = web_sys::window().unwrap();
    // Each test starts from the default preset: no link, no autosave.
    let _ = window.local_storage().unwrap().unwrap().clear();
    let _ = window.history().unwrap().replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&window.location().pathname().unwrap()),
    );
    let document = window.document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    Mounted {
        root,
        handle: Some(handle),
    }
}

fn find(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
}

fn number(root: &Element, testid: &str) -> Option<u64> {
    // Counts are printed with thousands separators.
    find(root, testid)?
        .text_content()?
        .trim()
        .replace(',', "")
        .parse()
        .ok()
}

fn click(root: &Element, testid: &str) {
    find(root, testid)
        .unwrap_or_else(|| panic!("no {testid}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn clock_ms(root: &Element) -> u64 {
    find(root, "clock")
        .unwrap()
        .get_attribute("data-ms")
        .unwrap()
        .parse()
        .unwrap()
}

fn key(k: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(k);
    init.set_bubbles(true);
    let e = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .dispatch_event(&e)
        .unwrap();
}

/// Poll until `ready` holds (the app renders and animates asynchronously) or time runs out.
async fn wait_until(what: &str, timeout: Duration, ready: impl Fn() -> bool) {
    let step = Duration::from_millis(20);
    let mut waited = Duration::ZERO;
    while !ready() {
        assert!(
            waited < timeout,
            "timed out after {timeout:?} waiting until {what}"
        );
        sleep(step).await;
        waited += step;
    }
}

#[wasm_bindgen_test]
async fn app_opens_the_default_preset_paused_at_time_zero() {
    let root = mount_app();
    wait_until("the queue table renders", Duration::from_secs(5), || {
        find(&root, "visible-orders").is_some()
    })
    .await;
    assert_eq!(clock_ms(&root), 0);
    let preset = find(&root, "preset")
        .unwrap()
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    assert_eq!(preset.value(), "decoupling");
    // The explanation is a file beside the page (texts/presets.json): the e2e tests, which
    // serve dist/, check its text; this test's server has no such file, so the panel must say
    // which file it could not read instead.
    wait_until(
        "the explanation or its error shows",
        Duration::from_secs(5),
        || find(&root, "explanation").is_some() || find(&root, "explanation-error").is_some(),
    )
    .await;
    match find(&root, "explanation") {
        Some(e) => assert!(!e.text_content().unwrap_or_default().is_empty()),
        None => assert!(find(&root, "explanation-error")
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains("texts/presets.json"))),
    }
    for counter in [
        "visible",
        "in-flight",
        "delayed",
        "sent",
        "received",
        "deleted",
    ] {
        assert!(
            number(&root, &format!("{counter}-orders")).is_some(),
            "{counter}-orders shows a number"
        );
    }
    assert!(find(&root, "diagram").is_some());
    assert!(find(&root, "error-banner").is_none());
}

#[wasm_bindgen_test]
async fn pressing_play_runs_the_simulation_and_pause_stops_it() {
    let root = mount_app();
    wait_until("the play button renders", Duration::from_secs(5), || {
        find(&root, "play").is_some()
    })
    .await;
    click(&root, "play");
    wait_until(
        "messages are sent, received and deleted",
        Duration::from_secs(15),
        || {
            number(&root, "sent-orders").unwrap_or(0) > 0
                && number(&root, "received-orders").unwrap_or(0) > 0
                && number(&root, "deleted-orders").unwrap_or(0) > 0
        },
    )
    .await;
    assert!(
        find(&root, "diagram").unwrap().has_attribute("data-marks"),
        "the canvas draws"
    );
    click(&root, "pause");
    wait_until("the pause takes effect", Duration::from_secs(3), || {
        find(&root, "pause").is_some_and(|b| b.has_attribute("disabled"))
    })
    .await;
    sleep(Duration::from_millis(100)).await;
    let paused_at = clock_ms(&root);
    sleep(Duration::from_millis(200)).await;
    assert_eq!(
        clock_ms(&root),
        paused_at,
        "virtual time stands still while paused"
    );
}

#[wasm_bindgen_test]
async fn keyboard_steps_changes_speed_and_opens_help() {
    let root = mount_app();
    wait_until("the toolbar renders", Duration::from_secs(5), || {
        find(&root, "speed").is_some()
    })
    .await;
    wait_until("the shortcuts listen", Duration::from_secs(5), || {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .is_some_and(|html| html.get_attribute("data-shortcuts").as_deref() == Some("on"))
    })
    .await;
    let speed = |root: &Element| find(root, "speed").unwrap().text_content().unwrap();
    assert_eq!(speed(&root), "10×");
    let quick = Duration::from_secs(3);
    key("+");
    wait_until("+ raises the speed to 25×", quick, || {
        speed(&root) == "25×"
    })
    .await;
    key("-");
    key("-");
    wait_until("− − lowers it to 5×", quick, || speed(&root) == "5×").await;
    key("ArrowRight");
    wait_until("→ steps to the next event", quick, || clock_ms(&root) > 0).await;
    assert!(find(&root, "help").is_none());
    key("?");
    wait_until("? opens the help", quick, || find(&root, "help").is_some()).await;
    key("Escape");
    wait_until("Escape closes the help", quick, || {
        find(&root, "help").is_none()
    })
    .await;
}

#[wasm_bindgen_test]
async fn switching_the_language_translates_the_page() {
    let root = mount_app();
    wait_until("the toolbar renders", Duration::from_secs(5), || {
        find(&root, "play").is_some()
    })
    .await;
    let lang = find(&root, "lang")
        .unwrap()
        .dyn_into::<web_sys::HtmlSelectElement>()
        .unwrap();
    lang.set_value("ko");
    lang.dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    wait_until(
        "the play button reads 재생",
        Duration::from_secs(3),
        || {
            find(&root, "play")
                .and_then(|e| e.text_content())
                .is_some_and(|t| t.contains("재생"))
        },
    )
    .await;
}

#[wasm_bindgen_test]
fn clock_shows_hours_minutes_seconds_and_tenths() {
    assert_eq!(format_clock(0), "0:00:00.0");
    assert_eq!(format_clock(83_456), "0:01:23.4");
    assert_eq!(format_clock(14 * 86_400_000), "336:00:00.0");
}

#[wasm_bindgen_test]
fn cost_shows_a_single_request_and_speeds_print_short() {
    assert_eq!(format_usd(0.0000004), "$0.0000004");
    assert_eq!(format_usd(0.0), "$0.0000000");
    assert_eq!(format_speed(0.1), "0.1×");
    assert_eq!(format_speed(1000.0), "1000×");
}

#[wasm_bindgen_test]
async fn a_refused_queue_attribute_shows_the_aws_message_next_to_its_field() {
    let root = mount_app();
    wait_until(
        "the parameter panel renders",
        Duration::from_secs(5),
        || find(&root, "param-VisibilityTimeout").is_some(),
    )
    .await;
    let input = find(&root, "param-VisibilityTimeout")
        .unwrap()
        .dyn_into::<web_sys::HtmlInputElement>()
        .unwrap();
    input.set_value("99999");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    wait_until("the refusal shows", Duration::from_secs(2), || {
        find(&root, "error-VisibilityTimeout")
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains("VisibilityTimeout"))
    })
    .await;
    input.set_value("45");
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    wait_until(
        "the accepted value clears it",
        Duration::from_secs(2),
        || {
            find(&root, "error-VisibilityTimeout")
                .and_then(|e| e.text_content())
                .is_some_and(|t| t.is_empty())
        },
    )
    .await;
}

#[wasm_bindgen_test]
async fn a_banner_shows_user_text_as_text() {
    use mqlab::components::banner::{banners, BannersProps};
    use mqlab::state::Banner;
    use yew::prelude::*;
    // `banners` renders inside the app's own render; here a one-off component hosts it.
    #[function_component(BannersUnderTest)]
    fn banners_under_test() -> Html {
        banners(&BannersProps {
            lang: mqlab_appcore::i18n::Lang::Ko,
            banner: Some(Banner {
                title_key: "error.bad_file",
                detail: "queues[0].QueueName: <img src=x onerror=alert(1)>".into(),
            }),
            notice: None,
            dispatch: Callback::noop(),
        })
    }
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<BannersUnderTest>::with_root(root.clone()).render();
    wait_until("the banner renders", Duration::from_secs(2), || {
        find(&root, "error-banner").is_some()
    })
    .await;
    assert!(root.query_selector("img").unwrap().is_none());
    let text = find(&root, "error-detail").unwrap().text_content().unwrap();
    assert!(text.contains("<img"), "{text}");
    assert!(find(&root, "error-banner")
        .unwrap()
        .text_content()
        .unwrap()
        .contains("가져올 수 없습니다"));
}
