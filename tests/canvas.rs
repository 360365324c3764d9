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

/// A chart canvas of `w`×`h` CSS pixels in the page (the chart reads its CSS box).
fn chart_canvas(w: u32, h: u32) -> (HtmlCanvasElement, CanvasRenderingContext2d) {
    let (c, ctx) = canvas(w, h);
    c.set_attribute("style", &format!("width:{w}px;height:{h}px;display:block"))
        .unwrap();
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .body()
        .unwrap()
        .append_child(&c)
        .unwrap();
    (c, ctx)
}

#[wasm_bindgen_test]
fn a_chart_draws_full_minutes_solid_the_running_minute_dashed_and_the_lessons_moment() {
    use mqlab::canvas::charts::{draw, ChartData, Line, Rgb};
    use mqlab_appcore::axis::Unit;
    let (c, ctx) = chart_canvas(400, 200);
    let chart = ChartData {
        id: "throughput",
        title: "NumberOfMessagesSent (Sum, 1 min)".into(),
        unit: Unit::Number,
        lines: vec![Line {
            name: "Sent",
            color: Rgb(37, 99, 235),
            points: vec![
                (0.0, 10.0),
                (1.0, 10.0),
                (1.0, 20.0),
                (2.0, 20.0),
                (2.0, 30.0),
                (2.5, 30.0),
            ],
            open_from: Some(2.0),
        }],
    };
    let ticks = draw(&c, &chart, false, Some(1.5)).unwrap();
    assert_eq!(ticks, "x=0:00,0:30,1:00,1:30,2:00,2:30;y=0,10,20,30,40");
    // The plot spans x 50..392 for 0..2.5 min and y 182..23 for 0..40 (CSS px), scaled by
    // the device pixel ratio the chart drew with.
    let k = c.width() as f64 / 400.0;
    let sx = |x: f64| ((50.0 + x / 2.5 * 342.0) * k) as i32;
    let sy = |y: f64| ((182.0 - y / 40.0 * 159.0) * k) as i32;
    let pixels = |x0: i32, x1: i32, y: i32| -> Vec<[u8; 4]> {
        let rows = (3.0 * k) as i32;
        let img = ctx
            .get_image_data(
                (x0) as f64,
                (y - rows) as f64,
                (x1 - x0) as f64,
                (2 * rows + 1) as f64,
            )
            .unwrap()
            .data();
        // Per column: the bluest pixel of the rows around y.
        (0..(x1 - x0) as usize)
            .map(|col| {
                (0..(2 * rows + 1) as usize)
                    .map(|row| {
                        let i = 4 * (row * (x1 - x0) as usize + col);
                        [img[i], img[i + 1], img[i + 2], img[i + 3]]
                    })
                    .max_by_key(|p| p[2] as i32 - p[0] as i32)
                    .unwrap()
            })
            .collect()
    };
    let blue = |p: &[u8; 4]| p[2] as i32 - p[0] as i32 > 80;
    let solid = pixels(sx(0.1), sx(0.9), sy(10.0));
    assert!(
        solid.iter().all(blue),
        "the first full minute is one unbroken line"
    );
    let open = pixels(sx(2.05), sx(2.45), sy(30.0));
    let gaps = open.iter().filter(|p| !blue(p)).count();
    assert!(
        open.iter().any(blue) && gaps * 5 > open.len(),
        "the running minute is dashed: {gaps} of {} columns are gaps",
        open.len()
    );
    // The lesson's moment: an orange vertical line at 1:30 across the plot.
    let x = sx(1.5);
    let col = ctx
        .get_image_data(
            (x - 2) as f64,
            sy(35.0) as f64,
            5.0,
            (sy(5.0) - sy(35.0)) as f64,
        )
        .unwrap()
        .data();
    let orange_rows = col
        .chunks(4 * 5)
        .filter(|row| row.chunks(4).any(|p| p[0] > 150 && p[1] < 110 && p[2] < 60))
        .count();
    assert!(
        orange_rows as i32 >= (sy(5.0) - sy(35.0)) * 9 / 10,
        "marker line: {orange_rows} rows"
    );
}
