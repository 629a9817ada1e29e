//! SN book SB.2.9 Choice Sequencing Request Process, with constrained choice (4th Ed
//! `constrainChoice`) and prevent activation.

use crate::definition::RuleAction;
use crate::engine::Sequencer;
use crate::error::{Exception, SeqResult};
use crate::lookahead::Scan;
use crate::traversal::Direction;
use crate::tree::ActivityIx;

impl Sequencer {
    /// SN book SB.2.9 Choice Sequencing Request Process: the leaf to deliver for a choice of
    /// `target`. Only reads the state; the caller handles the SB.2.9-9 clean-up.
    pub(crate) fn choice_sequencing(&self, target: ActivityIx) -> SeqResult<ActivityIx> {
        self.choice_sequencing_with(target, true, None)
    }

    /// [`Self::choice_sequencing`], optionally without the constrained-choice check (the
    /// look-ahead applies the ADL implementation's constrained range instead).
    /// `scan`, when given, answers steps 2–4 from the look-ahead's shared pass.
    pub(crate) fn choice_sequencing_with(
        &self,
        target: ActivityIx,
        constrain: bool,
        scan: Option<&Scan>,
    ) -> SeqResult<ActivityIx> {
        self.choice_target_reachable(target, constrain, scan)?;
        // 12: a leaf is delivered as is.
        if self.tree.is_leaf(target) {
            return Ok(target);
        }
        // 13: a cluster delivers the first leaf a forward flow finds in it.
        self.flow(target, Direction::Forward, true)
            .map_err(|_| Exception::new("SB.2.9-9", "nothing to deliver in the chosen cluster"))
    }

    /// SB.2.9 steps 1–11: the checks that do not depend on what the flow finds.
    pub(crate) fn choice_target_reachable(
        &self,
        target: ActivityIx,
        constrain: bool,
        scan: Option<&Scan>,
    ) -> SeqResult<()> {
        // 2–4: every activity on the path is available and not hidden from choice.
        self.check_choice_path_with(target, scan)?;
        // 5: the target's cluster allows choice.
        if let Some(parent) = self.tree.parent(target)
            && !self.tree.control(parent).choice
        {
            return Err(Exception::new(
                "SB.2.9-4",
                "choice is not enabled for the target's cluster",
            ));
        }
        let Some(current) = self.state.current else {
            // 6–7: without a current activity, nothing else constrains the choice.
            return self.check_forward_path(ActivityIx::ROOT, target, true);
        };
        let ancestor = self.tree.common_ancestor(current, target);
        if current == target {
            // Case #1: the current activity.
            Ok(())
        } else if self.tree.parent(current).is_some()
            && self.tree.parent(current) == self.tree.parent(target)
        {
            // Case #2: a sibling.
            self.check_sibling_choice(current, target)
        } else if ancestor == current {
            // Case #3: a descendant of the current activity.
            self.check_forward_path(current, target, false)
        } else if ancestor == target {
            // Case #4: an ancestor of the current activity.
            self.check_exit_path(current, target, true)
        } else {
            // Case #5: elsewhere in the tree.
            self.check_distant_choice(current, target, ancestor, constrain)
        }
    }

    /// SB.2.9 steps 2–4, from the look-ahead's shared scan when there is one.
    fn check_choice_path_with(&self, target: ActivityIx, scan: Option<&Scan>) -> SeqResult<()> {
        let Some(scan) = scan else {
            return self.check_choice_path(target);
        };
        if scan.unavailable[target.ix()] {
            return Err(Exception::new("SB.2.9-2", "the target is not available"));
        }
        if scan.hidden[target.ix()] {
            return Err(Exception::new(
                "SB.2.9-3",
                "the target is hidden from choice",
            ));
        }
        Ok(())
    }

    /// SB.2.9 steps 2–4.
    fn check_choice_path(&self, target: ActivityIx) -> SeqResult<()> {
        let mut at = target;
        while let Some(parent) = self.tree.parent(at) {
            if !self.available(parent).contains(&at) {
                return Err(Exception::new("SB.2.9-2", "the target is not available"));
            }
            at = parent;
        }
        let hidden = self
            .tree
            .path_to_root(target)
            .into_iter()
            .any(|a| self.pre_condition(a, RuleAction::HiddenFromChoice));
        if hidden {
            return Err(Exception::new(
                "SB.2.9-3",
                "the target is hidden from choice",
            ));
        }
        Ok(())
    }

    /// SB.2.9 step 8 (Case #2): every sibling between the current activity and the target
    /// must allow traversal in that direction.
    fn check_sibling_choice(&self, current: ActivityIx, target: ActivityIx) -> SeqResult<()> {
        let parent = self.tree.parent(current).unwrap_or(ActivityIx::ROOT);
        let siblings = self.available(parent);
        let from = siblings.iter().position(|s| *s == current).unwrap_or(0);
        let to = siblings.iter().position(|s| *s == target).unwrap_or(0);
        let (direction, range) = if from < to {
            (Direction::Forward, &siblings[from..to])
        } else {
            (Direction::Backward, &siblings[to + 1..=from])
        };
        range
            .iter()
            .try_for_each(|a| self.choice_activity_traversal(*a, direction))
    }

