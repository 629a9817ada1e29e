//! SN book 4.5 Termination Request Process (TB.2.3) with the End Attempt Process (UP.4),
//! the Terminate Descendent Attempts Process (UP.3), and the exit action and post-condition
//! rule subprocesses (TB.2.1, TB.2.2).

use std::collections::BTreeSet;

use crate::definition::{RuleAction, RuleKind};
use crate::engine::Sequencer;
use crate::error::{Exception, SeqResult};
use crate::request::{SequencingRequest, TerminationRequest};
use crate::tree::ActivityIx;

const NO_CURRENT: Exception = Exception::new("TB.2.3-1", "the current activity is not defined");

impl Sequencer {
    /// SN book TB.2.3 Termination Request Process: returns the sequencing request that
    /// replaces the pending one, if any.
    pub(crate) fn termination_request(
        &mut self,
        request: TerminationRequest,
    ) -> SeqResult<Option<SequencingRequest>> {
        let current = self.state.current.ok_or(NO_CURRENT)?;
        // 2: exit and abandon need an active current activity.
        let needs_active = matches!(
            request,
            TerminationRequest::Exit | TerminationRequest::Abandon
        );
        if needs_active && !self.st(current).active {
            return Err(Exception::new(
                "TB.2.3-2",
                "the current activity has already terminated",
            ));
        }
        match request {
            TerminationRequest::Exit => self.terminate_exit(current),
            TerminationRequest::ExitAll => Ok(Some(self.terminate_exit_all(current))),
            TerminationRequest::SuspendAll => self.terminate_suspend_all(current).map(Some),
            TerminationRequest::Abandon => {
                // 6: abandon: the attempt ends without rollup.
                self.st_mut(current).active = false;
                Ok(None)
            }
            TerminationRequest::AbandonAll => Ok(Some(self.terminate_abandon_all(current))),
        }
    }

    /// TB.2.3 step 3: exit, with exit action rules and post-condition rules.
    fn terminate_exit(&mut self, current: ActivityIx) -> SeqResult<Option<SequencingRequest>> {
        // 3.1–3.2: End Attempt, then Sequencing Exit Action Rules.
        self.end_attempt(current);
        self.sequencing_exit_action_rules();
        loop {
            let current = self.state.current.unwrap_or(ActivityIx::ROOT);
            // 3.3.2: Sequencing Post Condition Rules.
            let (termination, sequencing) = self.sequencing_post_condition_rules();
            match termination {
                Some(TerminationRequest::ExitAll) => {
                    // 3.3.3: exit all; a retry all keeps its retry sequencing request.
                    let exit = self.terminate_exit_all(current);
                    return Ok(Some(sequencing.unwrap_or(exit)));
                }
                Some(_) => {
                    // 3.3.4: exit parent.
                    let Some(parent) = self.tree.parent(current) else {
                        return Err(Exception::new(
                            "TB.2.3-4",
                            "cannot exit the parent of the root",
                        ));
                    };
                    self.state.current = Some(parent);
                    self.end_attempt(parent);
                }
                None => {
                    // 3.3.5: at the root, anything but retry ends the session.
                    if self.tree.is_root(current) && sequencing != Some(SequencingRequest::Retry) {
                        return Ok(Some(SequencingRequest::Exit));
                    }
                    return Ok(sequencing);
                }
            }
        }
    }

    /// TB.2.3 step 4: exit all.
    fn terminate_exit_all(&mut self, current: ActivityIx) -> SequencingRequest {
        if self.st(current).active {
            self.end_attempt(current);
        }
        self.terminate_descendent_attempts(ActivityIx::ROOT);
        self.end_attempt(ActivityIx::ROOT);
        self.state.current = Some(ActivityIx::ROOT);
        SequencingRequest::Exit
    }

    /// TB.2.3 step 5: suspend all.
    fn terminate_suspend_all(&mut self, current: ActivityIx) -> SeqResult<SequencingRequest> {
        let state = self.st(current);
        let suspended = if state.active || state.suspended {
            self.overall_rollup(current);
            current
        } else {
            self.tree
                .parent(current)
                .ok_or(Exception::new("TB.2.3-3", "nothing to suspend"))?
        };
        self.state.suspended = Some(suspended);
        for at in self.tree.path_to_root(suspended) {
            let state = self.st_mut(at);
            state.active = false;
            state.suspended = true;
        }
        self.state.current = Some(ActivityIx::ROOT);
        Ok(SequencingRequest::Exit)
    }

    /// TB.2.3 step 7: abandon all.
    fn terminate_abandon_all(&mut self, current: ActivityIx) -> SequencingRequest {
        for at in self.tree.path_to_root(current) {
            self.st_mut(at).active = false;
        }
        self.state.current = Some(ActivityIx::ROOT);
        SequencingRequest::Exit
    }

