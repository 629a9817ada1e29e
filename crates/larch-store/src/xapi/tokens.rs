//! Launch-scoped, short-lived LRS tokens: what a launched AU presents at `/xapi/` (cmi5's
//! fetch URL hands it out as `auth-token`; the SCORM→xAPI translation uses it too). A token is
//! bound to one registration, actor and activity; the LRS lets it write statements and State
//! for that actor and registration only, and read the statements it wrote.

use crate::ids::LrsLaunchTokenId;
use crate::scope::Scope;
use crate::xapi::LrsSecret;

/// A token to issue (the values already validated by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLaunchToken {
    /// The registration UUID (lowercase) statements and State must carry.
    pub registration: String,
    /// The actor's IFI key (`larch_xapi` `ifi().key()`): statements and State must be its.
    pub actor_key: String,
    /// The actor as JSON text (for the AU's launch parameters).
    pub actor: String,
    /// The activity (AU) id the launch is for.
    pub activity_id: String,
    /// Space-separated xAPI scopes, e.g. `statements/write statements/read/mine state`.
    pub scopes: String,
    /// How long the token works, seconds.
    pub ttl_secs: i64,
}

/// A stored token (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchToken {
    /// `lrst_…`: the HTTP Basic user.
    pub id: LrsLaunchTokenId,
    /// The LRS (environment) it opens.
    pub scope: Scope,
    /// The registration it is bound to.
    pub registration: String,
    /// The actor's IFI key.
    pub actor_key: String,
    /// The actor (JSON text).
    pub actor: String,
    /// The activity id.
    pub activity_id: String,
    /// Its xAPI scopes.
    pub scopes: String,
    /// Unix seconds.
    pub created: i64,
    /// Unix seconds after which it opens nothing.
    pub expires: i64,
}

/// A token just issued: the only moment its secret exists.
#[derive(Debug, Clone)]
pub struct IssuedLaunchToken {
    /// The stored token.
    pub token: LaunchToken,
    /// The HTTP Basic password (the `auth-token` is `base64(id:secret)`).
    pub secret: LrsSecret,
}
