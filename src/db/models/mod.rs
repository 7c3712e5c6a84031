//! Repositories: plain synchronous functions on `&mut DbConnection`, one module per aggregate.

pub mod admin;
pub mod basket;
pub mod basket_stats;
pub mod order;
pub mod outbox;
pub mod product;
pub mod product_admin;
pub mod secret;
pub mod session;

/// Now, as Unix seconds: how expiry is stored.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}
