//! Stripe, as Trolley will talk to it: for now the check of a webhook's signature
//! ([`signature`]), made exactly as Stripe documents it.

pub mod signature;

pub use signature::{verify, SignatureError, TOLERANCE_SECS};
