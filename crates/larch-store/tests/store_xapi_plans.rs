//! Every GET /statements filter is a bounded index walk in page order (docs/xapi.md
//! "Performance"): the query plan of each filter shape enters the index that matches it and
//! never scans the statements or sorts all the matches.
//!
//! SQLite: Larch keeps no planner statistics there, so the plan does not depend on the size
//! of the data and a small database shows the plan of a large one. PostgreSQL: the plan
//! depends on statistics, so its check runs on an analyzed table of realistic shape.

use larch_store::testing;
use larch_store::testing::new_scope;
use larch_store::{Environment, NewStatement, Scope, StatementQuery, Store};

const AGENT: &str = "mbox:mailto:learner7@example.com";
const VERB: &str = "http://adlnet.gov/expapi/verbs/v3";
const ACTIVITY: &str = "http://example.com/q/7";
const COURSE: &str = "http://example.com/course/7";
const REGISTRATION: &str = "00000000-0000-4000-9000-000000000007";
const AUTHORITY: &str = "account:http://lrs lrsk_1";

/// Statement `i` of a realistic spread: 1,000 agents, 200 questions in 20 courses, one
/// registration in 50, 5 verbs, 10 credentials; every 97th refers to another statement.
fn statement(i: i64) -> NewStatement {
    let id = format!("00000000-0000-4000-8000-{i:012}");
    let agent = format!("mbox:mailto:learner{}@example.com", i % 1000);
    let activity = format!("http://example.com/q/{}", i % 200);
    let course = format!("http://example.com/course/{}", i % 20);
    let authority = format!("account:http://lrs lrsk_{}", i % 10);
    NewStatement {
        id,
        stored_nanos: 1_700_000_000_000_000_000 + i * 1_000_000,
        verb: format!("http://adlnet.gov/expapi/verbs/v{}", i % 5),
        activity: Some(activity.clone()),
        registration: Some(format!("00000000-0000-4000-9000-{:012}", i % 50)),
        voids: None,
        target: (i % 97 == 0 && i > 0).then(|| format!("00000000-0000-4000-8000-{:012}", i - 1)),
        authority: Some(authority.clone()),
        agents: vec![agent.clone()],
        related_agents: vec![agent, authority],
        related_activities: vec![activity, course],
        body: "{}".into(),
    }
}

async fn seed(store: &Store, scope: Scope, count: i64) {
    for first in (0..count).step_by(500) {
        let batch = (first..(first + 500).min(count)).map(statement).collect();
        store
            .statements()
            .insert(scope, batch, Vec::new(), Vec::new(), Vec::new())
            .await
            .unwrap();
    }
}

/// A filter shape, and the index that must drive its walk.
struct Case {
    name: &'static str,
    query: StatementQuery,
    drives: &'static [&'static str],
}

impl Case {
    /// Two filters on columns of their own: PostgreSQL may rightly intersect both indexes
    /// and sort the (few) rows that match both, so only SQLite's plan is prescribed.
    fn is_combination(&self) -> bool {
        self.drives.len() > 1
    }
}

fn case(
    name: &'static str,
    drives: &'static [&'static str],
    f: impl Fn(&mut StatementQuery),
) -> Case {
    let mut query = StatementQuery {
        limit: 10,
        ..StatementQuery::default()
    };
    f(&mut query);
    Case {
        name,
        query,
        drives,
    }
}

/// The filter keys in walk order: on SQLite the table itself (WITHOUT ROWID, its primary key
/// in walk order, migration 0106) entered with scope, kind and key fixed; on PostgreSQL the
/// primary key index of that order.
const KEYS: &[&str] = &[
    "k USING PRIMARY KEY (tenant_id=? AND app_id=? AND env=? AND kind=? AND key=?",
    "xapi_statement_keys_walk",
];
const STORED: &[&str] = &["xapi_statements_stored"];

