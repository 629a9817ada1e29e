//! SCORM version and SCORM 2004 edition: `<metadata><schemaversion>` (CAM 3.4.1.3: `1.2`,
//! `CAM 1.3` for 2nd Ed, `2004 3rd Edition`, `2004 4th Edition`) checked against the
//! namespaces and constructs the manifest actually uses.

use roxmltree::Node;

use crate::{Edition, Standard};

use super::codes;
use super::xml::{ADLCP_12, ADLCP_2004, Ctx, IMSCP_2004, Ns, child, elements, is, text};

/// What the manifest's elements say about its version.
#[derive(Debug, Default)]
struct Evidence {
    /// Elements or attributes only SCORM 2004 defines (imsss, adlseq, adlnav, adlcp_v1p3).
    scorm2004: bool,
    /// Elements or attributes of the SCORM 1.2 `adlcp_rootv1p2` namespace.
    scorm12: bool,
    /// The root uses the 2004 CP namespace (weak: some 1.2 tools use it too).
    cp2004: bool,
    /// A construct that exists only in 4th Edition: `adlcp:data`, `adlseq:objectives`,
    /// `completionThreshold` attributes, `sharedDataGlobalToSystem`.
    fourth_only: Option<&'static str>,
}

impl Evidence {
    fn gather(root: Node<'_, '_>) -> Self {
        let mut ev = Self {
            cp2004: root.tag_name().namespace() == Some(IMSCP_2004),
            ..Self::default()
        };
        for node in root.descendants().filter(Node::is_element) {
            let ns = Ns::of(node);
            ev.scorm2004 |= matches!(ns, Ns::Imsss | Ns::Adlseq | Ns::Adlnav);
            for uri in std::iter::once(node.tag_name().namespace())
                .chain(node.attributes().map(|a| a.namespace()))
            {
                ev.scorm12 |= uri == Some(ADLCP_12);
                ev.scorm2004 |= uri == Some(ADLCP_2004);
            }
            ev.fourth_only = ev.fourth_only.or_else(|| fourth_only(node));
        }
        ev
    }
}

fn fourth_only(node: Node<'_, '_>) -> Option<&'static str> {
    let name = node.tag_name().name();
    if is(node, Ns::Adlcp, "data") {
        Some("<adlcp:data>")
    } else if is(node, Ns::Adlseq, "objectives") {
        Some("<adlseq:objectives>")
    } else if name == "completionThreshold"
        && ["completedByMeasure", "minProgressMeasure", "progressWeight"]
            .iter()
            .any(|a| node.attribute(*a).is_some())
    {
        Some("completionThreshold attributes")
    } else if node
        .attributes()
        .any(|a| a.name() == "sharedDataGlobalToSystem")
    {
        Some("sharedDataGlobalToSystem")
    } else {
        None
    }
}

/// What `<schemaversion>` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Declared {
    Scorm12,
    Scorm2004(Option<Edition>),
}

fn declared(raw: &str) -> Option<Declared> {
    let v: String = raw.to_ascii_lowercase().split_whitespace().collect();
    Some(match v.as_str() {
        "1.0" | "1.1" | "1.2" | "scorm1.2" => Declared::Scorm12,
        "cam1.3" | "1.3" | "20042ndedition" | "2004secondedition" => {
            Declared::Scorm2004(Some(Edition::Second))
        }
        "20043rdedition" | "2004thirdedition" => Declared::Scorm2004(Some(Edition::Third)),
        "20044thedition" | "2004fourthedition" => Declared::Scorm2004(Some(Edition::Fourth)),
        "2004" | "scorm2004" => Declared::Scorm2004(None),
        _ => return None,
    })
}

