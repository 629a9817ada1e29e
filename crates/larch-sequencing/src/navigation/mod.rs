//! SN book 4.4 Navigation Request Process (NB.2.1): decides whether a navigation request is
//! valid and translates it into a termination request and a sequencing request.

use crate::engine::Sequencer;
use crate::error::{Exception, SeqResult};
use crate::request::{NavigationRequest, SequencingRequest, TerminationRequest};
use crate::tree::ActivityIx;

type Translation = (Option<TerminationRequest>, Option<SequencingRequest>);

const NO_CURRENT: Exception = Exception::new("NB.2.1-2", "the current activity is not defined");

impl Sequencer {
    /// SN book 4.4 Navigation Request Process (NB.2.1).
    pub(crate) fn navigation_request(&self, request: &NavigationRequest) -> SeqResult<Translation> {
        use NavigationRequest as N;
        match request {
            N::Start => self.nav_start(),
            N::ResumeAll => self.nav_resume_all(),
            N::Continue => self.nav_continue(),
            N::Previous => self.nav_previous(),
            N::Choice(id) => self.nav_choice(self.target(id)?),
            N::Jump(id) => self.nav_jump(self.target(id)?),
            N::Exit => self.nav_exit(TerminationRequest::Exit),
            N::Abandon => self.nav_exit(TerminationRequest::Abandon),
            N::ExitAll => self.nav_all(TerminationRequest::ExitAll),
            N::AbandonAll => self.nav_all(TerminationRequest::AbandonAll),
            N::SuspendAll => self.nav_all(TerminationRequest::SuspendAll),
        }
    }

    fn target(&self, id: &str) -> SeqResult<ActivityIx> {
        self.tree.find(id).ok_or(Exception::new(
            "NB.2.1-11",
            "the target activity does not exist",
        ))
    }

    /// NB.2.1 step 1: start.
    fn nav_start(&self) -> SeqResult<Translation> {
        match self.state.current {
            None => Ok((None, Some(SequencingRequest::Start))),
            Some(_) => Err(Exception::new(
                "NB.2.1-1",
                "the sequencing session has already begun",
            )),
        }
    }

    /// NB.2.1 step 2: resume all.
    fn nav_resume_all(&self) -> SeqResult<Translation> {
        if self.state.current.is_some() {
            return Err(Exception::new(
                "NB.2.1-1",
                "the sequencing session has already begun",
            ));
        }
        match self.state.suspended {
            Some(_) => Ok((None, Some(SequencingRequest::ResumeAll))),
            None => Err(Exception::new(
                "NB.2.1-3",
                "there is no suspended activity to resume",
            )),
        }
    }

    /// The exit termination request when the current activity is still active.
    fn exit_if_active(&self, current: ActivityIx) -> Option<TerminationRequest> {
        self.st(current).active.then_some(TerminationRequest::Exit)
    }

    /// NB.2.1 step 3: continue.
    fn nav_continue(&self) -> SeqResult<Translation> {
        let current = self.state.current.ok_or(NO_CURRENT)?;
        match self.tree.parent(current) {
            Some(parent) if self.tree.control(parent).flow => Ok((
                self.exit_if_active(current),
                Some(SequencingRequest::Continue),
            )),
            _ => Err(Exception::new(
                "NB.2.1-4",
                "flow is not enabled for the current cluster",
            )),
        }
    }

    /// NB.2.1 step 4: previous.
    fn nav_previous(&self) -> SeqResult<Translation> {
        let current = self.state.current.ok_or(NO_CURRENT)?;
        let Some(parent) = self.tree.parent(current) else {
            return Err(Exception::new(
                "NB.2.1-6",
                "the root has no previous activity",
            ));
        };
        let mode = self.tree.control(parent);
        if !mode.flow {
            return Err(Exception::new(
                "NB.2.1-4",
                "flow is not enabled for the current cluster",
            ));
        }
        if mode.forward_only {
            return Err(Exception::new(
                "NB.2.1-5",
                "the current cluster is forward only",
            ));
        }
        Ok((
            self.exit_if_active(current),
            Some(SequencingRequest::Previous),
        ))
    }

    /// NB.2.1 step 7: choice.
    fn nav_choice(&self, target: ActivityIx) -> SeqResult<Translation> {
        if let Some(parent) = self.tree.parent(target)
            && !self.tree.control(parent).choice
        {
            return Err(Exception::new(
                "NB.2.1-10",
                "choice is not enabled for the target's cluster",
            ));
        }
        let Some(current) = self.state.current else {
            return Ok((None, Some(SequencingRequest::Choice(target))));
        };
        self.check_choice_exit(current, target)?;
        Ok((
            self.exit_if_active(current),
            Some(SequencingRequest::Choice(target)),
        ))
    }

    /// NB.2.1 step 7.1.1.2: no active activity between the current activity and the common
    /// ancestor may forbid choice exit.
    pub(crate) fn check_choice_exit(
        &self,
        current: ActivityIx,
        target: ActivityIx,
    ) -> SeqResult<()> {
        let ancestor = self.tree.common_ancestor(current, target);
        let mut at = current;
        while at != ancestor {
            if self.st(at).active && !self.tree.control(at).choice_exit {
                return Err(Exception::new(
                    "NB.2.1-8",
                    "choice exit is not allowed here",
                ));
            }
            at = self.tree.parent(at).unwrap_or(ActivityIx::ROOT);
        }
        Ok(())
    }

    /// NB.2.1 step 8 (4th Ed): jump.
    fn nav_jump(&self, target: ActivityIx) -> SeqResult<Translation> {
        let current = self.state.current.ok_or(NO_CURRENT)?;
        Ok((
            self.exit_if_active(current),
            Some(SequencingRequest::Jump(target)),
        ))
    }

    /// NB.2.1 steps 9 and 11: exit and abandon need an active current activity.
    fn nav_exit(&self, termination: TerminationRequest) -> SeqResult<Translation> {
        let current = self.state.current.ok_or(NO_CURRENT)?;
        if !self.st(current).active {
            return Err(Exception::new(
                "NB.2.1-12",
                "the current activity has already terminated",
            ));
        }
        Ok((Some(termination), Some(SequencingRequest::Exit)))
    }

    /// NB.2.1 steps 10, 12, 13: exit all, abandon all, suspend all.
    fn nav_all(&self, termination: TerminationRequest) -> SeqResult<Translation> {
        self.state.current.ok_or(NO_CURRENT)?;
        Ok((Some(termination), Some(SequencingRequest::Exit)))
    }
}
