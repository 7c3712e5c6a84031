//! A real Prometheus (Debian's `prometheus`) scraping two instances, with the alert rules
//! Trolley ships (`deploy/prometheus/alerts.yml`, their `for:` waits cut to a second):
//! it finds both instances' series, and an alert fires when its condition is made true:
//! the SMTP server down (failed emails), then PostgreSQL stopped (circuit open).
//!
//! Everything listens on 127.0.0.1 only and is stopped when the test ends. Without the
//! `prometheus` binary the test is skipped, except under CI=true, where that fails.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::Value;

use super::processes::{free_port, http_status, Instance, PgCluster, SHARED_KEY};
use crate::common::{Browser, MUG};

/// How long any one thing may take to show in Prometheus.
const PATIENCE: Duration = Duration::from_secs(60);

fn prometheus_binary() -> Option<PathBuf> {
    let found = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"]
        .iter()
        .map(PathBuf::from)
        .find(|path| path.exists());
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|value| value == "true" || value == "1");
        assert!(!ci, "prometheus is missing (apt-get install prometheus)");
        eprintln!("SKIPPED: prometheus is not installed (apt-get install prometheus)");
    }
    found
}

/// The shipped rules with every `for:` cut to one second.
fn quick_rules() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/prometheus/alerts.yml");
    let rules = fs::read_to_string(path).expect("the shipped alert rules");
    let lines: Vec<String> = rules
        .lines()
        .map(|line| {
            let indent = &line[..line.len() - line.trim_start().len()];
            match line.trim_start().starts_with("for:") {
                true => format!("{indent}for: 1s"),
                false => line.to_owned(),
            }
        })
        .collect();
    lines.join("\n")
}

/// A Prometheus scraping `targets` every second and evaluating the shipped rules every
/// second, stopped when dropped.
struct Prometheus {
    child: Child,
    api: Browser,
    dir: tempfile::TempDir,
}

impl Prometheus {
    fn start(binary: &Path, targets: &[u16]) -> Self {
        let dir = tempfile::tempdir().expect("a directory for Prometheus");
        fs::write(dir.path().join("alerts.yml"), quick_rules()).expect("write the rules");
        let targets: Vec<String> = targets.iter().map(|p| format!("'127.0.0.1:{p}'")).collect();
        let config = format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - alerts.yml\n\
             scrape_configs:\n  - job_name: trolley\n    static_configs:\n      - targets: [{}]\n",
            targets.join(", ")
        );
        let config_file = dir.path().join("prometheus.yml");
        fs::write(&config_file, config).expect("write the config");
        let port = free_port();
        let log = fs::File::create(dir.path().join("prometheus.log")).expect("a log file");
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config_file.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus");
        let prometheus = Self {
            child,
            api: Browser::new(&format!("http://127.0.0.1:{port}")),
            dir,
        };
        let started = Instant::now();
        while http_status(port, "/-/ready") != Some(200) {
            assert!(
                started.elapsed() < PATIENCE,
                "Prometheus: {}",
                prometheus.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prometheus
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("prometheus.log")).unwrap_or_default()
    }

    async fn api(&self, path: &str) -> Value {
        let page = self.api.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        let answer: Value = serde_json::from_str(&page.body).expect("JSON");
        answer["data"].clone()
    }

