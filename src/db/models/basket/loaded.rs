//! A basket as a request knows it before asking the database: read with the session, in
//! the same statement, by a request that changes nothing; or only named by the session.

use super::{item_count, BasketLine};
use crate::db::{DbConnection, QueryResult};
use crate::domain::BasketId;

/// A basket's lines as they were read with the session that holds it, in the same
/// statement (see `session::find_live_with_basket`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LoadedBasket {
    pub id: BasketId,
    pub lines: Vec<BasketLine>,
}

impl LoadedBasket {
    /// How many items the basket holds (the header's count), as [`item_count`] says.
    pub fn item_count(&self) -> i64 {
        self.lines.iter().map(|line| i64::from(line.quantity)).sum()
    }
}

/// A session's basket, as far as the request knows it before asking the database.
#[derive(Debug, Clone)]
pub enum SessionBasket {
    /// The session holds no basket: it is empty, and nothing is read.
    Empty,
    /// Read with the session, in the same statement.
    Loaded(LoadedBasket),
    /// Held by the session, not read yet.
    Unread(BasketId),
}

impl SessionBasket {
    /// How many items the basket holds (the header's count), if known without a query.
    pub fn known_count(&self) -> Option<i64> {
        match self {
            Self::Empty => Some(0),
            Self::Loaded(basket) => Some(basket.item_count()),
            Self::Unread(_) => None,
        }
    }

    /// How many items the basket holds, read only when not known.
    pub fn count(&self, conn: &mut DbConnection) -> QueryResult<i64> {
        match self {
            Self::Empty => Ok(0),
            Self::Loaded(basket) => Ok(basket.item_count()),
            Self::Unread(basket) => item_count(conn, basket),
        }
    }
}
