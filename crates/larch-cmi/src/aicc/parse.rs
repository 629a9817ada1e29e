//! The INI-like `aicc_data` syntax (CMI001 appendix A.1): `[Section]`
//! headers, `keyword = value` lines, `;` comments; keywords and section names
//! are case-insensitive; some sections hold free-form text.

use serde::{Deserialize, Serialize};

/// Sections whose body is free text rather than `key=value` lines
/// (CMI001 A.2: Core_Lesson, Core_Vendor, Comments).
const FREE_TEXT: &[&str] = &["core_lesson", "core_vendor", "comments"];

/// One section of an `aicc_data` block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Section {
    /// Name as written (without brackets).
    pub name: String,
    /// `key=value` pairs in order (keys as written).
    pub entries: Vec<(String, String)>,
    /// Free text of the section (free-text sections only), lines joined by `\r\n`.
    pub text: String,
}

/// A parsed `aicc_data` block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AiccData {
    /// Sections in order.
    pub sections: Vec<Section>,
}

impl AiccData {
    /// Parses `aicc_data`. Never fails: lines outside any section and
    /// malformed lines are ignored, as HACP LMSs conventionally do.
    pub fn parse(text: &str) -> Self {
        let mut data = Self::default();
        for raw in text.lines() {
            let line = raw.trim_end_matches('\r');
            let trimmed = line.trim();
            if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
                data.sections.push(Section {
                    name: name.trim().to_owned(),
                    ..Section::default()
                });
                continue;
            }
            let Some(section) = data.sections.last_mut() else {
                continue;
            };
            if is_free_text(&section.name) {
                if !section.text.is_empty() || !trimmed.is_empty() {
                    if !section.text.is_empty() {
                        section.text.push_str("\r\n");
                    }
                    section.text.push_str(line);
                }
                continue;
            }
            if trimmed.is_empty() || trimmed.starts_with(';') {
                continue;
            }
            if let Some((k, v)) = trimmed.split_once('=') {
                section
                    .entries
                    .push((k.trim().to_owned(), v.trim().to_owned()));
            }
        }
        for s in &mut data.sections {
            let kept = s.text.trim_end().len();
            s.text.truncate(kept);
        }
        data
    }

    /// The section named `name` (case-insensitive).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The value of `key` in section `section` (both case-insensitive).
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.section(section)?
            .entries
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Writes the block back in HACP form (`\r\n` line ends).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for s in &self.sections {
            out.push_str(&format!("[{}]\r\n", s.name));
            for (k, v) in &s.entries {
                out.push_str(&format!("{k}={v}\r\n"));
            }
            if !s.text.is_empty() {
                out.push_str(&s.text);
                out.push_str("\r\n");
            }
        }
        out
    }
}

fn is_free_text(name: &str) -> bool {
    FREE_TEXT.iter().any(|f| f.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::AiccData;

    #[test]
    fn parses_sections_case_insensitively() {
        let text = "[CORE]\r\nlesson_location = page 3\r\n; a comment\r\nLESSON_STATUS=i,s\r\nScore=80,100,0\r\nTime=00:10:05\r\n[core_lesson]\r\nline one\r\nline two = not a key\r\n\r\n[Comments]\r\n<1>great</1>\r\n";
        let d = AiccData::parse(text);
        assert_eq!(d.get("Core", "Lesson_Location"), Some("page 3"));
        assert_eq!(d.get("core", "lesson_status"), Some("i,s"));
        assert_eq!(
            d.section("Core_Lesson").map(|s| s.text.as_str()),
            Some("line one\r\nline two = not a key")
        );
        assert_eq!(
            d.section("COMMENTS").map(|s| s.text.as_str()),
            Some("<1>great</1>")
        );
        assert_eq!(AiccData::parse(&d.to_text()), d);
    }
}
