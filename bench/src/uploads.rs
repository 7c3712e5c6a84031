//! What pictures cost: the name of a picture to fetch (`GET /media/…`), and an admin
//! uploading large pictures while shoppers browse (their p99 against a run without).

use std::io::Cursor;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use bytes::Bytes;
use hyper::{Method, StatusCode};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

use crate::http::Connection;
use crate::shopper::{hidden, Shopper};

/// The admin `bench/run` starts the server with.
pub const ADMIN: &str = "bench-admin";
pub const ADMIN_PASSWORD: &str = "bench admin password";

/// The name of a picture the catalogue shows, for `GET /media/{name}`.
pub async fn a_picture(addr: &str) -> anyhow::Result<String> {
    let mut connection = Connection::new(addr);
    let page = connection.send(Method::GET, "/", "", None).await?;
    let text = String::from_utf8_lossy(&page.body);
    // Tera writes `/` in an attribute as `&#x2F;`.
    let marker = "media&#x2F;";
    let start = text.find(marker).context("no picture on /")? + marker.len();
    let name: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
        .collect();
    Ok(name)
}

/// A large JPEG (a camera's 12 megapixels), as an admin would upload.
fn large_picture(seed: u32) -> anyhow::Result<Vec<u8>> {
    let image = RgbImage::from_fn(4000, 3000, |x, y| {
        let v = (x.wrapping_mul(7) ^ y.wrapping_mul(13)).wrapping_add(seed);
        Rgb([
            v.to_le_bytes()[0],
            (x / 20).to_le_bytes()[0],
            (y / 16).to_le_bytes()[0],
        ])
    });
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(Cursor::new(&mut bytes), 85).encode_image(&image)?;
    Ok(bytes)
}

/// Logs the bench's admin in; returns the admin's cookies and CSRF token.
async fn admin(connection: &mut Connection) -> anyhow::Result<Shopper> {
    let mut admin = Shopper::default();
    let form = connection
        .send(Method::GET, "/admin/login", "", None)
        .await?;
    admin.keep(&form);
    let token = hidden(&form.body, "csrf_token").context("no token on the login form")?;
    let body = format!(
        "csrf_token={token}&username={ADMIN}&password={}",
        ADMIN_PASSWORD.replace(' ', "+")
    );
    let answer = connection
        .send(
            Method::POST,
            "/admin/login",
            &admin.cookie_header(),
            Some(body),
        )
        .await?;
    if answer.status != StatusCode::SEE_OTHER {
        bail!("the bench admin could not log in: {}", answer.status);
    }
    admin.keep(&answer);
    let page = connection
        .send(
            Method::GET,
            "/admin/products/1",
            &admin.cookie_header(),
            None,
        )
        .await?;
    admin.keep(&page);
    admin.csrf = hidden(&page.body, "csrf_token").context("no token on a product page")?;
    Ok(admin)
}

/// Uploads `count` large pictures to products 1, 2, … one after another, as one admin
/// would; returns each upload's time. Each product has room (the demo has one picture).
pub async fn upload_pictures(addr: &str, count: u32) -> anyhow::Result<Vec<Duration>> {
    let mut connection = Connection::new(addr);
    let admin = admin(&mut connection).await?;
    let mut times = Vec::new();
    for i in 0..count {
        let picture = tokio::task::spawn_blocking(move || large_picture(i)).await??;
        let boundary = "trolley-bench-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\nA large picture\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"big.jpg\"\r\n\
             Content-Type: image/jpeg\r\n\r\n",
            admin.csrf
        )
        .into_bytes();
        let picture_len = picture.len();
        body.extend_from_slice(&picture);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let kind = format!("multipart/form-data; boundary={boundary}");
        let started = Instant::now();
        let path = format!("/admin/products/{}/images", i % 13 + 1);
        let answer = connection
            .send_body(
                Method::POST,
                &path,
                &admin.cookie_header(),
                Some((&kind, Bytes::from(body))),
                Duration::from_secs(120),
            )
            .await?;
        if answer.status != StatusCode::SEE_OTHER {
            bail!(
                "an upload of {} bytes was answered {}",
                picture_len,
                answer.status
            );
        }
        times.push(started.elapsed());
    }
    Ok(times)
}
