// Group commit of statement writes (included into each backend module): what a combined write
// of the `StatementStore::insert` calls queued at once must do, whoever writes it (the lanes:
// sql/pg_statement_commit.rs on PostgreSQL, sql/sqlite_statement_writer.rs on SQLite;
// sql/statement_commit.rs, docs/xapi.md "Performance").

/// The jobs of one scope, in queue order.
type XapiScopeGroup<'a> = (Scope, Vec<&'a crate::sql::statement_commit::InsertWrite>);

/// Where each statement id of a combined write comes from: its job's place in the group and
/// the statement. A combined write must behave as its jobs written one after the other, so a
/// job does not see the statements of the jobs after it.
struct XapiBatchIds<'a> {
    job_of: std::collections::HashMap<&'a str, (usize, &'a crate::NewStatement)>,
}

impl<'a> XapiBatchIds<'a> {
    fn new(writes: &[&'a crate::sql::statement_commit::InsertWrite]) -> Self {
        let job_of = writes
            .iter()
            .enumerate()
            .flat_map(|(job, w)| w.statements.iter().map(move |s| (s.id.as_str(), (job, s))))
            .collect();
        Self { job_of }
    }

    /// The statement `id` as job `job` would see it written alone after the jobs before it:
    /// `Some(Some(_))` when an earlier job (or itself) carries it, `Some(None)` when only a
    /// later job does (not stored yet), `None` when the batch does not carry it.
    fn seen_by(&self, id: &str, job: usize) -> Option<Option<&'a crate::NewStatement>> {
        self.job_of
            .get(id)
            .map(|&(carrier, s)| (carrier <= job).then_some(s))
    }

    /// The targets to void: those of every voiding statement, except a target that only a
    /// later job stores (written in sequence, the voiding statement found nothing to void,
    /// and the target was stored afterwards, not voided).
    fn void_targets(&self, writes: &[&crate::sql::statement_commit::InsertWrite]) -> Vec<String> {
        let mut targets = Vec::new();
        for (job, w) in writes.iter().enumerate() {
            for target in w.statements.iter().filter_map(|s| s.voids.as_ref()) {
                if !matches!(self.seen_by(target, job), Some(None)) {
                    targets.push(target.clone());
                }
            }
        }
        targets
    }
}

/// The activities whose definitions the writes merge, sorted (one lock order on PostgreSQL).
fn xapi_definition_ids(writes: &[&crate::sql::statement_commit::InsertWrite]) -> Vec<String> {
    let mut ids: Vec<String> = writes
        .iter()
        .flat_map(|w| &w.definitions)
        .map(|d| d.activity.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The canonical definitions a combined write leaves: the writes' definitions merged in queue
/// order into the `stored` ones, as the writes one after the other would. Only those that
/// changed, in id order, so that lanes on PostgreSQL lock in one order.
fn xapi_merged_definitions(
    writes: &[&crate::sql::statement_commit::InsertWrite],
    stored: &std::collections::HashMap<String, String>,
) -> Vec<(String, String)> {
    let mut canonical = std::collections::BTreeMap::<&str, String>::new();
    for definition in writes.iter().flat_map(|w| &w.definitions) {
        let id = definition.activity.as_str();
        let current = canonical.get(id).or_else(|| stored.get(id));
        let merged = definition.merge.merge_into(current.map(String::as_str));
        canonical.insert(id, merged);
    }
    canonical
        .into_iter()
        .filter(|(id, merged)| stored.get(*id) != Some(merged))
        .map(|(id, merged)| (id.to_owned(), merged))
        .collect()
}

