//! The test harness: a migrated template database made once per run, a fresh database per test
//! cloned from it, and `spawn_app` starting the real server on port 0 against it.

use std::path::PathBuf;
use std::time::Duration;

use api::auth::JwtKeys;
use api::config::ServeConfig;
use api::server::RunningServer;
use db::Pool;
use domain::{Actor, Role};
use serde_json::{json, Value};
use tokio::sync::OnceCell;

pub const JWT_SECRET: &str = "edgedev-test-secret";

/// The server all test databases live on: `EDGEDEV_TEST_DATABASE_URL`, else the local one.
pub fn server_url() -> String {
    std::env::var("EDGEDEV_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn database_url(name: &str) -> String {
    format!("{}/{name}", server_url())
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

/// This run's id: 15 hex digits, in the names of its databases and the key of its advisory lock.
fn run_id() -> &'static str {
    static RUN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RUN.get_or_init(|| uuid::Uuid::new_v4().simple().to_string()[..15].to_owned())
}

fn lock_key(run: &str) -> Option<i64> {
    (run.len() == 15)
        .then(|| i64::from_str_radix(run, 16).ok())
        .flatten()
}

/// Holds this run's advisory lock for as long as the test process lives, on a connection of its
/// own (a thread with its own runtime: each test's runtime ends with the test), so a concurrent
/// run sees that this run's databases are in use and leaves them alone.
fn hold_run_lock() {
    // Once per process: a template build that failed (and is retried by the next test) must not
    // wait for the lock this process already holds.
    static HELD: std::sync::Once = std::sync::Once::new();
    HELD.call_once(|| {
        let key = lock_key(run_id()).expect("run key");
        let (taken, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let pool = Pool::connect(&database_url("postgres"), 1)
                    .await
                    .expect("connect");
                pool.execute("SELECT pg_advisory_lock($1)", &[&key])
                    .await
                    .expect("run lock");
                let _ = taken.send(());
                std::future::pending::<()>().await;
                drop(pool);
            });
        });
        wait.recv().expect("run lock taken");
    });
}

/// The migrated template (built once per run). Databases of earlier runs are dropped first;
/// those of a run still going (its lock held) are left alone.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            hold_run_lock();
            let admin = Pool::connect(&database_url("postgres"), 1).await.expect("test PostgreSQL reachable");
            admin.execute("SELECT pg_advisory_lock(727274)", &[]).await.expect("lock");
            let stale: Vec<String> = admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'edgedev\\_t\\_%' OR datname LIKE 'edgedev\\_tpl\\_%'", &[]).await.and_then(db::scalars)
            .expect("list databases");
            for name in stale {
                let run = name.trim_start_matches("edgedev_tpl_").trim_start_matches("edgedev_t_");
                if let Some(key) = lock_key(run.split('_').next().unwrap_or_default()) {
                    let free: bool = admin.query_one("SELECT pg_try_advisory_lock($1)", &[&key]).await.and_then(db::scalar).unwrap_or(false);
                    if !free {
                        continue;
                    }
                    let _ = admin.execute("SELECT pg_advisory_unlock($1)", &[&key]).await;
                }
                let _ = admin.batch(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
            }
            let name = format!("edgedev_tpl_{}", run_id());
            admin.batch(&format!("CREATE DATABASE \"{name}\"")).await.expect("create template");
            let pool = Pool::connect(&database_url(&name), 2).await.expect("connect template");
            db::migrate::up(&pool).await.expect("migrations apply");
            pool.close();
            admin.execute("SELECT pg_advisory_unlock(727274)", &[]).await.expect("unlock");
            admin.close();
            name
        })
        .await
}

/// A test's own database: dereferences to its URL, and is dropped (connections and all) when
/// the guard is, so a run leaves no databases behind, also when a test fails.
pub struct TestDatabase {
    url: String,
    name: String,
}

impl std::ops::Deref for TestDatabase {
    type Target = str;
    fn deref(&self) -> &str {
        &self.url
    }
}

