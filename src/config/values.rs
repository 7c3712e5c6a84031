//! Configuration values with rules of their own: the database URL, and the secrets that
//! are never printed.

use std::fmt;

use base64::Engine;

use super::ConfigError;

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
