//! Building the course tree from the AICC tables: AUs from `.au`, titles from `.des`, the
//! block hierarchy from `.cst`, prerequisites from `.pre`, objectives from `.ort`.
//!
//! System ids are compared ignoring case (CMI001 6.1: identifiers are case-insensitive).

use std::collections::{HashMap, HashSet};

use super::Files;
use super::csv::Row;
use super::model::{AiccActivity, AiccCourse};
use super::relations::Relations;
use super::table::Table;
use crate::source::FileIndex;
use crate::{
    Activity, ActivityDetails, Course, CourseDetails, Diagnostic, Launch, PackageError, Standard,
    Warnings, codes, launch,
};

/// Everything known about one system id.
#[derive(Debug, Default)]
pub(super) struct Element {
    id: String,
    au: Option<(AiccActivity, Launch)>,
    members: Vec<String>,
    title: Option<String>,
    description: Option<String>,
}

struct Builder<'w> {
    elements: HashMap<String, Element>,
    placed: HashSet<String>,
    warnings: &'w mut Warnings,
    cst_file: String,
}

/// Builds the course from the parsed files.
pub(crate) fn build(
    index: &FileIndex,
    files: &Files,
    warnings: &mut Warnings,
) -> Result<Course, PackageError> {
    let (elements, order) = assignable_units(index, files, warnings)?;
    let cst = files.cst.as_ref();
    let mut builder = Builder {
        elements,
        placed: HashSet::new(),
        warnings,
        cst_file: cst.map(|(f, _)| f.clone()).unwrap_or_default(),
    };
    builder.add_blocks(cst.map(|(_, t)| t));
    builder.add_descriptions(files.des.as_ref().map(|(_, t)| t));
    let top = builder.top_level(cst.map(|(_, t)| t));
    let mut children: Vec<Activity> = top.iter().filter_map(|k| builder.node(k)).collect();
    children.extend(builder.unplaced(&order, cst.is_some()));
    let mut relations = Relations::default();
    relations.read(files, &builder.elements, builder.warnings);
    relations.apply(&mut children);
    Ok(course(files, children, builder.warnings))
}

