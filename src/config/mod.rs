//! Settings, parsed once from the environment (see the table in README.md), and the
//! values that must never be printed ([`values`]).

mod mail;
mod operations;
mod payments;
mod values;

use std::time::Duration;

use crate::domain::Country;

pub use mail::{MailSettings, SenderTuning, SmtpUrl};
pub use operations::OperationsSettings;
pub use payments::{PaymentSettings, StripeSettings};
pub use values::{default_pool_size, DatabaseUrl, Password, SecretKey};
use values::{parse_country, parse_timezone};

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub addr: String,
    /// `None`: use the key kept in the database, generating it the first time.
    pub secret_key: Option<SecretKey>,
    pub session_ttl: Duration,
    /// An admin session idle longer than this is signed out.
    pub admin_idle_timeout: Duration,
    pub cookie_secure: bool,
    /// With `admin_password`: the admin created at start if it does not exist.
    pub admin_user: Option<String>,
    /// Also the password `trolley create-admin` uses instead of prompting.
    pub admin_password: Option<Password>,
    pub demo_data: bool,
    pub db_pool_size: u32,
    pub static_dir: String,
    /// How old the catalogue's in-memory copy may be (not configurable from the environment).
    pub catalogue_max_age: Duration,
    /// Order emails: `TROLLEY_SMTP_URL`, `TROLLEY_MAIL_FROM`, `TROLLEY_PUBLIC_URL`.
    pub mail: MailSettings,
    /// `TROLLEY_TIMEZONE`: the zone times are shown in (an IANA name).
    pub timezone: chrono_tz::Tz,
    /// `TROLLEY_COUNTRY`: the country the shop delivers in (its postcodes).
    pub country: Country,
    /// `TROLLEY_PAYMENTS` and what goes with it.
    pub payments: PaymentSettings,
    /// `TROLLEY_METRICS_ADDR`, `TROLLEY_LOG_FORMAT`.
    pub operations: OperationsSettings,
}

/// A bad configuration value: names the variable and says what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub reason: String,
}

impl ConfigError {
    pub fn new(variable: &'static str, reason: impl Into<String>) -> Self {
        Self {
            variable,
            reason: reason.into(),
        }
    }
}

impl Settings {
    pub const DEFAULT_SESSION_TTL: u64 = 1_209_600;
    pub const DEFAULT_ADMIN_IDLE_TIMEOUT: u64 = 1_800;

    /// Reads the process environment (after `.env`, if present).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Parses settings from any source of variables, so that tests need not touch the
    /// process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| get(name).filter(|value| !value.trim().is_empty());

        let database_url = DatabaseUrl::parse(
            get("DATABASE_URL")
                .as_deref()
                .unwrap_or("sqlite://trolley.db"),
        )?;
        let addr = get("TROLLEY_ADDR").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        if !addr.contains(':') {
            let expected = "expected HOST:PORT, e.g. 127.0.0.1:8080";
            return Err(ConfigError::new("TROLLEY_ADDR", expected));
        }
        let secret_key = get("TROLLEY_SECRET_KEY")
            .map(|text| SecretKey::parse(&text))
            .transpose()?;
        let seconds = |name: &'static str, default| parse_seconds(name, get(name), default);
        let session_ttl = seconds("TROLLEY_SESSION_TTL", Self::DEFAULT_SESSION_TTL)?;
        let admin_idle_timeout = seconds(
            "TROLLEY_ADMIN_IDLE_TIMEOUT",
            Self::DEFAULT_ADMIN_IDLE_TIMEOUT,
        )?;
        let cookie_secure =
            parse_bool("TROLLEY_COOKIE_SECURE", get("TROLLEY_COOKIE_SECURE"))?.unwrap_or(false);
        let demo_data = parse_bool("TROLLEY_DEMO_DATA", get("TROLLEY_DEMO_DATA"))?.unwrap_or(true);
        let (admin_user, admin_password) =
            admin_credentials(get("TROLLEY_ADMIN_USER"), get("TROLLEY_ADMIN_PASSWORD"))?;
        let db_pool_size = parse_number(
            "TROLLEY_DB_POOL_SIZE",
            get("TROLLEY_DB_POOL_SIZE"),
            default_pool_size(),
            1..=500,
            "expected a number from 1 to 500",
        )?;
        let mail = MailSettings::parse(
            get("TROLLEY_SMTP_URL"),
            get("TROLLEY_MAIL_FROM"),
            get("TROLLEY_PUBLIC_URL"),
        )?;
        Ok(Self {
            operations: OperationsSettings::parse(get, &addr)?,
            database_url,
            addr,
            secret_key,
            session_ttl,
            admin_idle_timeout,
            cookie_secure,
            admin_user,
            admin_password,
            demo_data,
            db_pool_size,
            static_dir: get("TROLLEY_STATIC_DIR").unwrap_or_else(|| "static".to_owned()),
            catalogue_max_age: Duration::from_secs(1),
            mail,
            timezone: parse_timezone(get("TROLLEY_TIMEZONE"))?,
            country: parse_country(get("TROLLEY_COUNTRY"))?,
            payments: PaymentSettings::parse(get)?,
        })
    }
}

/// The admin to create at start: a user needs a password.
fn admin_credentials(
    user: Option<String>,
    password: Option<String>,
) -> Result<(Option<String>, Option<Password>), ConfigError> {
    if user.is_some() && password.is_none() {
        return Err(ConfigError::new(
            "TROLLEY_ADMIN_PASSWORD",
            "must be set when TROLLEY_ADMIN_USER is",
        ));
    }
    Ok((user, password.map(Password)))
}

