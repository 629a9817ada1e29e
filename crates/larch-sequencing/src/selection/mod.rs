//! SN book 4.9 Selection and Randomization: the Select Children Process (SR.1) and the
//! Randomize Children Process (SR.2), drawing from the state's seeded random source.
//!
//! As in the ADL sample implementation, `once` timings apply when the tree is first
//! prepared and `onEachNewAttempt` timings again whenever an attempt on the cluster ends
//! unsuspended, so the children are in place before the next traversal into the cluster.

use rand_chacha::rand_core::RngCore;

use crate::definition::RandomizationTiming;
use crate::engine::Sequencer;
use crate::tree::ActivityIx;

impl Sequencer {
    /// Applies the `once` (and first `onEachNewAttempt`) selection and randomization to
    /// every cluster, in preorder.
    pub(crate) fn prepare_clusters(&mut self) {
        for ix in self.tree.all() {
            if self.tree.is_leaf(ix) {
                continue;
            }
            let controls = self.tree.get(ix).sequencing.randomization;
            if controls.selection_timing != RandomizationTiming::Never
                && !self.st(ix).selection_done
            {
                self.select_children(ix);
            }
            if controls.randomization_timing != RandomizationTiming::Never
                && !self.st(ix).randomization_done
            {
                self.randomize_children(ix);
            }
        }
    }

    /// Re-applies `onEachNewAttempt` selection and randomization after an attempt ends.
    pub(crate) fn reselect_for_next_attempt(&mut self, ix: ActivityIx) {
        let controls = self.tree.get(ix).sequencing.randomization;
        if controls.selection_timing == RandomizationTiming::OnEachNewAttempt {
            self.select_children(ix);
        }
        if controls.randomization_timing == RandomizationTiming::OnEachNewAttempt {
            self.randomize_children(ix);
        }
    }

    /// SN book SR.1 Select Children Process: keeps `select_count` children chosen at random,
    /// in their original order.
    fn select_children(&mut self, ix: ActivityIx) {
        let children = self.tree.get(ix).children.clone();
        self.st_mut(ix).selection_done = true;
        let Some(count) = self.tree.get(ix).sequencing.randomization.select_count else {
            return;
        };
        let count = (count as usize).min(children.len());
        if count == 0 || count == children.len() {
            return;
        }
        let mut chosen = vec![false; children.len()];
        let mut picked = 0;
        while picked < count {
            let i = self.draw(children.len());
            if !chosen[i] {
                chosen[i] = true;
                picked += 1;
            }
        }
        let available = children
            .into_iter()
            .zip(chosen)
            .filter(|(_, c)| *c)
            .map(|(a, _)| a)
            .collect();
        self.st_mut(ix).available_children = available;
    }

    /// SN book SR.2 Randomize Children Process: shuffles the available children.
    fn randomize_children(&mut self, ix: ActivityIx) {
        self.st_mut(ix).randomization_done = true;
        if !self.tree.get(ix).sequencing.randomization.reorder_children {
            return;
        }
        let mut children = std::mem::take(&mut self.st_mut(ix).available_children);
        for i in (1..children.len()).rev() {
            let j = self.draw(i + 1);
            children.swap(i, j);
        }
        self.st_mut(ix).available_children = children;
    }

    /// A uniform draw in `0..n` from the seeded source.
    fn draw(&mut self, n: usize) -> usize {
        (self.state.rng.next_u64() % n as u64) as usize
    }
}
