//! xAPI documents (xAPI-Communication 2.3 State, 2.6 Activity Profile, 2.7 Agent Profile).

/// Which document resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// `/activities/state`: keyed by activity, agent, optional registration.
    State,
    /// `/activities/profile`: keyed by activity.
    ActivityProfile,
    /// `/agents/profile`: keyed by agent.
    AgentProfile,
}

impl DocumentKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::ActivityProfile => "activity_profile",
            Self::AgentProfile => "agent_profile",
        }
    }
}

/// Where a document lives, apart from its id. Absent parts are empty strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentKey {
    /// The resource.
    pub kind: DocumentKind,
    /// `activityId`, or empty.
    pub activity_id: String,
    /// The Agent's IFI key, or empty.
    pub agent_key: String,
    /// `registration` (State only), or empty.
    pub registration: String,
}

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    /// The bytes as sent.
    pub content: Vec<u8>,
    /// The `Content-Type` it was sent with.
    pub content_type: String,
    /// Last change, Unix nanoseconds.
    pub updated_nanos: i64,
    /// 1 when created, one more at each change: what
    /// [`XapiDocumentStore::write_if`](crate::XapiDocumentStore::write_if) compares.
    pub version: i64,
}

/// A change to one document, applied only if the document is still as it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentChange {
    /// Create or replace it.
    Write(NewDocument),
    /// Delete the document with this id.
    Delete(String),
}

/// A document to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    /// Its id (`stateId` / `profileId`).
    pub id: String,
    /// The bytes.
    pub content: Vec<u8>,
    /// Its content type.
    pub content_type: String,
    /// Now, Unix nanoseconds.
    pub updated_nanos: i64,
}
