//! Configuration values with rules of their own: the database URL and its pool's size,
//! and the secrets that are never printed.

use std::fmt;

use base64::Engine;

use super::ConfigError;
use crate::domain::Country;

/// Which database Trolley talks to, chosen from the scheme of `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    /// A path to the SQLite file.
    Sqlite(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let bad = |why: &str| ConfigError::new("DATABASE_URL", why);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            check_postgres_url(url).map_err(bad)?;
            Ok(Self::Postgres(url.to_owned()))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() || path == ":memory:" {
                return Err(bad("sqlite:// needs a file path, e.g. sqlite://trolley.db"));
            }
            Ok(Self::Sqlite(path.to_owned()))
        } else {
            Err(bad(
                "expected postgres://…, postgresql://… or sqlite://PATH",
            ))
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Postgres(_) => "PostgreSQL",
            Self::Sqlite(_) => "SQLite",
        }
    }
}

/// Refuses, before any library sees it, what libpq would refuse in an error message that
/// quotes the offending part of the URL, password included. The reason never quotes the
/// URL.
fn check_postgres_url(url: &str) -> Result<(), &'static str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("has a space or a control character: percent-encode it (a space is %20)");
    }
    let bytes = url.as_bytes();
    for (at, _) in url.match_indices('%') {
        let escape = bytes.get(at + 1..at + 3);
        if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
            return Err("has a % that does not start a %XX escape (write % itself as %25)");
        }
        if escape == Some(b"00") {
            return Err("has %00, which PostgreSQL refuses");
        }
    }
    Ok(())
}

impl fmt::Debug for DatabaseUrl {
    // A PostgreSQL URL may carry a password: show the backend and the host part only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Postgres(url) => {
                let host = url.rsplit('@').next().unwrap_or_default();
                write!(f, "Postgres(…@{host})")
            }
            Self::Sqlite(path) => write!(f, "Sqlite({path:?})"),
        }
    }
}

/// Database connections per instance unless `TROLLEY_DB_POOL_SIZE` says otherwise: twice
/// the cores, plus two. Each connection's work keeps a thread and a database process
/// runnable; more than the cores can run only queue up and lengthen the tail. Measured on
/// two cores with PostgreSQL on the same machine (wrk, 32 connections, GET /basket with a
/// session): 4 connections p99 5.9 ms, 6 → 7.8 ms, 10 → 12.3 ms, 16 → 132 ms with stalls
/// of 0.4 s; adds ran fastest with 6 (6,010/s against 5,396/s with 4 and 5,943/s with 10).
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    u32::try_from(cores).map_or(500, |cores| {
        cores.saturating_mul(2).saturating_add(2).min(500)
    })
}

/// The key that signs cookies. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Vec<u8>);

impl SecretKey {
    pub const LEN: usize = 64;

    /// Accepts 64 bytes (or more) written as hex or base64.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let text = text.trim();
        let bytes = hex::decode(text)
            .ok()
            .or_else(|| base64::engine::general_purpose::STANDARD.decode(text).ok())
            .or_else(|| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(text)
                    .ok()
            })
            .ok_or_else(|| {
                ConfigError::new("TROLLEY_SECRET_KEY", "expected 64 bytes as hex or base64")
            })?;
        Self::from_bytes(bytes).ok_or_else(|| {
            ConfigError::new(
                "TROLLEY_SECRET_KEY",
                "too short: 64 bytes (128 hex digits) are needed",
            )
        })
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() >= Self::LEN).then_some(Self(bytes))
    }

    pub fn generate() -> Self {
        use rand::RngCore;
        let mut bytes = vec![0; Self::LEN];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// A password from the environment. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// `TROLLEY_TIMEZONE`: an IANA zone name; Europe/London when unset.
pub(super) fn parse_timezone(value: Option<String>) -> Result<chrono_tz::Tz, ConfigError> {
    let Some(name) = value else {
        return Ok(chrono_tz::Europe::London);
    };
    name.trim().parse().map_err(|_| {
        ConfigError::new(
            "TROLLEY_TIMEZONE",
            "expected a time zone name such as Europe/London or UTC",
        )
    })
}

/// `TROLLEY_COUNTRY`: an ISO 3166-1 code of a country whose postcodes Trolley knows; GB
/// when unset.
pub(super) fn parse_country(value: Option<String>) -> Result<Country, ConfigError> {
    let Some(code) = value else {
        return Ok(Country::default_country());
    };
    Country::from_code(&code).ok_or_else(|| {
        ConfigError::new(
            "TROLLEY_COUNTRY",
            format!(
                "expected the code of a country Trolley knows the postcodes of: {}",
                Country::known_codes()
            ),
        )
    })
}