impl std::fmt::Display for TestDatabase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // On a thread of its own: the test's runtime may be the one dropping us.
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let admin = Pool::connect(&database_url("postgres"), 1).await.ok()?;
                admin
                    .batch(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("test database {} was not dropped", self.name);
        }
    }
}

/// Flavors of the catalogue every start seeds ("General Computing-1" and "-2", X86).
pub const FLAVOR: &str = "3ef2bea0-5e23-4fab-952d-cc9e6741dbe7";
pub const LARGER_FLAVOR: &str = "96f9c44c-4d01-4da6-84dd-9f3564fe2bdb";

/// A fresh, migrated database of its own for a test.
pub async fn fresh_database() -> TestDatabase {
    let template = template().await;
    let name = format!("edgedev_t_{}_{}", run_id(), uuid::Uuid::new_v4().simple());
    let admin = Pool::connect(&database_url("postgres"), 2)
        .await
        .expect("connect");
    admin
        .batch(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
        ))
        .await
        .expect("clone template");
    admin.close();
    TestDatabase {
        url: database_url(&name),
        name,
    }
}

pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgedev-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The real application, serving on a free port against its own database.
pub struct TestApp {
    pub base: String,
    pub pool: Pool,
    pub server: RunningServer,
    keys: JwtKeys,
    /// Dropped last, after the pool and the server.
    _database: TestDatabase,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut ServeConfig)) -> TestApp {
    let database_url = fresh_database().await;
    let mut config = ServeConfig::for_database(&database_url, temp_dir());
    config.jwt_secret = Some(JWT_SECRET.into());
    // Tests assert what a command leads to, not how fast: a loaded machine must not turn a 201
    // into the 202 past the read-your-writes bound.
    config.read_your_writes_timeout = std::time::Duration::from_secs(15);
    adjust(&mut config);
    let pool = db::Pool::connect(&database_url, config.max_connections)
        .await
        .expect("connect");
    let server = api::server::start(&config, pool.clone())
        .await
        .expect("server starts");
    TestApp {
        base: format!("http://{}", server.addr),
        pool,

        server,
        keys: JwtKeys::new(JWT_SECRET.as_bytes().to_vec()).expect("signing key"),
        _database: database_url,
    }
}

pub fn token_for(user_id: &str, user_name: &str, role: Role) -> String {
    JwtKeys::new(JWT_SECRET.as_bytes().to_vec())
        .expect("signing key")
        .mint(&Actor::new(user_id, user_name, vec![role]), 3600)
}

/// A response reduced to what tests look at.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: awc::http::header::HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub fn token(&self, user_id: &str, user_name: &str, role: Role) -> String {
        self.keys
            .mint(&Actor::new(user_id, user_name, vec![role]), 3600)
    }

    pub fn tenant(&self, n: u32) -> String {
        self.token(&format!("tenant-{n}"), &format!("tenant{n}"), Role::Tenant)
    }

    /// The URL of the test's database.
    pub fn database_url(&self) -> &str {
        &self._database
    }

    pub fn admin(&self) -> String {
        self.token("admin-1", "admin", Role::Admin)
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        call(&self.base, method, path, token, body, headers).await
    }

    pub async fn create_app(&self, token: &str, body: &Value) -> Reply {
        self.request(
            "POST",
            "/mec/developer/v2/applications",
            Some(token),
            Some(body),
            &[],
        )
        .await
    }

    /// Registers a sandbox host (through the in-process LCM simulator); returns its id.
    pub async fn register_host(&self, name: &str, mec_host_ip: &str) -> String {
        let body = json!({
            "name": name, "lcmIp": "10.250.0.1", "lcmPort": 30204, "architecture": "X86",
            "mecHostIp": mec_host_ip, "vimType": "K8S"
        });
        let reply = self
            .request(
                "POST",
                "/mec/developer/v2/mephosts",
                Some(&self.admin()),
                Some(&body),
                &[],
            )
            .await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        reply.body["id"].as_str().expect("host id").to_owned()
    }

    /// Number of events in the store besides the catalogue seeded at start and the operation
    /// log's own records: the changes the test's own requests caused.
    pub async fn event_count(&self) -> i64 {
        let all: i64 = self
            .pool
            .query_one(
                "SELECT count(*) FROM events WHERE aggregate_type <> 'request_log'",
                &[],
            )
            .await
            .and_then(db::scalar)
            .expect("count");
        all - catalogue_event_count(&self.pool).await
    }

    /// Rows of a table as JSON, ordered by `order`.
    pub async fn rows(&self, table: &str, order: &str) -> Vec<Value> {
        rows(&self.pool, table, order).await
    }
}

