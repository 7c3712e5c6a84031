//! What every handler shares: the application state and page rendering, error pages,
//! CSRF, flash messages, signed cookies, security headers and the form extractors; and
//! what every request passes through: its id, its metrics, the access log.

pub mod access_log;
pub mod cookies;
pub mod csrf;
mod error_pages;
mod errors;
pub mod flash;
pub mod form;
pub mod headers;
mod media_cache;
mod page_number;
mod redirect;
pub mod request_id;
pub mod request_metrics;
mod shared_html;
mod state;
pub mod text_input;
mod upload;
mod visitor;

pub use error_pages::error_pages;
pub use errors::{AppError, PlainAnswer};
pub use flash::Flash;
pub use form::{Form, NoFields, UncheckedForm, MAX_FORM_BYTES};
pub use media_cache::{CachedMedia, MediaCache, MEDIA_CACHE_BYTES};
pub use page_number::PageNumber;
pub use redirect::{is_navigation, see_other};
pub use shared_html::SharedHtml;
pub use state::{AppState, PageNotice};
pub use upload::{read_upload, Upload};
pub use visitor::{note_basket_count, FailedEmails, Visitor};
