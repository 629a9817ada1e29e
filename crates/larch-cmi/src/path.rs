//! Parsing of dotted data-model element names.

/// A parsed element name such as `cmi.interactions.3.objectives.0.id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ElementPath<'a> {
    /// The name as the SCO passed it.
    pub raw: &'a str,
    /// The name with indices in canonical decimal form (`cmi.interactions.01.id`
    /// → `cmi.interactions.1.id`); the key under which the value is stored.
    pub canonical: String,
    /// The name with every index replaced by `n` (`cmi.interactions.n.objectives.n.id`).
    pub pattern: String,
    /// For each index: the collection it indexes, in canonical form
    /// (`cmi.interactions`, `cmi.interactions.3.objectives`), and the index.
    pub indices: Vec<(String, usize)>,
}

/// The reserved keywords of both data models (2004 RTE 4.1.2, 1.2 RTE 3.4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    Version,
    Children,
    Count,
}

impl<'a> ElementPath<'a> {
    /// Splits `raw` on dots. A token of decimal digits after the first is an
    /// index; like the ADL sample RTE we read `01` as index 1. Anything else
    /// (`-1`, `1e2`, an index too large for memory) is a name, which then fails
    /// to match the tables and yields "undefined element".
    pub fn parse(raw: &'a str) -> Self {
        let mut pattern = String::with_capacity(raw.len());
        let mut canonical = String::with_capacity(raw.len());
        let mut indices = Vec::new();
        for (i, token) in raw.split('.').enumerate() {
            if i > 0 {
                pattern.push('.');
                canonical.push('.');
            }
            match index(token) {
                Some(idx) if i > 0 => {
                    indices.push((canonical[..canonical.len() - 1].to_owned(), idx));
                    pattern.push('n');
                    canonical.push_str(&idx.to_string());
                }
                _ => {
                    pattern.push_str(token);
                    canonical.push_str(token);
                }
            }
        }
        Self {
            raw,
            canonical,
            pattern,
            indices,
        }
    }

    /// The trailing keyword, if any, and the pattern before it.
    pub fn keyword(&self) -> Option<(Keyword, &str)> {
        let (prefix, last) = self.pattern.rsplit_once('.')?;
        let kw = match last {
            "_version" => Keyword::Version,
            "_children" => Keyword::Children,
            "_count" => Keyword::Count,
            _ => return None,
        };
        Some((kw, prefix))
    }

    /// The canonical name without its last token (the record or container).
    pub fn parent(&self) -> &str {
        self.canonical.rsplit_once('.').map_or("", |(p, _)| p)
    }
}

fn index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if digits { token.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_indices() {
        let p = ElementPath::parse("cmi.interactions.3.objectives.10.id");
        assert_eq!(p.pattern, "cmi.interactions.n.objectives.n.id");
        let expected = vec![
            ("cmi.interactions".to_owned(), 3),
            ("cmi.interactions.3.objectives".to_owned(), 10),
        ];
        assert_eq!(p.indices, expected);
        assert_eq!(p.parent(), "cmi.interactions.3.objectives.10");
    }

    #[test]
    fn leading_zeros_are_canonicalized() {
        let p = ElementPath::parse("cmi.objectives.01.id");
        assert_eq!(
            (p.pattern.as_str(), p.canonical.as_str()),
            ("cmi.objectives.n.id", "cmi.objectives.1.id")
        );
        assert_eq!(
            ElementPath::parse("cmi.objectives.-1.id").pattern,
            "cmi.objectives.-1.id"
        );
    }

    #[test]
    fn keywords() {
        let p = ElementPath::parse("cmi.interactions.0.objectives._count");
        assert_eq!(
            p.keyword(),
            Some((Keyword::Count, "cmi.interactions.n.objectives"))
        );
    }
}