/// Number of events the catalogue seeding appended (every server start seeds an empty log).
pub async fn catalogue_event_count(pool: &Pool) -> i64 {
    pool.query_one(
        "SELECT count(*) FROM events WHERE metadata->>'user_id' = $1",
        &[&commands::catalogue::seeder().user_id],
    )
    .await
    .and_then(db::scalar)
    .expect("count")
}

pub async fn rows(pool: &Pool, table: &str, order: &str) -> Vec<Value> {
    pool.query(
        &format!("SELECT row_to_json(t)::jsonb FROM {table} t ORDER BY {order}"),
        &[],
    )
    .await
    .and_then(db::scalars)
    .expect("rows")
}

/// One HTTP call to `base`.
pub async fn call(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> Reply {
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(30))
        .finish();
    let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = client.request(method, format!("{base}{path}"));
    if let Some(token) = token {
        request = request.insert_header(("access_token", token));
    }
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    let mut response = match body {
        Some(body) => request.send_json(body).await,
        None => request.send().await,
    }
    .expect("request sent");
    let bytes = response
        .body()
        .limit(10 * 1024 * 1024)
        .await
        .expect("body read");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body,
    }
}

/// A valid application body with the given name.
pub fn app_body(name: &str) -> Value {
    json!({
        "name": name,
        "description": "an application under test",
        "version": "v1.0",
        "provider": "edgedev",
        "architecture": "X86",
        "appClass": "CONTAINER",
        "type": "Video Application",
        "industry": "Smart Park",
        "iconFileId": "20aeed6a-f05f-4789-94b5-8a50db67d096",
        "appCreateType": "DEVELOP"
    })
}

/// Waits until every projection has applied the whole log (bounded).
pub async fn wait_caught_up(pool: &Pool) {
    for _ in 0..500 {
        let lagging: i64 = pool.query_one("SELECT count(*) FROM projection_checkpoints c WHERE c.status = 'running' AND EXISTS \
             (SELECT 1 FROM events e WHERE (e.transaction_id, e.global_position) > (c.last_txid, c.last_position))", &[]).await.and_then(db::scalar)
        .expect("lag");
        if lagging == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("projections did not catch up within 10 s");
}

/// A real `edgedev serve` process on a free port (the binary under test), killed when dropped.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts the server with a fresh data directory and the test signing key; `env` sets (or,
    /// with `None`, removes) further variables, such as `DATABASE_URL` or `AMQP_URL`.
    pub fn start(env: &[(&str, Option<String>)]) -> Self {
        Self::start_with_stderr(env, std::process::Stdio::inherit())
    }

    /// Like [`ServerProcess::start`], with the server's log (its standard error) sent to `stderr`.
    pub fn start_with_stderr(env: &[(&str, Option<String>)], stderr: std::process::Stdio) -> Self {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};
        let mut command = Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"));
        command
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "2",
                "--db-connections",
                "8",
            ])
            .env("EDGEDEV_DATA_DIR", temp_dir())
            .env("EDGEDEV_JWT_SECRET", JWT_SECRET)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(stderr);
        for (name, value) in env {
            match value {
                Some(value) => command.env(name, value),
                None => command.env_remove(name),
            };
        }
        let mut child = command.spawn().expect("server process starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the listening line");
        let base = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        assert!(
            base.starts_with("http://"),
            "unexpected first line: {line:?}"
        );
        Self { child, base }
    }

    /// SIGKILL: no graceful shutdown.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A multipart form part: field name, file name (for a file part), content.
