//! The constrained-choice range of the menu (SN 3.13 `constrainChoice`), computed as the
//! ADL sample implementation builds its table of contents: only the activities between
//! the constrained cluster's flow neighbours may be chosen.

use crate::engine::Sequencer;
use crate::traversal::Direction;
use crate::tree::ActivityIx;

impl Sequencer {
    /// The preorder range `[first, last]` of selectable activities, when an ancestor of the
    /// current activity constrains choice.
    pub(crate) fn constrained_range(&self) -> Option<(ActivityIx, ActivityIx)> {
        let current = self.state.current?;
        // The nearest constraining ancestor, from the current activity's parent (the root
        // never constrains when it is that parent).
        let start = self
            .tree
            .parent(current)
            .filter(|p| !self.tree.is_root(*p))?;
        let constrained = self
            .tree
            .path_to_root(start)
            .into_iter()
            .find(|a| self.tree.constrained(*a).constrain_choice)?;
        // The forward end: the last activity of the next activity's subtree.
        let forward = self.choice_flow(constrained, Direction::Forward);
        let last = ActivityIx(self.tree.get(forward).subtree_end - 1);
        // The backward end, widened to ancestors that flow into it from their first child.
        let backward = self.choice_flow(constrained, Direction::Backward);
        Some((self.flowing_ancestor(backward), last))
    }

    /// The outermost ancestor reaching `ix` by flowing into first children.
    fn flowing_ancestor(&self, ix: ActivityIx) -> ActivityIx {
        let mut first = ix;
        while let Some(parent) = self.tree.parent(first) {
            let activity = self.tree.get(parent);
            let selectable = self
                .tree
                .parent(parent)
                .is_none_or(|p| self.tree.control(p).choice);
            let flows_in = activity.sequencing.control_mode.flow
                && self.available(parent).first() == Some(&first);
            if !selectable || self.check_activity(parent) || !flows_in {
                break;
            }
            first = parent;
        }
        first
    }
}
