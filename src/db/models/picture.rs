//! Product pictures: each upload's variants kept in `media` (the bytes, in the database,
//! so that every instance serves them and a backup holds them), and the product's
//! gallery, which its pages show, kept with the product (`products.pictures`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::product_admin::PLACEHOLDER_IMAGE;
use super::product_history;
use crate::db::schema::{media, product_images, products};
use crate::db::{on_backend, sql, write_transaction, DbConnection, Prepared, QueryResult};
use crate::domain::{gallery_to_stored, Picture, Variant};

/// The most pictures a product may have.
pub const MAX_PICTURES: i64 = 8;

/// One variant of an upload, encoded and named, to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewVariant<'a> {
    pub name: &'a str,
    pub width: u32,
    pub height: u32,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// What adding a picture came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    Added(i64),
    /// The product has [`MAX_PICTURES`] already: nothing kept.
    Full,
    NoSuchProduct,
}

/// A stored variant, as `/media/{name}` serves it.
#[derive(Debug, Clone, Queryable)]
pub struct Media {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

// Locks the product's row, so that two uploads at once count each other's picture.
const LOCK_PRODUCT_PG: &str = "SELECT 1 AS returned FROM products WHERE id = $1 FOR UPDATE";

fn lock_product(conn: &mut DbConnection, product_id: i64) -> QueryResult<bool> {
    match conn {
        DbConnection::Postgresql(_) => {
            let lock = sql::raw(LOCK_PRODUCT_PG).bind::<BigInt, _>(product_id);
            Ok(!Prepared::new(lock)
                .load::<crate::db::Returned>(conn)?
                .is_empty())
        }
        DbConnection::Sqlite(_) => {
            let found: i64 = products::table
                .filter(products::id.eq(product_id))
                .count()
                .get_result(conn)?;
            Ok(found == 1)
        }
    }
}

/// Who changes a product's pictures, and when (for its history).
#[derive(Debug, Clone, Copy)]
pub struct ChangedBy<'a> {
    pub admin: &'a str,
    pub now: NaiveDateTime,
}

