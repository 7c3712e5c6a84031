//! Trolley's load generator. It creates shopper sessions over HTTP (each with its own
//! cookie and CSRF token), then drives each scenario for a fixed time over a fixed number
//! of keep-alive connections and prints requests/s, p50, p99 and errors, with each
//! scenario's ratio to the ceiling (a static file from the same server). `bench/run`
//! starts the server and the database around it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};
use bytes::Bytes;
use clap::Parser;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{header, Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

#[derive(Debug, Parser, Clone)]
#[command(about = "Drive a running Trolley and print a table of throughput and latency")]
struct Args {
    /// The server, e.g. 127.0.0.1:8080.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Distinct shopper sessions to spread the session scenarios over.
    #[arg(long, default_value_t = 500)]
    sessions: usize,
    /// Seconds each scenario runs.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Most purchases the purchase scenario makes (each needs a prepared session).
    #[arg(long, default_value_t = 6000)]
    purchases: usize,
    /// Comma-separated scenarios to run: static, anonymous, catalogue, basket, add,
    /// purchase, lost-adds (default: all).
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// The server's process id, to report its peak RSS.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Append `scenario,req_s,p50_ms,p99_ms,errors` lines to this file.
    #[arg(long)]
    csv: Option<String>,
    /// A label for the CSV lines (e.g. the run's session-table size).
    #[arg(long, default_value = "")]
    label: String,
    /// Generator threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

/// One keep-alive HTTP/1.1 connection, reopened when the server closes it.
struct Connection {
    addr: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

struct Answer {
    status: StatusCode,
    set_cookies: Vec<String>,
    body: Bytes,
}

impl Connection {
    fn new(addr: &str) -> Self {
        Self {
            addr: addr.to_owned(),
            sender: None,
        }
    }

    async fn open(&mut self) -> anyhow::Result<&mut SendRequest<Full<Bytes>>> {
        if self.sender.as_ref().is_none_or(|sender| sender.is_closed()) {
            let stream = TcpStream::connect(&self.addr).await?;
            stream.set_nodelay(true)?;
            let (sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            self.sender = Some(sender);
        }
        self.sender.as_mut().ok_or_else(|| anyhow!("no connection"))
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        cookie: &str,
        form: Option<String>,
    ) -> anyhow::Result<Answer> {
        let addr = self.addr.clone();
        let sender = self.open().await?;
        sender.ready().await?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, addr);
        if !cookie.is_empty() {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match form {
            Some(form) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Full::new(Bytes::from(form))
            }
            None => Full::new(Bytes::new()),
        };
        let response = match sender.send_request(request.body(body)?).await {
            Ok(response) => response,
            Err(error) => {
                self.sender = None;
                return Err(error.into());
            }
        };
        let status = response.status();
        let set_cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok().map(str::to_owned))
            .collect();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            set_cookies,
            body,
        })
    }
}

/// A shopper: its cookies and the CSRF token its forms carry.
#[derive(Clone, Default)]
struct Shopper {
    cookies: HashMap<String, String>,
    csrf: String,
}

impl Shopper {
    /// Posts the add form for one item of `product`.
    async fn add_one(&self, connection: &mut Connection, product: u64) -> anyhow::Result<Answer> {
        let form = format!("csrf_token={}&product_id={product}&quantity=1", self.csrf);
        connection
            .send(
                Method::POST,
                "/basket/items",
                &self.cookie_header(),
                Some(form),
            )
            .await
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, answer: &Answer) {
        for cookie in &answer.set_cookies {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || cookie.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }
}

fn hidden(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let marker = format!("name=\"{name}\" value=\"");
    let start = text.find(&marker)? + marker.len();
    let end = text[start..].find('"')? + start;
    Some(text[start..end].to_owned())
}

/// A CSRF cookie and token, fetched once and shared by every shopper (the token is not
/// tied to a session).
async fn csrf(addr: &str) -> anyhow::Result<Shopper> {
    let mut connection = Connection::new(addr);
    let answer = connection.send(Method::GET, "/", "", None).await?;
    let mut shopper = Shopper::default();
    shopper.keep(&answer);
    shopper.csrf = hidden(&answer.body, "csrf_token").context("no csrf_token on /")?;
    Ok(shopper)
}

/// Creates `count` shoppers, each with a session and a basket line, over `connections`.
async fn make_shoppers(args: &Args, count: usize, base: &Shopper) -> anyhow::Result<Vec<Shopper>> {
    let next = Arc::new(AtomicUsize::new(0));
    let made = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let mut tasks = Vec::new();
    for _ in 0..args.connections.min(count.max(1)) {
        let (next, made, base, addr) =
            (next.clone(), made.clone(), base.clone(), args.addr.clone());
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::new(&addr);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<_, anyhow::Error>(());
                }
                let mut shopper = base.clone();
                let answer = shopper.add_one(&mut connection, i as u64 % 13 + 1).await?;
                if answer.status != StatusCode::SEE_OTHER {
                    bail!("making a shopper: {}", answer.status);
                }
                shopper.keep(&answer);
                if !shopper.cookies.contains_key("trolley_session") {
                    bail!("no session cookie");
                }
                made.lock().map_err(|_| anyhow!("poisoned"))?.push(shopper);
            }
        }));
    }
    for task in tasks {
        task.await??;
    }
    let made = std::mem::take(&mut *made.lock().map_err(|_| anyhow!("poisoned"))?);
    Ok(made)
}

