//! SCORM 2004 element table (RTE 4.2 for `cmi.*`, RTE 4.4 for `adl.nav.*`,
//! RTE 4.3 for `adl.data.*`, 4th Edition only).

use super::{Access, Availability, ContainerDef, ElementDef, ValueKind};

use Access::{ReadOnly as RO, ReadWrite as RW, WriteOnly as WO};
use ValueKind as K;

const ALL: Availability = Availability::ALL_2004;
const ED4: Availability = Availability::FOURTH;

/// RTE 4.2.4 / 4.2.17.4 completion_status vocabulary.
pub(crate) const COMPLETION: &[&str] = &["completed", "incomplete", "not attempted", "unknown"];
/// RTE 4.2.22 / 4.2.17.3 success_status vocabulary.
pub(crate) const SUCCESS: &[&str] = &["passed", "failed", "unknown"];
/// RTE 4.2.9.1 interaction types.
pub(crate) const INTERACTION_TYPES: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "likert",
    "matching",
    "performance",
    "sequencing",
    "numeric",
    "other",
];

const fn el(name: &'static str, kind: ValueKind, access: Access) -> ElementDef {
    ElementDef {
        name,
        kind,
        access,
        avail: ALL,
    }
}

const fn cs(spm: usize) -> ValueKind {
    K::CharacterString { spm }
}

const fn ls(spm: usize) -> ValueKind {
    K::LocalizedString { spm }
}

const fn real(min: Option<f64>, max: Option<f64>) -> ValueKind {
    K::Real { min, max }
}

const fn vocab(values: &'static [&'static str]) -> ValueKind {
    K::Vocabulary { values }
}

const LONG_ID: ValueKind = K::LongIdentifier { spm: 4000 };
const SCALED: ValueKind = real(Some(-1.0), Some(1.0));
const UNIT: ValueKind = real(Some(0.0), Some(1.0));
const ANY_REAL: ValueKind = real(None, None);

