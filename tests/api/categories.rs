//! Categories (SPEC "Pictures and categories"): admins make, rename and delete them and
//! put products in any number; shoppers browse a category's page, paged and searched as
//! the catalogue is, from the catalogue's list and a product's links.

use actix_web::http::StatusCode;

use crate::common::{app_and_admin, assert_redirect_to, Browser, TestApp, MUG, TEAPOT};

/// Makes a category through the admin form; returns its id.
async fn make(app: &TestApp, admin: &Browser, name: &str) -> i64 {
    admin.get("/admin/categories").await;
    let page = admin
        .submit("/admin/categories", &[("name", name), ("description", "")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    app.scalar("SELECT MAX(id) AS n FROM categories")
}

/// Saves product `id`'s edit form with these categories ticked.
async fn put_in(admin: &Browser, id: i64, categories: &[i64]) {
    let form = admin.get(&format!("/admin/products/{id}")).await;
    let version = form.hidden("version").expect("a version");
    let name = if id == TEAPOT {
        "Stoneware Teapot"
    } else {
        "Enamel Camping Mug"
    };
    let ids: Vec<String> = categories.iter().map(ToString::to_string).collect();
    let mut fields = vec![
        ("name", name),
        ("description", "As before."),
        ("price", if id == TEAPOT { "32.00" } else { "9.50" }),
        ("active", "on"),
        ("version", version.as_str()),
    ];
    fields.extend(ids.iter().map(|id| ("category_ids", id.as_str())));
    let saved = admin
        .submit(&format!("/admin/products/{id}"), &fields)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

#[actix_web::test]
async fn a_category_gets_a_unique_slug_from_its_name_and_bad_names_are_422() {
    let (app, admin) = app_and_admin().await;

    make(&app, &admin, "Kitchen & Dining").await;
    make(&app, &admin, "Kitchen & Dining").await;
    let empty = admin
        .submit("/admin/categories", &[("name", "  "), ("description", "")])
        .await;
    let listed = admin.get("/admin/categories").await;

    assert_eq!(app.count("categories"), 2);
    assert!(listed.body.contains("kitchen-dining"), "{}", listed.body);
    assert!(listed.body.contains("kitchen-dining-2"), "{}", listed.body);
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("<title>Error: "));
    assert_eq!(
        admin.get("/admin/categories/999").await.status,
        StatusCode::NOT_FOUND
    );
    let nobody = app.browser();
    assert_redirect_to(&nobody.get("/admin/categories").await, "/admin/login");
}

#[actix_web::test]
async fn a_product_in_several_categories_is_listed_on_each_and_links_them() {
    let (app, admin) = app_and_admin().await;
    let kitchen = make(&app, &admin, "Kitchen").await;
    let gifts = make(&app, &admin, "Gifts").await;
    put_in(&admin, TEAPOT, &[kitchen, gifts]).await;
    put_in(&admin, MUG, &[kitchen]).await;
    let shopper = app.browser();

    let catalogue = shopper.get("/").await;
    let kitchen_page = shopper.get("/categories/kitchen").await;
    let gifts_page = shopper.get("/categories/gifts").await;
    let searched = shopper.get("/categories/kitchen?q=TEA").await;
    let product = shopper.get(&format!("/products/{TEAPOT}")).await;

    assert!(
        catalogue
            .body
            .contains("href=\"&#x2F;categories&#x2F;kitchen\"")
            || catalogue.body.contains("href=\"/categories/kitchen\"")
    );
    assert_eq!(kitchen_page.status, StatusCode::OK);
    assert!(
        kitchen_page.body.contains("Stoneware Teapot")
            && kitchen_page.body.contains("Enamel Camping Mug")
    );
    assert!(!kitchen_page.body.contains("Copper Watering Can"));
    assert!(
        gifts_page.body.contains("Stoneware Teapot")
            && !gifts_page.body.contains("Enamel Camping Mug")
    );
    assert!(
        searched.body.contains("Stoneware Teapot") && !searched.body.contains("Enamel Camping Mug")
    );
    assert!(
        product.body.contains("/categories/kitchen") && product.body.contains("/categories/gifts")
    );
    assert!(product.body.contains(">Kitchen</a>"), "{}", product.body);
}

#[actix_web::test]
async fn a_category_page_is_paged_like_the_catalogue_and_unknown_pages_are_404_or_400() {
    let (app, admin) = app_and_admin().await;
    let many = make(&app, &admin, "Many").await;
    app.insert_products(30);
    app.execute(&format!(
        "INSERT INTO product_categories (product_id, category_id) \
         SELECT id, {many} FROM products WHERE name LIKE 'Extra item%'"
    ));
    app.execute("UPDATE products SET stock = stock WHERE name LIKE 'Extra item%'");
    let shopper = app.browser();

    let first = shopper.get("/categories/many").await;
    let second = shopper.get("/categories/many?page=2").await;
    let past = shopper.get("/categories/many?page=3").await;
    let zero = shopper.get("/categories/many?page=0").await;
    let unknown = shopper.get("/categories/no-such-category").await;

    assert_eq!(first.body.matches("class=\"product-link\"").count(), 24);
    assert!(first.body.contains("page=2"), "{}", first.body);
    assert_eq!(second.body.matches("class=\"product-link\"").count(), 6);
    assert_eq!(past.status, StatusCode::NOT_FOUND);
    assert_eq!(zero.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn renaming_keeps_the_address_and_deleting_keeps_the_products() {
    let (app, admin) = app_and_admin().await;
    let id = make(&app, &admin, "Kitchen").await;
    put_in(&admin, TEAPOT, &[id]).await;

    admin.get(&format!("/admin/categories/{id}")).await;
    let renamed = admin
        .submit(
            &format!("/admin/categories/{id}"),
            &[("name", "Cook's Corner"), ("description", "Pots and pans.")],
        )
        .await;
    let page = app.browser().get("/categories/kitchen").await;
    let deleted = admin
        .submit(&format!("/admin/categories/{id}/delete"), &[])
        .await;
    let gone = app.browser().get("/categories/kitchen").await;
    let product = app.browser().get(&format!("/products/{TEAPOT}")).await;

    assert_redirect_to(&renamed, &format!("/admin/categories/{id}"));
    assert!(page.body.contains("Cook&#x27;s Corner") || page.body.contains("Cook's Corner"));
    assert!(page.body.contains("Pots and pans."));
    assert_redirect_to(&deleted, "/admin/categories");
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(product.status, StatusCode::OK);
    assert!(!product.body.contains("/categories/kitchen"));
}

#[actix_web::test]
async fn a_category_page_is_served_from_the_catalogue_copy() {
    let app = crate::common::spawn_app_with(|settings| {
        settings.catalogue_max_age = std::time::Duration::from_secs(3600);
    })
    .await;
    app.execute(
        "INSERT INTO categories (name, slug, description) VALUES ('Kitchen', 'kitchen', '')",
    );
    app.execute(&format!(
        "INSERT INTO product_categories (product_id, category_id) SELECT {TEAPOT}, id FROM categories"
    ));
    let shopper = app.browser();
    shopper.get("/categories/kitchen").await;

    let before = app.statements();
    let again = shopper.get("/categories/kitchen").await;
    let front = shopper.get("/").await;

    assert!(again.body.contains("Stoneware Teapot"));
    assert!(front.body.contains("Kitchen"));
    assert_eq!(
        app.statements() - before,
        1,
        "only the front page, read once"
    );
}
