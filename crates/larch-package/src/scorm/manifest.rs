//! The entry point: `imsmanifest.xml` to a [`Course`].

use roxmltree::Node;

use super::codes;
use super::decode::{Fixes, decode, parse_xml};
use super::edition;
use super::items::Builder;
use super::metadata;
use super::model::{OrganizationSummary, ScormCourse};
use super::resources::{self, Resources};
use super::scopes::{self, Scope};
use super::values::set_bool;
use super::xml::{Ctx, Ns, attr, child, child_text, elements, is};
use crate::{
    Activity, ActivityDetails, Course, CourseDetails, Diagnostic, PackageError, PackageSource,
    Warnings,
};

/// Parses the SCORM 1.2 or 2004 manifest at `manifest_path` (hrefs are relative to its
/// folder) into a course.
///
/// Everything that was fixed or doubtful is pushed to `warnings` (the caller moves them into
/// [`Course::warnings`], which is left empty here, together with its own). A package is
/// rejected only when it cannot be played: the manifest is not XML (`manifest_not_xml`),
/// declares a DTD (`manifest_dtd_refused`), nests absurdly deep (`manifest_too_deep`), is
/// not a `<manifest>` (`manifest_root_invalid`), or no item can be launched
/// (`no_launchable_content`). The rejection's own `warnings` are empty: those gathered so far
/// are in `warnings`. A descriptor the source refuses to read (too large, I/O) comes back as
/// the source's error.
pub fn parse(
    source: &mut dyn PackageSource,
    manifest_path: &str,
    warnings: &mut Warnings,
) -> Result<Course, PackageError> {
    let bytes = source.read_descriptor(manifest_path)?;
    let mut fixes = Fixes::default();
    let mut text = decode(&bytes, manifest_path, &mut fixes)?;
    let doc = parse_xml(&mut text, manifest_path, &mut fixes)?;
    let mut ctx = Ctx {
        file: manifest_path.to_owned(),
        warnings,
        source,
        unknown: Vec::new(),
    };
    report_fixes(&mut ctx, &fixes);
    let root = doc.root_element();
    if root.tag_name().name() != "manifest" {
        let name = root.tag_name().name();
        let message = format!(
            "The root element of the manifest is <{name}>, not <manifest>, so this is not a SCORM package."
        );
        let error = ctx.diag(codes::MANIFEST_ROOT_INVALID, message, root);
        return Err(PackageError::rejected(error));
    }
    // Hrefs are relative to the manifest's folder (CAM 3.4.1.12: the package root).
    let root_dir = manifest_path
        .rfind('/')
        .map_or("", |slash| &manifest_path[..=slash]);
    read_manifest(&mut ctx, root, root_dir)
}

/// The course of a well-formed `<manifest>`.
fn read_manifest(
    ctx: &mut Ctx<'_>,
    root: Node<'_, '_>,
    root_dir: &str,
) -> Result<Course, PackageError> {
    let (standard, edition, schema_version) = edition::detect(ctx, root);
    check_structure(ctx, root);
    let scopes = scopes::collect(ctx, root, root_dir);
    let mut resources = Resources::default();
    for scope in &scopes {
        resources::read(ctx, scope.node, &scope.bases, &mut resources);
    }
    resources::check_dependencies(ctx, root, &resources);
    let lom = metadata::of(ctx, root, &scopes[0].base_refs());
    let identifier = attr(root, "identifier")
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_owned);
    let org = default_organization(ctx, &scopes[0]);
    let mut builder = Builder::new(standard, &resources, &scopes);
    let tree = match org {
        Some(org) => builder.organization(ctx, org, 0),
        None => {
            let fallback = lom.title.clone().or_else(|| identifier.clone());
            flat_course(ctx, &mut builder, root, fallback)
        }
    };
    ctx.flush_unknown();
    check_playable(ctx, &tree, &resources)?;
    let title = org
        .and_then(|o| child_text(o, Ns::Imscp, "title"))
        .or(lom.title)
        .unwrap_or_else(|| tree.title.clone());
    let details = course_details(ctx, &scopes[0], org, schema_version, &resources, &tree);
    Ok(Course {
        standard,
        edition,
        identifier,
        title,
        description: lom.description.or_else(|| tree.description.clone()),
        root: tree,
        details: CourseDetails::Scorm(details),
        warnings: Vec::new(),
    })
}

/// The course of a manifest without organizations, built from its resources.
fn flat_course<'a, 'i>(
    ctx: &mut Ctx<'_>,
    builder: &mut Builder<'_, 'a, 'i>,
    root: Node<'a, 'i>,
    title: Option<String>,
) -> Activity {
    ctx.warn(
        codes::ORGANIZATION_MISSING,
        "The manifest has no organization, so the course was built from its resources.".to_owned(),
        child(root, Ns::Imscp, "organizations").unwrap_or(root),
    );
    let title = title.unwrap_or_else(|| "Untitled course".to_owned());
    builder.flat_from_resources(ctx, root, title)
}

