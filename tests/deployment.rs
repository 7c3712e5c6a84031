//! Trolley as operators run it: several `trolley` processes on one PostgreSQL, behind the
//! repository's nginx rules, watched by a real Prometheus, and what happens when
//! PostgreSQL stops or an instance is told to stop. Runs on PostgreSQL only (`scripts/test` runs it in the PostgreSQL pass).

mod common;

/// The tests and the processes they start, in `tests/deployment/`.
mod deployment {
    mod processes;

    mod faults;
    mod monitoring;
    mod outage;
    mod parallel_logins;
    mod topology;
}
