//! One preorder pass over the tree that the look-ahead shares between all choice targets:
//! what is hidden from choice, unavailable after selection, or blocked by a disabled or
//! limited activity on its path from the root.

use crate::definition::RuleAction;
use crate::engine::Sequencer;
use crate::tree::ActivityIx;

/// Per-activity facts inherited from the ancestors.
#[derive(Debug)]
pub(crate) struct Scan {
    /// Hidden from choice, itself or through an ancestor (SB.2.9 step 4).
    pub hidden: Vec<bool>,
    /// Not among its parent's available children, itself or an ancestor (SB.2.9 step 3).
    pub unavailable: Vec<bool>,
    /// The Check Activity Process fails on it or an ancestor (DB.1.1 step 3).
    pub blocked: Vec<bool>,
}

impl Sequencer {
    pub(crate) fn scan(&self) -> Scan {
        let n = self.tree.len();
        let mut available = vec![false; n];
        available[0] = true;
        for ix in self.tree.all() {
            for child in self.available(ix) {
                available[child.ix()] = true;
            }
        }
        let mut scan = Scan {
            hidden: vec![false; n],
            unavailable: vec![false; n],
            blocked: vec![false; n],
        };
        for ix in self.tree.all() {
            let parent = self.tree.parent(ix).map(ActivityIx::ix);
            let inherit = |v: &Vec<bool>| parent.is_some_and(|p| v[p]);
            scan.hidden[ix.ix()] =
                inherit(&scan.hidden) || self.pre_condition(ix, RuleAction::HiddenFromChoice);
            scan.unavailable[ix.ix()] = inherit(&scan.unavailable) || !available[ix.ix()];
            scan.blocked[ix.ix()] = inherit(&scan.blocked) || self.check_activity(ix);
        }
        scan
    }
}
