//! Password resets: the same answer for every email, a link queued only for an account,
//! its token stored hashed and used once, every session ended.

use actix_web::http::StatusCode;
use sha2::{Digest, Sha256};

use super::{account_id, signed_up, PASSWORD};
use crate::common::{assert_redirect_to, spawn_app, TestApp};

/// The token of the account's newest reset email, as the email carries it.
fn emailed_token(app: &TestApp) -> String {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        secret: String,
    }
    use diesel::RunQueryDsl;
    let mut conn = app.db.conn().expect("a connection");
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT secret FROM outbox WHERE kind = 'reset' AND secret IS NOT NULL ORDER BY id DESC",
    )
    .load(&mut *conn)
    .expect("read the outbox");
    rows.into_iter().next().expect("a reset email").secret
}

#[actix_web::test]
async fn asking_for_a_reset_answers_the_same_whether_or_not_the_email_has_an_account() {
    let app = spawn_app().await;
    signed_up(&app, "jo@example.com").await;
    let asker = app.browser();
    asker.get("/account/reset").await;

    let known = asker
        .submit("/account/reset", &[("email", "JO@example.com")])
        .await;
    let known_page = asker.follow(&known).await.expect("redirect");
    let unknown = asker
        .submit("/account/reset", &[("email", "nobody@example.com")])
        .await;
    let unknown_page = asker.follow(&unknown).await.expect("redirect");
    let invalid = asker
        .submit("/account/reset", &[("email", "not an email")])
        .await;

    assert_redirect_to(&known, "/account/reset");
    assert_redirect_to(&unknown, "/account/reset");
    let strip = |body: &str| body.replace(char::is_whitespace, "").len();
    assert_eq!(strip(&known_page.body) > 0, strip(&unknown_page.body) > 0);
    assert!(known_page.body.contains("If an account uses that email"));
    assert!(unknown_page.body.contains("If an account uses that email"));
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'reset'"),
        1
    );
    assert_eq!(app.count("password_resets"), 1);
}

#[actix_web::test]
async fn a_reset_link_is_stored_hashed_works_once_and_ends_every_session() {
    let app = spawn_app().await;
    let elsewhere = signed_up(&app, "jo@example.com").await;
    let asker = app.browser();
    asker.get("/account/reset").await;
    asker
        .submit("/account/reset", &[("email", "jo@example.com")])
        .await;
    let token = emailed_token(&app);
    let hashed = hex::encode(Sha256::digest(token.as_bytes()));
    let literal = match app.database.is_postgres() {
        true => format!("'\\x{hashed}'::bytea"),
        false => format!("X'{hashed}'"),
    };
    let stored = app.scalar(&format!(
        "SELECT COUNT(*) AS n FROM password_resets WHERE account_id = {} AND token_hash = {literal}",
        account_id(&app, "jo@example.com")
    ));
    assert_eq!(stored, 1, "only the token's SHA-256 is kept");

    let form = asker.get(&format!("/account/reset/{token}")).await;
    let short = asker
        .submit(&format!("/account/reset/{token}"), &[("password", "short")])
        .await;
    let set = asker
        .submit(
            &format!("/account/reset/{token}"),
            &[("password", "a brand new password")],
        )
        .await;
    let reused = asker
        .submit(
            &format!("/account/reset/{token}"),
            &[("password", "another new password")],
        )
        .await;
    let reopened = asker.get(&format!("/account/reset/{token}")).await;

    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_redirect_to(&set, "/account/login");
    assert_eq!(reused.status, StatusCode::GONE);
    assert_eq!(reopened.status, StatusCode::GONE);
    assert_eq!(
        elsewhere.get("/account").await.status,
        StatusCode::SEE_OTHER,
        "signed out"
    );
    let old = app.browser().sign_in("jo@example.com", PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .browser()
        .sign_in("jo@example.com", "a brand new password")
        .await;
    assert_eq!(new.location(), Some("/account"));
}

#[actix_web::test]
async fn an_expired_or_unknown_reset_link_is_410_and_changes_nothing() {
    let app = spawn_app().await;
    signed_up(&app, "jo@example.com").await;
    let asker = app.browser();
    asker.get("/account/reset").await;
    asker
        .submit("/account/reset", &[("email", "jo@example.com")])
        .await;
    let token = emailed_token(&app);
    app.execute("UPDATE password_resets SET expires_at = 0");

    let expired = asker.get(&format!("/account/reset/{token}")).await;
    let posted = asker
        .submit(
            &format!("/account/reset/{token}"),
            &[("password", "a brand new password")],
        )
        .await;
    let unknown = asker.get("/account/reset/not-a-token").await;

    for page in [&expired, &posted, &unknown] {
        assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
        assert!(page.body.contains("Ask for a new link"));
    }
    let still = app.browser().sign_in("jo@example.com", PASSWORD).await;
    assert_eq!(still.location(), Some("/account"));
}

#[actix_web::test]
async fn an_account_gets_at_most_three_working_links_at_once() {
    let app = spawn_app().await;
    signed_up(&app, "jo@example.com").await;
    let asker = app.browser();
    asker.get("/account/reset").await;

    for _ in 0..5 {
        let page = asker
            .submit("/account/reset", &[("email", "jo@example.com")])
            .await;
        assert_redirect_to(&page, "/account/reset");
    }

    assert_eq!(app.count("password_resets"), 3);
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM outbox WHERE kind = 'reset'"),
        3
    );
}
