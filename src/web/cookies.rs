//! Cookies only this site can have written: signed with the site key. The CSRF token and
//! flash messages travel in them, so that neither needs a session row.

use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::HttpRequest;

/// A cookie for the whole site with the attributes every Trolley cookie has: HttpOnly,
/// SameSite=Lax, Path=/, and Secure when configured.
fn site_cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// A signed cookie for the whole site, living `max_age`.
pub fn signed(
    name: &'static str,
    value: String,
    max_age: Duration,
    key: &Key,
    secure: bool,
) -> Option<Cookie<'static>> {
    let mut cookie = site_cookie(name, value, secure);
    cookie.set_max_age(max_age);
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(cookie);
    jar.get(name).cloned()
}

/// The value of the signed cookie `name` this request brought, if its signature holds.
pub fn verified(req: &HttpRequest, name: &str, key: &Key) -> Option<String> {
    let cookie = req.cookie(name)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    let verified = jar.signed(key).get(name)?;
    Some(verified.value().to_owned())
}

/// The cookie that removes `name` from the browser, with the same attributes as the one
/// that set it.
pub fn removal(name: &'static str, secure: bool) -> Cookie<'static> {
    let mut cookie = site_cookie(name, String::new(), secure);
    cookie.make_removal();
    cookie
}
