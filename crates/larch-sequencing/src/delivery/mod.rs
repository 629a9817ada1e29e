//! SN book 4.7 Delivery Request Process (DB.1.1), Content Delivery Environment Process
//! (DB.2) and Clear Suspended Activity Subprocess (DB.2.1).

use crate::engine::Sequencer;
use crate::error::{Exception, SeqResult};
use crate::tree::ActivityIx;

impl Sequencer {
    /// SN book DB.1.1 Delivery Request Process: whether `target` may be delivered.
    pub(crate) fn delivery_request(&self, target: ActivityIx) -> SeqResult<()> {
        // 1: only leaves deliver content.
        if !self.tree.is_leaf(target) {
            return Err(Exception::new("DB.1.1-1", "only a leaf can be delivered"));
        }
        // 3: nothing on the path from the root may be disabled or over its limits.
        if self
            .tree
            .path_to_root(target)
            .into_iter()
            .any(|a| self.check_activity(a))
        {
            return Err(Exception::new(
                "DB.1.1-3",
                "an activity on the path cannot be delivered",
            ));
        }
        Ok(())
    }

    /// SN book DB.2 Content Delivery Environment Process: begins (or resumes) the attempts
    /// on the path to `target` and makes it the current activity. `retry` resets the
    /// retried subtree's tracking, so rollup reads only the new attempt (SN 4.2.2).
    pub(crate) fn content_delivery_environment(
        &mut self,
        target: ActivityIx,
        retry: bool,
        now: f64,
    ) -> SeqResult<()> {
        // 1: the current activity must have ended.
        if let Some(current) = self.state.current
            && self.st(current).active
            && current != target
        {
            return Err(Exception::new(
                "DB.2-1",
                "the current activity is still active",
            ));
        }
        // 2: Clear Suspended Activity, unless resuming it.
        if self.state.suspended != Some(target) {
            self.clear_suspended_activity(target);
        }
        // 3: Terminate Descendent Attempts.
        self.terminate_descendent_attempts(target);
        // 4–5: begin or resume the attempts from the root down.
        let mut path = self.tree.path_to_root(target);
        path.reverse();
        for at in path {
            self.begin_attempt(at, retry, now);
        }
        // 6: the target is current; nothing is suspended any more.
        self.state.current = Some(target);
        self.state.suspended = None;
        Ok(())
    }

    /// DB.2 step 5.1: an inactive activity becomes active, resuming a suspended attempt or
    /// starting a new one.
    fn begin_attempt(&mut self, ix: ActivityIx, retry: bool, now: f64) {
        if self.st(ix).active {
            return;
        }
        if self.tree.get(ix).sequencing.delivery.tracked {
            if self.st(ix).suspended {
                self.st_mut(ix).suspended = false;
            } else {
                let state = self.st_mut(ix);
                state.attempt_count += 1;
                state.reset_for_new_attempt();
                state.attempt_started_at = Some(now);
                state.stale = false;
                for child in self.tree.get(ix).children.clone() {
                    self.st_mut(child).stale = true;
                }
                if retry {
                    self.reset_descendants(ix);
                }
            }
        }
        self.st_mut(ix).active = true;
    }

    /// A retried cluster starts its descendants afresh when it uses current attempt
    /// information only (SN 3.2 `useCurrentAttemptObjectiveInfo`/`…ProgressInfo`).
    fn reset_descendants(&mut self, ix: ActivityIx) {
        let mode = self.tree.control(ix);
        let end = self.tree.get(ix).subtree_end;
        for d in ix.0 + 1..end {
            let state = &mut self.state.activities[d as usize];
            if mode.use_current_attempt_objective_info {
                state
                    .objectives
                    .iter_mut()
                    .for_each(|o| *o = Default::default());
            }
            if mode.use_current_attempt_progress_info {
                state.completed = None;
                state.completion_amount = None;
            }
        }
    }

    /// SN book DB.2.1 Clear Suspended Activity Subprocess.
    fn clear_suspended_activity(&mut self, target: ActivityIx) {
        let Some(suspended) = self.state.suspended else {
            return;
        };
        let ancestor = self.tree.common_ancestor(target, suspended);
        let mut at = suspended;
        loop {
            let clear = self.tree.is_leaf(at)
                || !self
                    .tree
                    .get(at)
                    .children
                    .iter()
                    .any(|c| self.st(*c).suspended);
            if clear {
                self.st_mut(at).suspended = false;
            }
            if at == ancestor {
                break;
            }
            at = self.tree.parent(at).unwrap_or(ActivityIx::ROOT);
        }
        self.state.suspended = None;
    }
}
