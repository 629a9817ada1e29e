//! A minimal global objective map (SN 4th Ed objective maps: `imsss:mapInfo`
//! and `adlseq:mapInfo`), so the replay can exercise how the data model is
//! initialized from shared objectives (`ObjectiveInit`). Rollup and
//! satisfaction by measure stay with the sequencing engine.

use std::collections::HashMap;

use larch_cmi::{CmiState, Completion, ObjectiveInit, RuntimeOutcome, Success};
use roxmltree::Node;

/// Which fields of a local objective are read from / written to a global one.
#[derive(Debug, Clone, Default)]
pub struct Map {
    pub local: String,
    pub primary: bool,
    pub target: String,
    pub read: Vec<&'static str>,
    pub write: Vec<&'static str>,
}

/// Global objective values, by target id.
#[derive(Debug, Clone, Default)]
pub struct Global {
    values: HashMap<&'static str, String>,
}

const IMSSS: [(&str, &str, bool); 4] = [
    ("readSatisfiedStatus", "satisfied", true),
    ("readNormalizedMeasure", "measure", true),
    ("writeSatisfiedStatus", "satisfied", false),
    ("writeNormalizedMeasure", "measure", false),
];

const ADLSEQ: [(&str, &str, bool); 10] = [
    ("readRawScore", "raw", true),
    ("readMinScore", "min", true),
    ("readMaxScore", "max", true),
    ("readCompletionStatus", "completion", true),
    ("readProgressMeasure", "progress", true),
    ("writeRawScore", "raw", false),
    ("writeMinScore", "min", false),
    ("writeMaxScore", "max", false),
    ("writeCompletionStatus", "completion", false),
    ("writeProgressMeasure", "progress", false),
];

fn flag(n: Node<'_, '_>, name: &str, default: bool) -> bool {
    n.attributes()
        .find(|a| a.name() == name)
        .map_or(default, |a| a.value().trim() == "true")
}

/// The maps of one `sequencing` element.
pub fn maps(seq: Node<'_, '_>) -> Vec<Map> {
    let mut out = Vec::new();
    for o in seq
        .descendants()
        .filter(|n| n.tag_name().name() == "primaryObjective" || n.tag_name().name() == "objective")
    {
        let Some(local) = o
            .attribute("objectiveID")
            .map(|s| s.trim().replace("%20", " "))
        else {
            continue;
        };
        let adlseq = o
            .tag_name()
            .namespace()
            .is_some_and(|ns| ns.contains("adlseq"));
        let table: &[(&str, &str, bool)] = if adlseq { &ADLSEQ } else { &IMSSS };
        for m in o.children().filter(|c| c.tag_name().name() == "mapInfo") {
            let mut map = Map {
                local: local.clone(),
                primary: o.tag_name().name() == "primaryObjective",
                target: m
                    .attribute("targetObjectiveID")
                    .unwrap_or_default()
                    .trim()
                    .to_owned(),
                ..Map::default()
            };
            for (attr, field, read) in table {
                let default = attr.starts_with("read");
                if flag(m, attr, default) {
                    if *read {
                        map.read.push(field);
                    } else {
                        map.write.push(field);
                    }
                }
            }
            out.push(map);
        }
    }
    out
}

/// Fills `init` from the globals its maps read.
pub fn read(init: &mut ObjectiveInit, maps: &[Map], globals: &HashMap<String, Global>) {
    for m in maps.iter().filter(|m| m.local == init.id) {
        let Some(g) = globals.get(&m.target) else {
            continue;
        };
        let num = |f: &str| g.values.get(f).and_then(|v| v.parse::<f64>().ok());
        let word = |f: &str, local: &mut Option<String>| g.values.get(f).cloned().or(local.take());
        for field in &m.read {
            match *field {
                "satisfied" => init.success_status = word("satisfied", &mut init.success_status),
                "measure" => init.score_scaled = num("measure").or(init.score_scaled),
                "raw" => init.score_raw = num("raw").or(init.score_raw),
                "min" => init.score_min = num("min").or(init.score_min),
                "max" => init.score_max = num("max").or(init.score_max),
                "completion" => {
                    init.completion_status = word("completion", &mut init.completion_status);
                }
                "progress" => init.progress_measure = num("progress").or(init.progress_measure),
                _ => {}
            }
        }
    }
}

/// Writes the values a finished session left into the globals its maps write.
pub fn write(
    state: &CmiState,
    outcome: &RuntimeOutcome,
    maps: &[Map],
    globals: &mut HashMap<String, Global>,
) {
    for m in maps.iter().filter(|m| !m.write.is_empty()) {
        let local = local_values(state, outcome, m);
        let g = globals.entry(m.target.clone()).or_default();
        for field in &m.write {
            match local.get(field) {
                Some(v) => g.values.insert(field, v.clone()),
                None => g.values.remove(field),
            };
        }
    }
}

/// The objective's values: from `cmi.objectives.n` with that id, and for the
/// primary objective from the SCO's own status and score when it set them.
fn local_values(
    state: &CmiState,
    outcome: &RuntimeOutcome,
    m: &Map,
) -> HashMap<&'static str, String> {
    let mut v = HashMap::new();
    let n = (0..state.count("cmi.objectives"))
        .find(|i| state.get(&format!("cmi.objectives.{i}.id")) == Some(m.local.as_str()));
    if let Some(n) = n {
        let g = |f: &str| {
            state
                .get(&format!("cmi.objectives.{n}.{f}"))
                .map(str::to_owned)
        };
        put_status(
            &mut v,
            g("success_status").as_deref(),
            g("completion_status").as_deref(),
        );
        for (field, key) in [
            ("measure", "score.scaled"),
            ("raw", "score.raw"),
            ("min", "score.min"),
            ("max", "score.max"),
            ("progress", "progress_measure"),
        ] {
            if let Some(x) = g(key) {
                v.insert(field, x);
            }
        }
    }
    if m.primary {
        let s = match outcome.success {
            Success::Passed => Some("passed"),
            Success::Failed => Some("failed"),
            Success::Unknown => None,
        };
        let c = match outcome.completion {
            Completion::Completed => Some("completed"),
            Completion::Incomplete => Some("incomplete"),
            Completion::NotAttempted => Some("not attempted"),
            Completion::Unknown => None,
        };
        put_status(&mut v, s, c);
        let score = outcome.score;
        for (field, x) in [
            ("measure", score.scaled),
            ("raw", score.raw),
            ("min", score.min),
            ("max", score.max),
            ("progress", outcome.progress_measure),
        ] {
            if let Some(x) = x {
                v.insert(field, larch_cmi::format_number(x));
            }
        }
    }
    v
}

fn put_status(
    v: &mut HashMap<&'static str, String>,
    success: Option<&str>,
    completion: Option<&str>,
) {
    if let Some(s) = success.filter(|s| *s != "unknown") {
        v.insert("satisfied", s.to_owned());
    }
    if let Some(c) = completion.filter(|c| *c != "unknown") {
        v.insert("completion", c.to_owned());
    }
}
