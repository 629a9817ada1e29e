//! SN book 4.8.1–4.8.4 flow traversal: the Flow Tree Traversal Subprocess (SB.2.1), Flow
//! Activity Traversal Subprocess (SB.2.2), Flow Subprocess (SB.2.3) and Choice Activity
//! Traversal Subprocess (SB.2.4), plus the choice flow subprocesses (SB.2.9.1, SB.2.9.2).
//!
//! All of them only read the state: walking off the end of the tree is reported as
//! [`END_OF_TREE`] and the caller ends the attempts.

use crate::definition::RuleAction;
use crate::engine::Sequencer;
use crate::error::{END_OF_TREE, Exception, SeqResult};
use crate::tree::ActivityIx;

/// The direction of a traversal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    Forward,
    Backward,
}

impl Sequencer {
    fn siblings(&self, ix: ActivityIx) -> &[ActivityIx] {
        match self.tree.parent(ix) {
            Some(parent) => self.available(parent),
            None => &[],
        }
    }

    fn is_last_sibling(&self, ix: ActivityIx) -> bool {
        self.siblings(ix).last() == Some(&ix)
    }

    fn sibling(&self, ix: ActivityIx, offset: isize) -> Option<ActivityIx> {
        let siblings = self.siblings(ix);
        let at = siblings.iter().position(|s| *s == ix)? as isize + offset;
        usize::try_from(at)
            .ok()
            .and_then(|i| siblings.get(i))
            .copied()
    }

    /// Whether `ix` is the last activity of a forward preorder traversal of the tree.
    fn is_last_in_tree(&self, ix: ActivityIx) -> bool {
        if !self.available(ix).is_empty() {
            return false;
        }
        self.tree
            .path_to_root(ix)
            .into_iter()
            .all(|at| self.tree.is_root(at) || self.is_last_sibling(at))
    }

    /// SN book SB.2.1 Flow Tree Traversal Subprocess: the next activity in `direction`.
    pub(crate) fn flow_tree_traversal(
        &self,
        ix: ActivityIx,
        direction: Direction,
        previous: Option<Direction>,
        consider_children: bool,
    ) -> SeqResult<(ActivityIx, Direction)> {
        let (mut ix, mut direction, mut reversed) = (ix, direction, false);
        // 2: coming back from a backward step at the last sibling: start over from the first.
        if previous == Some(Direction::Backward) && self.is_last_sibling(ix) {
            direction = Direction::Backward;
            ix = self.siblings(ix)[0];
            reversed = true;
        }
        match direction {
            Direction::Forward => self.flow_tree_forward(ix, consider_children),
            Direction::Backward => self.flow_tree_backward(ix, consider_children, reversed),
        }
    }

    /// SB.2.1 step 3.
    fn flow_tree_forward(
        &self,
        ix: ActivityIx,
        consider_children: bool,
    ) -> SeqResult<(ActivityIx, Direction)> {
        // 3.1: off the end of the tree.
        if self.is_last_in_tree(ix) || (!consider_children && self.tree.is_root(ix)) {
            return Err(END_OF_TREE);
        }
        let leaf_like = self.tree.is_leaf(ix) || !consider_children;
        if leaf_like {
            // 3.2: the next sibling, or the parent's next sibling.
            if self.is_last_sibling(ix) {
                let parent = self.tree.parent(ix).unwrap_or(ActivityIx::ROOT);
                return self.flow_tree_traversal(parent, Direction::Forward, None, false);
            }
            let next = self.sibling(ix, 1).ok_or(END_OF_TREE)?;
            return Ok((next, Direction::Forward));
        }
        // 3.3: into the cluster.
        match self.available(ix).first() {
            Some(first) => Ok((*first, Direction::Forward)),
            None => Err(Exception::new(
                "SB.2.1-2",
                "the cluster has no available children",
            )),
        }
    }

    /// SB.2.1 step 4.
    fn flow_tree_backward(
        &self,
        ix: ActivityIx,
        consider_children: bool,
        reversed: bool,
    ) -> SeqResult<(ActivityIx, Direction)> {
        // 4.1: the beginning of the tree.
        let Some(parent) = self.tree.parent(ix) else {
            return Err(Exception::new(
                "SB.2.1-3",
                "reached the beginning of the activity tree",
            ));
        };
        if self.tree.is_leaf(ix) || !consider_children {
            // 4.2.1: a forward-only cluster forbids backward flow.
            if !reversed && self.tree.control(parent).forward_only {
                return Err(Exception::new("SB.2.1-4", "the cluster is forward only"));
            }
            // 4.2.2: the previous sibling, or the parent's previous sibling.
            return match self.sibling(ix, -1) {
                Some(previous) => Ok((previous, Direction::Backward)),
                None => self.flow_tree_traversal(parent, Direction::Backward, None, false),
            };
        }
        // 4.3: into the cluster, from its end unless it is forward only.
        let children = self.available(ix);
        match (children.first(), children.last()) {
            (Some(first), _) if self.tree.control(ix).forward_only => {
                Ok((*first, Direction::Forward))
            }
            (_, Some(last)) => Ok((*last, Direction::Backward)),
            _ => Err(Exception::new(
                "SB.2.1-2",
                "the cluster has no available children",
            )),
        }
    }

