//! Verbs and Activities (xAPI-Data 2.4.3, 2.4.4.1), including interaction activities.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Path, Valid};
use crate::json::{Obj, array};
use crate::primitives::{Extensions, Iri, LanguageMap};

/// The action of a statement (xAPI-Data 2.4.3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verb {
    /// The verb IRI.
    pub id: Iri,
    /// Human-readable names, by language (not part of the immutable statement).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<LanguageMap>,
}

/// An Activity (xAPI-Data 2.4.4.1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    /// `"Activity"` when the statement gave it (kept so `exact` returns what was received).
    #[serde(rename = "objectType", skip_serializing_if = "Option::is_none")]
    pub object_type: Option<ActivityTag>,
    /// The activity IRI.
    pub id: Iri,
    /// Metadata, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<Box<ActivityDefinition>>,
}

/// Serializes as `"Activity"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ActivityTag {
    /// `"Activity"`.
    #[default]
    Activity,
}

/// Activity metadata (xAPI-Data 2.4.4.1 "Activity Definition" and "Interaction Activities").
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivityDefinition {
    /// Human-readable name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LanguageMap>,
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
    /// Activity type IRI.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub activity_type: Option<Iri>,
    /// Where to learn more (an IRL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more_info: Option<Iri>,
    /// The interaction type of an interaction activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction_type: Option<InteractionType>,
    /// Correct response patterns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct_responses_pattern: Option<Vec<String>>,
    /// `choice`/`sequencing` components.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<InteractionComponent>>,
    /// `likert` components.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<Vec<InteractionComponent>>,
    /// `matching` sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Vec<InteractionComponent>>,
    /// `matching` targets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Vec<InteractionComponent>>,
    /// `performance` steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<InteractionComponent>>,
    /// Extensions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Extensions>,
}

/// xAPI-Data 2.4.4.1 "Interaction Types" (case-sensitive values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InteractionType {
    /// `true-false`.
    TrueFalse,
    /// `choice`.
    Choice,
    /// `fill-in`.
    FillIn,
    /// `long-fill-in`.
    LongFillIn,
    /// `matching`.
    Matching,
    /// `performance`.
    Performance,
    /// `sequencing`.
    Sequencing,
    /// `likert`.
    Likert,
    /// `numeric`.
    Numeric,
    /// `other`.
    Other,
}

impl InteractionType {
    fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "true-false" => Self::TrueFalse,
            "choice" => Self::Choice,
            "fill-in" => Self::FillIn,
            "long-fill-in" => Self::LongFillIn,
            "matching" => Self::Matching,
            "performance" => Self::Performance,
            "sequencing" => Self::Sequencing,
            "likert" => Self::Likert,
            "numeric" => Self::Numeric,
            "other" => Self::Other,
            _ => return None,
        })
    }

    /// xAPI-Data 2.4.4.1 "Interaction Components": which component lists the type uses.
    fn allows_component(self, list: &str) -> bool {
        matches!(
            (self, list),
            (Self::Choice | Self::Sequencing, "choices")
                | (Self::Likert, "scale")
                | (Self::Matching, "source" | "target")
                | (Self::Performance, "steps")
        )
    }
}

/// An interaction component (xAPI-Data 2.4.4.1 "Interaction Components").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionComponent {
    /// Identifies the component within its list.
    pub id: String,
    /// Human-readable description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LanguageMap>,
}

/// xAPI-Data 2.4.3: `{id: IRI, display?: language map}`.
pub(crate) fn parse_verb(value: &Value, path: &Path<'_>) -> Valid<Verb> {
    let obj = Obj::new(value, path)?;
    obj.allow(&["id", "display"])?;
    let id = Iri::parse(obj.req_str("id")?).ok_or_else(|| path.key("id").err("must be an IRI"))?;
    let display = obj
        .get("display")
        .map(|d| LanguageMap::parse(d, &path.key("display")))
        .transpose()?;
    Ok(Verb { id, display })
}

/// xAPI-Data 2.4.4.1: `{objectType?: "Activity", id: IRI, definition?}`.
pub(crate) fn parse_activity(value: &Value, path: &Path<'_>) -> Valid<Activity> {
    let obj = Obj::new(value, path)?;
    obj.allow(&["objectType", "id", "definition"])?;
    if let Some(kind) = obj.object_type()?
        && kind != "Activity"
    {
        return Err(path.key("objectType").err("must be \"Activity\""));
    }
    let id = Iri::parse(obj.req_str("id")?).ok_or_else(|| path.key("id").err("must be an IRI"))?;
    let definition = obj
        .get("definition")
        .map(|d| parse_definition(d, &path.key("definition")).map(Box::new))
        .transpose()?;
    Ok(Activity {
        object_type: obj.object_type()?.map(|_| ActivityTag::Activity),
        id,
        definition,
    })
}

