//! SQLite checkpoints its WAL in the background (sql/checkpoint.rs): what was committed
//! reaches the database file itself within a second, with no further write to trigger it.

use larch_store::DatabaseConfig;
use larch_store::testing;
use sqlx::Connection as _;
use std::time::Duration;

#[tokio::test]
async fn committed_writes_reach_the_database_file_without_a_further_write() {
    let db = testing::sqlite().await;
    let DatabaseConfig::Sqlite { path } = &db.config else {
        panic!("an SQLite test database");
    };
    for i in 0..50 {
        db.store
            .tenants()
            .create_tenant(&format!("tenant-{i}"))
            .await
            .unwrap();
    }
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    // A copy of the database file alone (no WAL beside it) has the rows only if they were
    // checkpointed into it.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("larch.db");
    std::fs::copy(path, &copy).unwrap();
    let url = format!("sqlite://{}", copy.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(tenants, 50);
}
