//! Browser tests of the page: the app mounted into a <div> in headless Chromium.
//!
//!   cargo test -p mqlab --target wasm32-unknown-unknown    (scripts/test.sh does this)

use gloo_timers::future::sleep;
use mqlab::sim::Sim;
use mqlab::view_model::{format_clock, format_usd, view_model};
use mqlab::{App, SMOKE_SCENARIO};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn mount_app() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

fn find(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
}

fn number(root: &Element, testid: &str) -> Option<u64> {
    find(root, testid)?.text_content()?.trim().parse().ok()
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
async fn app_shows_the_smoke_queue_paused_at_time_zero() {
    let root = mount_app();
    wait_until("the queue table renders", Duration::from_secs(5), || {
        find(&root, "visible-orders").is_some()
    })
    .await;
    assert_eq!(
        find(&root, "clock")
            .unwrap()
            .get_attribute("data-ms")
            .as_deref(),
        Some("0")
    );
    assert_eq!(
        find(&root, "scenario").unwrap().text_content().as_deref(),
        Some("smoke")
    );
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
    assert!(find(&root, "error").is_none());
}

#[wasm_bindgen_test]
async fn pressing_play_runs_the_simulation_and_pause_stops_it() {
    let root = mount_app();
    wait_until("the play button renders", Duration::from_secs(5), || {
        find(&root, "play").is_some()
    })
    .await;
    find(&root, "play")
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    wait_until(
        "messages are sent, received and deleted",
        Duration::from_secs(10),
        || {
            number(&root, "sent-orders").unwrap_or(0) > 0
                && number(&root, "received-orders").unwrap_or(0) > 0
                && number(&root, "deleted-orders").unwrap_or(0) > 0
        },
    )
    .await;

    find(&root, "pause")
        .unwrap()
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
    sleep(Duration::from_millis(50)).await;
    let clock = |root: &Element| find(root, "clock").unwrap().get_attribute("data-ms");
    let paused_at = clock(&root);
    sleep(Duration::from_millis(200)).await;
    assert_eq!(
        clock(&root),
        paused_at,
        "virtual time stands still while paused"
    );
}

#[wasm_bindgen_test]
fn view_model_reports_the_run() {
    let mut sim = Sim::from_json(SMOKE_SCENARIO).unwrap();
    sim.advance_to(60_000);
    let view = view_model(&sim);
    assert_eq!(view.scenario, "smoke");
    assert_eq!(view.now_ms, 60_000);
    assert_eq!(view.clock, "0:01:00.0");
    let orders = view.queues.iter().find(|q| q.name == "orders").unwrap();
    assert!(!orders.fifo);
    // 5 messages a second for a minute, two consumers long-polling and deleting.
    assert!(orders.sent > 250, "sent {}", orders.sent);
    assert!(orders.received > 0 && orders.deleted > 0);
    assert!(orders.deleted <= orders.received);
    assert!(view.requests > 0);
    assert_eq!(view.events, sim.events_seen());
    assert_eq!(view.events_hash, format!("{:016x}", sim.events_hash()));
}

#[wasm_bindgen_test]
fn clock_shows_hours_minutes_seconds_and_tenths() {
    assert_eq!(format_clock(0), "0:00:00.0");
    assert_eq!(format_clock(83_456), "0:01:23.4");
    assert_eq!(format_clock(14 * 86_400_000), "336:00:00.0");
}

#[wasm_bindgen_test]
fn cost_shows_a_single_request() {
    assert_eq!(format_usd(0.0000004), "$0.0000004");
    assert_eq!(format_usd(0.0), "$0.0000000");
}

#[wasm_bindgen_test]
fn a_frame_after_a_long_pause_is_capped() {
    let mut sim = Sim::from_json(SMOKE_SCENARIO).unwrap();
    // A tab hidden for a minute comes back: one frame, capped, at 10x.
    sim.advance_real(60_000.0, 10.0);
    assert_eq!(
        sim.world().now(),
        (mqlab::sim::FRAME_REAL_MS_MAX * 10.0) as u64
    );
}
