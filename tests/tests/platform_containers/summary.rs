//! `container_summary` counts what `containers` holds, refreshed after changes.

use std::time::Duration;

use serde_json::{json, Value};

use super::{container, containers, done, post, spawn, spec, world};
use crate::helpers::wait_caught_up;

#[actix_web::test]
async fn the_summary_shows_the_numbers_of_the_tables_it_reads() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "counted").await;
    let size = app
        .request(
            "POST",
            "/api/v1/images",
            Some(&app.admin()),
            Some(&json!({ "name": "redis", "tag": "7", "sizeBytes": 1000 })),
            &[],
        )
        .await;
    assert_eq!(size.status, 201, "{}", size.body);
    let sized = size.body["id"].as_i64().expect("image");
    let mut ids = Vec::new();
    for (name, image) in [("a", image), ("b", sized), ("c", sized)] {
        let mut body = spec(image, volume);
        body["name"] = json!(name);
        ids.push(
            post(&app, &containers(ns), body).await["id"]
                .as_i64()
                .expect("id"),
        );
    }
    done(&app, ns, ids[0], "start").await;
    done(&app, ns, ids[1], "start").await;
    done(&app, ns, ids[1], "stop").await;
    assert_eq!(container(&app, ns, ids[0]).await["status"], "running");
    wait_caught_up(&app.pool).await;
    let counts = app
        .pool
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE c.status = 'running'), \
             count(*) FILTER (WHERE c.status = 'stopped'), \
             coalesce(sum(i.size_bytes), 0)::int8 \
             FROM containers c LEFT JOIN container_images i ON i.id = c.image_id \
             WHERE c.namespace_id = $1",
            &[&ns],
        )
        .await
        .expect("counts");
    let expected: (i64, i64, i64, i64) = (
        counts.try_get(0).expect("total"),
        counts.try_get(1).expect("running"),
        counts.try_get(2).expect("stopped"),
        counts.try_get(3).expect("size"),
    );
    assert_eq!(expected, (3, 1, 1, 2000));
    let mut summary = Value::Null;
    for _ in 0..100 {
        summary = app
            .request(
                "GET",
                &format!("/api/v1/namespaces/{ns}/summary"),
                Some(&app.tenant(1)),
                None,
                &[],
            )
            .await
            .body;
        let seen = (
            summary["totalContainers"].as_i64().unwrap_or(-1),
            summary["runningContainers"].as_i64().unwrap_or(-1),
            summary["stoppedContainers"].as_i64().unwrap_or(-1),
            summary["totalSizeBytes"].as_i64().unwrap_or(-1),
        );
        if seen == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(summary["totalContainers"], expected.0, "{summary}");
    assert_eq!(summary["runningContainers"], expected.1, "{summary}");
    assert_eq!(summary["stoppedContainers"], expected.2, "{summary}");
    assert_eq!(summary["totalSizeBytes"], expected.3, "{summary}");
    assert_eq!(summary["namespaceName"], "counted");
    let missing = app
        .request(
            "GET",
            "/api/v1/namespaces/987654/summary",
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(missing.status, 404);
}
