//! The command loop on its own, against a real database: a create on an id generated for it
//! skips the load, and is still decided on the real stream when that id exists after all.

use commands::{CommandError, CommandExecutor, CommandMetadata, CommandOptions, Outcome};
use db::Pool;
use domain::application::{
    Application, ApplicationAction, ApplicationCommand, ApplicationError, ApplicationFields,
};
use domain::{Actor, Role};

use crate::helpers::{app_body, fresh_database};

fn create(name: &str) -> ApplicationCommand {
    let request: api::routes::applications::dto::ApplicationRequest =
        serde_json::from_value(app_body(name)).expect("request");
    ApplicationCommand {
        actor: Actor::new("tenant-1", "tenant1", vec![Role::Tenant]),
        action: ApplicationAction::Create {
            fields: ApplicationFields::try_from(&request).expect("valid"),
            created_at: chrono::Utc::now(),
        },
    }
}

async fn run_create(
    executor: &CommandExecutor,
    id: &str,
    name: &str,
) -> Result<Outcome<Application>, CommandError<ApplicationError>> {
    let command = create(name);
    let metadata = CommandMetadata::system(&command.actor);
    executor
        .execute::<Application, _>(
            id,
            command,
            &(),
            &metadata,
            &CommandOptions::default().for_new_stream(),
            |_, _| unreachable!("no idempotency key"),
        )
        .await
}

async fn stream_length(pool: &Pool, id: &str) -> i64 {
    pool.query_one(
        "SELECT count(*) FROM events WHERE aggregate_id = $1",
        &[&id],
    )
    .await
    .and_then(db::scalar)
    .expect("count")
}

#[actix_web::test]
async fn a_create_on_an_existing_id_is_decided_again_on_the_loaded_stream() {
    let database = fresh_database().await;
    let pool = Pool::connect(&database, 4).await.expect("connect");
    let executor = CommandExecutor::new(pool.clone());
    let id = uuid::Uuid::new_v4().to_string();

    let first = run_create(&executor, &id, "first-app")
        .await
        .expect("created");
    let Outcome::Executed(first) = first else {
        panic!("not replayed: no key was sent")
    };
    assert_eq!(first.version, 1);

    // The same id again, as a generated id that collided would: the blind first attempt trips on
    // the stream's primary key, the second loads the stream and the aggregate refuses.
    let again = run_create(&executor, &id, "second-app").await;
    assert!(
        matches!(
            again,
            Err(CommandError::Rejected(ApplicationError::AlreadyExists))
        ),
        "{again:?}"
    );
    assert_eq!(stream_length(&pool, &id).await, 1, "nothing was appended");

    // A fresh id whose unique name is taken is still refused as a duplicate, with nothing written.
    let other = uuid::Uuid::new_v4().to_string();
    let taken = run_create(&executor, &other, "first-app").await;
    assert!(
        matches!(taken, Err(CommandError::Duplicate { .. })),
        "{taken:?}"
    );
    assert_eq!(stream_length(&pool, &other).await, 0);
    pool.close();
}
