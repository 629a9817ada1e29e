//! Statement forwarding (`lrs.forward` messages): POST the batch's statements, as stored, to
//! `<rule url>/statements` of the external LRS with its version header and HTTP Basic
//! credentials (xAPI-Communication 2.1.2), as `multipart/mixed` when they have stored
//! attachments (Communication 1.5.2). Only a 2xx counts as delivered, and a 409: the target
//! already stores a statement with one of these ids (Communication 2.1.2), so retrying the
//! same batch cannot succeed. An LRS refuses such a batch whole, so after a 409 on a batch of
//! several statements each is sent again on its own (PUT with `statementId`, 2.1.1; with its
//! own attachments' parts as `multipart/mixed` when it has any): the others get stored, and
//! the batch counts as delivered once every PUT is a 2xx or 409.
//! A 1.0.3 rule gets each statement converted to 1.0.3 first (`larch_xapi::downgrade`: 2.0's
//! Context agents and groups in Larch extensions, `version` 1.0.3), and the attempt's log
//! entry says what was converted.

use super::{Report, Verdict};
use crate::import::{Blocked, Route};
use crate::state::AppState;
use larch_store::ids::LrsForwardingRuleId;
use larch_store::{Behind, ForwardingRule, Message, StoredStatement};
use larch_xapi::XapiVersion;
use larch_xapi::downgrade;
use larch_xapi::multipart::{self, AttachmentPart};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use url::Url;

/// The longest one attempt may take.
pub(super) const TIMEOUT: Duration = Duration::from_secs(30);
/// The boundary of forwarded `multipart/mixed` bodies.
const BOUNDARY: &str = "larch-forward-5b0e2c7d91f34a8e";
/// The conversions to 1.0.3 a log entry names one by one.
const MAX_NOTED: usize = 20;

/// The HTTP client of one attempt, after the SSRF guard's check of the target: no redirects
/// (a POST must not wander elsewhere), bounded time, and with the guard on, no proxy and a
/// connection only to the addresses checked (DNS pinned, as for URL imports).
async fn client_for(state: &AppState, target: &str) -> Result<reqwest::Client, Report> {
    let url = Url::parse(target).map_err(|_| give_up("the rule's url is not a URL"))?;
    let policy = state.config.forwarding_url_policy();
    let route = policy.check(&url).await.map_err(|blocked| match blocked {
        Blocked::Refused(why) => retry(format!("url_not_allowed: {why}")),
        Blocked::Unresolved(e) => retry(format!("the target's host does not resolve: {e}")),
    })?;
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(TIMEOUT);
    if !policy.allow_private {
        builder = builder.no_proxy();
    }
    if let Route::Pinned { host, addrs } = &route {
        builder = builder.resolve_to_addrs(host, addrs);
    }
    builder
        .build()
        .map_err(|e| retry(format!("no HTTP client: {e}")))
}

/// What one request may carry of the messages queued for a rule (`claim_behind`): the
/// batches of at most 100 POSTs, at most 500 statements together (a bigger batch goes alone).
pub(super) const BEHIND: Behind = Behind {
    messages: 100,
    weight: 500,
    weigh: statements_in,
};

/// How many statements a forwarding message carries.
fn statements_in(payload: &Value) -> usize {
    payload["statements"].as_array().map_or(1, Vec::len)
}

/// One attempt at a group of forwarding messages of one rule, oldest first: their
/// statements in one request.
pub(super) async fn deliver(state: &AppState, group: &[Message]) -> Report {
    let (rule, body) = match prepare(state, group).await {
        Ok(ready) => ready,
        Err(report) => return report,
    };
    let converted = body.converted.clone();
    let report = match client_for(state, &rule.url).await {
        Ok(client) => post(&client, &rule, body).await,
        Err(report) => report,
    };
    noted(report, &converted)
}