/// The version and edition of the manifest rooted at `root`, warning when `<schemaversion>`
/// is missing, unknown or contradicted. Also returns `<schemaversion>` as written.
pub(crate) fn detect(
    ctx: &mut Ctx<'_>,
    root: Node<'_, '_>,
) -> (Standard, Option<Edition>, Option<String>) {
    let ev = Evidence::gather(root);
    let metadata = child(root, Ns::Imscp, "metadata");
    let version_node =
        metadata.and_then(|m| elements(m).find(|c| c.tag_name().name() == "schemaversion"));
    let written = version_node.and_then(text);
    let at = version_node.or(metadata).unwrap_or(root);
    let inferred_edition = if ev.fourth_only.is_some() {
        Edition::Fourth
    } else {
        Edition::Third
    };
    let inferred = if ev.scorm2004 || (!ev.scorm12 && ev.cp2004) {
        Declared::Scorm2004(Some(inferred_edition))
    } else {
        Declared::Scorm12
    };
    let chosen = match written.as_deref().map(|w| (w, declared(w))) {
        None => {
            let what = describe(inferred);
            ctx.warn(
                codes::SCHEMA_VERSION_MISSING,
                format!("The manifest does not say which SCORM version it follows, so it was read as {what}, judging by its namespaces."),
                at,
            );
            inferred
        }
        Some((w, None)) => {
            let what = describe(inferred);
            ctx.warn(
                codes::SCHEMA_VERSION_UNKNOWN,
                format!("The schema version \"{w}\" is not one Larch knows, so the manifest was read as {what}, judging by its namespaces."),
                at,
            );
            inferred
        }
        Some((_, Some(Declared::Scorm2004(None)))) => Declared::Scorm2004(Some(inferred_edition)),
        Some((w, Some(d))) => reconcile(ctx, at, w, d, &ev, inferred),
    };
    match chosen {
        Declared::Scorm12 => (Standard::Scorm12, None, written),
        Declared::Scorm2004(edition) => (Standard::Scorm2004, edition, written),
    }
}

/// Checks a declared version against the evidence. The elements win when they clearly belong
/// to the other version (they are what an LMS must act on); an older 2004 edition using 4th
/// Edition constructs keeps its declared edition, and the constructs are still read.
fn reconcile(
    ctx: &mut Ctx<'_>,
    at: Node<'_, '_>,
    written: &str,
    declared: Declared,
    ev: &Evidence,
    inferred: Declared,
) -> Declared {
    let contradiction = match declared {
        Declared::Scorm12 if ev.scorm2004 && !ev.scorm12 => {
            Some(format!("uses SCORM 2004 elements, so it was read as {}", describe(inferred)))
        }
        // A 2004 CP root namespace backs the declaration even with 1.2 ADL attributes.
        Declared::Scorm2004(_) if ev.scorm12 && !ev.scorm2004 && !ev.cp2004 => {
            Some("uses only SCORM 1.2 elements, so it was read as SCORM 1.2".to_owned())
        }
        Declared::Scorm2004(Some(e)) if e < Edition::Fourth => ev.fourth_only.map(|what| {
            format!("uses {what}, which only SCORM 2004 4th Edition defines; it was read as declared and the 4th Edition elements were kept")
        }),
        _ => None,
    };
    let Some(detail) = contradiction else {
        return declared;
    };
    ctx.warn(
        codes::SCHEMA_VERSION_CONTRADICTED,
        format!("The manifest declares schema version \"{written}\" but {detail}."),
        at,
    );
    match declared {
        Declared::Scorm2004(Some(_)) if ev.scorm2004 || !ev.scorm12 => declared,
        _ => inferred,
    }
}

fn describe(d: Declared) -> String {
    match d {
        Declared::Scorm12 => "SCORM 1.2".to_owned(),
        Declared::Scorm2004(e) => {
            let edition = e.map_or("3rd", Edition::as_str);
            format!("SCORM 2004 {edition} Edition")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_version_strings_of_every_edition() {
        assert_eq!(declared("1.2"), Some(Declared::Scorm12));
        assert_eq!(
            declared("CAM 1.3"),
            Some(Declared::Scorm2004(Some(Edition::Second)))
        );
        assert_eq!(
            declared("2004 3rd  Edition"),
            Some(Declared::Scorm2004(Some(Edition::Third)))
        );
        assert_eq!(
            declared("2004 4th Edition"),
            Some(Declared::Scorm2004(Some(Edition::Fourth)))
        );
        assert_eq!(declared("banana"), None);
    }
}
