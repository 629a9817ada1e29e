//! PostgreSQL: a commit's updates of `runtime_states`, `registrations` and `player_sessions`
//! can be HOT (heap-only: no index entry written), because no index covers a column a commit
//! writes and each table leaves room on its pages for the new row version (migration 0011;
//! docs/runtime.md, "Performance"). An index added over one of these columns would make every
//! commit write an entry in each of the table's indexes again.

use larch_store::DatabaseConfig;
use larch_store::testing;
use sqlx::{Connection as _, Row as _};

/// The columns a commit (not a launch, not a session's end) updates, per table: the save
/// statements of sql/pg_runtime_save_sql.rs and sql/pg_runtime_batch.rs.
const WRITTEN: &[(&str, &[&str])] = &[
    (
        "runtime_states",
        &["state", "revision", "course_version", "updated_at"],
    ),
    (
        "registrations",
        &[
            "completion_status",
            "success_status",
            "score_scaled",
            "score_raw",
            "score_min",
            "score_max",
            "total_time_seconds",
            "attempts",
            "first_access_at",
            "last_access_at",
            "updated_at",
            "instance",
            "course_version",
        ],
    ),
    (
        "player_sessions",
        &["step", "runtime_session", "last_seen_at"],
    ),
];

#[tokio::test]
async fn no_index_covers_a_column_a_commit_writes_and_pages_keep_room() {
    let db = testing::postgres().await;
    let DatabaseConfig::Postgres { url, .. } = &db.config else {
        panic!("a PostgreSQL test database")
    };
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    for (table, columns) in WRITTEN {
        let defs = sqlx::query("SELECT indexdef FROM pg_indexes WHERE tablename = $1")
            .bind(table)
            .fetch_all(&mut conn)
            .await
            .unwrap();
        assert!(!defs.is_empty(), "{table} has indexes");
        for def in defs {
            let def: String = def.get(0);
            // Keys, INCLUDE columns and the predicate all keep an update from being HOT.
            let words: Vec<&str> = def
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .collect();
            for column in *columns {
                assert!(!words.contains(column), "{def} names {column}");
            }
        }
        let options: Option<Vec<String>> =
            sqlx::query_scalar("SELECT reloptions FROM pg_class WHERE relname = $1")
                .bind(table)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        let fill = options
            .unwrap_or_default()
            .iter()
            .find_map(|o| o.strip_prefix("fillfactor=")?.parse::<u32>().ok())
            .unwrap_or(100);
        assert!(fill < 100, "{table}: fillfactor {fill} leaves no room");
    }
}
