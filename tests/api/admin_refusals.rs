//! An owner's refused change answers with the product's page, never a bare error page:
//! a stale save (409) with what was typed and what the other admin changed beside each
//! field, a stock change out of range (409) or unreadable (422) with the message at the
//! stock field; each keeps its status and changes nothing. Every admin form with errors
//! starts with a focused summary and a title starting "Error: ".

use actix_web::http::StatusCode;

use crate::common::{
    assert_redirect_to, spawn_app_with, Browser, Page, TestApp, ADMIN, ADMIN_PASSWORD, MUG,
};

/// An app in New York's zone (so that a time shown in UTC would show), with two admins.
async fn two_admins() -> (TestApp, Browser, Browser) {
    let app = spawn_app_with(|settings| {
        settings.catalogue_max_age = std::time::Duration::ZERO;
        settings.timezone = chrono_tz::America::New_York;
    })
    .await;
    app.create_admin(ADMIN, ADMIN_PASSWORD);
    app.create_admin("bob", "bobs password is long");
    let (owner, bob) = (app.browser(), app.browser());
    owner.log_in(ADMIN, ADMIN_PASSWORD).await;
    bob.log_in("bob", "bobs password is long").await;
    (app, owner, bob)
}

/// The edit form's fields: name, price, on sale or not, and the version it was shown at.
fn edit<'a>(
    name: &'a str,
    price: &'a str,
    active: bool,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", name),
        ("description", "Blue enamel, white rim."),
        ("price", price),
        ("version", version),
    ];
    if active {
        fields.push(("active", "on"));
    }
    fields
}

