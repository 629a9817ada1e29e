// The rows of a statement batch that both backends derive alike (included into each backend
// module): the filter keys of a statement and the Agents seen. The rows are written per
// backend: PostgreSQL's one statement (sql/pg_statement_rows.rs), SQLite's writer thread
// (sql/sqlite_statement_writer.rs).

/// The filter keys of a statement (agent, related agent, related activity), each distinct
/// one once (the key table's primary key holds a statement's key once).
fn xapi_key_rows(s: &crate::NewStatement) -> Vec<(&'static str, &str)> {
    let kinds = [
        ("agent", &s.agents),
        ("related_agent", &s.related_agents),
        ("related_activity", &s.related_activities),
    ];
    let mut keys: Vec<(&'static str, &str)> = kinds
        .into_iter()
        .flat_map(|(kind, values)| values.iter().map(move |key| (kind, key.as_str())))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The Agents seen (GET /agents) as rows (IFI key, hash of the Agent, Agent), each distinct
/// one once, sorted so that lanes on PostgreSQL insert them in one order.
fn xapi_agent_rows<'a>(
    agents: impl Iterator<Item = &'a crate::AgentRow>,
) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = agents
        .map(|a| {
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(a.agent.as_bytes()));
            (a.ifi_key.clone(), hash, a.agent.clone())
        })
        .collect();
    rows.sort();
    rows.dedup();
    rows
}
