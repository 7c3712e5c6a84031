//! The lost-adds check: two sessions hammered by 16 connections with adds of one item;
//! every 303 must show in the baskets.

use std::sync::Arc;

use anyhow::Context as _;
use hyper::{Method, StatusCode};

use crate::http::Connection;
use crate::shopper::{make_shoppers, Shopper};

const CONNECTIONS: usize = 16;
const ADDS_PER_CONNECTION: usize = 150;

/// The adds answered 303, and the items the two baskets hold after.
pub async fn lost_adds(addr: &str, base: &Shopper) -> anyhow::Result<(u64, u64)> {
    let sessions = Arc::new(make_shoppers(addr, 2, 2, base).await?);
    let mut tasks = Vec::new();
    for c in 0..CONNECTIONS {
        let (sessions, addr) = (sessions.clone(), addr.to_owned());
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
    let mut connection = Connection::new(addr);
    for shopper in sessions.iter() {
        let answer = connection
            .send(Method::GET, "/basket", &shopper.cookie_header(), None)
            .await?;
        held += basket_count(&String::from_utf8_lossy(&answer.body))?;
    }
    Ok((accepted.iter().sum(), held))
}

/// The header's "(N items in your basket)".
fn basket_count(text: &str) -> anyhow::Result<u64> {
    let end = text.find(" in your basket)").context("no basket count")?;
    let start = text[..end].rfind('(').context("no basket count")? + 1;
    Ok(text[start..end]
        .split(' ')
        .next()
        .unwrap_or_default()
        .parse()?)
}

pub fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
