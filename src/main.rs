use std::process::ExitCode;

use clap::Parser;
use trolley::cli::Cli;
use trolley::config::Settings;
use trolley::logging;

fn main() -> ExitCode {
    // A missing .env file is the normal case.
    let _ = dotenvy::dotenv();
    let settings = Settings::from_env();
    // The log format is a setting; a bad one is reported below, after text logging starts.
    logging::init(settings.as_ref().map_or_else(
        |_| logging::LogFormat::default(),
        |settings| settings.operations.log_format,
    ));
    let cli = Cli::parse();
    let result = settings
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