/// The product's admin page, drawn for a refusal: its heading, the admin header, a
/// focused summary first and a title starting "Error: ".
#[track_caller]
fn assert_refusal_page(page: &Page, status: StatusCode, heading: &str) {
    assert_eq!(page.status, status, "{}", page.body);
    assert!(
        page.body.contains(&format!("<h1>{heading}</h1>")),
        "{}",
        page.body
    );
    assert!(page.body.contains("<title>Error: "), "{}", page.body);
    assert!(page.body.contains("Trolley admin"), "the admin header");
    assert!(
        page.body
            .contains(r#"id="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus"#),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Back to the orders"),
        "not the error page"
    );
}

/// What a refusal must leave as it was: whether the mug keeps its name, its price, whether
/// it is on sale (1) and how many changes its history has.
fn product_row(app: &TestApp) -> [i64; 4] {
    [
        format!(
            "SELECT COUNT(*) AS n FROM products WHERE id = {MUG} AND name = 'Enamel Camping Mug'"
        ),
        format!("SELECT price_pence AS n FROM products WHERE id = {MUG}"),
        format!("SELECT CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS n FROM products WHERE id = {MUG}"),
        format!("SELECT COUNT(*) AS n FROM product_history WHERE product_id = {MUG}"),
    ]
    .map(|sql| app.scalar(&sql))
}

#[actix_web::test]
async fn a_stale_save_is_409_with_the_typed_values_and_the_other_admins_changes_beside_them() {
    let (app, owner, bob) = two_admins().await;
    let path = format!("/admin/products/{MUG}");
    let opened = owner.get(&path).await.hidden("version").expect("a version");
    let seen = bob.get(&path).await.hidden("version").expect("a version");
    assert_redirect_to(
        &bob.submit(&path, &edit("Enamel Camping Mug", "12.00", false, &seen))
            .await,
        &path,
    );
    let before = product_row(&app);

    let stale = owner
        .submit(&path, &edit("Enamel Mug, Large", "9.50", true, &opened))
        .await;

    assert_refusal_page(&stale, StatusCode::CONFLICT, "Enamel Camping Mug");
    assert!(stale
        .body
        .contains("Someone else saved this product after you opened it"));
    // What the owner typed, in the fields.
    assert!(
        stale.body.contains(r#"value="Enamel Mug, Large""#),
        "{}",
        stale.body
    );
    assert!(stale.body.contains(r#"value="9.50""#));
    assert!(stale
        .body
        .contains(r#"id="active" name="active" type="checkbox" checked"#));
    // Beside each field bob changed: what it is now, who, when (in the shop's zone); the
    // summary links to those fields, and to no other.
    for (field, says) in [
        ("price", "bob changed the price to £12.00 at "),
        ("active", "bob took it off sale at "),
    ] {
        assert!(
            stale
                .body
                .contains(&format!(r##"<a href="#{field}">{says}"##)),
            "{field}: {}",
            stale.body
        );
        let at_field = format!(r#"<p class="field-error" id="{field}-error">{says}"#);
        let note = &stale.body[stale.body.find(&at_field).expect("the note at the field")..];
        let note = &note[..note.find("</p>").expect("its end")];
        assert!(note.contains(" EST.") || note.contains(" EDT."), "{note}");
        assert!(stale
            .body
            .contains(&format!(r#"aria-describedby="{field}-error""#)));
    }
    assert!(!stale.body.contains(r##"<a href="#name">"##));
    assert!(!stale.body.contains(" UTC"));
    // Nothing changed, and the form now carries the current version.
    assert_eq!(product_row(&app), before);
    let current = app.scalar(&format!(
        "SELECT version AS n FROM products WHERE id = {MUG}"
    ));
    assert_eq!(stale.hidden("version"), Some(current.to_string()));

    // Saving again, having looked, overwrites bob's change on purpose.
    let current = current.to_string();
    let fields = edit("Enamel Mug, Large", "9.50", true, &current);
    assert_redirect_to(&owner.submit(&path, &fields).await, &path);
    assert_eq!(product_row(&app)[..3], [0, 950, 1]);
}

#[actix_web::test]
async fn a_stock_change_out_of_range_is_409_with_the_message_at_the_field_and_the_change_kept() {
    let (app, owner, _) = two_admins().await;
    let path = format!("/admin/products/{MUG}/stock");
    let history = product_row(&app)[3];

    let below = owner.submit(&path, &[("change", "-41")]).await;
    app.set_stock(MUG, 999_999);
    let above = owner.submit(&path, &[("change", "+2")]).await;
    let unreadable = owner.submit(&path, &[("change", "lots")]).await;

    for (page, status, typed, says) in [
        (
            &below,
            StatusCode::CONFLICT,
            "-41",
            "would take the stock (40 now) below 0",
        ),
        (&above, StatusCode::CONFLICT, "+2", "above 1000000"),
        (
            &unreadable,
            StatusCode::UNPROCESSABLE_ENTITY,
            "lots",
            "Enter a change such as +10",
        ),
    ] {
        assert_refusal_page(page, status, "Enamel Camping Mug");
        assert!(
            page.body.contains(r##"<a href="#change">"##),
            "{}",
            page.body
        );
        assert!(page.body.contains(&format!(r#"id="change" name="change" type="text" inputmode="numeric" required value="{typed}" aria-invalid="true""#)), "{}", page.body);
        let at_field = &page.body[page
            .body
            .find(r#"id="change-error">"#)
            .expect("at the field")..];
        assert!(
            at_field[..at_field.find("</p>").unwrap_or(0)].contains(says),
            "{says}: {at_field}"
        );
    }
    assert_eq!(app.stock_of(MUG), 999_999, "nothing changed");
    assert_eq!(product_row(&app)[3], history, "no history written");
}

#[actix_web::test]
async fn a_422_edit_keeps_the_typed_values_and_the_categories_ticked() {
    let (app, owner, _) = two_admins().await;
    let made = owner
        .submit(
            "/admin/categories",
            &[("name", "Kitchen"), ("description", "")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let kitchen = app.scalar("SELECT id AS n FROM categories");
    let path = format!("/admin/products/{MUG}");
    let version = owner.get(&path).await.hidden("version").expect("a version");
    let before = product_row(&app);

    let kitchen_id = kitchen.to_string();
    let mut fields = edit("Mug", "nine pounds", true, &version);
    fields.push(("category_ids", &kitchen_id));
    let refused = owner.submit(&path, &fields).await;

    assert_refusal_page(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Enamel Camping Mug",
    );
    assert!(refused.body.contains(r##"<a href="#price">"##));
    assert!(refused.body.contains(r#"value="nine pounds""#));
    assert!(refused.body.contains(&format!(
        r#"name="category_ids" type="checkbox" value="{kitchen}" checked"#
    )));
    assert_eq!(product_row(&app), before);
    assert_eq!(app.count("product_categories"), 0);
}

#[actix_web::test]
async fn every_admin_form_with_errors_starts_with_a_focused_summary_and_an_error_title() {
    let (app, owner, _) = two_admins().await;
    let new_product = owner
        .submit(
            "/admin/products",
            &[("name", ""), ("price", "x"), ("stock", "-1")],
        )
        .await;
    let new_category = owner.submit("/admin/categories", &[("name", "")]).await;
    owner
        .submit(
            "/admin/categories",
            &[("name", "Garden"), ("description", "")],
        )
        .await;
    let category = owner
        .submit("/admin/categories/1", &[("name", ""), ("description", "")])
        .await;
    let login = app.browser().log_in(ADMIN, "wrong password").await;

    for (page, status, title) in [
        (
            &new_product,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Error: New product",
        ),
        (
            &new_category,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Error: Categories",
        ),
        (&category, StatusCode::UNPROCESSABLE_ENTITY, "Error: Garden"),
        (&login, StatusCode::UNAUTHORIZED, "Error: Log in"),
    ] {
        assert_eq!(page.status, status, "{title}: {}", page.body);
        assert!(
            page.body
                .contains(&format!("<title>{title} · Trolley</title>")),
            "{}",
            page.body
        );
        assert!(
            page.body.contains(r#"id="error-summary" role="alert""#)
                && page.body.contains(r#"tabindex="-1" autofocus"#),
            "{title}: {}",
            page.body
        );
    }
    assert!(new_product.body.contains(r##"<a href="#stock">"##));
    assert!(new_category.body.contains(r##"<a href="#name">"##));
}
