//! Statement forwarding rules: per environment, which stored statements go to which external
//! LRS. Storing statements writes one outbox message ([`FORWARD_TOPIC`], target = the rule id,
//! payload `{"statements": [ids]}`) per enabled rule that a statement of the batch matches, in
//! the statements' transaction.

use crate::error::StoreError;
use crate::ids::LrsForwardingRuleId;
use crate::model::{Page, PageRequest};
use crate::scope::Scope;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The outbox topic of statement forwarding.
pub const FORWARD_TOPIC: &str = "lrs.forward";

/// The target LRS's password. `Debug` hides it, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ForwardingSecret(String);

impl ForwardingSecret {
    /// Wraps a password.
    pub fn new(raw: String) -> Self {
        Self(raw)
    }

    /// The password itself: only to send it to the target.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ForwardingSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ForwardingSecret(…)")
    }
}

/// HTTP Basic credentials at the target LRS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicAuth {
    /// The user.
    pub username: String,
    /// The password.
    pub password: ForwardingSecret,
}

/// Which statements a rule forwards: each non-empty list must contain the statement's value
/// (all lists empty: every statement). A statement whose Object is a StatementRef (a voiding
/// statement, for one) also matches when the statement it refers to matches, as the
/// statement filters of xAPI-Communication 2.1.4 do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardingFilter {
    /// Verb ids.
    #[serde(default)]
    pub verbs: Vec<String>,
    /// Activity ids of the statement's Object.
    #[serde(default)]
    pub activity_ids: Vec<String>,
    /// `context.registration` UUIDs (lowercase).
    #[serde(default)]
    pub registrations: Vec<String>,
}

impl ForwardingFilter {
    /// Whether every statement matches.
    pub fn is_empty(&self) -> bool {
        self.verbs.is_empty() && self.activity_ids.is_empty() && self.registrations.is_empty()
    }

    /// Whether a statement with these keys matches.
    pub fn matches(&self, verb: &str, activity: Option<&str>, registration: Option<&str>) -> bool {
        let within = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
        };
        within(&self.verbs, Some(verb))
            && within(&self.activity_ids, activity)
            && within(&self.registrations, registration)
    }
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForwardingRule {
    /// `lrsf_…`.
    pub id: LrsForwardingRuleId,
    /// The target LRS's endpoint base (statements go to `<url>/statements`).
    pub url: String,
    /// `X-Experience-API-Version` sent to the target: `1.0.3` or `2.0.0`.
    pub version: String,
    /// The target's credentials.
    pub auth: BasicAuth,
    /// Which statements go.
    pub filter: ForwardingFilter,
    /// A disabled rule forwards nothing (and drops what it had queued).
    pub enabled: bool,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds of the last change.
    pub updated: i64,
}

/// A rule to create (already validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewForwardingRule {
    /// The endpoint base.
    pub url: String,
    /// `1.0.3` or `2.0.0`.
    pub version: String,
    /// The target's credentials.
    pub auth: BasicAuth,
    /// Which statements go.
    pub filter: ForwardingFilter,
    /// Whether it forwards.
    pub enabled: bool,
}

/// A partial update: `None` keeps the field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForwardingRulePatch {
    /// A new endpoint base.
    pub url: Option<String>,
    /// A new version.
    pub version: Option<String>,
    /// New credentials (user and password together).
    pub auth: Option<BasicAuth>,
    /// A new filter.
    pub filter: Option<ForwardingFilter>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// Statement forwarding rules of an environment's LRS.
#[async_trait]
pub trait ForwardingRuleStore: Send + Sync {
    /// Creates a rule.
    async fn create(
        &self,
        scope: Scope,
        new: NewForwardingRule,
    ) -> Result<ForwardingRule, StoreError>;

    /// One rule.
    async fn get(
        &self,
        scope: Scope,
        id: &LrsForwardingRuleId,
    ) -> Result<Option<ForwardingRule>, StoreError>;

    /// The rules, newest first.
    async fn list(
        &self,
        scope: Scope,
        page: PageRequest,
    ) -> Result<Page<ForwardingRule>, StoreError>;

    /// Applies a partial update; `None` when there is no such rule.
    async fn update(
        &self,
        scope: Scope,
        id: &LrsForwardingRuleId,
        patch: ForwardingRulePatch,
    ) -> Result<Option<ForwardingRule>, StoreError>;

    /// Deletes a rule with its queued messages and delivery log; `false` when there was none.
    async fn delete(&self, scope: Scope, id: &LrsForwardingRuleId) -> Result<bool, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_match_everything_and_each_list_narrows() {
        let all = ForwardingFilter::default();
        assert!(all.is_empty() && all.matches("v", None, None));
        let filter = ForwardingFilter {
            verbs: vec!["v1".into(), "v2".into()],
            activity_ids: vec!["a".into()],
            registrations: Vec::new(),
        };
        assert!(filter.matches("v2", Some("a"), Some("r")));
        assert!(!filter.matches("v3", Some("a"), None));
        assert!(!filter.matches("v1", Some("b"), None));
        assert!(!filter.matches("v1", None, None), "no Activity Object");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let auth = BasicAuth {
            username: "u".into(),
            password: ForwardingSecret::new("hunter2-secret".into()),
        };
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
