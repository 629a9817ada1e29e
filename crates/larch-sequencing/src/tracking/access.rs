//! Reading objective and progress information through objective maps (SN 4.2.4 global
//! objectives; 4th Ed extended maps): reads prefer a known global value. Writes are in
//! `write.rs`.

use crate::definition::ObjectiveMap;
use crate::engine::Sequencer;
use crate::tracking::ObjectiveState;
use crate::tree::ActivityIx;

impl Sequencer {
    /// The index of the activity's objective with `id`; `None` is the primary objective.
    pub(crate) fn objective_index(&self, ix: ActivityIx, id: Option<&str>) -> Option<usize> {
        let Some(id) = id else { return Some(0) };
        self.tree
            .get(ix)
            .objectives()
            .position(|o| o.id.as_deref() == Some(id))
    }

    pub(super) fn maps(&self, ix: ActivityIx, objective: usize) -> &[ObjectiveMap] {
        self.tree
            .get(ix)
            .objectives()
            .nth(objective)
            .map_or(&[], |o| o.maps.as_slice())
    }

    /// The first known global value among the maps that read it.
    fn read_global<T>(
        &self,
        ix: ActivityIx,
        objective: usize,
        reads: impl Fn(&ObjectiveMap) -> bool,
        value: impl Fn(&ObjectiveState) -> Option<T>,
    ) -> Option<T> {
        self.maps(ix, objective)
            .iter()
            .filter(|map| reads(map))
            .filter_map(|map| self.state.globals.get(&map.target_objective_id))
            .find_map(value)
    }

    pub(super) fn local(&self, ix: ActivityIx, objective: usize) -> ObjectiveState {
        self.st(ix)
            .objectives
            .get(objective)
            .copied()
            .unwrap_or_default()
    }

    /// Objective Satisfied Status (with Objective Progress Status) of an objective.
    /// With Objective Satisfied by Measure, the status follows the (read) measure.
    pub(crate) fn objective_satisfied(&self, ix: ActivityIx, objective: usize) -> Option<bool> {
        let activity = self.tree.get(ix);
        if let Some(def) = activity.objectives().nth(objective)
            && def.satisfied_by_measure
        {
            let if_active = activity
                .sequencing
                .rollup_considerations
                .measure_satisfaction_if_active;
            if self.st(ix).active && !if_active {
                return None;
            }
            return self
                .objective_measure(ix, objective)
                .map(|m| m >= def.min_normalized_measure);
        }
        // A map that reads the satisfied status makes the global objective authoritative,
        // unknown included (the ADL implementation creates every mapped global objective,
        // with an unknown status, when the learner registers).
        let reading = self
            .maps(ix, objective)
            .iter()
            .find(|m| m.read_satisfied_status);
        match reading {
            Some(map) => self
                .state
                .globals
                .get(&map.target_objective_id)
                .and_then(|g| g.satisfied),
            None => self.local(ix, objective).satisfied,
        }
    }

    /// Objective Normalized Measure (with Objective Measure Status) of an objective.
    pub(crate) fn objective_measure(&self, ix: ActivityIx, objective: usize) -> Option<f64> {
        self.read_global(ix, objective, |m| m.read_normalized_measure, |g| g.measure)
            .or(self.local(ix, objective).measure)
    }

    /// Attempt Completion Status (with Attempt Progress Status), read through the primary
    /// objective's 4th Ed completion map.
    /// With Completed by Measure (4th Ed), the status follows the progress measure.
    pub(crate) fn attempt_completed(&self, ix: ActivityIx) -> Option<bool> {
        let threshold = self.tree.get(ix).completion_threshold;
        if threshold.completed_by_measure {
            return self
                .completion_amount(ix)
                .map(|a| a >= threshold.min_progress_measure);
        }
        self.read_global(ix, 0, |m| m.read_completion_status, |g| g.completed)
            .or(self.st(ix).completed)
    }

