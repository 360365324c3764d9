//! The parameter panel: every queue attribute (sent through SetQueueAttributes, so a refused
//! value shows AWS's own message next to its field) and every producer and consumer setting,
//! with AWS's names, ranges and a one-line help in the page's language.

use super::same_lab;
use crate::lab::{Edit, Lab};
use crate::state::Action;
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::params::{
    alarm_edit, alarm_value, broker_consumer_edit, consumer_params, consumer_value, dist_name,
    dlq_for, firehose_edit, firehose_value, group_edit, group_value, help, mapping_edit,
    mapping_value, parse_in_range, parse_partition_keys, policy_edit, policy_value,
    producer_params, producer_target, producer_value, queue_choices, queue_params, set_consumer,
    set_producer, with_dist, ActorParam, ProducerTarget, ScalingParam, ALARM_PARAMS,
    BROKER_CONSUMER_PARAMS, BURST_NOW_DEFAULT, BURST_NOW_MAX, CONSUMER_OPTIONAL, FIREHOSE_PARAMS,
    GROUP_PARAMS, MAPPING_PARAMS, MAX_RECEIVE_COUNT_RANGE, MAX_RECEIVE_COUNT_SUGGESTED,
    POLICY_PARAMS, PRODUCER_OPTIONAL,
};
use mqlab_appcore::presets::{self, Focus};
use mqlab_engine::actors::{Arrival, Burst, ConsumerSpec, ProducerSpec};
use mqlab_engine::sqs::queue::Queue;
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
    /// The settings' help has arrived (`params::HELP_FILE`): the fields show it.
    #[prop_or_default]
    pub help_loaded: bool,
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
            && self.help_loaded == o.help_loaded
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
    /// A text field (partition keys) instead of a number.
    #[prop_or_default]
    text: bool,
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
                type={if p.text { "text" } else { "number" }}
                inputmode={if p.text { "text" } else { "decimal" }}
                value={p.value.clone()}
                min={p.min.map(|v| v.to_string())}
                max={p.max.map(|v| v.to_string())}
                step={(!p.text).then(|| p.step.map_or("any".to_string(), |v| v.to_string()))}
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

/// Makes the edit a field's text asks for, or the message to show beside it.
type MakeEdit = Rc<dyn Fn(&str) -> Result<Edit, String>>;

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
    resource: Option<&str>,
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
            label={labelled(resource, t(lang, key))}
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
    resource: Option<&str>,
) -> Html {
    let (target, fid) = (target.clone(), id.clone());
    let on_commit = Callback::from(move |v: String| {
        target.edit_actor(fid.clone(), index, |spec: &mut S| set(spec, &v));
    });
    html! {
        <Field
            id={id.clone()}
            label={labelled(resource, t(lang, key))}
            help={help(key, lang)}
            value={value}
            options={Some(options.iter().map(|o| (*o, t(lang, &format!("{key}.{o}")))).collect())}
            {error}
            {on_commit}
        />
    }
}

