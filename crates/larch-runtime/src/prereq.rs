//! Prerequisites of the simple navigation model: SCORM 1.2 `adlcp:prerequisites`
//! (`type="aicc_script"`, SCORM 1.2 CAM 2.3.2.x) and AICC `.pre` files (CMI001 Appendix B,
//! "AICC script"), one small expression language.
//!
//! ```text
//! expr    := and ('|' and)*
//! and     := unary ('&' unary)*
//! unary   := '~' unary | primary
//! primary := '(' expr ')' | N '*' '{' id (',' id)* '}' | id (('=' | '<>') status)?
//! ```
//! An identifier alone is true when that activity is `passed` or `completed` (CMI001 B.2);
//! `id = status` compares its lesson status (`passed`, `completed`, `failed`,
//! `incomplete`, `browsed`, `not attempted`, or the CMI001 letters `p c f i b n`);
//! `N*{a,b,c}` is true when at least N of the set are passed or completed. The words `AND`,
//! `OR` and `NOT` (any case) stand for `&`, `|` and `~`, as packages in the wild write them.

use serde::{Deserialize, Serialize};

/// A parsed prerequisite expression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "op")]
pub enum Prerequisite {
    /// The activity is passed or completed.
    Done {
        /// Activity identifier.
        id: String,
    },
    /// The activity's lesson status equals (or, negated, differs from) `status`.
    Status {
        /// Activity identifier.
        id: String,
        /// The status, in SCORM 1.2 vocabulary (`passed`, `not attempted`, …).
        status: String,
        /// `<>` rather than `=`.
        negated: bool,
    },
    /// At least `count` of the set are passed or completed.
    AtLeast {
        /// The minimum.
        count: usize,
        /// Activity identifiers.
        ids: Vec<String>,
    },
    /// Logical not.
    Not {
        /// Operand.
        inner: Box<Prerequisite>,
    },
    /// Logical and.
    And {
        /// Operands.
        all: Vec<Prerequisite>,
    },
    /// Logical or.
    Or {
        /// Operands.
        any: Vec<Prerequisite>,
    },
}

