//! Mobile push (aws-rules §3.3 `application`): platform applications (one per push service
//! credential: FCM — `GCM` in the API —, APNs, ADM, Baidu, MPNS, WNS), their device endpoints,
//! and direct publishes to an endpoint (`Publish` with `TargetArn`).
//!
//! Nothing reaches a real push service: a delivery to an endpoint lands in its simulated inbox
//! (`ListEndpointMessages` with the endpoint ARN). Credentials are stored, never checked (AWS
//! checks them against the push service). Error texts follow LocalStack's and moto's SNS
//! providers, whose tests are recorded against AWS; the others are UNCONFIRMED.

use super::api::{PublishOutput, PushInput};
use super::ops::MessageFields;
use super::subscription::arn_parts;
use super::*;
use crate::core::event::EventKind;
use serde_json::json;

/// Platforms CreatePlatformApplication accepts, and whether each needs a `PlatformPrincipal`
/// beside its `PlatformCredential` (API reference: FCM has no principal).
pub const PLATFORMS: &[(&str, bool)] = &[
    ("ADM", true),
    ("APNS", true),
    ("APNS_SANDBOX", true),
    ("BAIDU", true),
    ("GCM", false),
    ("MPNS", true),
    ("WNS", true),
];
/// Platform application attributes (API reference, SetPlatformApplicationAttributes), plus
/// `Enabled`, which AWS reports and sets to false when the push service refuses the
/// credentials; mqlab lets a caller set it to show PlatformApplicationDisabledException
/// (UNCONFIRMED that AWS accepts it from callers).
pub const APPLICATION_ATTRIBUTES: &[&str] = &[
    "PlatformCredential",
    "PlatformPrincipal",
    "EventEndpointCreated",
    "EventEndpointDeleted",
    "EventEndpointUpdated",
    "EventDeliveryFailure",
    "SuccessFeedbackRoleArn",
    "FailureFeedbackRoleArn",
    "SuccessFeedbackSampleRate",
    "ApplePlatformTeamID",
    "ApplePlatformBundleID",
    "AuthenticationMethod",
    "Enabled",
];
/// Endpoint attributes (API reference, SetEndpointAttributes).
pub const ENDPOINT_ATTRIBUTES: &[&str] = &["CustomUserData", "Enabled", "Token"];
/// CustomUserData: at most 2,048 bytes in UTF-8 (API reference).
pub const CUSTOM_USER_DATA_MAX_BYTES: usize = 2_048;
/// Platform application names: 1–256 of `A-Z a-z 0-9 _ - .` (LocalStack's recorded rule).
pub const APPLICATION_NAME_MAX: usize = 256;
/// Device tokens: AWS checks the length per platform without publishing it; mqlab caps them
/// at 4 KiB so memory stays bounded. UNCONFIRMED.
pub const TOKEN_MAX_BYTES: usize = 4_096;
/// Platform applications and endpoints kept at once: AWS quotas are not published (endpoints
/// are unlimited in practice); mqlab's caps keep memory bounded.
pub const PLATFORM_APPLICATIONS_MAX: usize = 1_000;
pub const PLATFORM_ENDPOINTS_MAX: usize = 100_000;
/// ListPlatformApplications / ListEndpointsByPlatformApplication page size (API reference).
pub const PUSH_PAGE_SIZE: usize = 100;

