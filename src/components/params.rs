//! The parameter panel: every queue attribute (sent through SetQueueAttributes, so a refused
//! value shows AWS's own message next to its field) and every producer and consumer setting,
//! with AWS's names, ranges and a one-line help in the page's language.

use super::same_lab;
use crate::lab::{Edit, Lab};
use crate::state::Action;
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::params::{
    consumer_params, help, producer_params, queue_choices, queue_params, ActorParam,
    MAX_RECEIVE_COUNT_RANGE,
};
use mqlab_engine::actors::{ConsumerSpec, Processing, ProducerSpec};
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
    pub panels: u64,
    pub errors: BTreeMap<String, String>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for ParamPanelProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && self.lang == o.lang
            && self.errors == o.errors
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
    options: Option<Vec<&'static str>>,
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
                { for options.iter().map(|o| html! { <option value={*o} selected={*o == p.value.as_str()}>{ *o }</option> }) }
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

/// The number a processing-time field shows: the distribution's mean.
fn processing_mean_ms(p: &Processing) -> u64 {
    match *p {
        Processing::Fixed { ms } => ms,
        Processing::Uniform { min_ms, max_ms } => (min_ms + max_ms) / 2,
        Processing::Exponential { mean_ms } => mean_ms,
        Processing::Normal { mean_ms, .. } => mean_ms,
    }
}

/// The same distribution moved to a new mean (a uniform range keeps its width).
fn with_mean(p: &Processing, mean: u64) -> Processing {
    match *p {
        Processing::Fixed { .. } => Processing::Fixed { ms: mean },
        Processing::Uniform { min_ms, max_ms } => {
            let half = (max_ms - min_ms) / 2;
            Processing::Uniform {
                min_ms: mean.saturating_sub(half),
                max_ms: mean + half,
            }
        }
        Processing::Exponential { .. } => Processing::Exponential { mean_ms: mean },
        Processing::Normal { stddev_ms, .. } => Processing::Normal {
            mean_ms: mean,
            stddev_ms,
        },
    }
}

