//! Every refusal of an upload (SPEC: 413, 415, 422, 409, and 403 without the form's
//! token), each changing nothing; the decompression bomb refused from its header; and
//! metadata never reaching a shopper.

use actix_web::http::StatusCode;

use super::{jpeg, multipart, newest_variants, pictures_of, upload};
use crate::common::{app_and_admin, TEAPOT};

/// A PNG that declares 60,000 × 60,000 pixels in a few hundred bytes.
fn bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
        let mut crc_input = kind.to_vec();
        crc_input.extend_from_slice(data);
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        png.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend_from_slice(&60_000u32.to_be_bytes());
    header.extend_from_slice(&60_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JPEG with an EXIF segment naming a GPS position and a camera serial, right after
/// the start marker, as cameras write it.
fn jpeg_with_metadata() -> Vec<u8> {
    let plain = jpeg(640, 480);
    let secret = b"Exif\0\0GPSLatitude 51.5007N GPSLongitude 0.1246W CameraSerial SN-4242-SECRET";
    let mut segment = vec![0xff, 0xe1];
    segment.extend_from_slice(&u16::try_from(secret.len() + 2).unwrap_or(0).to_be_bytes());
    segment.extend_from_slice(secret);
    let mut bytes = plain[..2].to_vec();
    bytes.extend_from_slice(&segment);
    bytes.extend_from_slice(&plain[2..]);
    bytes
}

#[actix_web::test]
async fn every_refused_upload_is_a_clear_4xx_and_keeps_nothing() {
    let (app, admin) = app_and_admin().await;
    let before = pictures_of(&app, TEAPOT);
    let page = admin.get(&format!("/admin/products/{TEAPOT}")).await;
    let token = page.hidden("csrf_token").expect("a token");
    let target = format!("/admin/products/{TEAPOT}/images");

    let not_a_picture = upload(&admin, TEAPOT, "Words", b"just some text, not a picture").await;
    let damaged = upload(&admin, TEAPOT, "Half a picture", &jpeg(400, 300)[..200]).await;
    let no_alt = upload(&admin, TEAPOT, "  ", &jpeg(400, 300)).await;
    let long_alt = upload(&admin, TEAPOT, &"x".repeat(201), &jpeg(400, 300)).await;
    let (kind, no_file) = multipart(&[("csrf_token", &token), ("alt", "Nothing")], None);
    let no_file = admin.post_typed(&target, &kind, no_file).await;
    let too_large = upload(&admin, TEAPOT, "Huge", &vec![0xff; 10 * 1024 * 1024 + 1]).await;
    let (kind, forged) = multipart(
        &[("csrf_token", "forged"), ("alt", "A")],
        Some(&jpeg(64, 64)),
    );
    let forged = admin.post_typed(&target, &kind, forged).await;
    let urlencoded = admin.submit(&target, &[("alt", "A")]).await;
    let unknown_product = upload(&admin, 999_999, "A", &jpeg(64, 64)).await;

    for (page, status, says) in [
        (&not_a_picture, 415, "not a JPEG, PNG or WebP"),
        (&damaged, 422, "could not be read"),
        (&no_alt, 422, "alternative text"),
        (&long_alt, 422, "at most 200"),
        (&no_file, 422, "choose a picture"),
        (&too_large, 413, "too large"),
        (&forged, 403, "expired"),
        (&urlencoded, 415, "multipart"),
    ] {
        assert_eq!(page.status.as_u16(), status, "{says}: {}", page.body);
        assert!(page.body.contains(says), "{says}: {}", page.body);
    }
    assert_eq!(unknown_product.status, StatusCode::NOT_FOUND);
    assert_eq!(pictures_of(&app, TEAPOT), before, "nothing kept");
}

#[actix_web::test]
async fn a_decompression_bomb_is_refused_from_its_header_without_decoding() {
    let (app, admin) = app_and_admin().await;
    let before = pictures_of(&app, TEAPOT);
    let bomb = bomb();
    assert!(bomb.len() < 200, "a tiny file");

    let started = std::time::Instant::now();
    let refused = upload(&admin, TEAPOT, "A bomb", &bomb).await;

    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("60000 × 60000 pixels"),
        "{}",
        refused.body
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(pictures_of(&app, TEAPOT), before);
}

#[actix_web::test]
async fn a_ninth_picture_is_409_and_keeps_nothing() {
    let (app, admin) = app_and_admin().await;
    let held = pictures_of(&app, TEAPOT).0;
    for i in held..8 {
        let page = upload(&admin, TEAPOT, &format!("Picture {i}"), &jpeg(64, 48)).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }

    let ninth = upload(&admin, TEAPOT, "One too many", &jpeg(64, 48)).await;

    assert_eq!(ninth.status, StatusCode::CONFLICT);
    // On the product's page, where the upload form would be.
    assert!(
        ninth
            .body
            .contains(r#"<p class="field-error" id="image">A product has at most 8 pictures"#),
        "{}",
        ninth.body
    );
    assert_eq!(pictures_of(&app, TEAPOT).0, 8);
}

#[actix_web::test]
async fn metadata_such_as_a_gps_position_never_reaches_a_shopper() {
    let (app, admin) = app_and_admin().await;
    let original = jpeg_with_metadata();
    assert!(
        original.windows(6).any(|w| w == b"SN-424"),
        "the test file has it"
    );

    let answer = upload(&admin, TEAPOT, "A teapot", &original).await;

    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let shopper = app.browser();
    for (name, _) in newest_variants(&app, TEAPOT) {
        let served = shopper.get(&format!("/media/{name}")).await;
        assert_eq!(served.status, StatusCode::OK);
        for needle in [&b"GPSLatitude"[..], b"SN-4242", b"Exif"] {
            assert!(
                !served.raw.windows(needle.len()).any(|w| w == needle),
                "{name} carries {}",
                String::from_utf8_lossy(needle)
            );
        }
    }
}

/// A refusal of the upload itself answers with the product's page, its status kept: the
/// message at the picture's field (or at the alternative text's), the text typed kept, a
/// focused summary first. A forged form stays the plain 403.
#[actix_web::test]
async fn a_refused_upload_answers_with_the_product_page_and_the_message_at_its_field() {
    let (app, admin) = app_and_admin().await;
    let before = pictures_of(&app, TEAPOT);

    let not_a_picture = upload(&admin, TEAPOT, "Words", b"just some text, not a picture").await;
    let too_large = upload(&admin, TEAPOT, "Huge", &vec![0xff; 10 * 1024 * 1024 + 1]).await;
    let no_alt = upload(&admin, TEAPOT, "  ", &jpeg(400, 300)).await;
    let (kind, forged) = multipart(
        &[("csrf_token", "forged"), ("alt", "A")],
        Some(&jpeg(64, 64)),
    );
    let target = format!("/admin/products/{TEAPOT}/images");
    let forged = admin.post_typed(&target, &kind, forged).await;

    for (page, status, field, says) in [
        (&not_a_picture, 415, "image", "not a JPEG, PNG or WebP"),
        (&too_large, 413, "image", "too large"),
        (&no_alt, 422, "alt", "alternative text"),
    ] {
        assert_eq!(page.status.as_u16(), status, "{}", page.body);
        assert!(
            page.body.contains("<h1>Stoneware Teapot</h1>"),
            "{}",
            page.body
        );
        assert!(page.body.contains("<title>Error: Stoneware Teapot"));
        assert!(page.body.contains(r#"tabindex="-1" autofocus"#));
        assert!(page.body.contains(&format!(r##"<a href="#{field}">"##)));
        let at_field = format!(r#"<p class="field-error" id="{field}-error">"#);
        let note = &page.body[page.body.find(&at_field).expect("the message at the field")..];
        assert!(
            note[..note.find("</p>").unwrap_or(0)].contains(says),
            "{says}: {note}"
        );
    }
    assert!(
        not_a_picture.body.contains(r#"value="Words""#),
        "the text typed"
    );
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(!forged.body.contains("field-error"));
    assert_eq!(pictures_of(&app, TEAPOT), before, "nothing kept");
}
