//! A CTS package read with the ingestion crate: `larch_package::scorm::parse` for the
//! course, `scorm::sequencing_tree` for the engine, plus what the harness needs beside the
//! sequencing definition (`act=N` launch parameters, `hideLMSUI`, the launched resource).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use larch_package::scorm::model::ScormActivity;
use larch_package::{Activity, ActivityDetails, CourseDetails, MemorySource, Warnings, scorm};

use larch_sequencing::definition::TreeDefinition;

/// What the harness needs from a CTS package.
pub struct CtsCourse {
    /// The activity tree for the engine.
    pub tree: TreeDefinition,
    /// Item identifier → its `act=N` launch parameter (`1`, `2a`, …).
    pub acts: HashMap<String, String>,
    /// Item identifier → `hideLMSUI` tokens.
    pub hidden_ui: HashMap<String, Vec<String>>,
    /// Items whose content calls `Terminate` only when unloaded
    /// (`SequencingTestSingleDoTerminate.htm`): the learner's navigation ends them.
    pub terminate_on_unload: HashSet<String>,
}

/// Reads `LMSTestPackage_<package>.zip` with the ingestion crate.
pub fn load(dir: &Path, package: &str) -> Result<CtsCourse, String> {
    let path = dir.join(format!("LMSTestPackage_{package}.zip"));
    if !path.exists() {
        return Err(format!("no package {package}"));
    }
    let entries = larch_cts::read_zip(&path).map_err(|e| e.to_string())?;
    let mut source = MemorySource::new(entries);
    let mut warnings = Warnings::default();
    let course =
        scorm::parse(&mut source, "imsmanifest.xml", &mut warnings).map_err(|e| e.to_string())?;
    let tree = scorm::sequencing_tree(&course).ok_or("not a SCORM 2004 course")?;
    let hrefs: HashMap<String, String> = match &course.details {
        CourseDetails::Scorm(details) => details
            .resources
            .iter()
            .filter_map(|r| Some((r.id.clone(), r.href.clone()?)))
            .collect(),
        _ => HashMap::new(),
    };
    let mut out = CtsCourse {
        tree,
        acts: HashMap::new(),
        hidden_ui: HashMap::new(),
        terminate_on_unload: HashSet::new(),
    };
    collect(&course.root, &hrefs, &mut out);
    Ok(out)
}

fn collect(activity: &Activity, hrefs: &HashMap<String, String>, out: &mut CtsCourse) {
    if let ActivityDetails::Scorm(details) = &activity.details {
        record(&activity.id, details, hrefs, out);
    }
    for child in &activity.children {
        collect(child, hrefs, out);
    }
}

fn record(id: &str, details: &ScormActivity, hrefs: &HashMap<String, String>, out: &mut CtsCourse) {
    let act = details
        .parameters
        .as_deref()
        .and_then(|p| p.split(['?', '&']).find_map(|p| p.strip_prefix("act=")));
    if let Some(act) = act {
        out.acts.insert(id.to_owned(), act.to_owned());
    }
    out.hidden_ui
        .insert(id.to_owned(), details.hide_lms_ui.clone());
    let href = details.resource_id.as_ref().and_then(|r| hrefs.get(r));
    if href.is_some_and(|h| h.contains("SingleDoTerminate")) {
        out.terminate_on_unload.insert(id.to_owned());
    }
}
