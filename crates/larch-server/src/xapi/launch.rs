//! Requests authenticated by a launch token (`larch_store::LaunchToken`, HTTP Basic user
//! `lrst_…`): the token's scopes apply as a credential's would (Communication 4.2), and on top
//! of them its binding — statements it writes must have its actor as `actor` and its
//! registration as `context.registration`, and State it touches must be its actor's in its
//! registration. Reading statements is `statements/read/mine`: those it wrote.

use super::error::XapiError;
use super::request::XapiRequest;
use larch_store::ids::LrsCredentialId;
use larch_store::{LaunchToken, LrsCredential};
use larch_xapi::Statement;
use larch_xapi::documents::{DocumentKind, DocumentParams};

/// The token as the credential the rest of the LRS works with: its id names the authority of
/// the statements it writes.
pub(super) fn as_credential(token: &LaunchToken) -> Result<LrsCredential, XapiError> {
    let id = LrsCredentialId::parse(token.id.as_str())
        .map_err(|e| XapiError::from(larch_store::StoreError::Corrupt(e.to_string())))?;
    Ok(LrsCredential {
        id,
        scope: token.scope,
        name: "launch token".to_owned(),
        key: token.id.to_string(),
        scopes: token.scopes.clone(),
        created: token.created,
        revoked: None,
    })
}

impl XapiRequest {
    /// 403 unless a launch token may write these statements (no token: nothing to check).
    pub(super) fn check_launch_statements(
        &self,
        statements: &[Statement],
    ) -> Result<(), XapiError> {
        let Some(token) = &self.launch else {
            return Ok(());
        };
        for s in statements {
            let actor = s.core.actor.ifi().map(|i| i.key());
            let registration = s.index().registration.map(|r| r.to_string());
            if actor.as_deref() != Some(token.actor_key.as_str()) {
                return Err(
                    self.denied("this launch token records statements of its own actor only")
                );
            }
            if registration.as_deref() != Some(token.registration.as_str()) {
                return Err(self
                    .denied("statements sent with this launch token must carry its registration"));
            }
        }
        Ok(())
    }

    /// 403 unless a launch token may use this document: State of its actor and registration;
    /// the profile resources are left to its scopes.
    pub(super) fn check_launch_document(
        &self,
        kind: DocumentKind,
        params: &DocumentParams,
    ) -> Result<(), XapiError> {
        let Some(token) = &self.launch else {
            return Ok(());
        };
        if kind != DocumentKind::State {
            return Ok(());
        }
        let actor = params.agent.as_ref().and_then(|a| a.ifi()).map(|i| i.key());
        let registration = params.registration.map(|r| r.to_string());
        if actor.as_deref() != Some(token.actor_key.as_str())
            || registration.as_deref() != Some(token.registration.as_str())
        {
            return Err(self.denied(
                "this launch token opens the State of its own actor and registration only",
            ));
        }
        Ok(())
    }

    fn denied(&self, message: &str) -> XapiError {
        XapiError::forbidden_because(message).with_version(self.version)
    }
}
