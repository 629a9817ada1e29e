//! Writing objective and progress information through objective maps (SN 4.2.4 write maps;
//! 4th Ed extended writes, CAM 5.2.3).
//!
//! A value is written when it is set, as the ADL sample RTE does (`SeqObjectiveTracking`
//! writes in its setters): by the content's report (`record`), by the End Attempt Process
//! defaults, and by rollup. Values an activity holds from an earlier attempt are never
//! written again: another activity may have written the global objective since.

use std::collections::BTreeSet;

use crate::definition::ObjectiveMap;
use crate::engine::Sequencer;
use crate::tracking::ObjectiveState;
use crate::tree::ActivityIx;

/// Statuses the content explicitly set to `unknown` on one objective. Unknown values are
/// otherwise not written (an unknown local value says nothing new), but an explicit
/// `unknown` clears the global's status: the sample RTE's `LMSCMIServlet` writes
/// `unknown` to the global objectives of a status the SCO set to `unknown`, and
/// `SeqObjectiveTracking.clearObjStatus`/`clearObjCompletionStatus` write it through the
/// write maps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cleared {
    /// `success_status` set to `unknown`.
    pub(crate) satisfied: bool,
    /// `completion_status` set to `unknown`.
    pub(crate) completed: bool,
}

impl Sequencer {
    /// Writes every objective of `ix` through its write maps; `cleared[k]` lists the statuses
    /// of objective `k` the content set to `unknown`. Adds the ids of the global objectives
    /// that changed to `changed`.
    pub(crate) fn write_objectives(
        &mut self,
        ix: ActivityIx,
        cleared: &[Cleared],
        changed: &mut BTreeSet<String>,
    ) {
        for objective in 0..self.st(ix).objectives.len() {
            let clear = cleared.get(objective).copied().unwrap_or_default();
            self.write_objective(ix, objective, clear, changed);
        }
    }

    /// Writes the primary objective of a cluster (what rollup sets, SN RB.1.5).
    pub(crate) fn write_primary(&mut self, ix: ActivityIx, changed: &mut BTreeSet<String>) {
        self.write_objective(ix, 0, Cleared::default(), changed);
    }

    fn write_objective(
        &mut self,
        ix: ActivityIx,
        objective: usize,
        clear: Cleared,
        changed: &mut BTreeSet<String>,
    ) {
        let values = self.written_values(ix, objective);
        let maps = self.maps(ix, objective).to_vec();
        for map in &maps {
            let global = self
                .state
                .globals
                .entry(map.target_objective_id.clone())
                .or_default();
            let before = *global;
            write_map(map, &values, clear, global);
            if *global != before {
                changed.insert(map.target_objective_id.clone());
            }
        }
    }

    /// The values objective `objective` of `ix` writes: its local values, with the statuses
    /// the activity's own criteria give.
    fn written_values(&self, ix: ActivityIx, objective: usize) -> ObjectiveState {
        let mut values = self.local(ix, objective);
        let activity = self.tree.get(ix);
        // SN 4.2.4 / RB.1.2 a: a satisfied-by-measure objective writes the status its
        // measure gives, as soon as the measure is known (the sample's `setObjMeasure`);
        // measure satisfaction if active concerns only the rollup of an active activity.
        if let Some(def) = activity.objectives().nth(objective)
            && def.satisfied_by_measure
        {
            values.satisfied = values
                .measure
                .or_else(|| self.objective_measure(ix, objective))
                .map(|m| m >= def.min_normalized_measure);
        }
        if objective == 0 {
            // The primary objective carries the attempt's completion (4th Ed extended maps).
            let state = self.st(ix);
            values.progress_measure = state.completion_amount;
            values.completed = state.completed;
            // RB.1.3 a: completed by measure writes the status its own threshold gives for
            // the progress measure it writes, not the raw completion the content reported
            // (the CTS's CO-10 reads it back through activities with other thresholds).
            let threshold = activity.completion_threshold;
            if threshold.completed_by_measure {
                values.completed = state
                    .completion_amount
                    .map(|a| a >= threshold.min_progress_measure);
            }
        }
        values
    }
}

/// Writes each value the map writes: known values, and the statuses `clear` names as
/// unknown.
fn write_map(
    map: &ObjectiveMap,
    local: &ObjectiveState,
    clear: Cleared,
    global: &mut ObjectiveState,
) {
    fn put<T: Copy>(flag: bool, value: Option<T>, clear: bool, target: &mut Option<T>) {
        if flag && (value.is_some() || clear) {
            *target = value;
        }
    }
    let satisfied = (map.write_satisfied_status, &mut global.satisfied);
    put(satisfied.0, local.satisfied, clear.satisfied, satisfied.1);
    let completed = (map.write_completion_status, &mut global.completed);
    put(completed.0, local.completed, clear.completed, completed.1);
    let measures = [
        (
            map.write_normalized_measure,
            local.measure,
            &mut global.measure,
        ),
        (map.write_raw_score, local.raw, &mut global.raw),
        (map.write_min_score, local.min, &mut global.min),
        (map.write_max_score, local.max, &mut global.max),
        (
            map.write_progress_measure,
            local.progress_measure,
            &mut global.progress_measure,
        ),
    ];
    for (flag, value, target) in measures {
        put(flag, value, false, target);
    }
}
