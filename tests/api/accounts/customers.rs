//! GET /admin/customers and /admin/customers/{id}.

use actix_web::http::StatusCode;

use super::{account_id, signed_up};
use crate::common::{app_and_admin, assert_redirect_to, TEAPOT};

#[actix_web::test]
async fn admins_list_search_and_open_customers_with_their_orders_and_spend() {
    let (app, admin) = app_and_admin().await;
    let jo = signed_up(&app, "jo@example.com").await;
    signed_up(&app, "sam@example.com").await;
    jo.add_to_basket(TEAPOT, 1).await;
    let (_, token) = jo.open_checkout().await;
    jo.place_order(&token).await;
    let id = account_id(&app, "jo@example.com");

    let all = admin.get("/admin/customers").await;
    let found = admin.get("/admin/customers?q=JO%40").await;
    let one = admin.get(&format!("/admin/customers/{id}")).await;
    let missing = admin.get("/admin/customers/999999").await;
    let past_the_end = admin.get("/admin/customers?page=9").await;

    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("jo@example.com") && all.body.contains("sam@example.com"));
    assert!(all.body.contains("£32.00"), "{}", all.body);
    assert!(found.body.contains("jo@example.com") && !found.body.contains("sam@example.com"));
    assert!(one.body.contains("T0000"), "{}", one.body);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(past_the_end.status, StatusCode::NOT_FOUND);
    let nobody = app.browser();
    assert_redirect_to(&nobody.get("/admin/customers").await, "/admin/login");
    assert!(!jo
        .get("/admin/customers")
        .await
        .body
        .contains("sam@example.com"));
}
