//! The command load: N clients, each creating a VM application, updating it and adding a VM (with
//! a port and a sealed password) to it, over and over, so aggregates are loaded as well as
//! created. Optionally paced at an offered rate, and optionally sampling projection lag: the time
//! from a command's response until the projection's checkpoint has passed the position it
//! reported.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use db::Pool;
use serde_json::json;

use crate::http::Connection;

pub struct LoadResult {
    pub elapsed: Duration,
    pub ok: u64,
    pub errors: u64,
    pub latencies_us: Vec<u32>,
    pub lag_us: Vec<u32>,
}

fn body(name: &str, description: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "name": name, "description": description, "version": "v1.0", "provider": "bench",
        "architecture": "X86", "appClass": "VM", "type": "Video", "industry": "Smart Park",
        "iconFileId": "20aeed6a-f05f-4789-94b5-8a50db67d096"
    }))
    .unwrap_or_default()
}

/// A VM on a flavor of the seeded catalogue and the run's image.
fn vm_body(image_id: i64) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "name": "vm-1", "flavorId": edgedev_bench::generator::SEEDED_FLAVOR, "imageId": image_id,
        "portList": [{"name": "eth0", "networkName": "MEC_APP_N6"}],
        "vmCertificate": {"certificateType": "PASSWORD", "pwdCertificate": {"username": "ubuntu", "password": "bench-password"}}
    }))
    .unwrap_or_default()
}

/// A public VM image every client's VMs name (created once per run; 0 when it could not be).
async fn run_image(addr: &str, token: &str, run: usize) -> i64 {
    let body = serde_json::to_vec(&json!({
        "name": format!("bench-image-{run}-{}", uuid::Uuid::new_v4().simple()),
        "visibleType": "public", "osType": "ubuntu", "osVersion": "22.04", "systemDiskSize": 40
    }))
    .unwrap_or_default();
    let Ok(mut conn) = Connection::open(addr).await else {
        return 0;
    };
    match conn
        .send("POST", "/mec/developer/v2/vmimages", token, Some(&body))
        .await
    {
        Ok(created) => serde_json::from_slice::<serde_json::Value>(&created.body)
            .ok()
            .and_then(|v| v["id"].as_i64())
            .unwrap_or(0),
        Err(_) => 0,
    }
}

fn parse_position(text: &str) -> Option<(i64, i64)> {
    let (txid, position) = text.split_once(':')?;
    Some((txid.parse().ok()?, position.parse().ok()?))
}

type Pending = Arc<Mutex<BTreeMap<(i64, i64), Vec<Instant>>>>;

/// One load run.
pub struct Plan {
    /// Concurrent clients, one keep-alive connection each.
    pub clients: usize,
    pub duration: Duration,
    /// Distinguishes repeated runs on one database (it is part of every name).
    pub run: usize,
    /// Only `POST /applications`, no update and no VM.
    pub create_only: bool,
    /// Samples the projection lag of `applications` through this pool.
    pub lag_pool: Option<Pool>,
    /// Offered load in commands per second, all clients together; as fast as they can when unset.
    pub rate: Option<f64>,
}

impl Plan {
    pub fn new(clients: usize, duration: Duration, run: usize, create_only: bool) -> Self {
        Self {
            clients,
            duration,
            run,
            create_only,
            lag_pool: None,
            rate: None,
        }
    }

    /// The time between one client's rounds (a round is one command, or three in the
    /// create-update mix) at the offered rate.
    fn round_interval(&self) -> Option<Duration> {
        let commands_per_round = if self.create_only { 1.0 } else { 3.0 };
        self.rate
            .filter(|r| *r > 0.0)
            .map(|rate| Duration::from_secs_f64(commands_per_round * self.clients as f64 / rate))
    }
}

