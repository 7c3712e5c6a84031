//! Building and running the application: state, middleware, routes, listener.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_session::config::{CookieContentSecurity, PersistentSession};
use actix_session::SessionMiddleware;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::middleware::{from_fn, Logger};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use anyhow::Context as _;

use crate::catalogue::CatalogueCache;
use crate::config::{SecretKey, Settings};
use crate::db::models::secret;
use crate::db::Db;
use crate::errors::{error_pages, AppError};
use crate::flash::{self, Flash};
use crate::security::{self, CsrfToken};
use crate::session_store::{spawn_cleanup, DieselSessionStore};
use crate::{auth, routes, seed, templates};

pub const SESSION_COOKIE: &str = "trolley_session";

/// What every handler can reach. Built once, outside the server's worker factory.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    pub cookie_key: Key,
    pub templates: tera::Tera,
    /// Verified against when a login names no admin, so that both cost the same.
    pub dummy_password_hash: String,
    pub catalogue: Arc<CatalogueCache>,
}

impl AppState {
    /// Connects, migrates, resolves the cookie key and loads the demo catalogue if asked.
    pub fn prepare(settings: Settings) -> anyhow::Result<Self> {
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
        Ok(Self {
            db,
            cookie_key,
            templates: templates::load()?,
            dummy_password_hash: auth::dummy_hash()?,
            catalogue: Arc::new(CatalogueCache::new(settings.catalogue_max_age)),
            settings,
        })
    }

    /// Renders a page in the site's layout: adds the CSRF token (setting its cookie when
    /// new) and the flash message this request brought (clearing its cookie).
    pub fn render(
        &self,
        req: &HttpRequest,
        status: StatusCode,
        template: &str,
        mut context: tera::Context,
    ) -> Result<HttpResponse, AppError> {
        let csrf = CsrfToken::for_request(req, &self.cookie_key);
        context.insert("csrf_token", csrf.value());
        let flash = Flash::from_request(req, &self.cookie_key);
        context.insert("flash", &flash);
        let html = self.templates.render(template, &context)?;
        let mut response = HttpResponse::build(status);
        response
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "private, no-cache"));
        if let Some(cookie) = csrf.cookie(self) {
            response.cookie(cookie);
        }
        if flash.is_some() {
            response.cookie(flash::removal_cookie());
        }
        Ok(response.body(html))
    }

    pub fn render_error(&self, status: StatusCode, message: &str) -> Result<String, tera::Error> {
        let mut context = tera::Context::new();
        context.insert("status", &status.as_u16());
        context.insert("title", status.canonical_reason().unwrap_or("Error"));
        context.insert("message", message);
        self.templates.render("error.html", &context)
    }

    pub fn redirect_with(&self, location: &str, flash: &Flash) -> HttpResponse {
        flash::see_other_with(
            location,
            flash,
            &self.cookie_key,
            self.settings.cookie_secure,
        )
    }

    pub fn verify_csrf(&self, req: &HttpRequest, submitted: Option<&str>) -> Result<(), AppError> {
        security::verify(req, &self.cookie_key, submitted)
    }

    /// When a session changed now would expire, as Unix seconds (baskets follow it).
    pub fn session_expiry(&self) -> i64 {
        let ttl = i64::try_from(self.settings.session_ttl.as_secs()).unwrap_or(i64::MAX);
        crate::db::models::unix_now().saturating_add(ttl)
    }
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

/// The session middleware: cookie `trolley_session` holding a signed random key, state in
/// the database, living `TROLLEY_SESSION_TTL` seconds from its last change.
pub fn session_middleware(
    db: &Db,
    key: &Key,
    settings: &Settings,
) -> SessionMiddleware<DieselSessionStore> {
    let ttl = i64::try_from(settings.session_ttl.as_secs()).unwrap_or(i64::MAX);
    SessionMiddleware::builder(DieselSessionStore::new(db.clone()), key.clone())
        .cookie_name(SESSION_COOKIE.to_owned())
        .cookie_http_only(true)
        .cookie_same_site(SameSite::Lax)
        .cookie_path("/".to_owned())
        .cookie_secure(settings.cookie_secure)
        .cookie_content_security(CookieContentSecurity::Signed)
        .session_lifecycle(
            PersistentSession::default()
                .session_ttl(actix_web::cookie::time::Duration::seconds(ttl)),
        )
        .build()
}

/// A running server and the port it listens on.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Prepares the state and binds `TROLLEY_ADDR` (port 0 picks a free port).
    pub fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&settings.addr)
            .with_context(|| format!("TROLLEY_ADDR: cannot listen on {}", settings.addr))?;
        let state = AppState::prepare(settings)?;
        Self::with_listener(state, listener)
    }

    pub fn with_listener(state: AppState, listener: TcpListener) -> anyhow::Result<Self> {
        let port = listener.local_addr()?.port();
        let state = web::Data::new(state);
        let workers = std::thread::available_parallelism().map_or(2, usize::from);
        let blocking_threads = (state.settings.db_pool_size as usize)
            .div_ceil(workers)
            .max(1);
        spawn_cleanup(state.db.clone(), Duration::from_secs(300));
        let server = HttpServer::new(move || {
            App::new()
                .wrap(session_middleware(
                    &state.db,
                    &state.cookie_key,
                    &state.settings,
                ))
                .wrap(from_fn(error_pages))
                .wrap(security::security_headers())
                .wrap(Logger::new(r#"%a "%r" %s %b %Dms"#))
                .app_data(state.clone())
                .configure(|cfg| routes::configure(cfg, &state.settings.static_dir))
        })
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
        Ok(Self { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGTERM or Ctrl-C, then stops accepting and lets in-flight requests
    /// finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }

    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn into_server(self) -> Server {
        self.server
    }
}
