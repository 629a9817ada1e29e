//! The serializable state, commit batches, transcripts, the navigation
//! oracle and the schema export.

use larch_cmi::{
    ApiInstance, Change, CmiState, LaunchData, NavQuery, NavValidity, NavigationOracle, Prior,
    RuntimeConfig, ScormVersion, apply_batch, export_schema, initial_state,
};

fn launch() -> LaunchData {
    LaunchData {
        learner_id: "l-1".into(),
        learner_name: "Doe, Jane".into(),
        ..LaunchData::default()
    }
}

/// A batch is validated exactly like SetValue: the same refusals with the
/// same codes, and the same stored state.
#[test]
fn batch_matches_the_api() {
    let changes: Vec<Change> = [
        ("cmi.location", "p1"),
        ("cmi.interactions.0.type", "choice"),
        ("cmi.interactions.0.id", "q1"),
        ("cmi.interactions.0.type", "choice"),
        ("cmi.score.scaled", "2"),
        ("cmi.exit", "suspend"),
        ("cmi.credit", "no-credit"),
    ]
    .iter()
    .map(|(e, v)| Change {
        element: (*e).into(),
        value: (*v).into(),
    })
    .collect();
    let v = ScormVersion::SCORM2004_4TH;
    let mut api = ApiInstance::new(
        initial_state(v, &launch(), Prior::NewAttempt),
        RuntimeConfig::default(),
    );
    api.initialize("");
    let api_codes: Vec<String> = changes
        .iter()
        .map(|c| {
            api.set_value(&c.element, &c.value);
            api.get_last_error()
        })
        .collect();
    let mut state = initial_state(v, &launch(), Prior::NewAttempt);
    let result = apply_batch(
        &mut state,
        &RuntimeConfig::default(),
        &changes,
        1_700_000_000_000,
    );
    let batch_codes: Vec<(usize, u16)> = result
        .rejected
        .iter()
        .map(|r| (r.index, r.error.code.0))
        .collect();
    assert_eq!(batch_codes, vec![(1, 408), (4, 407), (6, 404)]);
    for (i, code) in batch_codes {
        assert_eq!(api_codes[i], code.to_string());
    }
    assert_eq!(&state, api.state());
    let t = &result.transcript;
    assert_eq!(
        (
            t.len(),
            t[0].element.as_str(),
            t[0].old.as_deref(),
            t[0].new.as_str()
        ),
        (4, "cmi.location", None, "p1")
    );
    assert_eq!(t[0].at, 1_700_000_000_000);
}

#[test]
fn state_round_trips_through_json() {
    let mut api = ApiInstance::new(
        initial_state(ScormVersion::SCORM2004_4TH, &launch(), Prior::NewAttempt),
        RuntimeConfig::default(),
    );
    api.initialize("");
    api.set_value("cmi.objectives.0.id", "o1");
    api.set_value("cmi.suspend_data", "{\"json\":[1,2]}");
    let json = serde_json::to_string(api.state()).expect("serialize");
    let back: CmiState = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(&back, api.state());
    assert!(
        json.contains(r#""version":{"standard":"scorm2004","edition":"fourth"}"#),
        "{json}"
    );
}

struct Oracle;

impl NavigationOracle for Oracle {
    fn request_valid(&self, query: NavQuery<'_>) -> NavValidity {
        match query {
            NavQuery::Continue => NavValidity::True,
            NavQuery::Previous => NavValidity::False,
            NavQuery::Choice(target) | NavQuery::Jump(target) => (target == "intro").into(),
        }
    }
}

/// RTE 4.4.2: `adl.nav.request_valid.*` is answered by the sequencing engine.
#[test]
fn navigation_oracle_answers_request_valid() {
    let mut api = ApiInstance::new(
        initial_state(ScormVersion::SCORM2004_4TH, &launch(), Prior::NewAttempt),
        RuntimeConfig::default(),
    );
    api.set_navigation_oracle(Box::new(Oracle));
    api.initialize("");
    assert_eq!(api.get_value("adl.nav.request_valid.continue"), "true");
    assert_eq!(api.get_value("adl.nav.request_valid.previous"), "false");
    assert_eq!(
        api.get_value("adl.nav.request_valid.choice.{target=intro}"),
        "true"
    );
    assert_eq!(
        api.get_value("adl.nav.request_valid.jump.{target=other}"),
        "false"
    );
    assert_eq!(api.get_value("adl.nav.request_valid.choice"), "");
    assert_eq!(api.get_last_error(), "401");
}

#[test]
fn prior_after_a_session() {
    for (version, exit, resumes) in [
        (ScormVersion::SCORM2004_4TH, "suspend", "resume"),
        (ScormVersion::SCORM2004_4TH, "normal", "ab-initio"),
        (ScormVersion::Scorm12, "", ""),
    ] {
        let mut api = ApiInstance::new(
            initial_state(version, &launch(), Prior::NewAttempt),
            RuntimeConfig::strict(),
        );
        api.initialize("");
        let exit_element = if version.is_2004() {
            "cmi.exit"
        } else {
            "cmi.core.exit"
        };
        assert_eq!(api.set_value(exit_element, exit), "true");
        api.terminate("");
        let prior = Prior::after(api.state().clone(), api.outcome().expect("outcome"));
        let mut next = ApiInstance::new(
            initial_state(version, &launch(), prior),
            RuntimeConfig::strict(),
        );
        next.initialize("");
        let entry = if version.is_2004() {
            "cmi.entry"
        } else {
            "cmi.core.entry"
        };
        assert_eq!(next.get_value(entry), resumes, "{version:?} {exit}");
    }
}

#[test]
fn schema_export_describes_every_element_per_edition() {
    let third = serde_json::to_value(export_schema(ScormVersion::Scorm2004(
        larch_cmi::Edition::Third,
    )))
    .expect("json");
    let fourth = serde_json::to_value(export_schema(ScormVersion::SCORM2004_4TH)).expect("json");
    let v12 = serde_json::to_value(export_schema(ScormVersion::Scorm12)).expect("json");
    let find = |doc: &serde_json::Value, name: &str| {
        doc["elements"]
            .as_array()
            .expect("elements")
            .iter()
            .find(|e| e["name"] == name)
            .cloned()
    };
    let sd3 = find(&third, "cmi.suspend_data").expect("suspend_data");
    assert_eq!(
        (sd3["type"].as_str(), sd3["spm_override"].as_u64()),
        (Some("character_string"), Some(4000))
    );
    assert_eq!(
        find(&fourth, "cmi.suspend_data").expect("sd")["spm_override"],
        64_000
    );
    assert!(find(&third, "adl.data.n.store").is_none());
    assert_eq!(
        find(&fourth, "adl.data.n.store").expect("adl.data")["editions"],
        serde_json::json!(["2004-4"])
    );
    let status = find(&fourth, "cmi.completion_status").expect("completion_status");
    assert_eq!(
        status["values"],
        serde_json::json!(["completed", "incomplete", "not attempted", "unknown"])
    );
    assert_eq!(status["access"], "read_write");
    assert_eq!(
        find(&v12, "cmi.core.exit").expect("exit")["access"],
        "write_only"
    );
    assert_eq!(v12["cmi_version"], "3.4");
    assert!(
        fourth["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e[0] == 408)
    );
    let scaled = find(&fourth, "cmi.score.scaled").expect("scaled");
    assert_eq!(
        (scaled["min"].as_f64(), scaled["max"].as_f64()),
        (Some(-1.0), Some(1.0))
    );
}
