//! The basket's page, and its lines as the pages that show them read them.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::db::models::basket::{self, BasketLine, SessionBasket};
use crate::routes::views::BasketView;
use crate::session::TypedSession;
use crate::web::{note_basket_count, AppError, AppState};

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: TypedSession,
) -> Result<HttpResponse, AppError> {
    let lines = lines(&state, &session).await?;
    note_prices_seen(&state, &session, &lines).await?;
    let basket = BasketView::new(lines);
    let mut context = tera::Context::new();
    note_basket_count(&req, basket.count);
    context.insert("basket", &basket);
    state.render(&req, StatusCode::OK, "basket.html", context)
}

/// The session's basket lines: as the session's load read them when it did, else read.
pub async fn lines(state: &AppState, session: &TypedSession) -> Result<Vec<BasketLine>, AppError> {
    match session.basket() {
        SessionBasket::Empty => Ok(Vec::new()),
        SessionBasket::Loaded(loaded) => Ok(loaded.lines),
        SessionBasket::Unread(basket) => {
            let lines = state.db.query(move |conn| basket::lines(conn, &basket));
            Ok(lines.await?)
        }
    }
}

/// Records that the shopper is being shown these lines' changed prices (see
/// [`basket::mark_prices_seen`]): a page showing them writes only when one changed.
pub async fn note_prices_seen(
    state: &AppState,
    session: &TypedSession,
    lines: &[BasketLine],
) -> Result<(), AppError> {
    let (Some(basket), true) = (
        session.basket_id(),
        lines.iter().any(|line| line.price_changed_from().is_some()),
    ) else {
        return Ok(());
    };
    let lines = lines.to_vec();
    state
        .db
        .query(move |conn| basket::mark_prices_seen(conn, &basket, &lines))
        .await?;
    Ok(())
}
