//! The parameter panel: every queue attribute (sent through SetQueueAttributes, so a refused
//! value shows AWS's own message next to its field) and every producer and consumer setting,
//! with AWS's names, ranges and a one-line help in the page's language.

use super::same_lab;
use crate::lab::{Edit, Lab};
use crate::state::Action;
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::params::{
    consumer_params, consumer_value, dist_name, dlq_for, help, parse_in_range, producer_params,
    producer_target, producer_value, queue_choices, queue_params, set_consumer, set_producer,
    with_dist, ActorParam, ProducerTarget, BURST_NOW_DEFAULT, BURST_NOW_MAX, CONSUMER_OPTIONAL,
    MAX_RECEIVE_COUNT_RANGE, MAX_RECEIVE_COUNT_SUGGESTED, PRODUCER_OPTIONAL,
};
use mqlab_engine::actors::{Arrival, Burst, ConsumerSpec, ProducerSpec};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties)]
pub struct ParamPanelProps {
    pub lang: Lang,
    pub lab: Rc<RefCell<Lab>>,
    /// The run compared with it, if any: the panel can edit either.
    #[prop_or_default]
    pub compare: Option<Rc<RefCell<Lab>>>,
    /// The runs' applied edits when the parent drew (the runs are shared and change in
    /// place, so the count is taken then): an edit, or a seek across one, shows at once.
    #[prop_or_default]
    pub revision: (usize, usize),
    pub panels: u64,
    pub errors: BTreeMap<String, String>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for ParamPanelProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && match (&self.compare, &o.compare) {
                (Some(a), Some(b)) => same_lab(a, b),
                (None, None) => true,
                _ => false,
            }
            && self.lang == o.lang
            && self.errors == o.errors
            && self.revision == o.revision
            // Values change only by edits (which refresh at once); follow the run slowly.
            && self.panels / 10 == o.panels / 10
    }
}

#[derive(Properties, PartialEq)]
struct FieldProps {
    /// Test id and DOM id suffix.
    id: AttrValue,
    label: AttrValue,
    help: AttrValue,
    value: AttrValue,
    #[prop_or_default]
    min: Option<f64>,
    #[prop_or_default]
    max: Option<f64>,
    #[prop_or_default]
    step: Option<f64>,
    #[prop_or_default]
    /// (value, label) of each option; AWS values label themselves.
    options: Option<Vec<(&'static str, &'static str)>>,
    error: Option<String>,
    on_commit: Callback<String>,
}

/// One labelled field: a number (committed on Enter or leaving the field) or a choice.
#[function_component(Field)]
fn field(p: &FieldProps) -> Html {
    let dom_id = format!("param-{}", p.id);
    let err_id = format!("error-{}", p.id);
    let commit_input = p.on_commit.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default()
    });
    let commit_select = p.on_commit.reform(|e: Event| {
        e.target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default()
    });
    let control = match &p.options {
        Some(options) => html! {
            <select id={dom_id.clone()} data-testid={dom_id.clone()} onchange={commit_select}>
                { for options.iter().map(|(o, label)| html! { <option value={*o} selected={*o == p.value.as_str()}>{ *label }</option> }) }
            </select>
        },
        None => html! {
            <input
                id={dom_id.clone()}
                data-testid={dom_id.clone()}
                type="number"
                inputmode="decimal"
                value={p.value.clone()}
                min={p.min.map(|v| v.to_string())}
                max={p.max.map(|v| v.to_string())}
                step={p.step.map_or("any".to_string(), |v| v.to_string())}
                aria-invalid={p.error.is_some().to_string()}
                aria-describedby={err_id.clone()}
                onchange={commit_input}
            />
        },
    };
    html! {
        <div class={classes!("field", p.error.is_some().then_some("invalid"))}>
            <label for={dom_id.clone()}>{ &p.label }</label>
            { control }
            if !p.help.is_empty() {
                <small class="help">{ &p.help }</small>
            }
            <span class="field-error" id={err_id.clone()} data-testid={err_id} role="alert">
                { p.error.clone().unwrap_or_default() }
            </span>
        </div>
    }
}

/// Where an actor field sends its edits: which run, the field-id prefix, the dispatcher.
#[derive(Clone)]
struct Target {
    side: usize,
    /// "" for the main run, "r-" for the compared one (ids and test ids stay unique).
    prefix: &'static str,
    dispatch: Callback<Action>,
    /// The run itself: an edit starts from the settings as they are when the user acts, not
    /// as they were when the panel last drew (it redraws slowly while a run plays).
    lab: Rc<RefCell<Lab>>,
}

