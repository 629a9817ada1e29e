//! AICC tables: CSV rows whose first row names the columns. Tools disagree on column order
//! (and on letter case), so columns are found by name; a file without a header row is read in
//! the CMI001 order, with a warning.

use std::collections::HashMap;

use super::csv::{self, Row};
use crate::{Diagnostic, Warnings, codes};

/// A table with its columns identified.
#[derive(Debug)]
pub(crate) struct Table {
    /// Canonical column name → index.
    columns: HashMap<&'static str, usize>,
    /// Indexes of every column with the canonical name `member` (`.cst`, `.ort`).
    members: Vec<usize>,
    /// The data rows.
    pub rows: Vec<Row>,
}

/// How one kind of file names its columns: canonical name → accepted spellings, and the
/// CMI001 order used when the header is missing.
pub(crate) struct Layout {
    pub columns: &'static [(&'static str, &'static [&'static str])],
    pub default_order: &'static [&'static str],
}

impl Table {
    /// Reads `text` as a table of `layout`. `file` is for warnings.
    pub fn read(text: &str, layout: &Layout, file: &str, warnings: &mut Warnings) -> Self {
        let mut rows = csv::rows(text);
        let header = rows
            .first()
            .map(|r| identify(&r.fields, layout))
            .unwrap_or_default();
        let known = header.iter().filter(|c| c.is_some()).count();
        let (columns, members) = if known == 0 {
            // A first row of words without digits is a header nobody agreed on; system ids
            // (`A1`, `B12`) always have digits.
            let unrecognised_header = rows.first().is_some_and(|r| {
                r.fields
                    .iter()
                    .all(|f| !f.is_empty() && !f.chars().any(|c| c.is_ascii_digit()))
            });
            if unrecognised_header {
                rows.remove(0);
            }
            warnings.push(
                Diagnostic::new(codes::AICC_MISSING_HEADER, "The file has no header row naming its columns in CMI001 terms; the standard column order was assumed.")
                    .in_file(file),
            );
            let order: Vec<Option<&'static str>> =
                layout.default_order.iter().map(|c| Some(*c)).collect();
            index(&order)
        } else {
            let header_row = rows.remove(0);
            warn_unknown(&header_row, &header, file, warnings);
            index(&header)
        };
        Self {
            columns,
            members,
            rows,
        }
    }

    /// The trimmed, non-empty value of `column` in `row`.
    pub fn get<'r>(&self, row: &'r Row, column: &str) -> Option<&'r str> {
        let value = row.fields.get(*self.columns.get(column)?)?.trim();
        (!value.is_empty()).then_some(value)
    }

    /// The non-empty values of every `member` column of `row`.
    pub fn members<'r>(&self, row: &'r Row) -> impl Iterator<Item = &'r str> + use<'r, '_> {
        self.members
            .iter()
            .filter_map(|i| row.fields.get(*i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }
}

/// Maps each header cell to its canonical column, if known.
fn identify(header: &[String], layout: &Layout) -> Vec<Option<&'static str>> {
    header
        .iter()
        .map(|cell| {
            let cell = cell.trim().to_ascii_lowercase().replace([' ', '-'], "_");
            layout
                .columns
                .iter()
                .find(|(_, spellings)| spellings.contains(&cell.as_str()))
                .map(|(canonical, _)| *canonical)
        })
        .collect()
}

fn index(header: &[Option<&'static str>]) -> (HashMap<&'static str, usize>, Vec<usize>) {
    let mut columns = HashMap::new();
    let mut members = Vec::new();
    for (i, column) in header.iter().enumerate() {
        match column {
            Some("member") => members.push(i),
            Some(name) => {
                columns.entry(*name).or_insert(i);
            }
            None => {}
        }
    }
    (columns, members)
}

fn warn_unknown(
    header: &Row,
    identified: &[Option<&'static str>],
    file: &str,
    warnings: &mut Warnings,
) {
    let unknown: Vec<&str> = header
        .fields
        .iter()
        .zip(identified)
        .filter(|(cell, id)| id.is_none() && !cell.trim().is_empty())
        .map(|(cell, _)| cell.as_str())
        .collect();
    if !unknown.is_empty() {
        warnings.push(
            Diagnostic::new(
                codes::AICC_UNKNOWN_COLUMN,
                format!(
                    "These columns are not part of CMI001 and were ignored: {}.",
                    unknown.join(", ")
                ),
            )
            .in_file(file)
            .at_line(header.line),
        );
    }
}

/// `.au` (CMI001 6.3): assignable units.
pub(crate) const AU: Layout = Layout {
    columns: &[
        ("system_id", &["system_id"]),
        ("type", &["type"]),
        ("command_line", &["command_line"]),
        ("max_time_allowed", &["max_time_allowed"]),
        ("time_limit_action", &["time_limit_action"]),
        ("file_name", &["file_name"]),
        ("max_score", &["max_score"]),
        ("mastery_score", &["mastery_score"]),
        ("system_vendor", &["system_vendor"]),
        ("core_vendor", &["core_vendor"]),
        ("web_launch", &["web_launch"]),
        ("au_password", &["au_password"]),
    ],
    default_order: &[
        "system_id",
        "type",
        "command_line",
        "max_time_allowed",
        "time_limit_action",
        "file_name",
        "max_score",
        "mastery_score",
        "system_vendor",
        "core_vendor",
        "web_launch",
        "au_password",
    ],
};

/// `.des` (CMI001 6.4): titles and descriptions of AUs and blocks.
pub(crate) const DES: Layout = Layout {
    columns: &[
        ("system_id", &["system_id"]),
        ("developer_id", &["developer_id"]),
        ("title", &["title"]),
        ("description", &["description"]),
    ],
    default_order: &["system_id", "developer_id", "title", "description"],
};

/// `.cst` (CMI001 6.5): which AUs and blocks each block contains.
pub(crate) const CST: Layout = Layout {
    columns: &[("block", &["block"]), ("member", &["member"])],
    default_order: &[
        "block", "member", "member", "member", "member", "member", "member", "member",
    ],
};

/// `.ort` (CMI001 6.6): objectives related to course elements. Some tools write one row per
/// objective and AU (`objective_id`, `au_system_id`) instead of the CMI001 layout.
pub(crate) const ORT: Layout = Layout {
    columns: &[
        (
            "element",
            &[
                "course_element",
                "au_system_id",
                "system_id",
                "structure_element",
            ],
        ),
        ("member", &["member", "objective_id"]),
    ],
    default_order: &[
        "element", "member", "member", "member", "member", "member", "member", "member",
    ],
};

/// `.pre` (CMI001 6.7): prerequisite expressions of course elements.
pub(crate) const PRE: Layout = Layout {
    columns: &[
        (
            "element",
            &["structure_element", "course_element", "system_id"],
        ),
        ("prerequisite", &["prerequisite", "prerequisites"]),
    ],
    default_order: &["element", "prerequisite"],
};
