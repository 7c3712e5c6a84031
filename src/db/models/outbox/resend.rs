//! An admin's resend: a failed email queued again, or a sent one queued for a copy.

use diesel::prelude::*;

use super::{find, OutboxEmail};
use crate::db::schema::outbox;
use crate::db::{DbConnection, QueryResult};
use crate::domain::{EmailKind, EmailState};

/// What a resend came to, with the email as it is now where there is one to send.
#[derive(Debug, Clone)]
pub enum Resend {
    /// Queued again: the sender delivers it as copy number `resends`.
    Queued(OutboxEmail),
    /// It is queued (or being sent) already: nothing changed.
    AlreadyQueued(OutboxEmail),
    /// The page the admin clicked on was drawn before a resend made since (a second
    /// click, a page left open): nothing changed.
    AlreadyResent(OutboxEmail),
    /// A password reset email: its link is not kept, so there is nothing to send again.
    NoLink,
    NotFound,
}

/// Queues email `id` again, failed or sent, as the admin saw it: `seen_resends` is the
/// count of resends the admin's page showed, and the update takes only a row still at
/// that count, so that two clicks of one button (or two admins) queue it once. Its
/// attempts start again at 0, due at `now_ms`; a sent email keeps when it was last sent.
pub fn resend(
    conn: &mut DbConnection,
    id: i64,
    seen_resends: i32,
    now_ms: i64,
) -> QueryResult<Resend> {
    let states = [EmailState::Failed.as_str(), EmailState::Sent.as_str()];
    let updated = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::state.eq_any(states))
            .filter(outbox::resends.eq(seen_resends))
            .filter(outbox::kind.ne(EmailKind::Reset.as_str())),
    )
    .set((
        outbox::state.eq(EmailState::Queued.as_str()),
        outbox::attempts.eq(0),
        outbox::next_attempt_at.eq(now_ms),
        outbox::claimed_at.eq(None::<i64>),
        outbox::resends.eq(seen_resends.saturating_add(1)),
    ))
    .execute(conn)?;
    let Some(email) = find(conn, id)? else {
        return Ok(Resend::NotFound);
    };
    Ok(match email {
        email if updated == 1 => Resend::Queued(email),
        email if email.kind == EmailKind::Reset => Resend::NoLink,
        email if email.state == EmailState::Queued => Resend::AlreadyQueued(email),
        email => Resend::AlreadyResent(email),
    })
}
