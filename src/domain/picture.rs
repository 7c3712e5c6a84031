//! A product's picture as the shop's pages show it: its variants (one image at up to
//! three widths, never wider than the upload), its size and its alternative text.

use serde::{Deserialize, Serialize};

/// The widths a picture is kept at, at most: a card, a phone's full width, a desktop's.
pub const WIDTHS: [u32; 3] = [320, 640, 1280];

/// The widths an upload `width` pixels wide is kept at: those of [`WIDTHS`] it reaches,
/// never enlarged; an upload narrower than the smallest is kept at its own width.
pub fn variant_widths(width: u32) -> Vec<u32> {
    let widths: Vec<u32> = WIDTHS.into_iter().filter(|w| *w <= width).collect();
    if widths.is_empty() {
        vec![width.max(1)]
    } else {
        widths
    }
}

/// One stored variant: its name under `/media/` and its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// A picture: its variants, narrowest first, and its alternative text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Picture {
    pub id: i64,
    pub alt: String,
    pub variants: Vec<Variant>,
}

/// A product's pictures as stored with it (JSON, the main one first); a value that no
/// longer parses counts as none.
pub fn gallery_from_stored(text: Option<&str>) -> Vec<Picture> {
    text.and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

/// The pictures as they are stored with their product; none is NULL.
pub fn gallery_to_stored(pictures: &[Picture]) -> Option<String> {
    if pictures.is_empty() {
        return None;
    }
    serde_json::to_string(pictures).ok()
}

impl Picture {
    /// The widest variant, whose size the page reserves (the others share its shape).
    pub fn widest(&self) -> Option<&Variant> {
        self.variants.last()
    }

    /// The variant a browser that reads no `srcset` gets: the one nearest 640 wide.
    pub fn fallback(&self) -> Option<&Variant> {
        self.variants
            .iter()
            .rev()
            .find(|variant| variant.width <= 640)
            .or_else(|| self.variants.first())
    }

    /// The `srcset` attribute's value: every variant with its width.
    pub fn srcset(&self) -> String {
        self.variants
            .iter()
            .map(|variant| format!("/media/{} {}w", variant.name, variant.width))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The address of the narrowest variant (the basket's thumbnail).
    pub fn thumbnail(&self) -> Option<String> {
        self.variants
            .first()
            .map(|variant| format!("/media/{}", variant.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_kept_at_the_widths_it_reaches_and_never_enlarged() {
        assert_eq!(variant_widths(4000), [320, 640, 1280]);
        assert_eq!(variant_widths(1000), [320, 640]);
        assert_eq!(variant_widths(320), [320]);
        assert_eq!(variant_widths(200), [200]);
    }

    #[test]
    fn the_srcset_lists_every_variant_and_the_fallback_is_near_640() {
        let variant = |name: &str, width| Variant {
            name: name.into(),
            width,
            height: width / 2,
        };
        let picture = Picture {
            id: 1,
            alt: "A mug".into(),
            variants: vec![
                variant("a-320.jpg", 320),
                variant("b-640.jpg", 640),
                variant("c-1280.jpg", 1280),
            ],
        };
        assert_eq!(
            picture.srcset(),
            "/media/a-320.jpg 320w, /media/b-640.jpg 640w, /media/c-1280.jpg 1280w"
        );
        assert_eq!(picture.fallback().map(|v| v.width), Some(640));
        assert_eq!(picture.widest().map(|v| v.width), Some(1280));
        let stored = gallery_to_stored(std::slice::from_ref(&picture));
        assert_eq!(gallery_from_stored(stored.as_deref()), vec![picture]);
        assert_eq!(gallery_from_stored(Some("not json")), vec![]);
        assert_eq!(gallery_to_stored(&[]), None);
    }
}
