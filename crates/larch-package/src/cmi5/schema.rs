//! `CourseStructure.xsd` (cmi5 1.0, section 13.2), checked in code.
//!
//! The LMS must reject a course structure that does not validate. The schema's rules are few:
//! fixed element sequences, required `id` attributes, three enumerations and the
//! `masteryScore` range. Elements of other namespaces (extensions, `xs:any ##other`) are
//! allowed only after the schema's own elements of each sequence.

use roxmltree::Node;

use crate::Diagnostic;
use crate::codes;

/// One step of an element sequence.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// Exactly one.
    One(&'static str),
    /// Zero or one.
    Optional(&'static str),
    /// One or more, of any of these names, mixed.
    Repeated(&'static [&'static str]),
}

use Step::{One, Optional, Repeated};

const COURSE_STRUCTURE: &[Step] = &[
    One("course"),
    Optional("objectives"),
    Repeated(&["au", "block"]),
];
const COURSE: &[Step] = &[One("title"), One("description")];
const BLOCK: &[Step] = &[
    One("title"),
    One("description"),
    Optional("objectives"),
    Repeated(&["au", "block"]),
];
const AU: &[Step] = &[
    One("title"),
    One("description"),
    Optional("objectives"),
    One("url"),
    Optional("launchParameters"),
    Optional("entitlementKey"),
];
const TEXT: &[Step] = &[Repeated(&["langstring"])];
const OBJECTIVE_LIST: &[Step] = &[Repeated(&["objective"])];

