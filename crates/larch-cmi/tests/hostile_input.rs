//! No input panics: arbitrary element names, values and HACP text, in every
//! version, get an answer and a consistent error state.

use larch_cmi::aicc::{AiccData, put_param_changes};
use larch_cmi::{
    ApiInstance, Change, LaunchData, Prior, RuntimeConfig, ScormVersion, apply_batch, initial_state,
};
use proptest::prelude::*;

fn element() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        "(cmi|adl)(\\.[a-z_]{1,12}|\\.[0-9]{1,3}|\\._count|\\._children|\\.\\{target=[a-z]{0,4}\\}){0,6}",
        prop::sample::select(vec![
            "cmi.interactions.0.correct_responses.0.pattern",
            "cmi.interactions.0.learner_response",
            "cmi.interactions.0.id",
            "cmi.interactions.0.type",
            "cmi.core.lesson_status",
            "adl.nav.request_valid.choice.{target=a}",
            "adl.data.0.store",
        ])
        .prop_map(str::to_owned),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,40}",
        "(\\{(lang|case_matters|order_matters|target)=[a-z-]{0,6}\\})*[a-z0-9\\[\\],.:]{0,20}",
        prop::sample::select(vec![
            "choice",
            "fill-in",
            "performance",
            "numeric",
            "matching",
            "PT1H",
            "2024-01-01T00:00:00.1Z"
        ])
        .prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn api_answers_everything(
        version in prop::sample::select(ScormVersion::ALL.to_vec()),
        calls in prop::collection::vec((element(), value()), 1..16),
        strict in any::<bool>(),
    ) {
        let config = if strict { RuntimeConfig::strict() } else { RuntimeConfig::default() };
        let launch = LaunchData::default();
        let mut api = ApiInstance::new(initial_state(version, &launch, Prior::NewAttempt), config.clone());
        api.initialize("");
        for (e, v) in &calls {
            let ok = api.set_value(e, v);
            prop_assert_eq!(ok == "true", api.get_last_error() == "0");
            let got = api.get_value(e);
            if api.get_last_error() != "0" {
                prop_assert!(got.is_empty());
            }
            prop_assert!(api.get_diagnostic("").len() < 255);
        }
        let changes: Vec<Change> = calls.iter().map(|(e, v)| Change { element: e.clone(), value: v.clone() }).collect();
        let mut state = initial_state(version, &launch, Prior::NewAttempt);
        let result = apply_batch(&mut state, &config, &changes, 0);
        prop_assert_eq!(result.transcript.len() + result.rejected.len(), changes.len());
        prop_assert_eq!(api.terminate(""), "true");
    }

    #[test]
    fn hacp_text_never_panics(text in "\\PC{0,200}") {
        // Any text parses (HACP LMSs ignore what they do not understand) and
        // every key read back exists in the parsed data.
        let data = AiccData::parse(&text);
        for change in put_param_changes(&data) {
            prop_assert!(change.element.starts_with("cmi."));
        }
        let again = AiccData::parse(&data.to_text());
        prop_assert!(again.sections.len() >= data.sections.len());
    }
}

/// Hour counts and durations beyond u64 centiseconds are refused, not overflowed
/// (they panicked in debug builds before).
#[test]
fn huge_timespans_and_durations_are_refused() {
    let launch = LaunchData::default();
    let mut api = ApiInstance::new(
        initial_state(ScormVersion::Scorm12, &launch, Prior::NewAttempt),
        RuntimeConfig::default(),
    );
    api.initialize("");
    let huge = "99999999999999999:00:00";
    assert_eq!(api.set_value("cmi.core.session_time", huge), "false");
    assert_eq!(api.get_last_error(), "405");
    let mut api = ApiInstance::new(
        initial_state(ScormVersion::SCORM2004_4TH, &launch, Prior::NewAttempt),
        RuntimeConfig::default(),
    );
    api.initialize("");
    let huge = "P2100000000000DT1000000000000H";
    assert_eq!(api.set_value("cmi.session_time", huge), "false");
    assert_eq!(api.get_last_error(), "406");
}
