//! Real processes for the deployment tests: PostgreSQL clusters, `trolley` instances and
//! nginx, each stopped when dropped.

#![allow(dead_code)]

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn pg_binary(name: &str) -> PathBuf {
    let on_path = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .ok()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|path| !path.is_empty());
    if let Some(path) = on_path {
        return PathBuf::from(path);
    }
    let mut found: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin").join(name))
        .filter(|path| path.exists())
        .collect();
    found.sort();
    found
        .pop()
        .unwrap_or_else(|| panic!("{name} not found: install postgresql"))
}

/// The URL of the PostgreSQL server the suite runs on; these tests need one.
pub fn shared_postgres() -> String {
    match std::env::var("TROLLEY_TEST_DATABASE") {
        Ok(url) if url.starts_with("postgres") => url,
        _ => panic!("the deployment tests run on PostgreSQL: use scripts/test"),
    }
}

/// A new, empty database on the shared server.
pub fn fresh_database() -> String {
    let url = shared_postgres();
    let name = format!("trolley_deploy_{}", uuid::Uuid::new_v4().simple());
    let mut admin = diesel::PgConnection::establish(&url).expect("connect");
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .expect("create database");
    let base = url.rsplit_once('/').map_or(url.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// A PostgreSQL server of the test's own, which the test may stop and start.
pub struct PgCluster {
    dir: tempfile::TempDir,
    pub port: u16,
    as_postgres: bool,
}

impl PgCluster {
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("trolley-pg-")
            .tempdir()
            .expect("temporary directory");
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:", &dir.path().to_string_lossy()])
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let cluster = Self {
            port: free_port(),
            dir,
            as_postgres,
        };
        let data = cluster.data_dir();
        cluster.run(
            &pg_binary("initdb"),
            &[
                "-D",
                &data,
                "-U",
                "trolley",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        cluster.start_again();
        cluster
    }

    fn data_dir(&self) -> String {
        self.dir.path().join("data").to_string_lossy().into_owned()
    }

    fn run(&self, program: &Path, args: &[&str]) {
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(program);
            command
        } else {
            Command::new(program)
        };
        let output = command.args(args).output().expect("run a PostgreSQL tool");
        assert!(
            output.status.success(),
            "{} {args:?}: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://trolley@127.0.0.1:{}/postgres", self.port)
    }

    pub fn stop(&self) {
        self.run(
            &pg_binary("pg_ctl"),
            &["-D", &self.data_dir(), "-m", "fast", "-w", "stop"],
        );
    }

    pub fn start_again(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("postgres.log");
        self.run(
            &pg_binary("pg_ctl"),
            &[
                "-D",
                &self.data_dir(),
                "-l",
                &log.to_string_lossy(),
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
        );
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let pg_ctl = pg_binary("pg_ctl");
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            command
        } else {
            Command::new(&pg_ctl)
        };
        let _ = command
            .args(["-D", &data, "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The secret both instances share, as operators set TROLLEY_SECRET_KEY.
pub const SHARED_KEY: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

/// A `trolley serve` process.
pub struct Instance {
    child: Child,
    pub port: u16,
    pub address: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Instance {
    /// Starts an instance and waits until it answers /healthz.
    pub fn start(database_url: &str, secret_key: Option<&str>) -> Self {
        let instance = Self::spawn(database_url, secret_key);
        instance.wait_healthy(Duration::from_secs(60));
        instance
    }

    /// Starts an instance with more variables set, and waits until it answers /healthz.
    pub fn start_with(database_url: &str, secret_key: Option<&str>, vars: &[(&str, &str)]) -> Self {
        let instance = Self::spawn_with(database_url, secret_key, vars);
        instance.wait_healthy(Duration::from_secs(60));
        instance
    }

    /// Starts an instance without waiting for it.
    pub fn spawn(database_url: &str, secret_key: Option<&str>) -> Self {
        Self::spawn_with(database_url, secret_key, &[])
    }

    fn spawn_with(database_url: &str, secret_key: Option<&str>, vars: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let log = dir.path().join("trolley.log");
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_trolley"));
        for (name, _) in std::env::vars() {
            if name.starts_with("TROLLEY_") || name == "DATABASE_URL" {
                command.env_remove(name);
            }
        }
        command
            .arg("serve")
            .current_dir(dir.path())
            .env("DATABASE_URL", database_url)
            .env("TROLLEY_ADDR", format!("127.0.0.1:{port}"))
            .env(
                "TROLLEY_STATIC_DIR",
                concat!(env!("CARGO_MANIFEST_DIR"), "/static"),
            )
            .env("TROLLEY_DB_POOL_SIZE", "8")
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(fs::File::create(dir.path().join("stdout.log")).expect("log file"))
            .stderr(fs::File::create(&log).expect("log file"));
        if let Some(key) = secret_key {
            command.env("TROLLEY_SECRET_KEY", key);
        }
        command.envs(vars.iter().copied());
        let child = command.spawn().expect("start trolley");
        Self {
            child,
            port,
            address: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        }
    }

    pub fn wait_healthy(&self, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            if http_status(self.port, "/healthz") == Some(200) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "instance on {} did not become healthy:\n{}",
            self.port,
            self.log()
        );
    }

    pub fn log(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as an orchestrator stopping the container does.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to exit; returns whether it exited cleanly.
    pub fn wait_exit(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("instance on {} did not exit after SIGTERM", self.port);
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A bare HTTP/1.0 GET, for readiness checks from a plain thread.
pub fn http_status(port: u16, path: &str) -> Option<u16> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

/// nginx with the repository's proxy rules in front of two instances.
pub struct Nginx {
    child: Child,
    pub port: u16,
    pub address: String,
    dir: tempfile::TempDir,
}

pub fn nginx_binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|path| path.exists())
}

impl Nginx {
    pub fn start(binary: &Path, upstreams: [u16; 2]) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let port = free_port();
        let repo = env!("CARGO_MANIFEST_DIR");
        let template = fs::read_to_string(format!("{repo}/deploy/nginx-test.conf.template"))
            .expect("the nginx test template");
        let prefix = dir.path().to_string_lossy().into_owned();
        let config = template
            .replace("@PREFIX@", &prefix)
            .replace("@PORT@", &port.to_string())
            .replace("@UPSTREAM1@", &format!("127.0.0.1:{}", upstreams[0]))
            .replace("@UPSTREAM2@", &format!("127.0.0.1:{}", upstreams[1]))
            .replace("@PROXY_CONF@", &format!("{repo}/deploy/trolley-proxy.conf"));
        let conf = dir.path().join("nginx.conf");
        fs::write(&conf, config).expect("write the nginx config");
        let child = Command::new(binary)
            .args([
                "-p",
                &prefix,
                "-c",
                &conf.to_string_lossy(),
                "-e",
                &format!("{prefix}/error.log"),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let nginx = Self {
            child,
            port,
            address: format!("http://127.0.0.1:{port}"),
            dir,
        };
        let start = Instant::now();
        while http_status(port, "/healthz") != Some(200) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "nginx did not come up: {}",
                nginx.error_log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        nginx
    }

    pub fn error_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }

    pub fn access_log(&self) -> String {
        fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-QUIT", &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Counts rows on a database by URL.
pub fn count(url: &str, sql: &str) -> i64 {
    #[derive(diesel::QueryableByName)]
    struct Scalar {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = diesel::PgConnection::establish(url).expect("connect");
    diesel::sql_query(sql)
        .get_result::<Scalar>(&mut conn)
        .expect(sql)
        .n
}
