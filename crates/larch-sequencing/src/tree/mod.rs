//! The activity tree (SN book 1.2): the manifest's structure flattened into an arena, so the
//! processes address activities by [`ActivityIx`] and walk parents, children and flow order
//! without pointers.

use serde::{Deserialize, Serialize};

use crate::definition::{
    ActivityDefinition, CompletionThreshold, ConstrainedChoice, ControlMode, Objective, RuleKind,
    SequencingDefinition, TreeDefinition,
};

/// The index of an activity in its [`ActivityTree`]; the root is `ActivityIx(0)` and indices
/// follow document (preorder) order, so comparing two indices compares their flow order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ActivityIx(pub u32);

impl ActivityIx {
    /// The root of every tree.
    pub const ROOT: Self = Self(0);

    /// The index as a `usize`, for slices.
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

/// One activity of the arena: its static definition plus its place in the tree.
#[derive(Debug, Clone)]
pub struct Activity {
    /// The item's identifier.
    pub id: String,
    /// The item's title.
    pub title: String,
    /// `isvisible`.
    pub is_visible: bool,
    /// The sequencing definition.
    pub sequencing: SequencingDefinition,
    /// The completion threshold (4th Ed).
    pub completion_threshold: CompletionThreshold,
    /// The primary objective, explicit or implicit (SN 3.9: every activity has one).
    pub primary_objective: Objective,
    /// The parent, `None` for the root.
    pub parent: Option<ActivityIx>,
    /// All children in document order (before selection and randomization).
    pub children: Vec<ActivityIx>,
    /// Depth below the root (the root is 0).
    pub depth: u32,
    /// One past the index of this activity's last descendant (preorder range end).
    pub subtree_end: u32,
}

impl Activity {
    /// Whether this activity is a leaf (delivers content).
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// The activity's objectives in order, the primary first.
    pub fn objectives(&self) -> impl Iterator<Item = &Objective> {
        std::iter::once(&self.primary_objective).chain(self.sequencing.objectives.secondary.iter())
    }
}

/// The fields the hot paths (look-ahead, traversal, rule checks) read, kept dense so a walk
/// over thousands of activities stays in cache.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hot {
    pub parent: Option<ActivityIx>,
    pub control: ControlMode,
    pub constrained: ConstrainedChoice,
    pub has_pre_rules: bool,
    pub tracked: bool,
    pub leaf: bool,
    pub subtree_end: u32,
}

impl Hot {
    fn of(activity: &Activity) -> Self {
        let sequencing = &activity.sequencing;
        Self {
            parent: activity.parent,
            control: sequencing.control_mode,
            constrained: sequencing.constrained_choice,
            has_pre_rules: !sequencing.rules.of_kind(RuleKind::PreCondition).is_empty(),
            tracked: sequencing.delivery.tracked,
            leaf: activity.is_leaf(),
            subtree_end: activity.subtree_end,
        }
    }
}

/// The static activity tree, built once from a [`TreeDefinition`].
#[derive(Debug, Clone)]
pub struct ActivityTree {
    activities: Vec<Activity>,
    /// The hot fields of `activities`, same indices.
    hot: Vec<Hot>,
    /// Identifier → index, for lookups by id.
    index: std::sync::Arc<std::collections::HashMap<String, ActivityIx>>,
    /// Global objective id → the activities with a map that reads it.
    readers: std::collections::HashMap<String, Vec<ActivityIx>>,
    /// `adlseq:objectivesGlobalToSystem`.
    pub objectives_global_to_system: bool,
}

impl ActivityTree {
    /// Flattens `definition` into an arena in preorder.
    pub fn new(definition: &TreeDefinition) -> Self {
        let mut tree = Self {
            activities: Vec::new(),
            hot: Vec::new(),
            readers: std::collections::HashMap::new(),
            index: Default::default(),
            objectives_global_to_system: definition.objectives_global_to_system,
        };
        tree.push(&definition.root, None, 0);
        tree.hot = tree.activities.iter().map(Hot::of).collect();
        tree.index_readers();
        let index = tree
            .all()
            .rev()
            .map(|ix| (tree.get(ix).id.clone(), ix))
            .collect();
        tree.index = std::sync::Arc::new(index);
        tree
    }

    /// The identifier index, shared with look-aheads.
    pub(crate) fn index(&self) -> std::sync::Arc<std::collections::HashMap<String, ActivityIx>> {
        self.index.clone()
    }

