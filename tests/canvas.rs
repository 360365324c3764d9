//! The diagram's layout (a pure function) and its renderer, drawn on a real canvas.

use mqlab::canvas::diagram::{DrawOptions, Hit, Renderer, MARKS_DRAWN_MAX};
use mqlab::canvas::layout::{layout, CELL_SIZES_PX};
use mqlab::lab::Lab;
use mqlab_appcore::i18n::Lang;
use mqlab_appcore::presets;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn preset(id: &str, t_ms: u64) -> Lab {
    let mut lab = Lab::from_json(presets::by_id(id).unwrap().scenario_json(), None).unwrap();
    lab.run_to(t_ms);
    lab
}

fn canvas(w: u32, h: u32) -> (HtmlCanvasElement, CanvasRenderingContext2d) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c: HtmlCanvasElement = doc.create_element("canvas").unwrap().unchecked_into();
    c.set_width(w);
    c.set_height(h);
    let ctx = c.get_context("2d").unwrap().unwrap().unchecked_into();
    (c, ctx)
}

fn opts() -> DrawOptions {
    DrawOptions {
        dark: false,
        reduced_motion: false,
        settle: true,
        lang: Lang::En,
        real_dt_ms: 16.0,
        selected: None,
    }
}

#[wasm_bindgen_test]
fn producers_left_queues_middle_consumers_right_and_the_dlq_below_its_queue() {
    let lab = preset("poison-dlq", 30_000);
    let vm = &lab.vm;
    let lay = layout(vm, 1000.0, 500.0, &[0, 0]);
    let (src, _) = vm.queue_by_name("orders").unwrap();
    let (dlq, _) = vm.queue_by_name("orders-dlq").unwrap();
    let src = lay.queues[src as usize].as_ref().unwrap();
    let dlq = lay.queues[dlq as usize].as_ref().unwrap();
    assert!(
        dlq.rect.y >= src.rect.y + src.rect.h,
        "the DLQ is below its source"
    );
    let producer = lay.producers[0];
    assert!(producer.x + producer.w < src.rect.x);
    for c in lay.consumers.iter().flatten() {
        assert!(c.x > src.rect.x + src.rect.w);
        assert!(c.x + c.w <= 1000.0);
    }
}

#[wasm_bindgen_test]
fn the_head_of_a_queue_is_nearest_the_consumers_and_a_big_backlog_gets_smaller_cells() {
    let lab = preset("decoupling", 0);
    let small = layout(&lab.vm, 1000.0, 500.0, &[10]);
    let q = small.queues[0].as_ref().unwrap();
    assert_eq!(q.cell, CELL_SIZES_PX[0]);
    let head = q.slot(None, 0).unwrap();
    let next = q.slot(None, q.rows).unwrap();
    assert!(head.0 > next.0, "slot 0 is in the rightmost column");
    let big = layout(&lab.vm, 1000.0, 500.0, &[20_000]);
    let q = big.queues[0].as_ref().unwrap();
    assert_eq!(q.cell, CELL_SIZES_PX[CELL_SIZES_PX.len() - 1]);
    assert!(q.slot(None, q.capacity(None)).is_none());
}

#[wasm_bindgen_test]
fn a_fifo_queue_gets_one_lane_per_message_group() {
    let lab = preset("fifo-groups", 20_000);
    let lay = layout(&lab.vm, 1000.0, 500.0, &[5]);
    let q = lay.queues[0].as_ref().unwrap();
    assert_eq!(q.lanes.len(), lab.vm.queues[0].groups.len());
    assert!(q.lanes.len() >= 2);
    for w in q.lanes.windows(2) {
        assert!(
            w[1].rect.y >= w[0].rect.y + w[0].rect.h - 0.01,
            "lanes do not overlap"
        );
    }
}

#[wasm_bindgen_test]
fn the_renderer_draws_a_mark_per_message_and_a_click_finds_it() {
    let lab = preset("decoupling", 25_000);
    let (_c, ctx) = canvas(1000, 500);
    let mut r = Renderer::new();
    r.draw(&ctx, &lab.vm, 1000.0, 500.0, &opts());
    let q = &lab.vm.queues[0];
    assert!(r.drawn > 0);
    assert!(r.drawn <= (q.depth()).min(MARKS_DRAWN_MAX));
    let (x, y) = r.first_mark().unwrap();
    assert!(matches!(r.hit(x, y), Some(Hit::Message(_))));
    let qb = r.layout().unwrap().queues[0].as_ref().unwrap().rect;
    assert_eq!(r.hit(qb.x + 3.0, qb.y + 3.0), Some(Hit::Queue(0)));
    assert_eq!(r.hit(1.0, 1.0), None);
}

