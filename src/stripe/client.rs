//! Trolley's client for Stripe's API: form-encoded requests, JSON answers, the secret key
//! as a bearer token. Every call has a timeout, and a call that got no answer (a timeout, a
//! lost connection) or a 429 or 5xx is made again, after a growing pause, with the same
//! `Idempotency-Key`, so that Stripe does the work once however often it is asked. Callers
//! never call it inside a database transaction.
//!
//! Why plain hyper rather than `async-stripe` or `reqwest`: Trolley calls three endpoints
//! with a handful of fields; `async-stripe` is a large generated crate (long builds, its own
//! HTTP stack and TLS choices) for that, and `reqwest` would add a second HTTP client stack.
//! hyper, hyper-util, tokio-rustls (with ring) and the webpki roots are already in the tree
//! (the load generator, the SMTP client's TLS), all under licences `deny.toml` accepts, and
//! the tests point the client at the Stripe test double on 127.0.0.1 over plain HTTP.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;
use serde_json::Value;

use crate::config::StripeSettings;

/// Why a call to Stripe failed. The messages never hold the secret key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// Stripe answered and refused (4xx but 429): making the call again would not help.
    #[error("Stripe refused the request ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// No usable answer after every attempt (timeouts, lost connections, 429, 5xx).
    #[error("Stripe did not answer usefully after {attempts} attempts: {last}")]
    Unavailable { attempts: u32, last: String },
}

/// Where Stripe is and how patiently it is called. `Debug` leaves out the key.
#[derive(Clone)]
pub struct StripeClient {
    base: hyper::Uri,
    secret_key: String,
    /// How long one attempt may take, from connecting to the last byte of the answer.
    pub timeout: Duration,
    pub attempts: u32,
    /// The pause after the first failed attempt, doubled after each further one.
    pub backoff: Duration,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StripeClient({}, <key redacted>)", self.base)
    }
}

impl StripeClient {
    /// A client for `settings`; `None` if the API base is not a usable address.
    pub fn new(settings: &StripeSettings) -> Option<Self> {
        Some(Self {
            base: settings.api_base.parse().ok()?,
            secret_key: settings.secret_key.clone(),
            timeout: Duration::from_secs(10),
            attempts: 3,
            backoff: Duration::from_millis(250),
        })
    }

    /// Whether this is Stripe's own API.
    pub fn is_stripes(&self) -> bool {
        self.base.host() == Some("api.stripe.com")
    }

    /// The API's origin (`scheme://host[:port]`).
    pub fn origin(&self) -> String {
        let scheme = self.base.scheme_str().unwrap_or("https");
        let authority = self
            .base
            .authority()
            .map_or("", |authority| authority.as_str());
        format!("{scheme}://{authority}")
    }

    /// GET `path` (`/v1/checkout/sessions/cs_…`).
    pub async fn get(&self, path: &str) -> Result<Value, StripeError> {
        self.call("GET", path, &[], None).await
    }

    /// POST `form` to `path`, with `idempotency_key`.
    pub async fn post(
        &self,
        path: &str,
        form: &[(String, String)],
        idempotency_key: &str,
    ) -> Result<Value, StripeError> {
        self.call("POST", path, form, Some(idempotency_key)).await
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        form: &[(String, String)],
        key: Option<&str>,
    ) -> Result<Value, StripeError> {
        let body = serde_urlencoded::to_string(form).unwrap_or_default();
        let mut last = String::new();
        for attempt in 1..=self.attempts {
            let once = self.once(method, path, &body, key);
            match tokio::time::timeout(self.timeout, once).await {
                Ok(Ok((status, answer))) if status < 300 => {
                    return serde_json::from_slice(&answer).map_err(|error| {
                        StripeError::Unavailable {
                            attempts: attempt,
                            last: format!("an answer that is not JSON: {error}"),
                        }
                    })
                }
                Ok(Ok((status, answer))) if status != 429 && status < 500 => {
                    return Err(refused(status, &answer))
                }
                Ok(Ok((status, _))) => last = format!("status {status}"),
                Ok(Err(error)) => last = error,
                Err(_) => last = format!("no answer within {} s", self.timeout.as_secs_f64()),
            }
            if attempt < self.attempts {
                tokio::time::sleep(self.backoff.saturating_mul(1 << (attempt - 1).min(8))).await;
            }
        }
        Err(StripeError::Unavailable {
            attempts: self.attempts,
            last,
        })
    }

    /// One attempt: a connection of its own (TLS for `https`), one request, the answer.
    async fn once(
        &self,
        method: &str,
        path: &str,
        body: &str,
        key: Option<&str>,
    ) -> Result<(u16, Bytes), String> {
        let host = self.base.host().ok_or("no host")?.to_owned();
        let https = self.base.scheme_str() == Some("https");
        let port = self.base.port_u16().unwrap_or(if https { 443 } else { 80 });
        let prefix = self.base.path().trim_end_matches('/');
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{prefix}{path}"))
            .header("Host", &host)
            .header("Authorization", format!("Bearer {}", self.secret_key))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Stripe-Version", "2024-06-20");
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .map_err(|error| error.to_string())?;
        let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
            .await
            .map_err(|error| format!("cannot connect: {error}"))?;
        if https {
            let tls = super::tls::connect(&host, tcp).await?;
            exchange(TokioIo::new(tls), request).await
        } else {
            exchange(TokioIo::new(tcp), request).await
        }
    }
}

/// Sends `request` over `io` (HTTP/1.1) and reads the whole answer.
async fn exchange<IO>(io: IO, request: Request<Full<Bytes>>) -> Result<(u16, Bytes), String>
where
    IO: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|error| error.to_string())?;
    actix_rt::spawn(async move {
        // The connection ends with the exchange; its error is the exchange's.
        let _ = connection.await;
    });
    let response = sender
        .send_request(request)
        .await
        .map_err(|error| error.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|error| error.to_string())?
        .to_bytes();
    Ok((status, body))
}

/// Stripe's error body (`{"error": {"code", "message"}}`) as a refusal.
fn refused(status: u16, body: &[u8]) -> StripeError {
    let error = serde_json::from_slice::<Value>(body).unwrap_or_default();
    let text = |name: &str| error["error"][name].as_str().unwrap_or_default().to_owned();
    StripeError::Refused {
        status,
        code: text("code"),
        message: text("message"),
    }
}