/// A field's label, after the resource it belongs to where the field stands apart from it
/// (the preset's key controls): "orders · VisibilityTimeout".
fn labelled(resource: Option<&str>, label: &str) -> AttrValue {
    match resource {
        Some(r) => format!("{r} · {label}").into(),
        None => AttrValue::from(label.to_string()),
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
    resource: Option<&str>,
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
            <label for={dom_id.clone()}>{ labelled(resource, t(lang, kind.key("producer.burst_count"))) }</label>
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

/// The SetQueueAttributes edit of `queue`'s `attribute`, with the value the field commits.
fn queue_edit(target: &Target, queue: &str, attribute: &'static str) -> Callback<String> {
    let (queue, target) = (queue.to_string(), target.clone());
    Callback::from(move |value: String| {
        target.emit_edit(
            format!("{}q:{queue}:{attribute}", target.prefix),
            Edit::QueueAttribute {
                queue: queue.clone(),
                attribute: attribute.to_string(),
                value: value.trim().to_string(),
            },
        )
    })
}

/// A queue attribute's field: a number, a choice, or maxReceiveCount (inside RedrivePolicy,
/// which it changes keeping the target). None if the queue has no such field.
fn queue_field(
    q: &Queue,
    attribute: &str,
    resource: Option<&str>,
    lang: Lang,
    target: &Target,
    errors: &BTreeMap<String, String>,
) -> Option<Html> {
    let pfx = target.prefix;
    let name = &q.name;
    let fifo = q.fifo();
    let error = errors.get(&format!("{pfx}q:{name}:{attribute}")).cloned();
    if let Some(p) = queue_params()
        .iter()
        .find(|p| p.attribute == attribute && (fifo || !p.fifo_only))
    {
        return Some(html! {
            <Field
                id={format!("{pfx}{}", p.attribute)}
                label={labelled(resource, p.attribute)}
                help={help(p.attribute, lang)}
                value={q.attrs.render(p.attribute).unwrap_or_default()}
                min={Some(p.min as f64)}
                max={Some(p.max as f64)}
                step={Some(1.0)}
                {error}
                on_commit={queue_edit(target, name, p.attribute)}
            />
        });
    }
    if let Some(c) = queue_choices()
        .iter()
        .find(|c| c.attribute == attribute && (fifo || !c.fifo_only))
    {
        return Some(html! {
            <Field
                id={format!("{pfx}{}", c.attribute)}
                label={labelled(resource, c.attribute)}
                help={help(c.attribute, lang)}
                value={q.attrs.render(c.attribute).unwrap_or_else(|| c.default.to_string())}
                options={Some(c.options.iter().map(|o| (*o, *o)).collect())}
                {error}
                on_commit={queue_edit(target, name, c.attribute)}
            />
        });
    }
    let rp = q
        .attrs
        .redrive_policy
        .as_ref()
        .filter(|_| attribute == "maxReceiveCount")?;
    let redrive_field = format!("{pfx}q:{name}:RedrivePolicy");
    let (queue, t2, target_arn) = (
        name.clone(),
        target.clone(),
        rp.dead_letter_target_arn.clone(),
    );
    let rf = redrive_field.clone();
    let on_commit = Callback::from(move |value: String| {
        let policy = serde_json::json!({
            "deadLetterTargetArn": target_arn,
            "maxReceiveCount": value.trim().parse::<u64>().map_or(serde_json::Value::String(value.trim().to_string()), Into::into),
        });
        t2.emit_edit(
            rf.clone(),
            Edit::QueueAttribute {
                queue: queue.clone(),
                attribute: "RedrivePolicy".into(),
                value: policy.to_string(),
            },
        )
    });
    Some(html! {
        <Field
            id={format!("{pfx}maxReceiveCount")}
            label={labelled(resource, t(lang, "param.max_receive_count"))}
            help={help("RedrivePolicy", lang)}
            value={rp.max_receive_count.to_string()}
            min={Some(MAX_RECEIVE_COUNT_RANGE.0 as f64)}
            max={Some(MAX_RECEIVE_COUNT_RANGE.1 as f64)}
            step={Some(1.0)}
            error={errors.get(&redrive_field).cloned()}
            {on_commit}
        />
    })
}

/// Producer `i`'s setting `field` (an `ActorParam` field, `arrival` or `burst`), if it means
/// something for the producer's target.
fn producer_setting(
    i: usize,
    spec: &ProducerSpec,
    field: &str,
    resource: Option<&str>,
    lang: Lang,
    target: &Target,
    errors: &BTreeMap<String, String>,
) -> Option<Html> {
    let kind = ProducerTarget::of(spec);
    if !kind.has(field) {
        return None;
    }
    let id = format!("{}p{i}-{field}", target.prefix);
    let error = errors.get(&id).cloned();
    match field {
        "burst" => Some(burst_now(i, kind, lang, target, error, resource)),
        "partition_keys" => {
            let (target, fid) = (target.clone(), id.clone());
            let on_commit =
                Callback::from(
                    move |text: String| match parse_partition_keys(&text, lang) {
                        Ok(keys) => target.edit_actor(fid.clone(), i, |s: &mut ProducerSpec| {
                            s.partition_keys = keys;
                            true
                        }),
                        Err(m) => target.emit_error(fid.clone(), Some(m)),
                    },
                );
            let key = "producer.partition_keys";
            Some(html! {
                <Field
                    {id}
                    label={labelled(resource, t(lang, key))}
                    help={help(key, lang)}
                    value={producer_value(spec, field)}
                    text=true
                    {error}
                    {on_commit}
                />
            })
        }
        "arrival" => Some(actor_choice(
            id,
            "producer.arrival",
            &ARRIVALS,
            match spec.arrival {
                Arrival::Constant => "constant",
                Arrival::Poisson => "poisson",
            },
            i,
            error,
            lang,
            target,
            |s: &mut ProducerSpec, v| {
                s.arrival = match v {
                    "constant" => Arrival::Constant,
                    "poisson" => Arrival::Poisson,
                    _ => return false,
                };
                true
            },
            resource,
        )),
        _ => {
            let param = producer_params()
                .iter()
                .chain(&PRODUCER_OPTIONAL)
                .find(|p| p.field == field)?;
            Some(actor_field(
                id,
                param,
                kind.key(param.key),
                i,
                producer_value(spec, param.field),
                error,
                lang,
                target,
                set_producer,
                resource,
            ))
        }
    }
}

/// Consumer group `i`'s setting `field`: an `ActorParam` field, `processing_dist`,
/// `heartbeat` or `handles_poison`.
fn consumer_setting(
    i: usize,
    c: &ConsumerSpec,
    field: &str,
    resource: Option<&str>,
    lang: Lang,
    target: &Target,
    errors: &BTreeMap<String, String>,
) -> Option<Html> {
    let id = format!("{}c{i}-{field}", target.prefix);
    let error = errors.get(&id).cloned();
    let check = |key: &'static str, checked: bool, set: fn(&mut ConsumerSpec, bool)| {
        let (t2, fid) = (target.clone(), id.clone());
        let onchange = Callback::from(move |e: Event| {
            let on = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                .is_some_and(|i| i.checked());
            t2.edit_actor(fid.clone(), i, |spec: &mut ConsumerSpec| {
                set(spec, on);
                true
            });
        });
        html! {
            <label class="check">
                <input type="checkbox" data-testid={format!("param-{id}")} {checked} {onchange} />
                { labelled(resource, t(lang, key)) }
            </label>
        }
    };
    match field {
        "heartbeat" => Some(check("consumer.heartbeat", c.heartbeat, |s, on| {
            s.heartbeat = on
        })),
        "handles_poison" => Some(check(
            "consumer.handles_poison",
            c.handles_poison,
            |s, on| s.handles_poison = on,
        )),
        "processing_dist" => Some(actor_choice(
            id,
            "consumer.processing_dist",
            &DISTRIBUTIONS,
            dist_name(&c.processing),
            i,
            error,
            lang,
            target,
            |s: &mut ConsumerSpec, v| match with_dist(&s.processing, v) {
                Some(p) => {
                    s.processing = p;
                    true
                }
                None => false,
            },
            resource,
        )),
        _ => {
            let param = consumer_params()
                .iter()
                .chain(&CONSUMER_OPTIONAL)
                .find(|p| p.field == field)?;
            Some(actor_field(
                id,
                param,
                param.key,
                i,
                consumer_value(c, param.field),
                error,
                lang,
                target,
                set_consumer,
                resource,
            ))
        }
    }
}

#[derive(Properties)]
pub struct KeyControlsProps {
    pub lang: Lang,
    pub lab: Rc<RefCell<Lab>>,
    /// As for [`ParamPanelProps::revision`]: the main run's applied edits.
    pub revision: usize,
    pub panels: u64,
    pub errors: BTreeMap<String, String>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for KeyControlsProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab)
            && self.lang == o.lang
            && self.errors == o.errors
            && self.revision == o.revision
            && self.panels / 10 == o.panels / 10
    }
}

