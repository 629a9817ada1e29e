//! Judging a scripted call's result as the Test Suite's `TestCaseEvaluator.java` does, for
//! any implementation of the SCORM 2004 API ([`ScormApi`]).

use crate::lms::LmsCall;

/// The SCORM 2004 API as content sees it (RTE 3.1), plus value comparison.
pub trait ScormApi {
    /// `Initialize(param)`.
    fn initialize(&mut self, param: &str) -> String;
    /// `Terminate(param)`.
    fn terminate(&mut self, param: &str) -> String;
    /// `Commit(param)`.
    fn commit(&mut self, param: &str) -> String;
    /// `GetValue(element)`.
    fn get_value(&mut self, element: &str) -> String;
    /// `SetValue(element, value)`.
    fn set_value(&mut self, element: &str, value: &str) -> String;
    /// `GetLastError()`.
    fn get_last_error(&mut self) -> String;
    /// `GetErrorString(code)`.
    fn get_error_string(&mut self, code: &str) -> String;
    /// `GetDiagnostic(code)`.
    fn get_diagnostic(&mut self, code: &str) -> String;
    /// Whether `a` and `b` are the same value of `element` (real numbers compared as
    /// numbers, characterstrings with their delimiters, as the evaluator tolerates).
    fn equivalent(&self, element: &str, a: &str, b: &str) -> bool;
}

/// The judgement of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// As expected.
    Pass,
    /// Not as expected: what happened.
    Fail(String),
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Verdict {
    if ok {
        Verdict::Pass
    } else {
        Verdict::Fail(what())
    }
}

/// Resolves `&id&` placeholders to the index of that objective or shared data store, as
/// the Test Suite's `Command.parseForIndex` does (through GetValue).
pub fn resolve(api: &mut dyn ScormApi, element: &str) -> Result<String, String> {
    let parts: Vec<&str> = element.split('&').collect();
    if parts.len() < 3 {
        return Ok(element.to_owned());
    }
    let collection = if parts[0].contains("data") {
        "adl.data"
    } else {
        "cmi.objectives"
    };
    let count: usize = api
        .get_value(&format!("{collection}._count"))
        .parse()
        .unwrap_or(0);
    (0..count)
        .find(|i| api.get_value(&format!("{collection}.{i}.id")) == parts[1])
        .map(|i| format!("{}{i}{}", parts[0], parts[2]))
        .ok_or_else(|| format!("no {collection} record with id {:?}", parts[1]))
}

/// Runs `call` against `api` and judges the result; `learner_id` is the id the LMS gave.
pub fn judge(api: &mut dyn ScormApi, call: &LmsCall, learner_id: &str) -> Verdict {
    let (returned, element) = match execute(api, call) {
        Ok(r) => r,
        Err(e) => return Verdict::Fail(e),
    };
    if call.api == "COI" {
        return check(compare_objective_ids(api, &call.param), || {
            "objective ids differ".to_owned()
        });
    }
    let code = api.get_last_error();
    let code_ok = code == call.code;
    let got = || format!("got {returned:?} code {code}");
    match call.api.as_str() {
        "T" => check(returned == "true" && code == "0", got),
        "GES" => check(error_string_ok(&returned, &call.expected) && code_ok, got),
        "GeDi" => check(returned.len() < 255 && code_ok, got),
        "GET" => judge_get(api, call, &element, &returned, code_ok, learner_id),
        _ => check(returned == call.expected && code_ok, got),
    }
}

fn execute(api: &mut dyn ScormApi, call: &LmsCall) -> Result<(String, String), String> {
    Ok(match call.api.as_str() {
        "I" => (api.initialize(&call.param), String::new()),
        "T" => (api.terminate(""), String::new()),
        "C" => (api.commit(&call.param), String::new()),
        "GES" => (api.get_error_string(&call.param), String::new()),
        "GeDi" => (api.get_diagnostic(&call.param), String::new()),
        "GLE" => (api.get_last_error(), String::new()),
        "COI" => (String::new(), String::new()),
        "GET" => {
            let element = resolve(api, &call.param)?;
            (api.get_value(&element), element)
        }
        "SET" => {
            let (element, value) = call.param.split_once('!').unwrap_or((&call.param, ""));
            let element = resolve(api, element)?;
            (api.set_value(&element, value), element)
        }
        other => return Err(format!("unknown command {other}")),
    })
}

fn error_string_ok(returned: &str, expected: &str) -> bool {
    match expected {
        "less255" => returned.len() < 255,
        "emptyCS" => returned.is_empty(),
        _ => returned == expected,
    }
}

fn compare_objective_ids(api: &mut dyn ScormApi, expected: &str) -> bool {
    let want: Vec<&str> = expected.split(',').collect();
    let count: usize = api.get_value("cmi.objectives._count").parse().unwrap_or(0);
    let got: Vec<String> = (0..count)
        .map(|i| api.get_value(&format!("cmi.objectives.{i}.id")))
        .collect();
    got.len() == want.len() && got.iter().all(|g| want.contains(&g.as_str()))
}

/// `TestCaseEvaluator.evaluateCurrentResult` for `doGetValue`.
fn judge_get(
    api: &mut dyn ScormApi,
    call: &LmsCall,
    element: &str,
    returned: &str,
    code_ok: bool,
    learner_id: &str,
) -> Verdict {
    let p = &call.param;
    let got = || format!("got {returned:?}");
    if p.contains("learner_name") {
        return check(code_ok, got);
    }
    if p.contains("request_valid.choice") || p.contains("request_valid.jump") {
        return check(matches!(returned, "true" | "false" | "unknown"), got);
    }
    if !p.contains("_children") && p.contains("comments_from_lms") {
        return Verdict::Pass;
    }
    let expected = if p.contains("learner_id") {
        learner_id
    } else {
        call.expected.as_str()
    };
    let what = || format!("expected {expected:?}, got {returned:?}");
    if (!expected.is_empty() && !p.contains("_count"))
        || (returned.starts_with('{') && !p.contains("_count"))
    {
        return check(api.equivalent(element, expected, returned) && code_ok, what);
    }
    if p.contains('&') && p.contains(".id") {
        let id = p.split('&').nth(1).unwrap_or_default();
        return check(returned == id && code_ok, got);
    }
    check(returned == expected && code_ok, what)
}
