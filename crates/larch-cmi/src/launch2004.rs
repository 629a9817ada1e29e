//! Seeding of the SCORM 2004 state from the launch data (RTE 4.2: the rows
//! marked "initialized by the LMS").

use crate::launch::{LaunchData, credit_str, format_number, mode_str};
use crate::state::CmiState;

/// Writes the LMS-supplied elements and the defaults RTE 4.2 gives.
pub(crate) fn seed(s: &mut CmiState, l: &LaunchData, entry: &str) {
    s.set_raw("cmi.learner_id", l.learner_id.clone());
    s.set_raw("cmi.learner_name", l.learner_name.clone());
    s.set_raw("cmi.credit", credit_str(l.credit));
    s.set_raw("cmi.mode", mode_str(l.mode));
    s.set_raw("cmi.entry", entry);
    optional(s, "cmi.launch_data", l.launch_data.clone());
    optional(
        s,
        "cmi.scaled_passing_score",
        l.scaled_passing_score.map(format_number),
    );
    optional(
        s,
        "cmi.completion_threshold",
        l.completion_threshold.map(format_number),
    );
    optional(s, "cmi.max_time_allowed", l.max_time_allowed.clone());
    s.set_raw(
        "cmi.time_limit_action",
        l.time_limit_action
            .clone()
            .unwrap_or_else(|| "continue,no message".into()),
    );
    s.set_raw("adl.nav.request", "_none_");
    for (key, default) in [
        ("cmi.total_time", "PT0H0M0S"),
        ("cmi.completion_status", "unknown"),
        ("cmi.success_status", "unknown"),
        ("cmi.learner_preference.audio_level", "1"),
        ("cmi.learner_preference.language", ""),
        ("cmi.learner_preference.delivery_speed", "1"),
        ("cmi.learner_preference.audio_captioning", "0"),
    ] {
        s.values.entry(key.into()).or_insert_with(|| default.into());
    }
    seed_comments(s, l);
    seed_objectives(s, l);
    seed_shared_data(s, l);
}

fn optional(s: &mut CmiState, key: &str, value: Option<String>) {
    match value {
        Some(v) => {
            s.set_raw(key, v);
        }
        None => {
            s.values.remove(key);
        }
    }
}

fn seed_comments(s: &mut CmiState, l: &LaunchData) {
    s.values
        .retain(|k, _| !k.starts_with("cmi.comments_from_lms."));
    s.counts.remove("cmi.comments_from_lms");
    for (i, c) in l.comments_from_lms.iter().enumerate() {
        let base = format!("cmi.comments_from_lms.{i}");
        s.set_raw(&format!("{base}.comment"), c.comment.clone());
        if let Some(loc) = &c.location {
            s.set_raw(&format!("{base}.location"), loc.clone());
        }
        if let Some(ts) = &c.timestamp {
            s.set_raw(&format!("{base}.timestamp"), ts.clone());
        }
    }
}

/// RTE 4.2.17: objectives declared for the activity are present in
/// `cmi.objectives` from the start, in manifest order; values the sequencer
/// knows (from global objectives) are filled in.
fn seed_objectives(s: &mut CmiState, l: &LaunchData) {
    for o in &l.objectives {
        let n = s.count("cmi.objectives");
        let existing =
            (0..n).find(|&i| s.get(&format!("cmi.objectives.{i}.id")) == Some(o.id.as_str()));
        let i = existing.unwrap_or(n);
        let base = format!("cmi.objectives.{i}");
        s.set_raw(&format!("{base}.id"), o.id.clone());
        let mut put = |field: &str, v: Option<String>| {
            if let Some(v) = v {
                s.set_raw(&format!("{base}.{field}"), v);
            }
        };
        put("success_status", o.success_status.clone());
        put("completion_status", o.completion_status.clone());
        put("score.scaled", o.score_scaled.map(format_number));
        put("progress_measure", o.progress_measure.map(format_number));
        put("score.raw", o.score_raw.map(format_number));
        put("score.min", o.score_min.map(format_number));
        put("score.max", o.score_max.map(format_number));
    }
}

fn seed_shared_data(s: &mut CmiState, l: &LaunchData) {
    s.values.retain(|k, _| !k.starts_with("adl.data."));
    s.counts.remove("adl.data");
    s.shared_data = l.shared_data.iter().map(|d| d.access.clone()).collect();
    if !s.version.has_adl_data() {
        return;
    }
    for (i, d) in l.shared_data.iter().enumerate() {
        s.set_raw(&format!("adl.data.{i}.id"), d.access.id.clone());
        if let Some(v) = &d.value {
            s.set_raw(&format!("adl.data.{i}.store"), v.clone());
        }
    }
}
