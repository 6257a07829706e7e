//! The database schema: migrations in `migrations/` at the crate root,
//! built into the binary and run by the sink at start (and by tests and
//! the report on a database of their own).

use sqlx::PgPool;
use sqlx::migrate::{MigrateError, Migrator};

/// Every migration of `migrations/`, embedded at build time so the binary
/// needs no files beside it.
pub static MIGRATOR: Migrator = sqlx::migrate!();

/// Brings the database's schema up to date. Safe to run from several
/// sinks at once: sqlx holds an advisory lock while it migrates, so one
/// applies each migration and the others find it applied.
pub async fn migrate(pool: &PgPool) -> Result<(), MigrateError> {
    MIGRATOR.run(pool).await
}
