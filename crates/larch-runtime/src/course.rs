//! The run-time view of a course version: what the runtime needs from the parsed package
//! (`larch_package::Course`), built once per course version and shared by its registrations.

use larch_cmi::{LaunchData, RuntimeConfig, ScormVersion, SharedDataAccess};
use larch_package::scorm::model::{ScormActivity, ScormType};
use larch_package::scorm::sequencing_tree;
use larch_package::{Activity, ActivityDetails, Course, Standard};
use larch_sequencing::definition::TreeDefinition;

use crate::prereq::Prerequisite;

/// The standard a course runs under. AICC uses the SCORM 1.2 data model, which the HACP
/// `aicc_data` format maps onto (CMI001 2.x ↔ SCORM 1.2 RTE 3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuntimeStandard {
    /// SCORM 1.2: SCOs with the simple navigation model.
    Scorm12,
    /// SCORM 2004 (any edition): the sequencing engine decides what is delivered.
    Scorm2004,
    /// AICC HACP: AUs with the simple navigation model.
    Aicc,
}

/// The course cannot be run by this runtime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CourseError {
    /// cmi5, xAPI and media courses have their own runtimes.
    #[error("a {0} course has no SCORM/AICC run-time")]
    Unsupported(&'static str),
    /// Nothing in the course can be launched.
    #[error("the course has no launchable activity")]
    NothingToLaunch,
    /// A SCORM 2004 course without its sequencing tree.
    #[error("the SCORM 2004 course has no sequencing tree")]
    NoSequencingTree,
}

/// One activity of the course as the progress report lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityInfo {
    /// Identifier (item identifier, AU system id).
    pub id: String,
    /// Title.
    pub title: String,
    /// Depth below the root (the course is 0).
    pub depth: u32,
    /// Shown in the table of contents (SCORM `isvisible`, CAM 3.4.1.x; true elsewhere).
    pub visible: bool,
    /// Index into [`RuntimeCourse::launchables`] when it delivers content.
    pub launchable: Option<usize>,
}

/// A launchable activity (SCO, asset, AU) and what the LMS supplies when it launches it.
#[derive(Debug, Clone, PartialEq)]
pub struct Launchable {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Launch URL inside the package (parameters applied) or absolute.
    pub url: String,
    /// An asset never calls the API (CAM 3.4.1.9 `scormType="asset"`): the runtime records it
    /// completed when it is delivered (SN 4.2: an asset's tracking is the LMS's).
    pub is_asset: bool,
    /// The LMS-supplied launch values from the manifest (learner and objectives are added at
    /// delivery).
    pub launch: LaunchData,
    /// Objective ids declared for the activity, primary first (SCORM 2004, RTE 4.2.17).
    pub objective_ids: Vec<String>,
    /// `adl.data` stores mapped to it (4th Ed CAM 3.4.1.x `adlcp:data`).
    pub shared_data: Vec<SharedDataAccess>,
    /// SCORM 1.2 `adlcp:prerequisites` / AICC `.pre`, parsed.
    pub prerequisites: Option<Prerequisite>,
    /// `hideLMSUI` tokens (2004 `adlnav:presentation`).
    pub hide_lms_ui: Vec<String>,
}

/// Everything the runtime needs from a course version.
#[derive(Debug, Clone)]
pub struct RuntimeCourse {
    /// The standard.
    pub standard: RuntimeStandard,
    /// The data model content talks to.
    pub version: ScormVersion,
    /// The sequencing definition (SCORM 2004 only).
    pub tree: Option<TreeDefinition>,
    /// Every activity in tree order, the course root first.
    pub activities: Vec<ActivityInfo>,
    /// The launchable activities in tree order.
    pub launchables: Vec<Launchable>,
    /// Data-model validation settings. By default, forgiving (`RuntimeConfig::default`).
    pub config: RuntimeConfig,
}

impl RuntimeCourse {
    /// Builds the run-time view of `course`.
    pub fn from_course(course: &Course) -> Result<Self, CourseError> {
        let (standard, version) = match course.standard {
            Standard::Scorm12 => (RuntimeStandard::Scorm12, ScormVersion::Scorm12),
            Standard::Aicc => (RuntimeStandard::Aicc, ScormVersion::Scorm12),
            Standard::Scorm2004 => (RuntimeStandard::Scorm2004, version_2004(course)),
            other => return Err(CourseError::Unsupported(other.as_str())),
        };
        let tree = sequencing_tree(course);
        if standard == RuntimeStandard::Scorm2004 && tree.is_none() {
            return Err(CourseError::NoSequencingTree);
        }
        let mut built = Self {
            standard,
            version,
            tree,
            activities: Vec::new(),
            launchables: Vec::new(),
            config: RuntimeConfig::default(),
        };
        built.walk(&course.root, 0);
        if built.launchables.is_empty() {
            return Err(CourseError::NothingToLaunch);
        }
        Ok(built)
    }

