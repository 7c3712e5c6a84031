//! What the templates see: plain serialisable views of the models, with money formatted.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use crate::db::models::basket::{self, BasketLine};
use crate::db::models::order::{Order, OrderLine};
use crate::db::models::product::Product;
use crate::domain::{gallery_from_stored, Money, Picture, Quantity};

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
    /// Its pictures, the main one first; none: the page shows the neutral placeholder.
    pub pictures: Vec<PictureView>,
}

/// A picture as an `<img>` takes it.
#[derive(Serialize)]
pub struct PictureView {
    pub id: i64,
    pub src: String,
    pub srcset: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    /// The widest variant's address (a link to see it large).
    pub large: String,
}

impl From<Picture> for PictureView {
    fn from(picture: Picture) -> Self {
        let fallback = picture
            .fallback()
            .map(|v| v.name.clone())
            .unwrap_or_default();
        let (large, width, height) = picture.widest().map_or((String::new(), 0, 0), |v| {
            (v.name.clone(), v.width, v.height)
        });
        Self {
            id: picture.id,
            src: format!("/media/{fallback}"),
            srcset: picture.srcset(),
            width,
            height,
            large: format!("/media/{large}"),
            alt: picture.alt,
        }
    }
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
            pictures: gallery_from_stored(product.pictures.as_deref())
                .into_iter()
                .map(PictureView::from)
                .collect(),
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
    /// What is left in stock now, when that is less than the line asks for.
    pub stock_left: i32,
    pub short: bool,
    /// Taken off sale since it was added: it can only be removed.
    pub unavailable: bool,
    /// Whether it can be ordered as it is (and so counts in the total).
    pub orderable: bool,
    /// The price the shopper last saw, when it is not the price now.
    pub price_changed_from: Option<Money>,
}

/// A basket as its page and checkout show it: the total and count are of the lines that
/// can be ordered; the others are marked, each with its fix.
#[derive(Serialize)]
pub struct BasketView {
    pub lines: Vec<BasketLineView>,
    /// Every item in the basket (the header's count).
    pub count: i64,
    /// The items that can be ordered, and what they cost.
    pub orderable_count: i64,
    pub total: Money,
    /// How many lines cannot be ordered as they are.
    pub problems: usize,
    /// Whether the basket can be ordered: it has lines, and every one can be.
    pub orderable: bool,
}

impl BasketView {
    pub fn new(lines: Vec<BasketLine>) -> Self {
        let total = basket::orderable_total(&lines);
        let lines: Vec<BasketLineView> = lines
            .into_iter()
            .map(|line| BasketLineView {
                product_id: line.product_id,
                unit_price: line.unit_price(),
                line_total: line.line_total(),
                // The most the shopper can have is what is left, never their own quantity.
                max_quantity: line.stock.clamp(0, Quantity::MAX),
                stock_left: line.stock.max(0),
                short: line.active && line.stock < line.quantity,
                unavailable: !line.active,
                orderable: line.orderable(),
                price_changed_from: line.price_changed_from(),
                quantity: line.quantity,
                name: line.name,
                image: line.image,
            })
            .collect();
        let units = |orderable_only: bool| -> i64 {
            lines
                .iter()
                .filter(|line| line.orderable || !orderable_only)
                .map(|line| i64::from(line.quantity))
                .sum()
        };
        let problems = lines.iter().filter(|line| !line.orderable).count();
        Self {
            count: units(false),
            orderable_count: units(true),
            total,
            problems,
            orderable: problems == 0 && !lines.is_empty(),
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
    /// Its payment state (`not_required`, `awaiting`, `paid`, `expired`, `refunded`).
    pub payment: &'static str,
    /// The payment state in words ("awaiting payment").
    pub payment_label: &'static str,
    /// When the shop cancels it if not paid; `None` unless awaiting payment.
    pub payment_due: Option<String>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
}

/// A moment as the shop's people read it: in the shop's time zone, the zone named
/// ("3 March 2026, 14:05 GMT").
pub fn shown_time(at: NaiveDateTime, zone: Tz) -> String {
    zone.from_utc_datetime(&at)
        .format("%-d %B %Y, %H:%M %Z")
        .to_string()
}

impl OrderView {
    pub fn new(order: Order, zone: Tz) -> Self {
        Self {
            id: order.id,
            number: order.number().to_string(),
            total: order.total(),
            token: order.order_token,
            status: order.status.as_str().to_owned(),
            customer_name: order.customer_name,
            customer_email: order.customer_email,
            customer_address: order.customer_address,
            created_at: shown_time(order.created_at, zone),
            payment: order.payment_state.as_str(),
            payment_label: order.payment_state.label(),
            payment_due: order.payment_due_at.map(|at| shown_time(at, zone)),
            carrier: order.carrier,
            tracking_number: order.tracking_number,
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
