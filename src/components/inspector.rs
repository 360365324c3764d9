//! The inspector: a clicked queue shows its GetQueueAttributes (All) view; a clicked message
//! shows its life, step by step, with each receipt handle and visibility deadline.

use crate::canvas::diagram::Hit;
use crate::format::format_clock;
use crate::lab::Lab;
use crate::state::{Action, Selection};
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::view::{Arrival, LifeKind, LifeStep, Mark};
use mqlab_engine::sqs::queue_url;
use serde_json::json;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The queue view refreshes every this many panel refreshes (it runs GetQueueAttributes on
/// a copy of the world).
const QUEUE_REFRESH_PANELS: u64 = 5;

#[derive(Properties)]
pub struct InspectorProps {
    pub lang: Lang,
    pub labs: Vec<Rc<RefCell<Lab>>>,
    pub selected: Option<Selection>,
    pub panels: u64,
    /// Edits applied to the runs: an edit (a new filter policy) shows at once, even paused.
    pub edits: usize,
    /// Refused edits by form field (the subscription view shows its own).
    pub errors: std::collections::BTreeMap<String, String>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for InspectorProps {
    fn eq(&self, o: &Self) -> bool {
        self.lang == o.lang
            && self.selected == o.selected
            && self.edits == o.edits
            && self.errors == o.errors
            && self.panels / QUEUE_REFRESH_PANELS == o.panels / QUEUE_REFRESH_PANELS
            && self.labs.len() == o.labs.len()
            && self.labs.iter().zip(&o.labs).all(|(a, b)| Rc::ptr_eq(a, b))
    }
}

fn step_text(s: &LifeStep, lang: Lang) -> (String, Option<String>) {
    let by = |b: &Option<String>| b.clone().map(|b| format!(" · {b}")).unwrap_or_default();
    match &s.kind {
        LifeKind::Sent {
            by: who,
            delayed_until_ms,
        } => (
            format!(
                "SendMessage{}{}",
                by(who),
                delayed_until_ms
                    .map(|d| format!(" · {} → {}", t(lang, "msg.state.delayed"), format_clock(d)))
                    .unwrap_or_default()
            ),
            None,
        ),
        LifeKind::Visible(a) => {
            let why = match a {
                Arrival::TimedOut => "VisibilityTimeout ↺",
                Arrival::DelayEnded => "DelaySeconds ✓",
                Arrival::Released => "ChangeMessageVisibility 0",
                Arrival::UndeletedCopy => t(lang, "msg.duplicate"),
                _ => "",
            };
            (format!("{} · {why}", t(lang, "msg.state.visible")), None)
        }
        LifeKind::Received {
            by: who,
            receive_count,
            receipt_handle,
            visible_at_ms,
            duplicate,
        } => (
            format!(
                "ReceiveMessage{} · {}{} · {} {}",
                by(who),
                tf(
                    lang,
                    "msg.receive_count",
                    &[("n", &receive_count.to_string())]
                ),
                if *duplicate {
                    format!(" · {}", t(lang, "msg.duplicate"))
                } else {
                    String::new()
                },
                t(lang, "inspector.visible_at"),
                format_clock(*visible_at_ms)
            ),
            Some(receipt_handle.clone()),
        ),
        LifeKind::VisibilityChanged { visible_at_ms } => (
            format!(
                "ChangeMessageVisibility · {} {}",
                t(lang, "inspector.visible_at"),
                format_clock(*visible_at_ms)
            ),
            None,
        ),
        LifeKind::Processed { by: who, ok } => {
            (format!("{} {}", who, if *ok { "✓" } else { "✗" }), None)
        }
        LifeKind::Deleted { by: who } => (format!("DeleteMessage{}", by(who)), None),
        LifeKind::MovedToDeadLetterQueue {
            dead_letter_queue,
            receive_count,
        } => (
            format!(
                "{} → {dead_letter_queue} · {}",
                t(lang, "msg.state.dlq"),
                tf(
                    lang,
                    "msg.receive_count",
                    &[("n", &receive_count.to_string())]
                )
            ),
            None,
        ),
        LifeKind::Redriven {
            destination,
            new_message_id,
        } => (
            format!("StartMessageMoveTask → {destination} · {new_message_id}"),
            None,
        ),
        LifeKind::Expired => (t(lang, "msg.state.expired").to_string(), None),
        LifeKind::Purged => ("PurgeQueue".to_string(), None),
    }
}

/// `raw`: Some(RawMessageDelivery) when the queue is subscribed to a topic (its messages are
/// what SNS delivered: the JSON envelope, or the bare message when raw).
fn message_view(m: &Mark, queue: &str, body: Option<&str>, raw: Option<bool>, lang: Lang) -> Html {
    html! {
        <div data-testid="inspector-message">
            <p><code class="id">{ &m.message_id }</code>{ format!(" · {queue}") }</p>
            if let Some(raw) = raw {
                <p class="muted" data-testid="received-kind">
                    { t(lang, if raw { "inspector.raw" } else { "inspector.envelope" }) }
                </p>
            }
            if let Some(b) = body {
                <h3>{ t(lang, "inspector.body") }</h3>
                <pre class="body" data-testid="message-body">{ b }</pre>
            }
            <h3>{ t(lang, "inspector.message_life") }</h3>
            <ol class="life" data-testid="inspector-life">
                { for m.life.iter().enumerate().map(|(i, s)| {
                    let (text, handle) = step_text(s, lang);
                    html! {
                        <>
                            if i == 1 && m.life_dropped > 0 {
                                <li class="muted">{ format!("… {}", m.life_dropped) }</li>
                            }
                            <li>
                                <span class="time">{ format_clock(s.at_ms) }</span>{ " " }{ text }
                                if let Some(h) = handle {
                                    <div class="handle" title={t(lang, "inspector.receipt_handle")}>
                                        <span class="muted">{ t(lang, "inspector.receipt_handle") }{ ": " }</span>
                                        <code>{ h }</code>
                                    </div>
                                }
                            </li>
                        </>
                    }
                }) }
            </ol>
        </div>
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let lang = props.lang;
    // The last message seen, so its life stays readable after it fades from the view.
    let kept = use_mut_ref(|| None::<(Selection, Mark, String, Option<String>)>);
    let body = match props.selected {
        None => html! { <p class="muted">{ t(lang, "inspector.none") }</p> },
        Some(sel @ (side, hit)) => {
            let Some(lab) = props.labs.get(side) else {
                return html! {};
            };
            let lab = lab.borrow();
            match hit {
                Hit::Message(serial) => {
                    if let Some(m) = lab.vm.mark(serial) {
                        let q = lab.vm.queues[m.queue as usize].name.clone();
                        let body = lab.world().sqs().queue_by_name(&q).and_then(|queue| {
                            queue
                                .messages()
                                .find(|x| x.id == m.message_id)
                                .map(|x| x.body.to_string())
                        });
                        *kept.borrow_mut() = Some((sel, m.clone(), q, body));
                    }
                    match &*kept.borrow() {
                        Some((s, m, q, body)) if *s == sel => {
                            let raw = lab
                                .vm
                                .sns
                                .topics
                                .iter()
                                .flat_map(|t| &t.subscriptions)
                                .find(|s| !s.deleted && s.queue.as_deref() == Some(q.as_str()))
                                .map(|s| s.raw);
                            message_view(m, q, body.as_deref(), raw, lang)
                        }
                        _ => html! { <p class="muted">{ t(lang, "inspector.none") }</p> },
                    }
                }
                Hit::Topic(ti) => super::sns_inspector::topic_view(&lab, ti, lang),
                Hit::Subscription(ti, si) => super::sns_inspector::subscription_view(
                    &lab,
                    side,
                    (ti, si),
                    lang,
                    &props.dispatch,
                    &props.errors,
                ),
                Hit::Copy(serial) => super::sns_inspector::copy_view(&lab, serial, lang),
                Hit::Stream(si) => super::kinesis_inspector::stream_view(&lab, si, lang),
                Hit::Queue(qi) => {
                    let name = lab
                        .vm
                        .queues
                        .get(qi as usize)
                        .map(|q| q.name.clone())
                        .unwrap_or_default();
                    let attrs = lab.peek_call(
                        "GetQueueAttributes",
                        &json!({"QueueUrl": queue_url(&name), "AttributeNames": ["All"]}),
                    );
                    html! {
                        <div data-testid="inspector-queue">
                            <p><code>{ queue_url(&name) }</code></p>
                            <h3>{ t(lang, "inspector.queue_attributes") }</h3>
                            { super::sns_inspector::attribute_rows(attrs) }
                        </div>
                    }
                }
            }
        }
    };
    let clear = props.dispatch.reform(|_: MouseEvent| Action::Select(None));
    html! {
        <section class="panel inspector" data-testid="inspector">
            <h2>{ t(lang, "panel.inspector") }</h2>
            { body }
            if props.selected.is_some() {
                <button type="button" class="link" onclick={clear}>{ t(lang, "help.close") }</button>
            }
        </section>
    }
}