/// Every SCORM 2004 leaf element. `suspend_data` is listed with the 4th Edition
/// SPM; [`crate::ScormVersion::suspend_data_spm`] narrows it for 2nd/3rd.
pub(super) const ELEMENTS: &[ElementDef] = &[
    // 4.2.2 comments_from_learner
    el("cmi.comments_from_learner.n.comment", ls(4000), RW),
    el("cmi.comments_from_learner.n.location", cs(250), RW),
    el("cmi.comments_from_learner.n.timestamp", K::Time, RW),
    // 4.2.3 comments_from_lms
    el("cmi.comments_from_lms.n.comment", ls(4000), RO),
    el("cmi.comments_from_lms.n.location", cs(250), RO),
    el("cmi.comments_from_lms.n.timestamp", K::Time, RO),
    // 4.2.4 - 4.2.8
    el("cmi.completion_status", vocab(COMPLETION), RW),
    el("cmi.completion_threshold", UNIT, RO),
    el("cmi.credit", vocab(&["credit", "no-credit"]), RO),
    el("cmi.entry", vocab(&["ab-initio", "resume", ""]), RO),
    el(
        "cmi.exit",
        vocab(&["time-out", "suspend", "logout", "normal", ""]),
        WO,
    ),
    // 4.2.9 interactions
    el("cmi.interactions.n.id", LONG_ID, RW),
    el("cmi.interactions.n.type", vocab(INTERACTION_TYPES), RW),
    el("cmi.interactions.n.objectives.n.id", LONG_ID, RW),
    el("cmi.interactions.n.timestamp", K::Time, RW),
    el(
        "cmi.interactions.n.correct_responses.n.pattern",
        K::CorrectResponsePattern,
        RW,
    ),
    el("cmi.interactions.n.weighting", ANY_REAL, RW),
    el(
        "cmi.interactions.n.learner_response",
        K::LearnerResponse,
        RW,
    ),
    el("cmi.interactions.n.result", K::InteractionResult, RW),
    el("cmi.interactions.n.latency", K::TimeInterval, RW),
    el("cmi.interactions.n.description", ls(250), RW),
    // 4.2.10 - 4.2.16
    el("cmi.launch_data", cs(4000), RO),
    el("cmi.learner_id", LONG_ID, RO),
    el("cmi.learner_name", ls(250), RO),
    el(
        "cmi.learner_preference.audio_level",
        real(Some(0.0), None),
        RW,
    ),
    el("cmi.learner_preference.language", K::Language, RW),
    el(
        "cmi.learner_preference.delivery_speed",
        real(Some(0.0), None),
        RW,
    ),
    el(
        "cmi.learner_preference.audio_captioning",
        vocab(&["-1", "0", "1"]),
        RW,
    ),
    el("cmi.location", cs(1000), RW),
    el("cmi.max_time_allowed", K::TimeInterval, RO),
    el("cmi.mode", vocab(&["browse", "normal", "review"]), RO),
    // 4.2.17 objectives
    el("cmi.objectives.n.id", LONG_ID, RW),
    el("cmi.objectives.n.score.scaled", SCALED, RW),
    el("cmi.objectives.n.score.raw", ANY_REAL, RW),
    el("cmi.objectives.n.score.min", ANY_REAL, RW),
    el("cmi.objectives.n.score.max", ANY_REAL, RW),
    el("cmi.objectives.n.success_status", vocab(SUCCESS), RW),
    el("cmi.objectives.n.completion_status", vocab(COMPLETION), RW),
    el("cmi.objectives.n.progress_measure", UNIT, RW),
    el("cmi.objectives.n.description", ls(250), RW),
    // 4.2.18 - 4.2.26
    el("cmi.progress_measure", UNIT, RW),
    el("cmi.scaled_passing_score", SCALED, RO),
    el("cmi.score.scaled", SCALED, RW),
    el("cmi.score.raw", ANY_REAL, RW),
    el("cmi.score.min", ANY_REAL, RW),
    el("cmi.score.max", ANY_REAL, RW),
    el("cmi.session_time", K::TimeInterval, WO),
    el("cmi.success_status", vocab(SUCCESS), RW),
    el("cmi.suspend_data", cs(64_000), RW),
    el(
        "cmi.time_limit_action",
        vocab(&[
            "exit,message",
            "continue,message",
            "exit,no message",
            "continue,no message",
        ]),
        RO,
    ),
    el("cmi.total_time", K::TimeInterval, RO),
    // 4.4.1 adl.nav.request
    el("adl.nav.request", K::NavRequest, RW),
    // 4.3 adl.data (4th Edition)
    ElementDef {
        name: "adl.data.n.id",
        kind: LONG_ID,
        access: RO,
        avail: ED4,
    },
    ElementDef {
        name: "adl.data.n.store",
        kind: cs(64_000),
        access: RW,
        avail: ED4,
    },
];

const fn ct(name: &'static str, children: &'static str, collection: bool) -> ContainerDef {
    ContainerDef {
        name,
        children: Some(children),
        collection,
        avail: ALL,
    }
}

const fn count_only(name: &'static str) -> ContainerDef {
    ContainerDef {
        name,
        children: None,
        collection: true,
        avail: ALL,
    }
}

/// Elements with `_children` / `_count` (RTE 4.2, "_children" and "_count" rows).
pub(super) const CONTAINERS: &[ContainerDef] = &[
    ct(
        "cmi.comments_from_learner",
        "comment,location,timestamp",
        true,
    ),
    ct("cmi.comments_from_lms", "comment,location,timestamp", true),
    ct(
        "cmi.interactions",
        "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description",
        true,
    ),
    count_only("cmi.interactions.n.objectives"),
    count_only("cmi.interactions.n.correct_responses"),
    ct(
        "cmi.learner_preference",
        "audio_level,language,delivery_speed,audio_captioning",
        false,
    ),
    ct(
        "cmi.objectives",
        "id,score,success_status,completion_status,progress_measure,description",
        true,
    ),
    ct("cmi.objectives.n.score", "scaled,raw,min,max", false),
    ct("cmi.score", "scaled,raw,min,max", false),
    ContainerDef {
        name: "adl.data",
        children: Some("id,store"),
        collection: true,
        avail: ED4,
    },
];
