//! Stripe, as Trolley will talk to it: its API ([`client`], with timeouts and retries
//! under one idempotency key, over [`tls`]) and the check of a webhook's signature
//! ([`signature`]), made exactly as Stripe documents it.

pub mod client;
pub mod signature;
mod tls;

pub use client::{StripeClient, StripeError};

pub use signature::{verify, SignatureError, TOLERANCE_SECS};