impl Prerequisite {
    /// Parses an expression; `None` if it is empty or malformed (the runtime then imposes no
    /// prerequisite rather than lock the learner out of content over a typo).
    pub fn parse(text: &str) -> Option<Self> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, at: 0 };
        let expr = parser.or()?;
        (parser.at == parser.tokens.len()).then_some(expr)
    }

    /// Evaluates the expression; `status(id)` is the activity's SCORM 1.2 lesson status, or
    /// `None` when the course has no such activity (such a term is treated as met: no
    /// learner could ever meet it).
    pub fn is_met(&self, status: &dyn Fn(&str) -> Option<String>) -> bool {
        let done =
            |id: &str| status(id).is_none_or(|s| matches!(s.as_str(), "passed" | "completed"));
        match self {
            Self::Done { id } => done(id),
            Self::Status {
                id,
                status: want,
                negated,
            } => status(id).is_none_or(|s| (s == *want) != *negated),
            Self::AtLeast { count, ids } => ids.iter().filter(|id| done(id)).count() >= *count,
            Self::Not { inner } => !inner.is_met(status),
            Self::And { all } => all.iter().all(|p| p.is_met(status)),
            Self::Or { any } => any.iter().any(|p| p.is_met(status)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Sym(&'static str),
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let word: String = chars.by_ref().take_while(|&c| c != '"').collect();
            out.push(Token::Word(word));
        } else if c == '<' {
            chars.next();
            (chars.next()? == '>').then_some(())?;
            out.push(Token::Sym("<>"));
        } else if let Some(sym) = ["&", "|", "~", "(", ")", "=", "*", "{", "}", ","]
            .into_iter()
            .find(|s| s.starts_with(c))
        {
            chars.next();
            out.push(Token::Sym(sym));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || "&|~()=*{},<\"".contains(c) {
                    break;
                }
                word.push(c);
                chars.next();
            }
            // Packages in the wild spell the operators out (`module1 AND module2`).
            out.push(match word.to_ascii_uppercase().as_str() {
                "AND" => Token::Sym("&"),
                "OR" => Token::Sym("|"),
                "NOT" => Token::Sym("~"),
                _ => Token::Word(word),
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek_sym(&self, sym: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Sym(s)) if *s == sym)
    }

    fn eat(&mut self, sym: &str) -> Option<()> {
        self.peek_sym(sym).then(|| self.at += 1)
    }

    fn word(&mut self) -> Option<String> {
        match self.tokens.get(self.at)? {
            Token::Word(w) => {
                self.at += 1;
                Some(w.clone())
            }
            Token::Sym(_) => None,
        }
    }

    fn or(&mut self) -> Option<Prerequisite> {
        let mut any = vec![self.and()?];
        while self.eat("|").is_some() {
            any.push(self.and()?);
        }
        Some(if any.len() == 1 {
            any.remove(0)
        } else {
            Prerequisite::Or { any }
        })
    }

    fn and(&mut self) -> Option<Prerequisite> {
        let mut all = vec![self.unary()?];
        while self.eat("&").is_some() {
            all.push(self.unary()?);
        }
        Some(if all.len() == 1 {
            all.remove(0)
        } else {
            Prerequisite::And { all }
        })
    }

    fn unary(&mut self) -> Option<Prerequisite> {
        if self.eat("~").is_some() {
            let inner = Box::new(self.unary()?);
            return Some(Prerequisite::Not { inner });
        }
        if self.eat("(").is_some() {
            let inner = self.or()?;
            self.eat(")")?;
            return Some(inner);
        }
        let id = self.word()?;
        if self.eat("*").is_some() {
            return self.set(&id);
        }
        let negated = self.peek_sym("<>");
        if self.eat("=").is_some() || self.eat("<>").is_some() {
            let status = status_word(&self.word()?)?;
            return Some(Prerequisite::Status {
                id,
                status,
                negated,
            });
        }
        Some(Prerequisite::Done { id })
    }

    fn set(&mut self, count: &str) -> Option<Prerequisite> {
        let count = count.parse().ok()?;
        self.eat("{")?;
        let mut ids = vec![self.word()?];
        while self.eat(",").is_some() {
            ids.push(self.word()?);
        }
        self.eat("}")?;
        Some(Prerequisite::AtLeast { count, ids })
    }
}

/// A status word or CMI001 letter, in SCORM 1.2 vocabulary.
fn status_word(word: &str) -> Option<String> {
    let status = match word.trim().to_ascii_lowercase().as_str() {
        "p" | "passed" => "passed",
        "c" | "completed" => "completed",
        "f" | "failed" => "failed",
        "i" | "incomplete" => "incomplete",
        "b" | "browsed" => "browsed",
        "n" | "not attempted" | "not_attempted" => "not attempted",
        _ => return None,
    };
    Some(status.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str, statuses: &[(&str, &str)]) -> bool {
        let p = Prerequisite::parse(expr).expect("parses");
        let lookup = |id: &str| {
            statuses
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, s)| (*s).to_owned())
        };
        p.is_met(&lookup)
    }

    #[test]
    fn identifiers_mean_passed_or_completed() {
        let s = [("a", "passed"), ("b", "incomplete"), ("c", "completed")];
        assert!(eval("a", &s));
        assert!(!eval("b", &s));
        assert!(eval("a & c", &s));
        assert!(!eval("a & b", &s));
        assert!(eval("b | c", &s));
        assert!(eval("~b", &s));
        assert!(eval("(b | a) & ~(b & c)", &s));
        assert!(eval("(b AND c) OR a", &s));
        assert!(!eval("a and not c", &s));
    }

    #[test]
    fn status_comparisons_and_sets() {
        let s = [("a", "failed"), ("b", "not attempted"), ("c", "passed")];
        assert!(eval("a = failed", &s));
        assert!(eval("a = \"f\"", &s));
        assert!(eval("b <> passed", &s));
        assert!(eval("b = \"not attempted\"", &s));
        assert!(eval("1*{a,b,c}", &s));
        assert!(!eval("2*{a,b,c}", &s));
    }

    #[test]
    fn malformed_expressions_impose_nothing() {
        for bad in ["", "a &", "(a", "a = maybe", "x*{a}", "a b"] {
            assert_eq!(Prerequisite::parse(bad), None, "{bad}");
        }
        // An activity the course does not have never blocks.
        assert!(eval("missing", &[]));
    }
}
