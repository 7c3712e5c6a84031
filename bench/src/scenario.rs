//! The scenarios, and what one connection does in one step of each.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use hyper::{Method, StatusCode};

use crate::http::{Answer, Connection};
use crate::shopper::{hidden, Shopper};
use crate::stats::Stats;

/// Products on one page of the catalogue (the contract's page size).
const PAGE_SIZE: usize = 24;
/// How `bench/run --products N` names its products: `Bench item 000001` and on.
pub const PRODUCT_NAME: &str = "Bench item ";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scenario {
    Static,
    Anonymous,
    Catalogue,
    Basket,
    Add,
    Purchase,
    /// `GET /` with `bench/run --products N` in the catalogue.
    Front,
    /// `GET /?page=N` over the large catalogue.
    Page,
    /// `GET /?q=…` over the large catalogue.
    Search,
    /// `GET /` by shoppers signed in to their accounts.
    SignedIn,
    /// `POST /basket/items` by shoppers signed in to their accounts.
    SignedInAdd,
    /// `GET /media/{name}`: a picture, against the static file's ceiling.
    Media,
    /// `GET /` with a session while an admin uploads 10 large pictures.
    Uploading,
    /// `GET /categories/bench?page=N` over the large catalogue (all of it in one category).
    Category,
}

impl Scenario {
    pub const ALL: [Scenario; 14] = [
        Self::Static,
        Self::Anonymous,
        Self::Catalogue,
        Self::Basket,
        Self::Add,
        Self::Purchase,
        Self::SignedIn,
        Self::SignedInAdd,
        Self::Media,
        Self::Uploading,
        Self::Front,
        Self::Page,
        Self::Search,
        Self::Category,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Static => "static file (ceiling)",
            Self::Anonymous => "GET / anonymous",
            Self::Catalogue => "GET / with a session",
            Self::Basket => "GET /basket",
            Self::Add => "POST /basket/items",
            Self::Purchase => "purchase (GET+POST /checkout)",
            Self::Front => "GET / (large catalogue)",
            Self::Page => "GET /?page=N (large catalogue)",
            Self::Search => "GET /?q=… (large catalogue)",
            Self::SignedIn => "GET / signed in",
            Self::SignedInAdd => "POST /basket/items signed in",
            Self::Media => "GET /media/… (a picture)",
            Self::Uploading => "GET / with a session, uploads",
            Self::Category => "GET /categories/… (large)",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Anonymous => "anonymous",
            Self::Catalogue => "catalogue",
            Self::Basket => "basket",
            Self::Add => "add",
            Self::Purchase => "purchase",
            Self::Front => "front",
            Self::Page => "page",
            Self::Search => "search",
            Self::SignedIn => "signed-in",
            Self::SignedInAdd => "signed-in-add",
            Self::Media => "media",
            Self::Uploading => "uploading",
            Self::Category => "category",
        }
    }

    /// Whether the scenario reads the large catalogue that `--products` announces.
    pub fn needs_products(self) -> bool {
        matches!(
            self,
            Self::Front | Self::Page | Self::Search | Self::Category
        )
    }

    /// Whether the scenario's shoppers are signed in to accounts (made once, shared by
    /// every run: each run spreads its adds over them).
    pub fn signed_in(self) -> bool {
        matches!(self, Self::SignedIn | Self::SignedInAdd)
    }

    /// Whether each run needs shoppers of its own (its requests change the baskets or
    /// use the sessions up).
    pub fn fresh_shoppers(self) -> bool {
        matches!(self, Self::Add | Self::Purchase)
    }

    /// Requests one step makes (the purchase: the form, then the order).
    pub fn requests_per_step(self) -> usize {
        if self == Self::Purchase {
            2
        } else {
            1
        }
    }
}

/// What the steps of a run share: the shoppers (guests, or for the signed-in scenarios
/// shoppers signed in to accounts), and the size of the large catalogue.
pub struct Context {
    pub shoppers: Arc<Vec<Shopper>>,
    pub products: usize,
    /// A picture's name, for `GET /media/{name}`.
    pub media: String,
}

/// One request of a scenario, and what a right answer looks like.
struct Plan {
    method: Method,
    path: String,
    cookie: String,
    form: Option<String>,
    expected: StatusCode,
    /// For the large-catalogue listings: the name prefix every product listed must have
    /// (`Some("")` for any).
    listing: Option<String>,
}

impl Plan {
    fn get(path: String) -> Self {
        Self {
            method: Method::GET,
            path,
            cookie: String::new(),
            form: None,
            expected: StatusCode::OK,
            listing: None,
        }
    }
}

/// Step `k` of `scenario`, recorded in `stats` as from `due` (when the step was due:
/// its start in the closed loop, its slot in the open loop). False when there is no
/// more to do (the purchase's prepared shoppers ran out).
pub async fn step(
    scenario: Scenario,
    connection: &mut Connection,
    context: &Context,
    k: usize,
    due: Instant,
    stats: &mut Stats,
) -> bool {
    if scenario == Scenario::Purchase {
        let Some(shopper) = context.shoppers.get(k) else {
            return false;
        };
        purchase(connection, shopper.clone(), due, stats).await;
        return true;
    }
    let plan = plan(scenario, context, k);
    let answer = connection
        .send(plan.method, &plan.path, &plan.cookie, plan.form)
        .await;
    let outcome = match answer {
        Err(error) => Err(transport(&error)),
        Ok(answer) if answer.status != plan.expected => Err(status(&answer)),
        Ok(answer) => match &plan.listing {
            Some(prefix) => check_listing(&answer.body, prefix),
            None => Ok(()),
        },
    };
    stats.record(due, outcome);
    true
}

