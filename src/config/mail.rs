//! The order emails' settings: where they are sent from and through, the shop's public
//! address for the links in them, and how the sender paces itself.

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;

use super::ConfigError;

#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `None`: emails are queued and listed for admins, never sent.
    pub smtp_url: Option<SmtpUrl>,
    pub from: Mailbox,
    /// The address shoppers reach the shop at, without a trailing slash (`None`: the
    /// listening address, see [`MailSettings::receipt_base`]).
    pub public_url: Option<String>,
    pub sender: SenderTuning,
}

/// How the background sender paces itself (not configurable from the environment; tests
/// shorten it).
#[derive(Debug, Clone)]
pub struct SenderTuning {
    /// How often each instance looks for due emails.
    pub poll_interval: Duration,
    /// The wait after the first failed attempt, doubled after each further one…
    pub backoff_base: Duration,
    /// …up to this.
    pub backoff_max: Duration,
    /// After this many failed attempts an email is marked failed.
    pub max_attempts: i32,
    /// How long connecting to the SMTP server may take.
    pub smtp_timeout: Duration,
    /// How long one whole delivery may take, from connecting to the server's last answer:
    /// a server that accepts the connection and then says nothing is given up on after
    /// this, and the attempt counts as failed.
    pub send_timeout: Duration,
    /// How long a claimed email is left to its sender (well over `send_timeout`) before
    /// another sender may take it: the resend delay after a crash mid-send.
    pub lease: Duration,
}

impl Default for SenderTuning {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(2),
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            max_attempts: 8,
            smtp_timeout: Duration::from_secs(30),
            send_timeout: Duration::from_secs(60),
            lease: Duration::from_secs(300),
        }
    }
}

impl SenderTuning {
    /// The wait before the next attempt after `attempts` failed ones: exponential, capped.
    pub fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.backoff_base
            .saturating_mul(1 << doublings)
            .min(self.backoff_max)
    }
}

impl MailSettings {
    pub const DEFAULT_FROM: &'static str = "Trolley <shop@localhost>";

    pub fn parse(
        smtp_url: Option<String>,
        from: Option<String>,
        public_url: Option<String>,
    ) -> Result<Self, ConfigError> {
        let smtp_url = smtp_url.map(|url| SmtpUrl::parse(&url)).transpose()?;
        let from = from
            .as_deref()
            .unwrap_or(Self::DEFAULT_FROM)
            .trim()
            .parse::<Mailbox>()
            .map_err(|_| {
                ConfigError::new(
                    "TROLLEY_MAIL_FROM",
                    "expected an address, e.g. Trolley <shop@example.com>",
                )
            })?;
        let public_url = public_url
            .map(|url| {
                let url = url.trim().trim_end_matches('/');
                let valid = (url.starts_with("http://") || url.starts_with("https://"))
                    && !url.contains(char::is_whitespace);
                valid.then(|| url.to_owned()).ok_or_else(|| {
                    ConfigError::new(
                        "TROLLEY_PUBLIC_URL",
                        "expected http:// or https://, e.g. https://shop.example",
                    )
                })
            })
            .transpose()?;
        Ok(Self {
            smtp_url,
            from,
            public_url,
            sender: SenderTuning::default(),
        })
    }

    /// What receipt links in emails start with: `TROLLEY_PUBLIC_URL`, or else the
    /// listening address (an unspecified host becomes `localhost`), which only works for
    /// a shopper on the same machine.
    pub fn receipt_base(&self, addr: &str) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let (host, port) = addr.rsplit_once(':').unwrap_or((addr, "80"));
        let host = match host {
            "0.0.0.0" | "[::]" | "" => "localhost",
            host => host,
        };
        format!("http://{host}:{port}")
    }

    /// The domain of the From address: the right-hand side of every Message-ID.
    pub fn message_id_domain(&self) -> &str {
        self.from.email.domain()
    }
}

/// `TROLLEY_SMTP_URL`: `smtp://host:port`, `smtp://host?tls=required`, or
/// `smtps://user:pass@host`. It may carry a password, so it is never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        let url = url.trim();
        type Transport = lettre::AsyncSmtpTransport<lettre::Tokio1Executor>;
        Transport::from_url(url).map_err(|error| {
            ConfigError::new(
                "TROLLEY_SMTP_URL",
                format!(
                    "expected smtp://HOST:PORT or smtps://USER:PASSWORD@HOST ({})",
                    error.to_string().replace(url, "…")
                ),
            )
        })?;
        Ok(Self(url.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = self.0.rsplit('@').next().unwrap_or_default();
        let host = host.rsplit("//").next().unwrap_or_default();
        write!(f, "SmtpUrl(…{host})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let tuning = SenderTuning {
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(100),
            ..SenderTuning::default()
        };
        assert_eq!(tuning.backoff(1), Duration::from_secs(30));
        assert_eq!(tuning.backoff(2), Duration::from_secs(60));
        assert_eq!(tuning.backoff(3), Duration::from_secs(100));
        assert_eq!(tuning.backoff(500), Duration::from_secs(100));
    }

    #[test]
    fn smtp_password_is_not_printed() {
        let url = SmtpUrl::parse("smtps://shop:hunter2@mail.example").expect("valid");
        let printed = format!("{url:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("mail.example"), "{printed}");
    }

    #[test]
    fn receipt_links_fall_back_to_the_listening_address() {
        let mail = MailSettings::parse(None, None, None).expect("defaults");
        assert_eq!(mail.receipt_base("0.0.0.0:8080"), "http://localhost:8080");
        assert_eq!(mail.message_id_domain(), "localhost");
        let mail =
            MailSettings::parse(None, None, Some("https://shop.example/".into())).expect("valid");
        assert_eq!(mail.receipt_base("0.0.0.0:8080"), "https://shop.example");
    }
}
