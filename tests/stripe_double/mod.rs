//! THIS IS A TEST DOUBLE OF STRIPE, not Stripe: a small HTTP server on 127.0.0.1:0 that
//! answers the few endpoints of Stripe's API a shop's Checkout integration calls, with the
//! request and response shapes of Stripe's API reference (form-encoded requests, JSON
//! answers, `Authorization: Bearer sk_…`, `Idempotency-Key`), a hosted payment page with
//! Pay and Decline, and webhook deliveries signed as Stripe signs them. No request leaves
//! 127.0.0.1. The tests drive its clock-free parts from Rust: when webhooks are delivered
//! (in order, reversed, again), and which faults the next API calls meet.
//!
//! Endpoints: POST /v1/checkout/sessions, GET /v1/checkout/sessions/{id},
//! POST /v1/checkout/sessions/{id}/expire, POST /v1/refunds; the hosted page
//! GET /c/pay/{id} with POST /c/pay/{id}/pay and /c/pay/{id}/decline.
//!
//! Idempotency as Stripe documents it: the first answer given for a key is saved and
//! replayed (with `Idempotent-Replayed: true`) for a retry with the same parameters; the
//! same key with other parameters is a 400 `idempotency_error`. An injected fault stands
//! for a failure before Stripe's API ran (a 500 from its edge, a 402 of a card declined in
//! an earlier step, a connection that hangs), so it saves nothing.

// Each test uses a part of this.
#![allow(dead_code, unused_imports)]

mod api;
mod hosted;
mod webhooks;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::TcpListener;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpServer};

pub use webhooks::{signature_header, Delivered};

/// A failure the next API call meets (before the API runs, so nothing is saved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and a Stripe error body (402 `card_error`, 500 `api_error`).
    Status(u16),
    /// Say nothing for this long (longer than the caller's timeout: a timeout).
    Hang(Duration),
}

/// One API request as the double received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub idempotency_key: Option<String>,
    pub form: Vec<(String, String)>,
}

/// An event waiting to be delivered, or delivered already.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub delivered: bool,
    pub attempts: u32,
}

#[derive(Default)]
pub(crate) struct State {
    pub(crate) sessions: BTreeMap<String, serde_json::Value>,
    pub(crate) refunds: Vec<serde_json::Value>,
    /// key → (the request's parameters, status, body) of its first answer.
    pub(crate) idempotent: HashMap<String, (String, u16, String)>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) requests: Vec<Recorded>,
    pub(crate) events: Vec<Event>,
    pub(crate) next_id: u64,
}

impl State {
    /// A new id with Stripe's prefix for its kind (`cs_test_…`, `pi_…`, `evt_…`, `re_…`).
    pub(crate) fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}_double{:08}", self.next_id)
    }
}

/// The running double.
pub struct StripeDouble {
    /// What `TROLLEY_STRIPE_API_BASE` is set to (`http://127.0.0.1:PORT`).
    pub base: String,
    /// The secret key it accepts.
    pub secret_key: String,
    /// The secret its webhooks are signed with.
    pub webhook_secret: String,
    /// Where it delivers webhooks (set with [`StripeDouble::deliver_to`]).
    endpoint: Mutex<Option<String>>,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

pub const SECRET_KEY: &str = "sk_test_double_4242";
pub const WEBHOOK_SECRET: &str = "whsec_double_4242";

impl StripeDouble {
    /// Starts it on a free port of 127.0.0.1, on the current actix runtime.
    pub fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("its address").port();
        let base = format!("http://127.0.0.1:{port}");
        let shared = web::Data::from(Arc::clone(&state));
        let page_base = web::Data::new(hosted::PageBase(base.clone()));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .app_data(page_base.clone())
                .configure(api::routes)
                .configure(hosted::routes)
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            base,
            secret_key: SECRET_KEY.into(),
            webhook_secret: WEBHOOK_SECRET.into(),
            endpoint: Mutex::new(None),
            state,
            handle,
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("the double's state")
    }

    /// The next API calls meet these faults, one each, in order.
    pub fn fail_next(&self, faults: &[Fault]) {
        self.state().faults.extend(faults.iter().copied());
    }

    /// Every API request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// A session as `GET /v1/checkout/sessions/{id}` shows it.
    pub fn session(&self, id: &str) -> Option<serde_json::Value> {
        self.state().sessions.get(id).cloned()
    }

    /// How many Checkout Sessions were made.
    pub fn session_count(&self) -> usize {
        self.state().sessions.len()
    }

    pub fn refunds(&self) -> Vec<serde_json::Value> {
        self.state().refunds.clone()
    }

    pub fn events(&self) -> Vec<Event> {
        self.state().events.clone()
    }

    /// Expires an open session now, as Stripe does at its `expires_at` (an event follows).
    pub fn expire(&self, id: &str) -> bool {
        api::expire(&mut self.state(), id)
    }

    /// Where webhooks go.
    pub fn deliver_to(&self, url: &str) {
        *self.endpoint.lock().expect("endpoint") = Some(url.to_owned());
    }

    fn endpoint(&self) -> String {
        self.endpoint
            .lock()
            .expect("endpoint")
            .clone()
            .expect("deliver_to was called")
    }

    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }
}
