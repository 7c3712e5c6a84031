//! Trolley: a shop whose shoppers' state lives in server-side sessions in the database.
//!
//! Layers, top to bottom; a module imports only from layers below it (checked by
//! `scripts/check-layers`):
//! `cli → startup → routes → session → web → jobs → (auth, session_store,
//! catalogue_copy, seed, templates, mail, metrics, stripe) → pictures → db → (domain, config,
//! idle_worker) → logging`.

pub mod auth;
pub mod catalogue_copy;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod idle_worker;
pub mod jobs;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod pictures;
pub mod routes;
pub mod seed;
pub mod session;
pub mod session_store;
pub mod startup;
pub mod stripe;
pub mod templates;
pub mod web;
