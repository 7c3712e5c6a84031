//! Order emails: composing one from its outbox row ([`compose`]). The background sender
//! that delivers the outbox over SMTP on every instance is a job (`jobs::mail_sender`).

pub mod compose;

pub use compose::{compose, ComposeError};
