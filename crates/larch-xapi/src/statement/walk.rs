//! A mutable walk over every Actor, Verb and Activity of a statement, shared by the output
//! formats (xAPI-Communication 2.1.3 `format`) and statement comparison (xAPI-Data 2.3.1).

use crate::primitives::Duration;
use crate::statement::Core;
use crate::statement::activity::{Activity, Verb};
use crate::statement::actor::Actor;
use crate::statement::object::StatementObject;

/// Callbacks for [`walk_core`]; each defaults to doing nothing.
pub(crate) trait VisitMut {
    fn actor(&mut self, _actor: &mut Actor) {}
    fn verb(&mut self, _verb: &mut Verb) {}
    fn activity(&mut self, _activity: &mut Activity) {}
    fn duration(&mut self, _duration: &mut Duration) {}
}

/// Visits the actor, verb, object, context actors and activities, and the SubStatement.
pub(crate) fn walk_core(core: &mut Core, v: &mut impl VisitMut) {
    v.actor(&mut core.actor);
    v.verb(&mut core.verb);
    match &mut core.object {
        StatementObject::Activity(a) => v.activity(a),
        StatementObject::Agent(a) => with_actor(v, Actor::Agent(a.clone()), |actor| {
            if let Actor::Agent(x) = actor {
                *a = x;
            }
        }),
        StatementObject::Group(g) => with_actor(v, Actor::Group(g.clone()), |actor| {
            if let Actor::Group(x) = actor {
                *g = x;
            }
        }),
        StatementObject::StatementRef(_) => {}
        StatementObject::SubStatement(sub) => walk_core(&mut sub.core, v),
    }
    if let Some(duration) = core.result.as_mut().and_then(|r| r.duration.as_mut()) {
        v.duration(duration);
    }
    let Some(ctx) = core.context.as_mut() else {
        return;
    };
    if let Some(instructor) = ctx.instructor.as_mut() {
        v.actor(instructor);
    }
    if let Some(team) = ctx.team.take() {
        with_actor(v, Actor::Group(team), |actor| {
            if let Actor::Group(g) = actor {
                ctx.team = Some(g);
            }
        });
    }
    for agent in ctx.context_agents.iter_mut().flatten() {
        let current = agent.agent.clone();
        with_actor(v, Actor::Agent(current), |actor| {
            if let Actor::Agent(a) = actor {
                agent.agent = a;
            }
        });
    }
    for group in ctx.context_groups.iter_mut().flatten() {
        let current = group.group.clone();
        with_actor(v, Actor::Group(current), |actor| {
            if let Actor::Group(g) = actor {
                group.group = g;
            }
        });
    }
    if let Some(activities) = ctx.context_activities.as_mut() {
        let lists = [
            &mut activities.parent,
            &mut activities.grouping,
            &mut activities.category,
            &mut activities.other,
        ];
        for list in lists {
            list.iter_mut().for_each(|a| v.activity(a));
        }
    }
}

/// Lets the visitor change an Agent or Group held outside an [`Actor`], then stores it back.
fn with_actor(v: &mut impl VisitMut, mut actor: Actor, store: impl FnOnce(Actor)) {
    v.actor(&mut actor);
    store(actor);
}