fn cases() -> Vec<Case> {
    let more = Some((1_700_000_000_500_000_000, 500));
    vec![
        case("no filter", STORED, |_| {}),
        case("since and until", STORED, |q| {
            q.since_nanos = Some(1_700_000_000_100_000_000);
            q.until_nanos = Some(1_700_000_000_900_000_000);
        }),
        case("no filter, ascending, more", STORED, |q| {
            q.ascending = true;
            q.after = more;
        }),
        case("agent", KEYS, |q| q.agent = Some(AGENT.into())),
        case("agent, related_agents", KEYS, |q| {
            q.agent = Some(AGENT.into());
            q.related_agents = true;
        }),
        case("agent, ascending, more, since", KEYS, |q| {
            q.agent = Some(AGENT.into());
            q.ascending = true;
            q.after = more;
            q.since_nanos = Some(1_700_000_000_100_000_000);
        }),
        case("verb", &["xapi_statements_verb"], |q| {
            q.verb = Some(VERB.into());
        }),
        case("verb, more", &["xapi_statements_verb"], |q| {
            q.verb = Some(VERB.into());
            q.after = more;
        }),
        case("activity", &["xapi_statements_activity"], |q| {
            q.activity = Some(ACTIVITY.into());
        }),
        case("activity, related_activities", KEYS, |q| {
            q.activity = Some(COURSE.into());
            q.related_activities = true;
        }),
        case("activity, related_activities, until, more", KEYS, |q| {
            q.activity = Some(COURSE.into());
            q.related_activities = true;
            q.until_nanos = Some(1_700_000_000_900_000_000);
            q.after = more;
        }),
        case("registration", &["xapi_statements_registration"], |q| {
            q.registration = Some(REGISTRATION.into());
        }),
        case(
            "registration, ascending",
            &["xapi_statements_registration"],
            |q| {
                q.registration = Some(REGISTRATION.into());
                q.ascending = true;
            },
        ),
        case("agent and verb", KEYS, |q| {
            q.agent = Some(AGENT.into());
            q.verb = Some(VERB.into());
        }),
        case(
            "verb and activity",
            &["xapi_statements_verb", "xapi_statements_activity"],
            |q| {
                q.verb = Some(VERB.into());
                q.activity = Some(ACTIVITY.into());
            },
        ),
        case(
            "statements/read/mine",
            &["xapi_statements_authority"],
            |q| {
                q.authority = Some(AUTHORITY.into());
            },
        ),
        case("statements/read/mine, agent", KEYS, |q| {
            q.authority = Some(AUTHORITY.into());
            q.agent = Some(AGENT.into());
        }),
    ]
}

/// Lookups by key that may follow the walk: a statement by primary key or by id, a filter
/// key by its whole primary key, and the (rare) StatementRefs by their own index.
const LOOKUPS: &[&str] = &[
    "USING INTEGER PRIMARY KEY",
    "sqlite_autoindex_xapi_statements_1",
    "USING PRIMARY KEY (tenant_id=? AND app_id=? AND env=? AND kind=? AND key=? AND \
     stored_nanos=? AND statement_seq=?)",
    "xapi_statements_refs",
];

/// SQLite: the first table access is the walk, entering one of `drives` with its leading
/// columns fixed; every later access is a lookup by key ([`LOOKUPS`]); nothing is scanned
/// whole but the bounded branch results `d`, `r`, `m`; no index is built on the fly; the one
/// sort is the top-level merge of the branches (each at most `limit + 1` rows).
fn check_sqlite_plan(case: &Case, plan: &[String]) {
    let shown = plan.join("\n");
    let fail = |why: &str| -> ! { panic!("{}: {why}, plan:\n{shown}", case.name) };
    let accesses: Vec<&str> = plan
        .iter()
        .map(|l| l.trim_start())
        .filter(|l| l.starts_with("SEARCH") || l.starts_with("SCAN"))
        .collect();
    let Some((walk, rest)) = accesses.split_first() else {
        fail("no table access");
    };
    if !(walk.starts_with("SEARCH") && case.drives.iter().any(|i| walk.contains(i))) {
        fail(&format!("the walk should enter {:?}", case.drives));
    }
    for step in rest {
        if let Some(what) = step.strip_prefix("SCAN ") {
            let alias = what.split_whitespace().next().unwrap_or_default();
            if !["d", "r", "m"].contains(&alias) {
                fail(&format!("scans {what}"));
            }
        } else if !LOOKUPS.iter().any(|l| step.contains(l)) {
            fail(&format!("walks again: {step}"));
        }
    }
    for line in plan {
        if line.contains("AUTOMATIC") || line.contains("BLOOM FILTER") {
            fail("builds an index on the fly");
        }
        if line.contains("TEMP B-TREE FOR") && line.contains("ORDER BY") && line.starts_with(' ') {
            fail("sorts inside a branch");
        }
    }
    if case.query.has_content_filter() && !shown.contains("xapi_statements_refs") {
        fail("StatementRefs should walk their own index");
    }
}

