//! The inspector's SNS views: a topic (GetTopicAttributes and its subscriptions), a
//! subscription (GetSubscriptionAttributes, its delivery attempts on a timeline, what its
//! subscriber actually received — the JSON envelope or the raw message — and a filter-policy
//! editor that validates as you type, with AWS's error text, and tests a message against the
//! policy), and one copy of a published message (where it stands and why).

use crate::canvas::sns::{copy_text, phase_name};
use crate::format::format_clock;
use crate::lab::Lab;
use crate::state::Action;
use mqlab_appcore::edits::Edit;
use mqlab_appcore::i18n::{t, tf, Lang};
use mqlab_appcore::sns_view::SubscriptionView;
use mqlab_engine::core::float::parse_f64;
use mqlab_engine::sns::api::{SubscriptionArnInput, TopicArnInput};
use mqlab_engine::sns::delivery::Endpoint;
use mqlab_engine::sns::filter::{FilterPolicy, FilterPolicyScope};
use mqlab_engine::sns::subscription::supports_raw;
use mqlab_engine::sns::topic_arn;
use mqlab_engine::sqs::message_attributes::{MessageAttributeValue, MessageAttributes};
use serde_json::Value;
use yew::prelude::*;
use yew::TargetCast;

/// Longest filter policy or test message the editor takes, characters (AWS's own limit on a
/// filter policy is 256 KB; a page field needs far less).
pub const FILTER_INPUT_MAX_CHARS: usize = 20_000;

/// Attribute rows from a `{"Attributes": {...}}` answer (or the error as one row).
pub fn attribute_rows(answer: Result<Value, mqlab_engine::AwsError>) -> Html {
    let rows: Vec<(String, String)> = match answer {
        Ok(v) => v
            .get("Attributes")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_string)))
                    .collect()
            })
            .unwrap_or_default(),
        Err(e) => vec![(e.code.clone(), e.message.clone())],
    };
    html! {
        <table class="attributes" data-testid="inspector-attributes">
            <tbody>
                { for rows.iter().map(|(k, v)| html! {
                    <tr><th scope="row">{ k }</th><td data-testid={format!("attr-{k}")}>{ v }</td></tr>
                }) }
            </tbody>
        </table>
    }
}

pub fn topic_view(lab: &Lab, ti: u16, lang: Lang) -> Html {
    let Some(topic) = lab.vm.sns.topics.get(ti as usize) else {
        return html! {};
    };
    let arn = topic_arn(&topic.name);
    let attrs = lab.world().sns().get_topic_attributes(
        lab.now(),
        &TopicArnInput {
            topic_arn: Some(arn.clone()),
        },
    );
    html! {
        <div data-testid="inspector-topic">
            <p><code>{ arn }</code></p>
            <ul class="subs">
                { for topic.subscriptions.iter().filter(|s| !s.deleted).map(|s| html! {
                    <li>{ format!("{} → {} · ✓{} ✕{}", s.protocol, s.label(), s.delivered, s.filtered_out) }</li>
                }) }
            </ul>
            <h3>{ t(lang, "inspector.topic") }</h3>
            { attribute_rows(attrs) }
        </div>
    }
}

/// The subscriber's view of one message: the latest one it received (or `message_id`'s).
fn received(lab: &Lab, s: &SubscriptionView, message_id: Option<&str>, lang: Lang) -> Html {
    let world = lab.world();
    let body = match &s.queue {
        Some(q) => world.sqs().queue_by_name(q).and_then(|q| {
            q.messages()
                .filter(|m| message_id.is_none_or(|id| m.body.contains(id)))
                .max_by_key(|m| m.seq)
                .map(|m| m.body.to_string())
        }),
        None => world
            .sns()
            .endpoint_messages(&s.endpoint)
            .into_iter()
            .rfind(|m| m.kind == "Notification" && message_id.is_none_or(|id| m.message_id == id))
            .map(|m| m.body.to_string()),
    };
    let Some(body) = body else {
        return html! {};
    };
    // An envelope is what SNS sends unless raw delivery is on (SQS, HTTP/S, Firehose only).
    let body = match serde_json::from_str::<Value>(&body) {
        Ok(v) if !s.raw => serde_json::to_string_pretty(&v).unwrap_or(body),
        _ => body,
    };
    html! {
        <>
            <h3>{ t(lang, "inspector.received") }</h3>
            <p class="muted" data-testid="received-kind">
                { t(lang, if s.raw { "inspector.raw" } else { "inspector.envelope" }) }
            </p>
            <pre class="body" data-testid="received-body">{ body }</pre>
        </>
    }
}

