//! What PostgreSQL counted in the benchmark's database: transactions ended and rows written, in
//! all and by table (`pg_stat_database`, `pg_stat_user_tables`).

use db::Pool;

use crate::BenchResult;

/// Rows inserted, updated or deleted so far, by table.
pub async fn table_writes(pool: &Pool) -> BenchResult<std::collections::HashMap<String, i64>> {
    let rows = pool
        .query(
            "SELECT relname::text, (n_tup_ins + n_tup_upd + n_tup_del)::bigint FROM pg_stat_user_tables",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| (row.get::<_, String>(0), row.get::<_, i64>(1)))
        .collect())
}

/// Transactions ended, and rows inserted, updated or deleted, in the pool's database so far.
pub async fn counts(pool: &Pool) -> BenchResult<(i64, i64)> {
    Ok(pool
        .query_one(
            "SELECT (xact_commit + xact_rollback)::bigint, (tup_inserted + tup_updated + tup_deleted)::bigint \
             FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .await
        .and_then(db::row_as)?)
}

/// Rows written between two [`table_writes`] readings, by table, largest first, without the
/// tables nobody wrote.
pub fn writes_since(
    after: &std::collections::HashMap<String, i64>,
    before: &std::collections::HashMap<String, i64>,
) -> Vec<(String, i64)> {
    let mut written: Vec<(String, i64)> = after
        .iter()
        .map(|(table, n)| (table.clone(), n - before.get(table).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    written.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    written
}