/// A span of whole seconds, from 1 to ten years, or `default` seconds when unset.
fn parse_seconds(
    variable: &'static str,
    value: Option<String>,
    default: u64,
) -> Result<Duration, ConfigError> {
    parse_number(
        variable,
        value,
        default,
        1..=10 * 366 * 86_400,
        "expected a whole number of seconds from 1 to ten years",
    )
    .map(Duration::from_secs)
}

/// A whole number within `range`, or `default` when the variable is unset.
fn parse_number<T: std::str::FromStr + PartialOrd>(
    variable: &'static str,
    value: Option<String>,
    default: T,
    range: std::ops::RangeInclusive<T>,
    expected: &str,
) -> Result<T, ConfigError> {
    let Some(text) = value else {
        return Ok(default);
    };
    text.trim()
        .parse::<T>()
        .ok()
        .filter(|number| range.contains(number))
        .ok_or_else(|| ConfigError::new(variable, expected))
}

fn parse_bool(variable: &'static str, value: Option<String>) -> Result<Option<bool>, ConfigError> {
    let Some(value) = value else { return Ok(None) };
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(Some(true)),
        "0" | "false" | "no" | "off" => Ok(Some(false)),
        _ => Err(ConfigError::new(variable, "expected true or false")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn defaults_need_no_environment() {
        let settings = settings(&[]).expect("defaults are valid");
        assert_eq!(
            settings.database_url,
            DatabaseUrl::Sqlite("trolley.db".into())
        );
        assert_eq!(settings.addr, "127.0.0.1:8080");
        assert_eq!(settings.session_ttl, Duration::from_secs(1_209_600));
        assert_eq!(settings.admin_idle_timeout, Duration::from_secs(1_800));
        assert!(!settings.cookie_secure);
        assert!(settings.demo_data);
        assert!(settings.secret_key.is_none());
        assert_eq!(settings.timezone, chrono_tz::Europe::London);
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (variable, value) in [
            ("DATABASE_URL", "mysql://x"),
            ("DATABASE_URL", "sqlite://"),
            ("TROLLEY_SECRET_KEY", "abcd"),
            ("TROLLEY_SECRET_KEY", "not hex or base64 !"),
            ("TROLLEY_SESSION_TTL", "0"),
            ("TROLLEY_ADMIN_IDLE_TIMEOUT", "0"),
            ("TROLLEY_ADMIN_IDLE_TIMEOUT", "half an hour"),
            ("TROLLEY_SESSION_TTL", "-5"),
            ("TROLLEY_SESSION_TTL", "soon"),
            ("TROLLEY_COOKIE_SECURE", "maybe"),
            ("TROLLEY_DEMO_DATA", "2"),
            ("TROLLEY_DB_POOL_SIZE", "0"),
            ("TROLLEY_ADDR", "8080"),
            ("TROLLEY_SMTP_URL", "mail.example:25"),
            ("TROLLEY_MAIL_FROM", "not an address"),
            ("TROLLEY_PUBLIC_URL", "shop.example"),
            ("TROLLEY_TIMEZONE", "Mars/Olympus"),
            ("TROLLEY_COUNTRY", "Atlantis"),
            ("TROLLEY_METRICS_ADDR", "9100"),
            ("TROLLEY_LOG_FORMAT", "xml"),
        ] {
            let error = settings(&[(variable, value)]).expect_err(value);
            assert_eq!(error.variable, variable, "{value}");
        }
    }

    #[test]
    fn secret_key_accepts_hex_and_base64_and_is_never_printed() {
        let key = SecretKey::generate();
        let from_hex = SecretKey::parse(&key.to_hex()).expect("hex");
        let b64 = base64::engine::general_purpose::STANDARD.encode(key.as_bytes());
        let from_b64 = SecretKey::parse(&b64).expect("base64");
        assert_eq!(from_hex, key);
        assert_eq!(from_b64, key);
        let settings = settings(&[("TROLLEY_SECRET_KEY", &key.to_hex())]).expect("valid");
        assert!(!format!("{settings:?}").contains(&key.to_hex()));
    }

    #[test]
    fn postgres_password_is_not_printed() {
        let url = DatabaseUrl::parse("postgres://shop:hunter2@db:5432/trolley").expect("valid");
        assert!(!format!("{url:?}").contains("hunter2"));
    }

    #[test]
    fn a_malformed_postgres_url_is_refused_without_quoting_its_password() {
        for url in [
            "postgres://shop:S3cret Pw4@db/trolley",
            "postgres://shop:S3c%zzPw6@db/trolley",
            "postgres://shop:S3cret%@db/trolley",
            "postgres://shop:S3c%00ret@db/trolley",
            "postgresql://shop:S3c\tret@db/trolley",
            "postgres://shop:S3c\u{7f}ret@db/trolley",
        ] {
            let error = settings(&[("DATABASE_URL", url)]).expect_err(url);
            assert_eq!(error.variable, "DATABASE_URL");
            assert!(!error.reason.contains("S3c"), "{}", error.reason);
        }
        let fine = "postgres://shop:S3cret%20Pw%25@db:5432/trolley";
        assert!(settings(&[("DATABASE_URL", fine)]).is_ok());
    }
}
