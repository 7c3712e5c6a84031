//! Trolley as operators run it: several `trolley` processes on one PostgreSQL, behind the
//! repository's nginx rules, and what happens when PostgreSQL stops or an instance is
//! told to stop. Runs on PostgreSQL only (`scripts/test` runs it in the PostgreSQL pass).

#[path = "../api/helpers.rs"]
mod helpers;
mod processes;

mod faults;
mod parallel_logins;
mod topology;
