//! Start-up: the state prepared from the settings (database migrated, cookie key
//! resolved, demo data and admin loaded), and the [`Application`]: middleware wiring,
//! routes, the bound listener, and the metrics' listener of its own.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::cookie::Key;
use actix_web::dev::{Server, ServerHandle, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Condition};
use actix_web::{guard, web, App, HttpServer};
use anyhow::Context as _;

use crate::catalogue_copy::CatalogueCopy;
use crate::config::{SecretKey, Settings};
use crate::db::models::secret;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::web::access_log::access_log;
use crate::web::headers::{cache_control, security_headers};
use crate::web::request_id::request_id;
use crate::web::request_metrics::request_metrics;
use crate::web::{error_pages, text_input, AppState, SharedHtml};
use crate::{auth, jobs, routes, seed, session, templates};

/// Connects, migrates, resolves the cookie key and loads the demo catalogue and the
/// configured admin if asked: everything the handlers' [`AppState`] needs.
pub fn prepare(settings: Settings) -> anyhow::Result<AppState> {
    let db = Db::new(&settings.database_url, settings.db_pool_size);
    let applied = db.migrate().with_context(|| {
        format!(
            "DATABASE_URL: cannot prepare the {} database",
            settings.database_url.backend_name()
        )
    })?;
    if applied > 0 {
        log::info!("applied {applied} migrations");
    }
    let secret = resolve_secret_key(&db, &settings)?;
    let cookie_key = Key::try_from(secret.as_bytes())
        .map_err(|_| anyhow::anyhow!("TROLLEY_SECRET_KEY: too short"))?;
    if settings.demo_data {
        seed::load_demo_catalogue_if_empty(&db)?;
    }
    if let (Some(username), Some(password)) = (&settings.admin_user, &settings.admin_password) {
        let change = auth::create_admin(&db, username, &password.0, false)
            .context("TROLLEY_ADMIN_USER/TROLLEY_ADMIN_PASSWORD: cannot create the admin")?;
        if change == auth::AdminChange::Created {
            log::info!("created the admin {:?}", auth::normalize_username(username));
        }
    }
    let metrics = Metrics::new(&db);
    let catalogue_copy = Arc::new(CatalogueCopy::new(settings.catalogue_max_age));
    jobs::watch_catalogue(&catalogue_copy, &db).context("cannot start the catalogue watcher")?;
    Ok(AppState {
        db,
        cookie_key,
        templates: templates::load()?,
        catalogue_copy,
        password_checks: auth::PasswordChecks::start(auth::permits_for_this_machine())?,
        pictures: crate::pictures::Pictures::start()?,
        media_cache: crate::web::MediaCache::new(crate::web::MEDIA_CACHE_BYTES),
        shared_html: SharedHtml::default(),
        metrics,
        stripe: stripe(&settings)?,
        settings,
    })
}

/// Stripe Checkout, when the shop takes payment by it (its settings were checked with
/// the others: both keys are there).
fn stripe(settings: &Settings) -> anyhow::Result<Option<crate::stripe::Stripe>> {
    if settings.payments.mode != crate::domain::PaymentMode::Stripe {
        return Ok(None);
    }
    let public_url = settings.mail.receipt_base(&settings.addr);
    let stripe = (settings.payments.stripe.as_ref())
        .and_then(|keys| crate::stripe::Stripe::new(keys, &public_url))
        .context("TROLLEY_STRIPE_API_BASE: not a usable address")?;
    Ok(Some(stripe))
}

/// The cookie key: TROLLEY_SECRET_KEY, or one generated once and kept in the database so
/// that sessions survive restarts and every instance signs alike.
fn resolve_secret_key(db: &Db, settings: &Settings) -> anyhow::Result<SecretKey> {
    if let Some(key) = &settings.secret_key {
        return Ok(key.clone());
    }
    let mut conn = db.conn()?;
    let (hex, created) =
        secret::get_or_create(&mut conn, "cookie_key", || SecretKey::generate().to_hex())?;
    log::warn!(
        "TROLLEY_SECRET_KEY is not set: using the cookie key {} in the database; set \
         TROLLEY_SECRET_KEY (64 bytes, hex or base64) to choose your own",
        if created {
            "just generated and kept"
        } else {
            "generated earlier and kept"
        }
    );
    SecretKey::parse(&hex).context("the cookie key kept in the database is damaged")
}

/// A running server and the port it listens on; and the metrics' server and its port,
/// when `TROLLEY_METRICS_ADDR` is set.
pub struct Application {
    port: u16,
    server: Server,
    metrics: Option<(u16, ServerHandle)>,
}