/// The report with what the conversion to 1.0.3 changed, if anything, before its error.
fn noted(mut report: Report, converted: &[String]) -> Report {
    if !converted.is_empty() {
        // A big batch's log entry names the first changes and counts the rest.
        let mut shown = converted[..converted.len().min(MAX_NOTED)].join("; ");
        if converted.len() > MAX_NOTED {
            shown.push_str(&format!("; and {} more", converted.len() - MAX_NOTED));
        }
        let note = format!("converted to xAPI 1.0.3: {shown}");
        report.error = Some(match report.error {
            Some(error) => format!("{note}; {error}"),
            None => note,
        });
    }
    report
}

fn give_up(error: &str) -> Report {
    Report {
        status_code: None,
        error: Some(error.to_owned()),
        verdict: Verdict::GiveUp,
    }
}

fn retry(error: String) -> Report {
    Report {
        status_code: None,
        error: Some(error),
        verdict: Verdict::Retry,
    }
}

/// A batch ready to send: the statements, and the request body with its content type.
#[derive(Debug)]
struct Batch {
    statements: Vec<Value>,
    content_type: String,
    bytes: Vec<u8>,
    /// The stored attachments' parts in `bytes` (none for JSON), kept to send a statement
    /// alone with its own.
    parts: Vec<AttachmentPart>,
    /// What converting the statements to the rule's 1.0.3 changed (`statement <id>: …`).
    converted: Vec<String>,
}

