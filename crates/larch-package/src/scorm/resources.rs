//! `<resources>` (CAM 3.4.1.x): each resource's launch href and files, resolved against the
//! `xml:base` chain and checked against the package's files, and its dependencies.

use std::collections::HashMap;

use roxmltree::Node;

use super::codes;
use super::model::{Resource, ScormType};
use super::paths::{SplitHref, is_absolute_url, join, normalize};
use super::xml::{Ctx, Ns, attr, elements, is};
use crate::{HrefFix, Resolved};

/// Where a resource's launch href points.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The stored path (or the absolute URL) with the href's own query and fragment.
    pub href: SplitHref,
    /// An absolute URL, outside the package.
    pub absolute: bool,
    /// The launch file is in the package (always true for absolute URLs).
    pub present: bool,
}

/// A resource as the item builder needs it.
#[derive(Debug, Clone)]
pub(crate) struct Res {
    pub model: Resource,
    pub target: Option<Target>,
}

/// Every resource of the package (sub-manifests included), by id and in document order.
#[derive(Debug, Default)]
pub(crate) struct Resources {
    pub by_id: HashMap<String, Res>,
    pub order: Vec<String>,
}

/// The `xml:base` attribute of an element (CAM 3.4.1.12).
pub(crate) fn xml_base<'a>(node: Node<'a, '_>) -> &'a str {
    node.attribute(("http://www.w3.org/XML/1998/namespace", "base"))
        .unwrap_or_default()
}

/// Reads every `<resource>` of `manifest` into `out` (first definition of an id wins).
/// `bases` is the `xml:base` chain down to the manifest.
pub(crate) fn read(
    ctx: &mut Ctx<'_>,
    manifest: Node<'_, '_>,
    bases: &[String],
    out: &mut Resources,
) {
    for resources in elements(manifest).filter(|e| is(*e, Ns::Imscp, "resources")) {
        let mut chain: Vec<&str> = bases.iter().map(String::as_str).collect();
        chain.push(xml_base(resources));
        for (index, node) in elements(resources).enumerate() {
            if !is(node, Ns::Imscp, "resource") {
                ctx.unknown(node);
                continue;
            }
            let res = resource(ctx, node, &chain, index);
            if out.by_id.contains_key(&res.model.id) {
                let id = &res.model.id;
                ctx.warn(
                    codes::DUPLICATE_IDENTIFIER,
                    format!("Another resource already has the identifier \"{id}\"; this one was ignored."),
                    node,
                );
            } else {
                out.order.push(res.model.id.clone());
                out.by_id.insert(res.model.id.clone(), res);
            }
        }
    }
}

/// Warns about dependencies on resources that do not exist.
pub(crate) fn check_dependencies(ctx: &mut Ctx<'_>, manifest: Node<'_, '_>, all: &Resources) {
    let dependencies = manifest
        .descendants()
        .filter(|n| is(*n, Ns::Imscp, "dependency"));
    for dependency in dependencies {
        let target = attr(dependency, "identifierref").unwrap_or_default().trim();
        if !all.by_id.contains_key(target) {
            ctx.warn(
                codes::DEPENDENCY_MISSING,
                format!("This dependency names the resource \"{target}\", which does not exist, so it was ignored."),
                dependency,
            );
        }
    }
}

fn resource(ctx: &mut Ctx<'_>, node: Node<'_, '_>, chain: &[&str], index: usize) -> Res {
    let mut chain = chain.to_vec();
    chain.push(xml_base(node));
    let id = match attr(node, "identifier")
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        Some(id) => id.to_owned(),
        None => {
            let generated = format!("resource-{}", index + 1);
            ctx.warn(
                codes::IDENTIFIER_MISSING,
                format!("This resource has no identifier, so it was called \"{generated}\"."),
                node,
            );
            generated
        }
    };
    let scorm_type = scorm_type(ctx, node);
    let target = attr(node, "href")
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .and_then(|href| launch_target(ctx, node, &chain, href));
    let files = files(ctx, node, &chain, target.as_ref());
    let dependencies = elements(node)
        .filter(|e| is(*e, Ns::Imscp, "dependency"))
        .filter_map(|d| attr(d, "identifierref").map(|r| r.trim().to_owned()))
        .collect();
    for other in elements(node) {
        if !(is(other, Ns::Imscp, "file")
            || is(other, Ns::Imscp, "dependency")
            || is(other, Ns::Imscp, "metadata"))
        {
            ctx.unknown(other);
        }
    }
    let model = Resource {
        id,
        href: target.as_ref().map(|t| t.href.to_url()),
        scorm_type,
        files,
        dependencies,
    };
    Res { model, target }
}

/// `adlcp:scormtype` (1.2) / `adlcp:scormType` (2004): `sco` or `asset`. A resource without
/// `href` is never launched (shared files, libraries), so a missing type is not worth a warning.
fn scorm_type(ctx: &mut Ctx<'_>, node: Node<'_, '_>) -> ScormType {
    let Some(raw) = attr(node, "scormType") else {
        if attr(node, "href").is_none_or(|h| h.trim().is_empty()) {
            return ScormType::Asset;
        }
        ctx.warn(
            codes::SCORM_TYPE_MISSING,
            "This resource does not say whether it is a SCO or an asset, so it was treated as an asset.".to_owned(),
            node,
        );
        return ScormType::Asset;
    };
    match raw.trim().to_ascii_lowercase().as_str() {
        "sco" => ScormType::Sco,
        "asset" => ScormType::Asset,
        _ => {
            super::values::invalid(ctx, node, "scormType", raw, &"asset");
            ScormType::Asset
        }
    }
}

