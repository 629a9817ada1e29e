//! The scripted data-model calls decoded exactly as the Test Suite's `LMSParser.java` does
//! (grammar `CMD->element[!value]->expected->errorcode`, abbreviations from
//! `resources/Commands.properties`), per visit in the order its `commands.k` keys give.
//!
//! [`crate::Command`] decodes the same lines for the sequencing harness, which only needs
//! navigation calls; this reader keeps every quirk of `LMSParser` so that data-model calls
//! are judged on what the Test Suite itself would send.

use std::collections::BTreeMap;
use std::path::Path;

use crate::properties::parse_properties_java;
use crate::{CommandTable, CtsError};

/// The commands `LMSParser.parseCommands` recognizes; other lines are ignored as it does.
pub const KNOWN_CALLS: &[&str] = &["I", "T", "C", "GET", "SET", "GES", "GLE", "GeDi", "COI"];

/// One scripted API call with its expected result, as `LMSParser` decodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LmsCall {
    /// `I`, `T`, `C`, `GET`, `SET`, `GES`, `GLE`, `GeDi`, `COI`.
    pub api: String,
    /// `element` (GET), `element!value` (SET), or the argument (I, C, GES, GeDi, COI).
    pub param: String,
    /// The expected return value.
    pub expected: String,
    /// The expected error code.
    pub code: String,
    /// The line as written.
    pub raw: String,
}

/// The calls of one visit (`Act{N}V{visit}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitCalls {
    /// The visit key, `Act3V1`.
    pub key: String,
    /// Its calls in `commands.k` order.
    pub calls: Vec<LmsCall>,
}

impl CommandTable {
    fn get(&self, key: &str) -> String {
        self.decode(key).to_owned()
    }

    fn get_fmt(&self, key: &str, arg: &str) -> String {
        self.decode_with(key, arg)
    }
}

/// Decodes one `commands.k` line (`LMSParser.parseCommands`).
pub fn parse_lms_call(line: &str, d: &CommandTable) -> LmsCall {
    let parts: Vec<&str> = line.split("->").collect();
    let api = parts[0].to_owned();
    let mut call = LmsCall {
        api: api.clone(),
        param: String::new(),
        expected: String::new(),
        code: parts.last().copied().unwrap_or_default().to_owned(),
        raw: line.to_owned(),
    };
    let arg = |i: usize| parts.get(i).copied().unwrap_or_default().to_owned();
    match api.as_str() {
        "GET" | "I" | "C" => {
            call.param = get_params(&arg(1), d);
            for p in parts.iter().take(parts.len() - 1).skip(2) {
                let decoded = d.get(p);
                call.expected = if decoded.is_empty() && !p.is_empty() {
                    (*p).to_owned()
                } else {
                    decoded
                };
            }
        }
        "SET" => {
            call.param = set_params(&arg(1), d);
            for p in parts.iter().take(parts.len() - 1).skip(2) {
                call.expected = d.get(p);
            }
        }
        "GES" | "GeDi" | "GLE" => {
            call.param = arg(1);
            call.expected = arg(2);
            call.code = arg(3);
        }
        "T" => call.code = String::new(),
        _ => call.param = arg(1),
    }
    call
}

fn final_split(last: &str) -> (String, String) {
    match last.split_once('!') {
        Some((a, b)) => (a.to_owned(), b.to_owned()),
        None => (last.to_owned(), String::new()),
    }
}

fn set_params(key: &str, d: &CommandTable) -> String {
    let k: Vec<&str> = key.split('~').collect();
    let dm = d.get(k[0]);
    match k.len() {
        2 => {
            let (e, v) = final_split(k[1]);
            format!("{dm}.{}!{}", d.get(&e), d.get(&v))
        }
        3 => {
            let (e, v) = final_split(k[2]);
            format!("{dm}.{}.{}!{}", d.get(k[1]), d.get(&e), d.get(&v))
        }
        4 => {
            let (e, v) = final_split(k[3]);
            format!("{dm}.{}.{}.{}!{}", d.get(k[1]), k[2], d.get(&e), d.get(&v))
        }
        5 if key.contains("a~n~r") => {
            let t: Vec<&str> = k[2].split('!').collect();
            let value = format!(
                "{}{}",
                d.get_fmt(t.get(1).copied().unwrap_or_default(), k[3]),
                d.get(k[4])
            );
            format!("{dm}.{}.{}!{value}", d.get(k[1]), d.get(t[0]))
        }
        5 => {
            let t: Vec<&str> = k[4].split('!').collect();
            let value = d.get(t.get(1).copied().unwrap_or_default());
            let mid: Vec<String> = k[1..4].iter().map(|x| d.get(x)).collect();
            format!("{dm}.{}.{}!{value}", mid.join("."), d.get(t[0]))
        }
        6 => {
            let (e, v) = final_split(k[5]);
            let mid: Vec<String> = k[1..5].iter().map(|x| d.get(x)).collect();
            format!("{dm}.{}.{}!{}", mid.join("."), d.get(&e), d.get(&v))
        }
        _ => dm,
    }
}

