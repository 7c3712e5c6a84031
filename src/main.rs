use std::process::ExitCode;

use clap::Parser;
use trolley::cli::Cli;
use trolley::config::Settings;

fn main() -> ExitCode {
    // A missing .env file is the normal case.
    let _ = dotenvy::dotenv();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    let result = Settings::from_env()
        .map_err(anyhow::Error::from)
        .and_then(|settings| cli.run(settings));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("trolley: {error:#}");
            ExitCode::FAILURE
        }
    }
}
