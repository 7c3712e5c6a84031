//! Trolley: a shop whose shoppers' state lives in server-side sessions in the database.

pub mod auth;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod errors;
pub mod flash;
pub mod forms;
pub mod routes;
pub mod security;
pub mod seed;
pub mod session;
pub mod session_store;
pub mod startup;
pub mod templates;