/// Delivery attempts, newest first, with a strip placing them by time.
fn attempts_view(s: &SubscriptionView, now: u64, lang: Lang) -> Html {
    if s.attempts.is_empty() {
        return html! { <p class="muted">{ t(lang, "inspector.no_attempts") }</p> };
    }
    let t0 = s.attempts.front().map_or(0, |a| a.at_ms);
    let span = now.saturating_sub(t0).max(1) as f64;
    html! {
        <>
            <div class="timeline" data-testid="retry-timeline" aria-hidden="true">
                { for s.attempts.iter().map(|a| {
                    let left = (a.at_ms - t0) as f64 / span * 100.0;
                    let class = match a.ok {
                        Some(true) => "tick ok",
                        Some(false) => "tick failed",
                        None => "tick",
                    };
                    html! { <span class={class} style={format!("left:{left:.1}%")} /> }
                }) }
            </div>
            <ol class="attempts" data-testid="attempts">
                { for s.attempts.iter().rev().take(20).map(|a| {
                    let result = match a.ok {
                        Some(true) => "✓".to_string(),
                        Some(false) => format!("✗ {}", a.reason.clone().unwrap_or_default()),
                        None => "…".to_string(),
                    };
                    let next = a.retry_at.map(|r| format!(" → {}", format_clock(r))).unwrap_or_default();
                    html! {
                        <li>
                            <span class="time">{ format_clock(a.at_ms) }</span>
                            { format!(" #{} {} · {result}{next}", a.attempt, a.phase.map_or("", |ph| phase_name(ph, lang))) }
                        </li>
                    }
                }) }
            </ol>
        </>
    }
}

pub fn subscription_view(
    lab: &Lab,
    side: usize,
    key: (u16, u16),
    lang: Lang,
    dispatch: &Callback<Action>,
    errors: &std::collections::BTreeMap<String, String>,
) -> Html {
    let Some(topic) = lab.vm.sns.topics.get(key.0 as usize) else {
        return html! {};
    };
    let Some(s) = topic.subscriptions.get(key.1 as usize) else {
        return html! {};
    };
    let attrs = lab
        .world()
        .sns()
        .get_subscription_attributes(&SubscriptionArnInput {
            subscription_arn: Some(s.arn.clone()),
        });
    html! {
        <div data-testid="inspector-subscription">
            <p>{ format!("{} → {}", s.protocol, s.endpoint) }</p>
            <p><code>{ &s.arn }</code></p>
            <table class="attributes" data-testid="subscription-counts">
                <tbody>
                    { for [
                        ("NumberOfNotificationsDelivered", s.delivered),
                        ("NumberOfNotificationsFilteredOut", s.filtered_out),
                        ("NumberOfNotificationsFailed", s.failed),
                        ("NumberOfNotificationsRedrivenToDlq", s.moved_to_dlq),
                    ].iter().map(|(k, v)| html! { <tr><th scope="row">{ *k }</th><td>{ *v }</td></tr> }) }
                </tbody>
            </table>
            <EndpointSettings
                lang={lang}
                side={side}
                topic={topic.name.clone()}
                protocol={s.protocol.clone()}
                endpoint={s.endpoint.clone()}
                raw={s.raw}
                behaviour={lab.world().sns().endpoint_behaviour(&s.protocol, &s.endpoint).cloned()
                    .or_else(|| default_behaviour(&s.protocol))}
                dispatch={dispatch.clone()}
            />
            // What SetSubscriptionAttributes (or an endpoint setting) refused, with AWS's text.
            { for errors.iter().filter(|(f, _)| f.starts_with("filter-") || f.as_str() == "raw" || f.starts_with("endpoint-")).map(|(_, e)| html! {
                <p class="error" role="alert" data-testid="subscription-error">{ e }</p>
            }) }
            <FilterEditor
                lang={lang}
                side={side}
                topic={topic.name.clone()}
                protocol={s.protocol.clone()}
                endpoint={s.endpoint.clone()}
                policy={s.filter_policy.clone().unwrap_or_default()}
                scope={s.filter_scope.clone()}
                dispatch={dispatch.clone()}
            />
            <h3>{ t(lang, "inspector.retry_timeline") }</h3>
            { attempts_view(s, lab.vm.now_ms, lang) }
            { received(lab, s, None, lang) }
            <h3>{ t(lang, "inspector.subscription") }</h3>
            { attribute_rows(attrs) }
        </div>
    }
}

