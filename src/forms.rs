//! Reading `application/x-www-form-urlencoded` bodies strictly: the body size is limited,
//! every name and value must be UTF-8, and a field given twice is refused.

use std::borrow::Cow;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use percent_encoding::percent_decode;

use crate::errors::AppError;

/// The largest form body accepted; larger ones are answered 413.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

#[derive(Debug, Default, Clone)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Result<Self, AppError> {
        let mut fields: Vec<(String, String)> = Vec::new();
        for pair in body.split(|&b| b == b'&').filter(|pair| !pair.is_empty()) {
            let mut parts = pair.splitn(2, |&b| b == b'=');
            let name = decode(parts.next().unwrap_or_default())?;
            let value = decode(parts.next().unwrap_or_default())?;
            if fields.iter().any(|(existing, _)| *existing == name) {
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

    /// A field that must be there.
    pub fn require(&self, name: &str) -> Result<&str, AppError> {
        self.get(name)
            .ok_or_else(|| AppError::BadRequest(format!("The field {name} is missing.")))
    }
}

fn decode(raw: &[u8]) -> Result<String, AppError> {
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

impl FromRequest for FormData {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
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
    fn refuses_non_utf8_and_repeated_fields() {
        assert!(FormData::parse(b"name=%FF").is_err());
        assert!(FormData::parse(b"name=\xff").is_err());
        assert!(FormData::parse(b"a=1&a=2").is_err());
    }
}
