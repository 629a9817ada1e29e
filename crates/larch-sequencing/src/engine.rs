//! The sequencer: the static activity tree plus the learner's state, and the Overall
//! Sequencing Process that the runtime drives.

use crate::definition::TreeDefinition;
use crate::error::{Exception, SeqResult};
use crate::request::{NavigationRequest, Outcome, SequencingRequest};
use crate::state::EngineState;
use crate::tracking::ActivityState;
use crate::tree::{ActivityIx, ActivityTree};

/// The state does not belong to this tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the saved state has {saved} activities but the tree has {tree}")]
pub struct StateMismatch {
    /// Activities in the saved state.
    pub saved: usize,
    /// Activities in the tree.
    pub tree: usize,
}

/// A sequencing engine for one registration: deterministic, no I/O.
#[derive(Debug, Clone)]
pub struct Sequencer {
    pub(crate) tree: ActivityTree,
    pub(crate) state: EngineState,
}

/// What the sequencing request process decided.
pub(crate) enum SequencingDecision {
    Deliver(ActivityIx),
    Nothing,
    EndSession,
}

impl Sequencer {
    /// A new registration on `definition`, with `seed` for selection and randomization
    /// (SN 4.9: "once" timings are applied here, before the first attempt).
    pub fn new(definition: &TreeDefinition, seed: u64) -> Self {
        let tree = ActivityTree::new(definition);
        let state = EngineState::new(&tree, seed);
        let mut sequencer = Self { tree, state };
        sequencer.prepare_clusters();
        sequencer
    }

    /// Resumes a registration from a saved state.
    pub fn from_state(
        definition: &TreeDefinition,
        state: EngineState,
    ) -> Result<Self, StateMismatch> {
        let tree = ActivityTree::new(definition);
        if tree.len() != state.activities.len() {
            return Err(StateMismatch {
                saved: state.activities.len(),
                tree: tree.len(),
            });
        }
        Ok(Self { tree, state })
    }

    /// The static activity tree.
    pub fn tree(&self) -> &ActivityTree {
        &self.tree
    }

    /// The dynamic state, to save.
    pub fn state(&self) -> &EngineState {
        &self.state
    }

    /// Seeds the global objectives shared with other courses of the learner
    /// (`objectivesGlobalToSystem`): the player loads them before the session and saves
    /// [`EngineState::globals`] after it.
    pub fn import_globals(
        &mut self,
        globals: &std::collections::BTreeMap<String, crate::ObjectiveState>,
    ) {
        for (id, value) in globals {
            self.state.globals.insert(id.clone(), *value);
        }
    }

    /// The Current Activity.
    pub fn current(&self) -> Option<ActivityIx> {
        self.state.current
    }

    /// The state of one activity.
    pub fn activity_state(&self, ix: ActivityIx) -> &ActivityState {
        &self.state.activities[ix.ix()]
    }

    pub(crate) fn st(&self, ix: ActivityIx) -> &ActivityState {
        &self.state.activities[ix.ix()]
    }

    pub(crate) fn st_mut(&mut self, ix: ActivityIx) -> &mut ActivityState {
        &mut self.state.activities[ix.ix()]
    }

    /// The request that opens a session: `resumeAll` when a suspended session exists.
    pub fn session_start_request(&self) -> NavigationRequest {
        if self.state.suspended.is_some() {
            NavigationRequest::ResumeAll
        } else {
            NavigationRequest::Start
        }
    }

    /// Opens a sequencing session as a player does at launch: `resumeAll` when a session was
    /// suspended, else `start`. When a start finds nothing to deliver because the root does
    /// not allow flow, the first activity the learner could choose is delivered instead (the
    /// player would otherwise show a menu whose first entry is the only sensible launch;
    /// the ADL conformance scripts expect this).
    ///
    /// Otherwise the tracking of earlier sessions is kept (as the ADL conformance scripts
    /// expect); a player that starts a new attempt on the whole course calls
    /// [`Self::begin_new_course_attempt`] first.
    pub fn open_session(&mut self, now: f64) -> Outcome {
        // A course whose objectives are scoped to it (objectivesGlobalToSystem false) starts
        // a new course attempt, tracking and all, once the previous attempt on the root
        // ended unsuspended (as the ADL sample RTE does).
        let root = self.st(ActivityIx::ROOT);
        let root_ended = root.attempted() && !root.active && !root.suspended;
        if self.state.session_ended && root_ended && !self.tree.objectives_global_to_system {
            self.begin_new_course_attempt();
        }
        let request = self.session_start_request();
        let outcome = self.navigate(&request, now);
        let flowless = !self.tree.control(ActivityIx::ROOT).flow;
        if !flowless || !matches!(outcome, Outcome::NoDelivery { .. }) {
            return outcome;
        }
        let first = self
            .lookahead()
            .toc
            .into_iter()
            .find(|e| e.choice && e.visible);
        match first {
            Some(entry) => {
                let id = self.tree.get(entry.activity).id.clone();
                self.navigate(&NavigationRequest::Choice(id), now)
            }
            None => outcome,
        }
    }

