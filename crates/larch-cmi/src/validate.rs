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
    if let Some((limit, len)) = string_length(kind, &out.value, ctx)? {
        return length(limit, len, out, ctx);
    }
    match kind {
        ValueKind::CmiTimespan => timespan(out, ctx),
        ValueKind::CmiFeedback => feedback(out, ctx),
        ValueKind::CorrectResponsePattern | ValueKind::LearnerResponse => {
            interaction_value(kind, &out.value, ctx)
        }
        _ => {
            let (ok, what) = syntax(kind, &out.value, ctx.version);
            ok_if(ok, ctx, what)
        }
    }
}

/// For string types: the limit and the length that counts against it (the
/// text after a `{lang=…}` delimiter for localized strings). `None` for
/// other types.
fn string_length(
    kind: ValueKind,
    v: &str,
    ctx: &ValueCtx<'_>,
) -> Result<Option<(usize, usize)>, CmiError> {
    Ok(Some(match kind {
        // RTE 4.2.23: the suspend_data SPM depends on the edition.
        ValueKind::CharacterString { .. } if ctx.element == "cmi.suspend_data" => {
            (ctx.version.suspend_data_spm(), char_len(v))
        }
        ValueKind::CharacterString { spm } => (spm, char_len(v)),
        ValueKind::CmiString { max } => (max, char_len(v)),
        ValueKind::LocalizedString { spm } => {
            let (_, text) = split_localized(v).map_err(|()| ctx.mismatch("a localized string"))?;
            (spm, char_len(text))
        }
        ValueKind::LongIdentifier { spm } if is_uri(v) => (spm, char_len(v)),
        ValueKind::LongIdentifier { .. } => return Err(ctx.mismatch("a long identifier (URI)")),
        _ => return Ok(None),
    }))
}

/// Pure syntax checks: whether `v` is a value of `kind`, and what the type
/// is called in the diagnostic.
fn syntax(kind: ValueKind, v: &str, version: ScormVersion) -> (bool, &'static str) {
    match kind {
        ValueKind::Language => (v.is_empty() || language::is_language(v), "a language tag"),
        ValueKind::TimeInterval => (duration::parse_iso(v).is_some(), "an ISO 8601 duration"),
        ValueKind::Time => (time::is_time(v), "an ISO 8601 time"),
        ValueKind::InteractionResult => {
            let token = matches!(v, "correct" | "incorrect" | "unanticipated" | "neutral");
            (token || parse_real(v).is_some(), "a result")
        }
        ValueKind::NavRequest => (
            crate::nav::NavRequest::parse(v, version).is_some(),
            "a navigation request",
        ),
        ValueKind::CmiIdentifier => (v12::is_identifier(v), "a CMIIdentifier"),
        ValueKind::CmiTime => (v12::is_time(v), "a CMITime"),
        ValueKind::CmiResult => (v12::is_result(v), "a result"),
        // Kinds with their own checks (vocabularies, numbers, strings,
        // feedback, timespans, interaction values) never reach here.
        _ => (true, "a value"),
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
    // Checked: a hostile hour count must be refused, not overflow.
    let hours = hours.checked_mul(360_000)?;
    duration::parse_timespan(&format!("00:{rest}")).and_then(|c| c.checked_add(hours))
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
