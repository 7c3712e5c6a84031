//! The copy of the catalogue's pages each instance keeps: served while the products are
//! unchanged, however old, and read again within its age once they change anywhere.

use std::time::{Duration, Instant};

use crate::common::{spawn_app_with, MUG};

#[actix_web::test]
async fn a_change_made_outside_this_instance_shows_within_the_copys_age() {
    let max_age = Duration::from_secs(1);
    let app = spawn_app_with(|settings| settings.catalogue_max_age = max_age).await;
    let shopper = app.browser();
    assert!(shopper.get("/").await.body.contains("Enamel Camping Mug"));
    assert!(shopper
        .get("/?q=mug")
        .await
        .body
        .contains("Enamel Camping Mug"));

    // As another instance, or an operator with SQL, would.
    app.execute(&format!(
        "UPDATE products SET name = 'Speckled Camping Mug' WHERE id = {MUG}"
    ));
    let changed = Instant::now();
    let mut seen = [false, false];
    while !seen.iter().all(|seen| *seen) && changed.elapsed() < 3 * max_age {
        seen[0] |= shopper.get("/").await.body.contains("Speckled Camping Mug");
        seen[1] |= shopper
            .get("/?q=mug")
            .await
            .body
            .contains("Speckled Camping Mug");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    let took = changed.elapsed();

    assert!(seen[0] && seen[1], "the change never showed: {seen:?}");
    assert!(
        took <= max_age,
        "the change showed after {took:?}, later than the copy's age {max_age:?}"
    );
}

#[actix_web::test]
async fn an_unchanged_catalogue_is_served_from_the_copy_without_reading_it_again() {
    let max_age = Duration::from_millis(100);
    let app = spawn_app_with(|settings| settings.catalogue_max_age = max_age).await;
    let reader = app.browser();
    reader.get("/").await;
    reader.get("/?page=1&q=teapot").await;

    // Many times the copy's age, and so many looks for changes that found none.
    actix_web::rt::time::sleep(10 * max_age).await;
    let before = app.statements();
    let front = reader.get("/").await;
    let search = reader.get("/?page=1&q=teapot").await;

    assert!(front.body.contains("Enamel Camping Mug"));
    assert!(search.body.contains("Stoneware Teapot"));
    assert_eq!(app.statements() - before, 0, "pages read again");
}
