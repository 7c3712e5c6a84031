//! What the templates see: plain serialisable views of the models, with money formatted.

use serde::Serialize;

use crate::db::models::basket::BasketLine;
use crate::db::models::order::{Order, OrderLine};
use crate::db::models::product::Product;
use crate::domain::{Money, Quantity};

/// Below this many in stock a product says "only N left".
const LOW_STOCK: i32 = 5;

#[derive(Serialize)]
pub struct ProductView {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub price: Money,
    pub stock: i32,
    pub stock_state: &'static str,
    pub image: String,
    pub max_quantity: i32,
}

fn stock_state(stock: i32) -> &'static str {
    match stock {
        0 => "out",
        s if s <= LOW_STOCK => "low",
        _ => "in",
    }
}

impl From<Product> for ProductView {
    fn from(product: Product) -> Self {
        Self {
            id: product.id,
            stock_state: stock_state(product.stock),
            max_quantity: product.stock.clamp(0, Quantity::MAX),
            price: Money::from_pence(product.price_pence),
            slug: product.slug,
            name: product.name,
            description: product.description,
            stock: product.stock,
            image: product.image,
        }
    }
}

#[derive(Serialize)]
pub struct BasketLineView {
    pub product_id: i64,
    pub name: String,
    pub image: String,
    pub unit_price: Money,
    pub quantity: i32,
    pub line_total: Money,
    pub max_quantity: i32,
    pub short: bool,
}

#[derive(Serialize)]
pub struct BasketView {
    pub lines: Vec<BasketLineView>,
    pub count: i64,
    pub total: Money,
}

impl BasketView {
    pub fn new(lines: Vec<BasketLine>) -> Self {
        let lines: Vec<BasketLineView> = lines
            .into_iter()
            .map(|line| {
                let unit_price = Money::from_pence(line.unit_price_pence);
                BasketLineView {
                    product_id: line.product_id,
                    line_total: unit_price.times(line.quantity),
                    max_quantity: line.stock.clamp(line.quantity, Quantity::MAX),
                    short: line.stock < line.quantity,
                    unit_price,
                    quantity: line.quantity,
                    name: line.name,
                    image: line.image,
                }
            })
            .collect();
        Self {
            count: lines.iter().map(|line| i64::from(line.quantity)).sum(),
            total: lines.iter().map(|line| line.line_total).sum(),
            lines,
        }
    }
}

#[derive(Serialize)]
pub struct OrderView {
    pub id: i64,
    pub number: String,
    pub token: String,
    pub status: String,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_address: String,
    pub total: Money,
    pub created_at: String,
}

/// How an order's number is shown and searched for.
pub fn order_number(id: i64) -> String {
    format!("T{id:06}")
}

impl From<Order> for OrderView {
    fn from(order: Order) -> Self {
        Self {
            id: order.id,
            number: order_number(order.id),
            token: order.order_token,
            status: order.status,
            customer_name: order.customer_name,
            customer_email: order.customer_email,
            customer_address: order.customer_address,
            total: Money::from_pence(order.total_pence),
            created_at: order.created_at.format("%-d %B %Y, %H:%M UTC").to_string(),
        }
    }
}

#[derive(Serialize)]
pub struct OrderLineView {
    pub product_id: i64,
    pub name: String,
    pub unit_price: Money,
    pub quantity: i32,
    pub line_total: Money,
}

impl From<OrderLine> for OrderLineView {
    fn from(line: OrderLine) -> Self {
        let unit_price = Money::from_pence(line.unit_price_pence);
        Self {
            product_id: line.product_id,
            line_total: unit_price.times(line.quantity),
            unit_price,
            quantity: line.quantity,
            name: line.product_name,
        }
    }
}