    /// Attempt Completion Amount (progress measure), read through the primary objective's
    /// 4th Ed progress-measure map.
    pub(crate) fn completion_amount(&self, ix: ActivityIx) -> Option<f64> {
        self.read_global(ix, 0, |m| m.read_progress_measure, |g| g.progress_measure)
            .or(self.st(ix).completion_amount)
    }

    /// A child's primary objective and progress as its parent's rollup reads them: with the
    /// parent's Use Current Attempt Objective/Progress Information, local information from
    /// before the parent's current attempt does not count (only what the maps read).
    pub(crate) fn rollup_view(&self, parent: ActivityIx, child: ActivityIx) -> ObjectiveState {
        let mode = self.tree.control(parent);
        let stale = self.st(child).stale;
        let old_objectives = stale && mode.use_current_attempt_objective_info;
        let old_progress = stale && mode.use_current_attempt_progress_info;
        let mut view = ObjectiveState {
            satisfied: self.objective_satisfied(child, 0),
            measure: self.objective_measure(child, 0),
            completed: self.attempt_completed(child),
            progress_measure: self.completion_amount(child),
            ..ObjectiveState::default()
        };
        if old_objectives {
            let reads_status = self.maps(child, 0).iter().any(|m| m.read_satisfied_status);
            view.measure = self.read_global(child, 0, |m| m.read_normalized_measure, |g| g.measure);
            if !reads_status {
                view.satisfied = self.satisfied_from_measure(child, view.measure);
            }
        }
        if old_progress {
            view.progress_measure = self.read_global(
                child,
                0,
                |m| m.read_progress_measure,
                |g| g.progress_measure,
            );
            view.completed =
                self.read_global(child, 0, |m| m.read_completion_status, |g| g.completed);
            let threshold = self.tree.get(child).completion_threshold;
            if threshold.completed_by_measure {
                view.completed = view
                    .progress_measure
                    .map(|a| a >= threshold.min_progress_measure);
            }
        }
        view
    }

    /// A satisfied-by-measure primary objective's status for `measure`; `None` otherwise.
    fn satisfied_from_measure(&self, ix: ActivityIx, measure: Option<f64>) -> Option<bool> {
        let primary = &self.tree.get(ix).primary_objective;
        primary
            .satisfied_by_measure
            .then(|| measure.map(|m| m >= primary.min_normalized_measure))
            .flatten()
    }

    /// The objective's full state as read through its maps, as the content sees it in
    /// `cmi.objectives` (RTE 4.2.17 initialization; the ADL sample RTE fills it with these).
    ///
    /// Completion status and progress measure are read through the 4th Ed extended maps for
    /// every objective. The primary objective's completion status is the global's status when
    /// a map reads a known one: that is the status the writer's own completion threshold gave
    /// (SN 4.2.4; the sample's `SeqObjectiveTracking.getObjCompletionStatus`), not this
    /// activity's threshold applied to the global's progress measure.
    pub fn objective_view(&self, ix: ActivityIx, objective: usize) -> ObjectiveState {
        let local = self.local(ix, objective);
        // The primary objective's own values are the attempt's completion and progress.
        let (completed, progress_measure) = if objective == 0 {
            (self.attempt_completed(ix), self.st(ix).completion_amount)
        } else {
            (local.completed, local.progress_measure)
        };
        let read = |reads: fn(&ObjectiveMap) -> bool, value: fn(&ObjectiveState) -> Option<f64>| {
            self.read_global(ix, objective, reads, value)
        };
        ObjectiveState {
            satisfied: self.objective_satisfied(ix, objective),
            measure: self.objective_measure(ix, objective),
            raw: read(|m| m.read_raw_score, |g| g.raw).or(local.raw),
            min: read(|m| m.read_min_score, |g| g.min).or(local.min),
            max: read(|m| m.read_max_score, |g| g.max).or(local.max),
            completed: self
                .read_global(ix, objective, |m| m.read_completion_status, |g| g.completed)
                .or(completed),
            progress_measure: read(|m| m.read_progress_measure, |g| g.progress_measure)
                .or(progress_measure),
        }
    }
}