#[wasm_bindgen_test]
fn a_topic_stands_between_its_publishers_and_its_subscribers_with_a_branch_to_each() {
    let lab = preset("sns-http-retries", 5_000);
    let vm = &lab.vm;
    let lay = layout(vm, 1000.0, 500.0, &vec![0; vm.queues.len()]);
    let topic = lay.topics[0].expect("the topic is placed");
    let producer = lay.producers[0];
    assert!(
        producer.x + producer.w < topic.x,
        "the publisher is left of the topic"
    );
    let subs = &vm.sns.topics[0].subscriptions;
    assert_eq!(
        lay.branches.len(),
        subs.len(),
        "one branch per subscription"
    );
    let (audit, _) = vm.queue_by_name("audit").unwrap();
    let audit = lay.queues[audit as usize].as_ref().unwrap().rect;
    for b in &lay.branches {
        assert_eq!(b.from, topic.right_mid());
        match b.endpoint {
            // The webhook gets a box of its own, in the queues' column.
            Some(r) => {
                assert_eq!(subs[b.subscription as usize].protocol, "https");
                assert!(r.x >= topic.x + topic.w && r.x == audit.x);
                assert_eq!(b.to, r.left_mid());
            }
            None => assert_eq!(b.to, audit.left_mid()),
        }
    }
    // The subscription's dead-letter queue sits with the dead-letter queues, below.
    let (dlq, _) = vm.queue_by_name("webhook-dlq").unwrap();
    assert!(vm.queues[dlq as usize].is_dead_letter_queue);
    let dlq = lay.queues[dlq as usize].as_ref().unwrap().rect;
    assert!(dlq.y > audit.y + audit.h);
}

#[wasm_bindgen_test]
fn a_copy_stopped_by_a_filter_is_drawn_before_the_filter_and_hovering_it_says_why() {
    let lab = preset("sns-filter", 4_000);
    let (_c, ctx) = canvas(1000, 500);
    let mut r = Renderer::new();
    let mut o = opts();
    o.reduced_motion = true;
    r.draw(&ctx, &lab.vm, 1000.0, 500.0, &o);
    let (x, y) = r
        .first_copy(&lab.vm, |s| {
            matches!(s, mqlab_appcore::sns_view::CopyState::Filtered { .. })
        })
        .expect("a filtered copy is drawn");
    assert!(matches!(r.hit(x, y), Some(Hit::Copy(_))));
    let text = r.hover_text(&lab.vm, x, y, Lang::En).unwrap();
    assert!(text.contains("filter policy"), "{text}");
    // The funnel itself selects its subscription.
    let (fx, fy) = mqlab::canvas::sns::landmarks(&lab.vm, r.layout().unwrap())
        .0
        .unwrap();
    assert!(matches!(r.hit(fx, fy), Some(Hit::Subscription(0, _))));
    let ko = r.hover_text(&lab.vm, x, y, Lang::Ko).unwrap();
    assert!(ko.contains("필터 정책"), "{ko}");
}

#[wasm_bindgen_test]
fn on_a_phone_width_a_topics_branches_keep_room_and_nothing_overlaps() {
    let lab = preset("sns-filter", 5_000);
    let vm = &lab.vm;
    let lay = layout(vm, 366.0, 420.0, &vec![0; vm.queues.len()]);
    let topic = lay.topics[0].unwrap();
    for p in &lay.producers {
        assert!(p.x + p.w < topic.x, "publishers left of the topic");
    }
    for b in &lay.branches {
        assert!(
            b.to.0 - b.from.0 >= 40.0,
            "branch {:?} → {:?}",
            b.from,
            b.to
        );
    }
    let queue = lay.queues.iter().flatten().next().unwrap().rect;
    assert!(topic.x + topic.w < queue.x);
    for c in lay.consumers.iter().flatten() {
        assert!(queue.x + queue.w < c.x && c.x + c.w <= 366.0);
    }
}
