//! Differential test of the browser shim: seeded random API call sequences for every
//! data model (SCORM 1.2, 2004 2nd/3rd/4th Ed, strict and forgiving) run through
//! `larch_cmi::ApiInstance` and through `assets/player/player.js` (in `node`, no DOM, no
//! network). Every return value and every `GetLastError` must be identical; the values the
//! shim holds at the end must equal the instance's; and the changes the shim would commit,
//! applied on the server with `apply_batch`, must be accepted and give that same state.
//! Diagnostics are free text: where larch-cmi answers with its own diagnostic the shim
//! must answer with a non-empty one under 255 characters.

mod shim;

use larch_cmi::schema::export_schema;
use larch_cmi::{
    ApiInstance, Change, CmiState, Credit, LaunchData, LmsComment, Mode, ObjectiveInit, Prior,
    RuntimeConfig, ScormVersion, SharedDataAccess, SharedDataInit, apply_batch, initial_state,
};
use larch_runtime::{NavState, TocItem};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use shim::calls::{Call, Generator};

const CASES_PER_VERSION: u64 = 300;
const CALLS_PER_CASE: usize = 80;

struct Case {
    version: ScormVersion,
    start: CmiState,
    config: RuntimeConfig,
    nav: NavState,
    calls: Vec<Call>,
    /// Per call: the expected return, or `None` for a free-text diagnostic.
    returns: Vec<Option<String>>,
    errors: Vec<String>,
    /// The instance's data before a successful Terminate (which folds session time).
    end: CmiState,
}

fn launch(rng: &mut StdRng, version: ScormVersion) -> LaunchData {
    let opt = |rng: &mut StdRng, v: f64| rng.random_bool(0.4).then_some(v);
    let objectives = (0..rng.random_range(0..3))
        .map(|i| ObjectiveInit {
            id: format!("obj-{i}"),
            success_status: rng.random_bool(0.3).then(|| "passed".to_owned()),
            score_scaled: rng.random_bool(0.3).then_some(0.5),
            ..ObjectiveInit::default()
        })
        .collect();
    let shared_data = (0..if version.has_adl_data() { 2 } else { 0 })
        .map(|i| SharedDataInit {
            access: SharedDataAccess {
                id: format!("store-{i}"),
                readable: rng.random_bool(0.7),
                writable: rng.random_bool(0.7),
            },
            value: rng.random_bool(0.5).then(|| "seed".to_owned()),
        })
        .collect();
    LaunchData {
        learner_id: "learner-1".into(),
        learner_name: "Doe, Jane".into(),
        credit: if rng.random_bool(0.8) {
            Credit::Credit
        } else {
            Credit::NoCredit
        },
        mode: [Mode::Normal, Mode::Browse, Mode::Review][rng.random_range(0..3)],
        launch_data: rng.random_bool(0.5).then(|| "launch=1".to_owned()),
        mastery_score: opt(rng, 80.0),
        scaled_passing_score: opt(rng, 0.7),
        completion_threshold: opt(rng, 0.5),
        comments_from_lms: (0..rng.random_range(0..2))
            .map(|_| LmsComment {
                comment: "Welcome".into(),
                location: Some("p1".into()),
                timestamp: Some("2024-01-01T00:00:00".into()),
            })
            .collect(),
        objectives,
        shared_data,
        ..LaunchData::default()
    }
}

fn nav(rng: &mut StdRng) -> NavState {
    let toc = ["root", "SCO1", "SCO2"]
        .iter()
        .map(|id| TocItem {
            id: (*id).to_owned(),
            title: (*id).to_owned(),
            depth: u32::from(*id != "root"),
            visible: true,
            choice: rng.random_bool(0.5),
            jump: rng.random_bool(0.5),
        })
        .collect();
    NavState {
        continue_: rng.random_bool(0.5),
        previous: rng.random_bool(0.5),
        toc,
        ..NavState::default()
    }
}

fn config(rng: &mut StdRng) -> RuntimeConfig {
    let mut c = if rng.random_bool(0.5) {
        RuntimeConfig::default()
    } else {
        RuntimeConfig::strict()
    };
    if rng.random_bool(0.2) {
        c.forgiving_max_len = 300;
        c.hard_max_len = 2000;
    }
    c
}

fn call(api: &mut ApiInstance, (name, a, b): &Call) -> Option<String> {
    Some(match name.trim_start_matches("LMS") {
        "Initialize" => api.initialize(a).to_owned(),
        "Terminate" | "Finish" => api.terminate(a).to_owned(),
        "Commit" => api.commit(a).to_owned(),
        "GetValue" => api.get_value(a),
        "SetValue" => api.set_value(a, b).to_owned(),
        "GetLastError" => api.get_last_error(),
        "GetErrorString" => api.get_error_string(a),
        "GetDiagnostic" => {
            let last = api.last_error();
            let own =
                !last.diagnostic.is_empty() && (a.is_empty() || *a == last.code.as_api_string());
            let answer = api.get_diagnostic(a);
            return (!own).then_some(answer);
        }
        other => panic!("unknown call {other}"),
    })
}

