//! What the store may do for the request it serves, and what it learnt while serving it:
//! task-local notes, as actix-session hands the store nothing of the request.

use std::cell::{Cell, RefCell};
use std::future::Future;

use crate::db::models::basket::LoadedBasket;
use crate::domain::BasketId;

/// What the store may do for one request, and what it learnt while serving it.
struct RequestNotes {
    /// Whether a load reads the session's basket with the session: for a request that
    /// changes nothing (GET, HEAD), whose page shows the basket as the request found it.
    read_basket: bool,
    /// Set when the store met an unavailable database.
    unavailable: Cell<bool>,
    /// The basket the load read.
    basket: RefCell<Option<LoadedBasket>>,
    /// The key hash of the row the load found.
    row: RefCell<Option<Vec<u8>>>,
    /// Set when the request deleted that row itself, in the transaction of the change
    /// that ended the session (the order).
    row_deleted: Cell<bool>,
}

tokio::task_local! {
    static REQUEST: RequestNotes;
}

/// Runs a request, telling afterwards whether the session store found the database
/// unavailable (down, busy, unwritable). actix-session turns every store error into an
/// opaque 500; this lets the error pages answer those with a 503 instead. With
/// `read_basket` (a request that changes nothing), loading the session also reads its
/// basket's lines, in the same statement, for [`loaded_basket`].
pub async fn serving<F: Future>(read_basket: bool, request: F) -> (F::Output, bool) {
    let notes = RequestNotes {
        read_basket,
        unavailable: Cell::new(false),
        basket: RefCell::new(None),
        row: RefCell::new(None),
        row_deleted: Cell::new(false),
    };
    REQUEST
        .scope(notes, async move {
            let output = request.await;
            (output, REQUEST.with(|notes| notes.unavailable.get()))
        })
        .await
}

/// The lines of basket `id` as this request's session load read them; `None` when it did
/// not read them (a request that writes, a store without label keys, or a session row
/// that does not name this basket yet), and the caller asks the database.
pub fn loaded_basket(id: &BasketId) -> Option<LoadedBasket> {
    with_loaded(id, LoadedBasket::clone)
}

/// How many items basket `id` holds, as this request's session load read it (see
/// [`loaded_basket`]), without copying its lines.
pub fn loaded_count(id: &BasketId) -> Option<i64> {
    with_loaded(id, LoadedBasket::item_count)
}

fn with_loaded<T>(id: &BasketId, read: impl FnOnce(&LoadedBasket) -> T) -> Option<T> {
    REQUEST
        .try_with(|notes| {
            let loaded = notes.basket.borrow();
            loaded.as_ref().filter(|loaded| loaded.id == *id).map(read)
        })
        .ok()
        .flatten()
}

/// The key hash of the session row this request loaded: for a change that ends the
/// session in its own transaction (the order), which then calls [`note_row_deleted`].
pub fn loaded_row() -> Option<Vec<u8>> {
    REQUEST
        .try_with(|notes| notes.row.borrow().clone())
        .ok()
        .flatten()
}

/// Notes that the request deleted the row it loaded, so that the store does not delete
/// it again when the session is purged.
pub fn note_row_deleted() {
    let _ = REQUEST.try_with(|notes| notes.row_deleted.set(true));
}

/// Whether the row with this key hash is the one the request loaded and deleted itself.
pub(super) fn deleted_already(key_hash: &[u8]) -> bool {
    REQUEST
        .try_with(|notes| {
            notes.row_deleted.get() && notes.row.borrow().as_deref() == Some(key_hash)
        })
        .unwrap_or(false)
}

pub(super) fn keep_loaded_row(key_hash: Vec<u8>) {
    let _ = REQUEST.try_with(|notes| *notes.row.borrow_mut() = Some(key_hash));
}

pub(super) fn reads_basket() -> bool {
    REQUEST.try_with(|notes| notes.read_basket).unwrap_or(false)
}

pub(super) fn keep_loaded_basket(basket: Option<LoadedBasket>) {
    // Outside `serving` (a test calling the store) there is no one to keep it for.
    let _ = REQUEST.try_with(|notes| *notes.basket.borrow_mut() = basket);
}

/// Notes that the store met an unavailable database during this request.
pub(super) fn note_unavailable() {
    // Outside `serving` (a test calling the store) there is no one to tell.
    let _ = REQUEST.try_with(|notes| notes.unavailable.set(true));
}
