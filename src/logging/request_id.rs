//! The request id: what names one request in every log line written while it is served.
//!
//! The id itself travels as a value: the `web::request_id` middleware puts it into the
//! request's extensions (a handler asks for it as an argument) and onto the answer's
//! `X-Request-Id`. For the log lines, it is also this request's *log context*: a
//! task-local that the log format reads ([`current`]). This is the one exception to "no
//! task-locals": a log line can be written from any layer, the database's included, and
//! none of them should have to be handed the request to say whose line it is, any more
//! than they are handed the clock. [`carried`] takes the context along to a blocking
//! thread (`Db::run` does, so the database layer's lines name the request too).

use std::fmt;
use std::future::Future;

use rand::Rng;

tokio::task_local! {
    static CURRENT: RequestId;
}

/// A request id: 1 to [`RequestId::MAX_LEN`] characters of `[A-Za-z0-9._-]`, so that it
/// can go into a header and a log line as it is. Kept inline (no allocation) and `Copy`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RequestId {
    len: u8,
    bytes: [u8; RequestId::MAX_LEN],
}

impl RequestId {
    /// The longest incoming id that is kept.
    pub const MAX_LEN: usize = 64;

    /// An incoming id, when it is sane: not empty, at most 64 characters, each a letter,
    /// a digit, `.`, `_` or `-`. Anything else (a log-injection attempt, a huge header)
    /// is `None`, and the request gets a new id instead.
    pub fn parse(text: &[u8]) -> Option<Self> {
        let sane = |byte: &u8| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-');
        if text.is_empty() || text.len() > Self::MAX_LEN || !text.iter().all(sane) {
            return None;
        }
        let mut bytes = [0; Self::MAX_LEN];
        bytes[..text.len()].copy_from_slice(text);
        Some(Self {
            len: u8::try_from(text.len()).ok()?,
            bytes,
        })
    }

    /// A new id: 128 random bits as 32 lowercase hex digits (the shape of nginx's
    /// `$request_id`).
    pub fn generate() -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut random: u128 = rand::thread_rng().gen();
        let mut bytes = [0; Self::MAX_LEN];
        for byte in bytes[..32].iter_mut().rev() {
            let nibble = u8::try_from(random & 0xf).unwrap_or(0);
            *byte = HEX[usize::from(nibble)];
            random >>= 4;
        }
        Self { len: 32, bytes }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored (see `parse` and `generate`).
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.as_str())
    }
}

/// The request being served where this is called, if any.
pub fn current() -> Option<RequestId> {
    CURRENT.try_with(|id| *id).ok()
}

/// Runs `future` (a request's handling) with `id` as its log context.
pub fn serving<F: Future>(id: RequestId, future: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(id, future)
}

/// Runs `work` with the log context `id` (taken by [`current`] before leaving the
/// request's task), for work done on another thread on the request's behalf.
pub fn carried<T>(id: Option<RequestId>, work: impl FnOnce() -> T) -> T {
    match id {
        Some(id) => CURRENT.sync_scope(id, work),
        None => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sane_incoming_id_is_kept_and_anything_else_refused() {
        for sane in ["a", "abc-DEF_123.xyz", &"x".repeat(64)] {
            let id = RequestId::parse(sane.as_bytes()).expect(sane);
            assert_eq!(id.as_str(), sane);
        }
        let long = "x".repeat(65);
        for bad in [
            "",
            "has space",
            "semi;colon",
            "new\nline",
            "é",
            "a/b",
            long.as_str(),
        ] {
            assert!(RequestId::parse(bad.as_bytes()).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn new_ids_are_32_hex_digits_and_differ() {
        let (one, two) = (RequestId::generate(), RequestId::generate());
        assert_ne!(one, two);
        assert_eq!(one.as_str().len(), 32);
        assert!(one.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(RequestId::parse(one.as_str().as_bytes()), Some(one));
    }

    #[test]
    fn the_context_is_the_request_s_own_and_goes_where_it_is_carried() {
        let id = RequestId::generate();
        assert_eq!(current(), None);
        let seen = actix_rt::System::new().block_on(serving(id, async {
            let here = current();
            let there = std::thread::spawn({
                let carried_id = current();
                move || carried(carried_id, current)
            })
            .join()
            .ok()
            .flatten();
            (here, there)
        }));
        assert_eq!(seen, (Some(id), Some(id)));
        assert_eq!(current(), None);
    }
}