/// A producer's or a consumer group's settings, as the panel edits them.
trait ActorSpec: Clone + 'static {
    fn current(lab: &Lab, index: usize) -> Option<Self>;
    fn into_edit(self, index: usize) -> Edit;
}

impl ActorSpec for ProducerSpec {
    fn current(lab: &Lab, index: usize) -> Option<Self> {
        lab.world()
            .actors()
            .producers
            .get(index)
            .map(|p| p.spec.clone())
    }
    fn into_edit(self, index: usize) -> Edit {
        Edit::Producer { index, spec: self }
    }
}

impl ActorSpec for ConsumerSpec {
    fn current(lab: &Lab, index: usize) -> Option<Self> {
        lab.world().actors().consumer_specs.get(index).cloned()
    }
    fn into_edit(self, index: usize) -> Edit {
        Edit::Consumer { index, spec: self }
    }
}

impl Target {
    fn emit_edit(&self, field: String, edit: Edit) {
        self.dispatch.emit(Action::Edit {
            side: self.side,
            field,
            edit: Box::new(edit),
        });
    }

    fn emit_error(&self, field: String, message: Option<String>) {
        self.dispatch.emit(Action::FieldError { field, message });
    }

    /// Changes actor `index`'s current settings with `change` and sends the edit; nothing if
    /// `change` declines.
    fn edit_actor<S: ActorSpec>(
        &self,
        field: String,
        index: usize,
        change: impl FnOnce(&mut S) -> bool,
    ) {
        let Some(mut spec) = S::current(&self.lab.borrow(), index) else {
            return;
        };
        if change(&mut spec) {
            self.emit_edit(field, spec.into_edit(index));
        }
    }
}

/// One actor setting as a field: empty clears an optional setting, a value in range edits the
/// spec, anything else is refused next to the field.
#[allow(clippy::too_many_arguments)]
fn actor_field<S: ActorSpec>(
    id: String,
    param: &'static ActorParam,
    key: &'static str,
    index: usize,
    value: String,
    error: Option<String>,
    lang: Lang,
    target: &Target,
    set: fn(&mut S, &str, Option<f64>) -> bool,
) -> Html {
    let (target, fid) = (target.clone(), id.clone());
    let on_commit = Callback::from(move |text: String| {
        let parsed = if text.trim().is_empty() {
            None
        } else {
            match parse_in_range(&text, param, key, lang) {
                Ok(v) => Some(v),
                Err(m) => return target.emit_error(fid.clone(), Some(m)),
            }
        };
        let mut accepted = false;
        target.edit_actor(fid.clone(), index, |spec: &mut S| {
            accepted = set(spec, param.field, parsed);
            accepted
        });
        if !accepted {
            if let Err(m) = parse_in_range(&text, param, key, lang) {
                target.emit_error(fid.clone(), Some(m));
            }
        }
    });
    html! {
        <Field
            id={id.clone()}
            label={t(lang, key)}
            help={help(key, lang)}
            {value}
            min={Some(param.min)}
            max={Some(param.max)}
            step={Some(param.step)}
            {error}
            {on_commit}
        />
    }
}

/// An actor setting chosen from a list; each option's label is the text of `<key>.<value>`.
#[allow(clippy::too_many_arguments)]
fn actor_choice<S: ActorSpec>(
    id: String,
    key: &'static str,
    options: &'static [&'static str],
    value: &'static str,
    index: usize,
    error: Option<String>,
    lang: Lang,
    target: &Target,
    set: fn(&mut S, &str) -> bool,
) -> Html {
    let (target, fid) = (target.clone(), id.clone());
    let on_commit = Callback::from(move |v: String| {
        target.edit_actor(fid.clone(), index, |spec: &mut S| set(spec, &v));
    });
    html! {
        <Field
            id={id.clone()}
            label={t(lang, key)}
            help={help(key, lang)}
            value={value}
            options={Some(options.iter().map(|o| (*o, t(lang, &format!("{key}.{o}")))).collect())}
            {error}
            {on_commit}
        />
    }
}

static ARRIVALS: [&str; 2] = ["constant", "poisson"];
static DISTRIBUTIONS: [&str; 4] = ["fixed", "uniform", "exponential", "normal"];
static BURST_COUNT: ActorParam = ActorParam {
    key: "producer.burst_count",
    field: "burst",
    min: 1.0,
    max: BURST_NOW_MAX,
    step: 1.0,
    unit: "",
};

