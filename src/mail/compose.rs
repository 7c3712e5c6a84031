//! An outbox row and its order made into a message: the subject stored with the row,
//! plain-text and HTML bodies from the `emails/` templates, and a Message-ID derived from
//! the event. (A password reset's message is made in [`super::reset`].)

use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use serde::Serialize;

use crate::config::MailSettings;
use crate::db::models::order::{Order, OrderLine};
use crate::db::models::outbox::OutboxEmail;
use crate::domain::{Money, PaymentState};

/// Why an email could not be made: nothing a retry would mend.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("the email cannot be rendered: {0}")]
    Template(#[from] tera::Error),
    /// The log names the email, never the address: the admin's emails page shows it.
    #[error("the customer's address is not one the mail library can send to")]
    Address,
    #[error("the email cannot be built: {0}")]
    Message(#[from] lettre::error::Error),
    #[error("the email is about no order")]
    NoOrder,
    /// Forgotten once its email is sent or given up: a retry has nothing to send.
    #[error(
        "the reset link is no longer kept (it is forgotten once its email is sent or \
         given up): the shopper can ask for a new one"
    )]
    NoResetLink,
}

#[derive(Serialize)]
struct LineView<'a> {
    name: &'a str,
    quantity: i32,
    unit_price: Money,
    line_total: Money,
}

/// The message for `row`, about `order` with its `lines`; receipt links start with
/// `receipt_base`. While the order awaits a bank transfer, the email says how to pay:
/// `instructions` (`TROLLEY_PAYMENT_INSTRUCTIONS`, given when the shop takes them).
pub fn compose(
    templates: &tera::Tera,
    mail: &MailSettings,
    receipt_base: &str,
    (row, instructions): (&OutboxEmail, Option<&str>),
    order: &Order,
    lines: &[OrderLine],
) -> Result<Message, ComposeError> {
    let email = row.order_email().ok_or(ComposeError::NoOrder)?;
    let lines: Vec<LineView<'_>> = lines
        .iter()
        .map(|line| {
            let unit_price = Money::from_pence(line.unit_price_pence);
            LineView {
                name: &line.product_name,
                quantity: line.quantity,
                unit_price,
                line_total: unit_price.times(line.quantity),
            }
        })
        .collect();
    let mut context = tera::Context::new();
    context.insert("kind", email.kind.as_str());
    context.insert("subject", &row.subject);
    context.insert("number", &email.number.to_string());
    context.insert("name", &order.customer_name);
    context.insert("address", &order.customer_address);
    context.insert("lines", &lines);
    context.insert("total", &order.total());
    context.insert("payment", order.payment_state.as_str());
    let awaiting = order.payment_state == PaymentState::Awaiting;
    context.insert("instructions", &instructions.filter(|_| awaiting));
    context.insert("carrier", &order.carrier);
    context.insert("tracking_number", &order.tracking_number);
    context.insert(
        "receipt_url",
        &format!("{receipt_base}/orders/{}", order.order_token),
    );
    let text = templates.render("emails/order.txt", &context)?;
    let html = templates.render("emails/order.html", &context)?;
    let address = row.to_address.parse().map_err(|_| ComposeError::Address)?;
    let to = Mailbox::new(Some(order.customer_name.clone()), address);
    Ok(Message::builder()
        .from(mail.from.clone())
        .to(to)
        .subject(row.subject.as_str())
        .message_id(Some(
            email.message_id(mail.message_id_domain(), row.resends),
        ))
        .multipart(MultiPart::alternative_plain_html(text, html))?)
}
