//! The older model's VM catalogue: its regulations, networks and cloud-init templates seeded
//! once; `GET /user-datas` answers a template unescaped; a rebuild equals the incremental rows.

use serde_json::json;

use crate::helpers::{raw_get, spawn_app, wait_caught_up};

#[actix_web::test]
async fn the_vm_catalogue_is_seeded_and_user_data_is_answered_unescaped() {
    let app = spawn_app().await;
    wait_caught_up(&app.pool).await;
    let regulations = app.rows("tbl_vm_regulation", "regulation_id").await;
    let networks = app.rows("tbl_vm_network", "network_type").await;
    let user_data = app.rows("tbl_vm_user_data", "operate_system").await;
    assert_eq!(
        (regulations.len(), networks.len(), user_data.len()),
        (17, 3, 3)
    );
    assert_eq!(regulations[0]["name_en"], json!("General Computing-1"));
    assert_eq!(user_data[0]["is_temp"], json!(true));

    let tenant = app.tenant(1);
    let (status, headers, body) = raw_get(
        &app,
        "/mec/developer/v2/user-datas?osType=Ubuntu&pkgSpecId=PKG_SPEC_SUPPORT_FIXED_FLAVOR",
        &tenant,
    )
    .await;
    let text = String::from_utf8(body).expect("utf-8");
    assert_eq!(status, 200, "{text}");
    assert!(headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain")));
    assert!(text.starts_with("#!/bin/bash\r\n"), "{text}");
    assert!(!text.contains("\\r\\n"), "escapes are unescaped");
    for (query, param) in [
        ("osType=windows", "osType"),
        ("osType=ubuntu&pkgSpecId=NO_SUCH_SPEC", "pkgSpecId"),
    ] {
        let reply = app
            .request(
                "GET",
                &format!("/mec/developer/v2/user-datas?{query}"),
                Some(&tenant),
                None,
                &[],
            )
            .await;
        assert_eq!(
            (reply.status, reply.body["params"][0].as_str()),
            (400, Some(param)),
            "{query}: {}",
            reply.body
        );
    }

    // A second seeding adds nothing; a rebuild writes the same rows.
    let seeded =
        commands::catalogue::seed(&commands::CommandExecutor::new(app.pool.clone()), &app.pool)
            .await
            .expect("seed");
    assert_eq!(seeded.vm_catalogue, 0);
    assert_eq!(
        crate::helpers::catalogue_event_count(&app.pool).await as usize,
        commands::catalogue::row_count().expect("catalogue"),
        "a first start appends the catalogue's rows and the capabilities' filing, a second nothing"
    );
    app.pool
        .execute("DELETE FROM tbl_vm_network", &[])
        .await
        .expect("tamper");
    app.pool
        .execute("UPDATE tbl_vm_regulation SET cpu = 0", &[])
        .await
        .expect("tamper");
    app.server
        .state
        .runtime
        .rebuild("vm_catalogue")
        .await
        .expect("rebuild");
    assert_eq!(
        app.rows("tbl_vm_regulation", "regulation_id").await,
        regulations
    );
    assert_eq!(app.rows("tbl_vm_network", "network_type").await, networks);
    assert_eq!(
        app.rows("tbl_vm_user_data", "operate_system").await,
        user_data
    );
}