    /// SB.2.9 step 9 (Case #3) and 11.9.1: every activity from `from` (exclusive) down to
    /// `target` may be traversed forward, and none may be activated against prevent activation.
    fn check_forward_path(
        &self,
        from: ActivityIx,
        target: ActivityIx,
        include_from: bool,
    ) -> SeqResult<()> {
        // Bottom-up (the checks do not depend on the order), up to `from`. As in the ADL
        // implementation, a stop-forward-traversal rule on the target itself does not
        // stop a choice of it; one on the common ancestor does.
        let mut at = target;
        loop {
            if at != target {
                self.choice_activity_traversal(at, Direction::Forward)?;
            }
            if at == from && !include_from {
                break;
            }
            self.check_prevent_activation(at, from, target)?;
            match self.tree.parent(at) {
                Some(parent) if at != from => at = parent,
                _ => break,
            }
        }
        Ok(())
    }

    /// SB.2.9 step 9.3.2: a new attempt may not start below an inactive prevent-activation
    /// cluster (the chosen target itself may be such a cluster).
    fn check_prevent_activation(
        &self,
        at: ActivityIx,
        ancestor: ActivityIx,
        target: ActivityIx,
    ) -> SeqResult<()> {
        if at == ancestor || at == target || self.st(at).active {
            return Ok(());
        }
        let prevented = self.tree.constrained(at).prevent_activation;
        if prevented {
            return Err(Exception::new(
                "SB.2.9-6",
                "prevent activation forbids a new attempt here",
            ));
        }
        Ok(())
    }

    /// SB.2.9 step 10 (Case #4) and 11.4: no active activity on the way up may forbid
    /// choice exit.
    fn check_exit_path(
        &self,
        current: ActivityIx,
        ancestor: ActivityIx,
        exclusive: bool,
    ) -> SeqResult<()> {
        let mut at = current;
        while at != ancestor {
            if !self.tree.control(at).choice_exit && (exclusive || self.st(at).active) {
                return Err(Exception::new(
                    "SB.2.9-7",
                    "choice exit is not allowed here",
                ));
            }
            at = self.tree.parent(at).unwrap_or(ActivityIx::ROOT);
        }
        Ok(())
    }

    /// SB.2.9 step 11 (Case #5): the target is neither the current activity's sibling,
    /// descendant nor ancestor.
    fn check_distant_choice(
        &self,
        current: ActivityIx,
        target: ActivityIx,
        ancestor: ActivityIx,
        constrain: bool,
    ) -> SeqResult<()> {
        // 11.1–11.4: choice exit on the way up; 11.5: constrained choice.
        self.check_exit_path(current, ancestor, true)?;
        if constrain {
            self.check_constrained_choice(current, target, ancestor)?;
        }
        // 11.7–11.9: traversal from the common ancestor to the target.
        if target > current {
            self.check_forward_path(ancestor, target, false)
        } else {
            self.check_backward_target(ancestor, target)
        }
    }

    /// SB.2.9 step 11.5: a constrained cluster (searched from the current activity's
    /// parent up to the common ancestor, as the ADL implementation does) only lets the
    /// learner choose its flow neighbours.
    fn check_constrained_choice(
        &self,
        current: ActivityIx,
        target: ActivityIx,
        ancestor: ActivityIx,
    ) -> SeqResult<()> {
        let mut at = self.tree.parent(current);
        while let Some(a) = at.filter(|a| *a != ancestor) {
            if self.tree.constrained(a).constrain_choice {
                return self.check_near_constrained(a, target);
            }
            at = self.tree.parent(a);
        }
        Ok(())
    }

    /// SB.2.9 step 11.5.1–11.5.3: the target is the constrained cluster's flow neighbour
    /// (or one of its children).
    fn check_near_constrained(&self, constrained: ActivityIx, target: ActivityIx) -> SeqResult<()> {
        let direction = if target > constrained {
            Direction::Forward
        } else {
            Direction::Backward
        };
        let consider = self.choice_flow(constrained, direction);
        let near = target == consider || self.tree.parent(target) == Some(consider);
        if near || target == constrained {
            return Ok(());
        }
        Err(Exception::new(
            "SB.2.9-8",
            "constrained choice forbids this target",
        ))
    }

    /// SB.2.9 step 11.10: a backward target checks prevent activation on the way down
    /// (forward only restricts flow and sibling choice, not a choice across clusters).
    fn check_backward_target(&self, ancestor: ActivityIx, target: ActivityIx) -> SeqResult<()> {
        let mut at = target;
        while at != ancestor {
            self.check_prevent_activation(at, ancestor, target)?;
            at = self.tree.parent(at).unwrap_or(ancestor);
        }
        Ok(())
    }
}
