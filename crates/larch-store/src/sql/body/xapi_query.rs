// GET /statements as SQL (included into each backend module; see docs/xapi.md "Performance").
//
// Every shape below is an index walk in page order that stops once `limit + 1` rows are
// found, so a page costs the same at ten thousand and at ten million statements:
// - no content filter: `xapi_statements_stored` (scope, stored, seq);
// - an agent or related-activity filter: the primary key of `xapi_statement_keys` (scope,
//   kind, key, stored, seq; `xapi_statement_keys_walk` on PostgreSQL), joined to the
//   statement by its primary key;
// - a verb, activity or registration filter alone: that column's (…, stored, seq) index;
// - StatementRefs whose target matches (Communication 2.1.4, one level): the partial index
//   `xapi_statements_refs` over the (rare) statements that have a target.
// The two content branches are merged with UNION and the page cut once more; each
// statement of the page is then read by primary key.

/// A bind value of a query built at run time.
enum XapiArg {
    Int(i64),
    Text(String),
}

/// SQL text whose parameters are numbered in order of first appearance (SQLite binds `$n`
/// by first appearance), after the scope's `$1, $2, $3`.
struct XapiSql {
    text: String,
    args: Vec<XapiArg>,
}

impl XapiSql {
    fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends `$n` for a new argument.
    fn arg(&mut self, arg: XapiArg) -> &mut Self {
        self.args.push(arg);
        // Written into the text: a `format!` per argument allocated a string each time.
        let _ = std::fmt::Write::write_fmt(&mut self.text, format_args!("${}", self.args.len() + 3));
        self
    }

    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// `alias.tenant_id = $1 AND alias.app_id = $2 AND alias.env = $3`.
    fn scope(&mut self, alias: &str) -> &mut Self {
        self.push(&format!(
            "{alias}.tenant_id = $1 AND {alias}.app_id = $2 AND {alias}.env = $3"
        ))
    }

    fn query(&self, scope: Scope) -> Query<'_> {
        let mut query = sqlx::query(&self.text)
            .bind(scope.tenant.0)
            .bind(scope.app.0)
            .bind(scope.env.as_str());
        for arg in &self.args {
            query = match arg {
                XapiArg::Int(v) => query.bind(*v),
                XapiArg::Text(v) => query.bind(v.clone()),
            };
        }
        query
    }
}

/// The filter key a keyed walk starts from: the agent (Communication 2.1.3 `agent`, with
/// `related_agents`), else the related activity.
fn xapi_driving_key(q: &crate::StatementQuery) -> Option<(&'static str, &str)> {
    if let Some(agent) = &q.agent {
        let kind = if q.related_agents { "related_agent" } else { "agent" };
        return Some((kind, agent));
    }
    match &q.activity {
        Some(activity) if q.related_activities => Some(("related_activity", activity)),
        _ => None,
    }
}

/// `EXISTS` on one filter key of the statement aliased `alias`: a lookup of the whole primary
/// key (scope, kind, key, stored, seq; migration 0106), so it names the statement's `stored` too.
///
/// Every `EXISTS` here ends with `LIMIT 1 OFFSET 0`: the `OFFSET` keeps PostgreSQL from turning it into a
/// semi-join: with statistics it otherwise joined all the statements matching the filter
/// (a sequential scan of the statements at 20,000) where a walk needs only a lookup per row
/// it visits. SQLite ignores it.
fn xapi_key_filter(sql: &mut XapiSql, alias: &str, kind: &str, key: &str) {
    sql.push(" AND EXISTS (SELECT 1 FROM xapi_statement_keys f WHERE ")
        .scope("f")
        .push(&format!(" AND f.kind = '{kind}' AND f.key = "))
        .arg(XapiArg::Text(key.to_owned()))
        .push(&format!(
            " AND f.stored_nanos = {alias}.stored_nanos AND f.statement_seq = {alias}.seq \
             LIMIT 1 OFFSET 0)"
        ));
}

/// The content filters on the statement aliased `alias`, except the key filter of kind
/// `walked` (the walk itself applies it).
fn xapi_content_filters(
    sql: &mut XapiSql,
    alias: &str,
    q: &crate::StatementQuery,
    walked: Option<&str>,
) {
    if let Some(agent) = &q.agent {
        let kind = if q.related_agents { "related_agent" } else { "agent" };
        if walked != Some(kind) {
            xapi_key_filter(sql, alias, kind, agent);
        }
    }
    if let Some(verb) = &q.verb {
        sql.push(&format!(" AND {alias}.verb_id = "))
            .arg(XapiArg::Text(verb.clone()));
    }
    if let Some(activity) = &q.activity {
        if q.related_activities {
            if walked != Some("related_activity") {
                xapi_key_filter(sql, alias, "related_activity", activity);
            }
        } else {
            sql.push(&format!(" AND {alias}.activity_id = "))
                .arg(XapiArg::Text(activity.clone()));
        }
    }
    if let Some(registration) = &q.registration {
        sql.push(&format!(" AND {alias}.registration = "))
            .arg(XapiArg::Text(registration.clone()));
    }
}

