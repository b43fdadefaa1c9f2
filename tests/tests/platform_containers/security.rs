//! Row-level security of `containers`: a platform user bound in one namespace reads that
//! namespace's containers only, through the API and through the reader role with no condition.

use serde_json::json;

use super::{containers, post, spawn, spec, world};
use crate::helpers::{wait_caught_up, TestApp};
use crate::platform_identity::{bind, create_user, token_of};

const PASSWORD: &str = "Nina-passw0rd-1";

/// The `container_details` rows the reader role sees as `user`, with no condition at all.
async fn visible_to(app: &TestApp, user: Option<i64>) -> i64 {
    let mut client = app.pool.get().await.expect("connection");
    let tx = client.transaction().await.expect("transaction");
    tx.batch_execute("SET LOCAL ROLE edgedev_platform_reader")
        .await
        .expect("reader role");
    if let Some(user) = user {
        tx.execute(
            "SELECT set_config('app.current_user_id', $1, true)",
            &[&user.to_string()],
        )
        .await
        .expect("caller");
    }
    let count: i64 = tx
        .query_one("SELECT count(*) FROM container_details", &[])
        .await
        .and_then(|r| r.try_get(0))
        .expect("count");
    tx.rollback().await.expect("rollback");
    count
}

#[actix_web::test]
async fn a_user_bound_in_one_namespace_sees_its_containers_only() {
    let app = spawn().await;
    let (mine, volume, image) = world(&app, "mine").await;
    let theirs = post(&app, "/api/v1/namespaces", json!({ "name": "theirs" })).await["id"]
        .as_i64()
        .expect("namespace");
    post(&app, &containers(mine), spec(image, volume)).await;
    let mut other = spec(image, volume);
    other["volumeMounts"] = json!([]);
    other["env"] = json!([]);
    post(&app, &containers(theirs), other).await;

    let nina = create_user(&app, "nina", PASSWORD).await;
    let (status, body) = bind(&app, nina, 2, json!({ "namespaceId": mine })).await;
    assert_eq!(status, 201, "{body}");
    let token = token_of(&app, "nina", PASSWORD).await;
    wait_caught_up(&app.pool).await;
    let listed = app
        .request("GET", &containers(mine), Some(&token), None, &[])
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["total"], 1);
    let refused = app
        .request("GET", &containers(theirs), Some(&token), None, &[])
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);

    assert_eq!(
        visible_to(&app, Some(nina)).await,
        1,
        "the policy shows one namespace"
    );
    assert_eq!(visible_to(&app, None).await, 0, "no caller, no rows");
    let root = create_user(&app, "root", PASSWORD).await;
    let (status, body) = bind(&app, root, 1, json!({})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        visible_to(&app, Some(root)).await,
        2,
        "an admin binding sees all"
    );
}