/// Validates the document under `root` (a `courseStructure`); `ns` is its namespace (the
/// cmi5 one, or a draft one accepted in its place). Returns the violations, and warnings for
/// attributes of the pre-1.0 drafts (`passIsFinal`, `authenticationMethod`…) that `draft`
/// documents may still carry.
pub(crate) fn validate(
    root: Node<'_, '_>,
    ns: Option<&str>,
    draft: bool,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let mut checker = Checker {
        ns,
        draft,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    checker.element(root, "courseStructure");
    (checker.errors, checker.warnings)
}

struct Checker<'n> {
    ns: Option<&'n str>,
    draft: bool,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn ours(&self, node: Node<'_, '_>) -> bool {
        node.tag_name().namespace() == self.ns
    }

    /// Checks `node`, known by its schema role `role`, and everything below it.
    fn element(&mut self, node: Node<'_, '_>, role: &str) {
        let (steps, attributes): (&[Step], &[&str]) = match role {
            "courseStructure" => (COURSE_STRUCTURE, &[]),
            "course" => (COURSE, &["id"]),
            "block" => (BLOCK, &["id"]),
            "au" => (
                AU,
                &[
                    "id",
                    "moveOn",
                    "masteryScore",
                    "launchMethod",
                    "activityType",
                ],
            ),
            "title" | "description" => (TEXT, &[]),
            "objectives" => (OBJECTIVE_LIST, &[]),
            "objective" => return self.objective(node),
            "langstring" => return self.attributes(node, &["lang"]),
            // url, launchParameters, entitlementKey: simple content.
            _ => return self.attributes(node, &[]),
        };
        self.attributes(node, attributes);
        if matches!(role, "course" | "block" | "au") {
            self.required_id(node, role);
        }
        if role == "au" {
            self.au_attributes(node);
        }
        self.sequence(node, steps);
        let ns = self.ns;
        for child in node
            .children()
            .filter(|c| c.is_element() && c.tag_name().namespace() == ns)
        {
            self.element(child, child.tag_name().name());
        }
    }

    /// Course-level objectives have `all { title, description }` and an `id`; references
    /// (inside blocks and AUs) are empty with an `idref`.
    fn objective(&mut self, node: Node<'_, '_>) {
        let in_course = node
            .parent_element()
            .and_then(|p| p.parent_element())
            .is_some_and(|g| g.tag_name().name() == "courseStructure");
        if !in_course {
            return self.attributes(node, &["idref"]);
        }
        self.attributes(node, &["id"]);
        self.required_id(node, "objective");
        let names: Vec<&str> = node
            .children()
            .filter(|c| c.is_element())
            .map(|c| c.tag_name().name())
            .collect();
        for needed in ["title", "description"] {
            if names.iter().filter(|n| **n == needed).count() != 1 {
                self.violation(node, &format!("an objective needs exactly one <{needed}>"));
            }
        }
        if let Some(other) = names
            .iter()
            .find(|n| !matches!(**n, "title" | "description"))
        {
            self.violation(node, &format!("<{other}> is not allowed in an objective"));
        }
        let ns = self.ns;
        for child in node
            .children()
            .filter(|c| c.is_element() && c.tag_name().namespace() == ns)
        {
            self.element(child, child.tag_name().name());
        }
    }

    /// Matches the children against the sequence; foreign-namespace elements may follow it.
    fn sequence(&mut self, node: Node<'_, '_>, steps: &[Step]) {
        let mut children = node.children().filter(Node::is_element).peekable();
        for step in steps {
            let (names, min, many): (&[&str], usize, bool) = match step {
                One(name) => (std::slice::from_ref(name), 1, false),
                Optional(name) => (std::slice::from_ref(name), 0, false),
                Repeated(names) => (names, 1, true),
            };
            let mut count = 0;
            while let Some(child) = children.peek() {
                if !(self.ours(*child) && names.contains(&child.tag_name().name()))
                    || (count == 1 && !many)
                {
                    break;
                }
                count += 1;
                children.next();
            }
            if count < min {
                let what = names.join("> or <");
                self.violation(node, &format!("<{what}> is missing or out of order"));
                return;
            }
        }
        if let Some(extra) = children.find(|c| self.ours(*c) || c.tag_name().namespace().is_none())
        {
            let name = extra.tag_name().name();
            self.violation(extra, &format!("<{name}> is not allowed here"));
        }
    }

    fn attributes(&mut self, node: Node<'_, '_>, allowed: &[&str]) {
        for attribute in node.attributes() {
            if attribute.namespace().is_none() && !allowed.contains(&attribute.name()) {
                if self.draft {
                    self.draft_attribute(node, attribute.name());
                } else {
                    let what = format!("the attribute {} is not allowed", attribute.name());
                    self.violation(node, &what);
                }
            }
        }
    }

    fn required_id(&mut self, node: Node<'_, '_>, role: &str) {
        if node.attribute("id").is_none() {
            self.violation(node, &format!("<{role}> needs an id attribute"));
        }
    }

    fn au_attributes(&mut self, node: Node<'_, '_>) {
        const MOVE_ON: &[&str] = &[
            "NotApplicable",
            "Passed",
            "Completed",
            "CompletedAndPassed",
            "CompletedOrPassed",
        ];
        if let Some(value) = node
            .attribute("moveOn")
            .filter(|v| !MOVE_ON.contains(&v.trim()))
        {
            self.violation(
                node,
                &format!("moveOn=\"{value}\" is not one of {}", MOVE_ON.join(", ")),
            );
        }
        if let Some(value) = node
            .attribute("launchMethod")
            .filter(|v| !matches!(v.trim(), "AnyWindow" | "OwnWindow"))
        {
            self.violation(
                node,
                &format!("launchMethod=\"{value}\" is not AnyWindow or OwnWindow"),
            );
        }
        if let Some(value) = node.attribute("masteryScore")
            && parse_mastery(value).is_none()
        {
            self.violation(
                node,
                &format!("masteryScore=\"{value}\" is not a decimal from 0 to 1"),
            );
        }
    }

    fn draft_attribute(&mut self, node: Node<'_, '_>, name: &str) {
        let line = node.document().text_pos_at(node.range().start).row;
        self.warnings.push(
            Diagnostic::new(
                codes::CMI5_DRAFT_ATTRIBUTE_IGNORED,
                format!("The attribute {name} of the cmi5 drafts is not part of cmi5 1.0; it was ignored."),
            )
            .at_line(line)
            .at_element(element_path(node)),
        );
    }

    fn violation(&mut self, node: Node<'_, '_>, what: &str) {
        let line = node.document().text_pos_at(node.range().start).row;
        self.errors.push(
            Diagnostic::new(
                codes::CMI5_SCHEMA_VIOLATION,
                format!("The course structure is invalid: {what}."),
            )
            .at_line(line)
            .at_element(element_path(node)),
        );
    }
}

/// `xs:decimal` in [0, 1]: optional sign, digits, optional fraction; no exponent.
pub(crate) fn parse_mastery(value: &str) -> Option<f64> {
    let value = value.trim();
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let valid = !digits.is_empty()
        && digits != "."
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.matches('.').count() <= 1;
    let number: f64 = value.parse().ok().filter(|_| valid)?;
    (0.0..=1.0).contains(&number).then_some(number)
}

/// `courseStructure/block[2]/au[1]`: where a node is, for locations.
pub(crate) fn element_path(node: Node<'_, '_>) -> String {
    let mut parts: Vec<String> = node
        .ancestors()
        .filter(Node::is_element)
        .map(|n| {
            let name = n.tag_name().name();
            let position = n
                .prev_siblings()
                .skip(1)
                .filter(|s| s.is_element() && s.tag_name().name() == name)
                .count();
            if n.parent_element().is_none() {
                name.to_owned()
            } else {
                format!("{name}[{}]", position + 1)
            }
        })
        .collect();
    parts.reverse();
    parts.join("/")
}