/// The AUs of the `.au` file by key, and their keys in file order. Rejects the course when
/// an AU cannot be launched, when there is none, or when no launch file exists.
fn assignable_units(
    index: &FileIndex,
    files: &Files,
    warnings: &mut Warnings,
) -> Result<(HashMap<String, Element>, Vec<String>), PackageError> {
    let (au_file, au_table) = &files.au;
    let (mut elements, mut order, mut errors) = (HashMap::new(), Vec::new(), Vec::new());
    for row in &au_table.rows {
        match assignable_unit(index, au_table, row, au_file, warnings) {
            Ok(Some(element)) => {
                order.push(key(&element.id));
                elements.insert(key(&element.id), element);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    let playable = elements.values().any(|e| {
        e.au.as_ref()
            .is_some_and(|(_, l)| l.absolute || index.contains(path_of(&l.url)))
    });
    let reject = |code, message: &str| {
        Err(PackageError::rejected(
            Diagnostic::new(code, message).in_file(au_file.as_str()),
        ))
    };
    if !errors.is_empty() {
        return Err(PackageError::Rejected {
            errors,
            warnings: Vec::new(),
        });
    } else if elements.is_empty() {
        return reject(codes::AICC_NO_AUS, "The .au file lists no assignable unit.");
    } else if !playable {
        return reject(
            codes::NO_LAUNCHABLE_CONTENT,
            "No assignable unit's launch file is in the package, so nothing can be played.",
        );
    }
    Ok((elements, order))
}

/// The file part of a package-relative launch URL.
fn path_of(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

pub(super) fn key(id: &str) -> String {
    id.trim().to_ascii_uppercase()
}

/// One `.au` row: the AU and its launch. Rows without a system id are skipped.
fn assignable_unit(
    index: &FileIndex,
    table: &Table,
    row: &Row,
    file: &str,
    warnings: &mut Warnings,
) -> Result<Option<Element>, Diagnostic> {
    let Some(id) = table.get(row, "system_id") else {
        warnings.push(
            Diagnostic::new(
                codes::AICC_INVALID_VALUE,
                "An .au row has no System_ID and was skipped.",
            )
            .in_file(file)
            .at_line(row.line),
        );
        return Ok(None);
    };
    let number = |column: &str, warnings: &mut Warnings| {
        let value = table.get(row, column)?;
        let parsed = value.parse::<f64>().ok().filter(|v| v.is_finite());
        if parsed.is_none() {
            warnings.push(
                Diagnostic::new(
                    codes::AICC_INVALID_VALUE,
                    format!("{column} \"{value}\" of AU {id} is not a number and was ignored."),
                )
                .in_file(file)
                .at_line(row.line),
            );
        }
        parsed
    };
    let details = AiccActivity {
        system_id: id.to_owned(),
        is_au: true,
        au_type: table.get(row, "type").map(str::to_owned),
        command_line: table.get(row, "command_line").map(str::to_owned),
        core_vendor: table.get(row, "core_vendor").map(str::to_owned),
        mastery_score: number("mastery_score", warnings),
        max_score: number("max_score", warnings),
        max_time_allowed: table.get(row, "max_time_allowed").map(str::to_owned),
        time_limit_action: table.get(row, "time_limit_action").map(str::to_owned),
        web_launch: table.get(row, "web_launch").map(str::to_owned),
        ..AiccActivity::default()
    };
    let launch = au_launch(index, table, row, id, file, warnings)?;
    Ok(Some(Element {
        id: id.to_owned(),
        au: Some((details, launch)),
        ..Element::default()
    }))
}

/// CMI001 6.3: `File_Name` is what is launched (for web AUs, a URL or a path in the package);
/// `Web_Launch` holds parameters for its query string. Some tools put the file in
/// `Command_Line` instead.
fn au_launch(
    index: &FileIndex,
    table: &Table,
    row: &Row,
    id: &str,
    file: &str,
    warnings: &mut Warnings,
) -> Result<Launch, Diagnostic> {
    let target = table
        .get(row, "file_name")
        .or_else(|| table.get(row, "command_line"));
    let Some(target) = target else {
        return Err(Diagnostic::new(
            codes::AICC_NO_LAUNCH,
            format!("The AU {id} has neither a File_Name nor a Command_Line to launch."),
        )
        .in_file(file)
        .at_line(row.line));
    };
    let (mut launch, _) = launch::resolve_or_warn(index, target, file, warnings);
    if let Some(parameters) = table.get(row, "web_launch") {
        let separator = if launch.url.contains('?') { '&' } else { '?' };
        launch.url = format!(
            "{}{separator}{}",
            launch.url,
            parameters.trim_start_matches(['?', '&'])
        );
    }
    Ok(launch)
}

impl Builder<'_> {
    fn add_blocks(&mut self, cst: Option<&Table>) {
        let Some(cst) = cst else { return };
        for row in &cst.rows {
            let Some(block) = cst.get(row, "block") else {
                continue;
            };
            let element = self.elements.entry(key(block)).or_insert_with(|| Element {
                id: block.to_owned(),
                ..Element::default()
            });
            element.members.extend(cst.members(row).map(str::to_owned));
        }
    }

    fn add_descriptions(&mut self, des: Option<&Table>) {
        let Some(des) = des else { return };
        for row in &des.rows {
            let Some(element) = des
                .get(row, "system_id")
                .and_then(|id| self.elements.get_mut(&key(id)))
            else {
                continue;
            };
            element.title = des.get(row, "title").map(str::to_owned);
            element.description = des.get(row, "description").map(str::to_owned);
            if let (Some((au, _)), Some(developer)) =
                (element.au.as_mut(), des.get(row, "developer_id"))
            {
                au.developer_id = Some(developer.to_owned());
            }
        }
    }

    /// The members of the `root` block; without one, every block no other block contains.
    fn top_level(&self, cst: Option<&Table>) -> Vec<String> {
        if let Some(root) = self.elements.get("ROOT") {
            return root.members.iter().map(|m| key(m)).collect();
        }
        let contained: HashSet<String> = self
            .elements
            .values()
            .flat_map(|e| e.members.iter().map(|m| key(m)))
            .collect();
        let Some(cst) = cst else { return Vec::new() };
        let mut top = Vec::new();
        for row in &cst.rows {
            if let Some(block) = cst.get(row, "block").map(key)
                && !contained.contains(&block)
                && !top.contains(&block)
            {
                top.push(block);
            }
        }
        top
    }

    /// The AUs no block contains, in `.au` order (warned about when there is a `.cst`).
    fn unplaced(&mut self, order: &[String], has_cst: bool) -> Vec<Activity> {
        let unplaced: Vec<&String> = order.iter().filter(|k| !self.placed.contains(*k)).collect();
        let mut activities = Vec::new();
        for k in unplaced {
            if has_cst {
                let id = &self.elements[k].id;
                let message = format!(
                    "The AU {id} is not placed in the course structure (.cst); it was added at the end."
                );
                let warning = Diagnostic::new(codes::AICC_AU_NOT_IN_STRUCTURE, message);
                self.warnings.push(warning.in_file(&self.cst_file));
            }
            activities.extend(self.node(k));
        }
        activities
    }

    /// The activity for `k` and its members, each placed once.
    fn node(&mut self, k: &str) -> Option<Activity> {
        let Some(element) = self.elements.get(k) else {
            self.warnings.push(
                Diagnostic::new(
                    codes::AICC_UNKNOWN_ELEMENT,
                    format!("The course structure names {k}, which is neither an AU nor a block."),
                )
                .in_file(&self.cst_file),
            );
            return None;
        };
        if !self.placed.insert(k.to_owned()) {
            self.warnings.push(
                Diagnostic::new(codes::AICC_DUPLICATE_MEMBER, format!("{} is placed in the course structure more than once; only its first place was kept.", element.id))
                    .in_file(&self.cst_file),
            );
            return None;
        }
        let members: Vec<String> = element.members.iter().map(|m| key(m)).collect();
        let element = &self.elements[k];
        let (details, launch) = match &element.au {
            Some((au, launch)) => (au.clone(), Some(launch.clone())),
            None => (
                AiccActivity {
                    system_id: element.id.clone(),
                    ..AiccActivity::default()
                },
                None,
            ),
        };
        let mut activity = Activity {
            id: element.id.clone(),
            title: element.title.clone().unwrap_or_else(|| element.id.clone()),
            description: element.description.clone(),
            visible: true,
            launch,
            details: ActivityDetails::Aicc(details),
            children: Vec::new(),
        };
        activity.children = members.iter().filter_map(|m| self.node(m)).collect();
        Some(activity)
    }
}

fn course(files: &Files, children: Vec<Activity>, warnings: &mut Warnings) -> Course {
    let crs = files.crs.as_ref().map(|(_, ini)| ini);
    let get = |key: &str| {
        crs.and_then(|ini| ini.get("Course", key))
            .map(str::to_owned)
    };
    let identifier = get("Course_ID");
    let title = get("Course_Title").unwrap_or_else(|| {
        let fallback = identifier
            .clone()
            .unwrap_or_else(|| "AICC course".to_owned());
        warnings.push(Diagnostic::new(
            codes::TITLE_MISSING,
            format!("The course has no Course_Title; \"{fallback}\" is used."),
        ));
        fallback
    });
    let description = crs.and_then(|ini| ini.body("Course_Description"));
    let root = Activity {
        id: identifier.clone().unwrap_or_else(|| "ROOT".to_owned()),
        title: title.clone(),
        description: description.clone(),
        visible: true,
        launch: None,
        details: ActivityDetails::Aicc(AiccActivity {
            system_id: "ROOT".to_owned(),
            ..AiccActivity::default()
        }),
        children,
    };
    let details = AiccCourse {
        creator: get("Course_Creator"),
        system: get("Course_System"),
        version: get("Version"),
        level: get("Level"),
    };
    Course {
        standard: Standard::Aicc,
        edition: None,
        identifier,
        title,
        description,
        root,
        details: CourseDetails::Aicc(details),
        warnings: Vec::new(),
    }
}
