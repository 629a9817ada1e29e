//! The sqlx backends. `body/` holds each aggregate's implementation, written once and included
//! into both backend modules, where `Db` and `This` name the backend's types.

use crate::StoreError;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

mod checkpoint;
mod group_commit;
mod pg_analyze;
mod pg_connect;
mod pg_scoped;
pub(crate) mod postgres;
pub(crate) mod sqlite;
mod sqlite_readers;
mod sqlite_turns;
mod sqlite_writer;
mod statement_commit;

/// Builds a migrator from migrations embedded in the binary, so a release needs no files.
fn migrator(files: &[(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(
                version,
                Cow::Borrowed(description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// Whether every migration this binary embeds is recorded as applied in the database.
fn check_migrations(
    files: &[(i64, &'static str, &'static str)],
    applied: &[i64],
) -> Result<(), StoreError> {
    match files
        .iter()
        .find(|(version, ..)| !applied.contains(version))
    {
        None => Ok(()),
        Some((version, description, _)) => Err(StoreError::NotMigrated(format!(
            "migration {version} ({description}) is not applied"
        ))),
    }
}

/// Reads a stored environment name.
fn env_of(raw: &str) -> Result<crate::Environment, StoreError> {
    crate::Environment::parse(raw)
        .ok_or_else(|| StoreError::Corrupt(format!("environment {raw:?}")))
}

/// Reads back a stored id.
fn id_of<T>(
    raw: &str,
    parse: fn(&str) -> Result<T, crate::ids::InvalidId>,
) -> Result<T, StoreError> {
    parse(raw).map_err(|_| StoreError::Corrupt(format!("id {raw:?}")))
}
