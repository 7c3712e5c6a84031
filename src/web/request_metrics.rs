//! The requests' metrics: each answered request observed by its route pattern, method
//! and status class, with its latency, and counted while in flight. Installed only when
//! `TROLLEY_METRICS_ADDR` is set.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use super::state::AppState;

/// Middleware. The route is read from the answered request, after routing, where actix
/// knows which resource it matched without searching again. An error that bypasses the
/// answer (a failing session store) has no request left to ask: it counts as unmatched.
pub async fn request_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next.call(req).await;
    };
    let http = state.metrics.http();
    let _in_flight = http.started();
    let started = Instant::now();
    let method = req.method().clone();
    let answered = next.call(req).await;
    let (route, status) = match &answered {
        Ok(response) => (response.request().match_pattern(), response.status()),
        Err(error) => (None, error.as_response_error().status_code()),
    };
    http.observe(&method, route, status, started.elapsed());
    answered
}
