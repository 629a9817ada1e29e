//! The serializable engine state: everything that changes while a learner takes a course,
//! so a suspended registration resumes exactly where it stopped.

use std::collections::BTreeMap;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::tracking::{ActivityState, ObjectiveState};
use crate::tree::{ActivityIx, ActivityTree};

/// The dynamic state of one registration's activity tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineState {
    /// Per-activity state, indexed by [`ActivityIx`].
    pub activities: Vec<ActivityState>,
    /// Global (shared) objectives by objective id.
    pub globals: BTreeMap<String, ObjectiveState>,
    /// The Current Activity (SN 4.2.1), if defined.
    pub current: Option<ActivityIx>,
    /// The Suspended Activity, if defined.
    pub suspended: Option<ActivityIx>,
    /// Whether the sequencing session has ended (a new one starts with `start`/`resumeAll`).
    pub session_ended: bool,
    /// The time of the request being processed, seconds since the epoch (passed in).
    #[serde(default)]
    pub now: f64,
    /// The seeded random source for selection and randomization.
    pub rng: ChaCha8Rng,
}

impl EngineState {
    /// A fresh state for `tree`: nothing attempted, every child available, `seed` for the
    /// random source.
    pub fn new(tree: &ActivityTree, seed: u64) -> Self {
        let activities = tree
            .all()
            .map(|ix| {
                let activity = tree.get(ix);
                ActivityState {
                    objectives: vec![ObjectiveState::default(); activity.objectives().count()],
                    available_children: activity.children.clone(),
                    ..ActivityState::default()
                }
            })
            .collect();
        Self {
            activities,
            globals: BTreeMap::new(),
            current: None,
            suspended: None,
            session_ended: false,
            now: 0.0,
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}