fn report_fixes(ctx: &mut Ctx<'_>, fixes: &Fixes) {
    let file = ctx.file.clone();
    if fixes.bom {
        ctx.warnings.push(
            Diagnostic::new(
                codes::BOM_REMOVED,
                "The manifest starts with a byte-order mark, which was skipped.",
            )
            .in_file(file.clone()),
        );
    }
    if let Some(encoding) = fixes.converted_from {
        ctx.warnings.push(
            Diagnostic::new(
                codes::MANIFEST_ENCODING_CONVERTED,
                format!("The manifest is encoded in {encoding}, not UTF-8; it was converted."),
            )
            .in_file(file.clone()),
        );
    }
    if fixes.escaped_ampersands > 0 {
        let count = fixes.escaped_ampersands;
        ctx.warnings.push(
            Diagnostic::new(
                codes::AMPERSAND_ESCAPED,
                format!("The manifest has {count} unescaped \"&\" (write \"&amp;\" in XML); they were read as plain \"&\"."),
            )
            .in_file(file.clone()),
        );
    }
    for prefix in &fixes.declared_prefixes {
        ctx.warnings.push(
            Diagnostic::new(
                codes::NAMESPACE_UNDECLARED,
                format!("The manifest uses the prefix \"{prefix}:\" without declaring it; its usual SCORM namespace was assumed."),
            )
            .in_file(file.clone()),
        );
    }
}

/// Reports unexpected elements directly under `<manifest>` and `<organizations>`.
fn check_structure(ctx: &mut Ctx<'_>, root: Node<'_, '_>) {
    for element in root.descendants().filter(|n| is(*n, Ns::Imscp, "manifest")) {
        for child in elements(element) {
            let known = ["metadata", "organizations", "resources", "manifest"]
                .iter()
                .any(|name| is(child, Ns::Imscp, name))
                || is(child, Ns::Imsss, "sequencingCollection");
            if !known {
                ctx.unknown(child);
            }
        }
        for orgs in elements(element).filter(|e| is(*e, Ns::Imscp, "organizations")) {
            for child in elements(orgs).filter(|c| !is(*c, Ns::Imscp, "organization")) {
                ctx.unknown(child);
            }
        }
    }
}

/// The organization `<organizations default>` names (IMS CP: the first one when the
/// attribute is absent); the first one, with a warning, when it names none.
fn default_organization<'a, 'i>(ctx: &mut Ctx<'_>, scope: &Scope<'a, 'i>) -> Option<Node<'a, 'i>> {
    let first = scope.organizations().into_iter().next()?;
    let organizations = child(scope.node, Ns::Imscp, "organizations")?;
    let Some(wanted) = attr(organizations, "default")
        .map(str::trim)
        .filter(|d| !d.is_empty())
    else {
        return Some(first);
    };
    if let Some(named) = scope.named_default() {
        return Some(named);
    }
    let used = attr(first, "identifier").unwrap_or("the first one");
    ctx.warn(
        codes::DEFAULT_ORGANIZATION_MISSING,
        format!("The default organization \"{wanted}\" does not exist, so the first organization (\"{used}\") was used."),
        organizations,
    );
    Some(first)
}

/// Rejects the package when no activity can be launched.
fn check_playable(
    ctx: &Ctx<'_>,
    root: &Activity,
    resources: &Resources,
) -> Result<(), PackageError> {
    let launchable: Vec<&Activity> = root.walk().filter(|a| a.launch.is_some()).collect();
    let present = |a: &&Activity| match &a.details {
        ActivityDetails::Scorm(d) => d
            .resource_id
            .as_ref()
            .and_then(|r| resources.by_id.get(r))
            .and_then(|r| r.target.as_ref())
            .is_some_and(|t| t.present),
        _ => false,
    };
    if launchable.iter().any(present) {
        return Ok(());
    }
    let message = match launchable.first().and_then(|a| a.launch.as_ref()) {
        None => "No item of the course points to content that can be launched.".to_owned(),
        Some(launch) => {
            let path = launch.url.split(['?', '#']).next().unwrap_or_default();
            format!(
                "None of the launch files the manifest names is in the package (for example \"{path}\")."
            )
        }
    };
    let error = Diagnostic::new(codes::NO_LAUNCHABLE_CONTENT, message).in_file(ctx.file.clone());
    Err(PackageError::rejected(error))
}

fn course_details(
    ctx: &mut Ctx<'_>,
    scope: &Scope<'_, '_>,
    org: Option<Node<'_, '_>>,
    schema_version: Option<String>,
    resources: &Resources,
    root: &Activity,
) -> ScormCourse {
    let mut details = ScormCourse {
        schema_version,
        organization: Some(root.id.clone()),
        ..ScormCourse::default()
    };
    let mut organizations: Vec<Node<'_, '_>> = scope.organizations();
    if let Some(position) = org.and_then(|o| organizations.iter().position(|n| *n == o)) {
        let default = organizations.remove(position);
        organizations.insert(0, default);
    }
    details.organizations = organizations
        .into_iter()
        .map(|o| OrganizationSummary {
            id: attr(o, "identifier").unwrap_or_default().trim().to_owned(),
            title: child_text(o, Ns::Imscp, "title").unwrap_or_default(),
        })
        .collect();
    details.resources = resources
        .order
        .iter()
        .filter_map(|id| resources.by_id.get(id))
        .map(|r| r.model.clone())
        .collect();
    if let Some(org) = org {
        // CAM 5.2.4 / 4th Ed: organization-level flags; the defaults are in `ScormCourse`.
        set_bool(
            ctx,
            org,
            "objectivesGlobalToSystem",
            &mut details.objectives_global_to_system,
        );
        set_bool(
            ctx,
            org,
            "sharedDataGlobalToSystem",
            &mut details.shared_data_global_to_system,
        );
    }
    details
}
