//! Order emails and password reset emails through the outbox, delivered to a real SMTP
//! server: Debian's aiosmtpd, run by `tests/smtp_sink.py` on a free port for each test.

mod delivery;
mod events;
mod pages;
mod resend;
mod resets;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use trolley::config::{Settings, SmtpUrl};

/// One message as the SMTP server received it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    pub message_id: String,
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

/// A Python with aiosmtpd, or `None` (outside CI only: under CI=true its absence fails).
fn python_with_aiosmtpd() -> Option<&'static str> {
    let found = ["python3", "/usr/bin/python3"].into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    });
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|value| value == "true" || value == "1");
        assert!(
            !ci,
            "aiosmtpd is missing (apt-get install python3-aiosmtpd): the email tests need it"
        );
        eprintln!("skipped: aiosmtpd is not installed (apt-get install python3-aiosmtpd)");
    }
    found
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// An SMTP server recording what it accepts, stopped when dropped.
pub struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts a server on `port` that accepts everything (or, `refusing`, answers 550).
    /// `None` when aiosmtpd is not installed and this is not CI.
    pub fn start(port: u16, refusing: bool) -> Option<Self> {
        let python = python_with_aiosmtpd()?;
        let dir = tempfile::tempdir().expect("a directory for the messages");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut command = Command::new(python);
        command
            .arg(script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped());
        if refusing {
            command.arg("--refuse");
        }
        let mut child = command.spawn().expect("start the SMTP server");
        let stdout = child.stdout.take().expect("its output");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read its output");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Some(Self { child, dir })
    }

    /// What it has received so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("read the messages")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).expect("read a message");
                serde_json::from_str(&text).expect("a recorded message")
            })
            .collect()
    }

    /// Waits until `count` messages have arrived (or panics after `within`), then a little
    /// longer, so that a duplicate would have time to show.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        while self.received().len() < count {
            assert!(
                Instant::now() < deadline,
                "{} of {count} emails arrived within {within:?}",
                self.received().len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
        actix_web::rt::time::sleep(Duration::from_millis(500)).await;
        self.received()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Settings for a sender on `port`, paced for tests: it polls every 20 ms and backs off
/// from 20 ms to 200 ms.
pub fn send_to(settings: &mut Settings, port: u16, max_attempts: i32) {
    let url = format!("smtp://127.0.0.1:{port}");
    settings.mail.smtp_url = Some(SmtpUrl::parse(&url).expect("an SMTP URL"));
    settings.mail.public_url = Some("https://shop.example".into());
    let tuning = &mut settings.mail.sender;
    tuning.poll_interval = Duration::from_millis(20);
    tuning.backoff_base = Duration::from_millis(20);
    tuning.backoff_max = Duration::from_millis(200);
    tuning.max_attempts = max_attempts;
    tuning.smtp_timeout = Duration::from_secs(5);
    tuning.lease = Duration::from_secs(30);
}

/// Polls `condition` every 20 ms until it holds, or panics after `within`.
pub async fn eventually(what: &str, within: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !condition() {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}
