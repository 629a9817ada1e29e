//! The sequencing engine's view of a parsed SCORM 2004 course.

use larch_sequencing::definition::{ActivityDefinition, TreeDefinition};

use crate::{Activity, ActivityDetails, Course, CourseDetails, Standard};

/// The activity tree with every activity's sequencing definition, for the sequencing engine
/// (SN book 1.2): the default organization is the root. `None` for anything but SCORM 2004.
pub fn sequencing_tree(course: &Course) -> Option<TreeDefinition> {
    if course.standard != Standard::Scorm2004 {
        return None;
    }
    let CourseDetails::Scorm(details) = &course.details else {
        return None;
    };
    Some(TreeDefinition {
        root: definition(&course.root),
        objectives_global_to_system: details.objectives_global_to_system,
        shared_data_global_to_system: details.shared_data_global_to_system,
    })
}

fn definition(activity: &Activity) -> ActivityDefinition {
    let mut out = ActivityDefinition::new(activity.id.clone(), activity.title.clone());
    out.is_visible = activity.visible;
    if let ActivityDetails::Scorm(details) = &activity.details {
        if let Some(sequencing) = &details.sequencing {
            out.sequencing = sequencing.clone();
        }
        if let Some(threshold) = details.completion_threshold {
            out.completion_threshold = threshold;
        }
    }
    out.children = activity.children.iter().map(definition).collect();
    out
}
