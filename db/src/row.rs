//! Rows into structs: [`FromRow`] and the [`from_row!`](crate::from_row) macro that implements it
//! from a list of fields, each read from the column of its name (or the one given).

use tokio_postgres::types::FromSqlOwned;

use crate::{DbError, Row};

/// A type that can be read from a row.
pub trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, DbError>;
}

/// Implements [`FromRow`] for a struct: `field` reads the column of the same name,
/// `field = "column"` another one; fields after `;` are not read and take their default.
///
/// ```ignore
/// db::from_row!(Plugin { plugin_id = "pluginid", name; download_list });
/// ```
#[macro_export]
macro_rules! from_row {
    (@column $field:ident) => { stringify!($field) };
    (@column $field:ident $column:literal) => { $column };
    ($type:ident { $($field:ident $(= $column:literal)?),* $(,)? $(; $($skipped:ident),* $(,)?)? }) => {
        impl $crate::FromRow for $type {
            fn from_row(row: &$crate::Row) -> Result<Self, $crate::DbError> {
                Ok(Self {
                    $($field: row.try_get($crate::from_row!(@column $field $($column)?))?,)*
                    $($($skipped: Default::default(),)*)?
                })
            }
        }
    };
}

/// Reads every row into `T`.
pub fn rows_as<T: FromRow>(rows: Vec<Row>) -> Result<Vec<T>, DbError> {
    rows.iter().map(T::from_row).collect()
}

/// Reads one row into `T`.
pub fn row_as<T: FromRow>(row: Row) -> Result<T, DbError> {
    T::from_row(&row)
}

/// Reads the row, if there is one, into `T`.
pub fn opt_as<T: FromRow>(row: Option<Row>) -> Result<Option<T>, DbError> {
    row.as_ref().map(T::from_row).transpose()
}

/// The first column of a row.
pub fn scalar<T: FromSqlOwned>(row: Row) -> Result<T, DbError> {
    Ok(row.try_get(0)?)
}

/// The first column of every row.
pub fn scalars<T: FromSqlOwned>(rows: Vec<Row>) -> Result<Vec<T>, DbError> {
    rows.iter()
        .map(|row| row.try_get(0).map_err(DbError::from))
        .collect()
}

/// The first column of the row, if there is one.
pub fn opt_scalar<T: FromSqlOwned>(row: Option<Row>) -> Result<Option<T>, DbError> {
    row.map(scalar).transpose()
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: FromSqlOwned),+> FromRow for ($($t,)+) {
            fn from_row(row: &Row) -> Result<Self, DbError> {
                Ok(($(row.try_get::<_, $t>($i)?,)+))
            }
        }
    };
}

tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);
