//! THE STRIPE TEST DOUBLE (`tests/stripe_double/`, kept with the tests) as a process of
//! its own, for the browser tests (`e2e/`) and `bench/run --stripe`, which cannot start
//! it in their own runtime: `cargo build --example stripe-double`. Not Stripe: see
//! `tests/stripe_double/mod.rs`. It prints its address (`http://127.0.0.1:PORT`) on the
//! first line of its output, reads the shop's webhook address from its first line of
//! input, and delivers every pending event there every 200 ms, signed, until it is taken
//! (a refused or failed delivery is tried again, as Stripe retries). It ends when its
//! input closes.

#[path = "../tests/stripe_double/mod.rs"]
mod stripe_double;

use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the input said: where to deliver, and whether it has closed.
#[derive(Default)]
struct Told {
    endpoint: Option<String>,
    closed: bool,
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let double = stripe_double::StripeDouble::start();
    println!("{}", double.base);
    std::io::stdout().flush()?;
    let told = Arc::new(Mutex::new(Told::default()));
    let input = Arc::clone(&told);
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if !line.trim().is_empty() {
                input.lock().expect("told").endpoint = Some(line.trim().to_owned());
            }
        }
        input.lock().expect("told").closed = true;
    });
    let mut delivering = false;
    loop {
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
        let (endpoint, closed) = {
            let told = told.lock().expect("told");
            (told.endpoint.clone(), told.closed)
        };
        if closed {
            break;
        }
        if let Some(endpoint) = endpoint.filter(|_| !delivering) {
            double.deliver_to(&endpoint);
            delivering = true;
        }
        if delivering {
            double.deliver_pending(false).await;
        }
    }
    double.stop().await;
    Ok(())
}
