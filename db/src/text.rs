//! Values of simple-protocol rows, which arrive as text: several statements in one round trip
//! (a projection step's opening) answer this way.

use std::str::FromStr;

use tokio_postgres::SimpleQueryRow;

use crate::DbError;

/// Column `index` of `row`, parsed from its text; `None` for SQL NULL.
pub fn opt<T: FromStr>(row: &SimpleQueryRow, index: usize) -> Result<Option<T>, DbError>
where
    T::Err: std::fmt::Display,
{
    match row.try_get(index)? {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|e| DbError::Decode(format!("column {index}: cannot read {text:?}: {e}"))),
    }
}

/// Column `index` of `row`, parsed from its text; NULL is an error.
pub fn get<T: FromStr>(row: &SimpleQueryRow, index: usize) -> Result<T, DbError>
where
    T::Err: std::fmt::Display,
{
    opt(row, index)?.ok_or_else(|| DbError::Decode(format!("column {index} is NULL")))
}

/// A boolean column in PostgreSQL's text form (`t`/`f`).
pub fn flag(row: &SimpleQueryRow, index: usize) -> Result<bool, DbError> {
    match row.try_get(index)? {
        Some("t") => Ok(true),
        Some("f") => Ok(false),
        other => Err(DbError::Decode(format!(
            "column {index}: not a boolean: {other:?}"
        ))),
    }
}
