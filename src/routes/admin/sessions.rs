//! GET /admin/sessions: this admin's own sessions; POST /admin/sessions/end-others: sign
//! out everywhere else (see `routes::owned_sessions`).

use actix_web::{web, HttpRequest, HttpResponse};

use crate::db::models::session::Owner;
use crate::routes::owned_sessions;
use crate::session::AdminIdentity;
use crate::web::{AppError, AppState, Form, NoFields};

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
) -> Result<HttpResponse, AppError> {
    owned_sessions::list(&req, &state, Owner::Admin(admin.id), "admin/sessions.html").await
}

pub async fn end_others(
    req: HttpRequest,
    state: web::Data<AppState>,
    admin: web::ReqData<AdminIdentity>,
    _button: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    owned_sessions::end_others(&req, &state, Owner::Admin(admin.id), "/admin/sessions").await
}