    /// The instant vector `promql` evaluates to now.
    async fn query(&self, promql: &str) -> Vec<Value> {
        let query = utf8_percent_encode(promql, NON_ALPHANUMERIC);
        let data = self.api(&format!("/api/v1/query?query={query}")).await;
        data["result"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until `promql` has `series` series, each of value `value`.
    async fn wait_for(&self, promql: &str, series: usize, value: &str) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let result = self.query(promql).await;
            if result.len() == series && result.iter().all(|s| s["value"][1] == value) {
                return result;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{promql}: {result:?}\n{}",
                self.log()
            );
            actix_web::rt::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Waits until the alert `name` fires for each of `instances` (at least).
    async fn wait_for_firing(&self, name: &str, instances: &[String]) {
        let started = Instant::now();
        loop {
            let alerts = self.api("/api/v1/alerts").await;
            let mut firing: Vec<&str> = (alerts["alerts"].as_array().into_iter().flatten())
                .filter(|alert| alert["labels"]["alertname"] == name)
                .filter(|alert| alert["state"] == "firing")
                .filter_map(|alert| alert["labels"]["instance"].as_str())
                .collect();
            firing.sort_unstable();
            if instances
                .iter()
                .all(|instance| firing.contains(&instance.as_str()))
            {
                eprintln!("{name} fired for {firing:?}");
                return;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{name} did not fire: {alerts}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn a_real_prometheus_scrapes_two_instances_and_fires_the_shipped_alerts() {
    let Some(binary) = prometheus_binary() else {
        return;
    };
    let cluster = PgCluster::start();
    // Nothing listens there: every attempt to send an email fails.
    let smtp_down = format!("smtp://127.0.0.1:{}", free_port());
    let ports = [free_port(), free_port()];
    let instances = ports.map(|port| {
        let metrics_addr = format!("127.0.0.1:{port}");
        let vars = [
            ("TROLLEY_METRICS_ADDR", metrics_addr.as_str()),
            ("TROLLEY_SMTP_URL", smtp_down.as_str()),
        ];
        Instance::start_with(&cluster.url(), Some(SHARED_KEY), &vars)
    });
    let mut targets: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
    targets.sort_unstable();
    let prometheus = Prometheus::start(&binary, &ports);
    prometheus.wait_for("up{job=\"trolley\"}", 2, "1").await;
    prometheus
        .wait_for("trolley_email_attempts_failed_total", 2, "0")
        .await;

    // A shopper orders through the first instance; its email cannot be sent.
    let shopper = Browser::new(&instances[0].address);
    shopper.add_to_basket(MUG, 1).await;
    let (_, token) = shopper.open_checkout().await;
    let fields = [
        ("name", "Ada Lovelace"),
        ("email", "ada@example.com"),
        ("address", "1 High Street\nLondon\nSW1A 1AA"),
        ("order_token", token.as_str()),
    ];
    let placed = shopper.submit("/checkout", &fields).await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);

    prometheus
        .wait_for("sum(trolley_checkouts_placed_total)", 1, "1")
        .await;
    let checkout = "count by (instance) (http_server_request_duration_seconds_count\
                    {http_route=\"/checkout\",http_request_method=\"POST\"})";
    prometheus.wait_for(checkout, 1, "1").await;
    prometheus.wait_for("trolley_db_pool_size", 2, "8").await;
    // Sampled every 15 s by each instance: the order, needing no payment, on both.
    let payments = "trolley_orders_by_payment_state{state=\"not_required\"}";
    prometheus.wait_for(payments, 2, "1").await;
    prometheus.wait_for("trolley_db_circuit_open", 2, "0").await;
    let senders = failing_instances(&prometheus).await;
    prometheus
        .wait_for_firing("TrolleyEmailDeliveryFailing", &senders)
        .await;

    // PostgreSQL stops: the health checks find it gone and each instance's breaker opens;
    // its metrics are still served.
    cluster.stop();
    for instance in &instances {
        assert_eq!(http_status(instance.port, "/healthz"), Some(503));
    }
    prometheus.wait_for("trolley_db_circuit_open", 2, "1").await;
    prometheus
        .wait_for_firing("TrolleyDatabaseDown", &targets)
        .await;
    prometheus.wait_for("up{job=\"trolley\"}", 2, "1").await;
}

/// The instances whose senders have failed to send (either may have claimed the email).
async fn failing_instances(prometheus: &Prometheus) -> Vec<String> {
    let started = Instant::now();
    loop {
        let result = prometheus
            .query("trolley_email_attempts_failed_total > 0")
            .await;
        let mut instances: Vec<String> = result
            .iter()
            .filter_map(|series| series["metric"]["instance"].as_str().map(str::to_owned))
            .collect();
        if !instances.is_empty() {
            instances.sort_unstable();
            return instances;
        }
        assert!(started.elapsed() < PATIENCE, "no email attempt failed");
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    }
}
