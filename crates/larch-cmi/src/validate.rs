//! Checks one value against its element's type, returning the value to store
//! (forgiving mode may normalize it) and any warnings.

use crate::ScormVersion;
use crate::config::{RuntimeConfig, Warning, WarningKind};
use crate::errors::{CmiError, ErrorCode, err};
use crate::schema::{ElementDef, ValueKind};
use crate::types::interaction::{InteractionType, is_valid_pattern, is_valid_response};
use crate::types::{char_len, duration, is_uri, language, parse_real, split_localized, time, v12};

/// A value that passed its type check.
#[derive(Debug)]
pub(crate) struct Checked {
    /// What to store (the input, or its normalized spelling in forgiving mode).
    pub value: String,
    /// Leniencies applied and notable facts (over-long values kept).
    pub warnings: Vec<Warning>,
}

/// What the type check needs beyond the value itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ValueCtx<'a> {
    pub version: ScormVersion,
    pub config: &'a RuntimeConfig,
    pub element: &'a str,
    /// The record's interaction type, for patterns and responses.
    pub interaction_type: Option<&'a str>,
}

impl ValueCtx<'_> {
    fn warn(&self, kind: WarningKind, message: impl Into<String>) -> Warning {
        Warning {
            element: self.element.to_owned(),
            kind,
            message: message.into(),
        }
    }

    fn mismatch(&self, what: &str) -> CmiError {
        let code = if self.version.is_2004() {
            ErrorCode::TYPE_MISMATCH
        } else {
            ErrorCode::V12_TYPE
        };
        err(code, format!("{}: value is not {what}", self.element))
    }

    fn out_of_range(&self, what: &str) -> CmiError {
        let code = if self.version.is_2004() {
            ErrorCode::OUT_OF_RANGE
        } else {
            ErrorCode::V12_TYPE
        };
        err(code, format!("{}: value out of range {what}", self.element))
    }
}

/// Checks `value` for `def`.
pub(crate) fn check(
    def: &ElementDef,
    value: &str,
    ctx: &ValueCtx<'_>,
) -> Result<Checked, CmiError> {
    if char_len(value) > ctx.config.hard_max_len {
        return Err(err(
            if ctx.version.is_2004() {
                ErrorCode::SET_FAILURE
            } else {
                ErrorCode::GENERAL
            },
            format!(
                "{}: value longer than the server limit of {} characters",
                ctx.element, ctx.config.hard_max_len
            ),
        ));
    }
    let mut out = Checked {
        value: value.to_owned(),
        warnings: Vec::new(),
    };
    match def.kind {
        ValueKind::Vocabulary { values } => vocabulary(values, &mut out, ctx)?,
        ValueKind::Real { min, max } => real(min, max, &mut out, ctx)?,
        ValueKind::CmiSInteger { min, max } => sinteger(min, max, &mut out, ctx)?,
        ValueKind::CmiDecimal | ValueKind::CmiScore => decimal(def.kind, &mut out, ctx)?,
        kind => simple(kind, &mut out, ctx)?,
    }
    Ok(out)
}

fn vocabulary(values: &[&str], out: &mut Checked, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    if values.contains(&out.value.as_str()) {
        return Ok(());
    }
    let loose = values
        .iter()
        .find(|v| v.eq_ignore_ascii_case(out.value.trim()));
    match loose {
        Some(token) if ctx.config.forgiving() => {
            out.warnings.push(ctx.warn(
                WarningKind::VocabularyCase,
                format!("stored {:?} as {token:?}", out.value),
            ));
            out.value = (*token).to_owned();
            Ok(())
        }
        _ => Err(ctx.mismatch("in the vocabulary")),
    }
}

/// In forgiving mode, `" 0.5 "` is read as `"0.5"` (with a warning).
fn trimmed_number<'v>(out: &'v mut Checked, ctx: &ValueCtx<'_>) -> &'v str {
    if ctx.config.forgiving() && out.value.trim() != out.value && !out.value.trim().is_empty() {
        out.warnings.push(ctx.warn(
            WarningKind::NumberWhitespace,
            "removed white space around a number",
        ));
        out.value = out.value.trim().to_owned();
    }
    &out.value
}

fn real(
    min: Option<f64>,
    max: Option<f64>,
    out: &mut Checked,
    ctx: &ValueCtx<'_>,
) -> Result<(), CmiError> {
    let v = parse_real(trimmed_number(out, ctx)).ok_or_else(|| ctx.mismatch("a real number"))?;
    if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
        return Err(ctx.out_of_range(&format!("{min:?}..{max:?}")));
    }
    Ok(())
}

fn sinteger(min: i32, max: i32, out: &mut Checked, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    v12::parse_sinteger(trimmed_number(out, ctx), min, max)
        .map(|_| ())
        .ok_or_else(|| ctx.mismatch(&format!("an integer in {min}..{max}")))
}

fn decimal(kind: ValueKind, out: &mut Checked, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    let v = trimmed_number(out, ctx);
    let ok = if kind == ValueKind::CmiScore {
        v12::is_score(v)
    } else {
        v12::parse_decimal(v).is_some()
    };
    if ok {
        Ok(())
    } else {
        Err(ctx.mismatch("a CMIDecimal"))
    }
}

