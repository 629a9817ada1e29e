//! Organizations and items (CAM 3.4.1.x `<organization>`, `<item>`) into the course's
//! activity tree: identifiers made unique, titles, visibility, launch URLs with
//! `parameters`, ADL extensions, sub-manifest references and, for SCORM 2004, each
//! activity's sequencing definition.

mod flat;

use std::collections::HashSet;

use roxmltree::Node;

use super::codes;
use super::details;
use super::metadata::{self, Lom};
use super::model::ScormActivity;
use super::resources::{Res, Resources};
use super::scopes::Scope;
use super::sequencing;
use super::values::set_bool;
use super::xml::{Ctx, Ns, attr, child_text, elements, is};
use crate::{Activity, ActivityDetails, Launch, Standard};

/// Builds activities; remembers identifiers so that every activity id is unique.
#[derive(Debug)]
pub(crate) struct Builder<'r, 'a, 'i> {
    standard: Standard,
    resources: &'r Resources,
    scopes: &'r [Scope<'a, 'i>],
    ids: HashSet<String>,
    generated: usize,
    depth: usize,
}

/// How deep items may nest. Real courses use a handful of levels; the limit keeps hostile
/// manifests from exhausting the stack.
const MAX_DEPTH: usize = 48;

impl<'r, 'a, 'i> Builder<'r, 'a, 'i> {
    pub(crate) fn new(
        standard: Standard,
        resources: &'r Resources,
        scopes: &'r [Scope<'a, 'i>],
    ) -> Self {
        Self {
            standard,
            resources,
            scopes,
            ids: HashSet::new(),
            generated: 0,
            depth: 0,
        }
    }

    /// The root activity for the organization `org` of scope `scope`.
    pub(crate) fn organization(
        &mut self,
        ctx: &mut Ctx<'_>,
        org: Node<'a, 'i>,
        scope: usize,
    ) -> Activity {
        let id = self.identifier(ctx, org, "organization");
        let (lom, mut details) = self.common(ctx, org, scope);
        let title = self.title(ctx, org, &lom, &id);
        let mut chain = vec![self.scopes[scope].id.clone()];
        let children = self.children(ctx, org, scope, &mut chain, &mut details);
        activity(id, title, lom, true, None, details, children)
    }

    /// An item and its sub-items, unless it is nested deeper than [`MAX_DEPTH`].
    fn item(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: Node<'a, 'i>,
        scope: usize,
        chain: &mut Vec<String>,
    ) -> Option<Activity> {
        if self.depth >= MAX_DEPTH {
            ctx.warn(
                codes::NESTING_TOO_DEEP,
                format!("Items are nested more than {MAX_DEPTH} levels deep here, so the deeper ones were left out."),
                node,
            );
            return None;
        }
        self.depth += 1;
        let built = self.item_at_depth(ctx, node, scope, chain);
        self.depth -= 1;
        built
    }

    fn item_at_depth(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: Node<'a, 'i>,
        scope: usize,
        chain: &mut Vec<String>,
    ) -> Option<Activity> {
        let id = self.identifier(ctx, node, "item");
        let (lom, mut details) = self.common(ctx, node, scope);
        let title = self.title(ctx, node, &lom, &id);
        let mut visible = true;
        set_bool(ctx, node, "isvisible", &mut visible);
        details.parameters = attr(node, "parameters")
            .filter(|p| !p.trim().is_empty())
            .map(str::to_owned);
        let mut children = self.children(ctx, node, scope, chain, &mut details);
        let reference = attr(node, "identifierref")
            .map(str::trim)
            .filter(|r| !r.is_empty());
        let launch = match reference {
            Some(r) => self.reference(ctx, node, r, &mut details, &mut children, chain),
            None => None,
        };
        if launch.is_none() && children.is_empty() {
            if reference.is_none() {
                ctx.warn(
                    codes::ITEM_WITHOUT_RESOURCE,
                    format!(
                        "The item \"{title}\" has no content and no sub-items, so it was left out."
                    ),
                    node,
                );
            }
            return None;
        }
        Some(activity(id, title, lom, visible, launch, details, children))
    }

    /// Metadata, and for SCORM 2004 the sequencing definition, of an organization or item.
    fn common(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: Node<'a, 'i>,
        scope: usize,
    ) -> (Lom, ScormActivity) {
        let scope = &self.scopes[scope];
        let lom = metadata::of(ctx, node, &scope.base_refs());
        let mut details = ScormActivity::default();
        if self.standard == Standard::Scorm2004 {
            let parsed = sequencing::parse(ctx, node, &scope.collection);
            details.sequencing = Some(parsed.definition);
            details.max_time_allowed = parsed.attempt_duration_limit;
        }
        (lom, details)
    }

    /// Reads the child elements: nested items, and ADL extensions into `details`.
    fn children(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: Node<'a, 'i>,
        scope: usize,
        chain: &mut Vec<String>,
        details: &mut ScormActivity,
    ) -> Vec<Activity> {
        let mut children = Vec::new();
        for element in elements(node) {
            if is(element, Ns::Imscp, "item") {
                children.extend(self.item(ctx, element, scope, chain));
            } else if is(element, Ns::Imscp, "title")
                || is(element, Ns::Imscp, "metadata")
                || is(element, Ns::Imsss, "sequencing")
            {
                // Read by `common` and `title`.
            } else if !details::apply(ctx, element, details) {
                ctx.unknown(element);
            }
        }
        children
    }

