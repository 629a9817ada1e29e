//! What the store indexes a statement by, so every GET /statements filter
//! (xAPI-Communication 2.1.3) is one indexed lookup.

use crate::primitives::{Iri, Uuid};
use crate::statement::actor::Actor;
use crate::statement::{Core, Statement, StatementObject};

/// The index keys of one statement.
///
/// Agent keys are [`Ifi::key`](crate::statement::actor::Ifi::key) strings; Group members
/// count as matches (the `agent` filter: "Groups that have members which match the specified
/// Agent … are considered a match").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StatementIndex {
    /// `agent` filter: the Actor and an Agent/Group Object (with Group members).
    pub agents: Vec<String>,
    /// `agent` + `related_agents=true`: also Authority, Instructor, Team, 2.0 context Agents
    /// and Groups, and the same properties in a SubStatement.
    pub related_agents: Vec<String>,
    /// `verb` filter.
    pub verb: Option<Iri>,
    /// `activity` filter: the Object when it is an Activity.
    pub activity: Option<Iri>,
    /// `activity` + `related_activities=true`: also context Activities and a SubStatement's.
    pub related_activities: Vec<Iri>,
    /// `registration` filter.
    pub registration: Option<Uuid>,
    /// The statement this one voids (xAPI-Data 2.3.2), if it is a voiding statement.
    pub voids: Option<Uuid>,
    /// Who asserted the statement ([`authority_key`]), for `statements/read/mine`.
    pub authority: Option<String>,
    /// The statement the Object references (any verb). Communication 2.1.4 "Filter Conditions
    /// for StatementRefs": for the `agent`, `verb`, `activity` and `registration` filters, a
    /// statement also matches when the statement it targets matches (voided or not), so the
    /// store follows this link; time and paging filters apply to the statement itself.
    pub targets: Option<Uuid>,
}

impl Statement {
    /// The keys the store indexes this statement by.
    pub fn index(&self) -> StatementIndex {
        let mut agents = Vec::new();
        push_actor(&mut agents, &self.core.actor);
        push_object_actor(&mut agents, &self.core.object);
        let mut related_agents = agents.clone();
        if let Some(authority) = &self.authority {
            push_actor(&mut related_agents, authority);
        }
        push_context_actors(&mut related_agents, &self.core);
        let mut related_activities = Vec::new();
        push_activities(&mut related_activities, &self.core);
        if let StatementObject::SubStatement(sub) = &self.core.object {
            push_actor(&mut related_agents, &sub.core.actor);
            push_object_actor(&mut related_agents, &sub.core.object);
            push_context_actors(&mut related_agents, &sub.core);
            push_activities(&mut related_activities, &sub.core);
        }
        dedup(&mut related_agents);
        dedup(&mut agents);
        related_activities.sort();
        related_activities.dedup();
        StatementIndex {
            agents,
            related_agents,
            verb: Some(self.core.verb.id.clone()),
            activity: self.core.object.as_activity().map(|a| a.id.clone()),
            related_activities,
            registration: self.core.context.as_ref().and_then(|c| c.registration),
            voids: self.voided_target(),
            authority: self.authority.as_ref().map(authority_key),
            targets: match &self.core.object {
                StatementObject::StatementRef(r) => Some(r.id),
                _ => None,
            },
        }
    }
}

/// A stable key for an authority: the IFI key of an Agent, or the sorted member keys of an
/// OAuth two-member Group joined by ` + ` (Communication 4.2 `statements/read/mine` matches
/// statements "with an authority matching what the LRS would assign").
pub fn authority_key(authority: &Actor) -> String {
    match authority {
        Actor::Agent(agent) => agent.ifi.key(),
        Actor::Group(group) => {
            let mut keys: Vec<String> = group.members.iter().map(|m| m.ifi.key()).collect();
            keys.sort();
            keys.join(" + ")
        }
    }
}

fn dedup(keys: &mut Vec<String>) {
    keys.sort();
    keys.dedup();
}

fn push_actor(keys: &mut Vec<String>, actor: &Actor) {
    keys.extend(actor.keys());
}

fn push_object_actor(keys: &mut Vec<String>, object: &StatementObject) {
    match object {
        StatementObject::Agent(a) => keys.push(a.ifi.key()),
        StatementObject::Group(g) => {
            keys.extend(g.ifi.iter().map(|i| i.key()));
            keys.extend(g.members.iter().map(|m| m.ifi.key()));
        }
        _ => {}
    }
}

fn push_context_actors(keys: &mut Vec<String>, core: &Core) {
    let Some(ctx) = &core.context else { return };
    if let Some(instructor) = &ctx.instructor {
        push_actor(keys, instructor);
    }
    if let Some(team) = &ctx.team {
        keys.extend(team.ifi.iter().map(|i| i.key()));
        keys.extend(team.members.iter().map(|m| m.ifi.key()));
    }
    for agent in ctx.context_agents.iter().flatten() {
        keys.push(agent.agent.ifi.key());
    }
    for group in ctx.context_groups.iter().flatten() {
        keys.extend(group.group.ifi.iter().map(|i| i.key()));
        keys.extend(group.group.members.iter().map(|m| m.ifi.key()));
    }
}

fn push_activities(ids: &mut Vec<Iri>, core: &Core) {
    if let Some(activity) = core.object.as_activity() {
        ids.push(activity.id.clone());
    }
    if let Some(activities) = core
        .context
        .as_ref()
        .and_then(|c| c.context_activities.as_ref())
    {
        ids.extend(activities.all().map(|a| a.id.clone()));
    }
}
