//! The navigation state the player and the shim work from: which buttons and menu entries
//! are enabled, and the synchronous answers to `adl.nav.request_valid.*` (RTE 4.4.2), taken
//! from the sequencing engine's look-ahead (SCORM 2004) or the simple model (1.2/AICC).

use larch_cmi::{NavQuery, NavValidity, NavigationOracle};
use serde::{Deserialize, Serialize};

/// One entry of the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocItem {
    /// Activity identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Depth below the course (the course is 0).
    pub depth: u32,
    /// Shown in the menu (`isvisible`, not hidden from choice).
    pub visible: bool,
    /// A `choice` of it is valid now.
    pub choice: bool,
    /// A `jump` to it is valid now (4th Ed).
    pub jump: bool,
}

/// What the learner may do now. Sent with every delivery and every commit response; the
/// shim answers `adl.nav.request_valid.*` from the latest one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NavState {
    /// `continue` is valid (the "next" button).
    pub continue_: bool,
    /// `previous` is valid (the "back" button).
    pub previous: bool,
    /// `exit` is valid.
    pub exit: bool,
    /// `exitAll` is valid.
    pub exit_all: bool,
    /// `suspendAll` is valid.
    pub suspend_all: bool,
    /// `abandon` is valid.
    pub abandon: bool,
    /// `abandonAll` is valid.
    pub abandon_all: bool,
    /// The table of contents, in tree order (the course root first).
    pub toc: Vec<TocItem>,
    /// The current activity's `hideLMSUI` tokens: the player hides these devices.
    pub hidden: Vec<String>,
}

impl NavState {
    /// The TOC entry of `id`.
    pub fn entry(&self, id: &str) -> Option<&TocItem> {
        self.toc.iter().find(|t| t.id == id)
    }

    /// Whether the player offers a table of contents at all: some visible entry other than
    /// the current activity can be chosen.
    pub fn toc_enabled(&self, current: Option<&str>) -> bool {
        self.toc
            .iter()
            .any(|t| t.visible && t.choice && Some(t.id.as_str()) != current)
    }

    /// Whether the player shows the device for `event` (`continue`, `previous`, `exit`, …):
    /// it is not hidden by `hideLMSUI` (CAM 5.1.x `adlnav:hideLMSUI`).
    pub fn shows(&self, event: &str) -> bool {
        !self.hidden.iter().any(|h| h == event)
    }
}

impl NavigationOracle for NavState {
    /// RTE 4.4.2: `true` when the request would succeed if the SCO terminated now; a choice
    /// or jump of an activity the course does not have is `false`.
    fn request_valid(&self, query: NavQuery<'_>) -> NavValidity {
        let valid = match query {
            NavQuery::Continue => self.continue_,
            NavQuery::Previous => self.previous,
            NavQuery::Choice(id) => self.entry(id).is_some_and(|t| t.choice),
            NavQuery::Jump(id) => self.entry(id).is_some_and(|t| t.jump),
        };
        NavValidity::from(valid)
    }
}
