//! The demo catalogue's pictures, drawn by Trolley itself (nothing is downloaded): a
//! soft gradient in the product's colour with a simple shape. Each is drawn at the widths
//! the pages use (320 and 640) and stored as an upload's variants are.

use std::sync::OnceLock;

use image::{DynamicImage, Rgb, RgbImage};

use super::encode::{encode_one, Encoded};

/// The demo pictures' kinds of shape, by index, as their alternative text names them.
const SHAPES: [&str; 3] = ["a circle", "a square", "a tall triangle"];

/// The colours, by index.
const PALETTE: [[u8; 3]; 7] = [
    [196, 120, 74],
    [70, 124, 140],
    [122, 148, 92],
    [176, 92, 110],
    [214, 168, 72],
    [104, 102, 160],
    [92, 140, 126],
];

/// How many different demo pictures there are (the demo catalogue's products).
const DEMO_PICTURES: usize = 14;

/// The widths they are drawn at.
const DEMO_WIDTHS: [u32; 2] = [320, 640];

/// The alternative text of the demo picture of `name`, product `index`.
pub fn demo_alt(name: &str, index: usize) -> String {
    format!("{name}, drawn as {}", SHAPES[index % SHAPES.len()])
}

/// The demo picture `index` drawn `width` pixels wide (4:3).
fn draw(index: usize, width: u32) -> RgbImage {
    let [r, g, b] = PALETTE[index % PALETTE.len()];
    let height = width * 3 / 4;
    let shape = index % SHAPES.len();
    // Coordinates in 1/1280ths of the width, so every width draws the same picture.
    let scale = |v: u32| i64::from(v) * 1280 / i64::from(width);
    RgbImage::from_fn(width, height, |x, y| {
        let (cx, cy) = (scale(x) - 640, scale(y) - 500);
        let inside = match shape {
            0 => cx * cx + cy * cy < 300 * 300,
            1 => cx.abs() < 260 && cy.abs() < 260,
            _ => cy > -300 && cy < 260 && cx.abs() * 100 < (cy + 300) * 55,
        };
        if inside {
            return Rgb([r, g, b]);
        }
        // How far towards white the background is, in thousandths: lighter at the top.
        let lift = 820 - 120 * y / height;
        let mix = |channel: u8| {
            let channel = u32::from(channel);
            u8::try_from(channel + (255 - channel) * lift / 1000).unwrap_or(u8::MAX)
        };
        Rgb([mix(r), mix(g), mix(b)])
    })
}

/// The demo pictures' variants, encoded once per process (every test's demo catalogue
/// shares them): PNG, which keeps their flat colours small.
pub fn demo_variants(index: usize) -> &'static [Encoded] {
    static ENCODED: OnceLock<Vec<Vec<Encoded>>> = OnceLock::new();
    let all = ENCODED.get_or_init(|| {
        (0..DEMO_PICTURES)
            .map(|i| {
                DEMO_WIDTHS
                    .into_iter()
                    .filter_map(|width| {
                        encode_one(&DynamicImage::ImageRgb8(draw(i, width)), true).ok()
                    })
                    .collect()
            })
            .collect()
    });
    &all[index % DEMO_PICTURES]
}
