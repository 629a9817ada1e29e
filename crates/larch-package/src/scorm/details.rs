//! The ADL extensions of an `<item>` (CAM 3.4.1.x; SCORM 1.2 CAM 2.3.x): mastery score,
//! prerequisites, time limits, launch data, completion threshold, shared data maps and the
//! navigation presentation.

use larch_sequencing::definition::CompletionThreshold;
use roxmltree::Node;

use super::codes;
use super::model::{ScormActivity, SharedDataMap};
use super::values::{invalid, parse_decimal, set_bool, set_decimal, uri_id};
use super::xml::{Ctx, Ns, attr, elements, is, text};

/// Reads one child element of an item into `details`. Returns false when the element is not
/// an ADL item extension (the caller decides what else it may be).
pub(crate) fn apply(ctx: &mut Ctx<'_>, element: Node<'_, '_>, details: &mut ScormActivity) -> bool {
    match Ns::of(element) {
        Ns::Adlcp => adlcp(ctx, element, details),
        Ns::Adlnav if element.tag_name().name() == "presentation" => {
            presentation(ctx, element, &mut details.hide_lms_ui);
            true
        }
        _ => false,
    }
}

/// ADL CP elements; 1.2 spells them in lower case, 2004 in camel case: both are accepted.
fn adlcp(ctx: &mut Ctx<'_>, element: Node<'_, '_>, details: &mut ScormActivity) -> bool {
    let value = text(element);
    match element.tag_name().name().to_ascii_lowercase().as_str() {
        "masteryscore" => details.mastery_score = mastery_score(ctx, element, value),
        "prerequisites" => details.prerequisites = value,
        "maxtimeallowed" => details.max_time_allowed = timespan(ctx, element, value),
        "timelimitaction" => details.time_limit_action = time_limit_action(ctx, element, value),
        // RTE 3.4.x: cmi.launch_data is passed on exactly as written.
        "datafromlms" => details.data_from_lms = element.text().map(str::to_owned).or(value),
        "completionthreshold" => {
            details.completion_threshold = Some(completion_threshold(ctx, element));
        }
        "data" => details.shared_data.extend(shared_data(ctx, element)),
        _ => return false,
    }
    true
}

/// `adlcp:masteryscore` (SCORM 1.2 CAM 2.3.x): a decimal from 0 to 100.
fn mastery_score(ctx: &mut Ctx<'_>, element: Node<'_, '_>, value: Option<String>) -> Option<f64> {
    let raw = value?;
    let parsed = parse_decimal(&raw, 0.0, 100.0);
    if parsed.is_none() {
        invalid(ctx, element, "masteryscore", &raw, &"no mastery score");
    }
    parsed
}

/// `adlcp:maxtimeallowed` (SCORM 1.2: CMITimespan `HHHH:MM:SS.SS`; some tools write an ISO
/// 8601 duration instead, which is kept too).
fn timespan(ctx: &mut Ctx<'_>, element: Node<'_, '_>, value: Option<String>) -> Option<String> {
    let raw = value?;
    let parts: Vec<&str> = raw.split(':').collect();
    let cmi = parts.len() == 3
        && (2..=4).contains(&parts[0].len())
        && parts[1].len() == 2
        && parts[..2]
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && parse_decimal(parts[2], 0.0, 59.999).is_some();
    let iso = larch_sequencing::definition::parse_duration_secs(&raw).is_ok();
    if cmi || iso {
        Some(raw)
    } else {
        invalid(ctx, element, "maxtimeallowed", &raw, &"no time limit");
        None
    }
}

/// `adlcp:timelimitaction` / `adlcp:timeLimitAction`: one of four fixed tokens.
fn time_limit_action(
    ctx: &mut Ctx<'_>,
    element: Node<'_, '_>,
    value: Option<String>,
) -> Option<String> {
    const TOKENS: [&str; 4] = [
        "exit,message",
        "exit,no message",
        "continue,message",
        "continue,no message",
    ];
    let raw = value?;
    let normalized: Vec<String> = raw
        .split(',')
        .map(|p| p.trim().to_ascii_lowercase())
        .collect();
    let normalized = normalized.join(",");
    if let Some(token) = TOKENS.iter().find(|t| **t == normalized) {
        return Some((*token).to_owned());
    }
    invalid(
        ctx,
        element,
        "timeLimitAction",
        &raw,
        &"no time limit action",
    );
    None
}

