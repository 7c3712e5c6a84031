//! The double's API endpoints (see the module's documentation for what they promise).

use std::sync::Mutex;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::{Fault, Recorded, State, SECRET_KEY};

type Shared = web::Data<Mutex<State>>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/v1/checkout/sessions", web::post().to(create_session))
        .route("/v1/checkout/sessions/{id}", web::get().to(get_session))
        .route(
            "/v1/checkout/sessions/{id}/expire",
            web::post().to(expire_session),
        )
        .route("/v1/refunds", web::post().to(create_refund));
}

/// Stripe's error body: `{"error": {"type", "code", "message"}}`.
pub fn error(status: u16, kind: &str, code: &str, message: &str) -> (u16, String) {
    let body = json!({ "error": { "type": kind, "code": code, "message": message } });
    (status, body.to_string())
}

fn answer((status, body): (u16, String), replayed: bool) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
    response.content_type("application/json");
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.body(body)
}

/// What every endpoint does first: the secret key checked, the request recorded, a fault
/// met, and a saved answer replayed; then `run` and its answer saved under the key.
async fn handle(
    state: &Shared,
    req: &HttpRequest,
    body: &web::Bytes,
    run: impl FnOnce(&mut State, &[(String, String)]) -> (u16, String),
) -> HttpResponse {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let key = req
        .headers()
        .get("Idempotency-Key")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let authorised = req
        .headers()
        .get("Authorization")
        .and_then(|value| value.to_str().ok())
        == Some(&format!("Bearer {SECRET_KEY}"));
    let fault = {
        let mut state = state.lock().expect("state");
        state.requests.push(Recorded {
            method: req.method().to_string(),
            path: req.path().to_owned(),
            idempotency_key: key.clone(),
            form: form.clone(),
        });
        state.faults.pop_front()
    };
    if !authorised {
        let message = "Invalid API Key provided.";
        return answer(
            error(401, "invalid_request_error", "api_key_invalid", message),
            false,
        );
    }
    match fault {
        Some(Fault::Status(402)) => {
            let declined = error(
                402,
                "card_error",
                "card_declined",
                "Your card was declined.",
            );
            return answer(declined, false);
        }
        Some(Fault::Status(status)) => {
            let message = "An error occurred with our connection to Stripe.";
            return answer(error(status, "api_error", "api_error", message), false);
        }
        Some(Fault::Hang(time)) => actix_web::rt::time::sleep(time).await,
        None => {}
    }
    let mut state = state.lock().expect("state");
    let parameters = format!("{} {} {form:?}", req.method(), req.path());
    if let Some(key) = &key {
        if let Some((saved, status, body)) = state.idempotent.get(key) {
            if *saved != parameters {
                let message = "Keys for idempotent requests can only be used with the same \
                               parameters they were first used with.";
                return answer(
                    error(400, "idempotency_error", "idempotency_error", message),
                    false,
                );
            }
            return answer((*status, body.clone()), true);
        }
    }
    let result = run(&mut state, &form);
    if let Some(key) = key {
        state
            .idempotent
            .insert(key, (parameters, result.0, result.1.clone()));
    }
    answer(result, false)
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

async fn create_session(
    state: Shared,
    base: web::Data<super::hosted::PageBase>,
    req: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    handle(&state, &req, &body, |state, form| {
        let (Some("payment"), Some(success_url)) = (field(form, "mode"), field(form, "success_url"))
        else {
            let message = "Missing required param: mode and success_url.";
            return error(400, "invalid_request_error", "parameter_missing", message);
        };
        let mut amount_total = 0_i64;
        let mut currency = None;
        for i in 0.. {
            let line = |part: &str| field(form, &format!("line_items[{i}]{part}"));
            let Some(quantity) = line("[quantity]").and_then(|q| q.parse::<i64>().ok()) else {
                break;
            };
            let unit = line("[price_data][unit_amount]").and_then(|a| a.parse::<i64>().ok());
            let (Some(unit), Some(code), Some(_name)) = (
                unit,
                line("[price_data][currency]"),
                line("[price_data][product_data][name]"),
            ) else {
                let message = "Each line item needs price_data with currency, unit_amount and product_data[name].";
                return error(400, "invalid_request_error", "parameter_missing", message);
            };
            currency = Some(code.to_owned());
            amount_total += unit * quantity;
        }
        let Some(currency) = currency else {
            let message = "Missing required param: line_items.";
            return error(400, "invalid_request_error", "parameter_missing", message);
        };
        let id = state.id("cs_test");
        let now = chrono::Utc::now().timestamp();
        let expires_at = match field(form, "expires_at").map(str::parse::<i64>) {
            None => now + 86_400,
            // "It can be anywhere from 30 minutes to 24 hours after Checkout Session creation."
            Some(Ok(at)) if (now + 1_800..=now + 86_400).contains(&at) => at,
            Some(_) => {
                let message = "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.";
                return error(400, "invalid_request_error", "parameter_invalid_integer", message);
            }
        };
        let metadata: serde_json::Map<String, Value> = form
            .iter()
            .filter_map(|(key, value)| {
                let name = key.strip_prefix("metadata[")?.strip_suffix(']')?;
                Some((name.to_owned(), Value::String(value.clone())))
            })
            .collect();
        let session = json!({
            "id": id,
            "object": "checkout.session",
            "amount_subtotal": amount_total,
            "amount_total": amount_total,
            "cancel_url": field(form, "cancel_url"),
            "client_reference_id": field(form, "client_reference_id"),
            "created": now,
            "currency": currency,
            "customer_email": field(form, "customer_email"),
            "expires_at": expires_at,
            "livemode": false,
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": null,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": success_url,
            "url": format!("{}/c/pay/{id}", base.0),
        });
        state.sessions.insert(id, session.clone());
        (200, session.to_string())
    })
    .await
}

fn missing(id: &str) -> (u16, String) {
    let message = format!("No such checkout.session: '{id}'");
    error(404, "invalid_request_error", "resource_missing", &message)
}

async fn get_session(
    state: Shared,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    handle(&state, &req, &body, |state, _| {
        match state.sessions.get(path.as_str()) {
            Some(session) => (200, session.to_string()),
            None => missing(&path),
        }
    })
    .await
}

/// Expires an open session and queues `checkout.session.expired`; false if it is not open.
pub fn expire(state: &mut State, id: &str) -> bool {
    let Some(session) = state.sessions.get_mut(id) else {
        return false;
    };
    if session["status"] != "open" {
        return false;
    }
    session["status"] = json!("expired");
    let session = session.clone();
    super::webhooks::queue(state, "checkout.session.expired", session);
    true
}

async fn expire_session(
    state: Shared,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    handle(&state, &req, &body, |state, _| {
        if !state.sessions.contains_key(path.as_str()) {
            return missing(&path);
        }
        if !expire(state, &path) {
            let message = "Only Checkout Sessions with a status of open can be expired.";
            return error(
                400,
                "invalid_request_error",
                "checkout_session_not_open",
                message,
            );
        }
        (200, state.sessions[path.as_str()].to_string())
    })
    .await
}

async fn create_refund(state: Shared, req: HttpRequest, body: web::Bytes) -> HttpResponse {
    handle(&state, &req, &body, |state, form| {
        let Some(intent) = field(form, "payment_intent") else {
            let message = "Missing required param: payment_intent.";
            return error(400, "invalid_request_error", "parameter_missing", message);
        };
        let Some(amount) = state
            .sessions
            .values()
            .find(|session| session["payment_intent"] == intent)
            .and_then(|session| session["amount_total"].as_i64())
        else {
            let message = format!("No such payment_intent: '{intent}'");
            return error(404, "invalid_request_error", "resource_missing", &message);
        };
        if state
            .refunds
            .iter()
            .any(|refund| refund["payment_intent"] == intent)
        {
            let message = "Charge has already been refunded.";
            return error(
                400,
                "invalid_request_error",
                "charge_already_refunded",
                message,
            );
        }
        let refund = json!({
            "id": state.id("re"),
            "object": "refund",
            "amount": amount,
            "currency": "gbp",
            "payment_intent": intent,
            "status": "succeeded",
            "created": chrono::Utc::now().timestamp(),
        });
        state.refunds.push(refund.clone());
        (200, refund.to_string())
    })
    .await
}
