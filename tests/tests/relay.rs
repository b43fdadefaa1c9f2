//! The AMQP relay against the real RabbitMQ: every event of a burst arrives, in order per
//! aggregate, with the CloudEvents envelope; nothing is missing after the broker drops its
//! connections or the edgedev process is killed; with no broker the relay waits and catches up.

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use commands::{CommandExecutor, CommandMetadata, CommandOptions};
use db::Pool;
use domain::application::{Application, ApplicationAction, ApplicationCommand, ApplicationFields};
use domain::{Actor, Role};
use futures_util::StreamExt;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
use lapin::types::{FieldTable, ShortString};
use lapin::{Connection, ConnectionProperties};
use projections::relay::RelayConfig;
use projections::{ProjectionRuntime, RuntimeConfig};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::helpers::{app_body, fresh_database, spawn_app};

/// `close_all_connections` drops every test's broker connection: that test runs alone (write
/// lock), the others share the broker (read lock).
static BROKER: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

fn amqp_url() -> String {
    std::env::var("EDGEDEV_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// A unique exchange per test, so tests do not see each other's events.
fn exchange() -> String {
    format!("edgedev.test.{}", uuid::Uuid::new_v4().simple())
}

fn fields(name: &str) -> ApplicationFields {
    let request: api::routes::applications::dto::ApplicationRequest =
        serde_json::from_value(app_body(name)).expect("dto");
    ApplicationFields::try_from(&request).expect("valid")
}

/// Runs `apps` applications x (create + `updates` updates) as commands, `tasks` at a time.
async fn burst(pool: &Pool, apps: usize, updates: usize, tasks: usize) {
    let executor = CommandExecutor::new(pool.clone());
    let actor = Actor::new("tenant-1", "tenant1", vec![Role::Tenant]);
    let mut handles = Vec::new();
    for task in 0..tasks {
        let executor = executor.clone();
        let actor = actor.clone();
        handles.push(tokio::spawn(async move {
            for n in (task..apps).step_by(tasks) {
                let id = uuid::Uuid::new_v4().to_string();
                let metadata = CommandMetadata::system(&actor);
                let name = format!("burst-{n}");
                let create = ApplicationAction::Create {
                    fields: fields(&name),
                    created_at: chrono::Utc::now(),
                };
                for round in 0..=updates {
                    let action = if round == 0 {
                        create.clone()
                    } else {
                        let mut changed = fields(&name);
                        changed.description =
                            domain::application::Description::parse(&format!("round {round}"))
                                .expect("valid");
                        ApplicationAction::Update(changed)
                    };
                    let command = ApplicationCommand {
                        actor: actor.clone(),
                        action,
                    };
                    executor
                        .execute::<Application, _>(
                            &id,
                            command,
                            &(),
                            &metadata,
                            &CommandOptions::default(),
                            |_, _| unreachable!(),
                        )
                        .await
                        .expect("command");
                }
            }
        }));
    }
    for handle in handles {
        handle.await.expect("burst task");
    }
}

/// What a subscriber received: every message in arrival order, and the distinct event ids.
#[derive(Default)]
struct Received {
    messages: Vec<Value>,
    ids: HashSet<String>,
}

/// Consumes `exchange` with a durable queue bound to `#`, reconnecting whenever the broker drops
/// the connection, until `expected` distinct event ids arrived or `timeout` passed.
async fn subscribe(
    exchange: String,
    received: Arc<Mutex<Received>>,
    expected: usize,
    timeout: Duration,
) {
    let deadline = Instant::now() + timeout;
    let queue = format!("{exchange}.test");
    while Instant::now() < deadline {
        let attempt = async {
            let connection =
                Connection::connect(&amqp_url(), ConnectionProperties::default()).await?;
            let channel = connection.create_channel().await?;
            projections::relay::publisher::declare_topology(&channel, &exchange).await?;
            channel
                .queue_declare(
                    ShortString::from(queue.as_str()),
                    QueueDeclareOptions::durable(),
                    FieldTable::default(),
                )
                .await?;
            channel
                .queue_bind(
                    ShortString::from(queue.as_str()),
                    ShortString::from(exchange.as_str()),
                    ShortString::from("#"),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await?;
            let mut consumer = channel
                .basic_consume(
                    ShortString::from(queue.as_str()),
                    ShortString::from("test"),
                    BasicConsumeOptions::default(),
                    FieldTable::default(),
                )
                .await?;
            loop {
                let distinct = received.lock().await.ids.len();
                if distinct >= expected || Instant::now() >= deadline {
                    return Ok::<(), lapin::Error>(());
                }
                let Ok(next) =
                    tokio::time::timeout(Duration::from_millis(500), consumer.next()).await
                else {
                    continue;
                };
                let Some(delivery) = next else { return Ok(()) };
                let delivery = delivery?;
                let mut message: Value = serde_json::from_slice(&delivery.data).expect("JSON body");
                message["_routing_key"] = Value::String(delivery.routing_key.to_string());
                message["_message_id"] = Value::String(
                    delivery
                        .properties
                        .message_id()
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                );
                message["_delivery_mode"] =
                    Value::from(delivery.properties.delivery_mode().unwrap_or(0));
                let mut received = received.lock().await;
                received
                    .ids
                    .insert(message["id"].as_str().unwrap_or_default().to_owned());
                received.messages.push(message);
                drop(received);
                delivery.ack(BasicAckOptions::default()).await?;
            }
        };
        match attempt.await {
            Ok(()) => return,
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await, // broker dropped us: reconnect
        }
    }
}

fn relay_config(exchange: &str) -> RelayConfig {
    RelayConfig::new(amqp_url(), exchange)
}

/// Starts a runtime that runs only the relay.
async fn start_relay(pool: &Pool, exchange: &str) -> ProjectionRuntime {
    let runtime = ProjectionRuntime::new(pool.clone(), Vec::new(), RuntimeConfig::default())
        .with_relay(Some(relay_config(exchange)));
    runtime.start().await.expect("relay starts");
    runtime
}

async fn event_ids(pool: &Pool) -> HashSet<String> {
    pool.query("SELECT event_id FROM events", &[])
        .await
        .and_then(db::scalars::<uuid::Uuid>)
        .expect("ids")
        .into_iter()
        .map(|id| id.to_string())
        .collect()
}

fn distinct_ids(received: &Received) -> HashSet<String> {
    received.ids.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_of_a_burst_arrives_in_order_per_aggregate_with_its_envelope() {
    let _broker = BROKER.read().await;
    let url = fresh_database().await;
    let pool = db::Pool::connect(&url, 24).await.expect("connect");
    let exchange = exchange();
    let received = Arc::new(Mutex::new(Received::default()));
    let subscriber = tokio::spawn(subscribe(
        exchange.clone(),
        received.clone(),
        10_000,
        Duration::from_secs(240),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await; // queue bound before the first publish
    let runtime = start_relay(&pool, &exchange).await;

    burst(&pool, 2_000, 4, 16).await; // 10,000 commands
    subscriber.await.expect("subscriber");
    runtime.stop();

    let received = received.lock().await;
    assert_eq!(
        distinct_ids(&received),
        event_ids(&pool).await,
        "every event arrived"
    );
    assert!(received.messages.len() >= 10_000);
    // Order per aggregate, over first deliveries (consumers deduplicate on the event id).
    let mut last_sequence: HashMap<String, i64> = HashMap::new();
    let mut seen = HashSet::new();
    for message in received
        .messages
        .iter()
        .filter(|m| seen.insert(m["id"].as_str().unwrap_or_default().to_owned()))
    {
        let subject = message["subject"].as_str().expect("subject").to_owned();
        let sequence = message["sequence"].as_i64().expect("sequence");
        let previous = last_sequence.insert(subject.clone(), sequence).unwrap_or(0);
        assert_eq!(sequence, previous + 1, "in order per aggregate: {subject}");
    }
    let first = &received.messages[0];
    assert_eq!(first["specversion"], "1.0");
    assert_eq!(first["source"], "edgedev");
    assert_eq!(first["type"], "edgedev.application.ApplicationCreated.v1");
    assert_eq!(first["datacontenttype"], "application/json");
    assert_eq!(first["_routing_key"], "application.ApplicationCreated");
    assert_eq!(first["_message_id"], first["id"]);
    assert_eq!(first["_delivery_mode"], 2, "persistent");
    assert_eq!(first["aggregatetype"], "application");
    assert_eq!(first["userid"], "tenant-1");
    assert!(first["correlationid"].is_string() && first["causationid"].is_string());
    assert!(first["position"].as_i64().is_some_and(|p| p > 0));
    assert!(first["time"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(first["data"]["name"]
        .as_str()
        .is_some_and(|n| n.starts_with("burst-")));
    let update = received
        .messages
        .iter()
        .find(|m| m["sequence"] == 2)
        .expect("an update");
    assert_eq!(update["_routing_key"], "application.ApplicationUpdated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_missing_after_the_broker_closes_every_connection_mid_burst() {
    let _broker = BROKER.write().await;
    let url = fresh_database().await;
    let pool = db::Pool::connect(&url, 24).await.expect("connect");
    let exchange = exchange();
    let received = Arc::new(Mutex::new(Received::default()));
    let subscriber = tokio::spawn(subscribe(
        exchange.clone(),
        received.clone(),
        5_000,
        Duration::from_secs(240),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runtime = start_relay(&pool, &exchange).await;

    let writer = tokio::spawn({
        let pool = pool.clone();
        async move { burst(&pool, 1_000, 4, 16).await }
    });
    // Wait until the relay is publishing, then drop every broker connection.
    for _ in 0..600 {
        if received.lock().await.messages.len() > 500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let closed = tokio::task::spawn_blocking(|| {
        Command::new("rabbitmqctl")
            .args(["close_all_connections", "edgedev test: broker restart"])
            .stdout(Stdio::null())
            .status()
    })
    .await
    .expect("join")
    .expect("rabbitmqctl runs");
    assert!(closed.success());
    writer.await.expect("burst");
    subscriber.await.expect("subscriber");
    runtime.stop();

    let received = received.lock().await;
    let expected = event_ids(&pool).await;
    assert_eq!(expected.len(), 5_000);
    let missing: Vec<_> = expected
        .difference(&distinct_ids(&received))
        .take(5)
        .cloned()
        .collect();
    assert!(missing.is_empty(), "missing events, e.g. {missing:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_missing_after_the_edgedev_process_is_killed_mid_burst() {
    let _broker = BROKER.read().await;
    let url = fresh_database().await;
    let pool = db::Pool::connect(&url, 24).await.expect("connect");
    let exchange = exchange();
    let received = Arc::new(Mutex::new(Received::default()));
    let subscriber = tokio::spawn(subscribe(
        exchange.clone(),
        received.clone(),
        // The burst, and the catalogue the server's first start seeds.
        5_000 + commands::catalogue::row_count().expect("catalogue"),
        Duration::from_secs(240),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start = |url: &str, exchange: &str| {
        crate::helpers::ServerProcess::start(&[
            ("DATABASE_URL", Some(url.to_owned())),
            ("AMQP_URL", Some(amqp_url())),
            ("EDGEDEV_AMQP_EXCHANGE", Some(exchange.to_owned())),
        ])
    };
    let mut server = start(&url, &exchange);
    let writer = tokio::spawn({
        let pool = pool.clone();
        async move { burst(&pool, 1_000, 4, 8).await }
    });
    for _ in 0..600 {
        if received.lock().await.messages.len() > 500 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill(); // SIGKILL
    let received_at_kill = received.lock().await.messages.len();
    assert!(
        received_at_kill < 5_000,
        "the kill happened mid-burst ({received_at_kill} received)"
    );
    let restarted = start(&url, &exchange);
    writer.await.expect("burst");
    subscriber.await.expect("subscriber");
    drop(restarted);

    let received = received.lock().await;
    let expected = event_ids(&pool).await;
    // The burst and the catalogue the first start seeded: the relay publishes the whole log.
    let catalogue = crate::helpers::catalogue_event_count(&pool).await as usize;
    assert_eq!(expected.len(), 5_000 + catalogue);
    let missing: Vec<_> = expected
        .difference(&distinct_ids(&received))
        .take(5)
        .cloned()
        .collect();
    assert!(missing.is_empty(), "missing events, e.g. {missing:?}");
}

#[actix_web::test]
async fn without_a_broker_commands_work_and_the_relay_catches_up_once_one_is_configured() {
    let _broker = BROKER.read().await;
    let app = spawn_app().await;
    let token = app.tenant(1);
    for n in 0..20 {
        assert_eq!(
            app.create_app(&token, &app_body(&format!("no-broker-{n}")))
                .await
                .status,
            201
        );
    }
    let status = app
        .request("GET", "/api/v1/projections", Some(&token), None, &[])
        .await;
    let relay = status
        .body
        .as_array()
        .and_then(|a| a.iter().find(|p| p["name"] == "amqp_relay").cloned())
        .expect("relay row");
    assert_eq!(relay["status"], "idle");
    let catalogue = crate::helpers::catalogue_event_count(&app.pool).await;
    assert_eq!(relay["lagEvents"], 20 + catalogue);
    let ready = app.request("GET", "/readyz", None, None, &[]).await;
    assert_eq!(
        ready.status, 200,
        "an idle relay does not make the server unready"
    );
    assert!(ready.body["projections"].as_array().is_some_and(|p| p
        .iter()
        .any(|r| r["name"] == "amqp_relay" && r["status"] == "idle")));

    let exchange = exchange();
    let received = Arc::new(Mutex::new(Received::default()));
    let subscriber = tokio::spawn(subscribe(
        exchange.clone(),
        received.clone(),
        20 + catalogue as usize,
        Duration::from_secs(60),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runtime = start_relay(&app.pool, &exchange).await;
    subscriber.await.expect("subscriber");
    runtime.stop();
    assert_eq!(
        distinct_ids(&*received.lock().await),
        event_ids(&app.pool).await
    );
}
