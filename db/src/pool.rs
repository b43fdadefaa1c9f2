//! The connection pool (deadpool-postgres over tokio-postgres) and the [`Sql`] calls every
//! crate runs statements with. Statements are prepared once per connection and cached there, so a
//! hot statement costs one round trip and no planning after its first use.

use std::str::FromStr;
use std::time::Duration;

use deadpool_postgres::{ClientWrapper, Manager, ManagerConfig, RecyclingMethod, Runtime};
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row, SimpleQueryMessage};

use crate::DbError;

/// A pooled connection; it returns to the pool when dropped.
pub type Client = deadpool_postgres::Object;
/// A connection borrowed from a [`Client`]: what a statement runs on.
pub type Conn = deadpool_postgres::ClientWrapper;
/// A transaction on a pooled connection (statements cached on the connection).
pub type Transaction<'a> = deadpool_postgres::Transaction<'a>;
/// Statement parameters.
pub type Params<'a> = [&'a (dyn ToSql + Sync)];

/// How long a caller waits for a free connection, or for a new one to be opened.
const WAIT: Duration = Duration::from_secs(5);

/// A pool of connections to one database. It also carries this process's signal of its own
/// appends to the event log ([`Pool::announce_append`]): the process's projection runners wake on
/// it in memory, and one task ([`crate::listen::announce_appends`]) tells other processes with a
/// coalesced NOTIFY, so no appending transaction has to NOTIFY (PostgreSQL serializes the commits
/// of notifying transactions).
#[derive(Clone)]
pub struct Pool {
    inner: deadpool_postgres::Pool,
    config: tokio_postgres::Config,
    appends: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

impl Pool {
    /// Opens a pool of at most `max_connections` to `url` (a `postgres://` URL or key=value
    /// string) and checks that the database answers.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Pool, DbError> {
        let config = parse_url(url)?;
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            // No check before every checkout: a broken connection fails its statement, the
            // caller classifies that as unavailable, and the pool drops the connection.
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let inner = deadpool_postgres::Pool::builder(manager)
            .max_size(max_connections.max(1) as usize)
            .wait_timeout(Some(WAIT))
            .create_timeout(Some(WAIT))
            .runtime(Runtime::Tokio1)
            .build()
            .map_err(|e| DbError::Decode(format!("pool: {e}")))?;
        let pool = Pool {
            inner,
            config,
            appends: std::sync::Arc::new(tokio::sync::watch::channel(0).0),
        };
        drop(pool.get().await?);
        Ok(pool)
    }

    /// Says that this process has just committed events to the log.
    pub fn announce_append(&self) {
        self.appends.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Changes whenever this process has committed events to the log.
    pub fn appends(&self) -> tokio::sync::watch::Receiver<u64> {
        self.appends.subscribe()
    }

    /// A connection from the pool.
    pub async fn get(&self) -> Result<Client, DbError> {
        Ok(self.inner.get().await?)
    }

    /// The connection settings, for connections kept outside the pool (LISTEN, migrations).
    pub fn config(&self) -> &tokio_postgres::Config {
        &self.config
    }

    /// Opens a connection outside the pool; its driver task ends when the client is dropped.
    pub async fn dedicated(&self) -> Result<tokio_postgres::Client, DbError> {
        let (client, connection) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "dedicated database connection ended");
            }
        });
        Ok(client)
    }

    /// Closes every connection; later checkouts fail.
    pub fn close(&self) {
        self.inner.close();
    }

    /// Runs a query on a pooled connection and returns its rows.
    pub async fn query(&self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>, DbError> {
        self.get().await?.query(sql, params).await
    }
    /// Runs a query that returns exactly one row.
    pub async fn query_one(&self, sql: &str, params: &Params<'_>) -> Result<Row, DbError> {
        self.get().await?.query_one(sql, params).await
    }
    /// Runs a query that returns at most one row.
    pub async fn query_opt(&self, sql: &str, params: &Params<'_>) -> Result<Option<Row>, DbError> {
        self.get().await?.query_opt(sql, params).await
    }
    /// Runs a statement and returns the number of rows it touched.
    pub async fn execute(&self, sql: &str, params: &Params<'_>) -> Result<u64, DbError> {
        self.get().await?.execute(sql, params).await
    }
    /// Runs one or more statements over the simple protocol, without parameters.
    pub async fn batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(self.get().await?.batch_execute(sql).await?)
    }
}

/// Ends whatever transaction `client` left open before it goes back to the pool; a connection
/// that cannot even roll back is taken out of the pool and closed.
pub async fn rollback_or_discard(client: Client) {
    if client.batch_execute("ROLLBACK").await.is_err() {
        drop(deadpool_postgres::Object::take(client));
    }
}

/// Takes a connection out of the pool for good, e.g. to hold a session-level lock for as long
/// as the connection lives; dropping it closes the connection.
pub fn detach(client: Client) -> Conn {
    deadpool_postgres::Object::take(client)
}

/// Parses a connection URL, naming what is wrong without echoing the URL (it may hold a
/// password).
pub fn parse_url(url: &str) -> Result<tokio_postgres::Config, DbError> {
    tokio_postgres::Config::from_str(url)
        .map_err(|e| DbError::Decode(format!("invalid database URL: {e}")))
}

/// Statements on a pooled connection or a transaction, prepared once per connection.
#[allow(async_fn_in_trait)]
pub trait Sql {
    /// Runs a query and returns its rows.
    async fn query(&self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>, DbError>;
    /// Runs a query that returns exactly one row.
    async fn query_one(&self, sql: &str, params: &Params<'_>) -> Result<Row, DbError>;
    /// Runs a query that returns at most one row.
    async fn query_opt(&self, sql: &str, params: &Params<'_>) -> Result<Option<Row>, DbError>;
    /// Runs a statement and returns the number of rows it touched.
    async fn execute(&self, sql: &str, params: &Params<'_>) -> Result<u64, DbError>;
    /// Runs statements over the simple protocol (text results, several statements at once).
    async fn simple(&self, sql: &str) -> Result<Vec<SimpleQueryMessage>, DbError>;
}

macro_rules! cached_sql {
    ($type:ty, $driver:ty) => {
        impl Sql for $type {
            async fn query(&self, sql: &str, params: &Params<'_>) -> Result<Vec<Row>, DbError> {
                let statement = self.prepare_cached(sql).await?;
                Ok(<$driver>::query(self, &statement, params).await?)
            }
            async fn query_one(&self, sql: &str, params: &Params<'_>) -> Result<Row, DbError> {
                let statement = self.prepare_cached(sql).await?;
                Ok(<$driver>::query_one(self, &statement, params).await?)
            }
            async fn query_opt(
                &self,
                sql: &str,
                params: &Params<'_>,
            ) -> Result<Option<Row>, DbError> {
                let statement = self.prepare_cached(sql).await?;
                Ok(<$driver>::query_opt(self, &statement, params).await?)
            }
            async fn execute(&self, sql: &str, params: &Params<'_>) -> Result<u64, DbError> {
                let statement = self.prepare_cached(sql).await?;
                Ok(<$driver>::execute(self, &statement, params).await?)
            }
            async fn simple(&self, sql: &str) -> Result<Vec<SimpleQueryMessage>, DbError> {
                Ok(<$driver>::simple_query(self, sql).await?)
            }
        }
    };
}

cached_sql!(ClientWrapper, tokio_postgres::Client);
cached_sql!(Transaction<'_>, tokio_postgres::Transaction<'_>);
