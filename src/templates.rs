//! The page templates, compiled into the binary and parsed once at start.

/// Every template, by name. Names ending in `.html` are autoescaped.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    (
        "admin/categories.html",
        include_str!("../templates/admin/categories.html"),
    ),
    (
        "admin/category.html",
        include_str!("../templates/admin/category.html"),
    ),
    (
        "admin/nav_links.html",
        include_str!("../templates/admin/nav_links.html"),
    ),
    (
        "admin/category_form.html",
        include_str!("../templates/admin/category_form.html"),
    ),
    (
        "partials/sessions_table.html",
        include_str!("../templates/partials/sessions_table.html"),
    ),
    (
        "macros/forms.html",
        include_str!("../templates/macros/forms.html"),
    ),
    (
        "account/login.html",
        include_str!("../templates/account/login.html"),
    ),
    (
        "account/signup.html",
        include_str!("../templates/account/signup.html"),
    ),
    (
        "account/home.html",
        include_str!("../templates/account/home.html"),
    ),
    (
        "account/password.html",
        include_str!("../templates/account/password.html"),
    ),
    (
        "account/delete.html",
        include_str!("../templates/account/delete.html"),
    ),
    (
        "account/sessions.html",
        include_str!("../templates/account/sessions.html"),
    ),
    (
        "account/reset.html",
        include_str!("../templates/account/reset.html"),
    ),
    (
        "account/reset_password.html",
        include_str!("../templates/account/reset_password.html"),
    ),
    (
        "account/reset_gone.html",
        include_str!("../templates/account/reset_gone.html"),
    ),
    (
        "admin/customers.html",
        include_str!("../templates/admin/customers.html"),
    ),
    (
        "admin/customer.html",
        include_str!("../templates/admin/customer.html"),
    ),
    (
        "emails/reset.txt",
        include_str!("../templates/emails/reset.txt"),
    ),
    (
        "emails/reset.html",
        include_str!("../templates/emails/reset.html"),
    ),
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
    (
        "partials/payment.html",
        include_str!("../templates/partials/payment.html"),
    ),
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
        "admin/ship.html",
        include_str!("../templates/admin/ship.html"),
    ),
    (
        "admin/macros.html",
        include_str!("../templates/admin/macros.html"),
    ),
    (
        "partials/shipment.html",
        include_str!("../templates/partials/shipment.html"),
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
        "admin/order_payment.html",
        include_str!("../templates/admin/order_payment.html"),
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
    // Trolley builds Tera without its optional built-ins: the filters the templates
    // need beyond the core ones are registered here.
    tera.register_filter("urlencode_strict", urlencode_strict);
    tera.add_raw_templates(TEMPLATES.iter().copied())?;
    Ok(tera)
}

/// Percent-encodes every character but ASCII letters and digits, for a value inside a
/// URL's query (`q=tea%20pot`).
fn urlencode_strict(
    value: &tera::Value,
    _args: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("urlencode_strict takes a string"))?;
    let encoded = percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC);
    Ok(tera::Value::String(encoded.to_string()))
}

#[cfg(test)]
mod check;

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn every_template_parses() {
        super::load().expect("templates parse");
    }

    #[test]
    fn urlencode_strict_encodes_everything_but_letters_and_digits() {
        let value = tera::Value::String("tea pot&q=1/é".into());
        let encoded = super::urlencode_strict(&value, &HashMap::new()).expect("a string");
        assert_eq!(
            encoded,
            tera::Value::String("tea%20pot%26q%3D1%2F%C3%A9".into())
        );
    }
}
