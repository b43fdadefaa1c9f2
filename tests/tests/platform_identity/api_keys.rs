//! API keys: shown once, kept only as a digest, acting as their user (on both platforms) until
//! revoked, expired, or the user is locked or deleted.

use serde_json::json;

use super::{bind, create_user, token_of, USERS};
use crate::helpers::{spawn_app, wait_caught_up};

const PASSWORD: &str = "a fine password 1";

#[actix_web::test]
async fn an_api_key_acts_as_its_user_until_revoked_or_expired() {
    let app = spawn_app().await;
    let id = create_user(&app, "keyholder", PASSWORD).await;
    assert_eq!(bind(&app, id, 2, json!({})).await.0, 201);
    let token = token_of(&app, "keyholder", PASSWORD).await;
    let keys = format!("{USERS}/{id}/api-keys");
    let created = app
        .request(
            "POST",
            &keys,
            Some(&token),
            Some(&json!({ "name": "ci pipeline" })),
            &[],
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let key = created.body["key"].as_str().expect("the key").to_owned();
    let key_id = created.body["id"].as_i64().expect("id");
    assert!(key.starts_with("edk_") && key.len() == 68, "{key}");
    assert_eq!(created.body["prefix"], &key[..12]);

    // It acts as its user: on the container platform and on the developer platform.
    let own = app
        .request("GET", &format!("{USERS}/{id}"), Some(&key), None, &[])
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let app_created = app
        .create_app(&key, &crate::helpers::app_body("keyed-app"))
        .await;
    assert_eq!(app_created.status, 201, "{}", app_created.body);
    assert_eq!(app_created.body["userId"], id.to_string());

    // Never shown again, never stored.
    let listed = app.request("GET", &keys, Some(&token), None, &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body[0]["name"], "ci pipeline");
    assert!(!listed.body.to_string().contains(&key));
    wait_caught_up(&app.pool).await;
    let stored: Vec<String> = app
        .pool
        .query("SELECT payload::text FROM events UNION ALL SELECT row_to_json(s)::text FROM user_secrets s", &[])
        .await
        .and_then(db::scalars)
        .expect("rows");
    assert!(
        !stored.iter().any(|t| t.contains(&key)),
        "the key is stored somewhere"
    );

    // Another user may not make keys for this one.
    create_user(&app, "bystander", PASSWORD).await;
    let other = token_of(&app, "bystander", PASSWORD).await;
    let foreign = app
        .request(
            "POST",
            &keys,
            Some(&other),
            Some(&json!({ "name": "x" })),
            &[],
        )
        .await;
    assert_eq!(foreign.status, 403);

    let revoked = app
        .request(
            "DELETE",
            &format!("{keys}/{key_id}"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let refused = app
        .request("GET", &format!("{USERS}/{id}"), Some(&key), None, &[])
        .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    let again = app
        .request(
            "DELETE",
            &format!("{keys}/{key_id}"),
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(again.status, 404);
    assert_eq!(again.body["code"], "API_KEY_NOT_FOUND");

    // An expiring key stops by itself; a locked user's keys stop at once.
    let expires = chrono::Utc::now() + chrono::Duration::seconds(2);
    let short = app
        .request(
            "POST",
            &keys,
            Some(&token),
            Some(&json!({ "name": "short", "expiresAt": expires })),
            &[],
        )
        .await;
    assert_eq!(short.status, 201, "{}", short.body);
    let short_key = short.body["key"].as_str().expect("key").to_owned();
    let lasting = app
        .request(
            "POST",
            &keys,
            Some(&token),
            Some(&json!({ "name": "lasting" })),
            &[],
        )
        .await;
    let lasting_key = lasting.body["key"].as_str().expect("key").to_owned();
    assert_eq!(
        app.request("GET", &format!("{USERS}/{id}"), Some(&short_key), None, &[])
            .await
            .status,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(2300)).await;
    assert_eq!(
        app.request("GET", &format!("{USERS}/{id}"), Some(&short_key), None, &[])
            .await
            .status,
        401
    );
    assert_eq!(
        app.request(
            "GET",
            &format!("{USERS}/{id}"),
            Some(&lasting_key),
            None,
            &[]
        )
        .await
        .status,
        200
    );
    let locked = app
        .request(
            "POST",
            &format!("{USERS}/{id}/actions/lock"),
            Some(&app.admin()),
            None,
            &[],
        )
        .await;
    assert_eq!(locked.status, 200);
    assert_eq!(
        app.request(
            "GET",
            &format!("{USERS}/{id}"),
            Some(&lasting_key),
            None,
            &[]
        )
        .await
        .status,
        401
    );
}
