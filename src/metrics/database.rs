//! The database pool and its circuit breaker, read from [`Db`] at each scrape (a few
//! atomic loads and r2d2's state under its lock; no statement).

use std::fmt;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};

use super::put;
use crate::db::Db;

pub(super) fn register(registry: &mut Registry, db: &Db) {
    registry.register_collector(Box::new(Database(db.clone())));
}

struct Database(Db);

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Database")
    }
}

impl Collector for Database {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), fmt::Error> {
        let status = self.0.status();
        let gauge = |value: u32| ConstGauge::new(i64::from(value));
        let size = "The most connections the pool opens (TROLLEY_DB_POOL_SIZE).";
        put(
            &mut encoder,
            "trolley_db_pool_size",
            size,
            None,
            &gauge(status.size),
        )?;
        let idle = gauge(status.open.saturating_sub(status.in_use));
        let mut connections = encoder.encode_descriptor(
            "trolley_db_pool_connections",
            "Connections open now, by state: lent out to a request (in_use) or idle.",
            None,
            idle.metric_type(),
        )?;
        gauge(status.in_use).encode(connections.encode_family(&[("state", "in_use")])?)?;
        idle.encode(connections.encode_family(&[("state", "idle")])?)?;
        let waits = "Database work that found every connection taken and waited for one.";
        let count = ConstCounter::new(status.waits.count);
        put(&mut encoder, "trolley_db_pool_waits", waits, None, &count)?;
        let waited = ConstCounter::new(status.waits.total.as_secs_f64());
        let help = "The time those waits took, in all.";
        put(
            &mut encoder,
            "trolley_db_pool_wait",
            help,
            Some(&Unit::Seconds),
            &waited,
        )?;
        let open = ConstGauge::new(i64::from(!status.available));
        let help = "1 while the database is known to be down: requests are answered 503 at once.";
        put(&mut encoder, "trolley_db_circuit_open", help, None, &open)?;
        let help = "How often the database was found gone (the circuit breaker opened).";
        let opened = ConstCounter::new(status.outages);
        put(
            &mut encoder,
            "trolley_db_circuit_opened",
            help,
            None,
            &opened,
        )?;
        let help = "Statements sent to the database by the pool's connections.";
        let statements = ConstCounter::new(self.0.statements().get());
        put(
            &mut encoder,
            "trolley_db_statements",
            help,
            None,
            &statements,
        )
    }
}