pub type Part = (&'static str, Option<String>, Vec<u8>);

/// Sends a multipart form.
pub async fn send_form(
    app_base: &str,
    method: &str,
    path: &str,
    token: &str,
    parts: &[Part],
) -> Reply {
    let boundary = format!("edgedev{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(file) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(120))
        .finish();
    let method = awc::http::Method::from_bytes(method.as_bytes()).expect("method");
    let mut response = client
        .request(method, format!("{app_base}{path}"))
        .insert_header(("access_token", token))
        .insert_header((
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        ))
        .send_body(body)
        .await
        .expect("sent");
    let bytes = response.body().limit(1 << 20).await.expect("body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()));
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body,
    }
}

/// A GET whose answer is read as bytes: status, headers, body.
pub async fn raw_get(
    app: &TestApp,
    path: &str,
    token: &str,
) -> (u16, awc::http::header::HeaderMap, Vec<u8>) {
    let mut response = awc::Client::default()
        .get(format!("{}{path}", app.base))
        .insert_header(("access_token", token))
        .send()
        .await
        .expect("sent");
    let bytes = response.body().limit(100 << 20).await.expect("body");
    (
        response.status().as_u16(),
        response.headers().clone(),
        bytes.to_vec(),
    )
}

/// Uploads a file of `file_type` (`POST /upload-files`) and answers its id.
pub async fn upload_file(
    app: &TestApp,
    token: &str,
    file_type: &str,
    name: &str,
    content: &[u8],
) -> String {
    let reply = send_form(
        &app.base,
        "POST",
        &format!("/mec/developer/v2/upload-files?fileType={file_type}"),
        token,
        &[("file", Some(name.to_owned()), content.to_vec())],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["fileId"].as_str().expect("file id").to_owned()
}

/// Whether an uploaded file is temporary once the read models caught up (`None`: no such file).
pub async fn is_temp(app: &TestApp, id: &str) -> Option<bool> {
    wait_caught_up(&app.pool).await;
    app.pool
        .query_opt(
            "SELECT is_temp FROM tbl_uploaded_file WHERE file_id = $1",
            &[&id],
        )
        .await
        .expect("row")
        .map(|r| r.get(0))
}

/// Creates a private VM image (no file yet: a VM may name it while it uploads) for the caller
/// of `token` at `base`; answers its id.
pub async fn vm_image_for(base: &str, token: &str) -> i64 {
    let body = json!({
        "name": format!("img-{}", uuid::Uuid::new_v4().simple()),
        "osType": "ubuntu", "osVersion": "22.04", "systemDiskSize": 40
    });
    let reply = call(
        base,
        "POST",
        "/mec/developer/v2/vmimages",
        Some(token),
        Some(&body),
        &[],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body["id"].as_i64().expect("image id")
}

/// An `edgedev sim <system>` process on a free port (`.1` its base URL), stopped when dropped.
pub struct SimProcess(std::process::Child, pub String);

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl SimProcess {
    /// Starts `edgedev sim <system>` and sets its plan (`PUT /simulator/plan`).
    pub async fn start(system: &str, plan: Value) -> SimProcess {
        use std::io::{BufRead, BufReader};
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_edgedev-under-test"))
            .args(["sim", system, "--bind", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("simulator starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("listening line");
        assert!(line.contains("listening"), "{line}");
        let base = format!("http://127.0.0.1:{port}");
        let set = call(&base, "PUT", "/simulator/plan", None, Some(&plan), &[]).await;
        assert_eq!(set.status, 204);
        SimProcess(child, base)
    }
}
