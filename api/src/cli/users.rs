//! `edgedev users create-admin`: the first administrator of an empty system, with the system
//! roles seeded first and ADMIN bound platform-wide. The password comes from standard input, so
//! it is in neither the shell's history nor the process list.

use std::io::BufRead;
use std::path::Path;

use commands::ids::{next_platform_id, PlatformTable};
use commands::secrets::SecretBox;
use commands::{CommandExecutor, CommandMetadata, CommandOptions, StoredResponse};
use db::Pool;
use domain::user::{Binding, User, UserAction, UserCommand, UserProfile};
use domain::{Actor, Role};

use super::{CliResult, UsersAction};

/// The id of the ADMIN system role.
const ADMIN_ROLE_ID: i64 = 1;

pub async fn run(pool: Pool, data_dir: &Path, action: UsersAction) -> CliResult {
    let UsersAction::CreateAdmin {
        username,
        email,
        secret_key,
    } = action;
    db::migrate::up(&pool).await?;
    let executor = CommandExecutor::new(pool.clone());
    commands::system_roles::seed(&executor, &pool).await?;
    if executor
        .store()
        .any_stream(<User as cqrs_es::Aggregate>::TYPE)
        .await?
    {
        return Err("users exist already: the first administrator is created only on a system without users (USERS_EXIST); log in as an administrator and use POST /api/v1/users".into());
    }
    let username = domain::user::username(&username)?;
    let profile = UserProfile {
        email,
        full_name: None,
        avatar_url: None,
    }
    .validated()?;
    let password = read_password()?;
    let secrets = SecretBox::load_or_create(secret_key.as_deref(), data_dir)?;
    let sealed = tokio::task::spawn_blocking(move || {
        commands::passwords::hash_and_seal(&secrets, &password)
    })
    .await??;
    let id = next_platform_id(&pool, PlatformTable::Users).await?;
    let actor = Actor::new("edgedev-cli", "edgedev-cli", vec![Role::Admin]);
    let run = |action| {
        let command = UserCommand {
            actor: actor.clone(),
            action,
        };
        let executor = executor.clone();
        let metadata = CommandMetadata::system(&actor);
        async move {
            executor
                .execute::<User, _>(
                    &id.to_string(),
                    command,
                    &(),
                    &metadata,
                    &CommandOptions::default(),
                    |_, _| StoredResponse {
                        status: 201,
                        body: serde_json::Value::Null,
                    },
                )
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    };
    run(UserAction::Create {
        username: username.clone(),
        profile,
        password: sealed,
        by: None,
    })
    .await?;
    let binding_id = next_platform_id(&pool, PlatformTable::UserRoles).await?;
    run(UserAction::BindRole {
        binding: Binding {
            binding_id,
            role_id: ADMIN_ROLE_ID,
            namespace_id: None,
            expires_at: None,
        },
        now: chrono::Utc::now().timestamp_millis(),
        by: None,
    })
    .await?;
    println!(
        "{}",
        serde_json::json!({ "id": id, "username": username, "roles": ["ADMIN"] })
    );
    Ok(())
}

/// One line of standard input, without its line end; it must pass the password rule.
fn read_password() -> Result<String, Box<dyn std::error::Error>> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    commands::passwords::check_rule(&password)?;
    Ok(password)
}