fn run_case(version: ScormVersion, generator: &mut Generator<'_>) -> Case {
    let launch = launch(generator.rng(), version);
    let start = initial_state(version, &launch, Prior::NewAttempt);
    let (config, nav) = (config(generator.rng()), nav(generator.rng()));
    let mut api = ApiInstance::new(start.clone(), config.clone());
    api.set_navigation_oracle(Box::new(nav.clone()));
    let mut case = Case {
        version,
        end: start.clone(),
        start,
        config,
        nav,
        calls: Vec::new(),
        returns: Vec::new(),
        errors: Vec::new(),
    };
    let mut first = generator.rng().random_bool(0.9);
    for _ in 0..CALLS_PER_CASE {
        let c = if std::mem::take(&mut first) {
            let init = if version.is_2004() {
                "Initialize"
            } else {
                "LMSInitialize"
            };
            (init.to_owned(), String::new(), String::new())
        } else {
            generator.call(api.state())
        };
        let before = api.state().clone();
        let was_running = api.phase() == larch_cmi::Phase::Running;
        case.returns.push(call(&mut api, &c));
        case.errors.push(api.get_last_error());
        if was_running && api.phase() == larch_cmi::Phase::Terminated {
            case.end = before;
        } else if api.phase() == larch_cmi::Phase::Running {
            case.end = api.state().clone();
        }
        case.calls.push(c);
    }
    case
}

fn label(v: ScormVersion) -> &'static str {
    v.label()
}

#[test]
fn shim_answers_every_call_as_the_data_model_crate() {
    let versions = ScormVersion::ALL;
    let mut cases = Vec::new();
    for (vi, version) in versions.iter().enumerate() {
        let schema = export_schema(*version);
        for seed in 0..CASES_PER_VERSION {
            let rng = StdRng::seed_from_u64(seed * 31 + vi as u64);
            cases.push(run_case(
                *version,
                &mut Generator::new(rng, &schema, *version),
            ));
        }
    }
    let schemas: serde_json::Map<String, Value> = versions
        .iter()
        .map(|v| {
            (
                label(*v).to_owned(),
                serde_json::to_value(export_schema(*v)).expect("schema"),
            )
        })
        .collect();
    let input = json!({
        "player": shim::player_js(),
        "schemas": schemas,
        "cases": cases.iter().map(|c| json!({
            "version": label(c.version),
            "cmi": c.start,
            "config": c.config,
            "nav": c.nav,
            "calls": c.calls.iter().map(|(n, a, b)| json!([n, a, b])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let out: Vec<Value> = serde_json::from_str(&shim::node(
        &shim::script("api_harness.js"),
        &input.to_string(),
    ))
    .expect("harness output");
    let (mut calls, mut failures) = (0usize, Vec::new());
    for (i, (case, got)) in cases.iter().zip(&out).enumerate() {
        calls += case.calls.len();
        if let Some(f) = compare(case, got) {
            failures.push(format!("case {i} ({}): {f}", label(case.version)));
        }
    }
    println!(
        "shim-datamodel: {} cases, {calls} calls, {} failed",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The first difference between the instance and the shim in one case.
fn compare(case: &Case, got: &Value) -> Option<String> {
    for (k, call) in case.calls.iter().enumerate() {
        let ret = got["returns"][k].as_str().unwrap_or("<not a string>");
        let err = got["errors"][k].as_str().unwrap_or("<not a string>");
        let ok = match &case.returns[k] {
            Some(expected) => expected == ret,
            None => !ret.is_empty() && ret.chars().count() < 255,
        };
        if !ok || err != case.errors[k] {
            return Some(format!(
                "call {k} {call:?}: expected {:?} / error {}, shim {ret:?} / error {err}",
                case.returns[k], case.errors[k]
            ));
        }
    }
    let values: std::collections::BTreeMap<String, String> =
        serde_json::from_value(got["values"].clone()).ok()?;
    if values != case.end.values {
        return Some(format!(
            "final values differ:\n  rust {:?}\n  shim {values:?}",
            case.end.values
        ));
    }
    let changes: Vec<Change> = serde_json::from_value(got["changes"].clone()).expect("changes");
    let mut server = case.start.clone();
    let batch = apply_batch(&mut server, &case.config, &changes, 0);
    if !batch.rejected.is_empty() {
        return Some(format!(
            "the server refuses committed changes: {:?}",
            batch.rejected
        ));
    }
    (server.values != case.end.values)
        .then(|| "the committed changes give another state".to_owned())
}

#[test]
fn schema_export_kinds_are_all_known_to_the_shim() {
    // Every `type` the export can carry has a case in player.js's check (else it would be
    // accepted unchecked).
    let js = std::fs::read_to_string(shim::player_js()).expect("player.js");
    for v in ScormVersion::ALL {
        for e in export_schema(v).elements {
            let kind = serde_json::to_value(e.kind).expect("kind")["type"]
                .as_str()
                .expect("type")
                .to_owned();
            assert!(
                js.contains(&format!("case '{kind}'")),
                "player.js has no case for {kind} ({})",
                e.name
            );
        }
    }
}