    /// SN book TB.2.1 Sequencing Exit Action Rules Subprocess: the outermost ancestor of
    /// the current activity with an applying exit rule ends, with everything below it.
    fn sequencing_exit_action_rules(&mut self) {
        let Some(current) = self.state.current else {
            return;
        };
        // 1–2: the path from the root to the current activity's parent.
        let mut path = self.tree.path_to_root(current);
        path.remove(0);
        path.reverse();
        let exit_target = path.into_iter().find(|at| {
            self.sequencing_rules_check(*at, RuleKind::ExitCondition, &[RuleAction::Exit])
                .is_some()
        });
        // 3: end the attempts below and on the exit target.
        if let Some(target) = exit_target {
            self.terminate_descendent_attempts(target);
            self.end_attempt(target);
            self.state.current = Some(target);
        }
    }

    /// SN book TB.2.2 Sequencing Post Condition Rules Subprocess.
    fn sequencing_post_condition_rules(
        &self,
    ) -> (Option<TerminationRequest>, Option<SequencingRequest>) {
        let Some(current) = self.state.current else {
            return (None, None);
        };
        // 1: a suspended activity's post conditions are not evaluated.
        if self.st(current).suspended {
            return (None, None);
        }
        use RuleAction as A;
        let actions = [
            A::ExitParent,
            A::ExitAll,
            A::Retry,
            A::RetryAll,
            A::Continue,
            A::Previous,
        ];
        match self.sequencing_rules_check(current, RuleKind::PostCondition, &actions) {
            Some(A::Retry) => (None, Some(SequencingRequest::Retry)),
            Some(A::Continue) => (None, Some(SequencingRequest::Continue)),
            Some(A::Previous) => (None, Some(SequencingRequest::Previous)),
            Some(A::ExitParent) => (Some(TerminationRequest::Exit), None),
            Some(A::ExitAll) => (Some(TerminationRequest::ExitAll), None),
            Some(A::RetryAll) => (
                Some(TerminationRequest::ExitAll),
                Some(SequencingRequest::Retry),
            ),
            _ => (None, None),
        }
    }

    /// SN book UP.3 Terminate Descendent Attempts Process: ends the attempts between the
    /// current activity and its common ancestor with `ix`, exclusive of both.
    pub(crate) fn terminate_descendent_attempts(&mut self, ix: ActivityIx) {
        let Some(current) = self.state.current else {
            return;
        };
        let ancestor = self.tree.common_ancestor(current, ix);
        let mut at = current;
        while at != ancestor {
            self.end_attempt(at);
            at = self.tree.parent(at).unwrap_or(ActivityIx::ROOT);
        }
    }

    /// SN book UP.4 End Attempt Process.
    pub(crate) fn end_attempt(&mut self, ix: ActivityIx) {
        let activity = self.tree.get(ix);
        let delivery = activity.sequencing.delivery;
        let mut changed = BTreeSet::new();
        if activity.is_leaf() {
            // 1: a tracked leaf that was not suspended gets the LMS defaults.
            if delivery.tracked && !self.st(ix).suspended {
                self.end_attempt_defaults(ix);
                // The defaults are set: write them with the attempt's final values.
                self.write_objectives(ix, &[], &mut changed);
            }
        } else {
            // 2: a cluster is suspended while any child is.
            let suspended = activity.children.iter().any(|c| self.st(*c).suspended);
            self.st_mut(ix).suspended = suspended;
            if !suspended {
                self.reselect_for_next_attempt(ix);
            }
        }
        // 3–4: the attempt is over; roll up.
        let now = self.state.now;
        let state = self.st_mut(ix);
        if let Some(started) = state.attempt_started_at {
            state.attempt_absolute_secs = (now - started).max(0.0);
        }
        state.active = false;
        self.overall_rollup_after(ix, changed);
    }

    /// UP.4 steps 1.1.1–1.1.2: the completion and satisfaction the LMS assumes when the
    /// content does not set them. The statuses are read through the objective maps (SN
    /// 4.2.4): a known status read from a global objective is the activity's status, so no
    /// default replaces it (the sample RTE gets there by reporting the `cmi.objectives`
    /// values it seeded from the globals; the CTS's OB-17b expects the global kept).
    fn end_attempt_defaults(&mut self, ix: ActivityIx) {
        let delivery = self.tree.get(ix).sequencing.delivery;
        let state = self.st(ix);
        let default_completion = !delivery.completion_set_by_content
            && state.completed.is_none()
            && !state.completion_reported
            && self.attempt_completed(ix).is_none();
        let default_success = !delivery.objective_set_by_content
            && state.objectives[0].satisfied.is_none()
            && !state.success_reported
            && self.objective_satisfied(ix, 0).is_none();
        let state = self.st_mut(ix);
        if default_completion {
            state.completed = Some(true);
        }
        if default_success {
            state.objectives[0].satisfied = Some(true);
        }
    }
}
