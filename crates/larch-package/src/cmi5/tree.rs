//! Building the course tree from a course structure that passed the schema check, applying
//! the rules the schema cannot express (ids, URLs, uniqueness).

use std::collections::HashSet;

use roxmltree::Node;

use super::iri::{is_absolute_iri, is_valid_url};
use super::model::{Cmi5Activity, Cmi5Course, Cmi5Objective};
use super::schema::{element_path, parse_mastery};
use crate::source::FileIndex;
use crate::text::element_text;
use crate::{
    Activity, ActivityDetails, Course, CourseDetails, Diagnostic, Launch, PackageError, Standard,
    Warnings, codes, launch,
};

/// Launch parameters the LMS appends to every AU url (section 8.1); an AU url that already
/// has one cannot be launched correctly (section 8.1.0.0-6 in the LMS test suite).
const RESERVED_PARAMETERS: &[&str] = &["endpoint", "fetch", "actor", "registration", "activityId"];

/// What the builder needs to know about the document.
pub(super) struct Context<'a> {
    pub files: &'a FileIndex,
    pub path: &'a str,
    pub in_package: bool,
    pub ns: Option<&'a str>,
    pub text: &'a str,
}

struct Builder<'a, 'w> {
    cx: &'a Context<'a>,
    warnings: &'w mut Warnings,
    errors: Vec<Diagnostic>,
    activity_ids: HashSet<String>,
    objective_ids: HashSet<String>,
}

/// Builds the course; every rule broken anywhere is reported together.
pub(super) fn build(
    cx: &Context<'_>,
    root: Node<'_, '_>,
    warnings: &mut Warnings,
) -> Result<Course, PackageError> {
    let mut b = Builder {
        cx,
        warnings,
        errors: Vec::new(),
        activity_ids: HashSet::new(),
        objective_ids: HashSet::new(),
    };
    let course = b
        .child(root, "course")
        .expect("the schema check requires <course>");
    let id = b.id(course, "course");
    let objectives = b
        .child(root, "objectives")
        .map(|o| b.objectives(o))
        .unwrap_or_default();
    let children: Vec<Activity> = b
        .ours(root)
        .filter(|n| matches!(n.tag_name().name(), "au" | "block"))
        .map(|n| b.node(n))
        .collect();
    if !b.errors.is_empty() {
        return Err(PackageError::Rejected {
            errors: b.errors,
            warnings: Vec::new(),
        });
    }
    let mut extensions = b.extensions(root);
    extensions.extend(b.extensions(course));
    let details = CourseDetails::Cmi5(Cmi5Course {
        objectives,
        extensions,
    });
    Ok(b.course(course, id, children, details))
}

impl Builder<'_, '_> {
    /// The course and its root activity (the course itself, holding the blocks and AUs).
    fn course(
        &self,
        course: Node<'_, '_>,
        id: String,
        children: Vec<Activity>,
        details: CourseDetails,
    ) -> Course {
        let title = self.text(course, "title").unwrap_or_default();
        let description = self.text(course, "description");
        let root = Activity {
            id: id.clone(),
            title: title.clone(),
            description: description.clone(),
            visible: true,
            launch: None,
            details: ActivityDetails::Cmi5(Cmi5Activity {
                publisher_id: id.clone(),
                ..Cmi5Activity::default()
            }),
            children,
        };
        let identifier = Some(id);
        Course {
            standard: Standard::Cmi5,
            edition: None,
            identifier,
            title,
            description,
            root,
            details,
            warnings: Vec::new(),
        }
    }

