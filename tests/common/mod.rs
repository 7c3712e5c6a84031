//! What the integration test binaries share: `spawn_app` and its `TestApp`, a database
//! of each test's own, a cookie-keeping `Browser` that does not follow redirects, and the
//! demo catalogue's products and admin the tests lean on.

// Each test binary uses a part of this.
#![allow(dead_code, unused_imports)]

mod app;
mod browser;

pub use app::{
    app_and_admin, spawn_app, spawn_app_on, spawn_app_with, test_settings, TestApp, TestDatabase,
};
pub use browser::{assert_redirect_to, Browser, Page};

/// The demo catalogue's products the tests lean on (ids in catalogue order).
pub const MUG: i64 = 1; // Enamel Camping Mug, £9.50, 40 in stock
pub const TEAPOT: i64 = 2; // Stoneware Teapot, £32.00, 12 in stock
pub const WATERING_CAN: i64 = 6; // Copper Watering Can, £45.00, 5 in stock
pub const SOLD_OUT: i64 = 14; // Brass Bottle Opener, none in stock

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "correct horse battery";