fn get_params(key: &str, d: &CommandTable) -> String {
    if !key.contains('~') {
        return key.to_owned();
    }
    let mut t: Vec<String> = key.split('~').map(str::to_owned).collect();
    if t[1] == "INTR" && key.contains('!') {
        for part in &mut t {
            if let Some((a, _)) = part.clone().split_once('!') {
                *part = a.to_owned();
            }
        }
    }
    if t.len() == 6 && key.contains("a~n~r") {
        let head: Vec<String> = t[..4].iter().map(|x| d.get(x)).collect();
        return format!("{}.{}", head.join("."), d.get_fmt(&t[4], &t[5]));
    }
    t.iter().map(|x| d.get(x)).collect::<Vec<_>>().join(".")
}

/// The visits of one script with their calls, in the order [`crate::TestCase`] lists them:
/// a new visit begins whenever an `Act…` key names another visit than the line before (a
/// script may visit `Act1V1` twice, as CM-09aa does), calls sorted by `k`; lines with an
/// unknown command are dropped as `LMSParser` does. An index written twice keeps both lines
/// in file order: the scripts repeat an index where the content makes several calls there
/// (CO-10 sets `adl.nav.request` and then `cmi.exit` under one index), and the expected
/// deliveries follow all of them.
pub fn lms_visits(text: &str, d: &CommandTable) -> Vec<VisitCalls> {
    let mut visits: Vec<(String, Vec<(usize, LmsCall)>)> = Vec::new();
    for (k, v) in parse_properties_java(text) {
        let Some((visit, field)) = k.strip_prefix("Act").and_then(|_| k.split_once('.')) else {
            continue;
        };
        if visits.last().is_none_or(|(key, _)| key != visit) {
            visits.push((visit.to_owned(), Vec::new()));
        }
        let Some(n) = field.strip_prefix("commands.") else {
            continue;
        };
        let call = parse_lms_call(&v, d);
        if let (Ok(n), true) = (n.parse::<usize>(), KNOWN_CALLS.contains(&call.api.as_str()))
            && let Some((_, calls)) = visits.last_mut()
        {
            calls.push((n, call));
        }
    }
    visits
        .into_iter()
        .map(|(key, mut list)| {
            list.sort_by_key(|(n, _)| *n);
            VisitCalls {
                key,
                calls: list.into_iter().map(|(_, c)| c).collect(),
            }
        })
        .collect()
}

/// Every script's visits with their calls, by test case id (`CM-01`).
pub fn read_lms_scripts(dir: &Path) -> Result<BTreeMap<String, Vec<VisitCalls>>, CtsError> {
    let (table, scripts) = crate::read_scripts(dir, parse_properties_java)?;
    Ok(scripts
        .into_iter()
        .map(|(id, text)| {
            let visits = lms_visits(&text, &table);
            (id, visits)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_lms_parser() {
        let d = crate::commands::test_table();
        let set = parse_lms_call("SET->c~OB~0~SS!pass->t->0", &d);
        assert_eq!(set.param, "cmi.objectives.0.success_status!passed");
        assert_eq!((set.expected.as_str(), set.code.as_str()), ("true", "0"));
        let get = parse_lms_call("GET->a~n~rv~TY.c~tar~act_2->t->0", &d);
        assert_eq!(get.param, "adl.nav.request_valid.choice.{target=act_2}");
        let visits = lms_visits(
            "Act1V1.commands.1=GET->c~OB~0~SS->pass->0\nAct1V1.commands.0=I->->t->0\nAct1V1.commands.2=XX->y\n",
            &d,
        );
        assert_eq!(visits.len(), 1);
        let apis: Vec<&str> = visits[0].calls.iter().map(|c| c.api.as_str()).collect();
        assert_eq!(apis, ["I", "GET"]);
    }
}