impl Application {
    /// Prepares the state and binds `TROLLEY_ADDR` (port 0 picks a free port).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.addr)
            .with_context(|| format!("TROLLEY_ADDR: cannot listen on {}", settings.addr))?;
        let state = prepare(settings)?;
        Self::with_listener(state, listener)
    }

    /// Serves the shop on `listener`, and the metrics on `TROLLEY_METRICS_ADDR` if set.
    pub fn with_listener(state: AppState, listener: TcpListener) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        let metrics = (state.settings.operations.metrics_addr.as_deref())
            .map(|addr| serve_metrics(&state, addr))
            .transpose()?;
        let metrics_on = metrics.is_some();
        let state = web::Data::new(state);
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        let blocking_threads = (state.settings.db_pool_size as usize)
            .div_ceil(workers)
            .max(1);
        jobs::start(&state.db, &state.templates, &state.settings, &state.metrics)?;
        let server = HttpServer::new(move || shop(&state, metrics_on))
            // Static files go out as headers then body: without TCP_NODELAY, Nagle's algorithm
            // holds the body until the client's delayed ACK (40 ms).
            .on_connect(|connection, _| {
                if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                    if let Err(error) = tcp.set_nodelay(true) {
                        log::debug!("could not set TCP_NODELAY: {error}");
                    }
                }
            })
            // Database work runs on each worker's blocking pool; more threads than pooled
            // connections would only queue on the pool's lock.
            .worker_max_blocking_threads(blocking_threads)
            .shutdown_timeout(30)
            .workers(workers)
            .listen(listener)?
            .run();
        Ok(Self {
            port,
            server,
            metrics,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The metrics' port, when they are served.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Serves until SIGTERM or Ctrl-C, then stops accepting and lets in-flight requests
    /// finish; the metrics are served until then.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some((_, metrics)) = self.metrics {
            metrics.stop(true).await;
        }
        served
    }

    pub fn server_handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}

/// The shop: its middleware, outside in (the request's id, its metrics when they are
/// served, the access log, the security headers, `Cache-Control`, error pages, the
/// address check), then the session layers and the routes.
fn shop(
    state: &web::Data<AppState>,
    metrics_on: bool,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    // The session layer: actix-session's middleware with Trolley's store, then
    // `read_loaded`. Requests that only read (GET, HEAD) go through a layer whose store
    // reads the session's basket in the same statement as the session, for the page that
    // shows it; every other request through one that reads the session alone. Both serve
    // the same routes.
    let form_target = state
        .stripe
        .as_ref()
        .map(crate::stripe::Stripe::page_origin);
    let layer = |requests: session::Requests| {
        let scope = web::scope("");
        let scope = match requests {
            session::Requests::ThatRead => scope.guard(guard::Any(guard::Get()).or(guard::Head())),
            session::Requests::ThatWrite => scope,
        };
        scope
            .wrap(from_fn(session::read_loaded))
            .wrap(session::middleware(
                &state.db,
                &state.cookie_key,
                &state.settings,
                requests,
            ))
            .configure(|cfg| routes::configure(cfg, &state.settings.static_dir))
    };
    App::new()
        .wrap(from_fn(text_input::refuse_in_address))
        .wrap(from_fn(error_pages))
        .wrap(from_fn(cache_control))
        .wrap(security_headers(form_target.as_deref()))
        .wrap(from_fn(access_log))
        .wrap(Condition::new(metrics_on, from_fn(request_metrics)))
        .wrap(from_fn(request_id))
        .app_data(state.clone())
        .service(layer(session::Requests::ThatRead))
        .service(layer(session::Requests::ThatWrite))
}

/// Starts the metrics' server on `addr`: GET /metrics and nothing else, one worker, on a
/// listener of its own so that it is reachable only where the operator binds it. It
/// stops with the shop (see [`Application::run_until_stopped`]), not on a signal.
fn serve_metrics(state: &AppState, addr: &str) -> anyhow::Result<(u16, ServerHandle)> {
    let listener = TcpListener::bind(addr)
        .with_context(|| format!("TROLLEY_METRICS_ADDR: cannot listen on {addr}"))?;
    let port = listener.local_addr()?.port();
    let metrics = web::Data::new(state.metrics.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(metrics.clone())
            .configure(routes::metrics::configure)
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    log::info!("metrics are served on port {port} (TROLLEY_METRICS_ADDR)");
    Ok((port, handle))
}
