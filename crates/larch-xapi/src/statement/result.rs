//! Result and Score (xAPI-Data 2.4.5).

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid};
use crate::json::Obj;
use crate::primitives::{Duration, Extensions};

/// The measured outcome of a statement (xAPI-Data 2.4.5).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct StatementResult {
    /// Score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// Whether the attempt was successful.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Whether the activity was completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion: Option<bool>,
    /// The learner's response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
    /// Time spent (ISO 8601 duration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    /// Extensions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Extensions>,
}

/// A score (xAPI-Data 2.4.5.1). Numbers are kept as JSON numbers so they serialize as given.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Score {
    /// Scaled score, -1 to 1 inclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaled: Option<serde_json::Number>,
    /// Raw score, between `min` and `max` when they are given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<serde_json::Number>,
    /// Lowest possible score, below `max`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<serde_json::Number>,
    /// Highest possible score, above `min`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<serde_json::Number>,
}

pub(crate) fn parse_result(value: &Value, path: &Path<'_>) -> Valid<StatementResult> {
    let obj = Obj::new(value, path)?;
    obj.allow(&[
        "score",
        "success",
        "completion",
        "response",
        "duration",
        "extensions",
    ])?;
    let duration = obj
        .str("duration")?
        .map(|raw| {
            Duration::parse(raw)
                .ok_or_else(|| path.key("duration").err("must be an ISO 8601 duration"))
        })
        .transpose()?;
    Ok(StatementResult {
        score: obj
            .get("score")
            .map(|s| parse_score(s, &path.key("score")))
            .transpose()?,
        success: obj.bool("success")?,
        completion: obj.bool("completion")?,
        response: obj.str("response")?.map(str::to_owned),
        duration,
        extensions: obj
            .get("extensions")
            .map(|e| Extensions::parse(e, &path.key("extensions")))
            .transpose()?,
    })
}

/// xAPI-Data 2.4.5.1: `scaled` in [-1, 1]; `min` < `max`; `min` ≤ `raw` ≤ `max`.
fn parse_score(value: &Value, path: &Path<'_>) -> Valid<Score> {
    let obj = Obj::new(value, path)?;
    obj.allow(&["scaled", "raw", "min", "max"])?;
    let (scaled, raw, min, max) = (
        obj.num("scaled")?,
        obj.num("raw")?,
        obj.num("min")?,
        obj.num("max")?,
    );
    if scaled.is_some_and(|s| !(-1.0..=1.0).contains(&s)) {
        return Err(path.key("scaled").err("must be between -1 and 1 inclusive"));
    }
    if let (Some(min), Some(max)) = (min, max)
        && min >= max
    {
        return Err(path.key("min").err("must be less than max"));
    }
    if let Some(raw) = raw {
        if min.is_some_and(|m| raw < m) {
            return Err(path.key("raw").err("must not be less than min"));
        }
        if max.is_some_and(|m| raw > m) {
            return Err(path.key("raw").err("must not be greater than max"));
        }
    }
    let number = |key: &str| obj.get(key).and_then(Value::as_number).cloned();
    Ok(Score {
        scaled: number("scaled"),
        raw: number("raw"),
        min: number("min"),
        max: number("max"),
    })
}
