//! The readable summary of `larch inspect`.

use std::fmt::Write as _;

use larch_package::scorm::model::ScormActivity;
use larch_package::{Activity, ActivityDetails, Diagnostic, Ingested, PackageError};

/// The summary for an inspection outcome.
pub fn summary(outcome: &Result<Ingested, PackageError>) -> String {
    let mut out = String::new();
    match outcome {
        Ok(ingested) => accepted(&mut out, ingested),
        Err(PackageError::Rejected { errors, warnings }) => {
            out.push_str("REJECTED: this package cannot be imported.\n\nErrors:\n");
            diagnostics(&mut out, errors);
            if !warnings.is_empty() {
                out.push_str("\nWarnings found before the rejection:\n");
                diagnostics(&mut out, warnings);
            }
        }
        Err(PackageError::Io(e)) => {
            let _ = writeln!(out, "I/O error: {e}");
        }
    }
    out
}

fn accepted(out: &mut String, ingested: &Ingested) {
    let course = &ingested.course;
    let edition = course
        .edition
        .map(|e| format!(" {} Edition", e.as_str()))
        .unwrap_or_default();
    let bytes: u64 = ingested.files.iter().map(|f| f.size).sum();
    let _ = writeln!(out, "Title:      {}", course.title);
    let _ = writeln!(out, "Standard:   {}{edition}", course.standard.as_str());
    let _ = writeln!(out, "Launchable: {}", course.launchable_count());
    let _ = writeln!(out, "Files:      {} ({bytes} bytes)", ingested.files.len());
    out.push_str("\nActivities:\n");
    tree(out, &course.root, 1);
    if course.warnings.is_empty() {
        out.push_str("\nNo warnings.\n");
    } else {
        let _ = writeln!(out, "\nWarnings ({}):", course.warnings.len());
        diagnostics(out, &course.warnings);
    }
}

fn tree(out: &mut String, node: &Activity, depth: usize) {
    let indent = "  ".repeat(depth);
    let hidden = if node.visible { "" } else { " (hidden)" };
    let _ = write!(out, "{indent}- {} [{}]{hidden}", node.title, node.id);
    if let Some(launch) = &node.launch {
        let _ = write!(out, " -> {}", launch.url);
    }
    out.push('\n');
    match &node.details {
        ActivityDetails::Scorm(details) => sequencing(out, details, &indent),
        ActivityDetails::Cmi5(au) if au.is_au => {
            let mastery = au
                .mastery_score
                .map(|m| format!(" masteryScore={m}"))
                .unwrap_or_default();
            let move_on = au.move_on.as_deref().unwrap_or("NotApplicable");
            let method = au.launch_method.as_deref().unwrap_or("AnyWindow");
            let _ = writeln!(
                out,
                "{indent}    moveOn={move_on}{mastery} launchMethod={method}"
            );
        }
        ActivityDetails::Aicc(au) if au.prerequisites.is_some() || !au.objectives.is_empty() => {
            let prerequisites = au.prerequisites.as_deref().unwrap_or("none");
            let objectives = au.objectives.join(", ");
            let _ = writeln!(
                out,
                "{indent}    prerequisites: {prerequisites}; objectives: {objectives}"
            );
        }
        _ => {}
    }
    for child in &node.children {
        tree(out, child, depth + 1);
    }
}

/// One line per SCORM 2004 activity: the controls that shape navigation.
fn sequencing(out: &mut String, details: &ScormActivity, indent: &str) {
    let Some(seq) = &details.sequencing else {
        return;
    };
    let mode = &seq.control_mode;
    let mut parts = vec![format!(
        "choice={} flow={} forwardOnly={} choiceExit={}",
        mode.choice, mode.flow, mode.forward_only, mode.choice_exit
    )];
    let rules = &seq.rules;
    let counts = [
        ("pre", rules.pre_condition.len()),
        ("exit", rules.exit_condition.len()),
        ("post", rules.post_condition.len()),
    ];
    let rule_text: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if !rule_text.is_empty() {
        parts.push(format!("rules: {}", rule_text.join(", ")));
    }
    if let Some(limit) = seq.limit_conditions.attempt_limit {
        parts.push(format!("attemptLimit={limit}"));
    }
    if !seq.rollup.rules.is_empty() {
        parts.push(format!("{} rollup rule(s)", seq.rollup.rules.len()));
    }
    let objectives = usize::from(seq.objectives.primary.is_some()) + seq.objectives.secondary.len();
    if objectives > 0 {
        parts.push(format!("{objectives} objective(s)"));
    }
    let _ = writeln!(out, "{indent}    sequencing: {}", parts.join("; "));
}

fn diagnostics(out: &mut String, list: &[Diagnostic]) {
    for d in list {
        let location = [
            d.location.file.clone(),
            d.location.line.map(|l| format!("line {l}")),
            d.location.element.clone(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let at = if location.is_empty() {
            String::new()
        } else {
            format!(" ({location})")
        };
        let _ = writeln!(out, "  [{}] {}{at}", d.code, d.message);
    }
}