#[tokio::test]
async fn every_filter_is_an_index_walk_on_sqlite() {
    let db = testing::sqlite().await;
    let store = &db.store;
    let scope = new_scope(store, "acme", Environment::Test).await;
    seed(store, scope, 2_000).await;
    for case in cases() {
        let plan = store
            .statements()
            .query_plan(scope, &case.query)
            .await
            .unwrap();
        check_sqlite_plan(&case, &plan);
    }
}

/// PostgreSQL: the walk uses one of `drives`, no LRS table is read sequentially, and nothing
/// is sorted but the merge of the branches above their `LIMIT`s and the StatementRefs that
/// match (without a content filter, nothing at all).
fn check_postgres_plan(case: &Case, plan: &[String]) {
    let shown = plan.join("\n");
    let fail = |why: &str| -> ! { panic!("{}: {why}, plan:\n{shown}", case.name) };
    if !case.drives.iter().any(|i| shown.contains(i)) {
        fail(&format!("the walk should use {:?}", case.drives));
    }
    if shown.contains("Seq Scan on xapi_") {
        fail("reads a table whole");
    }
    // The plan nodes on the way from the root to the current one, by indentation; detail
    // lines (`Index Cond:` …) are not nodes.
    let mut path: Vec<(usize, &str)> = Vec::new();
    for (n, line) in plan.iter().enumerate() {
        let trimmed = line.trim_start();
        if n > 0 && !trimmed.starts_with("->") {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let node = trimmed.trim_start_matches("->").trim_start();
        while path.last().is_some_and(|(i, _)| *i >= indent) {
            path.pop();
        }
        if node.starts_with("Sort") || node.starts_with("Incremental Sort") {
            // The StatementRefs branch (`r`) may sort: with statistics PostgreSQL rightly
            // joins the (rare) references to the matching targets and sorts that handful.
            let in_refs = path
                .iter()
                .any(|(_, p)| p.starts_with("Subquery Scan on r"));
            let in_branch = !in_refs && path.iter().skip(1).any(|(_, p)| p.starts_with("Limit"));
            if in_branch || !case.query.has_content_filter() {
                fail("sorts the matches");
            }
        }
        path.push((indent, node));
    }
}

#[tokio::test]
async fn every_filter_is_an_index_walk_on_analyzed_postgres() {
    let db = testing::postgres().await;
    let store = &db.store;
    let scope = new_scope(store, "acme", Environment::Test).await;
    seed(store, scope, 20_000).await;
    let larch_store::DatabaseConfig::Postgres { url, .. } = &db.config else {
        panic!("a PostgreSQL test database");
    };
    // What autovacuum (or Larch's own schedule where it is off) keeps up to date.
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url)
        .await
        .unwrap();
    sqlx::query("ANALYZE").execute(&mut conn).await.unwrap();
    for case in cases().iter().filter(|c| !c.is_combination()) {
        let plan = store
            .statements()
            .query_plan(scope, &case.query)
            .await
            .unwrap();
        check_postgres_plan(case, &plan);
    }
}
