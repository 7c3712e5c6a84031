//! The shop's words, parsed at the edge ("parse, don't validate"). No I/O, and no import
//! from any other module of Trolley.

mod account_details;
mod basket_id;
mod customer;
mod email_kind;
mod money;
mod order_email;
mod order_number;
mod order_status;
mod order_token;
mod payment_state;
mod picture;
mod postcode;
mod price;
mod product_draft;
mod product_id;
mod quantity;
mod shipment;
mod stock;

pub use account_details::{account_email, account_name, NewPassword, SignUp};
pub use basket_id::BasketId;
pub use customer::{CustomerAddress, CustomerDetails, CustomerEmail, CustomerName, FieldErrors};
pub use email_kind::{EmailKind, ResetEmail};
pub use money::Money;
pub use order_email::{EmailState, OrderEmail};
pub use order_number::OrderNumber;
pub use order_status::OrderStatus;
pub use order_token::OrderToken;
pub use payment_state::{OrderPayment, PaymentMode, PaymentState};
pub use picture::{gallery_from_stored, gallery_to_stored, variant_widths, Picture, Variant};
pub use postcode::Country;
pub use price::parse_pounds;
pub use product_draft::ProductDraft;
pub use product_id::ProductId;
pub use quantity::Quantity;
pub use shipment::Shipment;
pub use stock::{StockChange, StockLevel, MAX_STOCK};
