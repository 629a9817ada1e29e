//! Group commit of statement writes (sql/statement_commit.rs, body/xapi_commit.rs): concurrent
//! inserts share transactions, and each is still all or nothing with the outcome it would have
//! had written alone after the inserts queued before it, on SQLite and PostgreSQL.

use futures_util::future::join_all;
use larch_store::testing::{self, TestDb, new_scope};
use larch_store::{
    Attempt, AttemptOutcome, BasicAuth, DefinitionMerge, Environment, FORWARD_TOPIC,
    ForwardingFilter, ForwardingSecret, IncomingDefinition, InsertBatches, Message,
    NewForwardingRule, NewStatement, Scope, StatementQuery, Store, StoreError,
};
use serde_json::json;

const ATTEMPTED: &str = "http://adlnet.gov/expapi/verbs/attempted";
const VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
const ACTIVITY: &str = "http://example.com/golf";

/// Inserts queued ahead of the jobs under test, each big enough to be a batch of its own (a
/// batch stops taking jobs at 2,000 statements), more than the lanes (one on SQLite, two for
/// the tests' PostgreSQL pool): every lane is busy while the jobs queue, so the next free
/// lane takes them together.
const BLOCKERS: usize = 4;
const BLOCKER_STATEMENTS: usize = 2_000;

/// A statement by `agent` with `verb`, on [`ACTIVITY`], voiding `voids` when given.
fn statement(id: &str, agent: &str, verb: &str, voids: Option<&str>) -> NewStatement {
    NewStatement {
        id: id.to_owned(),
        stored_nanos: 1_000,
        verb: verb.to_owned(),
        activity: voids.is_none().then(|| ACTIVITY.to_owned()),
        registration: None,
        voids: voids.map(str::to_owned),
        target: voids.map(str::to_owned),
        authority: None,
        agents: vec![agent.to_owned()],
        related_agents: vec![agent.to_owned()],
        related_activities: vec![ACTIVITY.to_owned()],
        body: format!("{{\"id\":\"{id}\",\"by\":\"{agent}\"}}"),
    }
}

/// One `insert` call: its scope, statements and definitions.
struct Job {
    scope: Scope,
    statements: Vec<NewStatement>,
    definitions: Vec<IncomingDefinition>,
}

fn job(scope: Scope, statements: Vec<NewStatement>) -> Job {
    Job {
        scope,
        statements,
        definitions: Vec::new(),
    }
}

/// Job `i`: one statement (`s-{i}`) bringing `definitions`.
fn defining(scope: Scope, i: u64, definitions: Vec<IncomingDefinition>) -> Job {
    let statement = statement(&format!("s-{i}"), "mailto:a@example.com", ATTEMPTED, None);
    Job {
        definitions,
        ..job(scope, vec![statement])
    }
}

/// Inserts the jobs all at once, in this queue order (each call queues its job when first
/// polled, and `join_all` polls them in order), behind [`BLOCKERS`]; their outcomes in order.
async fn insert_all(store: &Store, jobs: Vec<Job>) -> Vec<Result<usize, StoreError>> {
    let scope = jobs[0].scope;
    let blockers = (0..BLOCKERS).map(|b| {
        let statements = (0..BLOCKER_STATEMENTS)
            .map(|i| statement(&format!("blocker-{b}-{i}"), "x", ATTEMPTED, None))
            .collect();
        job(scope, statements)
    });
    let calls = blockers.chain(jobs).map(|j| {
        store
            .statements()
            .insert(j.scope, j.statements, Vec::new(), j.definitions, Vec::new())
    });
    let mut outcomes = join_all(calls).await;
    for blocker in outcomes.drain(..BLOCKERS) {
        blocker.unwrap();
    }
    outcomes
}

/// Asserts that the `jobs` inserts since `before` (and the blockers) shared transactions, and
/// that no combined write failed: a failed one counts its inserts again when each is retried
/// alone.
fn assert_shared(store: &Store, before: InsertBatches, jobs: usize) {
    let after = store.statements().insert_batches();
    let transactions = after.transactions - before.transactions;
    let inserts = after.inserts - before.inserts;
    let kind = store.kind();
    assert_eq!(
        inserts,
        (BLOCKERS + jobs) as u64,
        "{kind}: inserts written once"
    );
    assert!(
        transactions < inserts,
        "{kind}: {inserts} inserts in {transactions} transactions"
    );
}

