//! The scripted API calls: `CALL->element[!value]->expected->error`, with abbreviations
//! decoded by `resources/Commands.properties` (Test Suite `LMSParser`).

use std::collections::HashMap;

use crate::CtsError;

/// The abbreviation table of `resources/Commands.properties`.
#[derive(Debug, Clone, Default)]
pub struct CommandTable(HashMap<String, String>);

impl CommandTable {
    /// A table from the file's pairs.
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    /// The word for `token`, or the token itself when it is no abbreviation
    /// (numbers, identifiers).
    pub fn decode<'a>(&'a self, token: &'a str) -> &'a str {
        self.0.get(token).map_or(token, String::as_str)
    }

    /// The word for `key` with its `%s` replaced by `arg` (`tar` → `{target=ID}`), or the
    /// key itself when it is no abbreviation (`Resources.getString` with a format argument).
    pub fn decode_with(&self, key: &str, arg: &str) -> String {
        self.0
            .get(key)
            .map_or_else(|| key.to_owned(), |f| f.replace("%s", arg))
    }

    /// A dotted data-model element (`c~OB~0~S~SCA` → `cmi.objectives.0.score.scaled`);
    /// `tar~ID` becomes `{target=ID}` and `&ID&` stays as written.
    pub fn element(&self, tokens: &[&str]) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i] == "tar" && i + 1 < tokens.len() {
                parts.push(format!("{{target={}}}", tokens[i + 1]));
                i += 2;
            } else {
                parts.push(self.decode(tokens[i]).to_owned());
                i += 1;
            }
        }
        parts.join(".")
    }

    /// A SET value: `tar~ID~TY.c` is `{target=ID}choice`, anything else one token.
    pub fn value(&self, value: &str) -> String {
        let tokens: Vec<&str> = value.split('~').collect();
        match tokens.as_slice() {
            ["tar", target, verb] => format!("{{target={target}}}{}", self.decode(verb)),
            _ => self.decode(value).to_owned(),
        }
    }
}

/// The API function a command calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `Initialize("")`
    Initialize,
    /// `Terminate("")`
    Terminate,
    /// `Commit("")`
    Commit,
    /// `GetValue(element)`
    GetValue,
    /// `SetValue(element, value)`
    SetValue,
    /// `GetLastError()`
    GetLastError,
    /// `GetErrorString(code)`
    GetErrorString,
    /// `GetDiagnostic(code)`
    GetDiagnostic,
    /// Compare the objective ids the LMS initialized with a list.
    CompareObjectiveIds,
}

/// One decoded scripted call with its expected result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The function.
    pub call: Call,
    /// The data-model element, decoded (`adl.nav.request_valid.continue`), if any.
    pub element: String,
    /// The value a SET writes, decoded (`{target=activity_2}choice`), if any.
    pub value: String,
    /// The expected return value, decoded (`true`, `passed`, …).
    pub expected: String,
    /// The expected error code (`0` for none).
    pub error: String,
    /// The line as written in the script.
    pub raw: String,
}

impl Command {
    /// Parses one `commands.k` value.
    pub fn parse(line: &str, table: &CommandTable) -> Result<Self, CtsError> {
        let parts: Vec<&str> = line.split("->").collect();
        let bad = || CtsError::Grammar(format!("bad command `{line}`"));
        let (&name, rest) = parts.split_first().ok_or_else(bad)?;
        let call = match name {
            "I" => Call::Initialize,
            "T" => Call::Terminate,
            "C" => Call::Commit,
            "GET" => Call::GetValue,
            "SET" => Call::SetValue,
            "GLE" => Call::GetLastError,
            "GES" => Call::GetErrorString,
            "GeDi" => Call::GetDiagnostic,
            "COI" => Call::CompareObjectiveIds,
            _ => return Err(bad()),
        };
        let params = rest.first().copied().unwrap_or_default();
        let error = if rest.len() >= 2 {
            rest[rest.len() - 1]
        } else {
            ""
        };
        let expected = if rest.len() >= 3 {
            rest[1..rest.len() - 1].join("->")
        } else {
            String::new()
        };
        let (element, value) = match (call, params.split_once('!')) {
            (Call::SetValue, Some((element, value))) => (element, table.value(value)),
            _ => (params, String::new()),
        };
        let tokens: Vec<&str> = element.split('~').filter(|t| !t.is_empty()).collect();
        Ok(Self {
            call,
            element: if call == Call::CompareObjectiveIds {
                element.to_owned()
            } else {
                table.element(&tokens)
            },
            value,
            expected: table.decode(&expected).to_owned(),
            error: error.to_owned(),
            raw: line.to_owned(),
        })
    }
}

/// A command table with the abbreviations the unit tests use.
#[cfg(test)]
pub(crate) fn test_table() -> CommandTable {
    let pairs = [
        ("a", "adl"),
        ("c", "cmi"),
        ("n", "nav"),
        ("r", "request"),
        ("rv", "request_valid"),
        ("TY.c", "choice"),
        ("N.c", "continue"),
        ("SS", "success_status"),
        ("pass", "passed"),
        ("t", "true"),
        ("OB", "objectives"),
        ("S", "score"),
        ("SCA", "scaled"),
        ("tar", "{target=%s}"),
    ];
    CommandTable::new(
        pairs
            .iter()
            .map(|(a, b)| ((*a).into(), (*b).into()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_sets_and_gets() {
        let t = test_table();
        let set = Command::parse("SET->a~n~r!tar~activity_1~TY.c->t->0", &t).unwrap();
        assert_eq!(
            (set.element.as_str(), set.value.as_str()),
            ("adl.nav.request", "{target=activity_1}choice")
        );
        assert_eq!((set.expected.as_str(), set.error.as_str()), ("true", "0"));
        let get = Command::parse("GET->a~n~rv~TY.c~tar~activity_2->t->0", &t).unwrap();
        assert_eq!(
            get.element,
            "adl.nav.request_valid.choice.{target=activity_2}"
        );
        let obj = Command::parse("SET->c~OB~&obj1&~S~SCA!-0.25->t->0", &t).unwrap();
        assert_eq!(
            (obj.element.as_str(), obj.value.as_str()),
            ("cmi.objectives.&obj1&.score.scaled", "-0.25")
        );
        let init = Command::parse("I->->t->0", &t).unwrap();
        assert_eq!(
            (init.call, init.expected.as_str()),
            (Call::Initialize, "true")
        );
    }
}