/// `since`, `until`, the `more` position and the authority, on the walked columns (so they
/// bound the index range) and the statement aliased `alias`.
fn xapi_window(sql: &mut XapiSql, q: &crate::StatementQuery, (stored, seq): (&str, &str), alias: &str) {
    if let Some(since) = q.since_nanos {
        sql.push(&format!(" AND {stored} > ")).arg(XapiArg::Int(since));
    }
    if let Some(until) = q.until_nanos {
        sql.push(&format!(" AND {stored} <= ")).arg(XapiArg::Int(until));
    }
    if let Some(authority) = &q.authority {
        // `statements/read/mine` walks its own index only without another filter; under a
        // content filter it only filters, so that the walk stays the filter's (on SQLite,
        // which has no statistics, `XAPI_NO_INDEX` keeps the authority index out of it).
        let no_index = if alias == "c" { "" } else { XAPI_NO_INDEX };
        sql.push(&format!(" AND {no_index}{alias}.authority_key = "))
            .arg(XapiArg::Text(authority.clone()));
    }
    if let Some((nanos, last)) = q.after {
        // `stored <= n` first: a plain range both engines use to enter the index.
        let cmp = if q.ascending { ">" } else { "<" };
        let n = sql.args.len() + 4;
        sql.push(&format!(
            " AND {stored} {cmp}= ${n} AND ({stored} {cmp} ${n} OR {seq} {cmp} ${})",
            n + 1
        ));
        sql.args.push(XapiArg::Int(nanos));
        sql.args.push(XapiArg::Int(last));
    }
}

/// `ORDER BY stored, seq LIMIT limit + 1` in the query's direction.
///
/// The limit is written into the text, not bound: with it bound, PostgreSQL's generic plan
/// guessed a tenth of the rows for every `LIMIT` and costed hash joins over whole tables, so
/// it kept planning each call afresh (0.5–2.5 ms around 0.06–0.25 ms of execution). With the
/// number in the text it can keep one plan where one plan fits (the key walks), and still
/// plans each call where the values matter (a skewed `verb`). The limit is a number the
/// query parser bounded, never the client's text (docs/xapi.md "Performance").
fn xapi_order(sql: &mut XapiSql, q: &crate::StatementQuery, (stored, seq): (&str, &str)) {
    let order = if q.ascending { "ASC" } else { "DESC" };
    let limit = q.limit.max(0) + 1;
    sql.push(&format!(" ORDER BY {stored} {order}, {seq} {order} LIMIT {limit}"));
}

const XAPI_COLUMNS: &str = "SELECT c.seq, c.stored_nanos, c.voided, c.body FROM xapi_statements c WHERE ";

/// GET /statements: the page of statements (and one more, to know if there is a next).
fn xapi_statement_query(q: &crate::StatementQuery) -> XapiSql {
    if !q.has_content_filter() {
        let mut sql = XapiSql::new(XAPI_COLUMNS);
        sql.scope("c").push(" AND c.voided = 0");
        xapi_window(&mut sql, q, ("c.stored_nanos", "c.seq"), "c");
        xapi_order(&mut sql, q, ("c.stored_nanos", "c.seq"));
        return sql;
    }
    // The branches' few sequence numbers drive the outer query, each statement found by
    // primary key. The join order is forced where the backend allows (`XAPI_PAGE_JOIN`):
    // without statistics SQLite 3.46 took the scope for a few rows and walked every
    // statement of the scope in page order, probing the branches' rows for each (62 req/s
    // at 100,000 statements instead of thousands); an `IN (…)` did the same.
    let mut sql = XapiSql::new(
        "SELECT c.seq, c.stored_nanos, c.voided, c.body FROM (SELECT seq FROM (",
    );
    xapi_direct_branch(&mut sql, q);
    sql.push(") d UNION SELECT seq FROM (");
    xapi_ref_branch(&mut sql, q);
    sql.push(&format!(
        ") r) m {XAPI_PAGE_JOIN} xapi_statements c ON c.seq = m.seq WHERE "
    ))
    .scope("c");
    xapi_order(&mut sql, q, ("c.stored_nanos", "c.seq"));
    sql
}

/// Statements matching the content filters themselves.
fn xapi_direct_branch(sql: &mut XapiSql, q: &crate::StatementQuery) {
    if let Some((kind, key)) = xapi_driving_key(q) {
        sql.push(&format!(
            "SELECT s.seq FROM xapi_statement_keys k {XAPI_PAGE_JOIN} xapi_statements s \
             ON s.seq = k.statement_seq WHERE "
        ))
            .scope("k")
            .push(&format!(" AND k.kind = '{kind}' AND k.key = "))
            .arg(XapiArg::Text(key.to_owned()))
            .push(" AND ")
            .scope("s")
            .push(" AND s.voided = 0");
        xapi_content_filters(sql, "s", q, Some(kind));
        xapi_window(sql, q, ("k.stored_nanos", "k.statement_seq"), "s");
        xapi_order(sql, q, ("k.stored_nanos", "k.statement_seq"));
    } else {
        sql.push("SELECT s.seq FROM xapi_statements s WHERE ")
            .scope("s")
            .push(" AND s.voided = 0");
        xapi_content_filters(sql, "s", q, None);
        xapi_window(sql, q, ("s.stored_nanos", "s.seq"), "s");
        xapi_order(sql, q, ("s.stored_nanos", "s.seq"));
    }
}

/// StatementRefs whose target matches the content filters (Communication 2.1.4).
fn xapi_ref_branch(sql: &mut XapiSql, q: &crate::StatementQuery) {
    sql.push("SELECT s.seq FROM xapi_statements s WHERE ")
        .scope("s")
        .push(" AND s.voided = 0 AND s.target_id IS NOT NULL")
        .push(" AND EXISTS (SELECT 1 FROM xapi_statements t WHERE ")
        .scope("t")
        .push(" AND t.id = s.target_id");
    xapi_content_filters(sql, "t", q, None);
    sql.push(" LIMIT 1 OFFSET 0)");
    xapi_window(sql, q, ("s.stored_nanos", "s.seq"), "s");
    xapi_order(sql, q, ("s.stored_nanos", "s.seq"));
}
