//! Domain types, parsed at the edge ("parse, don't validate").

mod customer;
mod money;
mod order_token;
mod quantity;

pub use customer::{CustomerAddress, CustomerDetails, CustomerEmail, CustomerName, FieldErrors};
pub use money::Money;
pub use order_token::OrderToken;
pub use quantity::{ProductId, Quantity};