/// `adlcp:completionThreshold`. 4th Edition attributes fill the threshold directly. A 3rd
/// Edition element holds only a value: that value becomes the minimum progress measure, and
/// completion is judged by measure, as RTE 3rd Ed 4.2.4.1 has the LMS do when a threshold is
/// defined.
fn completion_threshold(ctx: &mut Ctx<'_>, element: Node<'_, '_>) -> CompletionThreshold {
    let mut threshold = CompletionThreshold::default();
    let has_attributes = ["completedByMeasure", "minProgressMeasure", "progressWeight"]
        .iter()
        .any(|a| attr(element, a).is_some());
    if has_attributes {
        set_bool(
            ctx,
            element,
            "completedByMeasure",
            &mut threshold.completed_by_measure,
        );
        set_decimal(
            ctx,
            element,
            "minProgressMeasure",
            (0.0, 1.0),
            &mut threshold.min_progress_measure,
        );
        set_decimal(
            ctx,
            element,
            "progressWeight",
            (0.0, 1.0),
            &mut threshold.progress_weight,
        );
    } else if let Some(raw) = text(element) {
        match parse_decimal(&raw, 0.0, 1.0) {
            Some(value) => {
                threshold.min_progress_measure = value;
                threshold.completed_by_measure = true;
            }
            None => invalid(
                ctx,
                element,
                "completionThreshold",
                &raw,
                &"the default threshold",
            ),
        }
    }
    threshold
}

/// `adlcp:data` with its `adlcp:map` children (CAM 4th Ed: shared data stores).
fn shared_data(ctx: &mut Ctx<'_>, element: Node<'_, '_>) -> Vec<SharedDataMap> {
    let mut maps = Vec::new();
    for map in elements(element) {
        if !is(map, Ns::Adlcp, "map") {
            ctx.unknown(map);
            continue;
        }
        let Some(target) = attr(map, "targetID").and_then(uri_id) else {
            ctx.warn(
                codes::MAP_TARGET_MISSING,
                "This <adlcp:map> has no targetID, so it was ignored.".to_owned(),
                map,
            );
            continue;
        };
        let mut parsed = SharedDataMap::new(target);
        set_bool(ctx, map, "readSharedData", &mut parsed.read);
        set_bool(ctx, map, "writeSharedData", &mut parsed.write);
        maps.push(parsed);
    }
    maps
}

/// `adlnav:presentation/navigationInterface/hideLMSUI` (CAM 5.3): the LMS controls to hide.
fn presentation(ctx: &mut Ctx<'_>, element: Node<'_, '_>, hidden: &mut Vec<String>) {
    const TOKENS: [&str; 7] = [
        "abandon",
        "continue",
        "exit",
        "previous",
        "suspendAll",
        "exitAll",
        "abandonAll",
    ];
    for interface in elements(element) {
        if !is(interface, Ns::Adlnav, "navigationInterface") {
            ctx.unknown(interface);
            continue;
        }
        for hide in elements(interface) {
            if !is(hide, Ns::Adlnav, "hideLMSUI") {
                ctx.unknown(hide);
                continue;
            }
            let raw = text(hide).unwrap_or_default();
            match TOKENS.iter().find(|t| t.eq_ignore_ascii_case(&raw)) {
                Some(token) if !hidden.iter().any(|h| h == token) => {
                    hidden.push((*token).to_owned());
                }
                Some(_) => {}
                None => invalid(
                    ctx,
                    hide,
                    "hideLMSUI",
                    &raw,
                    &"nothing (the control stays visible)",
                ),
            }
        }
    }
}
