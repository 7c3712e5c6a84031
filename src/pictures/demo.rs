//! The demo catalogue's pictures, drawn by Trolley itself (nothing is downloaded): a
//! soft gradient in the product's colour with a simple shape, 1280 × 960, as a PNG
//! upload would arrive.

use std::io::Cursor;
use std::sync::OnceLock;

use image::{ImageFormat, Rgb, RgbImage};

use super::{decode, encode, Encoded};

/// The demo pictures' kinds of shape, by index, as their alternative text names them.
const SHAPES: [&str; 3] = ["a circle", "a square", "a tall triangle"];

/// The alternative text of the demo picture of `name`, product `index`.
pub fn demo_alt(name: &str, index: usize) -> String {
    format!(
        "{name}: the demo shop's drawing, {} on a soft background",
        SHAPES[index % SHAPES.len()]
    )
}

/// The demo pictures, decoded and encoded as an upload would be, once per process
/// (every test's demo catalogue shares them).
pub fn demo_variants(index: usize) -> &'static [Encoded] {
    static ENCODED: OnceLock<Vec<Vec<Encoded>>> = OnceLock::new();
    let all = ENCODED.get_or_init(|| {
        (0..DEMO_PICTURES)
            .map(|i| {
                decode(&demo_picture(i))
                    .and_then(|image| encode(&image))
                    .unwrap_or_default()
            })
            .collect()
    });
    &all[index % DEMO_PICTURES]
}

/// How many different demo pictures there are (the colours and shapes cycle after).
const DEMO_PICTURES: usize = 21;

/// A picture for the demo product `index` (any number: the colours and shapes cycle),
/// as PNG bytes.
pub fn demo_picture(index: usize) -> Vec<u8> {
    const PALETTE: [[u8; 3]; 7] = [
        [196, 120, 74],
        [70, 124, 140],
        [122, 148, 92],
        [176, 92, 110],
        [214, 168, 72],
        [104, 102, 160],
        [92, 140, 126],
    ];
    let [r, g, b] = PALETTE[index % PALETTE.len()];
    let (width, height) = (1280u32, 960u32);
    let shape = index % SHAPES.len();
    let image = RgbImage::from_fn(width, height, |x, y| {
        let (cx, cy) = (f64::from(x) - 640.0, f64::from(y) - 500.0);
        let inside = match shape {
            0 => cx * cx + cy * cy < 300.0 * 300.0,
            1 => cx.abs() < 260.0 && cy.abs() < 260.0,
            _ => cy > -300.0 && cy < 260.0 && cx.abs() < (cy + 300.0) * 0.55,
        };
        // How far towards white the background is, in thousandths: lighter at the top.
        let lift = 820 - 120 * y / height;
        let mix = |channel: u8, lift: u32| {
            let channel = u32::from(channel);
            u8::try_from(channel + (255 - channel) * lift / 1000).unwrap_or(u8::MAX)
        };
        if inside {
            Rgb([r, g, b])
        } else {
            Rgb([mix(r, lift), mix(g, lift), mix(b, lift)])
        }
    });
    let mut bytes = Vec::new();
    // Writing to memory fails only when memory does.
    if image
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .is_err()
    {
        bytes.clear();
    }
    bytes
}