    fn index_readers(&mut self) {
        for (i, activity) in self.activities.iter().enumerate() {
            for map in activity.objectives().flat_map(|o| &o.maps) {
                let reads = map.read_satisfied_status
                    || map.read_normalized_measure
                    || map.read_completion_status
                    || map.read_progress_measure;
                let readers = self
                    .readers
                    .entry(map.target_objective_id.clone())
                    .or_default();
                if reads && readers.last() != Some(&ActivityIx(i as u32)) {
                    readers.push(ActivityIx(i as u32));
                }
            }
        }
    }

    /// The activities with an objective map that reads the global objective `id`.
    pub fn global_readers(&self, id: &str) -> &[ActivityIx] {
        self.readers.get(id).map_or(&[], Vec::as_slice)
    }

    fn push(
        &mut self,
        def: &ActivityDefinition,
        parent: Option<ActivityIx>,
        depth: u32,
    ) -> ActivityIx {
        let ix = ActivityIx(self.activities.len() as u32);
        self.activities.push(Activity {
            id: def.id.clone(),
            title: def.title.clone(),
            is_visible: def.is_visible,
            sequencing: def.sequencing.clone(),
            completion_threshold: def.completion_threshold,
            primary_objective: def
                .sequencing
                .objectives
                .primary
                .clone()
                .unwrap_or_default(),
            parent,
            children: Vec::new(),
            depth,
            subtree_end: 0,
        });
        let children: Vec<ActivityIx> = def
            .children
            .iter()
            .map(|c| self.push(c, Some(ix), depth + 1))
            .collect();
        let end = self.activities.len() as u32;
        let node = &mut self.activities[ix.ix()];
        node.children = children;
        node.subtree_end = end;
        ix
    }

    /// The activity at `ix`.
    pub fn get(&self, ix: ActivityIx) -> &Activity {
        &self.activities[ix.ix()]
    }

    /// The dense hot fields of `ix`.
    pub(crate) fn hot(&self, ix: ActivityIx) -> &Hot {
        &self.hot[ix.ix()]
    }

    /// The control modes of `ix`.
    pub fn control(&self, ix: ActivityIx) -> ControlMode {
        self.hot[ix.ix()].control
    }

    /// The constrained choice considerations of `ix`.
    pub fn constrained(&self, ix: ActivityIx) -> ConstrainedChoice {
        self.hot[ix.ix()].constrained
    }

    /// Whether `ix` is a leaf.
    pub fn is_leaf(&self, ix: ActivityIx) -> bool {
        self.hot[ix.ix()].leaf
    }

    /// The number of activities.
    pub fn len(&self) -> usize {
        self.activities.len()
    }

    /// Whether the tree is empty (never: a tree has at least its root).
    pub fn is_empty(&self) -> bool {
        self.activities.is_empty()
    }

    /// Every activity index in preorder.
    pub fn all(&self) -> impl DoubleEndedIterator<Item = ActivityIx> + use<> {
        (0..self.activities.len() as u32).map(ActivityIx)
    }

    /// Finds an activity by its identifier (the first in document order if repeated).
    pub fn find(&self, id: &str) -> Option<ActivityIx> {
        self.index.get(id).copied()
    }

    /// The parent of `ix`.
    pub fn parent(&self, ix: ActivityIx) -> Option<ActivityIx> {
        self.hot[ix.ix()].parent
    }

    /// Whether `ix` is the root.
    pub fn is_root(&self, ix: ActivityIx) -> bool {
        ix == ActivityIx::ROOT
    }

    /// Whether `descendant` is `ancestor` or lies below it.
    pub fn is_in_subtree(&self, ancestor: ActivityIx, descendant: ActivityIx) -> bool {
        ancestor <= descendant && descendant.0 < self.hot[ancestor.ix()].subtree_end
    }

    /// The path from `from` up to the root, both included.
    pub fn path_to_root(&self, from: ActivityIx) -> Vec<ActivityIx> {
        let mut path = vec![from];
        let mut at = from;
        while let Some(p) = self.parent(at) {
            path.push(p);
            at = p;
        }
        path
    }

    /// The common ancestor of `a` and `b` (an activity is its own ancestor here).
    pub fn common_ancestor(&self, a: ActivityIx, b: ActivityIx) -> ActivityIx {
        let mut at = a;
        while !self.is_in_subtree(at, b) {
            at = self.parent(at).unwrap_or(ActivityIx::ROOT);
        }
        at
    }
}

#[cfg(test)]
mod tests;
