//! Encoding a decoded picture at the pages' widths: JPEG, or PNG when it has
//! transparency, from the pixels alone, each variant named by its bytes' digest.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat};
use sha2::{Digest, Sha256};

use super::PictureError;
use crate::db::models::picture::NewVariant;
use crate::domain::variant_widths;

/// JPEG quality: photographs look as uploaded at a fraction of the size.
const JPEG_QUALITY: u8 = 82;

/// One variant, ready to keep: its name, size, type and bytes. The name is the bytes'
/// digest (new bytes, new name) and a random part (the same file uploaded twice makes
/// two pictures, each removable on its own).
#[derive(Debug, Clone)]
pub struct Encoded {
    pub name: String,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl Encoded {
    /// The variant as the database keeps it.
    pub fn to_keep(&self) -> NewVariant<'_> {
        NewVariant {
            name: &self.name,
            width: self.width,
            height: self.height,
            content_type: self.content_type,
            bytes: &self.bytes,
        }
    }
}

/// Encodes `image` at each width of [`variant_widths`], narrowest first.
pub fn encode(image: &DynamicImage) -> Result<Vec<Encoded>, PictureError> {
    let transparent = image.color().has_alpha();
    variant_widths(image.width())
        .into_iter()
        .map(|width| {
            let height = scaled_height(image.width(), image.height(), width);
            let resized = if width == image.width() {
                image.clone()
            } else {
                image.resize_exact(width, height, FilterType::Triangle)
            };
            encode_one(&resized, transparent)
        })
        .collect()
}

/// The height that keeps the shape at `width`, at least 1.
fn scaled_height(original_width: u32, original_height: u32, width: u32) -> u32 {
    let height = u64::from(original_height) * u64::from(width) / u64::from(original_width.max(1));
    u32::try_from(height).unwrap_or(u32::MAX).max(1)
}

/// Encodes one variant: PNG when `as_png` (a picture with transparency), else JPEG.
pub(super) fn encode_one(image: &DynamicImage, as_png: bool) -> Result<Encoded, PictureError> {
    let mut bytes = Vec::new();
    let (content_type, extension) = if as_png {
        image
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(|error| PictureError::Encode(error.to_string()))?;
        ("image/png", "png")
    } else {
        let mut encoder = JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
        encoder
            .encode_image(&image.to_rgb8())
            .map_err(|error| PictureError::Encode(error.to_string()))?;
        ("image/jpeg", "jpg")
    };
    let digest = hex::encode(&Sha256::digest(&bytes)[..6]);
    let unique = hex::encode(rand::random::<[u8; 2]>());
    Ok(Encoded {
        name: format!("{digest}{unique}-{}.{extension}", image.width()),
        width: image.width(),
        height: image.height(),
        content_type,
        bytes,
    })
}
