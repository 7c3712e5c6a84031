//! The command line: `trolley [serve | migrate | clear-sessions | seed]`.

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::auth::{self, AdminChange};
use crate::config::Settings;
use crate::db::Db;
use crate::jobs::cleanup::{clear_expired, CLEAR_BATCH, CLEAR_PAUSE};
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(
    name = "trolley",
    version,
    about = "A shop whose shoppers' state lives in server-side sessions"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate, then serve (the default); removes expired sessions in the background.
    Serve,
    /// Run pending migrations and exit.
    Migrate,
    /// Delete expired sessions (and the baskets they own) and print how many.
    ClearSessions,
    /// Load the demo catalogue (the products it does not have yet).
    Seed,
    /// Create an admin, or set the password of an existing one. The password comes from
    /// TROLLEY_ADMIN_PASSWORD, or else a prompt that does not echo.
    CreateAdmin {
        /// The admin's username (case-insensitive).
        username: String,
    },
}

impl Cli {
    pub fn run(self, settings: Settings) -> anyhow::Result<()> {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings),
            Command::Migrate => {
                let db = Db::new(&settings.database_url, 1);
                let applied = db.migrate()?;
                println!("applied {applied} migrations");
                Ok(())
            }
            Command::ClearSessions => {
                let db = migrated(&settings)?;
                let cleared = actix_web::rt::System::new().block_on(clear_expired(
                    &db,
                    CLEAR_BATCH,
                    CLEAR_PAUSE,
                ))?;
                println!(
                    "deleted {} expired sessions ({} baskets)",
                    cleared.sessions, cleared.baskets
                );
                Ok(())
            }
            Command::CreateAdmin { username } => {
                let password = match &settings.admin_password {
                    Some(password) => password.0.clone(),
                    None => prompt_password()?,
                };
                let db = migrated(&settings)?;
                let change = auth::create_admin(&db, &username, &password, true)?;
                let username = auth::normalize_username(&username);
                match change {
                    AdminChange::Created => println!("created the admin {username}"),
                    _ => println!("set a new password for the admin {username}"),
                }
                Ok(())
            }
            Command::Seed => {
                let db = migrated(&settings)?;
                let added = crate::seed::load_demo_catalogue(&db)?;
                println!("added {added} products");
                Ok(())
            }
        }
    }
}

fn prompt_password() -> anyhow::Result<String> {
    let password = rpassword::prompt_password("Password: ").context("cannot read the password")?;
    let again =
        rpassword::prompt_password("Password again: ").context("cannot read the password")?;
    if password != again {
        anyhow::bail!("the two passwords differ");
    }
    Ok(password)
}

fn migrated(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::new(&settings.database_url, 2);
    db.migrate()
        .context("DATABASE_URL: cannot prepare the database")?;
    Ok(db)
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let backend = settings.database_url.backend_name();
        let application = Application::build(settings)?;
        log::info!(
            "Trolley is serving on port {} ({backend})",
            application.port()
        );
        application.run_until_stopped().await?;
        log::info!("Trolley has stopped");
        Ok(())
    })
}
