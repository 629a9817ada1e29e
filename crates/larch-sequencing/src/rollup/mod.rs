//! SN book 4.6 Rollup Process (RB.1): measure, completion-measure, objective and progress
//! rollup from the children to their parents, up to the root.

mod rules;

use std::collections::BTreeSet;

use crate::definition::RollupAction;
use crate::engine::Sequencer;
use crate::tree::ActivityIx;

impl Sequencer {
    /// SN book RB.1.5 Overall Rollup Process: rolls up from `ix` to the root; then, as the
    /// 4th Edition asks, from every activity that reads a global objective the rollup
    /// changed (a few rounds at most, so mutually reading maps cannot loop).
    pub(crate) fn overall_rollup(&mut self, ix: ActivityIx) {
        self.overall_rollup_after(ix, BTreeSet::new());
    }

    /// [`Self::overall_rollup`] after the values of `ix` were written, changing the global
    /// objectives in `changed`: their readers roll up too.
    pub(crate) fn overall_rollup_after(&mut self, ix: ActivityIx, mut changed: BTreeSet<String>) {
        self.rollup_path(ix, &mut changed);
        for _ in 0..4 {
            if changed.is_empty() {
                break;
            }
            let readers: BTreeSet<ActivityIx> = changed
                .iter()
                .flat_map(|g| self.tree.global_readers(g))
                .copied()
                .collect();
            changed.clear();
            for reader in readers {
                self.rollup_path(reader, &mut changed);
            }
        }
    }

    /// RB.1.5 steps 1–2 for one activity path.
    fn rollup_path(&mut self, ix: ActivityIx, changed: &mut BTreeSet<String>) {
        // 1–2: the activity path from the activity to the root, inclusive.
        for at in self.tree.path_to_root(ix) {
            let leaf = self.tree.is_leaf(at);
            if !leaf {
                // 2.1: Measure Rollup; 2.2: Completion Measure Rollup (4th Ed).
                self.measure_rollup(at);
                self.completion_measure_rollup(at);
            }
            // 2.3: Objective Rollup; 2.4: Activity Progress Rollup.
            self.objective_rollup(at);
            self.activity_progress_rollup(at);
            // Rollup decides a cluster's primary objective, so it writes it (the sample
            // RTE's rollup sets, and so writes, it each time). A leaf's values were written
            // when set (`record`, End Attempt); one that reads a global may hold an earlier
            // attempt's values, which must not go back over what other activities wrote
            // since (the CTS's SX-11b, CO-10). The sample RTE does not roll leaves up at all.
            if !leaf {
                self.write_primary(at, changed);
            }
        }
    }

    /// Tracked children in the available set: the ones rollup reads.
    fn tracked_children(&self, ix: ActivityIx) -> Vec<ActivityIx> {
        self.available(ix)
            .iter()
            .copied()
            .filter(|c| self.tree.get(*c).sequencing.delivery.tracked)
            .collect()
    }

    /// SN book RB.1.1 a Measure Rollup Process: the weighted mean of the children's measures.
    fn measure_rollup(&mut self, ix: ActivityIx) {
        let (mut total, mut counted, mut valid) = (0.0, 0.0, false);
        for child in self.tracked_children(ix) {
            let weight = self
                .tree
                .get(child)
                .sequencing
                .rollup
                .objective_measure_weight;
            counted += weight;
            if let Some(measure) = self.rollup_view(ix, child).measure {
                total += measure * weight;
                valid = true;
            }
        }
        let measure = (valid && counted > 0.0).then(|| total / counted);
        self.st_mut(ix).objectives[0].measure = measure;
    }

    /// SN book RB.1.1 b Completion Measure Rollup Process (4th Ed): the weighted mean of the
    /// children's progress measures.
    fn completion_measure_rollup(&mut self, ix: ActivityIx) {
        let (mut total, mut counted, mut valid) = (0.0, 0.0, false);
        for child in self.tracked_children(ix) {
            let weight = self.tree.get(child).completion_threshold.progress_weight;
            counted += weight;
            if let Some(amount) = self.rollup_view(ix, child).progress_measure {
                total += amount * weight;
                valid = true;
            }
        }
        let amount = (valid && counted > 0.0).then(|| total / counted);
        self.st_mut(ix).completion_amount = amount;
    }

    /// SN book RB.1.2 Objective Rollup Process: by measure, by rules, or the default rules.
    fn objective_rollup(&mut self, ix: ActivityIx) {
        if self.tree.get(ix).primary_objective.satisfied_by_measure {
            self.objective_rollup_using_measure(ix);
        } else if !self.tree.is_leaf(ix) {
            self.objective_rollup_using_rules(ix);
        }
    }

    /// SN book RB.1.2 a Objective Rollup Using Measure Process.
    fn objective_rollup_using_measure(&mut self, ix: ActivityIx) {
        let activity = self.tree.get(ix);
        let threshold = activity.primary_objective.min_normalized_measure;
        let if_active = activity
            .sequencing
            .rollup_considerations
            .measure_satisfaction_if_active;
        let satisfied = match self.objective_measure(ix, 0) {
            // 1.2.1: no measure, no status.
            None => None,
            // 1.2.2: an active activity counts only if measure satisfaction if active.
            Some(_) if self.st(ix).active && !if_active => None,
            Some(measure) => Some(measure >= threshold),
        };
        self.st_mut(ix).objectives[0].satisfied = satisfied;
    }

    /// SN book RB.1.2 b Objective Rollup Using Rules Process (RB.1.2 c defaults included).
    fn objective_rollup_using_rules(&mut self, ix: ActivityIx) {
        // 2.1–2.2: not satisfied, then 2.3–2.4: satisfied (which wins).
        if self.rollup_rule_check(ix, RollupAction::NotSatisfied) {
            self.st_mut(ix).objectives[0].satisfied = Some(false);
        }
        if self.rollup_rule_check(ix, RollupAction::Satisfied) {
            self.st_mut(ix).objectives[0].satisfied = Some(true);
        }
    }

    /// SN book RB.1.3 Activity Progress Rollup Process (by measure, 4th Ed, or by rules).
    fn activity_progress_rollup(&mut self, ix: ActivityIx) {
        let threshold = self.tree.get(ix).completion_threshold;
        if threshold.completed_by_measure {
            // RB.1.3 a Activity Progress Rollup Using Measure.
            let completed = self
                .completion_amount(ix)
                .map(|a| a >= threshold.min_progress_measure);
            self.st_mut(ix).completed = completed;
            return;
        }
        if self.tree.is_leaf(ix) {
            return;
        }
        // RB.1.3 b: incomplete, then completed (which wins).
        if self.rollup_rule_check(ix, RollupAction::Incomplete) {
            self.st_mut(ix).completed = Some(false);
        }
        if self.rollup_rule_check(ix, RollupAction::Completed) {
            self.st_mut(ix).completed = Some(true);
        }
    }
}
