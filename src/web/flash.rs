//! One-shot messages shown on the page after a redirect ("Added to your basket").
//!
//! They travel in a short-lived signed cookie rather than in the session, so that showing
//! one never writes to the sessions table.
//!
//! Why not `actix-web-flash-messages`: its `FlashMessage::send()` takes no request or
//! response, so it reaches the answer through a task-local mailbox filled by a middleware,
//! the kind of hidden channel the session layer does without; and a message here carries
//! more than text (a link to the basket), and a refused change's page shows its message
//! without a redirect (`PageNotice`). What it would replace is this file's signed cookie,
//! written with the same `cookies` helper as the CSRF token's.

use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, Key};
use actix_web::{HttpRequest, HttpResponse};
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::cookies;

pub const FLASH_COOKIE: &str = "trolley_flash";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub level: Level,
    pub text: String,
    /// Whether the message ends with a link to the basket ("View your basket").
    #[serde(default)]
    pub basket_link: bool,
    /// A link the message ends with ("View your receipt"), when it has one.
    #[serde(default)]
    pub link: Option<FlashLink>,
}

/// A link at the end of a message: a local path and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashLink {
    pub href: String,
    pub text: String,
}

impl Flash {
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            level: Level::Info,
            text: text.into(),
            basket_link: false,
            link: None,
        }
    }

    /// The message with a link after it.
    pub fn with_link(self, href: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            link: Some(FlashLink {
                href: href.into(),
                text: text.into(),
            }),
            ..self
        }
    }

    /// The message with a link to the basket after it.
    pub fn with_basket_link(self) -> Self {
        Self {
            basket_link: true,
            ..self
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self {
            level: Level::Error,
            text: text.into(),
            basket_link: false,
            link: None,
        }
    }

    /// The flash message this request brought, if its cookie is there and signed by us.
    pub fn from_request(req: &HttpRequest, key: &Key) -> Option<Self> {
        let value = cookies::verified(req, FLASH_COOKIE, key)?;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(value)
            .ok()?;
        serde_json::from_slice(&json).ok()
    }

    fn cookie(&self, key: &Key, secure: bool) -> Option<Cookie<'static>> {
        let json = serde_json::to_vec(self).ok()?;
        let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        cookies::signed(FLASH_COOKIE, value, Duration::minutes(5), key, secure)
    }
}

/// The cookie that clears a shown flash message.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    cookies::removal(FLASH_COOKIE, secure)
}

/// 303 See Other with a message for the next page.
pub fn see_other_with(location: &str, flash: &Flash, key: &Key, secure: bool) -> HttpResponse {
    let mut response = super::redirect::see_other(location);
    if let Some(cookie) = flash.cookie(key, secure) {
        if let Err(error) = response.add_cookie(&cookie) {
            log::warn!("could not set the flash cookie: {error}");
        }
    }
    response
}