fn launch_target(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    chain: &[&str],
    href: &str,
) -> Option<Target> {
    let mut split = SplitHref::new(href);
    let joined = join(chain, &split.path);
    if is_absolute_url(&joined) {
        split.path = joined;
        return Some(Target {
            href: split,
            absolute: true,
            present: true,
        });
    }
    let Some(path) = normalize(&joined) else {
        ctx.warn(
            codes::HREF_OUTSIDE_PACKAGE,
            format!("The launch href \"{href}\" points outside the package, so it was ignored."),
            node,
        );
        return None;
    };
    let (path, present) = match locate(ctx, node, &path) {
        Some(stored) => (stored, true),
        None => {
            ctx.warn(
                codes::LAUNCH_FILE_MISSING,
                format!("The launch file \"{path}\" of this resource is not in the package."),
                node,
            );
            (path, false)
        }
    };
    split.path = path;
    Some(Target {
        href: split,
        absolute: false,
        present,
    })
}

/// The `<file href>` paths, as stored when found. Missing and fixed files are reported once
/// per resource, naming a few (a tool that gets case wrong gets it wrong for every file);
/// the launch file is reported on its own.
fn files(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    chain: &[&str],
    target: Option<&Target>,
) -> Vec<String> {
    let (mut found, mut missing, mut fixed) = (Vec::new(), Vec::new(), Vec::new());
    for file in elements(node).filter(|e| is(*e, Ns::Imscp, "file")) {
        let Some(path) = file_path(ctx, file, chain) else {
            continue;
        };
        match ctx.source.files().resolve(&path) {
            Resolved::Exact(stored) => found.push(stored),
            Resolved::Fixed { path: stored, fix } => {
                fixed.push((fix, path));
                found.push(stored);
            }
            Resolved::Missing if target.is_some_and(|t| t.href.path == path) => {}
            Resolved::Missing => missing.push(path),
        }
    }
    let what = "lists files that are not in the package";
    report_paths(ctx, node, codes::FILE_MISSING, what, &missing);
    let fixes = [
        (
            HrefFix::CaseDiffers,
            codes::HREF_CASE_MISMATCH,
            "letter case is ignored",
        ),
        (
            HrefFix::PercentDecoded,
            codes::HREF_URL_ENCODED,
            "they are URL-decoded",
        ),
    ];
    for (fix, code, how) in fixes {
        let paths: Vec<String> = fixed
            .iter()
            .filter(|(f, _)| *f == fix)
            .map(|(_, p)| p.clone())
            .collect();
        let what = format!("lists files found only when {how} (the stored files were used)");
        report_paths(ctx, node, code, &what, &paths);
    }
    found
}

/// The package path of a `<file href>`, or `None` (absolute URL, or outside the package).
fn file_path(ctx: &mut Ctx<'_>, file: Node<'_, '_>, chain: &[&str]) -> Option<String> {
    let href = attr(file, "href")
        .map(str::trim)
        .filter(|h| !h.is_empty())?;
    let joined = join(chain, SplitHref::new(href).path.as_str());
    if is_absolute_url(&joined) {
        return None;
    }
    let path = normalize(&joined);
    if path.is_none() {
        ctx.warn(
            codes::HREF_OUTSIDE_PACKAGE,
            format!("The file href \"{href}\" points outside the package, so it was ignored."),
            file,
        );
    }
    path
}

/// One warning naming up to five paths.
fn report_paths(
    ctx: &mut Ctx<'_>,
    node: Node<'_, '_>,
    code: &'static str,
    what: &str,
    paths: &[String],
) {
    if paths.is_empty() {
        return;
    }
    let shown: Vec<&str> = paths.iter().take(5).map(String::as_str).collect();
    let more = paths.len() - shown.len();
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    ctx.warn(
        code,
        format!("This resource {what}: {}{tail}.", shown.join(", ")),
        node,
    );
}

/// Finds a file by path, forgiving letter case and URL-encoding with a warning.
fn locate(ctx: &mut Ctx<'_>, node: Node<'_, '_>, path: &str) -> Option<String> {
    match ctx.source.files().resolve(path) {
        Resolved::Exact(stored) => Some(stored),
        Resolved::Fixed { path: stored, fix } => {
            let (code, why) = match fix {
                HrefFix::CaseDiffers => (
                    codes::HREF_CASE_MISMATCH,
                    "only when letter case is ignored",
                ),
                HrefFix::PercentDecoded => (codes::HREF_URL_ENCODED, "only once URL-decoded"),
            };
            ctx.warn(
                code,
                format!(
                    "The href \"{path}\" matches the file \"{stored}\" {why}; that file was used."
                ),
                node,
            );
            Some(stored)
        }
        Resolved::Missing => None,
    }
}
