//! LRS credential scopes (xAPI-Communication 4.2 "Authorization Scope" values, used by Larch
//! for every credential): which resource and method a credential may use.

use std::fmt;

use crate::error::{Valid, ValidationError};

/// One scope value (Communication 4.2 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// `statements/write`: write any statement.
    StatementsWrite,
    /// `statements/read/mine`: read statements whose authority is this credential's.
    StatementsReadMine,
    /// `statements/read`: read any statement.
    StatementsRead,
    /// `state`: read and write State documents.
    State,
    /// `define`: (re)define Activities and Agents: statements stored with it update the
    /// canonical definitions.
    Define,
    /// `profile`: read and write Activity and Agent Profile documents.
    Profile,
    /// `all/read`: unrestricted read access.
    AllRead,
    /// `all`: unrestricted access.
    All,
}

impl Scope {
    const ALL: [Scope; 8] = [
        Scope::StatementsWrite,
        Scope::StatementsReadMine,
        Scope::StatementsRead,
        Scope::State,
        Scope::Define,
        Scope::Profile,
        Scope::AllRead,
        Scope::All,
    ];

    /// The scope's name as the spec spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::StatementsWrite => "statements/write",
            Scope::StatementsReadMine => "statements/read/mine",
            Scope::StatementsRead => "statements/read",
            Scope::State => "state",
            Scope::Define => "define",
            Scope::Profile => "profile",
            Scope::AllRead => "all/read",
            Scope::All => "all",
        }
    }

    /// Parses a scope name (case-sensitive).
    pub fn parse(raw: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scopes of one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

/// The resources an LRS serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// `/statements`.
    Statements,
    /// `/activities/state`.
    State,
    /// `/activities/profile`.
    ActivityProfile,
    /// `/agents/profile`.
    AgentProfile,
    /// `/activities`.
    Activities,
    /// `/agents`.
    Agents,
    /// `/about` (open to everyone).
    About,
}

/// What a credential may do with a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everything the request asks.
    Full,
    /// Read only statements whose `authority` is this credential's (`statements/read/mine`).
    Mine,
    /// Nothing: 403.
    Denied,
}

impl Scopes {
    /// Parses a list of scope names separated by spaces or commas (OAuth 2.0 3.3 uses
    /// spaces). An empty list means `statements/write statements/read/mine`, the scopes the
    /// spec assumes when none is given (Communication 4.2).
    pub fn parse(raw: &str) -> Valid<Scopes> {
        let mut scopes = Vec::new();
        for name in raw.split([' ', ',']).filter(|s| !s.is_empty()) {
            let scope = Scope::parse(name).ok_or_else(|| {
                ValidationError::new("scopes", format!("{name:?} is not an xAPI scope"))
            })?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            scopes = vec![Scope::StatementsWrite, Scope::StatementsReadMine];
        }
        Ok(Scopes(scopes))
    }

    /// The scopes, in the order given.
    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    fn has(&self, any: &[Scope]) -> bool {
        self.0.iter().any(|s| any.contains(s))
    }

    /// What the credential may do with `method` (`GET`, `HEAD`, `PUT`, `POST`, `DELETE`) on
    /// `resource`. Reads are allowed by `all/read`; writes need `all` or the resource's own
    /// scope; Activities and Agents are read with `define` or a statements read scope too.
    pub fn access(&self, resource: Resource, method: &str) -> Access {
        use Scope::{
            All, AllRead, Define, Profile, State, StatementsRead, StatementsReadMine,
            StatementsWrite,
        };
        let read = matches!(method, "GET" | "HEAD");
        let granted = match (resource, read) {
            (Resource::About, _) => true,
            (Resource::Statements, true) if self.has(&[All, AllRead, StatementsRead]) => true,
            (Resource::Statements, true) if self.has(&[StatementsReadMine]) => return Access::Mine,
            (Resource::Statements, false) => self.has(&[All, StatementsWrite]),
            (Resource::State, _) => self.has(&[All, State]) || (read && self.has(&[AllRead])),
            (Resource::ActivityProfile | Resource::AgentProfile, _) => {
                self.has(&[All, Profile]) || (read && self.has(&[AllRead]))
            }
            (Resource::Activities | Resource::Agents, true) => {
                self.has(&[All, AllRead, Define, StatementsRead])
            }
            _ => false,
        };
        if granted {
            Access::Full
        } else {
            Access::Denied
        }
    }

    /// Whether statements stored with this credential update canonical Activity definitions
    /// (`define`, or `all`).
    pub fn may_define(&self) -> bool {
        self.has(&[Scope::All, Scope::Define])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_defaults() {
        let s = Scopes::parse("statements/read all/read").expect("valid");
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [Scope::StatementsRead, Scope::AllRead]
        );
        let default = Scopes::parse("").expect("valid");
        assert_eq!(
            default.iter().collect::<Vec<_>>(),
            [Scope::StatementsWrite, Scope::StatementsReadMine]
        );
        assert_eq!(Scopes::parse("all,all").map(|s| s.iter().count()), Ok(1));
        assert_eq!(
            Scopes::parse("statements/delete").map_err(|e| e.path),
            Err("scopes".to_owned())
        );
        assert_eq!(
            Scopes::parse("ALL").map_err(|e| e.path),
            Err("scopes".to_owned())
        );
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(&scope.to_string()), Some(scope));
        }
    }

    #[test]
    fn access_table() {
        use Access::{Denied, Full, Mine};
        use Resource::*;
        let cases = [
            ("all", Statements, "POST", Full),
            ("all", AgentProfile, "DELETE", Full),
            ("all/read", Statements, "GET", Full),
            ("all/read", Statements, "PUT", Denied),
            ("all/read", State, "HEAD", Full),
            ("all/read", State, "PUT", Denied),
            ("statements/write", Statements, "POST", Full),
            ("statements/write", Statements, "GET", Denied),
            ("", Statements, "GET", Mine),
            ("", Statements, "PUT", Full),
            (
                "statements/read/mine statements/read",
                Statements,
                "GET",
                Full,
            ),
            ("state", State, "POST", Full),
            ("state", ActivityProfile, "GET", Denied),
            ("profile", AgentProfile, "PUT", Full),
            ("profile", State, "GET", Denied),
            ("define", Activities, "GET", Full),
            ("define", Statements, "GET", Denied),
            ("statements/write", Agents, "GET", Denied),
            ("statements/write", About, "GET", Full),
            ("all", Activities, "POST", Denied),
        ];
        for (scopes, resource, method, want) in cases {
            let got = Scopes::parse(scopes)
                .expect("valid")
                .access(resource, method);
            assert_eq!(got, want, "{scopes:?} {resource:?} {method}");
        }
        assert!(Scopes::parse("define").expect("valid").may_define());
        assert!(
            !Scopes::parse("statements/write")
                .expect("valid")
                .may_define()
        );
    }
}