    /// SN book SB.2.2 Flow Activity Traversal Subprocess: a deliverable leaf at or beyond `ix`.
    pub(crate) fn flow_activity_traversal(
        &self,
        ix: ActivityIx,
        direction: Direction,
        previous: Option<Direction>,
    ) -> SeqResult<ActivityIx> {
        // 1: flow must be enabled in the parent.
        let parent = self.tree.parent(ix).unwrap_or(ActivityIx::ROOT);
        if !self.tree.control(parent).flow {
            return Err(Exception::new(
                "SB.2.2-1",
                "flow is not enabled for the cluster",
            ));
        }
        // 2: skipped activities are passed over.
        if self.pre_condition(ix, RuleAction::Skip) {
            let (next, returned) = self.flow_tree_traversal(ix, direction, previous, false)?;
            return if previous == Some(Direction::Backward) && returned == Direction::Backward {
                self.flow_activity_traversal(next, returned, None)
            } else {
                self.flow_activity_traversal(next, direction, previous)
            };
        }
        // 3: disabled or limited activities stop the flow.
        if self.check_activity(ix) {
            return Err(Exception::new(
                "SB.2.2-2",
                "the activity is disabled or over its limits",
            ));
        }
        // 4: descend into clusters.
        if !self.tree.is_leaf(ix) {
            let (next, returned) = self.flow_tree_traversal(ix, direction, None, true)?;
            return if direction == Direction::Backward && returned == Direction::Forward {
                self.flow_activity_traversal(next, Direction::Forward, Some(Direction::Backward))
            } else {
                self.flow_activity_traversal(next, direction, None)
            };
        }
        Ok(ix)
    }

    /// SN book SB.2.3 Flow Subprocess.
    pub(crate) fn flow(
        &self,
        ix: ActivityIx,
        direction: Direction,
        consider_children: bool,
    ) -> SeqResult<ActivityIx> {
        let (candidate, _) = self.flow_tree_traversal(ix, direction, None, consider_children)?;
        self.flow_activity_traversal(candidate, direction, None)
    }

    /// SN book SB.2.4 Choice Activity Traversal Subprocess.
    pub(crate) fn choice_activity_traversal(
        &self,
        ix: ActivityIx,
        direction: Direction,
    ) -> SeqResult<()> {
        match direction {
            Direction::Forward => {
                if self.pre_condition(ix, RuleAction::StopForwardTraversal) {
                    return Err(Exception::new(
                        "SB.2.4-1",
                        "a stop forward traversal rule applies",
                    ));
                }
                Ok(())
            }
            Direction::Backward => match self.tree.parent(ix) {
                Some(parent) if self.tree.control(parent).forward_only => {
                    Err(Exception::new("SB.2.4-2", "the cluster is forward only"))
                }
                Some(_) => Ok(()),
                None => Err(Exception::new(
                    "SB.2.4-3",
                    "reached the beginning of the activity tree",
                )),
            },
        }
    }

    /// SN book SB.2.9.1 Choice Flow Subprocess.
    pub(crate) fn choice_flow(&self, ix: ActivityIx, direction: Direction) -> ActivityIx {
        self.choice_flow_tree_traversal(ix, direction).unwrap_or(ix)
    }

    /// SN book SB.2.9.2 Choice Flow Tree Traversal Subprocess.
    fn choice_flow_tree_traversal(
        &self,
        ix: ActivityIx,
        direction: Direction,
    ) -> Option<ActivityIx> {
        let parent = self.tree.parent(ix)?;
        match direction {
            Direction::Forward if self.is_last_in_tree(ix) => None,
            Direction::Forward if self.is_last_sibling(ix) => {
                self.choice_flow_tree_traversal(parent, direction)
            }
            Direction::Forward => self.sibling(ix, 1),
            Direction::Backward if self.siblings(ix).first() == Some(&ix) => {
                self.choice_flow_tree_traversal(parent, direction)
            }
            Direction::Backward => self.sibling(ix, -1),
        }
    }
}
