//! Trolley's load generator. It creates shopper sessions over HTTP (each with its own
//! cookie and CSRF token), then drives each scenario several times over a fixed number
//! of keep-alive connections, in a closed loop or at a fixed rate (`--rate`), and prints
//! each run and then, a row a scenario, its worst run: requests/s, p50, p99, p99.9, the
//! slowest request of all runs and the errors, with the ratio to the ceiling (a static
//! file from the same server). `bench/run` starts the server and the database around it.

mod http;
mod load;
mod lost_adds;
mod pacer;
mod report;
mod scenario;
mod shopper;
mod stats;
mod uploads;

use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use clap::Parser;

use crate::load::Load;
use crate::report::Runs;
use crate::scenario::{Context, Scenario};
use crate::shopper::{csrf, make_accounts, make_shoppers, Shopper};

#[derive(Debug, Parser, Clone)]
#[command(
    about = "Drive a running Trolley and print a table of throughput and latency",
    args_override_self = true
)]
struct Args {
    /// The server, e.g. 127.0.0.1:8080.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// Distinct shopper sessions to spread the session scenarios over.
    #[arg(long, default_value_t = 500)]
    sessions: usize,
    /// Seconds each run of a scenario lasts.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Runs of every scenario; the table shows the worst (by p99).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    runs: u32,
    /// Concurrent keep-alive connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Open loop: requests a second across all connections, sent when due whether or not
    /// the last was answered, latency counted from when each was due.
    #[arg(long)]
    rate: Option<f64>,
    /// Most purchases a closed-loop run of the purchase scenario makes (each needs a
    /// prepared session; the open loop prepares what its rate needs). The default lasts
    /// a 10-second run up to 2,000 purchases a second; a run whose shoppers run out ends
    /// early.
    #[arg(long, default_value_t = 20_000)]
    purchases: usize,
    /// The catalogue holds this many products named `Bench item 000001` and on (made by
    /// `bench/run --products N`): adds the scenarios front, page and search.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..1_000_000))]
    products: u32,
    /// Comma-separated scenarios to run: static, anonymous, catalogue, basket, add,
    /// purchase, signed-in, signed-in-add, front, page, search, lost-adds (default: all;
    /// the static file always).
    #[arg(long, value_delimiter = ',')]
    scenarios: Vec<String>,
    /// The server's process id, to report its peak RSS.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Append `label,scenario,req_s,p50_ms,p99_ms,errors,p999_ms,max_ms` lines (the
    /// worst runs) to this file.
    #[arg(long)]
    csv: Option<String>,
    /// A label for the CSV lines (e.g. the run's session-table size).
    #[arg(long, default_value = "")]
    label: String,
    /// Accounts the signed-in scenarios spread over (each made by a sign-up: an Argon2
    /// hash on the server's bounded queue).
    #[arg(long, default_value_t = 200)]
    accounts: usize,
    /// Generator threads.
    #[arg(long, default_value_t = 2)]
    threads: usize,
}

impl Args {
    fn wanted(&self, key: &str) -> bool {
        self.scenarios.is_empty() || self.scenarios.iter().any(|s| s == key)
    }

    /// The scenarios to run, in the table's order.
    fn selected(&self) -> anyhow::Result<Vec<Scenario>> {
        for key in &self.scenarios {
            if key != "lost-adds" && !Scenario::ALL.iter().any(|s| s.key() == key) {
                bail!("unknown scenario {key:?}");
            }
        }
        let selected: Vec<Scenario> = Scenario::ALL
            .into_iter()
            .filter(|s| *s == Scenario::Static || self.wanted(s.key()))
            .filter(|s| !s.needs_products() || self.products > 0)
            .collect();
        let needs_products = Scenario::ALL
            .iter()
            .filter(|s| s.needs_products())
            .find(|s| self.scenarios.iter().any(|key| key == s.key()));
        if let (Some(scenario), 0) = (needs_products, self.products) {
            bail!("the scenario {} needs --products N", scenario.key());
        }
        Ok(selected)
    }

    fn load(&self) -> anyhow::Result<Load> {
        if self
            .rate
            .is_some_and(|rate| !(rate.is_finite() && rate > 0.0))
        {
            bail!("--rate must be a positive number of requests a second");
        }
        Ok(Load {
            addr: self.addr.clone(),
            connections: self.connections.max(1),
            duration: Duration::from_secs(self.duration),
            rate: self.rate,
        })
    }

