//! One keep-alive HTTP/1.1 connection to the server, reopened when the server closes it.

use std::time::Duration;

use anyhow::anyhow;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{header, Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The longest a request may take before it counts as an error (and its connection is
/// dropped), so that a hung server cannot hang the generator.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Connection {
    addr: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

pub struct Answer {
    pub status: StatusCode,
    pub set_cookies: Vec<String>,
    pub body: Bytes,
}

impl Connection {
    pub fn new(addr: &str) -> Self {
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

    /// Sends one request and reads the whole answer; an error if it takes longer than
    /// [`REQUEST_TIMEOUT`].
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        cookie: &str,
        form: Option<String>,
    ) -> anyhow::Result<Answer> {
        let body = form.map(|form| ("application/x-www-form-urlencoded", Bytes::from(form)));
        self.send_body(method, path, cookie, body, REQUEST_TIMEOUT)
            .await
    }

    /// Sends one request with a body of any type; an error past `timeout`.
    pub async fn send_body(
        &mut self,
        method: Method,
        path: &str,
        cookie: &str,
        body: Option<(&str, Bytes)>,
        timeout: Duration,
    ) -> anyhow::Result<Answer> {
        match tokio::time::timeout(timeout, self.exchange(method, path, cookie, body)).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(error)) => {
                self.sender = None;
                Err(error)
            }
            Err(_) => {
                self.sender = None;
                Err(anyhow!("timeout"))
            }
        }
    }

    async fn exchange(
        &mut self,
        method: Method,
        path: &str,
        cookie: &str,
        body: Option<(&str, Bytes)>,
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
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                Full::new(bytes)
            }
            None => Full::new(Bytes::new()),
        };
        let response = sender.send_request(request.body(body)?).await?;
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
