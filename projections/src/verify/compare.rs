//! A live table against its rebuilt shadow: rows matched by primary key (the whole row where a
//! table has none), a hash per row first, then the differing rows read in full to name the
//! columns that differ. A range-partitioned table whose old partitions retention dropped
//! (`operation_logs`) is compared from the lower bound of its oldest remaining partition on: the
//! log still holds what retention removed.

use db::{Conn, DbError};
use serde::Serialize;
use serde_json::{Map, Value};

use super::SHADOW;

/// Most differing rows of each kind a report names.
const SHOWN: usize = 20;

/// A row present on both sides with different values.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangedRow {
    pub key: Value,
    pub columns: Vec<String>,
}

/// The comparison of one table.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableReport {
    pub table: String,
    pub live_rows: i64,
    pub rebuilt_rows: i64,
    /// The key columns rows are matched by.
    pub key: Vec<String>,
    /// Rows the log makes that the live table lacks.
    pub missing: Vec<Value>,
    /// Live rows the log does not make.
    pub extra: Vec<Value>,
    pub changed: Vec<ChangedRow>,
    /// All differing rows, when more than the ones named.
    pub differing: usize,
    /// Rows compared only from this partition key value on (`column >= value`), for a table
    /// whose older partitions retention drops.
    pub compared_since: Option<String>,
}

impl TableReport {
    pub fn is_equal(&self) -> bool {
        self.differing == 0
    }
}

async fn key_columns(conn: &Conn, table: &str) -> Result<Vec<String>, DbError> {
    let rows = conn
        .query(
            "SELECT a.attname FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = ('public.' || $1)::regclass AND i.indisprimary \
             ORDER BY array_position(i.indkey::int2[], a.attnum)",
            &[&table],
        )
        .await?;
    rows.iter()
        .map(|r| r.try_get(0).map_err(DbError::from))
        .collect()
}

/// `(column, lower bound)` of a range-partitioned table's oldest partition (not the default).
async fn retained_since(conn: &Conn, table: &str) -> Result<Option<(String, String)>, DbError> {
    let row = conn
        .query_one(
            "SELECT substring(pg_get_partkeydef(('public.' || $1)::regclass) from '^RANGE \\((\\w+)\\)$'), \
                    (SELECT min(substring(pg_get_expr(c.relpartbound, c.oid) from 'FROM \\(''([^'']+)''\\)')) \
                       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
                      WHERE i.inhparent = ('public.' || $1)::regclass)",
            &[&table],
        )
        .await?;
    let column: Option<String> = row.try_get(0)?;
    let since: Option<String> = row.try_get(1)?;
    Ok(column.zip(since))
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Compares `public.<table>` with `<shadow>.<table>`.
pub async fn table(conn: &Conn, table: &str) -> Result<TableReport, DbError> {
    let key = key_columns(conn, table).await?;
    let key_expr = if key.is_empty() {
        "to_jsonb(t)".to_owned()
    } else {
        let pairs: Vec<String> = key
            .iter()
            .map(|k| format!("'{}', t.{}", k.replace('\'', "''"), quoted(k)))
            .collect();
        format!("jsonb_build_object({})", pairs.join(", "))
    };
    let since = retained_since(conn, table).await?;
    let scope = since
        .as_ref()
        .map(|(column, value)| {
            format!(
                " WHERE t.{} >= '{}'",
                quoted(column),
                value.replace('\'', "''")
            )
        })
        .unwrap_or_default();
    let side = |schema: &str| {
        format!(
            "SELECT {key_expr} AS k, md5(t::text) AS h, to_jsonb(t) AS r FROM {schema}.{table} t{scope}"
        )
    };
    let sql = format!(
        "SELECT coalesce(l.k, s.k), l.r, s.r FROM ({}) l FULL JOIN ({}) s ON l.k = s.k \
         WHERE l.h IS DISTINCT FROM s.h ORDER BY 1",
        side("public"),
        side(SHADOW)
    );
    let rows = conn.query(&sql, &[]).await?;
    let count = |schema: &str| format!("SELECT count(*) FROM {schema}.{table} t{scope}");
    let live_rows: i64 = conn
        .query_one(&count("public"), &[])
        .await
        .map_err(DbError::from)
        .and_then(db::scalar)?;
    let rebuilt_rows: i64 = conn
        .query_one(&count(SHADOW), &[])
        .await
        .map_err(DbError::from)
        .and_then(db::scalar)?;
    let mut report = TableReport {
        table: table.to_owned(),
        live_rows,
        rebuilt_rows,
        key,
        missing: Vec::new(),
        extra: Vec::new(),
        changed: Vec::new(),
        differing: rows.len(),
        compared_since: since.map(|(column, value)| format!("{column} >= {value}")),
    };
    for row in rows {
        let key: Value = row.try_get(0)?;
        let live: Option<Value> = row.try_get(1)?;
        let rebuilt: Option<Value> = row.try_get(2)?;
        match (live, rebuilt) {
            (None, Some(_)) if report.missing.len() < SHOWN => report.missing.push(key),
            (Some(_), None) if report.extra.len() < SHOWN => report.extra.push(key),
            (Some(live), Some(rebuilt)) if report.changed.len() < SHOWN => {
                report.changed.push(ChangedRow {
                    key,
                    columns: differing_columns(&live, &rebuilt),
                });
            }
            _ => {}
        }
    }
    Ok(report)
}

fn differing_columns(live: &Value, rebuilt: &Value) -> Vec<String> {
    let empty = Map::new();
    let live = live.as_object().unwrap_or(&empty);
    let rebuilt = rebuilt.as_object().unwrap_or(&empty);
    live.iter()
        .filter(|(column, value)| rebuilt.get(*column) != Some(*value))
        .map(|(column, _)| column.clone())
        .collect()
}
