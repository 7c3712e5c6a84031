//! Emails: an order email composed from its outbox row and its order ([`compose`]), a
//! password reset email from its row ([`reset`]); why one was not sent, in plain words
//! ([`failure`]). The background sender that delivers the outbox over SMTP on every
//! instance is a job (`jobs::mail_sender`).

pub mod compose;
pub mod failure;
pub mod reset;

pub use compose::{compose, ComposeError};
pub use reset::compose_reset;
