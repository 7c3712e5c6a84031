//! A password reset's outbox row made into a message: the link to choose a new password,
//! from the `emails/reset.*` templates, with a Message-ID derived from the row.

use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::ComposeError;
use crate::config::MailSettings;
use crate::db::models::outbox::OutboxEmail;
use crate::domain::ResetEmail;

/// What a token may hold and still stand in a path segment as it is (RFC 3986's
/// unreserved characters); a token is made of these, but the link must not break if not.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The link that lets the shopper choose a new password with `token`.
pub fn reset_link(base: &str, token: &str) -> String {
    format!(
        "{base}/account/reset/{}",
        utf8_percent_encode(token, UNRESERVED)
    )
}

/// The message for the reset row `row`, its link starting with `base` (the receipt
/// links' base).
pub fn compose_reset(
    templates: &tera::Tera,
    mail: &MailSettings,
    base: &str,
    row: &OutboxEmail,
) -> Result<Message, ComposeError> {
    let token = row.secret.as_deref().ok_or(ComposeError::NoResetLink)?;
    let mut context = tera::Context::new();
    context.insert("subject", &row.subject);
    context.insert("link", &reset_link(base, token));
    let text = templates.render("emails/reset.txt", &context)?;
    let html = templates.render("emails/reset.html", &context)?;
    let address = row.to_address.parse().map_err(|_| ComposeError::Address)?;
    let email = ResetEmail { outbox_id: row.id };
    Ok(Message::builder()
        .from(mail.from.clone())
        .to(Mailbox::new(None, address))
        .subject(row.subject.as_str())
        .message_id(Some(email.message_id(mail.message_id_domain())))
        .multipart(MultiPart::alternative_plain_html(text, html))?)
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::domain::{EmailKind, EmailState};

    fn row(secret: Option<&str>) -> OutboxEmail {
        let now = DateTime::from_timestamp(1_800_000_000, 0)
            .map(|at| at.naive_utc())
            .unwrap_or_default();
        OutboxEmail {
            id: 7,
            order_id: None,
            kind: EmailKind::Reset,
            to_address: "ada@example.com".into(),
            subject: ResetEmail::SUBJECT.into(),
            state: EmailState::Queued,
            attempts: 1,
            last_error: None,
            next_attempt_at: 0,
            created_at: now,
            sent_at: None,
            claimed_at: Some(0),
            account_id: Some(3),
            secret: secret.map(str::to_owned),
            resends: 0,
        }
    }

    fn templates() -> tera::Tera {
        crate::templates::load().expect("the templates")
    }

    #[test]
    fn both_bodies_carry_the_link_and_say_it_works_once() {
        let templates = templates();
        let mut context = tera::Context::new();
        context.insert("subject", ResetEmail::SUBJECT);
        context.insert("link", &reset_link("https://shop.example", "tok-EN_1"));
        for name in ["emails/reset.txt", "emails/reset.html"] {
            let body = templates.render(name, &context).expect("rendered");
            let body = body.replace("&#x2F;", "/");
            assert!(
                body.contains("https://shop.example/account/reset/tok-EN_1"),
                "{name}: {body}"
            );
            assert!(body.contains("The link works once."), "{name}: {body}");
            assert!(body.contains("your password stays as it is"), "{name}");
        }
    }

    #[test]
    fn the_message_goes_to_the_rows_address_with_an_id_derived_from_the_row() {
        let mail = MailSettings::parse(None, None, None).expect("defaults");
        let message = compose_reset(&templates(), &mail, "https://shop.example", &row(Some("t")))
            .expect("a message");
        let headers = String::from_utf8_lossy(&message.formatted()).into_owned();
        assert!(
            headers.contains("Message-ID: <reset-7@localhost>"),
            "{headers}"
        );
        assert!(headers.contains("To: ada@example.com"), "{headers}");
        assert!(
            headers.contains("Subject: Reset your Trolley password"),
            "{headers}"
        );
    }

    #[test]
    fn a_row_whose_token_is_forgotten_makes_no_message() {
        let mail = MailSettings::parse(None, None, None).expect("defaults");
        let made = compose_reset(&templates(), &mail, "https://shop.example", &row(None));
        assert!(matches!(made, Err(ComposeError::NoResetLink)), "{made:?}");
    }

    #[test]
    fn a_token_that_would_break_the_link_is_percent_encoded() {
        assert_eq!(reset_link("", "a b/c?"), "/account/reset/a%20b%2Fc%3F");
        assert_eq!(reset_link("", "Az09-._~"), "/account/reset/Az09-._~");
    }
}
