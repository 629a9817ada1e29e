//! The INI-style `.crs` file (CMI001 section 6.2): `[Section]` headers, `Key=Value` lines,
//! keys and section names case-insensitive, `;` comments, and free-text sections such as
//! `[Course_Description]` whose body may span many lines.

use std::collections::HashMap;

/// A parsed `.crs` file.
#[derive(Debug, Default, Clone)]
pub(crate) struct Ini {
    /// Lower-cased `section.key` → trimmed value (first occurrence wins).
    values: HashMap<String, String>,
    /// Lower-cased section name → its raw body lines (for free-text sections).
    bodies: HashMap<String, Vec<String>>,
}

impl Ini {
    /// Parses the text of a `.crs` file.
    pub fn parse(text: &str) -> Self {
        let mut ini = Self::default();
        let mut section = String::new();
        for line in text.lines() {
            let trimmed = line.trim();
            if let Some(name) = trimmed.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.trim().to_ascii_lowercase();
                ini.bodies.entry(section.clone()).or_default();
                continue;
            }
            ini.bodies
                .entry(section.clone())
                .or_default()
                .push(line.to_owned());
            if trimmed.starts_with(';') {
                continue;
            }
            if let Some((key, value)) = trimmed.split_once('=') {
                let key = format!("{section}.{}", key.trim().to_ascii_lowercase());
                let value = value.trim().trim_matches('"').trim().to_owned();
                ini.values.entry(key).or_insert(value);
            }
        }
        ini
    }

    /// The value of `key` in `section` (both case-insensitive), when present and not empty.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        let key = format!(
            "{}.{}",
            section.to_ascii_lowercase(),
            key.to_ascii_lowercase()
        );
        self.values
            .get(&key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The whole body of a free-text section, trimmed; `None` when absent or blank.
    pub fn body(&self, section: &str) -> Option<String> {
        let lines = self.bodies.get(&section.to_ascii_lowercase())?;
        let text = lines.join("\n");
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_case_insensitive_and_descriptions_multiline() {
        let ini = Ini::parse(
            "[COURSE]\r\ncourse_title = Safety 101\r\n; a comment\r\n[Course_Description]\r\nLine one.\r\n\r\nLine three.\r\n",
        );
        assert_eq!(ini.get("Course", "Course_Title"), Some("Safety 101"));
        assert_eq!(
            ini.body("course_description").as_deref(),
            Some("Line one.\n\nLine three.")
        );
        assert_eq!(ini.get("Course", "Version"), None);
    }
}