const COMPONENT_LISTS: [&str; 5] = ["choices", "scale", "source", "target", "steps"];

const DEFINITION_KEYS: [&str; 12] = [
    "name",
    "description",
    "type",
    "moreInfo",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
    "extensions",
];

pub(crate) fn parse_definition(value: &Value, path: &Path<'_>) -> Valid<ActivityDefinition> {
    let obj = Obj::new(value, path)?;
    obj.allow(&DEFINITION_KEYS)?;
    let lang = |key: &'static str| {
        obj.get(key)
            .map(|v| LanguageMap::parse(v, &path.key(key)))
            .transpose()
    };
    let iri = |key: &'static str, what: &'static str| {
        obj.str(key)?
            .map(|raw| Iri::parse(raw).ok_or_else(|| path.key(key).err(what)))
            .transpose()
    };
    let interaction_type = obj
        .str("interactionType")?
        .map(|raw| {
            InteractionType::parse(raw).ok_or_else(|| {
                path.key("interactionType")
                    .err("is not an xAPI interaction type")
            })
        })
        .transpose()?;
    let mut def = ActivityDefinition {
        name: lang("name")?,
        description: lang("description")?,
        activity_type: iri("type", "must be an IRI")?,
        more_info: iri("moreInfo", "must be an IRL")?,
        interaction_type,
        correct_responses_pattern: parse_patterns(&obj, path)?,
        extensions: obj
            .get("extensions")
            .map(|e| Extensions::parse(e, &path.key("extensions")))
            .transpose()?,
        ..ActivityDefinition::default()
    };
    parse_component_lists(&obj, path, &mut def)?;
    if interaction_type.is_none() && def.correct_responses_pattern.is_some() {
        return Err(path
            .key("interactionType")
            .err("is required with correctResponsesPattern"));
    }
    Ok(def)
}

/// `choices`, `scale`, `source`, `target`, `steps`: only for the interaction types that use
/// them (Data 2.4.4.1 "Interaction Components").
fn parse_component_lists(
    obj: &Obj<'_, '_>,
    path: &Path<'_>,
    def: &mut ActivityDefinition,
) -> Valid<()> {
    for list in COMPONENT_LISTS {
        let Some(value) = obj.get(list) else { continue };
        let list_path = path.key(list);
        match def.interaction_type {
            Some(kind) if kind.allows_component(list) => {}
            _ => return Err(list_path.err("is not used by this interactionType")),
        }
        *component_slot(def, list) = Some(parse_components(value, &list_path)?);
    }
    Ok(())
}

fn component_slot<'d>(
    def: &'d mut ActivityDefinition,
    list: &str,
) -> &'d mut Option<Vec<InteractionComponent>> {
    match list {
        "choices" => &mut def.choices,
        "scale" => &mut def.scale,
        "source" => &mut def.source,
        "target" => &mut def.target,
        _ => &mut def.steps,
    }
}

fn parse_patterns(obj: &Obj<'_, '_>, path: &Path<'_>) -> Valid<Option<Vec<String>>> {
    let Some(value) = obj.get("correctResponsesPattern") else {
        return Ok(None);
    };
    let list_path = path.key("correctResponsesPattern");
    let items = array(value, &list_path)?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| list_path.index(i).err("must be a string"))
        })
        .collect::<Valid<Vec<_>>>()
        .map(Some)
}

/// xAPI-Data 2.4.4.1: components are `{id, description?}` with distinct ids.
fn parse_components(value: &Value, path: &Path<'_>) -> Valid<Vec<InteractionComponent>> {
    let items = array(value, path)?;
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let obj = Obj::new(item, &item_path)?;
        obj.allow(&["id", "description"])?;
        let id = obj.req_str("id")?;
        if !seen.insert(id) {
            return Err(item_path
                .key("id")
                .err("interaction component ids must be distinct"));
        }
        let description = obj
            .get("description")
            .map(|d| LanguageMap::parse(d, &item_path.key("description")))
            .transpose()?;
        out.push(InteractionComponent {
            id: id.to_owned(),
            description,
        });
    }
    Ok(out)
}