fn consumer_value(c: &ConsumerSpec, field: &str) -> String {
    match field {
        "count" => c.count.to_string(),
        "wait_time_s" => c.wait_time_s.map(|w| w.to_string()).unwrap_or_default(),
        "max_messages" => c.max_messages.to_string(),
        "processing" => processing_mean_ms(&c.processing).to_string(),
        "failure_probability" => c.failure_probability.to_string(),
        "crash_probability" => c.crash_probability.to_string(),
        "visibility_timeout_s" => c
            .visibility_timeout_s
            .map(|v| v.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// Sets one consumer setting; `None` clears an optional one. False if nothing could be set.
fn set_consumer(c: &mut ConsumerSpec, field: &str, v: Option<f64>) -> bool {
    match (field, v) {
        ("visibility_timeout_s", v) => c.visibility_timeout_s = v.map(|v| v as u32),
        (_, None) => return false,
        ("count", Some(v)) => c.count = v as u32,
        ("wait_time_s", Some(v)) => c.wait_time_s = Some(v as u32),
        ("max_messages", Some(v)) => c.max_messages = v as u32,
        ("processing", Some(v)) => c.processing = with_mean(&c.processing, v as u64),
        ("failure_probability", Some(v)) => c.failure_probability = v,
        ("crash_probability", Some(v)) => c.crash_probability = v,
        _ => return false,
    }
    true
}

/// Settings that may be left empty (then the queue's own value applies).
static PRODUCER_OPTIONAL: [ActorParam; 1] = [ActorParam {
    key: "producer.delay",
    field: "delay_seconds",
    min: 0.0,
    max: 900.0,
    step: 1.0,
    unit: "s",
}];
static CONSUMER_OPTIONAL: [ActorParam; 1] = [ActorParam {
    key: "consumer.visibility_timeout",
    field: "visibility_timeout_s",
    min: 0.0,
    max: 43_200.0,
    step: 1.0,
    unit: "s",
}];

fn producer_value(p: &ProducerSpec, field: &str) -> String {
    match field {
        "delay_seconds" => p.delay_seconds.map(|d| d.to_string()).unwrap_or_default(),
        "rate_per_s" => p.rate_per_s.to_string(),
        "batch_size" => p.batch_size.to_string(),
        "message_groups" => p.message_groups.to_string(),
        _ => String::new(),
    }
}

/// Sets one producer setting; `None` clears an optional one. False if nothing could be set.
fn set_producer(p: &mut ProducerSpec, field: &str, v: Option<f64>) -> bool {
    match (field, v) {
        ("delay_seconds", v) => p.delay_seconds = v.map(|v| v as u32),
        (_, None) => return false,
        ("rate_per_s", Some(v)) => p.rate_per_s = v,
        ("batch_size", Some(v)) => p.batch_size = v as u32,
        ("message_groups", Some(v)) => p.message_groups = v as u32,
        _ => return false,
    }
    true
}

/// One actor setting as a field: empty clears an optional setting, a value in range edits the
/// spec, anything else is refused next to the field.
#[allow(clippy::too_many_arguments)]
fn actor_field<S: Clone + 'static>(
    id: String,
    param: &'static ActorParam,
    spec: &S,
    value: String,
    error: Option<String>,
    lang: Lang,
    dispatch: &Callback<Action>,
    set: fn(&mut S, &str, Option<f64>) -> bool,
    edit: impl Fn(S) -> Edit + 'static,
) -> Html {
    let (dispatch, spec, fid) = (dispatch.clone(), spec.clone(), id.clone());
    let on_commit = Callback::from(move |text: String| {
        let mut spec = spec.clone();
        let parsed = if text.trim().is_empty() {
            None
        } else {
            match parse_in_range(&text, param, lang) {
                Ok(v) => Some(v),
                Err(m) => {
                    dispatch.emit(Action::FieldError {
                        field: fid.clone(),
                        message: Some(m),
                    });
                    return;
                }
            }
        };
        if set(&mut spec, param.field, parsed) {
            dispatch.emit(Action::Edit {
                side: 0,
                field: fid.clone(),
                edit: edit(spec),
            });
        } else if let Err(m) = parse_in_range(&text, param, lang) {
            dispatch.emit(Action::FieldError {
                field: fid.clone(),
                message: Some(m),
            });
        }
    });
    html! {
        <Field
            id={id.clone()}
            label={t(lang, param.key)}
            help={help(param.key, lang)}
            {value}
            min={Some(param.min)}
            max={Some(param.max)}
            step={Some(param.step)}
            {error}
            {on_commit}
        />
    }
}

/// Checks an actor setting against the panel's range; the refusal names the field.
fn parse_in_range(text: &str, param: &ActorParam, lang: Lang) -> Result<f64, String> {
    let name = t(lang, param.key);
    let out = || {
        tf(
            lang,
            "param.out_of_range",
            &[
                ("name", name),
                ("min", &param.min.to_string()),
                ("max", &param.max.to_string()),
            ],
        )
    };
    let v: f64 = text.trim().parse().map_err(|_| out())?;
    if !v.is_finite() || v < param.min || v > param.max {
        return Err(out());
    }
    Ok(v)
}

#[function_component(ParamPanel)]
pub fn param_panel(props: &ParamPanelProps) -> Html {
    let lang = props.lang;
    let chosen = use_state(|| 0usize);
    let lab = props.lab.borrow();
    let world = lab.world();
    let queues: Vec<_> = world.sqs().queues().collect();
    let qi = (*chosen).min(queues.len().saturating_sub(1));
    let err = |id: &str| props.errors.get(id).cloned();

    let queue_section = queues.get(qi).map(|q| {
        let name = q.name.clone();
        let fifo = q.fifo();
        let edit = |attribute: &'static str| {
            let (queue, dispatch) = (name.clone(), props.dispatch.clone());
            Callback::from(move |value: String| {
                dispatch.emit(Action::Edit {
                    side: 0,
                    field: format!("q:{queue}:{attribute}"),
                    edit: Edit::QueueAttribute {
                        queue: queue.clone(),
                        attribute: attribute.to_string(),
                        value: value.trim().to_string(),
                    },
                })
            })
        };
        let numbers = queue_params().iter().filter(|p| fifo || !p.fifo_only).map(|p| {
            html! {
                <Field
                    id={p.attribute}
                    label={p.attribute}
                    help={help(p.attribute, lang)}
                    value={q.attrs.render(p.attribute).unwrap_or_default()}
                    min={Some(p.min as f64)}
                    max={Some(p.max as f64)}
                    step={Some(1.0)}
                    error={err(&format!("q:{name}:{}", p.attribute))}
                    on_commit={edit(p.attribute)}
                />
            }
        });
        let choices = queue_choices().iter().filter(|c| fifo || !c.fifo_only).map(|c| {
            html! {
                <Field
                    id={c.attribute}
                    label={c.attribute}
                    help={help(c.attribute, lang)}
                    value={q.attrs.render(c.attribute).unwrap_or_else(|| c.default.to_string())}
                    options={Some(c.options.to_vec())}
                    error={err(&format!("q:{name}:{}", c.attribute))}
                    on_commit={edit(c.attribute)}
                />
            }
        });
        // maxReceiveCount lives inside RedrivePolicy: change it, keep the target.
        let redrive = q.attrs.redrive_policy.as_ref().map(|rp| {
            let (queue, dispatch, target) = (
                name.clone(),
                props.dispatch.clone(),
                rp.dead_letter_target_arn.clone(),
            );
            let on_commit = Callback::from(move |value: String| {
                let policy = serde_json::json!({
                    "deadLetterTargetArn": target,
                    "maxReceiveCount": value.trim().parse::<u64>().map_or(serde_json::Value::String(value.trim().to_string()), Into::into),
                });
                dispatch.emit(Action::Edit {
                    side: 0,
                    field: format!("q:{queue}:RedrivePolicy"),
                    edit: Edit::QueueAttribute {
                        queue: queue.clone(),
                        attribute: "RedrivePolicy".into(),
                        value: policy.to_string(),
                    },
                })
            });
            html! {
                <Field
                    id="maxReceiveCount"
                    label={t(lang, "param.max_receive_count")}
                    help={help("RedrivePolicy", lang)}
                    value={rp.max_receive_count.to_string()}
                    min={Some(MAX_RECEIVE_COUNT_RANGE.0 as f64)}
                    max={Some(MAX_RECEIVE_COUNT_RANGE.1 as f64)}
                    step={Some(1.0)}
                    error={err(&format!("q:{name}:RedrivePolicy"))}
                    {on_commit}
                />
            }
        });
        html! { <>{ for numbers }{ for choices }{ for redrive }</> }
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
        let fields = producer_params().iter().chain(&PRODUCER_OPTIONAL).map(|param| {
            let id = format!("p{i}-{}", param.field);
            let error = err(&id);
            actor_field(id, param, &p.spec, producer_value(&p.spec, param.field), error, lang,
                &props.dispatch, set_producer, move |spec| Edit::Producer { index: i, spec })
        });
        html! {
            <fieldset>
                <legend>{ format!("{} · {} → {}", t(lang, "producer.title"), p.spec.name, p.spec.queue) }</legend>
                { for fields }
            </fieldset>
        }
    });
    let consumers = actors.consumer_specs.iter().enumerate().map(|(i, c)| {
        let fields = consumer_params().iter().chain(&CONSUMER_OPTIONAL).map(|param| {
            let id = format!("c{i}-{}", param.field);
            let error = err(&id);
            actor_field(id, param, c, consumer_value(c, param.field), error, lang,
                &props.dispatch, set_consumer, move |spec| Edit::Consumer { index: i, spec })
        });
        let heartbeat = {
            let (dispatch, spec) = (props.dispatch.clone(), c.clone());
            props.dispatch.reform(move |e: Event| {
                let on = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                    .is_some_and(|i| i.checked());
                let _ = &dispatch;
                let mut spec = spec.clone();
                spec.heartbeat = on;
                Action::Edit {
                    side: 0,
                    field: format!("c{i}-heartbeat"),
                    edit: Edit::Consumer { index: i, spec },
                }
            })
        };
        html! {
            <fieldset>
                <legend>{ format!("{} · {} ← {}", t(lang, "consumer.title"), c.name, c.queue) }</legend>
                { for fields }
                <label class="check">
                    <input type="checkbox" data-testid={format!("param-c{i}-heartbeat")} checked={c.heartbeat} onchange={heartbeat} />
                    { t(lang, "consumer.heartbeat") }
                </label>
            </fieldset>
        }
    });

    html! {
        <section class="panel params" data-testid="params">
            <h2>{ t(lang, "panel.parameters") }</h2>
            <fieldset>
                <legend>
                    { "SetQueueAttributes · " }
                    if queues.len() > 1 {
                        <select data-testid="param-queue" onchange={on_queue} aria-label="QueueName">
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
            { for producers }
            { for consumers }
        </section>
    }
}