/// Length limits: 2004 SPMs are minimums an LMS must store, so longer values
/// are kept (RTE 4.1.1.1) with a warning. 1.2 limits are maximums: longer
/// values fail with 405, except in forgiving mode up to `forgiving_max_len`.
fn length(limit: usize, len: usize, out: &mut Checked, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    if len <= limit {
        return Ok(());
    }
    let keep =
        ctx.version.is_2004() || (ctx.config.forgiving() && len <= ctx.config.forgiving_max_len);
    if !keep {
        return Err(ctx.mismatch(&format!("at most {limit} characters")));
    }
    out.warnings.push(ctx.warn(
        WarningKind::OverLongKept,
        format!("{len} characters kept; the spec limit is {limit}"),
    ));
    Ok(())
}

fn simple(kind: ValueKind, out: &mut Checked, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    let v = out.value.clone();
    match kind {
        ValueKind::CharacterString { spm } => {
            let spm = if ctx.element == "cmi.suspend_data" {
                ctx.version.suspend_data_spm()
            } else {
                spm
            };
            length(spm, char_len(&v), out, ctx)
        }
        ValueKind::LocalizedString { spm } => {
            let (_, text) = split_localized(&v).map_err(|()| ctx.mismatch("a localized string"))?;
            length(spm, char_len(text), out, ctx)
        }
        ValueKind::LongIdentifier { spm } => {
            if !is_uri(&v) {
                return Err(ctx.mismatch("a long identifier (URI)"));
            }
            length(spm, char_len(&v), out, ctx)
        }
        ValueKind::Language => ok_if(
            v.is_empty() || language::is_language(&v),
            ctx,
            "a language tag",
        ),
        ValueKind::TimeInterval => ok_if(
            duration::parse_iso(&v).is_some(),
            ctx,
            "an ISO 8601 duration",
        ),
        ValueKind::Time => ok_if(time::is_time(&v), ctx, "an ISO 8601 time"),
        ValueKind::InteractionResult => ok_if(
            matches!(
                v.as_str(),
                "correct" | "incorrect" | "unanticipated" | "neutral"
            ) || parse_real(&v).is_some(),
            ctx,
            "a result",
        ),
        ValueKind::CorrectResponsePattern | ValueKind::LearnerResponse => {
            interaction_value(kind, &v, ctx)
        }
        ValueKind::NavRequest => ok_if(
            crate::nav::NavRequest::parse(&v, ctx.version).is_some(),
            ctx,
            "a navigation request",
        ),
        ValueKind::CmiString { max } => length(max, char_len(&v), out, ctx),
        ValueKind::CmiIdentifier => ok_if(v12::is_identifier(&v), ctx, "a CMIIdentifier"),
        ValueKind::CmiTimespan => timespan(out, ctx),
        ValueKind::CmiTime => ok_if(v12::is_time(&v), ctx, "a CMITime"),
        ValueKind::CmiResult => ok_if(v12::is_result(&v), ctx, "a result"),
        ValueKind::CmiFeedback => feedback(out, ctx),
        ValueKind::Vocabulary { .. }
        | ValueKind::Real { .. }
        | ValueKind::CmiSInteger { .. }
        | ValueKind::CmiDecimal
        | ValueKind::CmiScore => Ok(()),
    }
}

fn ok_if(ok: bool, ctx: &ValueCtx<'_>, what: &str) -> Result<(), CmiError> {
    if ok { Ok(()) } else { Err(ctx.mismatch(what)) }
}

fn interaction_value(kind: ValueKind, v: &str, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    let ty = ctx
        .interaction_type
        .and_then(InteractionType::parse)
        .ok_or_else(|| {
            err(
                ErrorCode::DEPENDENCY,
                format!("{}: cmi.interactions.n.type must be set first", ctx.element),
            )
        })?;
    let ok = if kind == ValueKind::CorrectResponsePattern {
        is_valid_pattern(ty, v)
    } else {
        is_valid_response(ty, v)
    };
    ok_if(ok, ctx, &format!("in the {ty:?} format"))
}

/// SCORM 1.2 CMITimespan; forgiving mode also accepts ISO 8601 durations and
/// more than four hour digits, storing the canonical CMITimespan.
fn timespan(out: &mut Checked, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    if duration::parse_timespan(&out.value).is_some() {
        return Ok(());
    }
    let loose = duration::parse_iso(&out.value).or_else(|| long_hours(&out.value));
    match loose {
        Some(centis) if ctx.config.forgiving() => {
            let canonical = duration::format_timespan(centis);
            out.warnings.push(ctx.warn(
                WarningKind::LooseTimespan,
                format!("stored {:?} as {canonical:?}", out.value),
            ));
            out.value = canonical;
            Ok(())
        }
        _ => Err(ctx.mismatch("a CMITimespan")),
    }
}

fn long_hours(v: &str) -> Option<u64> {
    let (h, rest) = v.split_once(':')?;
    if h.len() <= 4 || !h.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: u64 = h.parse().ok()?;
    duration::parse_timespan(&format!("00:{rest}")).map(|c| c + hours * 360_000)
}

/// SCORM 1.2 CMIFeedback; forgiving mode keeps any CMIString255 (authoring
/// tools routinely send `student_response` in free form).
fn feedback(out: &mut Checked, ctx: &ValueCtx<'_>) -> Result<(), CmiError> {
    if v12::is_feedback(ctx.interaction_type, &out.value) {
        return Ok(());
    }
    let len = char_len(&out.value);
    if ctx.config.forgiving() && len <= ctx.config.forgiving_max_len {
        out.warnings.push(ctx.warn(
            WarningKind::LooseFeedback,
            format!(
                "kept a response outside the {:?} format",
                ctx.interaction_type.unwrap_or("untyped")
            ),
        ));
        return Ok(());
    }
    Err(ctx.mismatch("a CMIFeedback for the interaction type"))
}
