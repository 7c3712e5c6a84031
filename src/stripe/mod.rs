//! Stripe, as Trolley talks to it: its API ([`client`], with timeouts and retries under
//! one idempotency key, over [`tls`]), an order's Checkout Session and refund
//! ([`checkout`]), and the check of a webhook's signature ([`signature`]), made exactly as
//! Stripe documents it.

mod answer;
pub mod checkout;
pub mod client;
pub mod signature;
mod tls;

pub use answer::reference_of;
pub use checkout::{PayError, PayStep, Stripe};
pub use client::{StripeClient, StripeError};

pub use signature::{verify, SignatureError, TOLERANCE_SECS};