fn plan(scenario: Scenario, context: &Context, k: usize) -> Plan {
    let shoppers = &context.shoppers;
    let products = context.products.max(1);
    match scenario {
        Scenario::Static => Plan::get("/static/css/trolley.css".to_owned()),
        Scenario::Anonymous | Scenario::Purchase => Plan::get("/".to_owned()),
        Scenario::Catalogue | Scenario::Basket | Scenario::SignedIn | Scenario::Uploading => {
            let path = if scenario == Scenario::Basket {
                "/basket"
            } else {
                "/"
            };
            Plan {
                cookie: shoppers[k % shoppers.len()].cookie_header(),
                ..Plan::get(path.to_owned())
            }
        }
        Scenario::Add | Scenario::SignedInAdd => {
            let shopper = &shoppers[k % shoppers.len()];
            let product = (k / shoppers.len()) % 14 + 1;
            Plan {
                method: Method::POST,
                cookie: shopper.cookie_header(),
                form: Some(format!(
                    "csrf_token={}&product_id={product}&quantity=1",
                    shopper.csrf
                )),
                expected: StatusCode::SEE_OTHER,
                ..Plan::get("/basket/items".to_owned())
            }
        }
        Scenario::Media => Plan::get(format!("/media/{}", context.media)),
        Scenario::Category => Plan {
            listing: Some(String::new()),
            ..Plan::get(format!(
                "/categories/bench?page={}",
                k % (products / PAGE_SIZE).max(1) + 1
            ))
        },
        Scenario::Front => Plan {
            listing: Some(String::new()),
            ..Plan::get("/".to_owned())
        },
        Scenario::Page => Plan {
            listing: Some(String::new()),
            ..Plan::get(format!("/?page={}", k % (products / PAGE_SIZE).max(1) + 1))
        },
        Scenario::Search => {
            // Five of the six digits of an existing product's number, in mixed case: up
            // to ten products match.
            let prefix = format!("{:05}", (k.wrapping_mul(7919) % products + 1) / 10);
            Plan {
                listing: Some(prefix.clone()),
                ..Plan::get(format!("/?q=Item+{prefix}"))
            }
        }
    }
}

/// `GET /checkout` for the order token, then `POST /checkout`: two requests, the first
/// from `due`, the second from when it is sent.
async fn purchase(
    connection: &mut Connection,
    mut shopper: Shopper,
    due: Instant,
    stats: &mut Stats,
) {
    let cookie = shopper.cookie_header();
    let form = connection
        .send(Method::GET, "/checkout", &cookie, None)
        .await;
    let token = match &form {
        Err(error) => Err(transport(error)),
        Ok(answer) if answer.status != StatusCode::OK => Err(status(answer)),
        Ok(answer) => hidden(&answer.body, "order_token")
            .zip(hidden(&answer.body, "basket_version"))
            .ok_or("200 without an order token and a basket version".to_owned()),
    };
    stats.record(due, token.as_ref().map(|_| ()).map_err(Clone::clone));
    if let Ok(answer) = &form {
        shopper.keep(answer);
    }
    let Ok((token, version)) = token else { return };
    let body = format!(
        "csrf_token={}&name=Ada+Lovelace&email=ada%40example.com&address=1+High+Street+LS1+1AA\
         &order_token={token}&basket_version={version}",
        shopper.csrf
    );
    let at = Instant::now();
    let placed = connection
        .send(
            Method::POST,
            "/checkout",
            &shopper.cookie_header(),
            Some(body),
        )
        .await;
    let outcome = match placed {
        Err(error) => Err(transport(&error)),
        Ok(answer) if answer.status != StatusCode::SEE_OTHER => Err(status(&answer)),
        Ok(_) => Ok(()),
    };
    stats.record(at, outcome);
}

fn transport(error: &anyhow::Error) -> String {
    if error.to_string() == "timeout" {
        "timeout".to_owned()
    } else {
        "connection error".to_owned()
    }
}

fn status(answer: &Answer) -> String {
    answer.status.to_string()
}

/// Checks a large-catalogue listing: at most a page of products, and with a search,
/// at least one, each matching.
fn check_listing(body: &[u8], prefix: &str) -> Result<(), String> {
    let text = String::from_utf8_lossy(body);
    let listed: BTreeSet<&str> = text
        .match_indices(PRODUCT_NAME)
        .filter_map(|(at, _)| text.get(at + PRODUCT_NAME.len()..at + PRODUCT_NAME.len() + 6))
        .collect();
    if listed.len() > PAGE_SIZE {
        return Err(format!(
            "200 listing over {PAGE_SIZE} products (no paging?)"
        ));
    }
    if !prefix.is_empty() {
        if listed.is_empty() {
            return Err("200 listing no product that matches q (no search?)".to_owned());
        }
        if listed.iter().any(|number| !number.starts_with(prefix)) {
            return Err("200 listing products that do not match q (no search?)".to_owned());
        }
    }
    Ok(())
}