/// "Send a burst now": a count and a button. The burst joins the producer's burst list at
/// the current instant, so it is on the run's timeline like any other edit.
fn burst_now(
    i: usize,
    kind: ProducerTarget,
    lang: Lang,
    target: &Target,
    error: Option<String>,
) -> Html {
    let id = format!("{}p{i}-burst", target.prefix);
    let input_ref = NodeRef::default();
    let onclick = {
        let (target, fid, input_ref) = (target.clone(), id.clone(), input_ref.clone());
        Callback::from(move |_: MouseEvent| {
            let text = input_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            match parse_in_range(&text, &BURST_COUNT, kind.key("producer.burst_count"), lang) {
                Ok(n) => {
                    let now_ms = target.lab.borrow().now();
                    target.edit_actor(fid.clone(), i, |spec: &mut ProducerSpec| {
                        spec.bursts.push(Burst {
                            at_s: now_ms as f64 / 1000.0,
                            count: n as u32,
                        });
                        true
                    });
                }
                Err(m) => target.emit_error(fid.clone(), Some(m)),
            }
        })
    };
    let dom_id = format!("param-{id}");
    html! {
        <div class={classes!("field", "burst", error.is_some().then_some("invalid"))}>
            <label for={dom_id.clone()}>{ t(lang, kind.key("producer.burst_count")) }</label>
            <div class="row">
                <input id={dom_id.clone()} data-testid={dom_id} type="number" inputmode="numeric"
                    ref={input_ref} value={BURST_NOW_DEFAULT.to_string()} min="1" max={BURST_NOW_MAX.to_string()} step="1" />
                <button type="button" data-testid={format!("burst-{}p{i}", target.prefix)} {onclick}>{ t(lang, "producer.burst_now") }</button>
            </div>
            <small class="help">{ help(kind.key("producer.burst"), lang) }</small>
            <span class="field-error" data-testid={format!("error-{id}")} role="alert">{ error.unwrap_or_default() }</span>
        </div>
    }
}

