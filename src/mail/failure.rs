//! Why an email was not sent, in words a shop owner understands. The outbox keeps the
//! sender's last error as the mail library (or the SMTP server) put it, such as
//! `Connection error: Connection refused (os error 111)`; [`explain`] sorts it into one of
//! a few causes, each with a sentence saying what happened and what to do. The pages show
//! that first and the stored error beside it, for whoever fixes the mail server.

use serde::Serialize;

/// What stopped an email, as far as the stored error tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    ConnectionRefused,
    HostNotFound,
    TimedOut,
    Tls,
    LoginRefused,
    RecipientRefused,
    MessageRejected,
    Other,
}

/// A failure explained: what happened, what to do, and the stored error itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explained {
    pub cause: Cause,
    pub what: &'static str,
    pub advice: &'static str,
    pub detail: String,
}

impl Cause {
    fn what(self) -> &'static str {
        match self {
            Self::ConnectionRefused => {
                "The shop could not reach its mail server: nothing answered at its address."
            }
            Self::HostNotFound => {
                "The shop could not find its mail server: the server's name is unknown."
            }
            Self::TimedOut => "The mail server did not answer in time.",
            Self::Tls => "The secure connection to the mail server failed.",
            Self::LoginRefused => "The mail server refused the shop's user name or password.",
            Self::RecipientRefused => "The mail server refused the customer's email address.",
            Self::MessageRejected => "The mail server turned the email away.",
            Self::Other => "The email could not be sent.",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            Self::ConnectionRefused => "Check TROLLEY_SMTP_URL and that the mail server is running.",
            Self::HostNotFound => "Check the server's name in TROLLEY_SMTP_URL for a typo, and that this machine can look names up.",
            Self::TimedOut => "Check that the mail server is running and not overloaded, and that no firewall holds the connection.",
            Self::Tls => "Check whether TROLLEY_SMTP_URL should start with smtps:// or smtp://, and the server's certificate.",
            Self::LoginRefused => "Check the user name and password in TROLLEY_SMTP_URL with your mail provider.",
            Self::RecipientRefused => "Check the address on the order for a typo; if it is right, ask the customer for another one.",
            Self::MessageRejected => "The technical detail gives the server's reason; your mail provider can explain it.",
            Self::Other => "The technical detail says what went wrong.",
        }
    }
}

/// The stored error `detail`, explained.
pub fn explain(detail: &str) -> Explained {
    let cause = cause_of(detail);
    Explained {
        cause,
        what: cause.what(),
        advice: cause.advice(),
        detail: detail.to_owned(),
    }
}

/// Sorts an error by the words the mail library and the operating system use, then by
/// the SMTP reply code (RFC 5321: 530/534/535 authentication, 550/551/553 mailbox, any
/// other 4xx or 5xx a refusal of the message).
fn cause_of(detail: &str) -> Cause {
    let text = detail.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|word| text.contains(word));
    if has(&["connection refused", "os error 111", "os error 61"]) {
        return Cause::ConnectionRefused;
    }
    if has(&[
        "failed to lookup address",
        "name or service not known",
        "no address associated",
        "nodename nor servname",
        "temporary failure in name resolution",
    ]) {
        return Cause::HostNotFound;
    }
    if has(&["tls error", "certificate", "handshake", "ssl"]) {
        return Cause::Tls;
    }
    if has(&["timed out", "timeout", "os error 110"]) {
        return Cause::TimedOut;
    }
    if has(&["authentication", "no compatible authentication mechanism"]) {
        return Cause::LoginRefused;
    }
    if has(&["customer's address is not one"]) {
        return Cause::RecipientRefused;
    }
    match reply_code(&text) {
        Some(530 | 534 | 535 | 538) => Cause::LoginRefused,
        Some(550 | 551 | 553) => Cause::RecipientRefused,
        Some(400..=599) => Cause::MessageRejected,
        _ => Cause::Other,
    }
}

/// The SMTP reply code of a refusal as the mail library writes it: `permanent error (550)`
/// or `transient error (451)`.
fn reply_code(text: &str) -> Option<u16> {
    let rest = ["permanent error (", "transient error ("]
        .iter()
        .find_map(|prefix| text.split_once(prefix).map(|(_, rest)| rest))?;
    rest.get(..3)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_the_mail_library_writes_are_sorted_by_cause() {
        let cases = [
            (
                "Connection error: Connection refused (os error 111)",
                Cause::ConnectionRefused,
            ),
            (
                "Connection error: failed to lookup address information: Name or service not known",
                Cause::HostNotFound,
            ),
            (
                "Timed out: the SMTP server did not finish the delivery within 60 s",
                Cause::TimedOut,
            ),
            (
                "Connection error: Connection timed out (os error 110)",
                Cause::TimedOut,
            ),
            (
                "tls error: invalid peer certificate: UnknownIssuer",
                Cause::Tls,
            ),
            (
                "permanent error (535): 5.7.8 Authentication credentials invalid",
                Cause::LoginRefused,
            ),
            (
                "permanent error (550): No such mailbox here",
                Cause::RecipientRefused,
            ),
            (
                "permanent error (554): 5.7.1 Message rejected as spam",
                Cause::MessageRejected,
            ),
            (
                "transient error (451): Try again later",
                Cause::MessageRejected,
            ),
            (
                "the customer's address is not one the mail library can send to",
                Cause::RecipientRefused,
            ),
            ("the order no longer exists", Cause::Other),
            ("", Cause::Other),
        ];
        for (detail, cause) in cases {
            assert_eq!(explain(detail).cause, cause, "{detail:?}");
        }
    }

    #[test]
    fn an_explanation_says_what_to_do_and_keeps_the_detail() {
        let explained = explain("Connection error: Connection refused (os error 111)");
        assert_eq!(
            explained.what,
            "The shop could not reach its mail server: nothing answered at its address."
        );
        assert!(explained.advice.contains("TROLLEY_SMTP_URL"));
        assert_eq!(
            explained.detail,
            "Connection error: Connection refused (os error 111)"
        );
    }
}
