//! The small read resources: Activities (xAPI-Communication 2.5), Agents (2.4, the Person
//! object) and About (2.8, open to everyone).

use super::error::XapiError;
use super::request::XapiRequest;
use super::{XapiState, json, versioned};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse as _, Response};
use larch_xapi::XapiVersion;
use larch_xapi::resources;
use larch_xapi::scopes::Resource;
use larch_xapi::statement::actor::{Actor, parse_agent_param};
use serde_json::Value;

/// GET /activities?activityId=…: the canonical definition (an unknown id still answers with
/// its id).
pub(crate) async fn activities(State(state): State<XapiState>, req: XapiRequest) -> Response {
    let version = req.version;
    match activity(&state, &req).await {
        Ok(r) => versioned(r, version),
        Err(e) => e.with_version(version).into_response(),
    }
}

async fn activity(state: &XapiState, req: &XapiRequest) -> Result<Response, XapiError> {
    if req.method != "GET" {
        return Err(XapiError::method_not_allowed());
    }
    req.authorize(Resource::Activities)?;
    let id = resources::parse_activities_params(&req.params).map_err(|e| req.bad(e))?;
    let stored = state
        .app
        .store
        .statements()
        .definitions(req.scope(), &[id.as_str().to_owned()])
        .await?;
    let definition = stored.first().and_then(|(_, text)| {
        let value: Value = serde_json::from_str(text).ok()?;
        resources::parse_stored_definition(&value).ok()
    });
    Ok(json(
        StatusCode::OK,
        &resources::activity_document(&id, definition.as_ref()),
    ))
}

/// GET /agents?agent=…: the Person object of every Agent seen with that identifier.
pub(crate) async fn agents(State(state): State<XapiState>, req: XapiRequest) -> Response {
    let version = req.version;
    match person(&state, &req).await {
        Ok(r) => versioned(r, version),
        Err(e) => e.with_version(version).into_response(),
    }
}

async fn person(state: &XapiState, req: &XapiRequest) -> Result<Response, XapiError> {
    if req.method != "GET" {
        return Err(XapiError::method_not_allowed());
    }
    req.authorize(Resource::Agents)?;
    let actor = resources::parse_agents_params(&req.params).map_err(|e| req.bad(e))?;
    let mut same = Vec::new();
    if let Actor::Agent(agent) = &actor {
        same.push(agent.clone());
    }
    if let Some(ifi) = actor.ifi() {
        for text in state
            .app
            .store
            .statements()
            .agents(req.scope(), &ifi.key())
            .await?
        {
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if let Ok(agent) = parse_agent_param(&value, "agent") {
                same.push(agent);
            }
        }
    }
    Ok(json(StatusCode::OK, &resources::person(&same)))
}

/// GET /about: the versions this LRS speaks; no credential needed.
pub(crate) async fn about(req: Request) -> Response {
    let method = req.method().clone();
    let latest = XapiVersion::V2_0_0;
    if method != Method::GET && method != Method::HEAD {
        return XapiError::method_not_allowed()
            .with_version(latest)
            .into_response();
    }
    versioned(
        json(StatusCode::OK, &resources::about_document(None)),
        latest,
    )
}
