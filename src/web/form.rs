//! Form extractors. A body is read strictly first: its size is limited, every name and
//! value must be UTF-8, and a field given twice is refused ([`FormData`]). Then its fields
//! go into one struct per form, which handlers convert into domain types with `TryFrom`.
//!
//! [`Form`] also checks the CSRF token, so that every POST handler that takes one is
//! protected by its signature alone; [`UncheckedForm`] leaves that to the one handler
//! whose contract orders it later (POST /checkout).

use std::borrow::Cow;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use percent_encoding::percent_decode;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::csrf::{self, CSRF_FIELD};
use super::errors::AppError;
use super::state::AppState;
use super::text_input::has_control_character;

/// The largest form body accepted; larger ones are answered 413.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// A body's fields, read strictly.
#[derive(Debug, Default, Clone)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Result<Self, AppError> {
        let mut fields: Vec<(String, String)> = Vec::new();
        for pair in body.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
            let mut parts = pair.splitn(2, |&b| b == b'=');
            let name = decode(parts.next().unwrap_or_default())?;
            let value = decode(parts.next().unwrap_or_default())?;
            if has_control_character(&name, false) {
                return Err(AppError::Unprocessable(
                    "A field's name has a control character in it, which is not accepted.".into(),
                ));
            }
            if has_control_character(&value, true) {
                return Err(AppError::Unprocessable(format!(
                    "The field {name} has a control character (such as a NUL byte) in it, \
                     which is not accepted."
                )));
            }
            if !is_list(&name) && fields.iter().any(|(existing, _)| *existing == name) {
                return Err(AppError::BadRequest(format!(
                    "The field {name} was sent twice."
                )));
            }
            fields.push((name, value));
        }
        Ok(Self(fields))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    /// The fields as the struct `T` of one form. Fields `T` does not name are ignored; a
    /// list field (see [`is_list`]) is a list of strings, however many times it was sent.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        let mut fields = serde_json::Map::new();
        for (name, value) in &self.0 {
            let value = serde_json::Value::String(value.clone());
            if !is_list(name) {
                fields.insert(name.clone(), value);
                continue;
            }
            match fields
                .entry(name.clone())
                .or_insert_with(|| serde_json::Value::Array(Vec::new()))
            {
                serde_json::Value::Array(values) => values.push(value),
                other => *other = serde_json::Value::Array(vec![value]),
            }
        }
        serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|error| AppError::BadRequest(format!("The form is not understood: {error}")))
    }
}

/// Whether a field may be sent more than once (a set of checkboxes, such as a product's
/// `category_ids`): its name ends in `_ids`. Any other field sent twice is refused.
pub fn is_list(name: &str) -> bool {
    name.ends_with("_ids")
}

/// A field that must be there: form structs hold fields as `Option<String>` so that each
/// handler decides when a missing one is refused (after the path, for instance).
pub fn required(value: Option<String>, name: &str) -> Result<String, AppError> {
    value.ok_or_else(|| AppError::BadRequest(format!("The field {name} is missing.")))
}

/// A form with no fields of its own (only the CSRF token): a button.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// A form posted from one of this site's pages: its CSRF token checked (403 otherwise),
/// its fields in `T`.
#[derive(Debug)]
pub struct Form<T>(pub T);

impl<T> Form<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let expected = req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| csrf::expected(req, &state.cookie_key));
        let body = FormData::from_request(req, payload);
        Box::pin(async move {
            let data = body.await?;
            csrf::check(expected.as_deref(), data.get(CSRF_FIELD))?;
            data.deserialize().map(Self)
        })
    }
}

/// A form whose CSRF token the handler checks itself, when its contract says so: only
/// POST /checkout, whose order-token replay answer comes before any CSRF check.
#[derive(Debug)]
pub struct UncheckedForm<T> {
    pub fields: T,
    pub csrf_token: Option<String>,
}

impl<T: DeserializeOwned + 'static> FromRequest for UncheckedForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = FormData::from_request(req, payload);
        Box::pin(async move {
            let data = body.await?;
            Ok(Self {
                fields: data.deserialize()?,
                csrf_token: data.get(CSRF_FIELD).map(str::to_owned),
            })
        })
    }
}

/// Whether every `%` starts an escape of two hex digits: `%zz` or a lone `%` is refused
/// rather than taken literally.
fn escapes_are_valid(raw: &[u8]) -> bool {
    raw.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || raw
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    })
}

fn decode(raw: &[u8]) -> Result<String, AppError> {
    if !escapes_are_valid(raw) {
        return Err(AppError::BadRequest(
            "The form has a malformed % escape.".into(),
        ));
    }
    let plus_as_space: Cow<'_, [u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    percent_decode(&plus_as_space)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| AppError::BadRequest("The form must be sent as UTF-8 text.".into()))
}

/// Whether the body says it is a urlencoded form, the only kind Trolley's forms send.
fn is_urlencoded(req: &HttpRequest) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

impl FromRequest for FormData {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !is_urlencoded(req) {
            return Box::pin(async { Err(AppError::UnsupportedMediaType) });
        }
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|error| match error.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => AppError::PayloadTooLarge,
                    _ => AppError::BadRequest("The request body could not be read.".into()),
                })?;
            Self::parse(&body)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::FormData;

    #[test]
    fn decodes_fields() {
        let form = FormData::parse(b"name=Zo%C3%AB+Smith&qty=2&empty=").expect("valid");
        assert_eq!(form.get("name"), Some("Zoë Smith"));
        assert_eq!(form.get("qty"), Some("2"));
        assert_eq!(form.get("empty"), Some(""));
        assert_eq!(form.get("missing"), None);
    }

    #[test]
    fn fills_a_form_struct() {
        #[derive(serde::Deserialize)]
        struct Add {
            product_id: Option<String>,
            #[serde(default)]
            note: String,
        }
        let form = FormData::parse(b"product_id=7&csrf_token=x").expect("valid");
        let add: Add = form.deserialize().expect("fits");
        assert_eq!(add.product_id.as_deref(), Some("7"));
        assert_eq!(add.note, "");
    }

    #[test]
    fn refuses_non_utf8_and_repeated_fields() {
        assert!(FormData::parse(b"name=%FF").is_err());
        assert!(FormData::parse(b"name=\xff").is_err());
        assert!(FormData::parse(b"a=1&a=2").is_err());
    }

    #[test]
    fn refuses_control_characters_but_keeps_line_breaks() {
        assert!(FormData::parse(b"name=a%00b").is_err());
        assert!(FormData::parse(b"na%00me=ab").is_err());
        assert!(FormData::parse(b"name=a%1Bb").is_err());
        let form = FormData::parse(b"address=1+High+St%0D%0ALeeds%09LS1").expect("valid");
        assert_eq!(form.get("address"), Some("1 High St\r\nLeeds\tLS1"));
    }

    #[test]
    fn refuses_malformed_escapes() {
        assert!(FormData::parse(b"name=%zz").is_err());
        assert!(FormData::parse(b"name=50%").is_err());
        assert!(FormData::parse(b"name=%4").is_err());
        assert!(FormData::parse(b"name=%41%2b").is_ok());
    }
}
