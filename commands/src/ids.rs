//! Integer ids chosen on the write side: a resource whose seed table keys it by an integer gets
//! its id from a sequence before its first event records it, so a rebuilt table keeps it.

use db::{DbError, Pool};

/// The next VM image id (`vm_image_ids`, from 100000: below are the seed's and the original's).
pub async fn next_vm_image_id(pool: &Pool) -> Result<i32, DbError> {
    let id: i64 = pool
        .query_one("SELECT nextval('vm_image_ids')", &[])
        .await
        .and_then(db::scalar)?;
    i32::try_from(id).map_err(|_| DbError::Decode("vm_image_ids has passed the int4 range".into()))
}
