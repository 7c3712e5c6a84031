//! The double's hosted payment page (Stripe Checkout's stand-in): the amount, and Pay and
//! Decline. Pay completes the session (a `checkout.session.completed` event follows) and
//! goes to its `success_url`; Decline says the card was declined and offers both again.

use std::sync::Mutex;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;

use super::State;

/// The double's own address, for the sessions' `url`.
pub struct PageBase(pub String);

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/c/pay/{id}", web::get().to(page))
        .route("/c/pay/{id}/pay", web::post().to(pay))
        .route("/c/pay/{id}/decline", web::post().to(decline));
}

fn html(status: u16, title: &str, body: &str) -> HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body><main><h1>{title}</h1>{body}</main></body></html>"
        ))
}

fn payment_forms(id: &str, (amount, back): (i64, String), message: &str) -> String {
    format!(
        "<p>Stripe test double: pay £{}.{:02}</p>{message}\
         <form method=\"post\" action=\"/c/pay/{id}/pay\"><button type=\"submit\">Pay</button></form>\
         <form method=\"post\" action=\"/c/pay/{id}/decline\"><button type=\"submit\">Decline</button></form>\
         <p><a href=\"{back}\">Back to the shop</a></p>",
        amount / 100,
        amount % 100
    )
}

/// The session if it can still be paid: its amount and its `cancel_url` (the page's link
/// back, as Stripe's page has); otherwise the page saying why not.
fn open_session(state: &State, id: &str) -> Result<(i64, String), Box<HttpResponse>> {
    match state.sessions.get(id) {
        None => Err(Box::new(html(404, "Not found", "<p>No such session.</p>"))),
        Some(session) if session["status"] != "open" => Err(Box::new(html(
            409,
            "This session is no longer available",
            "<p>It was paid or has expired.</p>",
        ))),
        Some(session) => Ok((
            session["amount_total"].as_i64().unwrap_or_default(),
            session["cancel_url"]
                .as_str()
                .unwrap_or_default()
                .replace('"', "&quot;"),
        )),
    }
}

async fn page(state: web::Data<Mutex<State>>, path: web::Path<String>) -> HttpResponse {
    let state = state.lock().expect("state");
    match open_session(&state, &path) {
        Ok(amount) => html(200, "Pay", &payment_forms(&path, amount, "")),
        Err(page) => *page,
    }
}

async fn pay(state: web::Data<Mutex<State>>, path: web::Path<String>) -> HttpResponse {
    let mut state = state.lock().expect("state");
    if let Err(page) = open_session(&state, &path) {
        return *page;
    }
    let intent = state.id("pi");
    let Some(session) = state.sessions.get_mut(path.as_str()) else {
        return html(404, "Not found", "");
    };
    session["status"] = json!("complete");
    session["payment_status"] = json!("paid");
    session["payment_intent"] = json!(intent);
    let session = session.clone();
    let success = session["success_url"]
        .as_str()
        .unwrap_or_default()
        .replace("{CHECKOUT_SESSION_ID}", &path);
    super::webhooks::queue(&mut state, "checkout.session.completed", session);
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, success))
        .finish()
}

async fn decline(state: web::Data<Mutex<State>>, path: web::Path<String>) -> HttpResponse {
    let state = state.lock().expect("state");
    match open_session(&state, &path) {
        Ok(amount) => {
            let message = "<p role=\"alert\">Your card was declined.</p>";
            html(402, "Pay", &payment_forms(&path, amount, message))
        }
        Err(page) => *page,
    }
}
