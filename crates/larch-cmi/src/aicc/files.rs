//! The HACP data files an AU posts with `PutInteractions`, `PutObjectives` and `PutComments`
//! (AICC CMI001 v4 6.4.4–6.4.6 and appendix A: comma-separated values, a header row naming
//! the columns, quoted fields with `""` escapes), turned into SCORM 1.2 changes appended after
//! the records the AU already has.

use crate::Change;

/// One parsed file: lower-cased column names and the rows.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(text: &str) -> Self {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty()).map(fields);
        let header = lines
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        Self {
            header,
            rows: lines.collect(),
        }
    }

    fn get<'a>(&self, row: &'a [String], column: &str) -> Option<&'a str> {
        let at = self.header.iter().position(|h| h == column)?;
        row.get(at).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

/// The fields of one CSV line.
fn fields(line: &str) -> Vec<String> {
    let (mut out, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

fn change(element: String, value: &str) -> Change {
    Change {
        element,
        value: value.to_owned(),
    }
}

/// CMI001 A.6 interaction type letters → SCORM 1.2 `cmi.interactions.n.type`.
fn interaction_type(code: &str) -> &str {
    match code.to_ascii_lowercase().chars().next() {
        Some('t') => "true-false",
        Some('c') => "choice",
        Some('f') => "fill-in",
        Some('m') => "matching",
        Some('p') => "performance",
        Some('s') => "sequencing",
        Some('l') => "likert",
        Some('n') => "numeric",
        _ => code,
    }
}

/// CMI001 result letters → SCORM 1.2 `cmi.interactions.n.result` (numbers pass through).
fn result_word(code: &str) -> &str {
    match code.to_ascii_lowercase().as_str() {
        "c" | "correct" => "correct",
        "w" | "wrong" => "wrong",
        "u" | "unanticipated" => "unanticipated",
        "n" | "neutral" => "neutral",
        _ => code,
    }
}

/// `PutInteractions`: one `cmi.interactions.n` record per row, numbered from `existing`.
pub fn put_interactions_changes(text: &str, existing: usize) -> Vec<Change> {
    let table = Table::parse(text);
    let mut out = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let Some(id) = table.get(row, "interaction_id") else {
            continue;
        };
        let base = format!("cmi.interactions.{}", existing + i);
        out.push(change(format!("{base}.id"), id));
        if let Some(objective) = table.get(row, "objective_id") {
            out.push(change(format!("{base}.objectives.0.id"), objective));
        }
        let columns = [
            ("time", ".time"),
            ("type_interaction", ".type"),
            ("correct_response", ".correct_responses.0.pattern"),
            ("student_response", ".student_response"),
            ("result", ".result"),
            ("weighting", ".weighting"),
            ("latency", ".latency"),
        ];
        for (column, suffix) in columns {
            let Some(value) = table.get(row, column) else {
                continue;
            };
            let value = match column {
                "type_interaction" => interaction_type(value),
                "result" => result_word(value),
                _ => value,
            };
            out.push(change(format!("{base}{suffix}"), value));
        }
    }
    out
}

/// `PutObjectives`: one `cmi.objectives.n` record per row (`j_id`, `j_score`, `j_status`),
/// numbered from `existing`.
pub fn put_objectives_changes(text: &str, existing: usize) -> Vec<Change> {
    let table = Table::parse(text);
    let mut out = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let Some(id) = table.get(row, "j_id") else {
            continue;
        };
        let base = format!("cmi.objectives.{}", existing + i);
        out.push(change(format!("{base}.id"), id));
        if let Some(score) = table.get(row, "j_score") {
            for (part, name) in score.split(',').zip(["raw", "max", "min"]) {
                if !part.trim().is_empty() {
                    out.push(change(format!("{base}.score.{name}"), part.trim()));
                }
            }
        }
        if let Some(status) = table.get(row, "j_status").and_then(super::map::status_word) {
            out.push(change(format!("{base}.status"), status));
        }
    }
    out
}

/// `PutComments`: the `comment` column of every row, appended to `cmi.comments` (RTE 1.2:
/// comments accumulate).
pub fn put_comments_changes(text: &str) -> Vec<Change> {
    let table = Table::parse(text);
    table
        .rows
        .iter()
        .filter_map(|row| table.get(row, "comment"))
        .map(|c| change("cmi.comments".to_owned(), c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(changes: &[Change]) -> Vec<(&str, &str)> {
        changes
            .iter()
            .map(|c| (c.element.as_str(), c.value.as_str()))
            .collect()
    }

    #[test]
    fn interactions_rows_become_records_after_the_existing_ones() {
        let text = "\"course_id\",\"student_id\",\"lesson_id\",\"date\",\"time\",\"interaction_id\",\"objective_id\",\"type_interaction\",\"correct_response\",\"student_response\",\"result\",\"weighting\",\"latency\"\r\n\
                    \"C1\",\"S1\",\"L1\",\"2026/11/28\",\"10:00:00\",\"Q1\",\"OBJ1\",\"C\",\"a\",\"b\",\"W\",\"1\",\"00:00:05\"\r\n";
        let changes = put_interactions_changes(text, 2);
        assert_eq!(
            pairs(&changes),
            [
                ("cmi.interactions.2.id", "Q1"),
                ("cmi.interactions.2.objectives.0.id", "OBJ1"),
                ("cmi.interactions.2.time", "10:00:00"),
                ("cmi.interactions.2.type", "choice"),
                ("cmi.interactions.2.correct_responses.0.pattern", "a"),
                ("cmi.interactions.2.student_response", "b"),
                ("cmi.interactions.2.result", "wrong"),
                ("cmi.interactions.2.weighting", "1"),
                ("cmi.interactions.2.latency", "00:00:05"),
            ]
        );
    }

    #[test]
    fn objectives_and_comments_are_read_by_their_header_names() {
        let text =
            "course_id,student_id,lesson_id,J_ID,J_Score,J_Status\nC,S,L,obj-1,\"80,100,0\",P\n";
        assert_eq!(
            pairs(&put_objectives_changes(text, 0)),
            [
                ("cmi.objectives.0.id", "obj-1"),
                ("cmi.objectives.0.score.raw", "80"),
                ("cmi.objectives.0.score.max", "100"),
                ("cmi.objectives.0.score.min", "0"),
                ("cmi.objectives.0.status", "passed"),
            ]
        );
        let comments = "\"course_id\",\"comment\"\n\"C\",\"Nice, \"\"really\"\"\"\n";
        assert_eq!(
            pairs(&put_comments_changes(comments)),
            [("cmi.comments", "Nice, \"really\"")]
        );
    }
}