    fn heading(&self) -> String {
        let mode = match self.rate {
            Some(rate) => {
                format!("open loop at {rate:.0} requests/s, latency from when each was due")
            }
            None => "closed loop".to_owned(),
        };
        format!(
            "{mode}, {} connections, worst of {} runs of {} s (by p99; max: the slowest of all runs; errors: all runs)",
            self.connections, self.runs, self.duration
        )
    }
}

/// Runs every run of one scenario, printing each run's line.
async fn runs(
    args: &Args,
    load: &Load,
    scenario: Scenario,
    base: &Shopper,
    shared: &Arc<Vec<Shopper>>,
    accounts: &Arc<Vec<Shopper>>,
    media: &str,
) -> anyhow::Result<Runs> {
    let mut runs = Vec::new();
    for run in 1..=args.runs {
        let shoppers = if scenario.signed_in() {
            accounts.clone()
        } else if scenario.fresh_shoppers() {
            let count = match scenario {
                Scenario::Purchase => load.open_loop_steps(scenario).unwrap_or(args.purchases),
                _ => args.sessions,
            };
            eprintln!("preparing {count} shoppers for {}…", scenario.title());
            Arc::new(make_shoppers(&args.addr, load.connections, count, base).await?)
        } else {
            shared.clone()
        };
        let context = Arc::new(Context {
            shoppers,
            products: args.products as usize,
            media: media.to_owned(),
        });
        let uploads = (scenario == Scenario::Uploading).then(|| {
            let addr = args.addr.clone();
            tokio::spawn(async move { uploads::upload_pictures(&addr, 10).await })
        });
        let stats = load.run(scenario, context).await;
        if let Some(uploads) = uploads {
            let times = uploads.await??;
            let seconds: Vec<String> = times
                .iter()
                .map(|t| format!("{:.1}", t.as_secs_f64()))
                .collect();
            println!(
                "  uploads during run {run}: {} pictures of 12 MP, seconds each: {}",
                times.len(),
                seconds.join(" ")
            );
        }
        println!(
            "{}",
            report::run_line(scenario, run as usize, args.runs as usize, &stats)
        );
        runs.push(stats);
    }
    Ok(Runs { scenario, runs })
}

async fn bench(args: Args) -> anyhow::Result<()> {
    let selected = args.selected()?;
    let load = args.load()?;
    let base = csrf(&args.addr).await?;
    let shared = if selected.iter().any(|s| {
        matches!(
            s,
            Scenario::Catalogue | Scenario::Basket | Scenario::Uploading
        )
    }) {
        eprintln!("creating {} shopper sessions…", args.sessions);
        Arc::new(make_shoppers(&args.addr, load.connections, args.sessions, &base).await?)
    } else {
        Arc::new(Vec::new())
    };
    let accounts = if selected.iter().any(|s| s.signed_in()) {
        eprintln!("signing up {} accounts…", args.accounts);
        Arc::new(make_accounts(&args.addr, load.connections, args.accounts, &base).await?)
    } else {
        Arc::new(Vec::new())
    };
    let media = if selected.contains(&Scenario::Media) {
        uploads::a_picture(&args.addr).await?
    } else {
        String::new()
    };
    eprintln!("{}", args.heading());
    let mut results = Vec::new();
    for scenario in selected {
        results.push(runs(&args, &load, scenario, &base, &shared, &accounts, &media).await?);
    }
    print!(
        "{}",
        report::table(&results, &args.heading(), args.rate.is_some())
    );
    if args.scenarios.iter().any(|s| s == "lost-adds") || args.scenarios.is_empty() {
        let (accepted, held) = lost_adds::lost_adds(&args.addr, &base).await?;
        println!();
        println!("lost adds: {} (2 sessions, 16 connections: {accepted} adds answered 303, baskets hold {held})", accepted.saturating_sub(held));
    }
    if let Some(rss) = args.server_pid.and_then(lost_adds::peak_rss_mib) {
        println!("server peak RSS: {rss:.1} MiB");
    }
    if let Some(path) = &args.csv {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        file.write_all(report::csv(&results, &args.label).as_bytes())?;
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