    /// Resets the tracking for a new attempt on the whole course, keeping only the global
    /// objectives shared with the learner's other courses (`objectivesGlobalToSystem`).
    pub fn begin_new_course_attempt(&mut self) {
        let globals = if self.tree.objectives_global_to_system {
            std::mem::take(&mut self.state.globals)
        } else {
            Default::default()
        };
        let rng = self.state.rng.clone();
        self.state = EngineState::new(&self.tree, 0);
        self.state.rng = rng;
        self.state.globals = globals;
        self.prepare_clusters();
    }

    /// SN book 4.2.1 Overall Sequencing Process (OP.1), for one navigation request at `now`
    /// (seconds since the epoch).
    pub fn navigate(&mut self, request: &NavigationRequest, now: f64) -> Outcome {
        self.state.now = now;
        if self.state.session_ended {
            // A new sequencing session begins: the Current Activity is undefined again.
            self.state.current = None;
            self.state.session_ended = false;
        }
        // 1: Navigation Request Process.
        let (termination, sequencing) = match self.navigation_request(request) {
            Ok(pair) => pair,
            Err(exception) => return Outcome::Invalid { exception },
        };
        let mut sequencing = sequencing;
        // 3: Termination Request Process; its sequencing request replaces the pending one.
        if let Some(termination) = termination {
            match self.termination_request(termination) {
                Ok(Some(replacement)) => sequencing = Some(replacement),
                Ok(None) => {}
                Err(exception) => {
                    return Outcome::NoDelivery {
                        exception: Some(exception),
                    };
                }
            }
        }
        let Some(sequencing) = sequencing else {
            return Outcome::NoDelivery { exception: None };
        };
        // 4–5: Sequencing Request Process, Delivery Request Process, Content Delivery.
        match self.run_sequencing(sequencing, now) {
            Ok(outcome) => outcome,
            Err(exception) => Outcome::NoDelivery {
                exception: Some(exception),
            },
        }
    }

    fn run_sequencing(&mut self, request: SequencingRequest, now: f64) -> SeqResult<Outcome> {
        // Retrying the root starts a new attempt on the whole course: objectives scoped to
        // the course (objectivesGlobalToSystem false) start over, as in the ADL sample RTE.
        let retry_root =
            request == SequencingRequest::Retry && self.state.current == Some(ActivityIx::ROOT);
        if retry_root && !self.tree.objectives_global_to_system {
            self.state.globals.clear();
        }
        let decision = match self.sequencing_request(request) {
            Ok(decision) => decision,
            Err(exception) if exception.is_end_of_tree() => {
                self.end_at_end_of_tree();
                SequencingDecision::EndSession
            }
            Err(exception) => {
                self.after_failed_choice(request, exception);
                return Err(exception);
            }
        };
        match decision {
            SequencingDecision::EndSession => {
                self.end_session();
                Ok(Outcome::SessionEnded)
            }
            SequencingDecision::Nothing => Ok(Outcome::NoDelivery { exception: None }),
            SequencingDecision::Deliver(target) => {
                self.delivery_request(target)?;
                self.content_delivery_environment(
                    target,
                    request == SequencingRequest::Retry,
                    now,
                )?;
                Ok(Outcome::Deliver {
                    activity: target,
                    id: self.tree.get(target).id.clone(),
                })
            }
        }
    }

    /// SB.2.1 step 3.1 (4th Ed): walking off the end of the tree ends every attempt.
    fn end_at_end_of_tree(&mut self) {
        self.terminate_descendent_attempts(ActivityIx::ROOT);
        self.end_attempt(ActivityIx::ROOT);
        self.state.current = Some(ActivityIx::ROOT);
    }

    /// Ends the sequencing session: the attempt on the root is over.
    fn end_session(&mut self) {
        self.state.session_ended = true;
    }

    /// SB.2.9 step 13 (failure of the flow into a chosen cluster): the attempts below the
    /// common ancestor end and the target becomes the current activity.
    fn after_failed_choice(&mut self, request: SequencingRequest, exception: Exception) {
        if let (SequencingRequest::Choice(target), "SB.2.9-9") = (request, exception.code) {
            let ancestor = match self.state.current {
                Some(current) => self.tree.common_ancestor(current, target),
                None => ActivityIx::ROOT,
            };
            self.terminate_descendent_attempts(ancestor);
            self.end_attempt(ancestor);
            self.state.current = Some(target);
        }
    }

    /// Whether the session is over (after exit all, suspend all, or the end of the tree).
    pub fn session_ended(&self) -> bool {
        self.state.session_ended
    }

    /// Activities' ids in flow order of `ix`'s available children.
    pub(crate) fn available(&self, ix: ActivityIx) -> &[ActivityIx] {
        &self.st(ix).available_children
    }
}