#[derive(Clone, Debug)]
pub struct PlatformApplication {
    pub arn: String,
    pub platform: String,
    /// As set; `Enabled` always present.
    pub attrs: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct PlatformEndpoint {
    pub app_arn: String,
    /// `Token`, `Enabled` (always present) and `CustomUserData` (when set).
    pub attrs: BTreeMap<String, String>,
}

fn enabled(attrs: &BTreeMap<String, String>) -> bool {
    attrs.get("Enabled").is_none_or(|v| v == "true")
}

/// `GCM` of `…:endpoint/GCM/app/id` or `…:app/GCM/app`: the key a `MessageStructure=json`
/// message is read with for this endpoint.
pub fn platform_of(arn: &str) -> Option<&str> {
    let (_, _, _, resource) = arn_parts(arn)?;
    let mut p = resource.split('/');
    matches!(p.next(), Some("endpoint" | "app"))
        .then(|| p.next())
        .flatten()
}

fn attrs_json(attrs: &BTreeMap<String, String>, hide_secrets: bool) -> Value {
    let shown = attrs.iter().filter(|(k, _)| {
        !(hide_secrets && matches!(k.as_str(), "PlatformCredential" | "PlatformPrincipal"))
    });
    Value::Object(shown.map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn required<'a>(v: Option<&'a str>, param: &str) -> Result<&'a str, AwsError> {
    v.filter(|s| !s.is_empty())
        .ok_or_else(|| invalid_parameter(&format!("Invalid parameter: {param}")))
}

fn attribute_error(reason: String) -> AwsError {
    invalid_parameter(&format!("Invalid parameter: Attributes Reason: {reason}"))
}

/// One page of `items` (in key order) from `next_token` on: (page, NextToken).
fn page(
    items: impl Iterator<Item = (String, Value)>,
    next_token: Option<&str>,
) -> Result<(Vec<Value>, Option<String>), AwsError> {
    let start = match next_token.filter(|t| !t.is_empty()) {
        Some(t) => Some(
            crate::core::base64::decode(t)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| invalid_parameter("Invalid parameter: NextToken"))?,
        ),
        None => None,
    };
    let mut out = Vec::new();
    for (key, v) in items.filter(|(k, _)| start.as_ref().is_none_or(|s| k >= s)) {
        if out.len() == PUSH_PAGE_SIZE {
            return Ok((out, Some(crate::core::base64::encode(key))));
        }
        out.push(v);
    }
    Ok((out, None))
}

