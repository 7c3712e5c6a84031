//! The demo catalogue: loaded by `trolley seed`, and at start when the catalogue is empty
//! and TROLLEY_DEMO_DATA is not false.

use crate::db::models::picture::{self, ChangedBy, NewVariant};
use crate::db::models::product::{self, NewProduct};
use crate::db::{with_startup_lock, Db, DbConnection};
use crate::pictures::{demo_alt, demo_variants, Encoded};

/// (slug, name, description, price in pence, stock)
const DEMO: &[(&str, &str, &str, i64, i32)] = &[
    (
        "enamel-mug",
        "Enamel Camping Mug",
        "A sturdy enamel mug with a rolled rim, happy by the stove or on the trail. Holds 350 ml.",
        950,
        40,
    ),
    (
        "stoneware-teapot",
        "Stoneware Teapot",
        "Hand-glazed stoneware that keeps a pot of tea hot for the second cup. Brews four cups.",
        3200,
        12,
    ),
    (
        "linen-tea-towel",
        "Linen Tea Towel",
        "Heavy stonewashed linen that dries glasses without lint and softens with every wash.",
        1200,
        60,
    ),
    (
        "beeswax-candle",
        "Beeswax Pillar Candle",
        "Poured from pure beeswax with a cotton wick; burns clean for about forty hours.",
        1450,
        25,
    ),
    (
        "oak-chopping-board",
        "Oak Chopping Board",
        "End-grain English oak, oiled and ready; kind to knives and handsome on the table.",
        3800,
        8,
    ),
    (
        "copper-watering-can",
        "Copper Watering Can",
        "A slender copper can with a long spout for houseplants and window boxes. 1.5 litres.",
        4500,
        5,
    ),
    (
        "wool-throw",
        "Wool Throw Blanket",
        "Woven in Wales from lambswool, in a broad herringbone. 130 × 180 cm.",
        7900,
        6,
    ),
    (
        "ceramic-planter",
        "Ceramic Planter",
        "A speckled white planter with a drainage hole and a matching saucer. 15 cm across.",
        2200,
        18,
    ),
    (
        "cast-iron-skillet",
        "Cast-Iron Skillet",
        "Pre-seasoned 26 cm skillet that goes from hob to oven and lasts a lifetime.",
        5400,
        10,
    ),
    (
        "glass-carafe",
        "Glass Water Carafe",
        "Mouth-blown borosilicate glass with a tumbler that doubles as a lid. 1 litre.",
        1800,
        30,
    ),
    (
        "dot-grid-notebook",
        "Dot-Grid Notebook (A5)",
        "192 numbered pages of 100 gsm paper that fountain pens love, lay-flat binding.",
        875,
        100,
    ),
    (
        "canvas-tote",
        "Canvas Tote Bag",
        "Heavyweight organic cotton canvas with long handles and an inside pocket.",
        1500,
        45,
    ),
    (
        "pour-over-coffee-set",
        "Pour-Over Coffee Set",
        "A ceramic dripper, a glass server and fifty filters: a clean cup every morning.",
        2750,
        3,
    ),
    (
        "brass-bottle-opener",
        "Brass Bottle Opener",
        "Solid brass, weighty in the hand, and it will never rust.",
        1125,
        0,
    ),
];

pub fn demo_catalogue() -> Vec<NewProduct<'static>> {
    DEMO.iter()
        .map(
            |&(slug, name, description, price_pence, stock)| NewProduct {
                slug,
                name,
                description,
                price_pence,
                stock,
                image: format!("/static/img/products/{slug}.svg"),
            },
        )
        .collect()
}

/// Loads the demo products that are missing; returns how many were added.
pub fn load_demo_catalogue(db: &Db) -> anyhow::Result<usize> {
    let mut conn = db.conn()?;
    with_startup_lock(&mut conn, |conn| {
        let added = product::insert_missing(conn, &demo_catalogue())?;
        add_demo_pictures(conn)?;
        Ok(added)
    })
}

/// Gives each demo product with no picture its demo picture, stored as an upload is.
fn add_demo_pictures(conn: &mut DbConnection) -> anyhow::Result<()> {
    let products = product::all(conn)?;
    for (index, &(slug, name, ..)) in DEMO.iter().enumerate() {
        let Some(found) = products.iter().find(|p| p.slug == slug) else {
            continue;
        };
        if found.pictures.is_some() || picture::count(conn, found.id)? > 0 {
            continue;
        }
        let variants: Vec<NewVariant<'_>> =
            demo_variants(index).iter().map(Encoded::to_keep).collect();
        let by = ChangedBy {
            admin: "demo catalogue",
            now: chrono::Utc::now().naive_utc(),
        };
        picture::add(conn, found.id, &demo_alt(name, index), &variants, by)?;
    }
    Ok(())
}

/// Loads the demo catalogue only into an empty catalogue. Instances starting together
/// take turns under the start-up lock, so the catalogue is loaded once.
pub fn load_demo_catalogue_if_empty(db: &Db) -> anyhow::Result<()> {
    let mut conn = db.conn()?;
    let added = with_startup_lock(&mut conn, |conn| {
        if product::count(conn)? > 0 {
            return Ok(0);
        }
        let added = product::insert_missing(conn, &demo_catalogue())?;
        add_demo_pictures(conn)?;
        Ok(added)
    })?;
    if added > 0 {
        log::info!("loaded the demo catalogue ({added} products)");
    }
    Ok(())
}
