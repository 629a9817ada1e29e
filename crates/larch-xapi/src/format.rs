//! The `format` parameter of GET /statements (xAPI-Communication 2.1.3): `exact`, `ids`,
//! `canonical`.

use serde_json::Value;

use crate::primitives::{Iri, LanguageMap};
use crate::statement::Statement;
use crate::statement::activity::{Activity, ActivityDefinition, Verb};
use crate::statement::actor::Actor;
use crate::statement::walk::{VisitMut, walk_core};

/// How statements are rendered in a GET response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Only ids for Agents, Groups (anonymous Groups keep their members' ids), Verbs and
    /// Activities.
    Ids,
    /// As received (after LRS normalization). The default.
    #[default]
    Exact,
    /// Activity definitions replaced by the LRS's canonical ones, and every language map
    /// reduced to the one entry that best fits `Accept-Language`.
    Canonical,
}

impl Format {
    /// Parses the `format` parameter; `None` for anything but `ids`, `exact`, `canonical`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "ids" => Some(Self::Ids),
            "exact" => Some(Self::Exact),
            "canonical" => Some(Self::Canonical),
            _ => None,
        }
    }
}

/// The StatementResult object of a GET /statements list (xAPI-Data 2.5): `statements` and
/// `more`, the relative IRL of the next page or `""` when there is none.
pub fn statement_result(statements: Vec<Value>, more: Option<&str>) -> Value {
    let mut doc = serde_json::Map::new();
    doc.insert("statements".to_owned(), Value::Array(statements));
    doc.insert(
        "more".to_owned(),
        Value::String(more.unwrap_or_default().to_owned()),
    );
    Value::Object(doc)
}

/// Parses an `Accept-Language` header into tags by descending quality (`q=0` dropped).
pub fn parse_accept_language(header: &str) -> Vec<String> {
    let mut tags: Vec<(String, f32)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            (!tag.is_empty() && tag != "*" && q > 0.0).then(|| (tag.to_owned(), q))
        })
        .collect();
    tags.sort_by(|a, b| b.1.total_cmp(&a.1));
    tags.into_iter().map(|(tag, _)| tag).collect()
}

impl Statement {
    /// Renders the statement in `format`.
    ///
    /// `languages` are the preferred tags ([`parse_accept_language`]); `canonical` returns the
    /// LRS's canonical definition of an Activity (used by [`Format::Canonical`] only).
    pub fn render(
        &self,
        format: Format,
        languages: &[String],
        canonical: &dyn Fn(&Iri) -> Option<ActivityDefinition>,
    ) -> Value {
        match format {
            Format::Exact => self.to_value(),
            Format::Ids => {
                let mut s = self.clone();
                walk_core(&mut s.core, &mut IdsOnly);
                if let Some(authority) = s.authority.as_mut() {
                    IdsOnly.actor(authority);
                }
                s.to_value()
            }
            Format::Canonical => {
                let mut s = self.clone();
                walk_core(
                    &mut s.core,
                    &mut Canonical {
                        languages,
                        canonical,
                    },
                );
                for attachment in s.core.attachments.iter_mut().flatten() {
                    filter_map(&mut attachment.display, languages);
                    if let Some(d) = attachment.description.as_mut() {
                        filter_map(d, languages);
                    }
                }
                s.to_value()
            }
        }
    }
}

struct IdsOnly;

impl VisitMut for IdsOnly {
    fn actor(&mut self, actor: &mut Actor) {
        match actor {
            Actor::Agent(agent) => agent.name = None,
            Actor::Group(group) => {
                group.name = None;
                group.members.iter_mut().for_each(|m| m.name = None);
                if group.ifi.is_some() {
                    group.members.clear();
                }
            }
        }
    }

    fn verb(&mut self, verb: &mut Verb) {
        verb.display = None;
    }

    /// Communication 2.1.3 `ids`: an Activity is its `id` alone.
    fn activity(&mut self, activity: &mut Activity) {
        activity.object_type = None;
        activity.definition = None;
    }
}

struct Canonical<'a> {
    languages: &'a [String],
    canonical: &'a dyn Fn(&Iri) -> Option<ActivityDefinition>,
}

impl VisitMut for Canonical<'_> {
    fn verb(&mut self, verb: &mut Verb) {
        if let Some(display) = verb.display.as_mut() {
            filter_map(display, self.languages);
        }
    }

    fn activity(&mut self, activity: &mut Activity) {
        if let Some(def) = (self.canonical)(&activity.id) {
            activity.definition = Some(Box::new(def));
        }
        let Some(def) = activity.definition.as_deref_mut() else {
            return;
        };
        for map in [def.name.as_mut(), def.description.as_mut()]
            .into_iter()
            .flatten()
        {
            filter_map(map, self.languages);
        }
        let lists = [
            &mut def.choices,
            &mut def.scale,
            &mut def.source,
            &mut def.target,
            &mut def.steps,
        ];
        for component in lists.into_iter().flatten().flatten() {
            if let Some(d) = component.description.as_mut() {
                filter_map(d, self.languages);
            }
        }
    }
}

/// Keeps only the best entry of a language map (xAPI-Communication 2.1.3 `canonical`).
fn filter_map(map: &mut LanguageMap, languages: &[String]) {
    if let Some((tag, text)) = map.best(languages).map(|(t, x)| (t.clone(), x.clone())) {
        map.0.clear();
        map.0.insert(tag, text);
    }
}
