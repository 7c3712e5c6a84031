//! Orders: placing one exactly once ([`place`]), reading them back, listing them for
//! admins ([`listing`]), moving them on ([`status`]), their payment ([`payment`]), its
//! deadline ([`deadline`]) and its online payment ([`online`]).

mod deadline;
mod listing;
mod online;
mod payment;
mod place;
mod status;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{order_events, order_lines, orders};
use crate::db::{DbConnection, QueryResult};
use crate::domain::{Money, OrderNumber, OrderStatus, OrderToken, PaymentState};

pub use deadline::{cancel_next_overdue, DEADLINE_ACTOR};
pub use listing::{
    item_counts, list, list_all, paid_late, revenue_since, summary, OrderFilter, Summary,
};
pub use online::{
    confirm_paid, expire_session, next_attempt, record_refund, record_session, take_event,
    Confirmation, ProviderEvent, Taken, LATE_PAYMENT_FLAG, PROVIDER_ACTOR,
};
pub use payment::{payment_events, record_payment, PaymentEvent, PaymentRecord};
pub use place::{basket_version, place, NewOrder, Placement, ShortLine};
pub use status::{change_status, StatusChange};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct Order {
    pub id: i64,
    pub order_token: String,
    #[diesel(deserialize_as = String)]
    pub status: OrderStatus,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_address: String,
    pub total_pence: i64,
    pub created_at: NaiveDateTime,
    /// How it was shipped, when the admin who shipped it said.
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    #[diesel(deserialize_as = String)]
    pub payment_state: PaymentState,
    /// When the shop cancels it if no payment has come; `None` unless awaiting payment.
    pub payment_due_at: Option<NaiveDateTime>,
    /// The payment's reference (a bank transfer's, as recorded; Stripe's PaymentIntent).
    pub payment_reference: Option<String>,
    /// Its current Stripe Checkout Session, while one is open or being made.
    pub stripe_session_id: Option<String>,
    /// How many Checkout Sessions it has had before the current one.
    pub payment_attempt: i32,
}

impl Order {
    pub fn number(&self) -> OrderNumber {
        OrderNumber::from_id(self.id)
    }

    pub fn total(&self) -> Money {
        Money::from_pence(self.total_pence)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_lines)]
pub struct OrderLine {
    pub id: i64,
    pub order_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub unit_price_pence: i64,
    pub quantity: i32,
}

pub fn find_by_token(conn: &mut DbConnection, token: OrderToken) -> QueryResult<Option<Order>> {
    orders::table
        .filter(orders::order_token.eq(token.to_string()))
        .select(Order::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Order>> {
    orders::table
        .find(id)
        .select(Order::as_select())
        .first(conn)
        .optional()
}

pub fn lines(conn: &mut DbConnection, order_id: i64) -> QueryResult<Vec<OrderLine>> {
    order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .select(OrderLine::as_select())
        .order(order_lines::id)
        .load(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    orders::table.count().get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_events)]
pub struct OrderEvent {
    pub id: i64,
    pub order_id: i64,
    pub from_status: String,
    pub to_status: String,
    pub admin_username: String,
    pub created_at: NaiveDateTime,
}

pub fn events(conn: &mut DbConnection, order_id: i64) -> QueryResult<Vec<OrderEvent>> {
    order_events::table
        .filter(order_events::order_id.eq(order_id))
        .select(OrderEvent::as_select())
        .order(order_events::id)
        .load(conn)
}
