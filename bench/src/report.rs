//! The printed table: for every scenario its worst run, with every run's line before it.

use std::fmt::Write as _;

use crate::scenario::Scenario;
use crate::stats::Stats;

/// Every run of one scenario.
pub struct Runs {
    pub scenario: Scenario,
    pub runs: Vec<Stats>,
}

impl Runs {
    /// The run with the highest p99.
    pub fn worst(&self) -> Option<&Stats> {
        self.runs
            .iter()
            .max_by(|a, b| a.ms(0.99).total_cmp(&b.ms(0.99)))
    }

    /// The slowest request of any run.
    pub fn max_ms(&self) -> f64 {
        self.runs.iter().map(Stats::max_ms).fold(0.0, f64::max)
    }

    /// Failed requests over all runs.
    pub fn errors(&self) -> u64 {
        self.runs.iter().map(Stats::error_count).sum()
    }
}

/// One run's line, printed as the run ends; in the open loop, with how late the steps
/// were sent (p50 and p99), which the latencies include.
pub fn run_line(scenario: Scenario, run: usize, of: usize, stats: &Stats) -> String {
    let mut line = format!(
        "  {:<32} run {run}/{of}: {:>7.0} req/s  p50 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2} ms  {} errors",
        scenario.title(),
        stats.rate(),
        stats.ms(0.5),
        stats.ms(0.99),
        stats.ms(0.999),
        stats.max_ms(),
        stats.error_count(),
    );
    let late = &stats.sent_late;
    if !late.is_empty() {
        let _ = write!(
            line,
            "  (sent late: p50 {:.2}, p99 {:.2} ms)",
            late.value_at_quantile(0.5) as f64 / 1000.0,
            late.value_at_quantile(0.99) as f64 / 1000.0
        );
    }
    line
}

/// The table: a row a scenario, from its worst run by p99, with the max over all runs
/// and the errors of all runs; and then what the errors were. In the open loop every
/// scenario runs at the same rate, so the ratio to the ceiling is left out.
pub fn table(results: &[Runs], heading: &str, open_loop: bool) -> String {
    let ceiling = results
        .iter()
        .find(|runs| runs.scenario == Scenario::Static)
        .and_then(Runs::worst)
        .map_or(1.0, Stats::rate);
    let mut out = format!("\n{heading}\n");
    let _ = writeln!(
        out,
        "{:<32} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8} {:>10}",
        "scenario", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "/ceiling"
    );
    for runs in results {
        let Some(worst) = runs.worst() else { continue };
        let ratio = if open_loop {
            "-".to_owned()
        } else {
            format!("{:.0}%", worst.rate() / ceiling * 100.0)
        };
        let _ = writeln!(
            out,
            "{:<32} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8} {:>10}",
            runs.scenario.title(),
            worst.rate(),
            worst.ms(0.5),
            worst.ms(0.99),
            worst.ms(0.999),
            runs.max_ms(),
            runs.errors(),
            ratio
        );
    }
    out.push_str(&error_lines(results));
    out
}

fn error_lines(results: &[Runs]) -> String {
    let mut out = String::new();
    let mut paging = false;
    for runs in results.iter().filter(|runs| runs.errors() > 0) {
        let mut total = Stats::new();
        runs.runs.iter().for_each(|stats| total.merge(stats));
        let kinds: Vec<String> = total
            .errors
            .iter()
            .map(|(kind, count)| format!("{count} × {kind}"))
            .collect();
        let _ = writeln!(
            out,
            "errors in {}: {}",
            runs.scenario.title(),
            kinds.join(", ")
        );
        paging |= runs.scenario.needs_products();
    }
    if paging {
        out.push_str(
            "(the large-catalogue scenarios need GET / to take `page` and `q`: a 4xx, or a \
             full or unfiltered listing, means the server does not do it yet)\n",
        );
    }
    out
}

/// `label,scenario,req_s,p50_ms,p99_ms,errors,p999_ms,max_ms` lines, from the worst runs.
pub fn csv(results: &[Runs], label: &str) -> String {
    let mut out = String::new();
    for runs in results {
        let Some(worst) = runs.worst() else { continue };
        let _ = writeln!(
            out,
            "{label},{},{:.0},{:.3},{:.3},{},{:.3},{:.3}",
            runs.scenario.key(),
            worst.rate(),
            worst.ms(0.5),
            worst.ms(0.99),
            runs.errors(),
            worst.ms(0.999),
            runs.max_ms()
        );
    }
    out
}
