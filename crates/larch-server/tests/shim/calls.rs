//! Seeded random API call sequences for the differential test: valid and invalid
//! elements, values, indices, keywords and phases, biased towards building records
//! (ids, then types, then patterns and responses) so that deep rules are reached.

use larch_cmi::schema::SchemaExport;
use larch_cmi::{CmiState, ScormVersion};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, IteratorRandom};
use rand::{Rng, RngCore};

use super::values::{CODES, JUNK_NAMES, pool, responses};

/// One API call: the function name (2004 or 1.2 spelling) and its arguments.
pub type Call = (String, String, String);

/// Generates calls for one version from its schema export.
pub struct Generator<'a> {
    rng: StdRng,
    schema: &'a SchemaExport,
    version: ScormVersion,
}

impl<'a> Generator<'a> {
    /// A generator for `schema`'s version seeded by `rng`.
    pub fn new(rng: StdRng, schema: &'a SchemaExport, version: ScormVersion) -> Self {
        Self {
            rng,
            schema,
            version,
        }
    }

    /// The random source (for the test's own choices).
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    fn name(&self, v2004: &'static str, v12: &'static str) -> String {
        if self.version.is_2004() { v2004 } else { v12 }.to_owned()
    }

    /// The next call, given the state the API holds now (for plausible indices).
    pub fn call(&mut self, state: &CmiState) -> Call {
        let roll = self.rng.random_range(0..100);
        let (init, term, get, set, commit) = if self.version.is_2004() {
            ("Initialize", "Terminate", "GetValue", "SetValue", "Commit")
        } else {
            (
                "LMSInitialize",
                "LMSFinish",
                "LMSGetValue",
                "LMSSetValue",
                "LMSCommit",
            )
        };
        let arg = |r: &mut StdRng| if r.random_bool(0.9) { "" } else { "x" }.to_owned();
        match roll {
            0..2 => (init.to_owned(), arg(&mut self.rng), String::new()),
            2..4 => (term.to_owned(), arg(&mut self.rng), String::new()),
            4..8 => (commit.to_owned(), arg(&mut self.rng), String::new()),
            8..10 => (
                self.name("GetLastError", "LMSGetLastError"),
                String::new(),
                String::new(),
            ),
            10..13 => {
                let code = self.pick(CODES);
                (
                    self.name("GetErrorString", "LMSGetErrorString"),
                    code,
                    String::new(),
                )
            }
            13..17 => {
                let code = if self.rng.random_bool(0.5) {
                    String::new()
                } else {
                    self.pick(CODES)
                };
                (
                    self.name("GetDiagnostic", "LMSGetDiagnostic"),
                    code,
                    String::new(),
                )
            }
            17..50 => (get.to_owned(), self.element(state).0, String::new()),
            50..55 => (get.to_owned(), self.hot_get(), String::new()),
            55..70 => {
                let (element, value) = self.interaction_step(state);
                (set.to_owned(), element, value)
            }
            _ => {
                let (element, kind) = self.element(state);
                let value = self.value(&kind, &element, state);
                (set.to_owned(), element, value)
            }
        }
    }

    /// Elements whose answers other values decide (evaluated statuses, shared data).
    fn hot_get(&mut self) -> String {
        self.pick(&[
            "cmi.completion_status",
            "cmi.success_status",
            "cmi.core.lesson_status",
            "adl.data.0.store",
            "adl.data.1.store",
            "cmi.objectives.0.success_status",
            "cmi.interactions.0.correct_responses.0.pattern",
            "cmi.interactions._count",
        ])
    }

