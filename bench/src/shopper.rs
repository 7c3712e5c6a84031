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

/// Makes `count` shoppers over `connections`, the `i`th by `make(connection, base, i)`.
async fn make_each<F, Fut>(
    addr: &str,
    connections: usize,
    count: usize,
    base: &Shopper,
    make: F,
) -> anyhow::Result<Vec<Shopper>>
where
    F: Fn(Connection, Shopper, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<(Connection, Shopper)>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let made = Arc::new(Mutex::new(Vec::with_capacity(count)));
    let mut tasks = Vec::new();
    for _ in 0..connections.min(count.max(1)) {
        let (next, made, base, addr) = (next.clone(), made.clone(), base.clone(), addr.to_owned());
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::new(&addr);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<_, anyhow::Error>(());
                }
                let (back, shopper) = make(connection, base.clone(), i).await?;
                connection = back;
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

/// Creates `count` shoppers, each with a session and a basket line, over `connections`.
pub async fn make_shoppers(
    addr: &str,
    connections: usize,
    count: usize,
    base: &Shopper,
) -> anyhow::Result<Vec<Shopper>> {
    make_each(
        addr,
        connections,
        count,
        base,
        |mut connection, mut shopper, i| async move {
            let answer = shopper.add_one(&mut connection, i as u64 % 13 + 1).await?;
            if answer.status != StatusCode::SEE_OTHER {
                bail!("making a shopper: {}", answer.status);
            }
            shopper.keep(&answer);
            if !shopper.cookies.contains_key("trolley_session") {
                bail!("no session cookie");
            }
            Ok((connection, shopper))
        },
    )
    .await
}

/// Signs up `count` accounts (`bench-{pid}-{i}@example.com`), each then with a basket line,
/// over `connections`: shoppers signed in, with their session's CSRF token. Each sign-up
/// is an Argon2 hash on the server's bounded queue, so this takes a while.
pub async fn make_accounts(
    addr: &str,
    connections: usize,
    count: usize,
    base: &Shopper,
) -> anyhow::Result<Vec<Shopper>> {
    let run = std::process::id();
    make_each(
        addr,
        connections,
        count,
        base,
        move |mut connection, base, i| async move {
            let name = format!("bench-{run}-{i}");
            let mut shopper = sign_up(&mut connection, &base, &name).await?;
            let answer = shopper.add_one(&mut connection, i as u64 % 13 + 1).await?;
            if answer.status != StatusCode::SEE_OTHER {
                bail!("a signed-in shopper's first add: {}", answer.status);
            }
            shopper.keep(&answer);
            Ok((connection, shopper))
        },
    )
    .await
}

/// Signs up one account and reads the signed-in session's CSRF token from its page.
async fn sign_up(
    connection: &mut Connection,
    base: &Shopper,
    name: &str,
) -> anyhow::Result<Shopper> {
    let mut shopper = base.clone();
    let form = format!(
        "csrf_token={}&email={name}%40example.com&password=bench+password+{name}",
        shopper.csrf
    );
    let answer = connection
        .send(
            Method::POST,
            "/account/signup",
            &shopper.cookie_header(),
            Some(form),
        )
        .await?;
    if answer.status != StatusCode::SEE_OTHER {
        bail!("signing up: {}", answer.status);
    }
    shopper.keep(&answer);
    let page = connection
        .send(Method::GET, "/account", &shopper.cookie_header(), None)
        .await?;
    if page.status != StatusCode::OK {
        bail!("the account page after signing up: {}", page.status);
    }
    shopper.keep(&page);
    shopper.csrf = hidden(&page.body, "csrf_token").context("no csrf_token on /account")?;
    Ok(shopper)
}