impl Sns {
    fn resolve_app(&self, arn: Option<&str>) -> Result<&PlatformApplication, AwsError> {
        let arn = required(arn, "PlatformApplicationArn")?;
        if arn.split(':').count() < 6 {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: PlatformApplicationArn Reason: An ARN must have at least 6 elements, not {}",
                arn.split(':').count()
            )));
        }
        self.push_apps
            .get(arn)
            .ok_or_else(|| AwsError::new("NotFoundException", "PlatformApplication does not exist"))
    }

    fn resolve_push_endpoint(&self, arn: Option<&str>) -> Result<&PlatformEndpoint, AwsError> {
        let arn = required(arn, "EndpointArn")?;
        self.push_endpoints
            .get(arn)
            .ok_or_else(|| AwsError::new("NotFoundException", "Endpoint does not exist"))
    }

    /// Validates platform application attributes (a whole set after changes).
    fn check_app_attributes(&self, attrs: &BTreeMap<String, String>) -> Result<(), AwsError> {
        for (k, v) in attrs {
            let ok = match k.as_str() {
                k if !APPLICATION_ATTRIBUTES.contains(&k) => {
                    return Err(attribute_error(format!("Invalid attribute name: {k}")))
                }
                k if k.starts_with("Event") => {
                    if !(v.is_empty() || arn_parts(v).is_some_and(|(s, ..)| s == "sns")) {
                        return Err(attribute_error(format!("{k} has invalid ARN format")));
                    }
                    v.is_empty() || self.topics.contains_key(v.rsplit(':').next().unwrap_or(""))
                }
                k if k.ends_with("RoleArn") => {
                    v.is_empty() || arn_parts(v).is_some_and(|(s, ..)| s == "iam")
                }
                "SuccessFeedbackSampleRate" => v.parse::<u8>().is_ok_and(|r| r <= 100),
                "AuthenticationMethod" => v == "Token" || v == "Certificate",
                "Enabled" => v == "true" || v == "false",
                _ => true,
            };
            if !ok {
                let reason = if k.starts_with("Event") {
                    format!("{k} is not an existing Topic")
                } else {
                    format!("Invalid value for attribute: {k}")
                };
                return Err(attribute_error(reason));
            }
        }
        Ok(())
    }

    pub fn create_platform_application(&mut self, input: &PushInput) -> Result<Value, AwsError> {
        let name = input.name.as_deref().unwrap_or("");
        let reason = if name.is_empty() {
            Some("cannot be empty")
        } else if name.chars().count() > APPLICATION_NAME_MAX {
            Some("must be at most 256 characters long")
        } else if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            Some("must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'")
        } else {
            None
        };
        if let Some(r) = reason {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: {name} Reason: {r}"
            )));
        }
        let platform = input.platform.as_deref().unwrap_or("");
        let Some(&(_, needs_principal)) = PLATFORMS.iter().find(|(p, _)| *p == platform) else {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: Platform Reason: {platform} is not supported"
            )));
        };
        self.check_app_attributes(&input.attributes)?;
        for (attr, needed) in [
            ("PlatformCredential", true),
            ("PlatformPrincipal", needs_principal),
        ] {
            if needed && input.attributes.get(attr).is_none_or(String::is_empty) {
                return Err(attribute_error(format!(
                    "{attr} attribute is required for the {platform} platform"
                )));
            }
        }
        let arn = format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:app/{platform}/{name}");
        if !self.push_apps.contains_key(&arn) && self.push_apps.len() >= PLATFORM_APPLICATIONS_MAX {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: mqlab keeps at most {PLATFORM_APPLICATIONS_MAX} platform applications"
            )));
        }
        let mut attrs = input.attributes.clone();
        attrs
            .entry("Enabled".into())
            .or_insert_with(|| "true".into());
        // The same name and platform again: the same application, attributes replaced
        // (UNCONFIRMED; LocalStack does the same).
        self.push_apps.insert(
            arn.clone(),
            PlatformApplication {
                arn: arn.clone(),
                platform: platform.to_string(),
                attrs,
            },
        );
        Ok(json!({ "PlatformApplicationArn": arn }))
    }

    pub fn get_platform_application_attributes(
        &self,
        input: &PushInput,
    ) -> Result<Value, AwsError> {
        let app = self.resolve_app(input.platform_application_arn.as_deref())?;
        Ok(json!({ "Attributes": attrs_json(&app.attrs, true) }))
    }

    pub fn set_platform_application_attributes(
        &mut self,
        input: &PushInput,
    ) -> Result<Value, AwsError> {
        let app = self.resolve_app(input.platform_application_arn.as_deref())?;
        let mut attrs = app.attrs.clone();
        attrs.extend(input.attributes.clone());
        self.check_app_attributes(&attrs)?;
        let arn = app.arn.clone();
        if let Some(app) = self.push_apps.get_mut(&arn) {
            app.attrs = attrs;
        }
        Ok(json!({}))
    }

    /// Deletes an application and its endpoints; deleting one that does not exist succeeds.
    pub fn delete_platform_application(&mut self, input: &PushInput) -> Result<Value, AwsError> {
        let arn = required(
            input.platform_application_arn.as_deref(),
            "PlatformApplicationArn",
        )?;
        if self.push_apps.remove(arn).is_some() {
            self.push_endpoints.retain(|_, e| e.app_arn != arn);
        }
        Ok(json!({}))
    }

    pub fn list_platform_applications(&self, input: &PushInput) -> Result<Value, AwsError> {
        let items = self.push_apps.values().map(|a| {
            let v =
                json!({"PlatformApplicationArn": a.arn, "Attributes": attrs_json(&a.attrs, true)});
            (a.arn.clone(), v)
        });
        let (apps, next) = page(items, input.next_token.as_deref())?;
        let mut out = json!({ "PlatformApplications": apps });
        if let Some(n) = next {
            out["NextToken"] = json!(n);
        }
        Ok(out)
    }

    /// Checks a set of endpoint attributes; returns it with the defaults filled in.
    fn endpoint_attributes(
        attrs: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<String, String>, AwsError> {
        for (k, v) in attrs {
            let ok = match k.as_str() {
                "CustomUserData" => v.len() <= CUSTOM_USER_DATA_MAX_BYTES,
                "Enabled" => v == "true" || v == "false",
                "Token" => !v.is_empty() && v.len() <= TOKEN_MAX_BYTES,
                _ => return Err(attribute_error(format!("Invalid attribute name: {k}"))),
            };
            if !ok {
                return Err(attribute_error(format!(
                    "Invalid value for attribute: {k}{}",
                    if k == "CustomUserData" {
                        ": must be at most 2048 bytes long in UTF-8 encoding"
                    } else {
                        ""
                    }
                )));
            }
        }
        let mut out = attrs.clone();
        out.entry("Enabled".into()).or_insert_with(|| "true".into());
        Ok(out)
    }

    pub fn create_platform_endpoint(
        &mut self,
        ctx: &mut Ctx,
        input: &PushInput,
    ) -> Result<Value, AwsError> {
        let app = self.resolve_app(input.platform_application_arn.as_deref())?;
        let token = required(input.token.as_deref(), "Token")?;
        let mut attrs = input.attributes.clone();
        // CustomUserData may come as a parameter or an attribute; the attribute wins.
        if let Some(d) = input.custom_user_data.as_ref().filter(|d| !d.is_empty()) {
            attrs
                .entry("CustomUserData".into())
                .or_insert_with(|| d.clone());
        }
        attrs.insert("Token".into(), token.to_string());
        let attrs = Self::endpoint_attributes(&attrs)?;
        let (app_arn, platform) = (app.arn.clone(), app.platform.clone());
        // Idempotent for the same token and attributes (API reference); the same token with
        // other attributes is refused (AWS's text, as recorded by LocalStack and moto).
        let same_token = self
            .push_endpoints
            .iter()
            .find(|(_, e)| e.app_arn == app_arn && e.attrs.get("Token") == Some(&token.into()));
        if let Some((arn, e)) = same_token {
            if e.attrs == attrs {
                return Ok(json!({ "EndpointArn": arn }));
            }
            return Err(invalid_parameter(&format!(
                "Invalid parameter: Token Reason: Endpoint {arn} already exists with the same Token, but different attributes."
            )));
        }
        if self.push_endpoints.len() >= PLATFORM_ENDPOINTS_MAX {
            return Err(invalid_parameter(&format!(
                "Invalid parameter: mqlab keeps at most {PLATFORM_ENDPOINTS_MAX} platform endpoints"
            )));
        }
        let name = app_arn.rsplit('/').next().unwrap_or("");
        let arn = format!(
            "arn:aws:sns:{REGION}:{ACCOUNT_ID}:endpoint/{platform}/{name}/{}",
            ctx.rng.uuid()
        );
        self.push_endpoints
            .insert(arn.clone(), PlatformEndpoint { app_arn, attrs });
        Ok(json!({ "EndpointArn": arn }))
    }

    pub fn get_endpoint_attributes(&self, input: &PushInput) -> Result<Value, AwsError> {
        let e = self.resolve_push_endpoint(input.endpoint_arn.as_deref())?;
        Ok(json!({ "Attributes": attrs_json(&e.attrs, false) }))
    }

    pub fn set_endpoint_attributes(&mut self, input: &PushInput) -> Result<Value, AwsError> {
        let e = self.resolve_push_endpoint(input.endpoint_arn.as_deref())?;
        let mut attrs = e.attrs.clone();
        attrs.extend(input.attributes.clone());
        let attrs = Self::endpoint_attributes(&attrs)?;
        if let Some(e) = self
            .push_endpoints
            .get_mut(input.endpoint_arn.as_deref().unwrap_or(""))
        {
            e.attrs = attrs;
        }
        Ok(json!({}))
    }

    /// Deleting an endpoint that does not exist succeeds (API reference: idempotent).
    pub fn delete_endpoint(&mut self, input: &PushInput) -> Result<Value, AwsError> {
        let arn = required(input.endpoint_arn.as_deref(), "EndpointArn")?;
        self.push_endpoints.remove(arn);
        Ok(json!({}))
    }

    pub fn list_endpoints_by_platform_application(
        &self,
        input: &PushInput,
    ) -> Result<Value, AwsError> {
        let app = self.resolve_app(input.platform_application_arn.as_deref())?;
        let items = self
            .push_endpoints
            .iter()
            .filter(|(_, e)| e.app_arn == app.arn)
            .map(|(arn, e)| {
                let v = json!({"EndpointArn": arn, "Attributes": attrs_json(&e.attrs, false)});
                (arn.clone(), v)
            });
        let (endpoints, next) = page(items, input.next_token.as_deref())?;
        let mut out = json!({ "Endpoints": endpoints });
        if let Some(n) = next {
            out["NextToken"] = json!(n);
        }
        Ok(out)
    }

    /// Why a push to `endpoint_arn` is refused, if it is: a disabled application or endpoint,
    /// or an endpoint gone from an application that exists. An endpoint ARN of an application
    /// mqlab does not know is a free-standing simulated device (scenarios subscribe those)
    /// and takes everything.
    pub(crate) fn push_refusal(&self, endpoint_arn: &str) -> Option<AwsError> {
        let app_arn = endpoint_arn
            .rsplit_once('/')
            .map(|(a, _)| a.replacen(":endpoint/", ":app/", 1))?;
        let app = self.push_apps.get(&app_arn)?;
        if !enabled(&app.attrs) {
            return Some(AwsError::new(
                "PlatformApplicationDisabledException",
                "Platform application is disabled",
            ));
        }
        match self.push_endpoints.get(endpoint_arn) {
            None => Some(AwsError::new(
                "NotFoundException",
                "Endpoint does not exist",
            )),
            Some(e) if !enabled(&e.attrs) => Some(AwsError::new(
                "EndpointDisabledException",
                "Endpoint is disabled",
            )),
            Some(_) => None,
        }
    }

    /// `Publish` with an endpoint ARN as `TargetArn`: one push straight to the device.
    pub(crate) fn publish_to_endpoint(
        &mut self,
        ctx: &mut Ctx,
        arn: &str,
        f: &MessageFields,
    ) -> Result<PublishOutput, AwsError> {
        if !self.push_endpoints.contains_key(arn) {
            return Err(invalid_parameter(
                "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified",
            ));
        }
        if let Some(e) = self.push_refusal(arn) {
            return Err(e);
        }
        let platform = platform_of(arn).unwrap_or("default");
        // A direct publish may carry only the platform's key, without `default` (AWS guide,
        // "Sending platform-specific payloads"): read it here rather than in `prepare`.
        let json_structure = f.structure == Some("json");
        let plain = MessageFields {
            structure: f.structure.filter(|s| *s != "json"),
            ..*f
        };
        let p = self.prepare(None, &plain)?;
        let body = if json_structure {
            let text = f.message.map(|m| m.as_str()).unwrap_or_default();
            let v: Value = serde_json::from_str(&text).map_err(|_| {
                invalid_parameter(
                    "Invalid parameter: Message Structure - JSON message body failed to parse",
                )
            })?;
            [platform, "default"]
                .iter()
                .find_map(|k| v.get(k).and_then(Value::as_str))
                .ok_or_else(|| {
                    invalid_parameter(
                        "Invalid parameter: Message Structure - No default entry in JSON message body",
                    )
                })?
                .into()
        } else {
            p.message.for_protocol(platform).clone()
        };
        Ok(self.publish_direct(ctx, arn, "application", body, p.size))
    }

    /// A publish straight to a phone number or a device: no topic, one delivery.
    pub(crate) fn publish_direct(
        &mut self,
        ctx: &mut Ctx,
        target: &str,
        protocol: &str,
        body: Payload,
        size: usize,
    ) -> PublishOutput {
        let message_id = ctx.rng.uuid();
        self.cost.charge_publish(false, size);
        self.cost.charge_delivery(protocol);
        let received_at =
            crate::core::time::epoch_ms(ctx.now + self.config.default_endpoint_latency_ms);
        self.record_inbox(
            target,
            InboxEntry {
                received_at: received_at as f64 / 1000.0,
                protocol: protocol.into(),
                kind: "Notification".into(),
                message_id: message_id.clone(),
                subscription_arn: None,
                token: None,
                subject: None,
                body,
                headers: BTreeMap::new(),
            },
        );
        // A push has no event of its own yet (the app's event fold lists every kind, and
        // adding one belongs with the app's SNS view); SMS keeps its SmsPublished.
        if protocol == "sms" {
            ctx.events.push(ctx.now, || EventKind::SmsPublished {
                phone_number: target.to_string(),
                message_id: message_id.clone(),
            });
        }
        PublishOutput {
            message_id,
            sequence_number: None,
        }
    }
}
