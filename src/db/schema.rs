//! One portable schema for both backends: only types both dialects share.

diesel::table! {
    sessions (key_hash) {
        key_hash -> Binary,
        state -> Text,
        expires_at -> BigInt,
        admin_id -> Nullable<BigInt>,
        created_at -> Nullable<BigInt>,
        last_seen_at -> Nullable<BigInt>,
        user_agent -> Nullable<Text>,
        basket_id -> Nullable<Text>,
        account_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    secrets (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        description -> Text,
        price_pence -> BigInt,
        stock -> Integer,
        image -> Text,
        active -> Bool,
        version -> BigInt,
        revision -> BigInt,
        pictures -> Nullable<Text>,
    }
}

diesel::table! {
    product_history (id) {
        id -> BigInt,
        product_id -> BigInt,
        admin_username -> Text,
        change -> Text,
        created_at -> Timestamp,
        version -> Nullable<BigInt>,
        fields -> Text,
    }
}

diesel::table! {
    baskets (id) {
        id -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    basket_items (basket_id, product_id) {
        basket_id -> Text,
        product_id -> BigInt,
        quantity -> Integer,
        seen_price_pence -> Nullable<BigInt>,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        order_token -> Text,
        status -> Text,
        customer_name -> Text,
        customer_email -> Text,
        customer_address -> Text,
        total_pence -> BigInt,
        created_at -> Timestamp,
        account_id -> Nullable<BigInt>,
        carrier -> Nullable<Text>,
        tracking_number -> Nullable<Text>,
        payment_state -> Text,
        payment_due_at -> Nullable<Timestamp>,
        payment_reference -> Nullable<Text>,
        stripe_session_id -> Nullable<Text>,
        payment_attempt -> Integer,
    }
}

diesel::table! {
    stripe_events (id) {
        id -> Text,
        kind -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    payment_events (id) {
        id -> BigInt,
        order_id -> BigInt,
        from_state -> Text,
        to_state -> Text,
        reference -> Nullable<Text>,
        actor -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    order_lines (id) {
        id -> BigInt,
        order_id -> BigInt,
        product_id -> BigInt,
        product_name -> Text,
        unit_price_pence -> BigInt,
        quantity -> Integer,
    }
}

diesel::table! {
    admins (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        username -> Text,
        failed_at -> BigInt,
        realm -> Text,
    }
}

diesel::table! {
    order_events (id) {
        id -> BigInt,
        order_id -> BigInt,
        from_status -> Text,
        to_status -> Text,
        admin_username -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        order_id -> Nullable<BigInt>,
        kind -> Text,
        to_address -> Text,
        subject -> Text,
        state -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> BigInt,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        claimed_at -> Nullable<BigInt>,
        account_id -> Nullable<BigInt>,
        secret -> Nullable<Text>,
        resends -> Integer,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        basket_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    basket_merges (from_id) {
        from_id -> Text,
        into_id -> Text,
        expires_at -> BigInt,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Binary,
        account_id -> BigInt,
        expires_at -> BigInt,
    }
}

diesel::table! {
    product_images (id) {
        id -> BigInt,
        product_id -> BigInt,
        position -> Integer,
        alt -> Text,
        width -> Integer,
        height -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    media (name) {
        name -> Text,
        image_id -> BigInt,
        content_type -> Text,
        width -> Integer,
        height -> Integer,
        bytes -> Binary,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        name -> Text,
        slug -> Text,
        description -> Text,
        revision -> BigInt,
    }
}

diesel::table! {
    product_categories (category_id, product_id) {
        product_id -> BigInt,
        category_id -> BigInt,
    }
}

diesel::joinable!(basket_items -> baskets (basket_id));
diesel::joinable!(product_images -> products (product_id));
diesel::joinable!(media -> product_images (image_id));
diesel::joinable!(product_categories -> products (product_id));
diesel::joinable!(product_categories -> categories (category_id));
diesel::joinable!(outbox -> orders (order_id));
diesel::joinable!(order_events -> orders (order_id));
diesel::joinable!(payment_events -> orders (order_id));
diesel::joinable!(basket_items -> products (product_id));
diesel::joinable!(product_history -> products (product_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::joinable!(orders -> accounts (account_id));
diesel::joinable!(password_resets -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    sessions,
    secrets,
    products,
    product_history,
    baskets,
    basket_items,
    orders,
    order_lines,
    admins,
    login_failures,
    order_events,
    payment_events,
    stripe_events,
    outbox,
    accounts,
    basket_merges,
    password_resets,
    product_images,
    media,
    categories,
    product_categories,
);