#[derive(Clone)]
struct Stats {
    requests: u64,
    errors: u64,
    histogram: Histogram<u64>,
    elapsed: Duration,
}

impl Stats {
    fn new() -> Self {
        Self {
            requests: 0,
            errors: 0,
            histogram: Histogram::new_with_bounds(1, 60_000_000, 3)
                .unwrap_or_else(|_| unreachable!("valid bounds")),
            elapsed: Duration::ZERO,
        }
    }

    fn record(&mut self, started: Instant, ok: bool) {
        let micros = u64::try_from(started.elapsed().as_micros())
            .unwrap_or(u64::MAX)
            .max(1);
        let _ = self.histogram.record(micros.min(60_000_000));
        self.requests += 1;
        if !ok {
            self.errors += 1;
        }
    }

    fn merge(&mut self, other: &Stats) {
        self.requests += other.requests;
        self.errors += other.errors;
        let _ = self.histogram.add(&other.histogram);
    }

    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn ms(&self, quantile: f64) -> f64 {
        self.histogram.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// What one connection does in one step of a scenario.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Static,
    Anonymous,
    Catalogue,
    Basket,
    Add,
    Purchase,
}

impl Scenario {
    fn title(self) -> &'static str {
        match self {
            Self::Static => "static file (ceiling)",
            Self::Anonymous => "GET / anonymous",
            Self::Catalogue => "GET / with a session",
            Self::Basket => "GET /basket",
            Self::Add => "POST /basket/items",
            Self::Purchase => "purchase (GET+POST /checkout)",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Anonymous => "anonymous",
            Self::Catalogue => "catalogue",
            Self::Basket => "basket",
            Self::Add => "add",
            Self::Purchase => "purchase",
        }
    }
}

/// Runs a scenario on every connection until the time is up (or, for purchases, the
/// prepared shoppers run out).
async fn run(args: &Args, scenario: Scenario, shoppers: Arc<Vec<Shopper>>) -> Stats {
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.connections {
        let (stop, counter, shoppers, addr) = (
            stop.clone(),
            counter.clone(),
            shoppers.clone(),
            args.addr.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::new(&addr);
            let mut stats = Stats::new();
            while !stop.load(Ordering::Relaxed) {
                let k = counter.fetch_add(1, Ordering::Relaxed);
                match scenario {
                    Scenario::Purchase => {
                        let Some(shopper) = shoppers.get(k) else { break };
                        let mut shopper = shopper.clone();
                        let at = Instant::now();
                        let form = connection.send(Method::GET, "/checkout", &shopper.cookie_header(), None).await;
                        let token = form.as_ref().ok().filter(|a| a.status == StatusCode::OK).and_then(|a| hidden(&a.body, "order_token"));
                        stats.record(at, token.is_some());
                        if let Ok(answer) = &form {
                            shopper.keep(answer);
                        }
                        let Some(token) = token else { continue };
                        let body = format!(
                            "csrf_token={}&name=Ada+Lovelace&email=ada%40example.com&address=1+High+Street&order_token={token}",
                            shopper.csrf
                        );
                        let at = Instant::now();
                        let placed = connection.send(Method::POST, "/checkout", &shopper.cookie_header(), Some(body)).await;
                        stats.record(at, placed.is_ok_and(|a| a.status == StatusCode::SEE_OTHER));
                    }
                    _ => {
                        let (method, path, cookie, form, expected) = match scenario {
                            Scenario::Static => (Method::GET, "/static/css/trolley.css".to_owned(), String::new(), None, StatusCode::OK),
                            Scenario::Anonymous => (Method::GET, "/".to_owned(), String::new(), None, StatusCode::OK),
                            Scenario::Catalogue | Scenario::Basket => {
                                let shopper = &shoppers[k % shoppers.len()];
                                let path = if scenario == Scenario::Catalogue { "/" } else { "/basket" };
                                (Method::GET, path.to_owned(), shopper.cookie_header(), None, StatusCode::OK)
                            }
                            _ => {
                                let shopper = &shoppers[k % shoppers.len()];
                                let product = (k / shoppers.len()) % 14 + 1;
                                let form = format!("csrf_token={}&product_id={product}&quantity=1", shopper.csrf);
                                (Method::POST, "/basket/items".to_owned(), shopper.cookie_header(), Some(form), StatusCode::SEE_OTHER)
                            }
                        };
                        let at = Instant::now();
                        let answer = connection.send(method, &path, &cookie, form).await;
                        stats.record(at, answer.is_ok_and(|a| a.status == expected));
                    }
                }
            }
            stats
        }));
    }
    let duration = Duration::from_secs(args.duration);
    let all_done = async {
        while !tasks.iter().all(|task| task.is_finished()) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let _ = tokio::time::timeout(duration, all_done).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let mut total = Stats::new();
    for task in tasks {
        if let Ok(stats) = task.await {
            total.merge(&stats);
        }
    }
    total.elapsed = elapsed;
    total
}

