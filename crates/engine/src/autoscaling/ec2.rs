//! The EC2 launch templates an Auto Scaling group may launch from (`svc: "ec2"`):
//! CreateLaunchTemplate, DescribeLaunchTemplates, DeleteLaunchTemplate, version 1 only, with
//! EC2's error codes (aws-rules §2.2). Only what an instance needs is kept: its type and its
//! UserData (the consumer it runs).

use super::{AutoScaling, Ctx, LaunchTemplate};
use crate::core::aws::b64_decode;
use crate::core::error::AwsError;
use crate::core::request;
use crate::core::time::{epoch_ms, MS_PER_S};
use serde::Deserialize;
use serde_json::{json, Value};

/// Launch templates per Region (EC2's default quota).
pub const LAUNCH_TEMPLATES_MAX: usize = 5_000;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TemplateData {
    image_id: Option<String>,
    instance_type: Option<String>,
    user_data: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    launch_template_name: Option<String>,
    launch_template_id: Option<String>,
    launch_template_data: Option<TemplateData>,
    launch_template_names: Option<Vec<String>>,
    launch_template_ids: Option<Vec<String>>,
}

fn not_found() -> AwsError {
    AwsError::new(
        "InvalidLaunchTemplateName.NotFoundException",
        "At least one of the launch templates specified in the request does not exist.",
    )
}

fn describe(l: &LaunchTemplate) -> Value {
    json!({
        "LaunchTemplateId": l.id,
        "LaunchTemplateName": l.name,
        "CreateTime": epoch_ms(l.created_at) as f64 / MS_PER_S as f64,
        "CreatedBy": "arn:aws:iam::123456789012:root",
        "DefaultVersionNumber": 1,
        "LatestVersionNumber": 1,
    })
}

impl AutoScaling {
    /// The JSON layer of the `ec2` launch-template operations.
    pub fn ec2_call_json(
        &mut self,
        ctx: &mut Ctx,
        op: &str,
        params: &Value,
    ) -> Result<Value, AwsError> {
        let i: Input = request::parse(
            params,
            &request::Unreadable {
                code: "InvalidParameterValue",
                member_message: "The request could not be read: {}.",
                not_object_message: "The request parameters must be a JSON object.",
            },
        )?;
        match op {
            "CreateLaunchTemplate" => {
                let name = i
                    .launch_template_name
                    .ok_or_else(|| AwsError::missing_parameter("LaunchTemplateName"))?;
                let ok = (3..=128).contains(&name.len())
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "().-/_".contains(c));
                if !ok {
                    return Err(AwsError::new(
                        "InvalidLaunchTemplateName.MalformedException",
                        "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.",
                    ));
                }
                let data = i
                    .launch_template_data
                    .ok_or_else(|| AwsError::missing_parameter("LaunchTemplateData"))?;
                if self.launch_templates.contains_key(&name) {
                    return Err(AwsError::new(
                        "InvalidLaunchTemplateName.AlreadyExistsException",
                        "Launch template name already in use.",
                    ));
                }
                if self.launch_templates.len() >= LAUNCH_TEMPLATES_MAX {
                    return Err(AwsError::new(
                        "LaunchTemplateLimitExceeded",
                        "You've reached the maximum number of launch templates.",
                    ));
                }
                if data.user_data.as_deref().is_some_and(|u| b64_decode(u).is_none()) {
                    return Err(AwsError::new(
                        "InvalidUserData.Malformed",
                        "Invalid BASE64 encoding of user data.",
                    ));
                }
                let _ = data.image_id;
                let (a, b) = (ctx.rng.next_u64(), ctx.rng.next_u64());
                let lt = LaunchTemplate {
                    id: format!("lt-{:x}{b:016x}", a & 0xF),
                    name: name.clone(),
                    instance_type: data.instance_type.unwrap_or_else(|| "t3.micro".into()),
                    user_data: data.user_data,
                    created_at: ctx.now,
                };
                let out = json!({ "LaunchTemplate": describe(&lt) });
                self.launch_templates.insert(name, lt);
                Ok(out)
            }
            "DescribeLaunchTemplates" => {
                let names = i.launch_template_names.unwrap_or_default();
                let ids = i.launch_template_ids.unwrap_or_default();
                let known = |x: &String| self.launch_templates.values().any(|l| l.name == *x || l.id == *x);
                if !names.iter().chain(&ids).all(known) {
                    return Err(not_found());
                }
                let items: Vec<Value> = self
                    .launch_templates
                    .values()
                    .filter(|l| (names.is_empty() && ids.is_empty()) || names.contains(&l.name) || ids.contains(&l.id))
                    .map(describe)
                    .collect();
                Ok(json!({ "LaunchTemplates": items }))
            }
            "DeleteLaunchTemplate" => {
                let name = match (&i.launch_template_id, &i.launch_template_name) {
                    (Some(id), None) => self.launch_templates.values().find(|l| l.id == *id).map(|l| l.name.clone()),
                    (None, Some(n)) => self.launch_templates.contains_key(n).then(|| n.clone()),
                    _ => {
                        return Err(AwsError::missing_parameter(
                            "LaunchTemplateId or LaunchTemplateName",
                        ))
                    }
                };
                let lt = name.and_then(|n| self.launch_templates.remove(&n)).ok_or_else(not_found)?;
                Ok(json!({ "LaunchTemplate": describe(&lt) }))
            }
            other => Err(AwsError::new(
                "InvalidAction",
                format!("The action {other} is not valid for this web service (simulated for ec2: CreateLaunchTemplate, DescribeLaunchTemplates, DeleteLaunchTemplate)."),
            )),
        }
    }
}