/// The few settings the open preset is about (`presets::focus`), under its picker: within the
/// first screen, each named after its queue, producer or consumer group. They edit the main
/// run, as the same fields in the parameter panel do.
#[function_component(KeyControls)]
pub fn key_controls(props: &KeyControlsProps) -> Html {
    let lang = props.lang;
    let lab = props.lab.borrow();
    let focus = presets::focus(lab.preset.as_deref().unwrap_or(""));
    if focus.is_empty() {
        return html! {};
    }
    let target = Target {
        side: 0,
        prefix: "key-",
        dispatch: props.dispatch.clone(),
        lab: props.lab.clone(),
    };
    let (world, errors) = (lab.world(), &props.errors);
    let actors = world.actors();
    let items = focus.iter().filter_map(|f| match *f {
        Focus::Queue(name, attribute) => {
            let q = world.sqs().queues().find(|q| q.name == name)?;
            queue_field(q, attribute, Some(name), lang, &target, errors)
        }
        Focus::Producer(name, field) => {
            let (i, p) = actors
                .producers
                .iter()
                .enumerate()
                .find(|(_, p)| p.spec.name == name)?;
            producer_setting(i, &p.spec, field, Some(name), lang, &target, errors)
        }
        Focus::Consumer(name, field) => {
            let (i, c) = actors
                .consumer_specs
                .iter()
                .enumerate()
                .find(|(_, c)| c.name == name)?;
            consumer_setting(i, c, field, Some(name), lang, &target, errors)
        }
    });
    html! {
        <div class="key-controls" data-testid="key-controls">
            <h3>{ t(lang, "panel.key_controls") }</h3>
            { for items }
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
    let errors = &props.errors;
    // What the preset is about is open; the rest is one click away. A run that is no preset
    // (an import, a link to a changed scenario) shows everything.
    let preset = lab.preset.clone().unwrap_or_default();
    let focus = presets::focus(&preset);
    let open = |resource: &str| focus.is_empty() || focus.iter().any(|f| f.resource() == resource);

    let queue_section = queues.get(qi).map(|q| {
        let name = q.name.clone();
        let fifo = q.fifo();
        let numbers = queue_params().iter().filter(|p| fifo || !p.fifo_only).map(|p| p.attribute);
        let choices = queue_choices().iter().filter(|c| fifo || !c.fifo_only).map(|c| c.attribute);
        let fields = numbers
            .chain(choices)
            .filter_map(|a| queue_field(q, a, None, lang, &target, errors));
        let redrive_field = format!("{pfx}q:{name}:RedrivePolicy");
        // maxReceiveCount lives inside RedrivePolicy: change it, keep the target.
        let redrive = match q.attrs.redrive_policy.as_ref() {
            Some(_) => {
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
                        { for queue_field(q, "maxReceiveCount", None, lang, &target, errors) }
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
                        <span class="field-error" data-testid={format!("error-{pfx}RedrivePolicy")} role="alert">{ errors.get(&redrive_field).cloned().unwrap_or_default() }</span>
                    </>
                }
            }
            None => html! {},
        };
        html! { <>{ for fields }{ redrive }</> }
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
        let fields = std::iter::once("burst")
            .chain(producer_params().iter().chain(&PRODUCER_OPTIONAL).map(|p| p.field))
            .chain(["arrival", "partition_keys"])
            .filter_map(|f| producer_setting(i, &p.spec, f, None, lang, &target, errors));
        html! {
            <details class="resource" open={open(&p.spec.name)} key={format!("{preset}/p/{}", p.spec.name)} data-testid={format!("{pfx}params-p{i}")}>
                <summary>{ format!("{} · {} → {}", t(lang, "producer.title"), p.spec.name, producer_target(&p.spec)) }</summary>
                { for fields }
            </details>
        }
    });
    // An Auto Scaling group's instances run its launch configuration's consumer: the group is
    // what the panel edits (below), not each instance.
    let instance_prefixes: Vec<String> = if mqlab_appcore::sim::FULL_PAGE {
        world
            .autoscaling()
            .groups
            .keys()
            .map(|g| format!("{g}/"))
            .collect()
    } else {
        Vec::new()
    };
    let consumers = actors.consumer_specs.iter().enumerate().filter(|(_, c)| {
        !instance_prefixes.iter().any(|p| c.name.starts_with(p.as_str()))
    }).map(|(i, c)| {
        let fields = consumer_params().iter().chain(&CONSUMER_OPTIONAL).map(|p| p.field)
            .chain(["processing_dist", "heartbeat", "handles_poison"])
            .filter_map(|f| consumer_setting(i, c, f, None, lang, &target, errors));
        html! {
            <details class="resource" open={open(&c.name)} key={format!("{preset}/c/{}", c.name)} data-testid={format!("{pfx}params-c{i}")}>
                <summary>{ format!("{} · {} ← {}", t(lang, "consumer.title"), c.name, c.queue) }</summary>
                { for fields }
            </details>
        }
    });

    // The full page: each Auto Scaling group's sizes and each Lambda mapping's batch and
    // concurrency, changed while the run goes on (UpdateAutoScalingGroup,
    // UpdateEventSourceMapping; refused values get AWS's error beside the field).
    let scaling_field =
        |field: String, id: String, p: &ScalingParam, value: String, edit: MakeEdit| {
            let (t2, f2) = (target.clone(), field.clone());
            let on_commit = Callback::from(move |v: String| match edit(&v) {
                Ok(e) => t2.emit_edit(f2.clone(), e),
                Err(m) => t2.emit_error(f2.clone(), Some(m)),
            });
            html! {
                <Field
                    {id}
                    label={p.member}
                    help={help(p.member, lang)}
                    {value}
                    min={Some(p.min as f64)}
                    max={Some(p.max as f64)}
                    step={Some(1.0)}
                    error={errors.get(&field).cloned()}
                    {on_commit}
                />
            }
        };
    let groups: Vec<Html> = if mqlab_appcore::sim::FULL_PAGE {
        world.autoscaling().groups.values().map(|g| {
            let name = g.name.clone();
            let fields = GROUP_PARAMS.iter().map(|p| {
                let n2 = name.clone();
                let member = p.member;
                scaling_field(
                    format!("{pfx}asg:{name}:{member}"),
                    format!("{pfx}asg-{name}-{member}"),
                    p,
                    group_value(g, member),
                    Rc::new(move |v: &str| group_edit(&n2, member, v)),
                )
            });
            // Its target tracking policies' targets (PutScalingPolicy).
            let policies = g.policies.values().filter_map(|pol| {
                let value = policy_value(pol)?;
                let pname = pol.name.clone();
                let policy = pol.clone();
                let p = &POLICY_PARAMS[0];
                Some(html! {
                    <details class="resource" open=true key={format!("{preset}/policy/{name}/{pname}")} data-testid={format!("{pfx}params-policy-{pname}")}>
                        <summary>{ "PutScalingPolicy · " }<code>{ &pname }</code></summary>
                        { scaling_field(
                            format!("{pfx}policy:{name}:{pname}"),
                            format!("{pfx}policy-{pname}-TargetValue"),
                            p,
                            value,
                            Rc::new(move |v: &str| policy_edit(&policy, v)),
                        ) }
                    </details>
                })
            }).collect::<Vec<_>>();
            html! { <>
                <details class="resource" open=true key={format!("{preset}/asg/{name}")} data-testid={format!("{pfx}params-asg-{name}")}>
                    <summary>{ "UpdateAutoScalingGroup · " }<code>{ &name }</code></summary>
                    { for fields }
                </details>
                { for policies }
            </> }
        }).chain(world.lambda().mappings().map(|m| {
            let function = m.function.clone();
            let fields = MAPPING_PARAMS.iter().map(|p| {
                let (uuid, f2) = (m.uuid.clone(), function.clone());
                let member = p.member;
                scaling_field(
                    format!("{pfx}esm:{function}:{member}"),
                    format!("{pfx}esm-{function}-{member}"),
                    p,
                    mapping_value(m, member),
                    Rc::new(move |v: &str| mapping_edit(&uuid, &f2, member, v)),
                )
            });
            html! {
                <details class="resource" open=true key={format!("{preset}/esm/{function}")} data-testid={format!("{pfx}params-esm-{function}")}>
                    <summary>{ "UpdateEventSourceMapping · " }<code>{ &function }</code></summary>
                    { for fields }
                </details>
            }
        })).chain(world.firehose().streams().filter(|d| d.destination.sink.is_none()).map(|d| {
            let name = d.name.clone();
            let fields = FIREHOSE_PARAMS.iter().map(|p| {
                let member = p.member;
                let (n2, version, dest_id) = (name.clone(), d.version, d.destination.id.clone());
                scaling_field(
                    format!("{pfx}firehose:{name}:{member}"),
                    format!("{pfx}firehose-{name}-{member}"),
                    p,
                    firehose_value(d, member),
                    Rc::new(move |v: &str| firehose_edit((&n2, version, &dest_id), member, v)),
                )
            });
            html! {
                <details class="resource" open=true key={format!("{preset}/firehose/{name}")} data-testid={format!("{pfx}params-firehose-{name}")}>
                    <summary>{ "UpdateDestination · " }<code>{ &name }</code></summary>
                    { for fields }
                </details>
            }
        })).chain(world.mq().clients.consumer_specs.iter().map(|c| {
            let (broker, client) = (c.broker.clone(), c.name.clone());
            let fields = BROKER_CONSUMER_PARAMS.iter().map(|p| {
                let (b2, c2) = (broker.clone(), client.clone());
                scaling_field(
                    format!("{pfx}mqc:{client}:{}", p.member),
                    format!("{pfx}mqc-{client}-{}", p.member),
                    p,
                    c.prefetch.to_string(),
                    Rc::new(move |v: &str| broker_consumer_edit(&b2, &c2, v)),
                )
            });
            html! {
                <details class="resource" open=true key={format!("{preset}/mqc/{client}")} data-testid={format!("{pfx}params-mqc-{client}")}>
                    <summary>{ format!("{} · ", t(lang, "svc.mq.consumer")) }<code>{ format!("{client} ← {broker}") }</code></summary>
                    { for fields }
                </details>
            }
        })).chain(world.cloudwatch().alarms().map(|a| {
            let name = a.name.clone();
            let fields = ALARM_PARAMS.iter().map(|p| {
                let member = p.member;
                let alarm = a.clone();
                scaling_field(
                    format!("{pfx}alarm:{name}:{member}"),
                    format!("{pfx}alarm-{name}-{member}"),
                    p,
                    alarm_value(a, member),
                    Rc::new(move |v: &str| alarm_edit(&alarm, member, v)),
                )
            });
            html! {
                <details class="resource" open=true key={format!("{preset}/alarm/{name}")} data-testid={format!("{pfx}params-alarm-{name}")}>
                    <summary>{ "PutMetricAlarm · " }<code>{ &name }</code></summary>
                    { for fields }
                </details>
            }
        })).collect()
    } else {
        Vec::new()
    };

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

    let queue_open = focus.is_empty() || queues.iter().any(|q| open(&q.name));
    html! {
        <section class="panel params" data-testid="params">
            <h2>{ t(lang, "panel.parameters") }</h2>
            { for side_picker }
            if !queues.is_empty() {
            <details class="resource" open={queue_open} key={format!("{preset}/q")} data-testid={format!("{pfx}params-queue")}>
                <summary>
                    { "SetQueueAttributes · " }
                    <code>{ queues.get(qi).map(|q| q.name.clone()).unwrap_or_default() }</code>
                </summary>
                if queues.len() > 1 {
                    <select data-testid={format!("{pfx}param-queue")} onchange={on_queue} aria-label="QueueName">
                        { for queues.iter().enumerate().map(|(i, q)| html! {
                            <option value={i.to_string()} selected={i == qi}>{ &q.name }</option>
                        }) }
                    </select>
                }
                { for queue_section }
            </details>
            }
            { for producers }
            { for consumers }
            { for groups }
        </section>
    }
}
