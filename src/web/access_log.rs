//! The access log: one line per request, with secret addresses redacted. An order token
//! is the receipt's password, so `/orders/{token}` is logged as `/orders/[redacted]`; a
//! password reset link's token likewise (`/account/reset/[redacted]`).

use actix_web::dev::ServiceRequest;
use actix_web::middleware::Logger;

/// The access log middleware: client, request line (redacted), status, size, time.
pub fn access_log() -> Logger {
    Logger::new(r#"%a "%{request}xi" %s %b %Dms"#)
        .custom_request_replace("request", |req: &ServiceRequest| request_line(req))
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