/// Keeps a picture of `product_id` (its `variants`, narrowest first), last in its
/// gallery, in one transaction.
pub fn add(
    conn: &mut DbConnection,
    product_id: i64,
    alt: &str,
    variants: &[NewVariant<'_>],
    by: ChangedBy<'_>,
) -> QueryResult<Added> {
    write_transaction(conn, |conn| {
        if !lock_product(conn, product_id)? {
            return Ok(Added::NoSuchProduct);
        }
        let held: Vec<i32> = product_images::table
            .filter(product_images::product_id.eq(product_id))
            .select(product_images::position)
            .load(conn)?;
        if i64::try_from(held.len()).unwrap_or(i64::MAX) >= MAX_PICTURES {
            return Ok(Added::Full);
        }
        let widest = variants.last().map_or((0, 0), |v| (v.width, v.height));
        let insert = diesel::insert_into(product_images::table)
            .values((
                product_images::product_id.eq(product_id),
                product_images::position.eq(held.iter().max().map_or(0, |p| p + 1)),
                product_images::alt.eq(alt),
                product_images::width.eq(i32::try_from(widest.0).unwrap_or(i32::MAX)),
                product_images::height.eq(i32::try_from(widest.1).unwrap_or(i32::MAX)),
                product_images::created_at.eq(by.now),
            ))
            .returning(product_images::id);
        let image_id: i64 = on_backend!(conn, backend => insert.get_result(backend))?;
        for variant in variants {
            let keep = diesel::insert_into(media::table)
                .values((
                    media::name.eq(variant.name),
                    media::image_id.eq(image_id),
                    media::content_type.eq(variant.content_type),
                    media::width.eq(i32::try_from(variant.width).unwrap_or(i32::MAX)),
                    media::height.eq(i32::try_from(variant.height).unwrap_or(i32::MAX)),
                    media::bytes.eq(variant.bytes),
                ))
                .on_conflict_do_nothing();
            on_backend!(conn, backend => keep.execute(backend))?;
        }
        refresh_gallery(conn, product_id)?;
        let change = format!("added a picture ({alt})");
        product_history::record(conn, product_id, by.admin, &change, by.now)?;
        Ok(Added::Added(image_id))
    })
}

/// Removes a picture of the product, its bytes with it; returns the names its variants
/// had, or `None` when the product has no such picture.
pub fn remove(
    conn: &mut DbConnection,
    product_id: i64,
    image_id: i64,
    by: ChangedBy<'_>,
) -> QueryResult<Option<Vec<String>>> {
    write_transaction(conn, |conn| {
        let names: Vec<String> = media::table
            .filter(media::image_id.eq(image_id))
            .select(media::name)
            .load(conn)?;
        let removed = diesel::delete(
            product_images::table
                .filter(product_images::id.eq(image_id))
                .filter(product_images::product_id.eq(product_id)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Ok(None);
        }
        refresh_gallery(conn, product_id)?;
        product_history::record(conn, product_id, by.admin, "removed a picture", by.now)?;
        Ok(Some(names))
    })
}

/// Makes a picture the product's main one (first in its gallery). False when it has no
/// such picture.
pub fn make_first(
    conn: &mut DbConnection,
    product_id: i64,
    image_id: i64,
    by: ChangedBy<'_>,
) -> QueryResult<bool> {
    write_transaction(conn, |conn| {
        let first: Option<i32> = product_images::table
            .filter(product_images::product_id.eq(product_id))
            .select(diesel::dsl::min(product_images::position))
            .first(conn)?;
        let moved = diesel::update(
            product_images::table
                .filter(product_images::id.eq(image_id))
                .filter(product_images::product_id.eq(product_id)),
        )
        .set(product_images::position.eq(first.unwrap_or(0) - 1))
        .execute(conn)?;
        if moved == 1 {
            refresh_gallery(conn, product_id)?;
            let change = "made another picture the main one";
            product_history::record(conn, product_id, by.admin, change, by.now)?;
        }
        Ok(moved == 1)
    })
}

/// The product's pictures, main first, read from their rows.
pub fn gallery(conn: &mut DbConnection, product_id: i64) -> QueryResult<Vec<Picture>> {
    let images: Vec<(i64, String)> = product_images::table
        .filter(product_images::product_id.eq(product_id))
        .order((product_images::position, product_images::id))
        .select((product_images::id, product_images::alt))
        .load(conn)?;
    let ids: Vec<i64> = images.iter().map(|(id, _)| *id).collect();
    let variants: Vec<(i64, String, i32, i32)> = media::table
        .filter(media::image_id.eq_any(&ids))
        .order((media::image_id, media::width))
        .select((media::image_id, media::name, media::width, media::height))
        .load(conn)?;
    Ok(images
        .into_iter()
        .map(|(id, alt)| Picture {
            id,
            alt,
            variants: variants
                .iter()
                .filter(|(image, ..)| *image == id)
                .map(|(_, name, width, height)| Variant {
                    name: name.clone(),
                    width: u32::try_from(*width).unwrap_or(0),
                    height: u32::try_from(*height).unwrap_or(0),
                })
                .collect(),
        })
        .collect())
}

/// Writes the product's gallery, and its small picture (the basket's thumbnail), from its
/// pictures' rows: after every change to them, in the same transaction. The product's
/// revision rises with it, so every instance's copy of the catalogue reads it again.
pub fn refresh_gallery(conn: &mut DbConnection, product_id: i64) -> QueryResult<()> {
    let pictures = gallery(conn, product_id)?;
    let thumbnail = pictures
        .first()
        .and_then(Picture::thumbnail)
        .unwrap_or_else(|| PLACEHOLDER_IMAGE.to_owned());
    diesel::update(products::table.find(product_id))
        .set((
            products::pictures.eq(gallery_to_stored(&pictures)),
            products::image.eq(thumbnail),
        ))
        .execute(conn)?;
    Ok(())
}

/// A stored variant by its name.
pub fn media(conn: &mut DbConnection, name: &str) -> QueryResult<Option<Media>> {
    media::table
        .find(name)
        .select((media::content_type, media::bytes))
        .first(conn)
        .optional()
}

/// How many pictures the product has.
pub fn count(conn: &mut DbConnection, product_id: i64) -> QueryResult<i64> {
    product_images::table
        .filter(product_images::product_id.eq(product_id))
        .count()
        .get_result(conn)
}
