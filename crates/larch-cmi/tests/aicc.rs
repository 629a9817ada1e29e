//! AICC HACP `aicc_data`: PutParam into the 1.2-shaped state, GetParam out
//! of it (CMI001 v4 sections 6.4–6.5).

#[expect(
    dead_code,
    reason = "only the launch fixture of the shared test module is used here"
)]
mod common;

use common::launch;
use larch_cmi::aicc::{AiccData, get_param_data, get_param_response, put_param_changes};
use larch_cmi::{
    Completion, Prior, RuntimeConfig, RuntimeOutcome, ScormVersion, Success, apply_batch,
    initial_state,
};

const PUT_PARAM: &str = "[core]\r\nlesson_location=SCREEN_12\r\nlesson_status=P,S\r\nscore=92,100,0\r\ntime=00:25:30\r\n\
[Core_Lesson]\r\nvisited=1,2,3\r\nflags=[a]\r\n[OBJECTIVES_STATUS]\r\nj_id.1=OBJ_A\r\nj_score.1=80\r\nj_status.1=p\r\n\
J_ID.2=OBJ_B\r\nJ_Status.2=Incomplete\r\n[Comments]\r\nFirst comment\r\n[Student_Preferences]\r\nAudio=50\r\n";

#[test]
fn put_param_updates_the_state_like_lmssetvalue() {
    let mut state = initial_state(ScormVersion::Scorm12, &launch(), Prior::NewAttempt);
    let changes = put_param_changes(&AiccData::parse(PUT_PARAM));
    let result = apply_batch(
        &mut state,
        &RuntimeConfig::strict(),
        &changes,
        1_700_000_000_000,
    );
    assert!(result.rejected.is_empty(), "{:?}", result.rejected);
    assert_eq!(state.get("cmi.core.lesson_status"), Some("passed"));
    assert_eq!(state.get("cmi.core.exit"), Some("suspend"));
    assert_eq!(state.get("cmi.core.score.max"), Some("100"));
    assert_eq!(
        state.get("cmi.suspend_data"),
        Some("visited=1,2,3\r\nflags=[a]")
    );
    assert_eq!(state.get("cmi.objectives.1.status"), Some("incomplete"));
    assert_eq!(state.get("cmi.comments"), Some("First comment"));
    assert_eq!(state.get("cmi.student_preference.audio"), Some("50"));
    let out = RuntimeOutcome::from_state(&state);
    assert_eq!(
        (out.completion, out.success, out.suspended),
        (Completion::Completed, Success::Passed, true)
    );
    assert_eq!(out.session_time_cs, Some(25 * 6000 + 3000));
}

#[test]
fn invalid_put_param_values_are_refused_with_1_2_codes() {
    let mut state = initial_state(ScormVersion::Scorm12, &launch(), Prior::NewAttempt);
    let data = AiccData::parse("[Core]\r\nScore=150\r\nTime=1 hour\r\n");
    let result = apply_batch(
        &mut state,
        &RuntimeConfig::strict(),
        &put_param_changes(&data),
        0,
    );
    let codes: Vec<u16> = result.rejected.iter().map(|r| r.error.code.0).collect();
    assert_eq!(codes, vec![405, 405]);
}

#[test]
fn get_param_produces_core_and_free_text_sections() {
    let mut state = initial_state(ScormVersion::Scorm12, &launch(), Prior::NewAttempt);
    apply_batch(
        &mut state,
        &RuntimeConfig::strict(),
        &put_param_changes(&AiccData::parse(PUT_PARAM)),
        0,
    );
    let body = get_param_response(&state);
    assert!(body.starts_with("error=0\r\nerror_text=Successful\r\n"));
    let data = get_param_data(&state);
    assert_eq!(data.get("CORE", "student_id"), Some("learner-42"));
    assert_eq!(data.get("Core", "Lesson_Status"), Some("passed,ab-initio"));
    assert_eq!(data.get("Core", "Score"), Some("92,100,0"));
    assert_eq!(data.get("Core", "Time"), Some("0000:00:00"));
    assert_eq!(
        data.section("Core_Vendor").map(|s| s.text.as_str()),
        Some("chapter=2")
    );
    assert_eq!(data.get("Objectives_Status", "J_ID.2"), Some("OBJ_B"));
    assert_eq!(data.get("Student_Data", "Mastery_Score"), Some("80"));
    assert_eq!(AiccData::parse(&data.to_text()), data);
}