/// Runs the plan's clients against `addr`.
pub async fn run(addr: &str, tokens: &[String], plan: Plan) -> LoadResult {
    let Plan {
        clients,
        duration,
        run,
        create_only,
        ..
    } = plan;
    let round_interval = plan.round_interval();
    let lag_pool = plan.lag_pool;
    let deadline = Instant::now() + duration;
    let pending: Pending = Arc::default();
    let lags: Arc<Mutex<Vec<u32>>> = Arc::default();
    let watcher =
        lag_pool.map(|pool| tokio::spawn(watch_lag(pool, pending.clone(), lags.clone(), deadline)));
    let image_id = if create_only {
        0
    } else {
        run_image(addr, &tokens[0], run).await
    };
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let addr = addr.to_owned();
        let token = tokens[client % tokens.len()].clone();
        let pending = pending.clone();
        let sample = watcher.is_some();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let (mut ok, mut errors) = (0u64, 0u64);
            let Ok(mut conn) = Connection::open(&addr).await else {
                return (latencies, ok, 1);
            };
            let mut n = 0u64;
            let mut rounds = round_interval.map(|every| {
                // Clients start spread over one interval, so the offered load is even.
                let offset = every.mul_f64(client as f64 / clients as f64);
                let mut ticks =
                    tokio::time::interval_at(tokio::time::Instant::now() + offset, every);
                ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                ticks
            });
            while Instant::now() < deadline {
                if let Some(rounds) = rounds.as_mut() {
                    rounds.tick().await;
                    if Instant::now() >= deadline {
                        break;
                    }
                }
                n += 1;
                let name = format!("b{run}c{client}n{n}");
                let sent = Instant::now();
                let created = conn
                    .send(
                        "POST",
                        "/mec/developer/v2/applications",
                        &token,
                        Some(&body(&name, "first")),
                    )
                    .await;
                let Ok(created) = created else {
                    errors += 1;
                    break;
                };
                latencies.push(sent.elapsed().as_micros() as u32);
                if !(200..300).contains(&created.status) {
                    errors += 1;
                    continue;
                }
                ok += 1;
                let now = Instant::now();
                if sample {
                    if let Some(position) = created.position.as_deref().and_then(parse_position) {
                        if let Ok(mut map) = pending.lock() {
                            map.entry(position).or_default().push(now);
                        }
                    }
                }
                let id = serde_json::from_slice::<serde_json::Value>(&created.body)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(str::to_owned));
                let Some(id) = id.filter(|_| !create_only) else {
                    continue;
                };
                let sent = Instant::now();
                let path = format!("/mec/developer/v2/applications/{id}");
                match conn
                    .send("PUT", &path, &token, Some(&body(&name, "second")))
                    .await
                {
                    Ok(updated) if (200..300).contains(&updated.status) => ok += 1,
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
                latencies.push(sent.elapsed().as_micros() as u32);
                let sent = Instant::now();
                match conn
                    .send(
                        "POST",
                        &format!("{path}/vms"),
                        &token,
                        Some(&vm_body(image_id)),
                    )
                    .await
                {
                    Ok(created) if (200..300).contains(&created.status) => ok += 1,
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        break;
                    }
                }
                latencies.push(sent.elapsed().as_micros() as u32);
            }
            (latencies, ok, errors)
        }));
    }
    let mut result = LoadResult {
        elapsed: Duration::ZERO,
        ok: 0,
        errors: 0,
        latencies_us: Vec::new(),
        lag_us: Vec::new(),
    };
    for task in tasks {
        if let Ok((latencies, ok, errors)) = task.await {
            result.latencies_us.extend(latencies);
            result.ok += ok;
            result.errors += errors;
        }
    }
    result.elapsed = started.elapsed();
    if let Some(watcher) = watcher {
        let _ = watcher.await;
        result.lag_us = lags.lock().map(|l| l.clone()).unwrap_or_default();
    }
    result
}

/// Polls the `applications` checkpoint every millisecond and resolves the samples it passed.
async fn watch_lag(pool: Pool, pending: Pending, lags: Arc<Mutex<Vec<u32>>>, deadline: Instant) {
    let end = deadline + Duration::from_secs(5);
    while Instant::now() < end {
        let checkpoint: Option<(i64, i64)> = pool.query_opt("SELECT last_txid::text::bigint, last_position FROM projection_checkpoints WHERE name = 'applications'", &[]).await.and_then(db::opt_as)
        .ok()
        .flatten();
        let now = Instant::now();
        if let Some(checkpoint) = checkpoint {
            if let (Ok(mut map), Ok(mut lags)) = (pending.lock(), lags.lock()) {
                let passed: Vec<(i64, i64)> = map.range(..=checkpoint).map(|(k, _)| *k).collect();
                for key in passed {
                    for sent in map.remove(&key).unwrap_or_default() {
                        lags.push(now.saturating_duration_since(sent).as_micros() as u32);
                    }
                }
                if Instant::now() > deadline && map.is_empty() {
                    return;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The `q` quantile (0..=1) of `values` (sorted in place), in milliseconds.
pub fn quantile_ms(values: &mut [u32], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_unstable();
    let index = ((values.len() - 1) as f64 * q).round() as usize;
    f64::from(values[index]) / 1000.0
}
