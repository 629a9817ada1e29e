//! Titles and descriptions from LOM metadata (CAM 3.4.1.x `<metadata>`): inline `<lom>`
//! (IEEE LOM `string`, or IMS Metadata 1.2.1 `langstring`) and external files named by
//! `<adlcp:location>`, read with the same XML safety as the manifest.

use roxmltree::Node;

use super::codes;
use super::decode::{Fixes, decode};
use super::paths::{join, normalize};
use super::xml::{Ctx, Ns, display_text, elements, is, text};
use crate::Resolved;

/// What the metadata says that the course model shows.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Lom {
    pub title: Option<String>,
    pub description: Option<String>,
}

impl Lom {
    fn or(self, other: Self) -> Self {
        Self {
            title: self.title.or(other.title),
            description: self.description.or(other.description),
        }
    }
}

/// The LOM of the `<metadata>` child of `owner`: inline first, then the external file.
/// `bases` are the folders `adlcp:location` is relative to.
pub(crate) fn of(ctx: &mut Ctx<'_>, owner: Node<'_, '_>, bases: &[&str]) -> Lom {
    let Some(metadata) = elements(owner).find(|e| is(*e, Ns::Imscp, "metadata")) else {
        return Lom::default();
    };
    let inline = elements(metadata)
        .find(|e| e.tag_name().name() == "lom")
        .map(from_lom)
        .unwrap_or_default();
    let location = elements(metadata).find(|e| is(*e, Ns::Adlcp, "location"));
    match location.and_then(text) {
        Some(href) => inline.or(external(ctx, location.unwrap_or(metadata), bases, &href)),
        None => inline,
    }
}

/// Title and description of a `<lom>` element (`general/title`, `general/description`).
fn from_lom(lom: Node<'_, '_>) -> Lom {
    let Some(general) = elements(lom).find(|e| e.tag_name().name() == "general") else {
        return Lom::default();
    };
    let field = |name: &str| {
        elements(general)
            .find(|e| e.tag_name().name() == name)
            .and_then(lang_string)
    };
    Lom {
        title: field("title"),
        description: field("description"),
    }
}

/// The first non-empty `<string>`/`<langstring>` of a LOM text field, or its own text.
fn lang_string(node: Node<'_, '_>) -> Option<String> {
    elements(node)
        .filter(|e| matches!(e.tag_name().name(), "string" | "langstring"))
        .find_map(display_text)
        .or_else(|| display_text(node))
}

fn external(ctx: &mut Ctx<'_>, at: Node<'_, '_>, bases: &[&str], href: &str) -> Lom {
    match read_external(ctx, bases, href) {
        Ok(lom) => lom,
        Err(why) => {
            ctx.warn(
                codes::METADATA_UNREADABLE,
                format!("The metadata file \"{href}\" {why}, so it was ignored."),
                at,
            );
            Lom::default()
        }
    }
}

fn read_external(ctx: &mut Ctx<'_>, bases: &[&str], href: &str) -> Result<Lom, &'static str> {
    let path = normalize(&join(bases, href)).ok_or("is outside the package")?;
    let stored = match ctx.source.files().resolve(&path) {
        Resolved::Exact(p) | Resolved::Fixed { path: p, .. } => p,
        Resolved::Missing => return Err("is not in the package"),
    };
    let bytes = ctx
        .source
        .read_descriptor(&stored)
        .map_err(|_| "could not be read")?;
    let mut text = decode(&bytes, &stored, &mut Fixes::default()).map_err(|_| "is not text")?;
    let doc = super::decode::parse_xml(&mut text, &stored, &mut Fixes::default())
        .map_err(|_| "is not well-formed XML")?;
    let root = doc.root_element();
    let lom = root
        .descendants()
        .find(|e| e.is_element() && e.tag_name().name() == "lom");
    Ok(lom.map(from_lom).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_lom_flavours_give_title_and_description() {
        let ieee = r#"<lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general><title><string language="en">T</string></title><description><string/><string>D</string></description></general></lom>"#;
        let imsmd = r#"<lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><general><title><langstring xml:lang="x-none">T2</langstring></title></general></lom>"#;
        let doc = roxmltree::Document::parse(ieee).unwrap();
        let lom = from_lom(doc.root_element());
        assert_eq!(lom.title.as_deref(), Some("T"));
        assert_eq!(lom.description.as_deref(), Some("D"));
        let doc = roxmltree::Document::parse(imsmd).unwrap();
        assert_eq!(from_lom(doc.root_element()).title.as_deref(), Some("T2"));
    }
}
