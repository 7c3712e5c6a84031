//! Shoppers: sessions made over HTTP, each with its cookies and the CSRF token its forms
//! carry.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Context as _};
use hyper::{Method, StatusCode};

use crate::http::{Answer, Connection};

#[derive(Clone, Default)]
pub struct Shopper {
    pub cookies: HashMap<String, String>,
    pub csrf: String,
}

impl Shopper {
    /// Posts the add form for one item of `product`.
    pub async fn add_one(
        &self,
        connection: &mut Connection,
        product: u64,
    ) -> anyhow::Result<Answer> {
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

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn keep(&mut self, answer: &Answer) {
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

/// The value of the hidden form field `name` in a page.
pub fn hidden(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let marker = format!("name=\"{name}\" value=\"");
    let start = text.find(&marker)? + marker.len();
    let end = text[start..].find('"')? + start;
    Some(text[start..end].to_owned())
}

/// A CSRF cookie and token, fetched once and shared by every shopper (the token is not
/// tied to a session).
pub async fn csrf(addr: &str) -> anyhow::Result<Shopper> {
    let mut connection = Connection::new(addr);
    let answer = connection.send(Method::GET, "/", "", None).await?;
    let mut shopper = Shopper::default();
    shopper.keep(&answer);
    shopper.csrf = hidden(&answer.body, "csrf_token").context("no csrf_token on /")?;
    Ok(shopper)
}

/// Creates `count` shoppers, each with a session and a basket line, over `connections`.
pub async fn make_shoppers(
    addr: &str,
    connections: usize,
    count: usize,
    base: &Shopper,
) -> anyhow::Result<Vec<Shopper>> {
    let next = Arc::new(AtomicUsize::new(0));
    let made = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let mut tasks = Vec::new();
    for _ in 0..connections.min(count.max(1)) {
        let (next, made, base, addr) = (next.clone(), made.clone(), base.clone(), addr.to_owned());
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
