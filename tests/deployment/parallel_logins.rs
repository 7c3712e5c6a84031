//! The login throttle counts attempts on every instance: parallel wrong logins for one
//! username, spread over two instances on one PostgreSQL, get at most five password checks.

use actix_web::http::StatusCode;
use trolley::config::DatabaseUrl;
use trolley::db::Db;

use super::processes::{count, fresh_database, Instance, SHARED_KEY};
use crate::common::{Browser, ADMIN, ADMIN_PASSWORD};

#[actix_web::test]
async fn parallel_wrong_logins_over_two_instances_get_at_most_five_password_checks() {
    let url = fresh_database();
    let instances = [
        Instance::start(&url, Some(SHARED_KEY)),
        Instance::start(&url, Some(SHARED_KEY)),
    ];
    let db = Db::new(&DatabaseUrl::Postgres(url.clone()), 2);
    trolley::auth::create_admin(&db, ADMIN, ADMIN_PASSWORD, true).expect("create the admin");
    let mut forms = Vec::new();
    for i in 0..16 {
        let browser = Browser::new(&instances[i % 2].address);
        let page = browser.get("/admin/login").await;
        let token = page.hidden("csrf_token").expect("a token");
        forms.push((browser, token));
    }

    let statuses = futures::future::join_all(forms.iter().map(|(browser, token)| async move {
        browser
            .post_form(
                "/admin/login",
                &[
                    ("csrf_token", token.as_str()),
                    ("username", ADMIN),
                    ("password", "wrong password"),
                ],
            )
            .await
            .status
    }))
    .await;

    let checked = statuses
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    let throttled = statuses
        .iter()
        .filter(|status| **status == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!((1..=5).contains(&checked), "{statuses:?}");
    assert_eq!(checked + throttled, 16, "{statuses:?}");
    assert_eq!(
        count(&url, "SELECT COUNT(*) AS n FROM login_failures"),
        checked as i64
    );
}