/// What to send: the rule (still there and enabled) and the batch of the group's statements.
async fn prepare(state: &AppState, group: &[Message]) -> Result<(ForwardingRule, Batch), Report> {
    let message = &group[0];
    let scope = message.scope;
    let id = LrsForwardingRuleId::parse(&message.target)
        .map_err(|_| give_up("the message names no forwarding rule"))?;
    let store_failed =
        |e: larch_store::StoreError| retry(format!("reading the statements failed: {e}"));
    let rule = state
        .store
        .forwarding_rules()
        .get(scope, &id)
        .await
        .map_err(store_failed)?;
    let rule = rule.ok_or_else(|| give_up("the forwarding rule was deleted"))?;
    if !rule.enabled {
        return Err(give_up("the forwarding rule is disabled"));
    }
    let ids: Vec<String> = group
        .iter()
        .filter_map(|m| m.payload["statements"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let mut rows = state
        .store
        .statements()
        .by_ids(scope, &ids)
        .await
        .map_err(store_failed)?;
    if rows.is_empty() {
        return Err(give_up("the statements are no longer stored"));
    }
    rows.sort_by_key(|r| r.seq);
    let (statements, converted) = for_version(&rule.version, &rows);
    let body = body(state, message, statements)
        .await
        .map_err(store_failed)?;
    let body = Batch { converted, ..body };
    Ok((rule, body))
}

/// The stored statements as the rule's version reads them: for a 1.0.3 rule each converted
/// (`larch_xapi::downgrade::to_1_0_3`), with what changed, per statement id.
fn for_version(version: &str, rows: &[StoredStatement]) -> (Vec<Value>, Vec<String>) {
    let stored = rows
        .iter()
        .filter_map(|r| serde_json::from_str(&r.body).ok());
    if version != XapiVersion::V1_0_3.header_value() {
        return (stored.collect(), Vec::new());
    }
    let mut converted = Vec::new();
    let statements = stored
        .map(|s: Value| {
            let out = downgrade::to_1_0_3(&s);
            let id = s["id"].as_str().unwrap_or_default();
            converted.extend(out.changes.iter().map(|c| format!("statement {id}: {c}")));
            out.statement
        })
        .collect();
    (statements, converted)
}

/// The statements as a JSON array, with their stored attachments as `multipart/mixed`.
async fn body(
    state: &AppState,
    message: &Message,
    statements: Vec<Value>,
) -> Result<Batch, larch_store::StoreError> {
    let mut hashes: Vec<String> = statements
        .iter()
        .filter_map(|s| s["attachments"].as_array())
        .flatten()
        .filter_map(|a| a["sha2"].as_str().map(str::to_owned))
        .collect();
    hashes.sort();
    hashes.dedup();
    let json = Value::Array(statements.clone()).to_string().into_bytes();
    let parts: Vec<AttachmentPart> = state
        .store
        .statements()
        .attachments(message.scope, &hashes)
        .await?
        .into_iter()
        .map(|a| AttachmentPart {
            sha2: a.sha2,
            content_type: a.content_type,
            content: a.content,
        })
        .collect();
    if parts.is_empty() {
        let content_type = "application/json".to_owned();
        return Ok(Batch {
            statements,
            content_type,
            bytes: json,
            parts,
            converted: Vec::new(),
        });
    }
    Ok(Batch {
        statements,
        content_type: format!("multipart/mixed; boundary={BOUNDARY}"),
        bytes: multipart::write_multipart(BOUNDARY, &json, &parts),
        parts,
        converted: Vec::new(),
    })
}

async fn post(client: &reqwest::Client, rule: &ForwardingRule, mut batch: Batch) -> Report {
    let url = format!("{}/statements", rule.url);
    let bytes = std::mem::take(&mut batch.bytes);
    let sent = send(rule, client.post(&url), &batch.content_type, bytes).await;
    let status = match sent {
        Ok(status) => status,
        Err(report) => return report,
    };
    if status == StatusCode::CONFLICT && batch.statements.len() > 1 {
        return one_by_one(client, rule, &url, &batch).await;
    }
    judge(status)
}

/// After a 409 on a batch: each statement again, alone (PUT, Communication 2.1.1).
async fn one_by_one(
    client: &reqwest::Client,
    rule: &ForwardingRule,
    url: &str,
    batch: &Batch,
) -> Report {
    for statement in &batch.statements {
        let id = statement["id"].as_str().unwrap_or_default();
        let put = client.put(url).query(&[("statementId", id)]);
        let (content_type, body) = alone(statement, &batch.parts);
        match send(rule, put, &content_type, body).await {
            Ok(status) if status.is_success() || status == StatusCode::CONFLICT => {}
            Ok(status) => return judge(status),
            Err(report) => return report,
        }
    }
    Report {
        status_code: Some(StatusCode::CONFLICT.as_u16()),
        error: None,
        verdict: Verdict::Delivered,
    }
}

/// One statement's body: JSON, or `multipart/mixed` with the parts of its own attachments
/// (Communication 1.5.2: a part for each attachment without a `fileUrl`, no other part).
fn alone(statement: &Value, parts: &[AttachmentPart]) -> (String, Vec<u8>) {
    let json = statement.to_string().into_bytes();
    let wanted: Vec<&str> = statement["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["sha2"].as_str())
        .collect();
    let own: Vec<AttachmentPart> = parts
        .iter()
        .filter(|p| wanted.contains(&p.sha2.as_str()))
        .cloned()
        .collect();
    if own.is_empty() {
        return ("application/json".to_owned(), json);
    }
    let content_type = format!("multipart/mixed; boundary={BOUNDARY}");
    (
        content_type,
        multipart::write_multipart(BOUNDARY, &json, &own),
    )
}

/// Sends one request with the rule's credentials and version; the status, or a retry report.
async fn send(
    rule: &ForwardingRule,
    request: reqwest::RequestBuilder,
    content_type: &str,
    body: Vec<u8>,
) -> Result<StatusCode, Report> {
    let sent = request
        .basic_auth(&rule.auth.username, Some(rule.auth.password.expose()))
        .header("X-Experience-API-Version", &rule.version)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await;
    sent.map(|r| r.status()).map_err(|e| retry(describe(&e)))
}

/// A 2xx or a 409 is delivered; anything else is retried.
fn judge(status: StatusCode) -> Report {
    let delivered = status.is_success() || status == StatusCode::CONFLICT;
    Report {
        status_code: Some(status.as_u16()),
        error: (!delivered).then(|| format!("the target answered HTTP {status}")),
        verdict: if delivered {
            Verdict::Delivered
        } else {
            Verdict::Retry
        },
    }
}

/// A transport error with its causes, without the URL (shown with the rule anyway).
fn describe(error: &reqwest::Error) -> String {
    let mut text = if error.is_timeout() {
        "the target did not answer in time".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
