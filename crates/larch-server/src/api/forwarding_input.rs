//! The request bodies of `/v1/lrs/forwarding_rules`, validated at the edge into the store's
//! types: an http(s) URL, a supported xAPI version, Basic credentials, IRIs and UUIDs.

use crate::api::lrs_forwarding::ForwardingFilterObject;
use crate::error::ApiError;
use crate::outbox::validate_target_url;
use larch_store::{
    BasicAuth, ForwardingFilter, ForwardingRulePatch, ForwardingSecret, NewForwardingRule,
};
use larch_xapi::primitives::{Iri, Uuid};
use serde::Deserialize;
use utoipa::ToSchema;

/// The most values one filter list may hold.
const MAX_FILTER_VALUES: usize = 100;
/// The longest user name or password accepted.
const MAX_CREDENTIAL: usize = 1024;

/// HTTP Basic credentials at the target LRS. The password is stored to be sent, and never
/// shown or logged.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardingAuthInput {
    /// `basic`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP Basic user (no `:`).
    pub username: String,
    /// The HTTP Basic password.
    #[schema(format = Password)]
    pub password: String,
}

/// The body of `POST /v1/lrs/forwarding_rules`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateForwardingRule {
    /// The external LRS's endpoint base, e.g. `https://lrs.example.com/xapi`
    /// (statements go to `<url>/statements`).
    pub url: String,
    /// The target's credentials.
    pub auth: ForwardingAuthInput,
    /// `X-Experience-API-Version` to send: `1.0.3` or `2.0.0`.
    pub version: String,
    /// Which statements to forward. By default, all.
    #[serde(default)]
    pub filter: ForwardingFilterObject,
    /// By default, `true`.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// The body of `PATCH /v1/lrs/forwarding_rules/{id}`: absent fields stay as they are; `auth`
/// and `filter` are replaced whole.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateForwardingRule {
    /// A new endpoint base.
    pub url: Option<String>,
    /// New credentials.
    pub auth: Option<ForwardingAuthInput>,
    /// A new version, `1.0.3` or `2.0.0`.
    pub version: Option<String>,
    /// A new filter.
    pub filter: Option<ForwardingFilterObject>,
    /// Enable (`true`) or disable (`false`; drops what the rule had queued).
    pub enabled: Option<bool>,
}

impl CreateForwardingRule {
    /// The rule to store, or a 400 naming the first invalid field.
    pub(crate) fn validate(self) -> Result<NewForwardingRule, ApiError> {
        Ok(NewForwardingRule {
            url: validate_target_url("url", &self.url)?,
            version: version(&self.version)?,
            auth: auth(self.auth)?,
            filter: filter(self.filter)?,
            enabled: self.enabled,
        })
    }
}

impl UpdateForwardingRule {
    /// The changes to store, or a 400 naming the first invalid field.
    pub(crate) fn validate(self) -> Result<ForwardingRulePatch, ApiError> {
        Ok(ForwardingRulePatch {
            url: self
                .url
                .map(|u| validate_target_url("url", &u))
                .transpose()?,
            version: self.version.map(|v| version(&v)).transpose()?,
            auth: self.auth.map(auth).transpose()?,
            filter: self.filter.map(filter).transpose()?,
            enabled: self.enabled,
        })
    }
}

fn version(raw: &str) -> Result<String, ApiError> {
    match raw {
        "1.0.3" | "2.0.0" => Ok(raw.to_owned()),
        _ => Err(ApiError::invalid(
            "version",
            "version must be 1.0.3 or 2.0.0",
        )),
    }
}

/// RFC 7617: the user may not contain a colon; neither part a control character.
fn auth(input: ForwardingAuthInput) -> Result<BasicAuth, ApiError> {
    if input.kind != "basic" {
        return Err(ApiError::invalid("auth.type", "auth.type must be basic"));
    }
    let fits = |s: &str| s.len() <= MAX_CREDENTIAL && !s.chars().any(char::is_control);
    if input.username.is_empty() || input.username.contains(':') || !fits(&input.username) {
        return Err(ApiError::invalid(
            "auth.username",
            "auth.username must be 1 to 1024 characters, without `:` or control characters",
        ));
    }
    if input.password.is_empty() || !fits(&input.password) {
        return Err(ApiError::invalid(
            "auth.password",
            "auth.password must be 1 to 1024 characters, without control characters",
        ));
    }
    Ok(BasicAuth {
        username: input.username,
        password: ForwardingSecret::new(input.password),
    })
}

fn filter(input: ForwardingFilterObject) -> Result<ForwardingFilter, ApiError> {
    let iris = |param: &str, list: Vec<String>| -> Result<Vec<String>, ApiError> {
        bounded(param, &list)?;
        list.into_iter()
            .map(|raw| {
                Iri::parse(&raw)
                    .map(|iri| iri.as_str().to_owned())
                    .ok_or_else(|| {
                        ApiError::invalid(param, format!("{param}: {raw:?} is not an IRI"))
                    })
            })
            .collect()
    };
    let param = "filter.registrations";
    bounded(param, &input.registrations)?;
    let registrations = input
        .registrations
        .into_iter()
        .map(|raw| {
            Uuid::parse(&raw)
                .map(|u| u.to_string())
                .ok_or_else(|| ApiError::invalid(param, format!("{param}: {raw:?} is not a UUID")))
        })
        .collect::<Result<_, _>>()?;
    Ok(ForwardingFilter {
        verbs: iris("filter.verbs", input.verbs)?,
        activity_ids: iris("filter.activity_ids", input.activity_ids)?,
        registrations,
    })
}

fn bounded(param: &str, list: &[String]) -> Result<(), ApiError> {
    if list.len() > MAX_FILTER_VALUES {
        return Err(ApiError::invalid(
            param,
            format!("{param} holds at most {MAX_FILTER_VALUES} values"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: serde_json::Value) -> CreateForwardingRule {
        serde_json::from_value(json).unwrap()
    }

    fn param_of(err: ApiError) -> Option<String> {
        match err {
            ApiError::Invalid { param, .. } => param,
            _ => None,
        }
    }

    #[test]
    fn each_invalid_field_is_named() {
        let base = serde_json::json!({
            "url": "https://lrs.example.com/xapi", "version": "2.0.0",
            "auth": {"type": "basic", "username": "u", "password": "p"},
            "filter": {"verbs": [], "registrations": ["5C2E9A4B-1F7D-4C6A-9E3B-2D8F0A1B6C7E"]},
        });
        let rule = body(base.clone()).validate().unwrap();
        assert!(rule.enabled);
        assert_eq!(
            rule.filter.registrations,
            ["5c2e9a4b-1f7d-4c6a-9e3b-2d8f0a1b6c7e"]
        );
        let cases = [
            ("/version", serde_json::json!("1.0.2"), "version"),
            ("/url", serde_json::json!("ftp://x.example.com"), "url"),
            ("/auth/type", serde_json::json!("bearer"), "auth.type"),
            ("/auth/username", serde_json::json!("a:b"), "auth.username"),
            ("/auth/password", serde_json::json!(""), "auth.password"),
            (
                "/filter/verbs",
                serde_json::json!(["not an iri"]),
                "filter.verbs",
            ),
            (
                "/filter/registrations",
                serde_json::json!(["x"]),
                "filter.registrations",
            ),
        ];
        for (pointer, value, param) in cases {
            let mut bad = base.clone();
            *bad.pointer_mut(pointer).unwrap() = value;
            let err = body(bad).validate().unwrap_err();
            assert_eq!(param_of(err).as_deref(), Some(param), "{pointer}");
        }
    }
}
