//! Statement rows: what the server hands over, and what it gets back.

/// A validated statement, ready to store, with the keys the filters need
/// (xAPI-Communication 2.1.3; keys computed by `larch_xapi::index`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatement {
    /// The statement id (lowercase UUID).
    pub id: String,
    /// `stored`, Unix nanoseconds.
    pub stored_nanos: i64,
    /// `verb.id`.
    pub verb: String,
    /// The Object's id when it is an Activity.
    pub activity: Option<String>,
    /// `context.registration`.
    pub registration: Option<String>,
    /// The statement this one voids.
    pub voids: Option<String>,
    /// The statement the Object references (StatementRef).
    pub target: Option<String>,
    /// The authority's key, for `statements/read/mine`.
    pub authority: Option<String>,
    /// Agent keys for `agent`.
    pub agents: Vec<String>,
    /// Agent keys for `agent` with `related_agents=true`.
    pub related_agents: Vec<String>,
    /// Activity ids for `activity` with `related_activities=true`.
    pub related_activities: Vec<String>,
    /// The statement as stored (JSON text).
    pub body: String,
}

/// A statement read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStatement {
    /// Insertion order, a tie-breaker for equal `stored` times.
    pub seq: i64,
    /// `stored`, Unix nanoseconds.
    pub stored_nanos: i64,
    /// Whether a voiding statement voided it.
    pub voided: bool,
    /// The statement (JSON text).
    pub body: String,
}

/// An attachment's content, found by its SHA-2 (xAPI-Data 2.4.11).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The hex SHA-2 hash.
    pub sha2: String,
    /// The part's `Content-Type`.
    pub content_type: Option<String>,
    /// The raw bytes.
    pub content: Vec<u8>,
}

/// How an Activity definition a statement brings changes the canonical one (xAPI-Data
/// 2.4.4.1, Communication 2.5: the LRS keeps one definition per activity and merges what
/// trusted sources send into it).
pub trait DefinitionMerge: Send + Sync + std::fmt::Debug {
    /// The canonical definition (JSON text) after this one is merged into `stored` (`None`:
    /// no definition stored yet).
    fn merge_into(&self, stored: Option<&str>) -> String;
}

/// A definition to merge into an activity's canonical one. The store merges it while it
/// writes, in the order writes are committed, so concurrent writes never lose each other's
/// merges.
#[derive(Debug)]
pub struct IncomingDefinition {
    /// The Activity id.
    pub activity: String,
    /// The merge.
    pub merge: Box<dyn DefinitionMerge>,
}

impl IncomingDefinition {
    /// A definition that replaces whatever is stored (tests, bulk loads).
    pub fn replace(activity: impl Into<String>, definition: impl Into<String>) -> Self {
        Self {
            activity: activity.into(),
            merge: Box::new(Replace(definition.into())),
        }
    }
}

/// [`IncomingDefinition::replace`]'s merge.
#[derive(Debug)]
struct Replace(String);

impl DefinitionMerge for Replace {
    fn merge_into(&self, _stored: Option<&str>) -> String {
        self.0.clone()
    }
}

/// An Agent seen in a statement, for GET /agents (Communication 2.5 Person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRow {
    /// The IFI key.
    pub ifi_key: String,
    /// The Agent as JSON text.
    pub agent: String,
}

/// A GET /statements filter, as the store runs it (Communication 2.1.3). Content filters
/// also match a statement whose StatementRef target matches, recursively (2.1.4); voided
/// statements are left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementQuery {
    /// An agent key.
    pub agent: Option<String>,
    /// Match `agent` against related agents too.
    pub related_agents: bool,
    /// A verb id.
    pub verb: Option<String>,
    /// An Activity id.
    pub activity: Option<String>,
    /// Match `activity` against related activities too.
    pub related_activities: bool,
    /// A registration UUID.
    pub registration: Option<String>,
    /// Only statements stored after this (Unix nanoseconds).
    pub since_nanos: Option<i64>,
    /// Only statements stored at or before this.
    pub until_nanos: Option<i64>,
    /// Only statements with this authority key (`statements/read/mine`).
    pub authority: Option<String>,
    /// Oldest first instead of newest first.
    pub ascending: bool,
    /// Continue after this (`stored_nanos`, `seq`) position, in the query's order.
    pub after: Option<(i64, i64)>,
    /// Page size (the store returns up to one more).
    pub limit: i64,
}

impl StatementQuery {
    /// Whether any content filter is set (then StatementRef targets are followed).
    pub fn has_content_filter(&self) -> bool {
        self.agent.is_some()
            || self.verb.is_some()
            || self.activity.is_some()
            || self.registration.is_some()
    }
}

/// How statement writes were stored so far by this process: the writes queued at once share a
/// transaction (group commit; docs/xapi.md, "Performance").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InsertBatches {
    /// Transactions written (or tried) by the group-commit lanes.
    pub transactions: u64,
    /// [`crate::StatementStore::insert`] calls they carried.
    pub inserts: u64,
}
