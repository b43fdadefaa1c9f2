//! Shadow copies of a projection's tables in a schema of their own, for the verifier and
//! blue-green rebuilds: the same columns, defaults, indexes and checks (`LIKE ... INCLUDING
//! ALL`), plus the foreign keys among the projection's own tables, which `LIKE` leaves out, so a
//! cascade (a deleted container taking its history along) behaves as it does live.

use db::{Conn, DbError};

/// Creates `schema` anew with a copy of each of `tables` (empty).
pub async fn create(conn: &Conn, schema: &str, tables: &[&str]) -> Result<(), DbError> {
    let mut sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};");
    for table in tables {
        sql.push_str(&format!(
            " CREATE TABLE {schema}.{table} (LIKE public.{table} INCLUDING ALL);"
        ));
    }
    conn.batch_execute(&sql).await?;
    let names: Vec<String> = tables.iter().map(|t| (*t).to_owned()).collect();
    let keys = conn
        .query(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), \
                    c.confrelid::regclass::text \
               FROM pg_constraint c \
              WHERE c.contype = 'f' \
                AND c.conrelid IN (SELECT ('public.' || t)::regclass FROM unnest($1::text[]) t)",
            &[&names],
        )
        .await?;
    for key in keys {
        let (table, name, definition, referenced): (String, String, String, String) = (
            key.try_get(0)?,
            key.try_get(1)?,
            key.try_get(2)?,
            key.try_get(3)?,
        );
        if !tables.contains(&referenced.as_str()) {
            continue;
        }
        let definition = definition.replacen(
            &format!("REFERENCES {referenced}("),
            &format!("REFERENCES {schema}.{referenced}("),
            1,
        );
        conn.batch_execute(&format!(
            "ALTER TABLE {schema}.{table} ADD CONSTRAINT \"{name}\" {definition}"
        ))
        .await?;
    }
    Ok(())
}
