//! Log lines name the request they were written for, the database layer's (written on a
//! blocking thread) included, in env_logger's text lines and in JSON lines alike. These
//! run the `trolley` binary, whose log goes to its standard error.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use trolley::config::DatabaseUrl;

use super::super::emails::free_port;
use crate::common::{Browser, TestDatabase};

/// A `trolley serve` on the test's database, logging SQL statements too.
struct Serving {
    child: Child,
    address: String,
    log: tempfile::NamedTempFile,
    _database: TestDatabase,
}

impl Serving {
    async fn start(log_format: &str) -> Self {
        let database = TestDatabase::new();
        let url = match &database.url {
            DatabaseUrl::Postgres(url) => url.clone(),
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
        };
        let port = free_port();
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let mut command = Command::new(env!("CARGO_BIN_EXE_trolley"));
        for (name, _) in std::env::vars() {
            if name.starts_with("TROLLEY_") || name == "DATABASE_URL" || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        let child = command
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("TROLLEY_ADDR", format!("127.0.0.1:{port}"))
            .env("TROLLEY_DEMO_DATA", "false")
            .env("TROLLEY_LOG_FORMAT", log_format)
            .env("RUST_LOG", "info,trolley::sql=trace")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().expect("the log file"))
            .spawn()
            .expect("start trolley");
        let serving = Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
            log,
            _database: database,
        };
        let started = Instant::now();
        while Browser::new(&serving.address)
            .try_get("/healthz")
            .await
            .map(|page| page.status)
            != Ok(StatusCode::OK)
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "trolley did not start"
            );
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        serving
    }

    /// Stops the process and returns everything it logged.
    fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::fs::read_to_string(self.log.path()).expect("the log")
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[actix_web::test]
async fn json_lines_name_the_request_from_the_access_log_to_the_database_layer() {
    let mut serving = Serving::start("json").await;
    let shopper = Browser::new(&serving.address);
    let page = shopper
        .get_with("/", &[("x-request-id", "follow-me-1")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let other = shopper.get("/basket").await;
    let other_id = other.header("x-request-id").expect("an id").to_owned();
    let log = serving.stop();

    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let of = |id: &str| -> Vec<&serde_json::Value> {
        lines
            .iter()
            .filter(|line| line["request_id"] == id)
            .collect()
    };
    let mine = of("follow-me-1");
    let access = mine
        .iter()
        .find(|line| line["target"] == "trolley::web::access_log");
    let access = access.expect("the access log line names the request");
    assert!(access["message"]
        .as_str()
        .is_some_and(|m| m.contains("\"GET / HTTP/1.1\" 200")));
    assert!(
        mine.iter().any(|line| line["target"] == "trolley::sql"),
        "the database layer's lines name the request: {log}"
    );
    for line in of(&other_id) {
        assert!(!line["message"]
            .as_str()
            .unwrap_or_default()
            .contains("GET / HTTP"));
    }
    assert!(!of(&other_id).is_empty());
    for line in &lines {
        for field in ["time", "level", "target", "message"] {
            assert!(line.get(field).is_some(), "{field} in {line}");
        }
    }
}

#[actix_web::test]
async fn text_lines_are_env_logger_s_with_the_request_id_at_the_end() {
    let mut serving = Serving::start("text").await;
    let shopper = Browser::new(&serving.address);
    // The health check writes to the database: its statement is logged on a blocking thread.
    shopper
        .get_with("/healthz", &[("x-request-id", "follow-me-2")])
        .await;
    let log = serving.stop();

    let mine: Vec<&str> = log
        .lines()
        .filter(|line| line.ends_with(" request_id=follow-me-2"))
        .collect();
    assert!(
        mine.iter().any(|line| line
            .contains("trolley::web::access_log] 127.0.0.1 \"GET /healthz HTTP/1.1\" 200 ")),
        "{log}"
    );
    assert!(
        mine.iter().any(|line| line.contains(" trolley::sql] ")),
        "{log}"
    );
    assert!(mine.iter().all(|line| line.starts_with('[')), "{log}");
}
