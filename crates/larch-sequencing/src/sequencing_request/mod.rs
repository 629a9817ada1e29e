//! SN book 4.8 Sequencing Request Process (SB.2.12) and the start, resume all, continue,
//! previous, exit, retry and jump sequencing request processes. Choice lives in
//! [`choice`].

mod choice;

use crate::engine::{Sequencer, SequencingDecision};
use crate::error::{Exception, SeqResult};
use crate::request::SequencingRequest;
use crate::traversal::Direction;
use crate::tree::ActivityIx;

impl Sequencer {
    /// SN book SB.2.12 Sequencing Request Process.
    pub(crate) fn sequencing_request(
        &self,
        request: SequencingRequest,
    ) -> SeqResult<SequencingDecision> {
        use SequencingDecision::Deliver;
        match request {
            SequencingRequest::Start => self.start_sequencing().map(Deliver),
            SequencingRequest::ResumeAll => self.resume_all_sequencing().map(Deliver),
            SequencingRequest::Exit => self.exit_sequencing(),
            SequencingRequest::Retry => self.retry_sequencing().map(Deliver),
            SequencingRequest::Continue => self.continue_sequencing().map(Deliver),
            SequencingRequest::Previous => self.previous_sequencing().map(Deliver),
            SequencingRequest::Choice(target) => self.choice_sequencing(target).map(Deliver),
            SequencingRequest::Jump(target) => self.jump_sequencing(target).map(Deliver),
        }
    }

    /// SN book SB.2.5 Start Sequencing Request Process.
    fn start_sequencing(&self) -> SeqResult<ActivityIx> {
        if self.state.current.is_some() {
            return Err(Exception::new(
                "SB.2.5-1",
                "the sequencing session has already begun",
            ));
        }
        if self.tree.is_leaf(ActivityIx::ROOT) {
            return Ok(ActivityIx::ROOT);
        }
        self.flow(ActivityIx::ROOT, Direction::Forward, true)
    }

    /// SN book SB.2.6 Resume All Sequencing Request Process.
    fn resume_all_sequencing(&self) -> SeqResult<ActivityIx> {
        if self.state.current.is_some() {
            return Err(Exception::new(
                "SB.2.6-1",
                "the sequencing session has already begun",
            ));
        }
        self.state
            .suspended
            .ok_or(Exception::new("SB.2.6-2", "there is no suspended activity"))
    }

    /// SN book SB.2.7 Continue Sequencing Request Process.
    fn continue_sequencing(&self) -> SeqResult<ActivityIx> {
        let current = self.current_or("SB.2.7-1")?;
        if let Some(parent) = self.tree.parent(current)
            && !self.tree.control(parent).flow
        {
            return Err(Exception::new(
                "SB.2.7-2",
                "flow is not enabled for the cluster",
            ));
        }
        self.flow(current, Direction::Forward, false)
    }

    /// SN book SB.2.8 Previous Sequencing Request Process.
    pub(crate) fn previous_sequencing(&self) -> SeqResult<ActivityIx> {
        let current = self.current_or("SB.2.8-1")?;
        if let Some(parent) = self.tree.parent(current)
            && !self.tree.control(parent).flow
        {
            return Err(Exception::new(
                "SB.2.8-2",
                "flow is not enabled for the cluster",
            ));
        }
        self.flow(current, Direction::Backward, false)
    }

    /// SN book SB.2.11 Exit Sequencing Request Process.
    fn exit_sequencing(&self) -> SeqResult<SequencingDecision> {
        let current = self.current_or("SB.2.11-1")?;
        if self.st(current).active {
            return Err(Exception::new(
                "SB.2.11-2",
                "the current activity has not terminated",
            ));
        }
        // 3: exiting the root ends the sequencing session.
        if self.tree.is_root(current) {
            return Ok(SequencingDecision::EndSession);
        }
        Ok(SequencingDecision::Nothing)
    }

    /// SN book SB.2.10 Retry Sequencing Request Process.
    fn retry_sequencing(&self) -> SeqResult<ActivityIx> {
        let current = self.current_or("SB.2.10-1")?;
        let state = self.st(current);
        if state.active || state.suspended {
            return Err(Exception::new(
                "SB.2.10-2",
                "the current activity has not terminated",
            ));
        }
        if self.tree.is_leaf(current) {
            return Ok(current);
        }
        self.flow(current, Direction::Forward, true)
            .map_err(|_| Exception::new("SB.2.10-3", "nothing to deliver in the retried cluster"))
    }

    /// SN book SB.2.13 Jump Sequencing Request Process (4th Ed).
    fn jump_sequencing(&self, target: ActivityIx) -> SeqResult<ActivityIx> {
        self.current_or("SB.2.13-1")?;
        Ok(target)
    }

    fn current_or(&self, code: &'static str) -> SeqResult<ActivityIx> {
        self.state
            .current
            .ok_or(Exception::new(code, "the current activity is not defined"))
    }
}
