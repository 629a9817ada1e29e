//! XML helpers for the manifest: namespace families (matched on URI, never on prefix),
//! child iteration, and diagnostics located by file, line and element path.

use roxmltree::Node;

use crate::{Diagnostic, PackageSource, Warnings};

use super::codes;

/// The namespaces a manifest uses, grouped by what they mean. Prefixes are irrelevant: a
/// manifest may bind `imsss` to any prefix, or use the default namespace (CAM 3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// IMS Content Packaging (`imscp_rootv1p1p2` for 1.2, `imscp_v1p1` for 2004), or no
    /// namespace at all (hand-written manifests).
    Imscp,
    /// ADL content packaging extensions (`adlcp_rootv1p2`, `adlcp_v1p3`).
    Adlcp,
    /// ADL sequencing extensions (`adlseq_v1p3`).
    Adlseq,
    /// ADL navigation extensions (`adlnav_v1p3`).
    Adlnav,
    /// IMS Simple Sequencing (`imsss`).
    Imsss,
    /// IEEE LOM or IMS Metadata 1.2.1.
    Lom,
    /// Anything else: extensions, which CP allows and Larch ignores.
    Other,
}

/// IMS CP 1.1.4 as profiled by SCORM 2004.
pub(crate) const IMSCP_2004: &str = "http://www.imsglobal.org/xsd/imscp_v1p1";
/// ADL CP extensions of SCORM 1.2.
pub(crate) const ADLCP_12: &str = "http://www.adlnet.org/xsd/adlcp_rootv1p2";
/// ADL CP extensions of SCORM 2004.
pub(crate) const ADLCP_2004: &str = "http://www.adlnet.org/xsd/adlcp_v1p3";
/// ADL sequencing extensions (SCORM 2004).
pub(crate) const ADLSEQ: &str = "http://www.adlnet.org/xsd/adlseq_v1p3";
/// ADL navigation extensions (SCORM 2004).
pub(crate) const ADLNAV: &str = "http://www.adlnet.org/xsd/adlnav_v1p3";
/// IMS Simple Sequencing (SCORM 2004).
pub(crate) const IMSSS: &str = "http://www.imsglobal.org/xsd/imsss";

impl Ns {
    /// The family of a namespace URI. Known URIs match exactly; close variants (another
    /// version suffix, a trailing slash, `http` vs `https`) are recognised by their stem so
    /// that slightly wrong manifests still parse.
    pub(crate) fn of_uri(uri: Option<&str>) -> Self {
        let Some(uri) = uri else { return Self::Imscp };
        let lower = uri.trim().trim_end_matches('/').to_ascii_lowercase();
        let stem = lower.rsplit('/').next().unwrap_or_default();
        if stem.starts_with("imscp") {
            Self::Imscp
        } else if stem.starts_with("adlcp") {
            Self::Adlcp
        } else if stem.starts_with("adlseq") {
            Self::Adlseq
        } else if stem.starts_with("adlnav") {
            Self::Adlnav
        } else if stem.starts_with("imsss") {
            Self::Imsss
        } else if stem.starts_with("imsmd") || lower.ends_with("xsd/lom") {
            Self::Lom
        } else {
            Self::Other
        }
    }

    /// The family of an element.
    pub(crate) fn of(node: Node<'_, '_>) -> Self {
        Self::of_uri(node.tag_name().namespace())
    }

    /// Whether Larch knows this vocabulary (unknown elements in it are reported).
    pub(crate) fn is_scorm(self) -> bool {
        !matches!(self, Self::Other | Self::Lom)
    }
}

/// Whether `node` is an element of `ns` named `local` (case-sensitive, as the XSDs are).
pub(crate) fn is(node: Node<'_, '_>, ns: Ns, local: &str) -> bool {
    node.is_element() && node.tag_name().name() == local && Ns::of(node) == ns
}

/// The element children of `node`.
pub(crate) fn elements<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(Node::is_element)
}

/// The first child element of `ns` named `local`.
pub(crate) fn child<'a, 'i>(node: Node<'a, 'i>, ns: Ns, local: &str) -> Option<Node<'a, 'i>> {
    elements(node).find(|c| is(*c, ns, local))
}

/// An attribute by local name in any namespace or none, ignoring ASCII case: SCORM 1.2
/// spells `adlcp:scormtype`, 2004 `adlcp:scormType`, and hand-written manifests drop prefixes.
pub(crate) fn attr<'a>(node: Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.attribute(local).or_else(|| {
        node.attributes()
            .find(|a| a.name().eq_ignore_ascii_case(local))
            .map(|a| a.value())
    })
}

/// The element's text, trimmed; `None` when empty.
pub(crate) fn text<'a>(node: Node<'a, '_>) -> Option<String> {
    let joined: String = node
        .descendants()
        .filter(Node::is_text)
        .filter_map(|t| t.text())
        .collect();
    let trimmed = joined.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The element's text for display: white space runs (line breaks of a wrapped title)
