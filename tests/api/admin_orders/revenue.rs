//! One rule for revenue: the orders list's summary and its chart count the same orders
//! (cancelled ones left out), under any filter, and the page states the rule once.

use super::{admin, buy, set_status};
use crate::common::{spawn_app, MUG, TEAPOT};

/// The revenue in the summary line and in the chart's caption, as the page shows them.
fn figures(body: &str) -> (String, String) {
    let after = |marker: &str, end: &str| {
        let start = body
            .find(marker)
            .unwrap_or_else(|| panic!("{marker} in {body}"))
            + marker.len();
        let stop = body[start..].find(end).expect("its end") + start;
        body[start..stop].to_owned()
    };
    let summary = after("; revenue <strong>", "</strong>");
    let caption = after("Last 30 days", " revenue.");
    let chart = caption.rsplit(", ").next().unwrap_or_default().to_owned();
    (summary, chart)
}

#[actix_web::test]
async fn the_summary_and_the_chart_count_the_same_revenue_whatever_the_filter() {
    let app = spawn_app().await;
    let admin = admin(&app).await;
    buy(&app, MUG, 1, "Ada Lovelace", "ada@example.com").await; // £9.50, placed
    let shipped = buy(&app, TEAPOT, 1, "Grace Hopper", "grace@example.com").await; // £32.00
    let cancelled = buy(&app, MUG, 2, "Charles Babbage", "cb@example.com").await; // £19.00
    set_status(&admin, shipped.id, &[("status", "shipped")]).await;
    set_status(&admin, cancelled.id, &[("status", "cancelled")]).await;

    let all = admin.get("/admin/orders").await;
    assert!(
        all.body.contains(
            "<strong>3</strong> orders; revenue <strong>£41.50</strong> from the 2 not cancelled."
        ),
        "{}",
        all.body
    );
    assert!(all.body.contains("Last 30 days: 2 orders, £41.50 revenue."));
    assert_eq!(
        all.body.matches("cancelled orders are left out").count(),
        1,
        "the rule is stated once"
    );
    assert!(!all.body.contains("in all"), "no second total");

    for (query, revenue) in [
        ("", "£41.50"),
        ("?status=placed", "£9.50"),
        ("?status=shipped", "£32.00"),
        ("?status=cancelled", "£0.00"),
        ("?q=babbage", "£0.00"),
        ("?q=grace", "£32.00"),
        ("?q=example.com&status=shipped", "£32.00"),
        ("?q=nobody", "£0.00"),
    ] {
        let page = admin.get(&format!("/admin/orders{query}")).await;
        let (summary, chart) = figures(&page.body);
        assert_eq!(
            (summary.as_str(), chart.as_str()),
            (revenue, revenue),
            "{query}"
        );
    }
    let cancelled_only = admin.get("/admin/orders?status=cancelled").await;
    assert!(
        cancelled_only
            .body
            .contains("<strong>1</strong> order matching; revenue <strong>£0.00</strong> from the 0 not cancelled."),
        "{}",
        cancelled_only.body
    );
    // The list and the CSV still hold every order, cancelled ones included.
    assert!(all.body.contains("Charles Babbage"));
    let csv = admin.get("/admin/orders.csv").await;
    assert_eq!(csv.body.matches("\nT00000").count(), 3, "{}", csv.body);
    assert!(
        csv.body
            .contains(",cancelled,not_required,Charles Babbage,"),
        "{}",
        csv.body
    );
}
