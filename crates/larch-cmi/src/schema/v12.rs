//! SCORM 1.2 element table (RTE 1.2 section 3.4, "Data Model Elements").

use super::{Access, Availability, ContainerDef, ElementDef, ValueKind};

use Access::{ReadOnly as RO, ReadWrite as RW, WriteOnly as WO};
use ValueKind as K;

const V12: Availability = Availability::V12;

/// RTE 1.2 3.4.4 cmi.core.lesson_status: the values a SCO may set. The LMS may
/// also report "not attempted", which a SCO cannot set.
pub(crate) const LESSON_STATUS_SET: &[&str] =
    &["passed", "completed", "failed", "incomplete", "browsed"];
/// The full lesson_status / objectives status vocabulary.
pub(crate) const LESSON_STATUS: &[&str] = &[
    "passed",
    "completed",
    "failed",
    "incomplete",
    "browsed",
    "not attempted",
];
/// RTE 1.2 3.4.4 cmi.interactions.n.type.
pub(crate) const INTERACTION_TYPES: &[&str] = &[
    "true-false",
    "choice",
    "fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
];

const fn el(name: &'static str, kind: ValueKind, access: Access) -> ElementDef {
    ElementDef {
        name,
        kind,
        access,
        avail: V12,
    }
}

const S255: ValueKind = K::CmiString { max: 255 };
const S4096: ValueKind = K::CmiString { max: 4096 };

/// Every SCORM 1.2 leaf element.
pub(super) const ELEMENTS: &[ElementDef] = &[
    el("cmi.core.student_id", K::CmiIdentifier, RO),
    el("cmi.core.student_name", S255, RO),
    el("cmi.core.lesson_location", S255, RW),
    el(
        "cmi.core.credit",
        K::Vocabulary {
            values: &["credit", "no-credit"],
        },
        RO,
    ),
    el(
        "cmi.core.lesson_status",
        K::Vocabulary {
            values: LESSON_STATUS_SET,
        },
        RW,
    ),
    el(
        "cmi.core.entry",
        K::Vocabulary {
            values: &["ab-initio", "resume", ""],
        },
        RO,
    ),
    el("cmi.core.score.raw", K::CmiScore, RW),
    el("cmi.core.score.max", K::CmiScore, RW),
    el("cmi.core.score.min", K::CmiScore, RW),
    el("cmi.core.total_time", K::CmiTimespan, RO),
    el(
        "cmi.core.lesson_mode",
        K::Vocabulary {
            values: &["browse", "normal", "review"],
        },
        RO,
    ),
    el(
        "cmi.core.exit",
        K::Vocabulary {
            values: &["time-out", "suspend", "logout", ""],
        },
        WO,
    ),
    el("cmi.core.session_time", K::CmiTimespan, WO),
    el("cmi.suspend_data", S4096, RW),
    el("cmi.launch_data", S4096, RO),
    el("cmi.comments", S4096, RW),
    el("cmi.comments_from_lms", S4096, RO),
    el("cmi.objectives.n.id", K::CmiIdentifier, RW),
    el("cmi.objectives.n.score.raw", K::CmiScore, RW),
    el("cmi.objectives.n.score.max", K::CmiScore, RW),
    el("cmi.objectives.n.score.min", K::CmiScore, RW),
    el(
        "cmi.objectives.n.status",
        K::Vocabulary {
            values: LESSON_STATUS,
        },
        RW,
    ),
    el("cmi.student_data.mastery_score", K::CmiScore, RO),
    el("cmi.student_data.max_time_allowed", K::CmiTimespan, RO),
    el(
        "cmi.student_data.time_limit_action",
        K::Vocabulary {
            values: &[
                "exit,message",
                "exit,no message",
                "continue,message",
                "continue,no message",
            ],
        },
        RO,
    ),
    el(
        "cmi.student_preference.audio",
        K::CmiSInteger { min: -1, max: 100 },
        RW,
    ),
    el("cmi.student_preference.language", S255, RW),
    el(
        "cmi.student_preference.speed",
        K::CmiSInteger {
            min: -100,
            max: 100,
        },
        RW,
    ),
    el(
        "cmi.student_preference.text",
        K::CmiSInteger { min: -1, max: 1 },
        RW,
    ),
    el("cmi.interactions.n.id", K::CmiIdentifier, WO),
    el("cmi.interactions.n.objectives.n.id", K::CmiIdentifier, WO),
    el("cmi.interactions.n.time", K::CmiTime, WO),
    el(
        "cmi.interactions.n.type",
        K::Vocabulary {
            values: INTERACTION_TYPES,
        },
        WO,
    ),
    el(
        "cmi.interactions.n.correct_responses.n.pattern",
        K::CmiFeedback,
        WO,
    ),
    el("cmi.interactions.n.weighting", K::CmiDecimal, WO),
    el("cmi.interactions.n.student_response", K::CmiFeedback, WO),
    el("cmi.interactions.n.result", K::CmiResult, WO),
    el("cmi.interactions.n.latency", K::CmiTimespan, WO),
];

const fn ct(name: &'static str, children: &'static str, collection: bool) -> ContainerDef {
    ContainerDef {
        name,
        children: Some(children),
        collection,
        avail: V12,
    }
}

const fn count_only(name: &'static str) -> ContainerDef {
    ContainerDef {
        name,
        children: None,
        collection: true,
        avail: V12,
    }
}

/// Elements with `_children` / `_count` (RTE 1.2 3.4.4).
pub(super) const CONTAINERS: &[ContainerDef] = &[
    ct(
        "cmi.core",
        "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
        false,
    ),
    ct("cmi.core.score", "raw,min,max", false),
    ct("cmi.objectives", "id,score,status", true),
    ct("cmi.objectives.n.score", "raw,min,max", false),
    ct(
        "cmi.student_data",
        "mastery_score,max_time_allowed,time_limit_action",
        false,
    ),
    ct("cmi.student_preference", "audio,language,speed,text", false),
    ct(
        "cmi.interactions",
        "id,objectives,time,type,correct_responses,weighting,student_response,result,latency",
        true,
    ),
    count_only("cmi.interactions.n.objectives"),
    count_only("cmi.interactions.n.correct_responses"),
];
