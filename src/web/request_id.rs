//! `X-Request-Id`: every request gets an id, kept from a sane incoming header (a proxy's,
//! a client's) or new, that names every log line written while it is served (see
//! [`logging`](crate::logging)) and comes back on the answer, errors included.

use std::future::{ready, Ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

use crate::logging::{self, RequestId};

pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Middleware, the outermost: gives the request its id (in its extensions, for handlers
/// that ask for a [`RequestId`]), serves it with that id as its log context, and puts the
/// id on the answer.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|value| RequestId::parse(value.as_bytes()))
        .unwrap_or_else(RequestId::generate);
    req.extensions_mut().insert(id);
    match logging::serving(id, next.call(req)).await {
        Ok(mut response) => {
            name_answer(response.headers_mut(), id);
            Ok(response)
        }
        // A middleware's failure is answered outside the middleware chain: the id goes
        // onto the answer it carries.
        Err(error) => {
            let mut answer = error.error_response();
            name_answer(answer.headers_mut(), id);
            Err(InternalError::from_response(error.to_string(), answer).into())
        }
    }
}

fn name_answer(headers: &mut HeaderMap, id: RequestId) {
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        headers.insert(X_REQUEST_ID, value);
    }
}

/// A handler may ask for the request's id.
impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let id = req.extensions().get::<RequestId>().copied();
        ready(Ok(id.unwrap_or_else(RequestId::generate)))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{test, web, App};

    use super::*;

    #[actix_web::test]
    async fn a_handler_asking_for_the_request_id_gets_the_one_on_the_answer() {
        let app = test::init_service(App::new().wrap(from_fn(request_id)).route(
            "/",
            web::get().to(|id: RequestId| async move {
                format!(
                    "{id} {}",
                    logging::current().map(|c| c == id).unwrap_or(false)
                )
            }),
        ))
        .await;
        for (sent, kept) in [
            (Some("given-1"), true),
            (Some("bad id"), false),
            (None, false),
        ] {
            let mut req = test::TestRequest::get().uri("/");
            if let Some(sent) = sent {
                req = req.insert_header((X_REQUEST_ID, sent));
            }
            let answer = test::call_service(&app, req.to_request()).await;
            let header = answer.headers().get(X_REQUEST_ID).cloned();
            let body = test::read_body(answer).await;
            let header = header.and_then(|value| value.to_str().ok().map(str::to_owned));
            let header = header.unwrap_or_default();
            assert_eq!(String::from_utf8_lossy(&body), format!("{header} true"));
            assert_eq!(Some(header.as_str()) == sent, kept);
        }
    }
}
