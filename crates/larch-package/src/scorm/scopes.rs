//! Manifests and sub-manifests (IMS CP 1.1.4 §2.3: a `<manifest>` may contain `<manifest>`
//! children; an item's `identifierref` may name one, whose default organization then
//! becomes that item's content). Each manifest is a scope with its own `xml:base` chain and
//! sequencing collection.

use roxmltree::Node;

use super::codes;
use super::resources::xml_base;
use super::sequencing::{self, Collection};
use super::xml::{Ctx, Ns, attr, child, elements, is};

/// One `<manifest>` element and what its items resolve against.
#[derive(Debug)]
pub(crate) struct Scope<'a, 'i> {
    /// `identifier` of the manifest (empty when missing).
    pub id: String,
    /// The `<manifest>` element.
    pub node: Node<'a, 'i>,
    /// The `xml:base` chain down to and including this manifest, starting with the folder
    /// of `imsmanifest.xml`.
    pub bases: Vec<String>,
    /// Its `<imsss:sequencingCollection>`.
    pub collection: Collection<'a, 'i>,
}

impl<'a, 'i> Scope<'a, 'i> {
    /// The bases as string slices, for [`super::paths::join`].
    pub(crate) fn base_refs(&self) -> Vec<&str> {
        self.bases.iter().map(String::as_str).collect()
    }

    /// The organizations of this manifest, in document order.
    pub(crate) fn organizations(&self) -> Vec<Node<'a, 'i>> {
        child(self.node, Ns::Imscp, "organizations")
            .map(|orgs| {
                elements(orgs)
                    .filter(|o| is(*o, Ns::Imscp, "organization"))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The organization `<organizations default>` names, if it exists.
    pub(crate) fn named_default(&self) -> Option<Node<'a, 'i>> {
        let orgs = child(self.node, Ns::Imscp, "organizations")?;
        let wanted = attr(orgs, "default")?.trim();
        self.organizations()
            .into_iter()
            .find(|o| attr(*o, "identifier").map(str::trim) == Some(wanted))
    }
}

/// How deep sub-manifests may nest (each level is one more `xml:base`).
const MAX_DEPTH: usize = 16;

/// The root manifest and all nested manifests, depth first, the root first.
pub(crate) fn collect<'a, 'i>(
    ctx: &mut Ctx<'_>,
    root: Node<'a, 'i>,
    root_dir: &str,
) -> Vec<Scope<'a, 'i>> {
    let mut out = Vec::new();
    visit(ctx, root, vec![root_dir.to_owned()], &mut out);
    out
}

fn visit<'a, 'i>(
    ctx: &mut Ctx<'_>,
    node: Node<'a, 'i>,
    mut bases: Vec<String>,
    out: &mut Vec<Scope<'a, 'i>>,
) {
    bases.push(xml_base(node).to_owned());
    let scope = Scope {
        id: attr(node, "identifier")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        node,
        bases: bases.clone(),
        collection: sequencing::collection(ctx, node),
    };
    out.push(scope);
    for nested in elements(node).filter(|e| is(*e, Ns::Imscp, "manifest")) {
        if bases.len() > MAX_DEPTH {
            ctx.warn(
                codes::NESTING_TOO_DEEP,
                format!("Sub-manifests are nested more than {MAX_DEPTH} levels deep here, so the deeper ones were left out."),
                nested,
            );
            continue;
        }
        visit(ctx, nested, bases.clone(), out);
    }
}
