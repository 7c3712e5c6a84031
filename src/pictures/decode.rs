//! Decoding an upload within limits: the kind from its first bytes (never its name or
//! declared type), the size from its header, and the pixels only when both are allowed.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::PictureError;

/// The largest upload taken.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The most pixels a picture may have (40 megapixels).
pub const MAX_PIXELS: u64 = 40_000_000;

/// The most memory a decoder may hold: a 40-megapixel picture at 4 bytes a pixel, and
/// room for the decoder's own buffers.
const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4 + 64 * 1024 * 1024;

/// Decodes a JPEG, PNG or WebP upload, turned the way its orientation tag says. A file
/// that declares more than [`MAX_PIXELS`] is refused from its header, before anything is
/// allocated for its pixels.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, PictureError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PictureError::NotAPicture)?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        _ => return Err(PictureError::NotAPicture),
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| PictureError::Unreadable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PictureError::TooManyPixels { width, height });
    }
    if width == 0 || height == 0 {
        return Err(PictureError::Unreadable);
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|_| PictureError::Unreadable)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}