/// collapsed to one space; `None` when empty.
pub(crate) fn display_text(node: Node<'_, '_>) -> Option<String> {
    text(node).map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The display text of the first child element of `ns` named `local` (titles).
pub(crate) fn child_text(node: Node<'_, '_>, ns: Ns, local: &str) -> Option<String> {
    child(node, ns, local).and_then(display_text)
}

/// `manifest/organizations/organization[2]/item[1]`: the element's path from the root, with
/// a 1-based index where siblings share its name.
pub(crate) fn element_path(node: Node<'_, '_>) -> String {
    let mut parts: Vec<String> = node
        .ancestors()
        .filter(Node::is_element)
        .map(|n| {
            let name = n.tag_name().name();
            let same = |s: &Node<'_, '_>| s.is_element() && s.tag_name().name() == name;
            let siblings = n.parent().map_or(1, |p| p.children().filter(same).count());
            if siblings > 1 {
                let index = n.prev_siblings().filter(same).count();
                format!("{name}[{index}]")
            } else {
                name.to_owned()
            }
        })
        .collect();
    parts.reverse();
    parts.join("/")
}

/// The 1-based line where `node` starts.
pub(crate) fn line(node: Node<'_, '_>) -> u32 {
    node.document().text_pos_at(node.range().start).row
}

/// The parsing context: which file is read, where warnings go, and the package (to check
/// hrefs and read external metadata).
pub(crate) struct Ctx<'s> {
    /// The manifest's path in the package.
    pub file: String,
    /// Warnings gathered so far.
    pub warnings: &'s mut Warnings,
    /// The package.
    pub source: &'s mut dyn PackageSource,
    /// Unknown elements by `parent/name`: the first occurrence and how many there were.
    pub unknown: Vec<(String, Diagnostic, usize)>,
}

impl Ctx<'_> {
    /// A diagnostic located at `node` of the manifest.
    pub(crate) fn diag(
        &self,
        code: &'static str,
        message: String,
        node: Node<'_, '_>,
    ) -> Diagnostic {
        Diagnostic::new(code, message)
            .in_file(self.file.clone())
            .at_line(line(node))
            .at_element(element_path(node))
    }

    /// Records a warning located at `node`.
    pub(crate) fn warn(&mut self, code: &'static str, message: String, node: Node<'_, '_>) {
        let diagnostic = self.diag(code, message, node);
        self.warnings.push(diagnostic);
    }

    /// Reports an element of a SCORM namespace that has no place where it appears (CP allows
    /// elements of other namespaces anywhere, so those are ignored silently).
    pub(crate) fn unknown(&mut self, node: Node<'_, '_>) {
        if !Ns::of(node).is_scorm() {
            return;
        }
        let (name, parent) = (node.tag_name().name(), node.parent_element());
        let parent = parent.map_or("", |p| p.tag_name().name());
        let key = format!("{parent}/{name}");
        if let Some(seen) = self.unknown.iter_mut().find(|(k, _, _)| *k == key) {
            seen.2 += 1;
            return;
        }
        let message =
            format!("The element <{name}> is not expected inside <{parent}>, so it was ignored.");
        let diagnostic = self.diag(codes::UNKNOWN_ELEMENT, message, node);
        self.unknown.push((key, diagnostic, 1));
    }

    /// Reports the unknown elements: one warning per kind, at its first occurrence, with the
    /// count (a tool that adds an element usually adds it to every item).
    pub(crate) fn flush_unknown(&mut self) {
        for (_, mut diagnostic, count) in self.unknown.drain(..) {
            if count > 1 {
                diagnostic.message = diagnostic.message.replace(
                    ", so it was ignored.",
                    &format!(" ({count} times), so it was ignored."),
                );
            }
            self.warnings.push(diagnostic);
        }
    }
}

impl std::fmt::Debug for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_match_on_uri_not_prefix() {
        assert_eq!(Ns::of_uri(Some(IMSSS)), Ns::Imsss);
        assert_eq!(Ns::of_uri(Some(ADLCP_12)), Ns::Adlcp);
        assert_eq!(
            Ns::of_uri(Some("http://www.adlnet.org/xsd/adlcp_v1p2")),
            Ns::Adlcp
        );
        assert_eq!(Ns::of_uri(Some("http://ltsc.ieee.org/xsd/LOM")), Ns::Lom);
        assert_eq!(Ns::of_uri(None), Ns::Imscp);
        assert_eq!(Ns::of_uri(Some("http://example.com/ext")), Ns::Other);
        let doc = roxmltree::Document::parse(
            r#"<m xmlns:x="http://www.imsglobal.org/xsd/imsss"><x:sequencing/><b/><b/></m>"#,
        )
        .unwrap();
        let root = doc.root_element();
        let seq = elements(root).next().unwrap();
        assert!(is(seq, Ns::Imsss, "sequencing"));
        let second_b = elements(root).nth(2).unwrap();
        assert_eq!(element_path(second_b), "m/b[2]");
        assert_eq!(line(second_b), 1);
    }
}
