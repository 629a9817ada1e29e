//! Java `.properties` files as the CTS writes them: `key=value` lines, `#` comments,
//! backslash line continuations and `\uXXXX` escapes, in file order.

/// The `(key, value)` pairs of a properties file, in file order.
pub fn parse_properties(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let mut line = line.trim_start().to_owned();
        while line.ends_with('\\') {
            line.pop();
            match lines.next() {
                Some(next) => line.push_str(next.trim_start()),
                None => break,
            }
        }
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            out.push((key.trim().to_owned(), unescape(value)));
        }
    }
    out
}

/// Decodes `\uXXXX` escapes.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&'u') {
            chars.next();
            let hex: String = chars.by_ref().take(4).collect();
            match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                Some(decoded) => out.push(decoded),
                None => {
                    out.push_str("\\u");
                    out.push_str(&hex);
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_comments_and_escapes() {
        let text = "# c\na=1\nb=x \\\n   y\nc=\\u0041B\n";
        let pairs = parse_properties(text);
        assert_eq!(
            pairs,
            [
                ("a".into(), "1".into()),
                ("b".into(), "x y".into()),
                ("c".into(), "AB".into())
            ]
        );
    }
}

/// The `(key, value)` pairs of a properties file with the full `java.util.Properties#load`
/// syntax (`=`, `:` or white space separators, odd trailing backslashes continue a line,
/// `\t \n \r \f \uXXXX` and escaped separators), in file order. The Test Suite reads its
/// scripts with this syntax, so the data-model calls are decoded exactly as it decodes them.
pub fn parse_properties_java(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(first) = lines.next() {
        let mut logical = first.trim_start().to_owned();
        if logical.is_empty() || logical.starts_with('#') || logical.starts_with('!') {
            continue;
        }
        while ends_with_odd_backslashes(&logical) {
            logical.pop();
            match lines.next() {
                Some(next) => logical.push_str(next.trim_start()),
                None => break,
            }
        }
        out.push(split_entry(&logical));
    }
    out
}

fn ends_with_odd_backslashes(s: &str) -> bool {
    s.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1
}

fn split_entry(line: &str) -> (String, String) {
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '=' | ':' | ' ' | '\t' => break,
            _ => i += 1,
        }
    }
    let key: String = chars[..i.min(chars.len())].iter().collect();
    let mut j = i;
    while j < chars.len() && (chars[j] == ' ' || chars[j] == '\t') {
        j += 1;
    }
    if j < chars.len() && (chars[j] == '=' || chars[j] == ':') {
        j += 1;
        while j < chars.len() && (chars[j] == ' ' || chars[j] == '\t') {
            j += 1;
        }
    }
    let value: String = chars[j.min(chars.len())..].iter().collect();
    (unescape_java(&key), unescape_java(&value))
}

fn unescape_java(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = it.by_ref().take(4).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod java_tests {
    use super::*;

    #[test]
    fn java_separators_and_escapes() {
        let pairs = parse_properties_java("a:1\nb 2\nc=x\\=y \\\n  z\nd=\\t\n");
        assert_eq!(
            pairs,
            [
                ("a".into(), "1".into()),
                ("b".into(), "2".into()),
                ("c".into(), "x=y z".into()),
                ("d".into(), "\t".into())
            ]
        );
    }
}
