//! Trolley's integration tests: one binary, every test over real HTTP against a server on
//! port 0 with a database of its own. `TROLLEY_TEST_DATABASE` picks the backend
//! (`sqlite`, the default, or a PostgreSQL URL where each test creates its own database);
//! `scripts/test` runs the suite on both.

mod common;
mod stripe_double;

/// The tests, one file per area, in `tests/api/`.
mod api {
    mod accounts;
    mod admin;
    mod admin_baskets;
    mod admin_experience;
    mod admin_orders;
    mod admin_products;
    mod admin_refusals;
    mod admin_sessions;
    mod basket_version;
    mod budget;
    mod catalogue_copy;
    mod catalogue_pages;
    mod categories;
    mod checkout;
    mod checkout_return;
    mod checkout_trust;
    mod csrf_binding;
    mod emails;
    mod experience;
    mod faults;
    mod flash_and_menu;
    mod http_manners;
    mod login_throttle;
    mod operations;
    mod payments;
    mod pictures;
    mod security;
    mod session_middleware;
    mod session_store;
    mod shop;
    mod stripe_client;
    mod stripe_double;
    mod text_input;
}
