//! A CTS package read as the server reads any upload: the zip's entries through
//! `larch_package::parse_package`, then the runtime's view of the course.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use larch_package::{ActivityDetails, Course, MemorySource, parse_package};
use larch_runtime::RuntimeCourse;

/// What the harness needs from a test package.
pub struct CtsCourse {
    pub runtime: RuntimeCourse,
    /// Item identifier → its `act=N` launch parameter.
    pub acts: HashMap<String, String>,
    /// Items whose content calls `Terminate` only when unloaded
    /// (`SequencingTestSingleDoTerminate.htm`): the learner's navigation ends them.
    pub terminate_on_unload: HashSet<String>,
    /// Title → identifier, in tree order (the first item with a title wins).
    titles: Vec<(String, String)>,
    /// The root (organization) identifier.
    pub root: String,
}

impl CtsCourse {
    pub fn load(dir: &Path, id: &str) -> Result<Self, String> {
        let path = dir.join(format!("LMSTestPackage_{id}.zip"));
        if !path.exists() {
            return Err("no single package for this test case".into());
        }
        let entries = larch_cts::read_zip(&path).map_err(|e| e.to_string())?;
        let mut source = MemorySource::new(entries);
        let course = parse_package(&mut source).map_err(|e| format!("{e:?}"))?;
        Self::from_course(&course)
    }

    fn from_course(course: &Course) -> Result<Self, String> {
        let runtime = RuntimeCourse::from_course(course).map_err(|e| e.to_string())?;
        let mut acts = HashMap::new();
        let mut terminate_on_unload = HashSet::new();
        let mut titles = Vec::new();
        for activity in course.root.walk() {
            titles.push((activity.title.clone(), activity.id.clone()));
            let ActivityDetails::Scorm(details) = &activity.details else {
                continue;
            };
            if let Some(act) = details.parameters.as_deref().and_then(act_number) {
                acts.insert(activity.id.clone(), act);
            }
            if activity
                .launch
                .as_ref()
                .is_some_and(|l| l.url.contains("SingleDoTerminate"))
            {
                terminate_on_unload.insert(activity.id.clone());
            }
        }
        Ok(Self {
            runtime,
            acts,
            terminate_on_unload,
            titles,
            root: course.root.id.clone(),
        })
    }

    /// The identifier of the activity titled `title` (the CTS names activities by title).
    pub fn id_of_title(&self, title: &str) -> Option<String> {
        if title.contains("corresponds to the root") {
            return Some(self.root.clone());
        }
        self.titles
            .iter()
            .find(|(t, _)| t == title)
            .map(|(_, id)| id.clone())
    }
}

fn act_number(parameters: &str) -> Option<String> {
    parameters
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("act="))
        .map(str::to_owned)
}