#[function_component(ParamPanel)]
pub fn param_panel(props: &ParamPanelProps) -> Html {
    let lang = props.lang;
    let chosen = use_state(|| 0usize);
    let side_state = use_state(|| 0usize);
    let side = if props.compare.is_some() {
        *side_state
    } else {
        0
    };
    let lab_rc = match (&props.compare, side) {
        (Some(c), 1) => c.clone(),
        _ => props.lab.clone(),
    };
    let target = Target {
        side,
        prefix: if side == 1 { "r-" } else { "" },
        dispatch: props.dispatch.clone(),
        lab: lab_rc.clone(),
    };
    let pfx = target.prefix;
    let lab = lab_rc.borrow();
    let world = lab.world();
    let queues: Vec<_> = world.sqs().queues().collect();
    let qi = (*chosen).min(queues.len().saturating_sub(1));
    let err = |id: &str| props.errors.get(id).cloned();

    let queue_section = queues.get(qi).map(|q| {
        let name = q.name.clone();
        let fifo = q.fifo();
        let edit = |attribute: &'static str| {
            let (queue, target) = (name.clone(), target.clone());
            Callback::from(move |value: String| {
                target.emit_edit(
                    format!("{pfx}q:{queue}:{attribute}"),
                    Edit::QueueAttribute {
                        queue: queue.clone(),
                        attribute: attribute.to_string(),
                        value: value.trim().to_string(),
                    },
                )
            })
        };
        let numbers = queue_params().iter().filter(|p| fifo || !p.fifo_only).map(|p| {
            html! {
                <Field
                    id={format!("{pfx}{}", p.attribute)}
                    label={p.attribute}
                    help={help(p.attribute, lang)}
                    value={q.attrs.render(p.attribute).unwrap_or_default()}
                    min={Some(p.min as f64)}
                    max={Some(p.max as f64)}
                    step={Some(1.0)}
                    error={err(&format!("{pfx}q:{name}:{}", p.attribute))}
                    on_commit={edit(p.attribute)}
                />
            }
        });
        let choices = queue_choices().iter().filter(|c| fifo || !c.fifo_only).map(|c| {
            html! {
                <Field
                    id={format!("{pfx}{}", c.attribute)}
                    label={c.attribute}
                    help={help(c.attribute, lang)}
                    value={q.attrs.render(c.attribute).unwrap_or_else(|| c.default.to_string())}
                    options={Some(c.options.iter().map(|o| (*o, *o)).collect())}
                    error={err(&format!("{pfx}q:{name}:{}", c.attribute))}
                    on_commit={edit(c.attribute)}
                />
            }
        });
        let redrive_field = format!("{pfx}q:{name}:RedrivePolicy");
        // maxReceiveCount lives inside RedrivePolicy: change it, keep the target.
        let redrive = match q.attrs.redrive_policy.as_ref() {
            Some(rp) => {
                let (queue, t2, target_arn) = (name.clone(), target.clone(), rp.dead_letter_target_arn.clone());
                let rf = redrive_field.clone();
                let on_commit = Callback::from(move |value: String| {
                    let policy = serde_json::json!({
                        "deadLetterTargetArn": target_arn,
                        "maxReceiveCount": value.trim().parse::<u64>().map_or(serde_json::Value::String(value.trim().to_string()), Into::into),
                    });
                    t2.emit_edit(rf.clone(), Edit::QueueAttribute {
                        queue: queue.clone(),
                        attribute: "RedrivePolicy".into(),
                        value: policy.to_string(),
                    })
                });
                let remove = {
                    let (queue, t3, rf) = (name.clone(), target.clone(), redrive_field.clone());
                    Callback::from(move |_: MouseEvent| {
                        t3.emit_edit(rf.clone(), Edit::QueueAttribute {
                            queue: queue.clone(),
                            attribute: "RedrivePolicy".into(),
                            value: String::new(),
                        })
                    })
                };
                html! {
                    <>
                        <Field
                            id={format!("{pfx}maxReceiveCount")}
                            label={t(lang, "param.max_receive_count")}
                            help={help("RedrivePolicy", lang)}
                            value={rp.max_receive_count.to_string()}
                            min={Some(MAX_RECEIVE_COUNT_RANGE.0 as f64)}
                            max={Some(MAX_RECEIVE_COUNT_RANGE.1 as f64)}
                            step={Some(1.0)}
                            error={err(&redrive_field)}
                            {on_commit}
                        />
                        <button type="button" class="link" data-testid={format!("{pfx}remove-dlq")} onclick={remove}>{ t(lang, "queue.remove_dlq") }</button>
                    </>
                }
            }
            // Not itself a DLQ of another queue: offer to add one.
            None if !world.sqs().queues().any(|other| other.attrs.redrive_policy.as_ref().is_some_and(|rp| rp.dead_letter_target_arn.ends_with(&format!(":{name}")))) => {
                let (queue, t2, rf) = (name.clone(), target.clone(), redrive_field.clone());
                let names: Vec<String> = queues.iter().map(|q| q.name.clone()).collect();
                let add = Callback::from(move |_: MouseEvent| {
                    let (dlq, arn) = dlq_for(&queue, &names);
                    let mut attributes = serde_json::Map::new();
                    if queue.ends_with(".fifo") {
                        attributes.insert("FifoQueue".into(), "true".into());
                    }
                    // 14 days: a DLQ keeps what it holds as long as SQS allows (aws-rules §1.8).
                    attributes.insert("MessageRetentionPeriod".into(), "1209600".into());
                    t2.emit_edit(rf.clone(), Edit::Call {
                        op: "CreateQueue".into(),
                        params: serde_json::json!({"QueueName": dlq, "Attributes": attributes}),
                    });
                    t2.emit_edit(rf.clone(), Edit::QueueAttribute {
                        queue: queue.clone(),
                        attribute: "RedrivePolicy".into(),
                        value: serde_json::json!({
                            "deadLetterTargetArn": arn,
                            "maxReceiveCount": MAX_RECEIVE_COUNT_SUGGESTED.to_string(),
                        }).to_string(),
                    });
                });
                html! {
                    <>
                        <button type="button" data-testid={format!("{pfx}add-dlq")} onclick={add}>{ t(lang, "queue.add_dlq") }</button>
                        <span class="field-error" data-testid={format!("error-{pfx}RedrivePolicy")} role="alert">{ err(&redrive_field).unwrap_or_default() }</span>
                    </>
                }
            }
            None => html! {},
        };
        html! { <>{ for numbers }{ for choices }{ redrive }</> }
    });

    let on_queue = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .and_then(|s| s.value().parse().ok())
                .unwrap_or(0);
            chosen.set(v);
        })
    };

    let actors = world.actors();
    let producers = actors.producers.iter().enumerate().map(|(i, p)| {
        let kind = ProducerTarget::of(&p.spec);
        let fields = producer_params().iter().chain(&PRODUCER_OPTIONAL)
            .filter(|param| kind.has(param.field))
            .map(|param| {
                let id = format!("{pfx}p{i}-{}", param.field);
                let error = err(&id);
                actor_field(id, param, kind.key(param.key), i, producer_value(&p.spec, param.field),
                    error, lang, &target, set_producer)
            });
        let arrival_id = format!("{pfx}p{i}-arrival");
        let arrival = actor_choice(
            arrival_id.clone(), "producer.arrival", &ARRIVALS,
            match p.spec.arrival { Arrival::Constant => "constant", Arrival::Poisson => "poisson" },
            i, err(&arrival_id), lang, &target,
            |s: &mut ProducerSpec, v| {
                s.arrival = match v { "constant" => Arrival::Constant, "poisson" => Arrival::Poisson, _ => return false };
                true
            },
        );
        html! {
            <fieldset>
                <legend>{ format!("{} · {} → {}", t(lang, "producer.title"), p.spec.name, producer_target(&p.spec)) }</legend>
                { burst_now(i, kind, lang, &target, err(&format!("{pfx}p{i}-burst"))) }
                { for fields }
                { arrival }
            </fieldset>
        }
    });
    let consumers = actors.consumer_specs.iter().enumerate().map(|(i, c)| {
        let fields = consumer_params().iter().chain(&CONSUMER_OPTIONAL).map(|param| {
            let id = format!("{pfx}c{i}-{}", param.field);
            let error = err(&id);
            actor_field(id, param, param.key, i, consumer_value(c, param.field), error, lang,
                &target, set_consumer)
        });
        let dist_id = format!("{pfx}c{i}-processing_dist");
        let dist = actor_choice(
            dist_id.clone(), "consumer.processing_dist", &DISTRIBUTIONS, dist_name(&c.processing),
            i, err(&dist_id), lang, &target,
            |s: &mut ConsumerSpec, v| match with_dist(&s.processing, v) {
                Some(p) => { s.processing = p; true }
                None => false,
            },
        );
        let check = |name: &'static str, set: fn(&mut ConsumerSpec, bool)| {
            let target = target.clone();
            Callback::from(move |e: Event| {
                let on = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                    .is_some_and(|i| i.checked());
                target.edit_actor(format!("{}c{i}-{name}", target.prefix), i, |spec: &mut ConsumerSpec| {
                    set(spec, on);
                    true
                });
            })
        };
        let heartbeat = check("heartbeat", |s, on| s.heartbeat = on);
        let handles_poison = check("handles_poison", |s, on| s.handles_poison = on);
        html! {
            <fieldset>
                <legend>{ format!("{} · {} ← {}", t(lang, "consumer.title"), c.name, c.queue) }</legend>
                { for fields }
                { dist }
                <label class="check">
                    <input type="checkbox" data-testid={format!("param-{pfx}c{i}-heartbeat")} checked={c.heartbeat} onchange={heartbeat} />
                    { t(lang, "consumer.heartbeat") }
                </label>
                <label class="check">
                    <input type="checkbox" data-testid={format!("param-{pfx}c{i}-handles_poison")} checked={c.handles_poison} onchange={handles_poison} />
                    { t(lang, "consumer.handles_poison") }
                </label>
            </fieldset>
        }
    });

    let side_picker = props.compare.as_ref().map(|_| {
        let side_state = side_state.clone();
        let on_side = Callback::from(move |e: Event| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .and_then(|s| s.value().parse().ok())
                .unwrap_or(0);
            side_state.set(v);
        });
        html! {
            <label class="side-picker">
                { t(lang, "params.run") }{ " " }
                <select data-testid="param-side" onchange={on_side}>
                    <option value="0" selected={side == 0}>{ t(lang, "compare.left") }</option>
                    <option value="1" selected={side == 1}>{ t(lang, "compare.right") }</option>
                </select>
            </label>
        }
    });

    html! {
        <section class="panel params" data-testid="params">
            <h2>{ t(lang, "panel.parameters") }</h2>
            { for side_picker }
            if !queues.is_empty() {
            <fieldset>
                <legend>
                    { "SetQueueAttributes · " }
                    if queues.len() > 1 {
                        <select data-testid={format!("{pfx}param-queue")} onchange={on_queue} aria-label="QueueName">
                            { for queues.iter().enumerate().map(|(i, q)| html! {
                                <option value={i.to_string()} selected={i == qi}>{ &q.name }</option>
                            }) }
                        </select>
                    } else {
                        <code>{ queues.first().map(|q| q.name.clone()).unwrap_or_default() }</code>
                    }
                </legend>
                { for queue_section }
            </fieldset>
            }
            { for producers }
            { for consumers }
        </section>
    }
}