/// Two sessions hammered by 16 connections with adds of one item: every 303 must show in
/// the baskets.
async fn lost_adds(args: &Args, base: &Shopper) -> anyhow::Result<(u64, u64)> {
    let sessions = make_shoppers(args, 2, base).await?;
    let sessions = Arc::new(sessions);
    const CONNECTIONS: usize = 16;
    const ADDS_PER_CONNECTION: usize = 150;
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let (sessions, addr) = (sessions.clone(), args.addr.clone());
        tasks.push(tokio::spawn(async move {
            let shopper = &sessions[c % 2];
            let mut connection = Connection::new(&addr);
            let mut accepted = 0u64;
            for i in 0..ADDS_PER_CONNECTION {
                let product = (i + c / 2) % 14 + 1;
                let answer = shopper.add_one(&mut connection, product as u64).await?;
                if answer.status == StatusCode::SEE_OTHER {
                    accepted += 1;
                }
            }
            Ok::<_, anyhow::Error>((c % 2, accepted))
        }));
    }
    let mut accepted = [1u64, 1u64]; // each session's first line
    for task in tasks {
        let (session, count) = task.await??;
        accepted[session] += count;
    }
    let mut held = 0;
    let mut connection = Connection::new(&args.addr);
    for shopper in sessions.iter() {
        let answer = connection
            .send(Method::GET, "/basket", &shopper.cookie_header(), None)
            .await?;
        let text = String::from_utf8_lossy(&answer.body);
        // The header says "(N items in your basket)".
        let end = text.find(" in your basket)").context("no basket count")?;
        let start = text[..end].rfind('(').context("no basket count")? + 1;
        let count: u64 = text[start..end]
            .split(' ')
            .next()
            .unwrap_or_default()
            .parse()?;
        held += count;
    }
    Ok((accepted.iter().sum(), held))
}

fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

async fn bench(args: Args) -> anyhow::Result<()> {
    let wanted = |key: &str| args.scenarios.is_empty() || args.scenarios.iter().any(|s| s == key);
    let base = csrf(&args.addr).await?;
    eprintln!("creating {} shopper sessions…", args.sessions);
    let shoppers = Arc::new(make_shoppers(&args, args.sessions, &base).await?);
    let mut results: Vec<(Scenario, Stats)> = Vec::new();
    for scenario in [
        Scenario::Static,
        Scenario::Anonymous,
        Scenario::Catalogue,
        Scenario::Basket,
        Scenario::Add,
        Scenario::Purchase,
    ] {
        if !wanted(scenario.key()) && scenario != Scenario::Static {
            continue;
        }
        let pool = if scenario == Scenario::Purchase {
            eprintln!(
                "preparing {} shoppers for the purchase scenario…",
                args.purchases
            );
            Arc::new(make_shoppers(&args, args.purchases, &base).await?)
        } else {
            shoppers.clone()
        };
        eprintln!(
            "running {} for {} s on {} connections…",
            scenario.title(),
            args.duration,
            args.connections
        );
        let stats = run(&args, scenario, pool).await;
        results.push((scenario, stats));
    }

    let ceiling = results
        .iter()
        .find(|(scenario, _)| *scenario == Scenario::Static)
        .map_or(1.0, |(_, stats)| stats.rate());
    println!();
    println!(
        "{:<32} {:>10} {:>9} {:>9} {:>8} {:>10}",
        "scenario", "req/s", "p50 ms", "p99 ms", "errors", "/ceiling"
    );
    let mut csv_lines = String::new();
    for (scenario, stats) in &results {
        println!(
            "{:<32} {:>10.0} {:>9.2} {:>9.2} {:>8} {:>9.0}%",
            scenario.title(),
            stats.rate(),
            stats.ms(0.5),
            stats.ms(0.99),
            stats.errors,
            stats.rate() / ceiling * 100.0
        );
        csv_lines.push_str(&format!(
            "{},{},{:.0},{:.3},{:.3},{}\n",
            args.label,
            scenario.key(),
            stats.rate(),
            stats.ms(0.5),
            stats.ms(0.99),
            stats.errors
        ));
    }
    if wanted("lost-adds") && args.scenarios.iter().any(|s| s == "lost-adds")
        || args.scenarios.is_empty()
    {
        let (accepted, held) = lost_adds(&args, &base).await?;
        println!();
        println!("lost adds: {} (2 sessions, 16 connections: {accepted} adds answered 303, baskets hold {held})", accepted.saturating_sub(held));
    }
    if let Some(pid) = args.server_pid {
        if let Some(rss) = peak_rss_mib(pid) {
            println!("server peak RSS: {rss:.1} MiB");
        }
    }
    if let Some(path) = &args.csv {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        file.write_all(csv_lines.as_bytes())?;
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads.max(1))
        .enable_all()
        .build()?
        .block_on(bench(args))
}
