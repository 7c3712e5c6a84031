//! The page templates, compiled into the binary and parsed once at start.

/// Every template, by name. Names ending in `.html` are autoescaped.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    (
        "partials/stock.html",
        include_str!("../templates/partials/stock.html"),
    ),
    (
        "partials/add_form.html",
        include_str!("../templates/partials/add_form.html"),
    ),
    (
        "partials/product_grid.html",
        include_str!("../templates/partials/product_grid.html"),
    ),
    (
        "catalogue.html",
        include_str!("../templates/catalogue.html"),
    ),
    ("product.html", include_str!("../templates/product.html")),
    ("basket.html", include_str!("../templates/basket.html")),
    ("checkout.html", include_str!("../templates/checkout.html")),
    ("receipt.html", include_str!("../templates/receipt.html")),
    (
        "partials/error_body.html",
        include_str!("../templates/partials/error_body.html"),
    ),
    ("error.html", include_str!("../templates/error.html")),
    (
        "admin/error.html",
        include_str!("../templates/admin/error.html"),
    ),
    (
        "admin/cancel.html",
        include_str!("../templates/admin/cancel.html"),
    ),
    (
        "emails/order.txt",
        include_str!("../templates/emails/order.txt"),
    ),
    (
        "emails/order.html",
        include_str!("../templates/emails/order.html"),
    ),
    (
        "admin/emails.html",
        include_str!("../templates/admin/emails.html"),
    ),
    (
        "admin/base.html",
        include_str!("../templates/admin/base.html"),
    ),
    (
        "admin/login.html",
        include_str!("../templates/admin/login.html"),
    ),
    (
        "admin/orders.html",
        include_str!("../templates/admin/orders.html"),
    ),
    (
        "admin/order.html",
        include_str!("../templates/admin/order.html"),
    ),
    (
        "admin/products.html",
        include_str!("../templates/admin/products.html"),
    ),
    (
        "admin/product.html",
        include_str!("../templates/admin/product.html"),
    ),
    (
        "admin/baskets.html",
        include_str!("../templates/admin/baskets.html"),
    ),
    (
        "admin/sessions.html",
        include_str!("../templates/admin/sessions.html"),
    ),
];

pub fn load() -> Result<tera::Tera, tera::Error> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.add_raw_templates(TEMPLATES.iter().copied())?;
    Ok(tera)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses() {
        super::load().expect("templates parse");
    }
}
