//! Prerequisites (`.pre`, CMI001 6.7) and objective relationships (`.ort`, CMI001 6.6),
//! attached to the AUs and blocks they name.

use std::collections::HashMap;

use super::Files;
use super::structure::{Element, key};
use crate::{Activity, ActivityDetails, Diagnostic, Warnings, codes};

/// Prerequisites (`.pre`) and objective relations (`.ort`) by element key.
#[derive(Debug, Default)]
pub(super) struct Relations {
    prerequisites: HashMap<String, Vec<String>>,
    objectives: HashMap<String, Vec<String>>,
}

impl Relations {
    pub(super) fn read(
        &mut self,
        files: &Files,
        elements: &HashMap<String, Element>,
        warnings: &mut Warnings,
    ) {
        let tables = [(&files.pre, "prerequisite"), (&files.ort, "member")];
        for (i, (file, column)) in tables.into_iter().enumerate() {
            let Some((path, table)) = file else { continue };
            for row in &table.rows {
                let Some(element) = table.get(row, "element").map(key) else {
                    continue;
                };
                if element != "ROOT" && !elements.contains_key(&element) {
                    warnings.push(
                        Diagnostic::new(
                            codes::AICC_UNKNOWN_ELEMENT,
                            format!("The row names {element}, which is neither an AU nor a block."),
                        )
                        .in_file(path)
                        .at_line(row.line),
                    );
                    continue;
                }
                let values: Vec<String> = if i == 0 {
                    table
                        .get(row, column)
                        .map(str::to_owned)
                        .into_iter()
                        .collect()
                } else {
                    table.members(row).map(str::to_owned).collect()
                };
                let target = if i == 0 {
                    &mut self.prerequisites
                } else {
                    &mut self.objectives
                };
                target.entry(element).or_default().extend(values);
            }
        }
    }

    pub(super) fn apply(&self, activities: &mut [Activity]) {
        for activity in activities {
            if let ActivityDetails::Aicc(details) = &mut activity.details {
                let k = key(&details.system_id);
                if let Some(prerequisites) = self.prerequisites.get(&k) {
                    // Several rows for one element all apply: CMI001 expressions joined by AND.
                    details.prerequisites = Some(prerequisites.join("&"));
                }
                details.objectives = self.objectives.get(&k).cloned().unwrap_or_default();
            }
            self.apply(&mut activity.children);
        }
    }
}