    /// The next step of building an interaction record: its id, its type, then patterns,
    /// responses and objective ids of that type (so the per-type formats are reached).
    fn interaction_step(&mut self, state: &CmiState) -> (String, String) {
        let n = state.count("cmi.interactions");
        if n == 0 || self.rng.random_bool(0.15) {
            return (format!("cmi.interactions.{n}.id"), format!("i{n}"));
        }
        let i = if self.rng.random_bool(0.8) {
            n - 1
        } else {
            self.rng.random_range(0..n)
        };
        let record = format!("cmi.interactions.{i}");
        let Some(ty) = state.get(&format!("{record}.type")).map(str::to_owned) else {
            let types = [
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
            return (format!("{record}.type"), self.pick(&types));
        };
        let value = self.pick(responses(&ty));
        let patterns = state.count(&format!("{record}.correct_responses"));
        let objectives = state.count(&format!("{record}.objectives"));
        let response = if self.version.is_2004() {
            "learner_response"
        } else {
            "student_response"
        };
        match self.rng.random_range(0..4) {
            0 | 1 => {
                let k = if self.rng.random_bool(0.6) {
                    patterns
                } else {
                    self.rng.random_range(0..=patterns)
                };
                (format!("{record}.correct_responses.{k}.pattern"), value)
            }
            2 => (format!("{record}.{response}"), value),
            _ => {
                let k = if self.rng.random_bool(0.6) {
                    objectives
                } else {
                    self.rng.random_range(0..=objectives)
                };
                (
                    format!("{record}.objectives.{k}.id"),
                    self.pick(&["o1", "o2", "o1", "bad id"]),
                )
            }
        }
    }

    fn pick(&mut self, from: &[&str]) -> String {
        from.choose(&mut self.rng)
            .copied()
            .unwrap_or_default()
            .to_owned()
    }

    /// An element name and the type of the element it was made from ("" for junk).
    fn element(&mut self, state: &CmiState) -> (String, String) {
        let roll = self.rng.random_range(0..100);
        if roll < 10 {
            return (self.pick(JUNK_NAMES), String::new());
        }
        if roll < 16 {
            let c = self
                .schema
                .containers
                .choose(&mut self.rng)
                .expect("containers");
            let kw = self.pick(&["_count", "_children", "_version"]);
            return (self.indexed(c.name, state) + "." + &kw, String::new());
        }
        let el = if roll < 40 {
            // Record builders first: ids, then types, so that deeper rules are reached.
            let builders = [
                "cmi.progress_measure",
                "cmi.score.scaled",
                "cmi.completion_status",
                "cmi.success_status",
                "cmi.core.lesson_status",
                "cmi.core.session_time",
                "adl.nav.request",
                "cmi.objectives.n.id",
                "cmi.interactions.n.id",
                "cmi.interactions.n.type",
                "cmi.interactions.n.objectives.n.id",
                "cmi.interactions.n.correct_responses.n.pattern",
                "cmi.interactions.n.learner_response",
                "cmi.interactions.n.student_response",
                "adl.data.n.store",
            ];
            let name = builders[self.rng.random_range(0..builders.len())];
            match self.schema.elements.iter().find(|e| e.name == name) {
                Some(e) => e,
                None => self
                    .schema
                    .elements
                    .choose(&mut self.rng)
                    .expect("elements"),
            }
        } else {
            self.schema
                .elements
                .choose(&mut self.rng)
                .expect("elements")
        };
        let kind = serde_json::to_value(el.kind).expect("kind")["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let kind = match el.name {
            "cmi.interactions.n.type" => "itype".to_owned(),
            _ => kind,
        };
        (self.indexed(el.name, state), kind)
    }

    /// Replaces each `n` of a pattern with an index near the collection's count.
    fn indexed(&mut self, pattern: &str, state: &CmiState) -> String {
        let mut out = String::new();
        for (i, token) in pattern.split('.').enumerate() {
            if i > 0 {
                out.push('.');
            }
            if token != "n" {
                out.push_str(token);
                continue;
            }
            let count = state.count(&out[..out.len() - 1]);
            let index = match self.rng.random_range(0..20) {
                0 => "01".to_owned(),
                1 => "18446744073709551616".to_owned(),
                2 => (count + 1).to_string(),
                3..10 => count.to_string(),
                _ => self.rng.random_range(0..=count.max(1)).to_string(),
            };
            out.push_str(&index);
        }
        out
    }

    fn value(&mut self, kind: &str, element: &str, state: &CmiState) -> String {
        let roll = self.rng.random_range(0..100);
        let typed = matches!(
            kind,
            "correct_response_pattern" | "learner_response" | "cmi_feedback"
        );
        if typed && roll < 75 {
            let record = element.split('.').take(3).collect::<Vec<_>>().join(".");
            let ty = state
                .get(&format!("{record}.type"))
                .unwrap_or_default()
                .to_owned();
            return self.pick(responses(&ty));
        }
        if kind == "itype" || (kind == "vocabulary" && roll < 70) {
            let vocab = self
                .schema
                .elements
                .iter()
                .filter_map(
                    |e| match serde_json::to_value(e.kind).ok()?["values"].clone() {
                        serde_json::Value::Array(v) => Some(v),
                        _ => None,
                    },
                )
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect::<Vec<_>>();
            let v = vocab.choose(&mut self.rng).cloned().unwrap_or_default();
            return match self.rng.random_range(0..10) {
                0 => v.to_uppercase(),
                1 => format!(" {v} "),
                _ => v,
            };
        }
        let from = pool(kind);
        match roll {
            0..70 if !from.is_empty() => self.pick(from),
            70..78 => {
                "x".repeat([250, 255, 256, 1001, 4001, 4097, 64_001][self.rng.random_range(0..7)])
            }
            78..84 => "é".repeat(self.rng.random_range(250..260)),
            84..90 => state
                .values
                .values()
                .choose(&mut self.rng)
                .cloned()
                .unwrap_or_default(),
            90..95 => {
                let n = self.rng.random_range(0..8);
                (0..n)
                    .map(|_| char::from(self.rng.random_range(0x20u8..0x7f)))
                    .collect()
            }
            _ => {
                let kinds = [
                    "real",
                    "time",
                    "language",
                    "long_identifier",
                    "learner_response",
                    "cmi_score",
                ];
                let k = kinds[self.rng.random_range(0..kinds.len())];
                self.pick(pool(k))
            }
        }
    }

    /// A 64-bit number from the generator (sub-seeds).
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}
