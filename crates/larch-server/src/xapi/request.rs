//! One LRS request, normalised: the 1.0.3 alternate request syntax unwrapped
//! (xAPI-Communication 1.3), the credential authenticated (4.1, HTTP Basic), the version
//! header read (3.3), and the scopes checked (4.2).

use super::XapiState;
use super::error::XapiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::Method;
use base64::Engine as _;
use larch_store::{LaunchToken, LrsCredential, LrsSecret, Scope};
use larch_xapi::scopes::{Access, Resource, Scopes};
use larch_xapi::{XapiVersion, alternate};
use std::collections::HashMap;

/// An authenticated LRS request.
#[derive(Debug)]
pub(crate) struct XapiRequest {
    /// The intended method (the alternate syntax's `method`, else the HTTP one).
    pub method: String,
    /// Headers, names lowercased (the alternate syntax's form headers win).
    pub headers: HashMap<String, String>,
    /// Query parameters (or the alternate syntax's form parameters).
    pub params: Vec<(String, String)>,
    /// The body (or the alternate syntax's `content`).
    pub body: Vec<u8>,
    /// The version the request asked for.
    pub version: XapiVersion,
    /// The credential: its scope is the LRS.
    pub credential: LrsCredential,
    /// The credential's scopes.
    pub scopes: Scopes,
    /// The launch token, when one authenticated the request instead of a credential: it
    /// binds writes to one actor and registration (see [`super::launch`]).
    pub launch: Option<LaunchToken>,
}

impl XapiRequest {
    /// The environment whose LRS this is.
    pub fn scope(&self) -> Scope {
        self.credential.scope
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// A query parameter's value.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Checks the scopes for this request on `resource` (403 when denied).
    pub fn authorize(&self, resource: Resource) -> Result<Access, XapiError> {
        match self.scopes.access(resource, &self.method) {
            Access::Denied => Err(XapiError::forbidden().with_version(self.version)),
            access => Ok(access),
        }
    }

    /// A 400 answered with this request's version.
    pub fn bad(&self, message: impl std::fmt::Display) -> XapiError {
        XapiError::bad_request(message).with_version(self.version)
    }
}

/// The parts before authentication.
struct Raw {
    method: String,
    headers: HashMap<String, String>,
    params: Vec<(String, String)>,
    body: Vec<u8>,
}

impl FromRequest<XapiState> for XapiRequest {
    type Rejection = XapiError;

    async fn from_request(req: Request, state: &XapiState) -> Result<Self, XapiError> {
        let raw = unwrap_alternate(read_raw(req, state).await?)?;
        let (credential, launch) = authenticate(state, &raw.headers).await?;
        let last = state.last_version(&credential);
        let version = XapiVersion::from_header(
            raw.headers
                .get("x-experience-api-version")
                .map(String::as_str),
        )
        .map_err(|e| XapiError::bad_request(e).with_version(last))?;
        if version != last {
            state.remember_version(&credential, version);
        }
        let scopes = Scopes::parse(&credential.scopes)
            .map_err(|e| XapiError::bad_request(e).with_version(version))?;
        Ok(Self {
            method: raw.method,
            headers: raw.headers,
            params: raw.params,
            body: raw.body,
            version,
            credential,
            scopes,
            launch,
        })
    }
}

async fn read_raw(req: Request, state: &XapiState) -> Result<Raw, XapiError> {
    let method = req.method().clone();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_ascii_lowercase(), value)
        })
        .collect();
    let params = parse_query(req.uri().query());
    let body = Bytes::from_request(req, state)
        .await
        .map_err(|e| XapiError::bad_request(format!("unreadable body: {e}")))?;
    Ok(Raw {
        method: if method == Method::HEAD {
            "GET".into()
        } else {
            method.as_str().to_owned()
        },
        headers,
        params,
        body: body.to_vec(),
    })
}

/// `a=1&b=2` into pairs (percent-decoded).
pub(crate) fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// Communication 1.3: a POST with `?method=…` stands for another request; only in 1.0.3.
fn unwrap_alternate(mut raw: Raw) -> Result<Raw, XapiError> {
    if !alternate::is_alternate_request(&raw.params) {
        return Ok(raw);
    }
    let content_type = raw.headers.get("content-type").map(String::as_str);
    let alt = alternate::parse_alternate_request(&raw.method, &raw.params, content_type, &raw.body)
        .map_err(XapiError::bad_request)?;
    raw.headers.extend(alt.headers);
    let version = raw
        .headers
        .get("x-experience-api-version")
        .map(String::as_str);
    if let Ok(v) = XapiVersion::from_header(version)
        && !v.allows_alternate_request_syntax()
    {
        return Err(
            XapiError::bad_request("xAPI 2.0 has no alternate request syntax").with_version(v),
        );
    }
    raw.method = alt.method;
    raw.params = alt.params;
    raw.body = alt.content.unwrap_or_default();
    Ok(raw)
}

/// HTTP Basic `key:secret` (Communication 4.1): an LRS credential, or a launch token (user
/// `lrst_…`); anything else is a 401. A credential verified in the last seconds is taken from
/// the in-process cache (`credential_cache`); launch tokens always ask the store.
async fn authenticate(
    state: &XapiState,
    headers: &HashMap<String, String>,
) -> Result<(LrsCredential, Option<LaunchToken>), XapiError> {
    let value = headers
        .get("authorization")
        .ok_or_else(XapiError::unauthorized)?;
    let (scheme, rest) = value.split_once(' ').ok_or_else(XapiError::unauthorized)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(XapiError::unauthorized());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()
        .and_then(|d| String::from_utf8(d).ok())
        .ok_or_else(XapiError::unauthorized)?;
    let (key, secret) = decoded
        .split_once(':')
        .ok_or_else(XapiError::unauthorized)?;
    if let Some(credential) = state.app.lrs_credentials.get(key, secret) {
        return Ok((credential, None));
    }
    let presented = LrsSecret::presented(secret);
    let store = &state.app.store;
    if key.starts_with(larch_store::ids::LrsLaunchTokenId::PREFIX) {
        let token = store.launch_tokens().authenticate(key, &presented).await?;
        let token = token.ok_or_else(XapiError::unauthorized)?;
        return Ok((super::launch::as_credential(&token)?, Some(token)));
    }
    let credential = store
        .lrs_credentials()
        .authenticate(key, &presented)
        .await?;
    let credential = credential.ok_or_else(XapiError::unauthorized)?;
    state
        .app
        .lrs_credentials
        .insert(key, secret, credential.clone());
    Ok((credential, None))
}