    fn ours<'a, 'i>(&self, node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> + use<'a, 'i> {
        let ns = self.cx.ns.map(str::to_owned);
        node.children()
            .filter(move |c| c.is_element() && c.tag_name().namespace() == ns.as_deref())
    }

    fn child<'a, 'i>(&self, node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
        self.ours(node).find(|c| c.tag_name().name() == name)
    }

    /// First `<langstring>` of `<title>`/`<description>` (the LMS shows one language).
    fn text(&self, node: Node<'_, '_>, name: &str) -> Option<String> {
        let holder = self.child(node, name)?;
        self.ours(holder).find_map(element_text)
    }

    fn extensions(&self, node: Node<'_, '_>) -> Vec<String> {
        node.children()
            .filter(|c| c.is_element() && c.tag_name().namespace() != self.cx.ns)
            .map(|c| self.cx.text[c.range()].to_owned())
            .collect()
    }

    fn error(&mut self, node: Node<'_, '_>, code: &'static str, message: String) {
        let line = node.document().text_pos_at(node.range().start).row;
        self.errors.push(
            Diagnostic::new(code, message)
                .in_file(self.cx.path)
                .at_line(line)
                .at_element(element_path(node)),
        );
    }

    /// The `id` of a course, block or AU: an IRI, unique among them (sections 13.1.1–13.1.4).
    fn id(&mut self, node: Node<'_, '_>, what: &str) -> String {
        let id = node.attribute("id").unwrap_or_default().trim().to_owned();
        if !is_absolute_iri(&id) {
            self.error(
                node,
                codes::CMI5_INVALID_ID,
                format!("The {what} id \"{id}\" is not an IRI (it needs a scheme such as https:)."),
            );
        } else if !self.activity_ids.insert(id.clone()) {
            self.error(
                node,
                codes::CMI5_DUPLICATE_ID,
                format!("The {what} id \"{id}\" is used more than once."),
            );
        }
        id
    }

    fn objectives(&mut self, list: Node<'_, '_>) -> Vec<Cmi5Objective> {
        let mut objectives = Vec::new();
        for node in self
            .ours(list)
            .filter(|n| n.tag_name().name() == "objective")
        {
            let id = node.attribute("id").unwrap_or_default().trim().to_owned();
            if !is_absolute_iri(&id) {
                self.error(node, codes::CMI5_INVALID_ID, format!("The objective id \"{id}\" is not an IRI (it needs a scheme such as https:)."));
            } else if !self.objective_ids.insert(id.clone()) {
                self.error(
                    node,
                    codes::CMI5_DUPLICATE_ID,
                    format!("The objective id \"{id}\" is used more than once."),
                );
            }
            let title = self.text(node, "title").unwrap_or_default();
            let description = self.text(node, "description");
            objectives.push(Cmi5Objective {
                id,
                title,
                description,
            });
        }
        objectives
    }

    /// Objective references of a block or AU; unknown ones are kept but warned about.
    fn references(&mut self, node: Node<'_, '_>) -> Vec<String> {
        let Some(list) = self.child(node, "objectives") else {
            return Vec::new();
        };
        let refs: Vec<(String, Node<'_, '_>)> = self
            .ours(list)
            .filter_map(|o| o.attribute("idref").map(|r| (r.trim().to_owned(), o)))
            .collect();
        for (idref, at) in &refs {
            if !self.objective_ids.contains(idref) {
                let line = at.document().text_pos_at(at.range().start).row;
                self.warnings.push(
                    Diagnostic::new(codes::CMI5_UNKNOWN_OBJECTIVE, format!("The objective \"{idref}\" is referenced but not defined in the course's <objectives>."))
                        .in_file(self.cx.path)
                        .at_line(line),
                );
            }
        }
        refs.into_iter().map(|(r, _)| r).collect()
    }

    fn node(&mut self, node: Node<'_, '_>) -> Activity {
        let is_au = node.tag_name().name() == "au";
        let id = self.id(node, if is_au { "AU" } else { "block" });
        let objectives = self.references(node);
        let children = if is_au {
            Vec::new()
        } else {
            self.ours(node)
                .filter(|n| matches!(n.tag_name().name(), "au" | "block"))
                .map(|n| self.node(n))
                .collect()
        };
        let launch = if is_au { self.launch(node) } else { None };
        let mut details = Cmi5Activity {
            publisher_id: id.clone(),
            is_au,
            objectives,
            extensions: self.extensions(node),
            ..Cmi5Activity::default()
        };
        if is_au {
            self.au_details(node, &mut details);
        }
        Activity {
            id,
            title: self.text(node, "title").unwrap_or_default(),
            description: self.text(node, "description"),
            visible: true,
            launch,
            details: ActivityDetails::Cmi5(details),
            children,
        }
    }

    /// AU attributes with the schema's defaults applied.
    fn au_details(&self, node: Node<'_, '_>, details: &mut Cmi5Activity) {
        let attribute = |name: &str| node.attribute(name).map(|v| v.trim().to_owned());
        details.launch_method =
            Some(attribute("launchMethod").unwrap_or_else(|| "AnyWindow".to_owned()));
        details.move_on = Some(attribute("moveOn").unwrap_or_else(|| "NotApplicable".to_owned()));
        details.mastery_score = node.attribute("masteryScore").and_then(parse_mastery);
        details.activity_type = attribute("activityType");
        let raw = |name: &str| {
            self.child(node, name)
                .map(|n| n.children().filter_map(|c| c.text()).collect::<String>())
        };
        details.launch_parameters = raw("launchParameters");
        details.entitlement_key = raw("entitlementKey");
    }

    /// The AU url: valid, free of reserved parameters, absolute or (in a package) a file of it.
    fn launch(&mut self, au: Node<'_, '_>) -> Option<Launch> {
        let url_node = self.child(au, "url")?;
        // xs:anyURI collapses whitespace: surrounding blanks and newlines are not part of it.
        let url = element_text(url_node).unwrap_or_default();
        if !is_valid_url(&url) {
            self.error(
                url_node,
                codes::CMI5_INVALID_URL,
                format!("The AU url \"{url}\" is not a valid URL."),
            );
            return None;
        }
        if let Some(name) = reserved_parameter(&url) {
            self.error(
                url_node,
                codes::CMI5_RESERVED_LAUNCH_PARAMETER,
                format!(
                    "The AU url already has the \"{name}\" parameter, which the LMS adds at launch."
                ),
            );
        }
        if launch::has_scheme(&url) {
            return Some(Launch {
                url,
                absolute: true,
            });
        }
        if !self.cx.in_package {
            self.error(url_node, codes::CMI5_RELATIVE_URL_WITHOUT_PACKAGE, format!("The AU url \"{url}\" is relative, but the course structure was imported without a package to hold the file."));
            return None;
        }
        let relative = url.trim_start_matches('/');
        match launch::resolve(self.cx.files, relative, self.cx.path, self.warnings) {
            Ok(launch) => Some(launch),
            Err(missing) => {
                self.error(url_node, codes::LAUNCH_FILE_MISSING, missing.message);
                None
            }
        }
    }
}

/// The first reserved launch parameter in the url's query, if any.
fn reserved_parameter(url: &str) -> Option<&'static str> {
    let query = url.split('#').next()?.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let name = pair.split('=').next().unwrap_or_default();
        let name = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
        RESERVED_PARAMETERS.iter().copied().find(|r| *r == name)
    })
}
