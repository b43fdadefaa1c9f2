//! Resource usage (ADR 0019): 10,000 samples ingested across two days with the ingest token,
//! buckets that show what the table holds, `container_details` showing the latest sample,
//! retention dropping the older day, and the watcher sampling a running container.

use std::time::Duration;

use chrono::{DateTime, Days, Utc};
use serde_json::{json, Value};

use super::{container, containers, done, post, spec, world};
use crate::helpers::{call, spawn_app_with, TestApp};

const TOKEN: &str = "ingest-secret-1";

async fn spawn() -> TestApp {
    spawn_app_with(|config| {
        config.operations.poll = Duration::from_millis(20);
        config.operations.container_watch = Duration::from_millis(100);
        config.metrics_token = Some(TOKEN.into());
    })
    .await
}

async fn ingest(app: &TestApp, token: Option<&str>, samples: &[Value]) -> (u16, Value) {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|b| vec![("Authorization", b)])
        .unwrap_or_default();
    let body = json!({ "samples": samples });
    let reply = call(
        &app.base,
        "POST",
        "/api/v1/metrics/containers",
        None,
        Some(&body),
        &headers,
    )
    .await;
    (reply.status, reply.body)
}

fn midnight(days_ago: u64) -> DateTime<Utc> {
    let today = Utc::now().date_naive();
    today
        .checked_sub_days(Days::new(days_ago))
        .expect("a day")
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
}

async fn usage(app: &TestApp, ns: i64, id: i64, query: &str) -> Value {
    let reply = app
        .request(
            "GET",
            &format!("{}/{id}/usage?{query}", containers(ns)),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

fn total(body: &Value) -> i64 {
    body["buckets"]
        .as_array()
        .expect("buckets")
        .iter()
        .map(|b| b["samples"].as_i64().expect("count"))
        .sum()
}

#[actix_web::test]
async fn samples_across_two_days_are_bucketed_and_the_older_day_expires() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "metered").await;
    let id = post(&app, &containers(ns), spec(image, volume)).await["id"]
        .as_i64()
        .expect("id");
    let (older, newer) = (midnight(2), midnight(1));
    app.pool
        .execute(
            "SELECT create_daily_partitions('container_resource_usage', $1::date, 1)",
            &[&older.date_naive()],
        )
        .await
        .expect("the older day's partition");

    let mut samples = Vec::new();
    for day in [older, newer] {
        for i in 0..5000i64 {
            let at = day + chrono::Duration::seconds(i * 17);
            samples.push(json!({ "containerId": id, "timestamp": at.to_rfc3339(),
                "cpuUsagePercent": (i % 100) as f64 + 0.5, "cpuCoresUsed": 0.25,
                "memoryBytesUsed": i * 1000, "networkBytesRx": 10 }));
        }
    }
    let (status, _) = ingest(&app, None, &samples[..1]).await;
    assert_eq!(status, 401);
    let (status, _) = ingest(&app, Some("wrong"), &samples[..1]).await;
    assert_eq!(status, 401);
    let mut accepted = 0;
    for batch in samples.chunks(2500) {
        let (status, answer) = ingest(&app, Some(TOKEN), batch).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["rejected"], json!([]));
        accepted += answer["accepted"].as_i64().expect("count");
    }
    assert_eq!(accepted, 10_000);
    let bad = [
        json!({ "containerId": 999_999, "timestamp": newer.to_rfc3339() }),
        json!({ "containerId": id, "timestamp": newer.to_rfc3339(), "cpuUsagePercent": 1000.0 }),
        json!({ "containerId": id, "timestamp": (Utc::now() + chrono::Duration::hours(1)).to_rfc3339() }),
    ];
    let (status, answer) = ingest(&app, Some(TOKEN), &bad).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["accepted"], 0);
    let indexes: Vec<i64> = answer["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| r["index"].as_i64().expect("index"))
        .collect();
    assert_eq!(indexes, [0, 1, 2]);

    let window = format!(
        "from={}&to={}&step=1h",
        urlencode(&older.to_rfc3339()),
        urlencode(&(newer + chrono::Duration::days(1)).to_rfc3339())
    );
    let body = usage(&app, ns, id, &window).await;
    assert_eq!(body["buckets"].as_array().map(Vec::len), Some(48));
    assert_eq!(total(&body), 10_000);
    // A bucket shows what the table holds for its hour.
    let first = &body["buckets"][0];
    let row = app
        .pool
        .query_one(
            "SELECT count(*), max(cpu_usage_percent)::float8, avg(cpu_usage_percent)::float8 \
             FROM container_resource_usage WHERE container_id = $1 AND timestamp >= $2 \
             AND timestamp < $2 + interval '1 hour'",
            &[&id, &older],
        )
        .await
        .expect("the hour");
    let (count, max, avg): (i64, f64, f64) = (
        row.try_get(0).expect("count"),
        row.try_get(1).expect("max"),
        row.try_get(2).expect("avg"),
    );
    assert_eq!(first["samples"], count);
    assert_eq!(first["cpuPercentMax"].as_f64(), Some(max));
    assert!((first["cpuPercentAvg"].as_f64().expect("avg") - avg).abs() < 1e-9);
    // container_details shows the newest sample.
    let latest: f64 = app
        .pool
        .query_one(
            "SELECT cpu_usage_percent::float8 FROM container_resource_usage \
             WHERE container_id = $1 ORDER BY timestamp DESC LIMIT 1",
            &[&id],
        )
        .await
        .and_then(db::scalar)
        .expect("latest");
    assert_eq!(
        container(&app, ns, id).await["cpuUsagePercent"].as_f64(),
        Some(latest)
    );

    let expired = db::partitions::drop_expired_usage(&app.pool, 2)
        .await
        .expect("retention");
    assert_eq!(
        expired.partitions, 1,
        "the older day's partition is dropped"
    );
    let body = usage(&app, ns, id, &window).await;
    assert_eq!(body["buckets"].as_array().map(Vec::len), Some(24));
    assert_eq!(total(&body), 5000);

    let refused = app
        .request(
            "GET",
            &format!(
                "{}/{id}/usage?step=1s&from=2020-01-01T00:00:00Z",
                containers(ns)
            ),
            Some(&app.tenant(1)),
            None,
            &[],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.body["params"], json!(["step"]));
}

#[actix_web::test]
async fn the_watcher_samples_a_running_container() {
    let app = spawn().await;
    let (ns, volume, image) = world(&app, "sampled").await;
    let id = post(&app, &containers(ns), spec(image, volume)).await["id"]
        .as_i64()
        .expect("id");
    done(&app, ns, id, "start").await;
    let mut seen = 0;
    for _ in 0..100 {
        seen = total(&usage(&app, ns, id, "step=1m").await);
        if seen >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen >= 2, "the watcher wrote samples ({seen})");
    let row = app
        .pool
        .query_one(
            "SELECT cpu_cores_limit::float8, memory_bytes_limit FROM container_resource_usage \
             WHERE container_id = $1 LIMIT 1",
            &[&id],
        )
        .await
        .expect("a sample");
    let (cores, bytes): (Option<f64>, Option<i64>) = (
        row.try_get(0).expect("cores"),
        row.try_get(1).expect("bytes"),
    );
    assert_eq!(cores, Some(1.0), "the spec's CPU limit");
    assert_eq!(bytes, Some(128 * 1024 * 1024), "the spec's memory limit");
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}
