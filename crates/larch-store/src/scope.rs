//! The scope every stored row belongs to: a tenant's application in one environment.

use std::fmt;

/// A tenant: the top of the ownership tree (a company using Larch).
///
/// Internal, numeric and never shown in the API: the public API only ever sees the scope through
/// the API key that selects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(pub i64);

/// An application of a tenant (one integration, e.g. "our LMS"), holding a `test` and a `live`
/// environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(pub i64);

/// One of the two fully separate data sets of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// Sandbox data, reached with `sk_test_…` keys.
    Test,
    /// Production data, reached with `sk_live_…` keys.
    Live,
}

impl Environment {
    /// The stored and displayed name: `test` or `live`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Test => "test",
            Self::Live => "live",
        }
    }

    /// Parses the stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "test" => Some(Self::Test),
            "live" => Some(Self::Live),
            _ => None,
        }
    }

    /// The prefix of this environment's API keys: `sk_test_` or `sk_live_`.
    pub fn key_prefix(self) -> &'static str {
        match self {
            Self::Test => "sk_test_",
            Self::Live => "sk_live_",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is asking: every scoped row belongs to exactly one scope, and every store call that reads
/// or writes scoped rows takes one and filters by it.
///
/// A handler gets a `Scope` only from an authenticated API key (or, on the content origin, from a
/// launch token), so it cannot reach another tenant's data by forgetting a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The tenant.
    pub tenant: TenantId,
    /// The application, which belongs to `tenant`.
    pub app: AppId,
    /// The environment of `app`.
    pub env: Environment,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.tenant.0, self.app.0, self.env)
    }
}