    fn walk(&mut self, activity: &Activity, depth: u32) {
        let launchable = activity.launch.as_ref().map(|launch| {
            self.launchables.push(launchable(activity, &launch.url));
            self.launchables.len() - 1
        });
        self.activities.push(ActivityInfo {
            id: activity.id.clone(),
            title: activity.title.clone(),
            depth,
            visible: activity.visible,
            launchable,
        });
        for child in &activity.children {
            self.walk(child, depth + 1);
        }
    }

    /// The launchable with `id`.
    pub fn launchable(&self, id: &str) -> Option<&Launchable> {
        self.launchables.iter().find(|l| l.id == id)
    }

    /// Whether the course uses the sequencing engine (SCORM 2004).
    pub fn is_sequenced(&self) -> bool {
        self.standard == RuntimeStandard::Scorm2004
    }
}

fn version_2004(course: &Course) -> ScormVersion {
    use larch_cmi::Edition as E;
    use larch_package::Edition as P;
    ScormVersion::Scorm2004(match course.edition {
        Some(P::Second) => E::Second,
        Some(P::Third) => E::Third,
        Some(P::Fourth) | None => E::Fourth,
    })
}

fn launchable(activity: &Activity, url: &str) -> Launchable {
    let mut out = Launchable {
        id: activity.id.clone(),
        title: activity.title.clone(),
        url: url.to_owned(),
        is_asset: false,
        launch: LaunchData::default(),
        objective_ids: Vec::new(),
        shared_data: Vec::new(),
        prerequisites: None,
        hide_lms_ui: Vec::new(),
    };
    match &activity.details {
        ActivityDetails::Scorm(details) => scorm_launch(&mut out, details),
        ActivityDetails::Aicc(details) => {
            let l = &mut out.launch;
            l.mastery_score = details.mastery_score;
            l.max_time_allowed = details.max_time_allowed.clone();
            l.time_limit_action = details.time_limit_action.clone();
            l.launch_data = details.core_vendor.clone();
            out.prerequisites = details
                .prerequisites
                .as_deref()
                .and_then(Prerequisite::parse);
        }
        _ => {}
    }
    out
}

/// CAM 3.4.1.x (`adlcp:*` item extensions) and SN 3.x (objectives, limit conditions): the
/// values the LMS initializes the data model with (RTE 4.2 "initialized by the LMS").
fn scorm_launch(out: &mut Launchable, details: &ScormActivity) {
    out.is_asset = details.scorm_type == Some(ScormType::Asset);
    out.hide_lms_ui = details.hide_lms_ui.clone();
    out.prerequisites = details
        .prerequisites
        .as_deref()
        .and_then(Prerequisite::parse);
    let l = &mut out.launch;
    l.launch_data = details.data_from_lms.clone();
    l.mastery_score = details.mastery_score;
    l.max_time_allowed = details.max_time_allowed.clone();
    l.time_limit_action = details.time_limit_action.clone();
    l.completion_threshold = details
        .completion_threshold
        .filter(|t| t.completed_by_measure)
        .map(|t| t.min_progress_measure);
    out.shared_data = details
        .shared_data
        .iter()
        .map(|m| SharedDataAccess {
            id: m.target_id.clone(),
            readable: m.read,
            writable: m.write,
        })
        .collect();
    let Some(sequencing) = &details.sequencing else {
        return;
    };
    let objectives = &sequencing.objectives;
    // RTE 4.2.22: a primary objective satisfied by measure supplies the scaled passing score.
    if let Some(primary) = objectives
        .primary
        .as_ref()
        .filter(|p| p.satisfied_by_measure)
    {
        l.scaled_passing_score = Some(primary.min_normalized_measure);
    }
    if l.max_time_allowed.is_none() {
        l.max_time_allowed = sequencing
            .limit_conditions
            .attempt_absolute_duration_limit_secs
            .map(|secs| format!("PT{secs}S"));
    }
    out.objective_ids = objectives
        .primary
        .iter()
        .chain(&objectives.secondary)
        .filter_map(|o| o.id.clone())
        .collect();
}