pub fn copy_view(lab: &Lab, serial: u64, lang: Lang) -> Html {
    let Some(c) = lab.vm.sns.copies.get(&serial) else {
        return html! { <p class="muted">{ t(lang, "inspector.none") }</p> };
    };
    let Some(s) = lab
        .vm
        .sns
        .topics
        .get(c.topic as usize)
        .and_then(|t| t.subscriptions.get(c.subscription as usize))
    else {
        return html! {};
    };
    html! {
        <div data-testid="inspector-copy">
            <h3>{ t(lang, "inspector.copy") }</h3>
            <p><code class="id">{ &c.message_id }</code>{ format!(" · {} → {}", lab.vm.sns.topics[c.topic as usize].name, s.label()) }</p>
            <p data-testid="copy-state">{ copy_text(c, lang).unwrap_or_default() }</p>
            { received(lab, s, Some(&c.message_id), lang) }
        </div>
    }
}

/// `{"name": "text" | number | [..]}` → SNS message attributes (String, Number,
/// String.Array), for the filter tester.
fn test_attributes(json: &str) -> Result<MessageAttributes, String> {
    let v: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let Value::Object(map) = v else {
        return Err("must be a JSON object of attribute names and values".into());
    };
    // Inserted one by one: `collect()` into a map links a copy of the sort for the type.
    let mut out = MessageAttributes::new();
    for (k, v) in map {
        let (data_type, value) = match &v {
            Value::String(s) => ("String", s.clone()),
            Value::Number(n) => ("Number", n.to_string()),
            Value::Array(_) => ("String.Array", v.to_string()),
            _ => return Err(format!("{k}: use a string, a number or an array")),
        };
        let value = MessageAttributeValue {
            data_type: data_type.into(),
            string_value: Some(value),
            ..MessageAttributeValue::default()
        };
        out.insert(k, value);
    }
    Ok(out)
}

#[derive(Properties, PartialEq)]
pub struct FilterEditorProps {
    pub lang: Lang,
    pub side: usize,
    pub topic: String,
    pub protocol: String,
    pub endpoint: String,
    /// The subscription's FilterPolicy ("" for none).
    pub policy: String,
    pub scope: String,
    pub dispatch: Callback<Action>,
}

