//! What the LRS does to a statement it accepts (xAPI-Data 2.4.1, 2.4.8–2.4.10) and how two
//! statements are compared (xAPI-Data 2.3.1 "Statement Comparison Requirements").

use crate::error::ValidationError;
use crate::primitives::{Duration, Timestamp, Uuid, duration_for_comparison};
use crate::statement::activity::{Activity, Verb};
use crate::statement::actor::{Actor, Agent, Ifi};
use crate::statement::walk::{VisitMut, walk_core};
use crate::statement::{Statement, StatementObject};
use crate::version::XapiVersion;

impl Statement {
    /// Sets what the LRS owns (the caller reads the clock and draws the random id):
    ///
    /// - `id` (xAPI-Data 2.4.1): `new_id` when the statement has none;
    /// - `stored` (2.4.8): always `stored`, whatever the client sent;
    /// - `authority` (2.4.9): always the credential's `authority`;
    /// - `version` (2.4.10): the handling version when absent (`1.0.0` under 1.0.3 as its
    ///   text requires, `2.0.0` under 2.0).
    /// - `timestamp` (2.4.7): `stored` when absent.
    pub fn prepare_for_storage(
        &mut self,
        new_id: Uuid,
        stored: Timestamp,
        authority: Actor,
        version: XapiVersion,
    ) {
        self.id.get_or_insert(new_id);
        if self.core.timestamp.is_none() {
            self.core.timestamp = Some(stored.clone());
        }
        self.stored = Some(stored);
        self.authority = Some(authority);
        if self.version.is_none() {
            self.version = Some(match version {
                XapiVersion::V1_0_3 => "1.0.0".to_owned(),
                XapiVersion::V2_0_0 => "2.0.0".to_owned(),
            });
        }
    }

    /// PUT /statements?statementId=…: the parameter gives the id; a statement that carries a
    /// different one is rejected (xAPI-Communication 2.1.1).
    pub fn use_put_id(&mut self, id: Uuid) -> Result<(), ValidationError> {
        match self.id {
            Some(own) if own != id => Err(ValidationError::new(
                "statement.id",
                "does not match the statementId parameter",
            )),
            _ => {
                self.id = Some(id);
                Ok(())
            }
        }
    }

    /// Whether `self` and `other` are the same statement for conflict detection (same id
    /// and same statement → no-op, xAPI-Communication 2.1.1) and for signature checks
    /// (xAPI-Data 2.6).
    ///
    /// Differences that the immutability exceptions of xAPI-Data 2.3.1 allow are ignored:
    /// `id`, `stored`, `authority`, `version`, timestamp serialization (instants are
    /// compared; a timestamp the LRS assigned), verb `display`, Activity definitions, a default
    /// `objectType` given or not, attachments, the order of Group members, the case of an
    /// `mbox` domain, of a context language tag and of hex and UUID digits. Under 2.0, durations
    /// are compared to 0.01 s (IEEE 9274.1.1 4.2.7).
    pub fn same_as(&self, other: &Statement, version: XapiVersion) -> bool {
        let (mut a, mut b) = (
            self.comparison_form(version),
            other.comparison_form(version),
        );
        // Data 2.3.1: the LRS may have assigned `timestamp`, so only two given ones compare.
        if a.core.timestamp.is_none() || b.core.timestamp.is_none() {
            (a.core.timestamp, b.core.timestamp) = (None, None);
        }
        a == b
    }

    fn comparison_form(&self, version: XapiVersion) -> Statement {
        let mut s = self.clone();
        s.id = None;
        s.stored = None;
        s.authority = None;
        s.version = None;
        strip_for_comparison(&mut s.core, version);
        s
    }
}

fn strip_for_comparison(core: &mut super::Core, version: XapiVersion) {
    core.attachments = None;
    if let StatementObject::SubStatement(sub) = &mut core.object {
        sub.core.attachments = None;
        lowercase_language(&mut sub.core);
    }
    lowercase_language(core);
    walk_core(
        core,
        &mut Comparable {
            truncate_durations: version.truncates_durations_for_comparison(),
        },
    );
}

/// Normalizes what xAPI-Data 2.3.1 says may differ.
struct Comparable {
    truncate_durations: bool,
}

impl VisitMut for Comparable {
    fn actor(&mut self, actor: &mut Actor) {
        match actor {
            Actor::Agent(agent) => normalize_agent(agent),
            Actor::Group(group) => {
                if let Some(ifi) = group.ifi.as_mut() {
                    normalize_ifi(ifi);
                }
                group.members.iter_mut().for_each(normalize_agent);
                group.members.sort_by_key(|m| m.ifi.key());
            }
        }
    }

    fn verb(&mut self, verb: &mut Verb) {
        verb.display = None;
    }

    fn activity(&mut self, activity: &mut Activity) {
        activity.object_type = None;
        activity.definition = None;
    }

    fn duration(&mut self, duration: &mut Duration) {
        if self.truncate_durations
            && let Some(truncated) = Duration::parse(&duration_for_comparison(duration.as_str()))
        {
            *duration = truncated;
        }
    }
}

/// RFC 5646 2.1.1: language tags are case-insensitive.
fn lowercase_language(core: &mut super::Core) {
    if let Some(language) = core.context.as_mut().and_then(|c| c.language.as_mut()) {
        language.make_ascii_lowercase();
    }
}

/// `objectType: "Agent"` is the default, so its presence is not a difference.
fn normalize_agent(agent: &mut Agent) {
    agent.object_type = None;
    normalize_ifi(&mut agent.ifi);
}

/// The case-insensitive parts of an IFI in lowercase (xAPI-Data 2.3.1 "Case sensitivity").
fn normalize_ifi(ifi: &mut Ifi) {
    if let Ifi::Mbox(mbox) = ifi
        && let Some((local, domain)) = mbox.rsplit_once('@')
    {
        *mbox = format!("{local}@{}", domain.to_ascii_lowercase());
    }
}
