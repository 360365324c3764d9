//! The recent API calls, newest first, each with the AWS CLI command that makes the same
//! call.

use super::same_lab;
use crate::format::format_clock;
use crate::lab::Lab;
use mqlab_appcore::cli::{aws_cli_command, aws_cli_command_for};
use mqlab_appcore::i18n::{t, Lang};
use mqlab_appcore::view::log_entry_command;
use mqlab_appcore::view::ApiLogEntry;
use mqlab_engine::sqs::queue_url;
use mqlab_engine::World;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Calls listed (the view model keeps more).
const LOG_SHOWN_MAX: usize = 30;

#[derive(Properties)]
pub struct ApiLogProps {
    pub lang: Lang,
    pub lab: Rc<RefCell<Lab>>,
    pub panels: u64,
}

impl PartialEq for ApiLogProps {
    fn eq(&self, o: &Self) -> bool {
        same_lab(&self.lab, &o.lab) && self.panels == o.panels && self.lang == o.lang
    }
}

/// The request members of a call an actor made, as far as the actor's settings tell them
/// (a producer's body and a receipt handle are left as placeholders).
pub fn request_of(entry: &ApiLogEntry, world: &World) -> Value {
    if let Some(p) = &entry.params {
        return p.clone();
    }
    let url = entry.queue.as_deref().map(queue_url).unwrap_or_default();
    let actors = world.actors();
    let consumer = entry.actor.as_deref().and_then(|a| {
        actors
            .consumers
            .iter()
            .find(|c| c.name == a)
            .and_then(|c| actors.consumer_specs.get(c.spec))
    });
    match entry.operation.as_str() {
        "ReceiveMessage" => {
            let mut v = json!({"QueueUrl": url});
            if let Some(c) = consumer {
                v["MaxNumberOfMessages"] = json!(c.max_messages);
                if let Some(w) = c.wait_time_s {
                    v["WaitTimeSeconds"] = json!(w);
                }
                if let Some(vt) = c.visibility_timeout_s {
                    v["VisibilityTimeout"] = json!(vt);
                }
            }
            v
        }
        "SendMessage" => json!({"QueueUrl": url, "MessageBody": "…"}),
        // Actors of other services name their resource in `queue`.
        "Publish" | "PublishBatch" => json!({"TopicArn": mqlab_engine::sns::topic_arn(
            entry.queue.as_deref().unwrap_or_default()
        )}),
        "PutRecord" | "PutRecords" => json!({"StreamName": entry.queue}),
        "PutObject" | "DeleteObject" => json!({"Bucket": entry.queue, "Key": "…"}),
        "DeleteMessage" | "ChangeMessageVisibility" => {
            json!({"QueueUrl": url, "ReceiptHandle": "…"})
        }
        _ => json!({"QueueUrl": url}),
    }
}

#[function_component(ApiLog)]
pub fn api_log(props: &ApiLogProps) -> Html {
    let lang = props.lang;
    let lab = props.lab.borrow();
    let world = lab.world();
    let entries: Vec<Html> = lab
        .vm
        .api_log
        .iter()
        .rev()
        .take(LOG_SHOWN_MAX)
        .map(|e| {
            let cli = match log_entry_command(&e.operation) {
                Some((svc, op)) => aws_cli_command_for(svc, op, &request_of(e, world)),
                None => aws_cli_command(&e.operation, &request_of(e, world)),
            };
            html! {
                <li class={classes!(e.error.is_some().then_some("failed"))}>
                    <div class="call">
                        <span class="time">{ format_clock(e.at_ms) }</span>
                        <span class="actor">{ e.actor.clone().unwrap_or_else(|| t(lang, "log.you").into()) }</span>
                        <strong>{ &e.operation }</strong>
                        if let Some(q) = &e.queue { <span class="queue">{ q }</span> }
                        if let Some(err) = &e.error { <span class="error-code">{ err }</span> }
                    </div>
                    <code class="cli" title={t(lang, "log.cli")}>{ cli }</code>
                </li>
            }
        })
        .collect();
    html! {
        <section class="panel log" id="api-calls">
            <h2>{ t(lang, "panel.log") }</h2>
            if entries.is_empty() {
                <p class="muted">{ t(lang, "log.empty") }</p>
            } else {
                <ol class="api-log" data-testid="api-log" reversed=true>{ for entries }</ol>
            }
        </section>
    }
}
