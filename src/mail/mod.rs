//! Order emails: composing one from its outbox row ([`compose`]) and the background
//! sender that delivers the outbox over SMTP on every instance ([`sender`]).

pub mod compose;
pub mod sender;

pub use compose::{compose, ComposeError};
pub use sender::{send_due, spawn_sender, Sender};
