//! What the replay needs from a CTS package manifest: per item (keyed by the
//! `act=` launch parameter) its identifier and the launch data an LMS derives
//! from the manifest (CAM 4th Ed 4.x: adlcp:dataFromLMS, timeLimitAction,
//! completionThreshold, imsss objectives and limit conditions, adlcp:data).

use larch_cmi::{LaunchData, ObjectiveInit, SharedDataAccess};
use roxmltree::{Document, Node};

#[derive(Debug, Clone)]
pub struct Item {
    pub act: String,
    pub launch: LaunchData,
    pub shared: Vec<SharedDataAccess>,
    /// Scope of this package's shared data stores: "" when global to the system.
    pub shared_scope: String,
    /// Objectives whose status the sequencing engine supplies: those mapped
    /// to global objectives (imsss/adlseq mapInfo) and the primary objective
    /// (rolled up from the activity).
    pub sequenced_objectives: Vec<String>,
    /// The package this item belongs to.
    pub package: String,
    /// Objective maps to global objectives.
    pub maps: Vec<super::objectives::Map>,
}

fn child<'a>(n: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    n.children().find(|c| c.tag_name().name() == name)
}

fn children<'a>(n: Node<'a, 'a>, name: &'a str) -> impl Iterator<Item = Node<'a, 'a>> {
    n.children().filter(move |c| c.tag_name().name() == name)
}

/// An attribute by local name, whatever its namespace prefix.
fn attr<'a>(n: Node<'a, 'a>, name: &str) -> Option<&'a str> {
    n.attributes().find(|a| a.name() == name).map(|a| a.value())
}

fn bool_attr(n: Node<'_, '_>, name: &str, default: bool) -> bool {
    attr(n, name).map_or(default, |v| v.trim() == "true")
}

/// Objective ids are xs:anyURI: surrounding white space is collapsed and
/// `%20` escapes decode (OB-12a declares `" ob%20j%201 "`).
fn unescape_id(id: &str) -> String {
    id.replace("%20", " ")
}

/// `adlcp:sharedDataGlobalToSystem` on the organization (CAM 4th Ed; default true).
pub fn shared_data_global(xml: &str) -> bool {
    let doc = Document::parse(xml).expect("manifest parses");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "organization")
        .all(|o| bool_attr(o, "sharedDataGlobalToSystem", true))
}

/// Parses all items that have an `act=` parameter.
pub fn items(xml: &str) -> Vec<Item> {
    let doc = Document::parse(xml).expect("manifest parses");
    let collection: Vec<Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "sequencingCollection")
        .flat_map(|c| children(c, "sequencing").collect::<Vec<_>>())
        .collect();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "item")
        .filter_map(|item| {
            let params = item.attribute("parameters")?;
            let act = params.split("act=").nth(1)?.split('&').next()?.to_owned();
            Some(parse_item(item, act, &collection))
        })
        .collect()
}

fn sequencing_nodes<'a>(item: Node<'a, 'a>, collection: &[Node<'a, 'a>]) -> Vec<Node<'a, 'a>> {
    let mut out = Vec::new();
    if let Some(seq) = child(item, "sequencing") {
        out.push(seq);
        if let Some(idref) = seq.attribute("IDRef") {
            out.extend(
                collection
                    .iter()
                    .copied()
                    .filter(|c| c.attribute("ID") == Some(idref)),
            );
        }
    }
    out
}

/// 4th Ed `adlseq:objectives/adlseq:objective[@objectiveID]/adlseq:mapInfo`.
fn adlseq_mapped(seq: Node<'_, '_>, id: &str) -> bool {
    seq.descendants()
        .filter(|n| {
            n.tag_name().name() == "objective"
                && n.tag_name()
                    .namespace()
                    .is_some_and(|ns| ns.contains("adlseq"))
        })
        .any(|n| {
            n.attribute("objectiveID").map(str::trim) == Some(id) && child(n, "mapInfo").is_some()
        })
}

fn parse_item<'a>(item: Node<'a, 'a>, act: String, collection: &[Node<'a, 'a>]) -> Item {
    let text = |name: &str| {
        child(item, name)
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
    };
    let mut launch = LaunchData {
        learner_id: super::LEARNER_ID.into(),
        learner_name: super::LEARNER_NAME.into(),
        launch_data: child(item, "dataFromLMS").map(|n| n.text().unwrap_or_default().to_owned()),
        time_limit_action: text("timeLimitAction"),
        ..LaunchData::default()
    };
    if let Some(ct) = child(item, "completionThreshold") {
        launch.completion_threshold = if let Some(t) = ct.text().filter(|t| !t.trim().is_empty()) {
            t.trim().parse().ok()
        } else if bool_attr(ct, "completedByMeasure", false) {
            Some(
                ct.attribute("minProgressMeasure")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1.0),
            )
        } else {
            None
        };
    }
    let mut sequenced_objectives = Vec::new();
    let mut maps = Vec::new();
    for seq in sequencing_nodes(item, collection) {
        maps.extend(super::objectives::maps(seq));
        if let Some(objs) = child(seq, "objectives") {
            for o in objs.children().filter(|c| c.is_element()) {
                let primary = o.tag_name().name() == "primaryObjective";
                let id = o.attribute("objectiveID").map(|i| unescape_id(i.trim()));
                if let Some(id) = id
                    .filter(|id| primary || child(o, "mapInfo").is_some() || adlseq_mapped(seq, id))
                {
                    sequenced_objectives.push(id);
                }
                if primary
                    && bool_attr(o, "satisfiedByMeasure", false)
                    && launch.scaled_passing_score.is_none()
                {
                    let m = child(o, "minNormalizedMeasure")
                        .and_then(|n| n.text())
                        .and_then(|t| t.trim().parse().ok());
                    launch.scaled_passing_score = Some(m.unwrap_or(1.0));
                }
                let id = o.attribute("objectiveID").map(|i| unescape_id(i.trim()));
                if let Some(id) = id.filter(|id| !launch.objectives.iter().any(|x| x.id == *id)) {
                    launch.objectives.push(ObjectiveInit {
                        id,
                        ..Default::default()
                    });
                }
            }
        }
        if let Some(limit) =
            child(seq, "limitConditions").and_then(|l| l.attribute("attemptAbsoluteDurationLimit"))
        {
            launch
                .max_time_allowed
                .get_or_insert_with(|| limit.to_owned());
        }
    }
    let shared = child(item, "data")
        .map(|d| {
            children(d, "map")
                .map(|m| SharedDataAccess {
                    id: m
                        .attribute("targetID")
                        .unwrap_or_default()
                        .trim()
                        .to_owned(),
                    readable: bool_attr(m, "readSharedData", true),
                    writable: bool_attr(m, "writeSharedData", true),
                })
                .collect()
        })
        .unwrap_or_default();
    Item {
        act,
        launch,
        shared,
        shared_scope: String::new(),
        sequenced_objectives,
        package: String::new(),
        maps,
    }
}
