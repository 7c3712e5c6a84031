//! The access log: one line per request, with secret addresses redacted. An order token
//! is the receipt's password, so `/orders/{token}` is logged as `/orders/[redacted]`; a
//! password reset link's token likewise (`/account/reset/[redacted]`).

use std::time::Instant;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use log::Level;

/// Middleware: one line per request, written when the answer is ready (inside the
/// request's log context, so that it names the request's id): client, request line
/// (redacted), status, body size (`-` for a stream), time in milliseconds.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if !log::log_enabled!(Level::Info) {
        return next.call(req).await;
    }
    let started = Instant::now();
    let client = req
        .peer_addr()
        .map_or_else(|| "-".to_owned(), |addr| addr.ip().to_string());
    let line = request_line(&req);
    let answered = next.call(req).await;
    let (status, size) = match &answered {
        Ok(response) => (response.status(), response.response().body().size()),
        Err(error) => (error.as_response_error().status_code(), BodySize::None),
    };
    let size = match size {
        BodySize::Sized(bytes) => bytes.to_string(),
        BodySize::None => "0".to_owned(),
        BodySize::Stream => "-".to_owned(),
    };
    let took = started.elapsed().as_secs_f64() * 1000.0;
    log::info!("{client} \"{line}\" {} {size} {took:.6}ms", status.as_u16());
    answered
}

fn request_line(req: &ServiceRequest) -> String {
    let target = req.uri().path_and_query().map_or_else(
        || req.path().to_owned(),
        |target| target.as_str().to_owned(),
    );
    format!("{} {} {:?}", req.method(), redact(&target), req.version())
}

/// The addresses whose next segment is a secret.
const SECRET_AFTER: [&str; 2] = ["/orders/", "/account/reset/"];

/// The request target with any order or reset token taken out.
pub fn redact(target: &str) -> String {
    for prefix in SECRET_AFTER {
        match target.strip_prefix(prefix) {
            Some(rest) if !rest.is_empty() => {
                let tail = rest.find(['/', '?']).map_or("", |at| &rest[at..]);
                let tail = if tail.starts_with('?') { "" } else { tail };
                return format!("{prefix}[redacted]{tail}");
            }
            _ => {}
        }
    }
    target.to_owned()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn receipt_addresses_are_logged_without_their_token() {
        let token = "0b9d8a4e-5f7c-4c1a-9a53-7f3e2b1c6d10";
        assert_eq!(redact(&format!("/orders/{token}")), "/orders/[redacted]");
        assert_eq!(
            redact(&format!("/orders/{token}?x=1")),
            "/orders/[redacted]"
        );
        assert_eq!(redact("/admin/orders/3"), "/admin/orders/3");
        assert_eq!(redact("/basket"), "/basket");
        assert_eq!(
            redact("/account/reset/abcDEF123_-?x"),
            "/account/reset/[redacted]"
        );
        assert_eq!(redact("/account/reset"), "/account/reset");
    }
}
