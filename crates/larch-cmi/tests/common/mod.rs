//! Helpers shared by the integration tests.

use larch_cmi::{
    ApiInstance, LaunchData, LmsComment, ObjectiveInit, Prior, RuntimeConfig, ScormVersion,
    SharedDataAccess, SharedDataInit, initial_state,
};

/// Launch data with every optional input present.
pub fn launch() -> LaunchData {
    LaunchData {
        learner_id: "learner-42".into(),
        learner_name: "Doe, Jane".into(),
        launch_data: Some("chapter=2".into()),
        mastery_score: Some(80.0),
        scaled_passing_score: Some(0.7),
        max_time_allowed: None,
        time_limit_action: Some("exit,message".into()),
        completion_threshold: Some(0.8),
        comments_from_lms: vec![LmsComment {
            comment: "Welcome".into(),
            location: Some("intro".into()),
            timestamp: None,
        }],
        objectives: vec![ObjectiveInit {
            id: "manifest-obj".into(),
            ..ObjectiveInit::default()
        }],
        shared_data: vec![
            SharedDataInit {
                access: SharedDataAccess {
                    id: "shared-rw".into(),
                    readable: true,
                    writable: true,
                },
                value: Some("hello".into()),
            },
            SharedDataInit {
                access: SharedDataAccess {
                    id: "shared-ro".into(),
                    readable: true,
                    writable: false,
                },
                value: None,
            },
            SharedDataInit {
                access: SharedDataAccess {
                    id: "shared-wo".into(),
                    readable: false,
                    writable: true,
                },
                value: Some("secret".into()),
            },
        ],
        ..LaunchData::default()
    }
}

/// A running API instance.
pub fn running(version: ScormVersion, config: RuntimeConfig) -> ApiInstance {
    let mut api = ApiInstance::new(initial_state(version, &launch(), Prior::NewAttempt), config);
    assert_eq!(api.initialize(""), "true");
    api
}

/// Runs `(element, value, expected code)` rows in order; a row with code 0
/// must also read back (where the element is readable) as `value` or an
/// equivalent spelling.
pub fn run_set_table(api: &mut ApiInstance, rows: &[(&str, &str, u16)], label: &str) {
    for (i, (element, value, code)) in rows.iter().enumerate() {
        let ok = api.set_value(element, value);
        let got: u16 = api.get_last_error().parse().expect("numeric error code");
        assert_eq!(
            (got, ok),
            (*code, if *code == 0 { "true" } else { "false" }),
            "{label} row {i}: SetValue({element:?}, {value:?}) diagnostic: {}",
            api.last_error().diagnostic
        );
    }
}

/// Runs `(element, expected value, expected code)` GetValue rows.
pub fn run_get_table(api: &mut ApiInstance, rows: &[(&str, &str, u16)], label: &str) {
    for (i, (element, value, code)) in rows.iter().enumerate() {
        let got_value = api.get_value(element);
        let got: u16 = api.get_last_error().parse().expect("numeric error code");
        assert_eq!(
            (got, got_value.as_str()),
            (*code, *value),
            "{label} row {i}: GetValue({element:?})"
        );
    }
}
