//! Read models written one statement per event, in log order (for low-volume aggregates whose
//! tables reference each other, where a net fold would have to order its writes by hand). A
//! batch's distinct statements are prepared first; then every execution is sent at once,
//! pipelined on the connection in log order (a statement still to be prepared would send its
//! execution late, out of order).

use db::{Conn, DbError, ToSql};
use futures_util::future::try_join_all;

use crate::runtime::ProjectionError;

/// One parameter of a statement.
pub type Param = Box<dyn ToSql + Sync + Send>;

/// One statement with its parameters.
pub type Statement = (&'static str, Vec<Param>);

/// Runs `statements` in order on `conn`.
pub async fn run(conn: &Conn, statements: &[Statement]) -> Result<(), ProjectionError> {
    let mut prepared = std::collections::HashMap::new();
    for (sql, _) in statements {
        if !prepared.contains_key(sql) {
            let statement = conn.prepare_cached(sql).await.map_err(DbError::from)?;
            prepared.insert(*sql, statement);
        }
    }
    let runs = statements.iter().map(|(sql, params)| {
        let params: Vec<&(dyn ToSql + Sync)> = params
            .iter()
            .map(|p| p.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let statement = &prepared[sql];
        async move {
            conn.execute(statement, &params)
                .await
                .map_err(DbError::from)
        }
    });
    try_join_all(runs).await?;
    Ok(())
}
