//! xAPI / Tin Can packages: `tincan.xml` (the Tin Can packaging convention used by Rustici's
//! prototypes and by authoring tools' "Tin Can API" export).
//!
//! The file lists activities; those with a `<launch>` are what a learner opens. Activities
//! without one (objectives, interactions that authoring tools list) describe statements the
//! content will send and are not part of the course tree.

pub mod model;

#[cfg(test)]
mod tests;

use crate::text::{self, element_text};
use crate::{
    Activity, ActivityDetails, Course, CourseDetails, Diagnostic, PackageError, PackageSource,
    Standard, Warnings, codes, launch,
};
use model::XapiActivity;

/// Parses `tincan.xml` at `path` into a course of its launchable activities.
pub fn parse(
    source: &mut dyn PackageSource,
    path: &str,
    warnings: &mut Warnings,
) -> Result<Course, PackageError> {
    let bytes = source.read_descriptor(path)?;
    let text = text::decode(&bytes, path, warnings);
    let doc = text::parse_xml(&text, path)?;
    let root = doc.root_element();
    if root.tag_name().name() != "tincan" {
        return Err(PackageError::rejected(
            Diagnostic::new(
                codes::XAPI_NOT_TINCAN,
                "The tincan.xml file does not start with a <tincan> element.",
            )
            .in_file(path),
        ));
    }
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let activities = root
        .descendants()
        .filter(|n| n.has_tag_name_local("activity"));
    for (position, node) in activities.enumerate() {
        match activity(source, node, position, path, warnings) {
            Ok(Some(item)) => items.push(item),
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(PackageError::Rejected {
            errors,
            warnings: Vec::new(),
        });
    }
    if items.is_empty() {
        return Err(PackageError::rejected(
            Diagnostic::new(
                codes::XAPI_NO_LAUNCHABLE_ACTIVITY,
                "No activity in tincan.xml has a <launch> URL, so there is nothing to open.",
            )
            .in_file(path),
        ));
    }
    if !items.iter().any(|(_, present)| *present) {
        return Err(PackageError::rejected(
            Diagnostic::new(codes::NO_LAUNCHABLE_CONTENT, "No launch URL in tincan.xml points to a file of the package, so nothing can be played.")
                .in_file(path),
        ));
    }
    let items = items.into_iter().map(|(item, _)| item).collect();
    Ok(course(items))
}

trait LocalName {
    fn has_tag_name_local(&self, name: &str) -> bool;
}

impl LocalName for roxmltree::Node<'_, '_> {
    fn has_tag_name_local(&self, name: &str) -> bool {
        self.is_element() && self.tag_name().name() == name
    }
}

/// One `<activity>`; `None` when it has no launch URL.
fn activity(
    source: &mut dyn PackageSource,
    node: roxmltree::Node<'_, '_>,
    position: usize,
    path: &str,
    warnings: &mut Warnings,
) -> Result<Option<(Activity, bool)>, Diagnostic> {
    let child = |name: &str| {
        node.children()
            .find(|c| c.has_tag_name_local(name))
            .and_then(element_text)
    };
    let Some(url) = child("launch") else {
        return Ok(None);
    };
    let element = format!("tincan/activities/activity[{}]", position + 1);
    let id = node.attribute("id").unwrap_or_default().trim().to_owned();
    if !crate::cmi5::iri::is_absolute_iri(&id) {
        warnings.push(
            Diagnostic::new(codes::XAPI_INVALID_ACTIVITY_ID, format!("The activity id \"{id}\" is not an absolute IRI; LRSs may refuse its statements."))
                .in_file(path)
                .at_element(&element),
        );
    }
    let (launch, present) = launch::resolve_or_warn(source.files(), &url, path, warnings);
    let title = child("name").unwrap_or_else(|| {
        warnings.push(
            Diagnostic::new(
                codes::TITLE_MISSING,
                "The activity has no <name>; its launch URL is used as the title.",
            )
            .in_file(path)
            .at_element(&element),
        );
        url.clone()
    });
    let activity = Activity {
        id: if id.is_empty() {
            format!("activity-{}", position + 1)
        } else {
            id.clone()
        },
        title,
        description: child("description"),
        visible: true,
        launch: Some(launch),
        details: ActivityDetails::Xapi(XapiActivity {
            activity_id: id,
            activity_type: node.attribute("type").map(str::to_owned),
        }),
        children: Vec::new(),
    };
    Ok(Some((activity, present)))
}

/// One launchable activity is the course; several become the items of a course titled
/// after the first.
fn course(mut items: Vec<Activity>) -> Course {
    let first = items[0].clone();
    let root = if items.len() == 1 {
        items.remove(0)
    } else {
        Activity {
            id: format!("{}#course", first.id),
            launch: None,
            children: items,
            ..first.clone()
        }
    };
    let identifier = match &first.details {
        ActivityDetails::Xapi(x) if !x.activity_id.is_empty() => Some(x.activity_id.clone()),
        _ => None,
    };
    Course {
        standard: Standard::Xapi,
        edition: None,
        identifier,
        title: first.title,
        description: first.description,
        root,
        details: CourseDetails::Xapi,
        warnings: Vec::new(),
    }
}