    /// Resolves `identifierref`: a resource gives the launch; a sub-manifest gives children.
    fn reference(
        &mut self,
        ctx: &mut Ctx<'_>,
        node: Node<'a, 'i>,
        reference: &str,
        details: &mut ScormActivity,
        children: &mut Vec<Activity>,
        chain: &mut Vec<String>,
    ) -> Option<Launch> {
        if let Some((reference, res)) = self.resource(ctx, node, reference) {
            // SN 1.2 / CAM 3.4.1.x: in SCORM 2004 only leaves are delivered.
            if self.standard == Standard::Scorm2004 && !children.is_empty() {
                ctx.warn(
                    codes::CLUSTER_RESOURCE_IGNORED,
                    format!("This item has sub-items, so its reference to the resource \"{reference}\" was ignored (SCORM 2004 launches only leaf items)."),
                    node,
                );
                return None;
            }
            details.resource_id = Some(reference.to_owned());
            details.scorm_type = Some(res.model.scorm_type);
            let Some(target) = &res.target else {
                ctx.warn(
                    codes::RESOURCE_HREF_MISSING,
                    format!(
                        "The resource \"{reference}\" has no href, so this item cannot be launched."
                    ),
                    node,
                );
                return None;
            };
            let mut href = target.href.clone();
            if let Some(parameters) = &details.parameters {
                href.apply_parameters(parameters);
            }
            return Some(Launch {
                url: href.to_url(),
                absolute: target.absolute,
            });
        }
        let scopes = self.scopes;
        let sub = scopes.iter().skip(1).position(|s| s.id == reference);
        if let Some(index) = sub.filter(|_| !chain.iter().any(|c| c == reference)) {
            chain.push(reference.to_owned());
            children.extend(self.submanifest(ctx, index + 1, chain));
            chain.pop();
            return None;
        }
        ctx.warn(
            codes::ITEM_RESOURCE_MISSING,
            format!("This item references \"{reference}\", which is neither a resource nor a sub-manifest of the package, so it cannot be launched."),
            node,
        );
        None
    }

    /// The resource `reference` names: exactly, or else the only one whose identifier differs
    /// only in letter case (with a warning).
    fn resource(
        &self,
        ctx: &mut Ctx<'_>,
        node: Node<'_, '_>,
        reference: &str,
    ) -> Option<(&'r str, &'r Res)> {
        let resources = self.resources;
        if let Some((id, res)) = resources.by_id.get_key_value(reference) {
            return Some((id.as_str(), res));
        }
        let mut similar = resources
            .order
            .iter()
            .filter(|id| id.eq_ignore_ascii_case(reference));
        let (Some(id), None) = (similar.next(), similar.next()) else {
            return None;
        };
        ctx.warn(
            codes::REFERENCE_CASE_MISMATCH,
            format!("This item references \"{reference}\", but the resource is called \"{id}\"; it was used."),
            node,
        );
        resources
            .by_id
            .get_key_value(id)
            .map(|(id, res)| (id.as_str(), res))
    }

    /// The items of a sub-manifest's default organization.
    fn submanifest(
        &mut self,
        ctx: &mut Ctx<'_>,
        scope: usize,
        chain: &mut Vec<String>,
    ) -> Vec<Activity> {
        let scopes = self.scopes;
        let sub = &scopes[scope];
        let Some(org) = sub
            .named_default()
            .or_else(|| sub.organizations().into_iter().next())
        else {
            return Vec::new();
        };
        elements(org)
            .filter(|e| is(*e, Ns::Imscp, "item"))
            .filter_map(|item| self.item(ctx, item, scope, chain))
            .collect()
    }

    fn unique(&mut self, id: String) -> String {
        let unique = if self.ids.contains(&id) {
            (2..)
                .map(|n| format!("{id}-{n}"))
                .find(|c| !self.ids.contains(c))
                .unwrap_or_default()
        } else {
            id
        };
        self.ids.insert(unique.clone());
        unique
    }

    /// A unique identifier: the element's own, or a generated one; duplicates get a suffix.
    fn identifier(&mut self, ctx: &mut Ctx<'_>, node: Node<'_, '_>, kind: &str) -> String {
        let id = match attr(node, "identifier")
            .map(str::trim)
            .filter(|i| !i.is_empty())
        {
            Some(id) => id.to_owned(),
            None => {
                self.generated += 1;
                let generated = format!("{kind}-{}", self.generated);
                ctx.warn(
                    codes::IDENTIFIER_MISSING,
                    format!("This {kind} has no identifier, so it was called \"{generated}\"."),
                    node,
                );
                generated
            }
        };
        let unique = self.unique(id.clone());
        if unique == id {
            return id;
        }
        ctx.warn(
            codes::DUPLICATE_IDENTIFIER,
            format!("The identifier \"{id}\" is used more than once, so this {kind} was renamed \"{unique}\"."),
            node,
        );
        unique
    }

    fn title(&self, ctx: &mut Ctx<'_>, node: Node<'_, '_>, lom: &Lom, id: &str) -> String {
        if let Some(title) = child_text(node, Ns::Imscp, "title") {
            return title;
        }
        let fallback = lom.title.clone().unwrap_or_else(|| id.to_owned());
        let kind = node.tag_name().name();
        ctx.warn(
            codes::TITLE_MISSING,
            format!("This {kind} has no title, so \"{fallback}\" was used."),
            node,
        );
        fallback
    }
}

fn activity(
    id: String,
    title: String,
    lom: Lom,
    visible: bool,
    launch: Option<Launch>,
    details: ScormActivity,
    children: Vec<Activity>,
) -> Activity {
    Activity {
        id,
        title,
        description: lom.description,
        visible,
        launch,
        details: ActivityDetails::Scorm(Box::new(details)),
        children,
    }
}
