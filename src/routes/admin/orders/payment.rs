//! An order's payment on the admin's pages: POST /admin/orders/{id}/paid records a bank
//! transfer's arrival, and the order page shows the payment's state, reference and
//! history.

use actix_web::{web, HttpResponse};
use chrono::Utc;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::super::params::parse_id;
use crate::db::models::order::{
    self, Order, OrderFilter, PaymentEvent, PaymentRecord, LATE_PAYMENT_FLAG,
};
use crate::domain::{OrderNumber, OrderStatus, PaymentMode, PaymentState};
use crate::routes::views::shown_time;
use crate::session::AdminIdentity;
use crate::web::form::required;
use crate::web::text_input::has_control_character;
use crate::web::{AppError, AppState, Flash, Form};

/// The longest reference a payment is recorded with.
pub const MAX_REFERENCE: usize = 100;

/// The form's field: the payer's reference, as the bank statement shows it.
#[derive(Debug, Deserialize)]
pub struct PaidFields {
    reference: Option<String>,
}

/// The reference typed: 1 to 100 characters, one line.
fn reference(fields: PaidFields) -> Result<String, AppError> {
    let reference = required(fields.reference, "reference")?.trim().to_owned();
    if reference.is_empty() {
        return Err(AppError::Unprocessable(
            "Enter the payment's reference, as the bank statement shows it.".into(),
        ));
    }
    if reference.chars().count() > MAX_REFERENCE || has_control_character(&reference, false) {
        return Err(AppError::Unprocessable(format!(
            "The reference must be one line of at most {MAX_REFERENCE} characters."
        )));
    }
    Ok(reference)
}

/// POST /admin/orders/{id}/paid: the payment recorded once; 303 → the order. A second
/// record changes nothing and says so; an order awaiting no payment is 409.
pub async fn record_paid(
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    form: Form<PaidFields>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = parse_id(&path)?;
    let reference = reference(form.into_inner())?;
    let username = admin.username.clone();
    let now = Utc::now().naive_utc();
    let typed = reference.clone();
    let record = state
        .db
        .query(move |conn| order::record_payment(conn, id, &typed, &username, now))
        .await?;
    let number = OrderNumber::from_id(id);
    let flash = match record {
        PaymentRecord::Recorded => {
            log::info!(
                "admin {:?} recorded the payment of order {number}",
                admin.username
            );
            Flash::info(format!(
                "Order {number} is paid (reference {reference}): it can be shipped."
            ))
        }
        PaymentRecord::AlreadyPaid { reference } => Flash::info(format!(
            "Order {number}'s payment was recorded already (reference {}): nothing changed.",
            reference.unwrap_or_default()
        )),
        PaymentRecord::NotFound => return Err(AppError::NotFound),
        PaymentRecord::Refused { status, payment } => {
            return Err(AppError::Conflict(format!(
                "Order {number} is {status}, {}: it awaits no payment.",
                payment.label()
            )))
        }
    };
    Ok(state.redirect_with(&format!("/admin/orders/{id}"), &flash))
}

/// The list's `payment` filter: empty or `all` is every order.
pub fn filter(text: Option<&str>) -> Result<Option<PaymentState>, AppError> {
    match text.map(str::trim) {
        None | Some("" | "all") => Ok(None),
        Some(text) => PaymentState::parse(text).map(Some).ok_or_else(|| {
            AppError::BadRequest(
                "payment must be not_required, awaiting, paid, expired or refunded.".into(),
            )
        }),
    }
}

/// The list's payment filter: offered when the shop takes payment, or when one is set.
pub fn list_context(context: &mut tera::Context, filter: &OrderFilter, mode: PaymentMode) {
    let states: Vec<(&str, &str)> = PaymentState::ALL
        .iter()
        .map(|state| (state.as_str(), state.label()))
        .collect();
    context.insert(
        "payment_filter",
        &(mode != PaymentMode::None || filter.payment.is_some()),
    );
    context.insert("payment", &filter.payment.map_or("", PaymentState::as_str));
    context.insert("payment_states", &states);
}

/// Why a status change was refused, in words: the status, or the payment not yet made.
pub fn refusal(number: OrderNumber, current: OrderStatus, payment: PaymentState) -> String {
    if current == OrderStatus::Placed && !payment.allows_shipping() {
        format!(
            "Order {number} is {}: record its payment before shipping it.",
            payment.label()
        )
    } else if current == OrderStatus::Placed {
        format!("Order {number} changed meanwhile: look at it again.")
    } else {
        format!("Order {number} is {current}: only a placed order can be shipped or cancelled.")
    }
}

/// What the admin is told after cancelling an order whose payment was `payment`.
pub fn after_cancel(number: OrderNumber, payment: PaymentState) -> String {
    let done = format!("Order {number} is cancelled and its stock put back.");
    match payment {
        PaymentState::Paid => format!("{done} Its payment was recorded: refund it to the payer."),
        _ => done,
    }
}

/// One line of the payment's history.
#[derive(Serialize)]
struct EventView {
    to: &'static str,
    reference: Option<String>,
    by: String,
    at: String,
}

/// The order page's payment section.
#[derive(Serialize)]
pub struct PaymentView {
    state: &'static str,
    label: &'static str,
    reference: Option<String>,
    due: Option<String>,
    /// Whether the form recording a payment is shown: the order awaits a bank transfer.
    can_record: bool,
    /// Whether "Refund payment" is shown: a cancelled order paid by card, not refunded.
    can_refund: bool,
    /// Why an admin should look at it (a payment after its stock went back).
    flag: Option<String>,
    max_reference: usize,
    history: Vec<EventView>,
}

impl PaymentView {
    pub fn new(order: &Order, events: Vec<PaymentEvent>, mode: PaymentMode, zone: Tz) -> Self {
        let state = order.payment_state;
        // Paid after its payment expired (and its stock went back): an admin must look.
        let late = state == PaymentState::Paid
            && events.iter().any(|event| {
                event.from_state == PaymentState::Expired.as_str()
                    && event.to_state == PaymentState::Paid.as_str()
            });
        let history = events
            .into_iter()
            .map(|event| EventView {
                to: PaymentState::parse(&event.to_state).map_or("changed", PaymentState::label),
                reference: event.reference,
                by: event.actor,
                at: shown_time(event.created_at, zone),
            })
            .collect();
        Self {
            state: state.as_str(),
            label: state.label(),
            reference: order.payment_reference.clone(),
            due: order.payment_due_at.map(|at| shown_time(at, zone)),
            can_record: state == PaymentState::Awaiting
                && order.status == OrderStatus::Placed
                && mode == PaymentMode::Manual,
            can_refund: state == PaymentState::Paid
                && order.status == OrderStatus::Cancelled
                && mode == PaymentMode::Stripe,
            flag: late.then(|| LATE_PAYMENT_FLAG.to_owned()),
            max_reference: MAX_REFERENCE,
            history,
        }
    }
}
