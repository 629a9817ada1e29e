//! Hrefs: `xml:base` joining (CAM 3.4.1.12 / IMS CP 1.1.4: manifest, resources and resource
//! bases are concatenated in that order), normalization, and the item `parameters` rule.

/// Whether an href is an absolute URL (`http:`, `https:`, `mailto:`…) rather than a path in
/// the package. A Windows drive letter (`C:`) is not a scheme.
pub(crate) fn is_absolute_url(href: &str) -> bool {
    match href.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() > 1
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => href.starts_with("//"),
    }
}

/// Joins an `xml:base` chain and an href. Each base is read as a folder even without its
/// trailing `/` (what authors mean; the ADL sample RTE does the same). An absolute base or
/// href restarts the chain.
pub(crate) fn join(bases: &[&str], href: &str) -> String {
    let mut out = String::new();
    for part in bases.iter().copied().chain(std::iter::once(href)) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if is_absolute_url(part) || part.starts_with('/') {
            out.clear();
        } else if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(part);
    }
    out
}

/// A path inside the package: `./` segments dropped, `..` applied, backslashes read as `/`.
/// `None` when it climbs above the package root.
pub(crate) fn normalize(path: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    let unified = path.replace('\\', "/");
    for segment in unified.trim_start_matches('/').split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    let mut out = segments.join("/");
    if unified.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// An href split into its path, query (without `?`) and fragment (without `#`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct SplitHref {
    pub path: String,
    pub query: Option<String>,
    pub fragment: Option<String>,
}

impl SplitHref {
    /// Splits `href` at its first `#`, then at the first `?` before it.
    pub(crate) fn new(href: &str) -> Self {
        let (rest, fragment) = match href.split_once('#') {
            Some((r, f)) => (r, Some(f.to_owned())),
            None => (href, None),
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (rest, None),
        };
        Self {
            path: path.to_owned(),
            query,
            fragment,
        }
    }

    /// Applies an item's `parameters` (CAM 3.4.1.9, the algorithm of the ADL sample RTE's
    /// `LaunchData.getLaunchLine`): leading `?` and `&` are dropped; a `#fragment` is used only
    /// when the href has none; anything else joins the query with `&`, or starts it.
    pub(crate) fn apply_parameters(&mut self, parameters: &str) {
        let params = parameters.trim().trim_start_matches(['?', '&']);
        if let Some(fragment) = params.strip_prefix('#') {
            if self.fragment.is_none() {
                self.fragment = Some(fragment.to_owned());
            }
        } else if !params.is_empty() {
            // A query in the parameters may itself carry a fragment: keep it as the fragment.
            let (query, fragment) = match params.split_once('#') {
                Some((q, f)) => (q, Some(f)),
                None => (params, None),
            };
            self.query = Some(match self.query.take() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{query}"),
                _ => query.to_owned(),
            });
            if self.fragment.is_none() {
                self.fragment = fragment.map(str::to_owned);
            }
        }
    }

    /// Reassembles `path?query#fragment`.
    pub(crate) fn to_url(&self) -> String {
        let mut url = self.path.clone();
        if let Some(query) = &self.query {
            url.push('?');
            url.push_str(query);
        }
        if let Some(fragment) = &self.fragment {
            url.push('#');
            url.push_str(fragment);
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bases_join_as_folders_and_absolute_parts_restart() {
        assert_eq!(
            join(&["", "content/", "sco1"], "index.html"),
            "content/sco1/index.html"
        );
        assert_eq!(
            join(&["http://cdn.example/x/"], "a.html"),
            "http://cdn.example/x/a.html"
        );
        assert_eq!(
            join(&["base/"], "https://example.com/a"),
            "https://example.com/a"
        );
        assert!(is_absolute_url("https://example.com"));
        assert!(!is_absolute_url("C:/course/index.html"));
        assert!(!is_absolute_url("index.html"));
    }

    #[test]
    fn normalization_resolves_dots_and_refuses_escapes() {
        assert_eq!(normalize("./a/b/../c.html").as_deref(), Some("a/c.html"));
        assert_eq!(normalize("a\\b.html").as_deref(), Some("a/b.html"));
        assert_eq!(normalize("../x.html"), None);
    }

    #[test]
    fn parameters_follow_the_cam_rules() {
        let cases = [
            ("a.html", "?x=1", "a.html?x=1"),
            ("a.html?y=2", "&x=1", "a.html?y=2&x=1"),
            ("a.html", "#page3", "a.html#page3"),
            ("a.html#top", "#page3", "a.html#top"),
            ("a.html#top", "x=1", "a.html?x=1#top"),
            ("a.html", "??&x=1", "a.html?x=1"),
            ("a.html", "", "a.html"),
        ];
        for (href, params, expected) in cases {
            let mut split = SplitHref::new(href);
            split.apply_parameters(params);
            assert_eq!(split.to_url(), expected, "{href} + {params}");
        }
    }
}
