//! One request parser for every service's JSON layer: AWS request members (PascalCase JSON) into
//! a typed input, with the error each protocol answers when a member has the wrong type or the
//! parameters are not an object.

use crate::core::error::AwsError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// How a protocol words a request it cannot read: the error code, the message around serde's
/// own words (`{}` is replaced by them), and the message for parameters that are not an object.
pub struct Unreadable {
    pub code: &'static str,
    pub member_message: &'static str,
    pub not_object_message: &'static str,
}

/// Parses a request's members. `null` is an empty request (every member absent).
pub fn parse<T: DeserializeOwned + Default>(
    params: &Value,
    wording: &Unreadable,
) -> Result<T, AwsError> {
    match params {
        Value::Null => Ok(T::default()),
        Value::Object(_) => serde_json::from_value(params.clone()).map_err(|e| {
            AwsError::new(
                wording.code,
                wording.member_message.replace("{}", &e.to_string()),
            )
        }),
        _ => Err(AwsError::new(wording.code, wording.not_object_message)),
    }
}

/// A response as JSON (a value that cannot be written is `null`, which no output type makes).
pub fn to_json<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Unreadable = Unreadable {
        code: "Bad",
        member_message: "could not read: {}.",
        not_object_message: "not an object",
    };

    #[derive(Default, serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct In {
        n: Option<u32>,
    }

    #[test]
    fn wrong_types_and_non_objects_get_the_protocols_wording() {
        let e = parse::<In>(&serde_json::json!({"N": "x"}), &W)
            .err()
            .unwrap();
        assert_eq!(e.code, "Bad");
        assert!(
            e.message.starts_with("could not read: invalid type"),
            "{}",
            e.message
        );
        let e = parse::<In>(&serde_json::json!([1]), &W).err().unwrap();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("Bad", "not an object")
        );
        assert_eq!(parse::<In>(&Value::Null, &W).unwrap().n, None);
        assert_eq!(
            parse::<In>(&serde_json::json!({"N": 3}), &W).unwrap().n,
            Some(3)
        );
    }
}
