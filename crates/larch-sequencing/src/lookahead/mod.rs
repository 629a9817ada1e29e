//! Navigation look-ahead: which navigation requests are valid in the current state — the
//! player's buttons and menu, and the answers to `adl.nav.request_valid.*` (RTE 4.4.x;
//! SN 4.4 run without changing the state, as the ADL sample implementation does).

mod constrained;
mod scan;

pub(crate) use scan::Scan;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::engine::Sequencer;
use crate::request::NavigationRequest;
use crate::tree::ActivityIx;

/// The valid navigation requests in one state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lookahead {
    /// `start` is valid (no current activity, nothing suspended).
    pub start: bool,
    /// `resumeAll` is valid.
    pub resume_all: bool,
    /// `continue` is valid: the current activity's cluster allows flow.
    pub continue_: bool,
    /// `previous` is valid: a previous activity exists and can be delivered.
    pub previous: bool,
    /// `exit` is valid.
    pub exit: bool,
    /// `exitAll` is valid.
    pub exit_all: bool,
    /// `abandon` is valid.
    pub abandon: bool,
    /// `abandonAll` is valid.
    pub abandon_all: bool,
    /// `suspendAll` is valid.
    pub suspend_all: bool,
    /// The table of contents in tree order (indexed by [`ActivityIx`]), with each entry's
    /// choice validity; titles and identifiers are in the [`crate::tree::ActivityTree`].
    pub toc: Vec<TocEntry>,
    /// Identifier → activity, shared with the tree.
    #[serde(skip)]
    index: Arc<HashMap<String, ActivityIx>>,
}

/// One activity in the table of contents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TocEntry {
    /// The activity.
    pub activity: ActivityIx,
    /// Depth below the root.
    pub depth: u32,
    /// Shown in the menu: visible and not hidden from choice.
    pub visible: bool,
    /// A `choice` of it is valid.
    pub choice: bool,
    /// A `jump` to it is valid.
    pub jump: bool,
}

impl Lookahead {
    /// The answer to `adl.nav.request_valid.*` for `request`.
    pub fn is_valid(&self, request: &NavigationRequest) -> bool {
        use NavigationRequest as N;
        match request {
            N::Start => self.start,
            N::ResumeAll => self.resume_all,
            N::Continue => self.continue_,
            N::Previous => self.previous,
            N::Exit => self.exit,
            N::ExitAll => self.exit_all,
            N::Abandon => self.abandon,
            N::AbandonAll => self.abandon_all,
            N::SuspendAll => self.suspend_all,
            N::Choice(id) => self.entry(id).is_some_and(|e| e.choice),
            N::Jump(id) => self.entry(id).is_some_and(|e| e.jump),
        }
    }

    /// The TOC entry of the activity with `id`.
    pub fn entry(&self, id: &str) -> Option<&TocEntry> {
        self.index.get(id).and_then(|ix| self.toc.get(ix.ix()))
    }
}

impl Sequencer {
    /// The valid navigation requests in the current state.
    pub fn lookahead(&self) -> Lookahead {
        let nav_ok = |request: NavigationRequest| self.navigation_request(&request).is_ok();
        let mut lookahead = Lookahead {
            start: nav_ok(NavigationRequest::Start) && self.state.suspended.is_none(),
            resume_all: nav_ok(NavigationRequest::ResumeAll),
            continue_: nav_ok(NavigationRequest::Continue),
            previous: nav_ok(NavigationRequest::Previous) && self.previous_is_deliverable(),
            exit: nav_ok(NavigationRequest::Exit),
            exit_all: nav_ok(NavigationRequest::ExitAll),
            abandon: nav_ok(NavigationRequest::Abandon),
            abandon_all: nav_ok(NavigationRequest::AbandonAll),
            suspend_all: self.state.current.is_some_and(|c| self.st(c).active),
            toc: Vec::with_capacity(self.tree.len()),
            index: self.tree.index(),
        };
        let choice_exit_ok = self
            .state
            .current
            .is_none_or(|c| self.check_choice_exit(c, ActivityIx::ROOT).is_ok());
        let range = self.constrained_range();
        let scan = self.scan();
        for ix in self.tree.all() {
            let in_range = range.is_none_or(|(first, last)| first <= ix && ix <= last);
            let mut entry = self.toc_entry(ix, &scan, choice_exit_ok);
            entry.choice &= in_range;
            lookahead.toc.push(entry);
        }
        lookahead
    }

    fn toc_entry(&self, ix: ActivityIx, scan: &Scan, choice_exit_ok: bool) -> TocEntry {
        let activity = self.tree.get(ix);
        let hidden = scan.hidden[ix.ix()];
        TocEntry {
            activity: ix,
            depth: activity.depth,
            visible: activity.is_visible && !hidden,
            choice: !hidden && self.choice_is_valid(ix, scan, choice_exit_ok),
            jump: activity.is_leaf() && self.state.current.is_some() && !scan.blocked[ix.ix()],
        }
    }

    /// A choice of `target` passes the navigation, sequencing and delivery request processes.
    fn choice_is_valid(&self, target: ActivityIx, scan: &Scan, choice_exit_ok: bool) -> bool {
        let parent_allows = self
            .tree
            .parent(target)
            .is_none_or(|p| self.tree.control(p).choice);
        if !parent_allows {
            return false;
        }
        if !choice_exit_ok
            && let Some(current) = self.state.current
            && self.check_choice_exit(current, target).is_err()
        {
            return false;
        }
        match self.choice_sequencing_with(target, false, Some(scan)) {
            Ok(leaf) => !scan.blocked[leaf.ix()],
            Err(_) => false,
        }
    }

    fn previous_is_deliverable(&self) -> bool {
        self.previous_sequencing()
            .is_ok_and(|leaf| self.delivery_request(leaf).is_ok())
    }
}