/// The bodies stored under these ids, with whether each is voided.
async fn stored(store: &Store, scope: Scope, ids: &[&str]) -> Vec<(String, bool)> {
    let ids: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    let rows = store.statements().by_ids(scope, &ids).await.unwrap();
    rows.into_iter().map(|r| (r.body, r.voided)).collect()
}

async fn count(store: &Store, scope: Scope, query: StatementQuery) -> usize {
    let query = StatementQuery {
        limit: 1_000,
        ..query
    };
    store.statements().query(scope, &query).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_inserts_share_transactions_and_each_is_stored_once_with_its_keys() {
    for TestDb { store, .. } in testing::each().await {
        let (a, b) = (
            new_scope(&store, "a", Environment::Test).await,
            new_scope(&store, "b", Environment::Test).await,
        );
        let before = store.statements().insert_batches();
        // 60 single-statement POSTs and one of three, in two scopes, by ten agents.
        let mut jobs: Vec<Job> = (0..60)
            .map(|i| {
                let agent = format!("mailto:learner-{}@example.com", i % 10);
                let scope = if i % 3 == 1 { b } else { a };
                job(
                    scope,
                    vec![statement(&format!("s-{i}"), &agent, ATTEMPTED, None)],
                )
            })
            .collect();
        let three = ["t-1", "t-2", "t-3"]
            .map(|id| statement(id, "mailto:three@example.com", ATTEMPTED, None));
        jobs.push(job(a, three.to_vec()));
        for outcome in insert_all(&store, jobs).await {
            outcome.unwrap();
        }
        let kind = store.kind();
        assert_shared(&store, before, 61);

        let by_agent = |n: usize| StatementQuery {
            agent: Some(format!("mailto:learner-{n}@example.com")),
            ..StatementQuery::default()
        };
        // learner-1 wrote s-1, s-11, …, s-51; those with i % 3 == 1 in scope b.
        let in_a = (0..60).filter(|i| i % 10 == 1 && i % 3 != 1).count();
        assert_eq!(count(&store, a, by_agent(1)).await, in_a, "{kind}");
        assert_eq!(count(&store, b, by_agent(1)).await, 6 - in_a, "{kind}");
        let three = StatementQuery {
            agent: Some("mailto:three@example.com".into()),
            ..StatementQuery::default()
        };
        assert_eq!(count(&store, a, three.clone()).await, 3, "{kind}");
        assert_eq!(count(&store, b, three).await, 0, "{kind}");
        let by_activity = StatementQuery {
            activity: Some(ACTIVITY.into()),
            related_activities: true,
            ..StatementQuery::default()
        };
        let blockers = BLOCKERS * BLOCKER_STATEMENTS;
        let total = count(&store, b, by_activity.clone()).await;
        assert_eq!(total, 20, "{kind}: scope b's statements, once each");
        let ids: Vec<String> = (0..60).map(|i| format!("s-{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(stored(&store, a, &ids).await.len(), 40, "{kind}");
        assert_eq!(stored(&store, b, &ids).await.len(), 20, "{kind}");
        let walked = StatementQuery {
            limit: 100_000,
            ..by_activity
        };
        let in_a = store.statements().query(a, &walked).await.unwrap().len();
        assert_eq!(in_a, blockers + 43, "{kind}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_insert_reusing_another_concurrent_inserts_id_fails_alone() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "a", Environment::Test).await;
        let mut jobs: Vec<Job> = (0..40)
            .map(|i| {
                job(
                    scope,
                    vec![statement(
                        &format!("s-{i}"),
                        "mailto:a@example.com",
                        ATTEMPTED,
                        None,
                    )],
                )
            })
            .collect();
        // Job 30 carries a statement of its own and, under s-10's id, a different statement.
        jobs[30].statements = vec![
            statement("own-30", "mailto:a@example.com", ATTEMPTED, None),
            statement("s-10", "mailto:other@example.com", ATTEMPTED, None),
        ];
        let outcomes = insert_all(&store, jobs).await;
        let kind = store.kind();
        // Written in queue order, job 10 stored s-10 first.
        assert!(outcomes[10].is_ok(), "{kind}: {:?}", outcomes[10]);
        assert!(
            matches!(outcomes[30], Err(StoreError::Conflict)),
            "{kind}: {:?}",
            outcomes[30]
        );
        for (i, outcome) in outcomes.iter().enumerate().filter(|(i, _)| *i != 30) {
            assert!(outcome.is_ok(), "{kind} {i}: {outcome:?}");
        }
        let s10 = stored(&store, scope, &["s-10"]).await;
        assert_eq!(
            s10[0].0,
            "{\"id\":\"s-10\",\"by\":\"mailto:a@example.com\"}"
        );
        assert!(
            stored(&store, scope, &["own-30"]).await.is_empty(),
            "{kind}: all or nothing"
        );
        let ids: Vec<String> = (0..40).map(|i| format!("s-{i}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(stored(&store, scope, &ids).await.len(), 39, "{kind}");
        let other = StatementQuery {
            agent: Some("mailto:other@example.com".into()),
            ..StatementQuery::default()
        };
        assert_eq!(
            count(&store, scope, other).await,
            0,
            "{kind}: no keys left behind"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn voiding_within_a_batch_behaves_as_the_inserts_in_sequence() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "a", Environment::Test).await;
        let who = "mailto:a@example.com";
        let before = store.statements().insert_batches();
        let jobs = vec![
            // t-1 is stored, then voided by the next insert.
            job(scope, vec![statement("t-1", who, ATTEMPTED, None)]),
            job(scope, vec![statement("v-1", who, VOIDED, Some("t-1"))]),
            // v-2 names t-2 before it is stored: in sequence it voids nothing.
            job(scope, vec![statement("v-2", who, VOIDED, Some("t-2"))]),
            job(scope, vec![statement("t-2", who, ATTEMPTED, None)]),
            // A voiding statement cannot be voided (Data 2.3.2).
            job(scope, vec![statement("v-3", who, VOIDED, Some("v-1"))]),
        ];
        for outcome in insert_all(&store, jobs).await {
            outcome.unwrap();
        }
        let kind = store.kind();
        let voided = |id: &str| {
            let store = store.clone();
            let id = id.to_owned();
            async move { stored(&store, scope, &[&id]).await[0].1 }
        };
        assert!(
            voided("t-1").await,
            "{kind}: voided by a later insert of its batch"
        );
        assert!(
            !voided("t-2").await,
            "{kind}: stored after the insert voiding it"
        );
        assert!(!voided("v-1").await, "{kind}");
        assert!(!voided("v-2").await, "{kind}");
        assert_shared(&store, before, 5);
    }
}

fn rule(verb: &str) -> NewForwardingRule {
    NewForwardingRule {
        url: "https://lrs.example.com/xapi".into(),
        version: "2.0.0".into(),
        auth: BasicAuth {
            username: "user".into(),
            password: ForwardingSecret::new("s3cret-password".into()),
        },
        filter: ForwardingFilter {
            verbs: vec![verb.to_owned()],
            ..ForwardingFilter::default()
        },
        enabled: true,
    }
}

/// Claims and delivers every due forwarding message: each one's statement ids, in order.
async fn drain(store: &Store) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let outbox = store.outbox();
    while let Some(Message {
        id,
        scope,
        payload,
        attempts,
        ..
    }) = outbox.claim(&[FORWARD_TOPIC], "w", 60_000).await.unwrap()
    {
        let done = Attempt {
            number: attempts,
            status_code: Some(200),
            error: None,
            duration_ms: 1,
            outcome: AttemptOutcome::Delivered,
        };
        assert!(outbox.record(scope, &id, "w", done).await.unwrap());
        out.push(payload["statements"].clone());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forwarding_queues_each_inserts_own_messages() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "a", Environment::Test).await;
        let who = "mailto:a@example.com";
        store
            .forwarding_rules()
            .create(scope, rule(ATTEMPTED))
            .await
            .unwrap();
        let before = store.statements().insert_batches();
        let experienced = "http://adlnet.gov/expapi/verbs/experienced";
        let refers = |id: &str, target: &str| {
            let mut s = statement(id, who, experienced, None);
            s.target = Some(target.to_owned());
            s
        };
        let jobs = vec![
            job(
                scope,
                vec![
                    statement("a-1", who, ATTEMPTED, None),
                    statement("a-2", who, experienced, None),
                ],
            ),
            job(scope, vec![statement("b-1", who, ATTEMPTED, None)]),
            // A StatementRef to b-1, stored by the insert before: forwarded through it.
            job(scope, vec![refers("c-1", "b-1")]),
            // A StatementRef to e-1, stored only by the insert after: not forwarded.
            job(scope, vec![refers("d-1", "e-1")]),
            job(scope, vec![statement("e-1", who, ATTEMPTED, None)]),
        ];
        let queued: Vec<usize> = insert_all(&store, jobs)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let kind = store.kind();
        // Each insert is told the messages it queued (the server wakes delivery only then).
        assert_eq!(queued, [1, 1, 1, 0, 1], "{kind}");
        assert_shared(&store, before, 5);
        // One message per blocker (their statements are attempted; on PostgreSQL another
        // lane may commit one after the batch under test), then one per matching insert.
        let (blockers, messages): (Vec<_>, Vec<_>) = drain(&store)
            .await
            .into_iter()
            .partition(|m| m[0].as_str().is_some_and(|id| id.starts_with("blocker-")));
        assert_eq!(blockers.len(), BLOCKERS, "{kind}");
        assert_eq!(
            messages,
            [
                json!(["a-1"]),
                json!(["b-1"]),
                json!(["c-1"]),
                json!(["e-1"])
            ],
            "{kind}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_definition_in_several_inserts_ends_as_the_last_one() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "a", Environment::Test).await;
        let before = store.statements().insert_batches();
        let jobs: Vec<Job> = (0..20)
            .map(|i| {
                let definitions = vec![
                    IncomingDefinition::replace(ACTIVITY, format!("{{\"merged\":{i}}}")),
                    IncomingDefinition::replace(format!("{ACTIVITY}/{i}"), "{}"),
                ];
                defining(scope, i, definitions)
            })
            .collect();
        for outcome in insert_all(&store, jobs).await {
            outcome.unwrap();
        }
        let kind = store.kind();
        // One combined upsert (PostgreSQL refuses one touching a row twice: the combined
        // write would fail and each insert would be written alone).
        assert_shared(&store, before, 20);
        let ids = [ACTIVITY.to_owned(), format!("{ACTIVITY}/7")];
        let mut definitions = store.statements().definitions(scope, &ids).await.unwrap();
        definitions.sort();
        assert_eq!(
            definitions,
            [
                (ACTIVITY.to_owned(), "{\"merged\":19}".to_owned()),
                (format!("{ACTIVITY}/7"), "{}".to_owned())
            ],
            "{kind}"
        );
    }
}

/// A definition merge that appends its number to the list stored (a JSON array).
#[derive(Debug)]
struct AppendNumber(u64);

impl DefinitionMerge for AppendNumber {
    fn merge_into(&self, stored: Option<&str>) -> String {
        let mut numbers: Vec<u64> =
            stored.map_or_else(Vec::new, |s| serde_json::from_str(s).unwrap());
        numbers.push(self.0);
        serde_json::to_string(&numbers).unwrap()
    }
}

/// Concurrent writes merging into one definition each see the merges before them: none is
/// lost (a merge computed from a definition read before another write committed would be).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_merges_into_one_definition_are_all_kept() {
    for TestDb { store, .. } in testing::each().await {
        let scope = new_scope(&store, "a", Environment::Test).await;
        let merge = |i: u64| IncomingDefinition {
            activity: ACTIVITY.to_owned(),
            merge: Box::new(AppendNumber(i)),
        };
        let jobs: Vec<Job> = (0..30)
            .map(|i| defining(scope, i, vec![merge(i), merge(100 + i)]))
            .collect();
        for outcome in insert_all(&store, jobs).await {
            outcome.unwrap();
        }
        let definitions = store
            .statements()
            .definitions(scope, &[ACTIVITY.to_owned()])
            .await
            .unwrap();
        let mut numbers: Vec<u64> = serde_json::from_str(&definitions[0].1).unwrap();
        numbers.sort_unstable();
        let expected: Vec<u64> = (0..30).chain(100..130).collect();
        assert_eq!(numbers, expected, "{}", store.kind());
    }
}