/// The filter-policy editor and "would this message match?" tester.
#[function_component(FilterEditor)]
pub fn filter_editor(props: &FilterEditorProps) -> Html {
    let lang = props.lang;
    let draft = use_state(|| props.policy.clone());
    let scope = use_state(|| props.scope.clone());
    let sample = use_state(String::new);
    // Another subscription selected: start from its policy.
    {
        let (draft, scope) = (draft.clone(), scope.clone());
        use_effect_with(
            (
                props.endpoint.clone(),
                props.policy.clone(),
                props.scope.clone(),
            ),
            move |(_, p, s)| {
                draft.set(p.clone());
                scope.set(s.clone());
            },
        );
    }
    let parsed_scope = FilterPolicyScope::parse(&scope).unwrap_or_default();
    let parsed = if draft.trim().is_empty() {
        None
    } else {
        Some(FilterPolicy::parse(&draft, parsed_scope))
    };
    let (status, status_class) = match &parsed {
        None => (t(lang, "filter.none").to_string(), "muted"),
        Some(Ok(_)) => (t(lang, "filter.valid").to_string(), "ok"),
        Some(Err(e)) => (format!("{}: {}", e.code, e.message), "error"),
    };
    let verdict = match (&parsed, sample.trim().is_empty()) {
        (Some(Ok(policy)), false) => {
            let result = match parsed_scope {
                FilterPolicyScope::MessageAttributes => {
                    test_attributes(&sample).and_then(|a| policy.check(&a, ""))
                }
                FilterPolicyScope::MessageBody => policy.check(&MessageAttributes::new(), &sample),
            };
            Some(match result {
                Ok(()) => (t(lang, "filter.matches").to_string(), "ok"),
                Err(reason) => (tf(lang, "filter.no_match", &[("reason", &reason)]), "error"),
            })
        }
        _ => None,
    };
    let on_draft = {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let el: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            draft.set(el.value().chars().take(FILTER_INPUT_MAX_CHARS).collect());
        })
    };
    let on_scope = {
        let scope = scope.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlSelectElement = e.target_unchecked_into();
            scope.set(el.value());
        })
    };
    let on_sample = {
        let sample = sample.clone();
        Callback::from(move |e: InputEvent| {
            let el: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            sample.set(el.value().chars().take(FILTER_INPUT_MAX_CHARS).collect());
        })
    };
    let valid = !matches!(parsed, Some(Err(_)));
    let on_apply = {
        let p = (
            props.side,
            props.topic.clone(),
            props.protocol.clone(),
            props.endpoint.clone(),
        );
        let (draft, scope) = ((*draft).clone(), (*scope).clone());
        let changed_scope = scope != props.scope;
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let edit = |attribute: &str, value: &str| Action::Edit {
                side: p.0,
                field: format!(
                    "filter-{attribute}{}",
                    if value.is_empty() { "-clear" } else { "" }
                ),
                edit: Box::new(Edit::SubscriptionAttribute {
                    topic: p.1.clone(),
                    protocol: p.2.clone(),
                    endpoint: p.3.clone(),
                    attribute: attribute.into(),
                    value: value.into(),
                }),
            };
            // A policy is checked against the scope it is under: to change both, clear the
            // old policy, change the scope, then set the new policy.
            if changed_scope {
                dispatch.emit(edit("FilterPolicy", ""));
                dispatch.emit(edit("FilterPolicyScope", &scope));
            }
            dispatch.emit(edit("FilterPolicy", draft.trim()));
        })
    };
    let body_scope = parsed_scope == FilterPolicyScope::MessageBody;
    html! {
        <div class="filter-editor" data-testid="filter-editor">
            <h3><label for="filter-policy">{ t(lang, "filter.title") }</label></h3>
            <select aria-label="FilterPolicyScope" onchange={on_scope} data-testid="filter-scope">
                { for ["MessageAttributes", "MessageBody"].iter().map(|s| html! {
                    <option value={*s} selected={*scope == *s}>{ *s }</option>
                }) }
            </select>
            <textarea id="filter-policy" rows="5" spellcheck="false" value={(*draft).clone()}
                oninput={on_draft} data-testid="filter-policy" />
            <p class={status_class} role="status" data-testid="filter-status">{ status }</p>
            <button type="button" disabled={!valid} onclick={on_apply} data-testid="filter-apply">
                { t(lang, "filter.apply") }
            </button>
            <h3><label for="filter-sample">{ t(lang, "filter.test") }</label></h3>
            <textarea id="filter-sample" rows="3" spellcheck="false" value={(*sample).clone()}
                placeholder={t(lang, if body_scope { "filter.test_body" } else { "filter.test_attributes" })}
                oninput={on_sample} data-testid="filter-sample" />
            if let Some((text, class)) = verdict {
                <p class={class} role="status" data-testid="filter-verdict">{ text }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct EndpointSettingsProps {
    pub lang: Lang,
    pub side: usize,
    pub topic: String,
    pub protocol: String,
    pub endpoint: String,
    pub raw: bool,
    /// How the simulated endpoint answers now (None for a queue).
    pub behaviour: Option<Endpoint>,
    pub dispatch: Callback<Action>,
}

/// One number of an endpoint's behaviour: its label, value, and how to set it.
type BehaviourField = (&'static str, f64, fn(&mut Endpoint, f64));

fn behaviour_fields(b: &Endpoint) -> Vec<BehaviourField> {
    match b {
        Endpoint::Http(h) => vec![
            ("availability", h.availability, |b, v| {
                if let Endpoint::Http(h) = b {
                    h.availability = v
                }
            }),
            ("latency_ms", h.latency_ms as f64, |b, v| {
                if let Endpoint::Http(h) = b {
                    h.latency_ms = v as u64
                }
            }),
            ("failure_status", h.failure_status as f64, |b, v| {
                if let Endpoint::Http(h) = b {
                    h.failure_status = v as u16
                }
            }),
        ],
        Endpoint::Lambda(l) => vec![
            ("duration_ms", l.duration_ms as f64, |b, v| {
                if let Endpoint::Lambda(l) = b {
                    l.duration_ms = v as u64
                }
            }),
            ("concurrency", l.concurrency as f64, |b, v| {
                if let Endpoint::Lambda(l) = b {
                    l.concurrency = v as u32
                }
            }),
        ],
        Endpoint::Sink(s) => vec![
            ("failure_rate", s.failure_rate, |b, v| {
                if let Endpoint::Sink(s) = b {
                    s.failure_rate = v
                }
            }),
            ("latency_ms", s.latency_ms as f64, |b, v| {
                if let Endpoint::Sink(s) = b {
                    s.latency_ms = v as u64
                }
            }),
        ],
    }
}

/// RawMessageDelivery, and how the simulated endpoint answers (take a webhook down, slow a
/// Lambda), changed while the run goes on.
#[function_component(EndpointSettings)]
pub fn endpoint_settings(props: &EndpointSettingsProps) -> Html {
    let lang = props.lang;
    let error = use_state(|| None::<String>);
    let on_raw = {
        let p = (
            props.side,
            props.topic.clone(),
            props.protocol.clone(),
            props.endpoint.clone(),
        );
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::HtmlInputElement = e.target_unchecked_into();
            dispatch.emit(Action::Edit {
                side: p.0,
                field: "raw".into(),
                edit: Box::new(Edit::SubscriptionAttribute {
                    topic: p.1.clone(),
                    protocol: p.2.clone(),
                    endpoint: p.3.clone(),
                    attribute: "RawMessageDelivery".into(),
                    value: el.checked().to_string(),
                }),
            });
        })
    };
    let fields = props.behaviour.as_ref().map(|b| {
        behaviour_fields(b)
            .into_iter()
            .map(|(name, value, set)| {
                let (b, error) = (b.clone(), error.clone());
                let p = (props.side, props.protocol.clone(), props.endpoint.clone());
                let dispatch = props.dispatch.clone();
                let onchange = Callback::from(move |e: Event| {
                    let el: web_sys::HtmlInputElement = e.target_unchecked_into();
                    let Ok(v) = parse_f64(el.value().trim()) else {
                        error.set(Some(format!("{name}: not a number")));
                        return;
                    };
                    let mut next = b.clone();
                    set(&mut next, v);
                    match next.validate() {
                        Err(m) => error.set(Some(m)),
                        Ok(()) => {
                            error.set(None);
                            dispatch.emit(Action::Edit {
                                side: p.0,
                                field: format!("endpoint-{name}"),
                                edit: Box::new(Edit::EndpointBehaviour {
                                    protocol: p.1.clone(),
                                    endpoint: p.2.clone(),
                                    behaviour: next,
                                }),
                            });
                        }
                    }
                });
                html! {
                    <label class="field">
                        <span>{ name }</span>
                        <input type="number" step="any" value={value.to_string()}
                            data-testid={format!("endpoint-{name}")} {onchange} />
                    </label>
                }
            })
            .collect::<Html>()
    });
    html! {
        <div class="endpoint-settings" data-testid="endpoint-settings">
            if supports_raw(&props.protocol) {
                <label class="check">
                    <input type="checkbox" checked={props.raw} onchange={on_raw} data-testid="raw-delivery" />
                    { "RawMessageDelivery" }
                </label>
            }
            if let Some(fields) = fields {
                <h3>{ t(lang, "endpoint.behaviour") }</h3>
                { fields }
            }
            if let Some(e) = &*error {
                <p class="error" role="alert" data-testid="endpoint-error">{ e }</p>
            }
        </div>
    }
}

/// The behaviour an endpoint of `protocol` has when none was given: what the engine assumes
/// (it accepts everything after `DEFAULT_ENDPOINT_LATENCY_MS`).
pub fn default_behaviour(protocol: &str) -> Option<Endpoint> {
    let ms = mqlab_engine::sns::DEFAULT_ENDPOINT_LATENCY_MS;
    let json = match protocol {
        "sqs" => return None,
        "http" | "https" => format!(r#"{{"Http": {{"latency_ms": {ms}}}}}"#),
        "lambda" => format!(r#"{{"Lambda": {{"duration_ms": {ms}}}}}"#),
        _ => format!(r#"{{"Sink": {{"latency_ms": {ms}}}}}"#),
    };
    serde_json::from_str(&json).ok()
}
