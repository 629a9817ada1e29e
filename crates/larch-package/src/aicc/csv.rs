//! The comma-separated format of the AICC `.au`, `.des`, `.cst`, `.ort` and `.pre` files
//! (CMI001 section 6.1: fields in double quotes, `""` for a quote inside, commas between).
//!
//! Tools are loose: unquoted fields, CRLF or LF, blank lines, a final line without a newline,
//! newlines inside quoted fields. All of it is read; nothing here fails.

/// One data row with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// Line where the row starts.
    pub line: u32,
    /// The fields, unquoted; unquoted fields are trimmed.
    pub fields: Vec<String>,
}

/// Splits `text` into rows; blank rows are skipped.
pub(crate) fn rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut parser = Parser::default();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (parser.quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                parser.field.push('"');
            }
            (true, '"') => parser.quoted = false,
            (false, '"') if parser.field.trim().is_empty() => {
                parser.field.clear();
                parser.quoted = true;
                parser.was_quoted = true;
            }
            (false, ',') => parser.end_field(),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => parser.end_row(&mut rows),
            (_, c) => parser.field.push(c),
        }
        if c == '\n' {
            parser.line += 1;
        }
    }
    parser.end_row(&mut rows);
    rows
}

#[derive(Default)]
struct Parser {
    field: String,
    fields: Vec<String>,
    quoted: bool,
    was_quoted: bool,
    /// Newlines seen so far (0-based line of the current character).
    line: u32,
    /// Line the current row started on.
    row_start: u32,
}

impl Parser {
    fn end_field(&mut self) {
        let field = std::mem::take(&mut self.field);
        self.fields.push(if self.was_quoted {
            field
        } else {
            field.trim().to_owned()
        });
        self.was_quoted = false;
    }

    fn end_row(&mut self, rows: &mut Vec<Row>) {
        self.end_field();
        let fields = std::mem::take(&mut self.fields);
        if fields.iter().any(|f| !f.is_empty()) {
            rows.push(Row {
                line: self.row_start + 1,
                fields,
            });
        }
        self.row_start = self.line + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines() {
        let text = "\"a\",\"b, c\",\"say \"\"hi\"\"\"\r\n\r\nplain , 7,\"two\nlines\"\n\"last\"";
        let rows = rows(text);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].fields, ["a", "b, c", "say \"hi\""]);
        assert_eq!(rows[1].fields, ["plain", "7", "two\nlines"]);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[2].fields, ["last"]);
        assert_eq!(rows[2].line, 5);
    }

    #[test]
    fn empty_fields_are_kept() {
        assert_eq!(rows("\"A2\",,\"\",x").remove(0).fields, ["A2", "", "", "x"]);
    }
}
