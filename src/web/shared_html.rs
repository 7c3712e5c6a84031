//! Parts of a page drawn once and served to every visitor who asks for that page, such as
//! a page of the catalogue's product grid, which is most of the cost of drawing the page.
//!
//! Only two things in such a part differ between visitors: the CSRF token in every form
//! and the page's own address in every form's `next` field. A shared part is drawn with
//! stand-ins for both, and each request puts its own in. The stand-ins are random for each
//! process and made of characters that escaping leaves alone, so that no product name or
//! search can contain one.

use rand::RngCore;

pub struct SharedHtml {
    token: String,
    here: String,
}

impl Default for SharedHtml {
    fn default() -> Self {
        Self {
            token: stand_in(),
            here: stand_in(),
        }
    }
}

fn stand_in() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

impl SharedHtml {
    /// Puts the stand-ins in `context` as `csrf_token` and `here`.
    pub fn stand_ins(&self, context: &mut tera::Context) {
        context.insert("csrf_token", &self.token);
        context.insert("here", &self.here);
    }

    /// The part as one visitor sees it: their token and the page's address put in, each
    /// escaped as the template would have.
    /// One pass over the part, writing it once (it is the largest string of a catalogue
    /// page, filled on every view).
    pub fn fill(&self, drawn: &str, token: &str, here: &str) -> String {
        let (token, here) = (tera::escape_html(token), tera::escape_html(here));
        let mut filled = String::with_capacity(drawn.len() + 16 * (token.len() + here.len()));
        let mut rest = drawn;
        let (mut next_token, mut next_here) = (rest.find(&self.token), rest.find(&self.here));
        loop {
            let (at, stand_in, value) = match (next_token, next_here) {
                (Some(t), Some(h)) if t <= h => (t, &self.token, &token),
                (Some(t), None) => (t, &self.token, &token),
                (_, Some(h)) => (h, &self.here, &here),
                (None, None) => break,
            };
            filled.push_str(&rest[..at]);
            filled.push_str(value);
            let skip = at + stand_in.len();
            rest = &rest[skip..];
            let moved = |found: Option<usize>, own: &str| match found {
                Some(position) if position >= skip => Some(position - skip),
                _ => rest.find(own),
            };
            next_token = moved(next_token, &self.token);
            next_here = moved(next_here, &self.here);
        }
        filled.push_str(rest);
        filled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_part_gets_each_visitors_token_and_the_address_escaped() {
        let shared = SharedHtml::default();
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_template(
            "form.html",
            r#"<input name="csrf_token" value="{{ csrf_token }}"><input name="next" value="{{ here }}">{{ name }}"#,
        )
        .expect("parses");
        let mut context = tera::Context::new();
        shared.stand_ins(&mut context);
        context.insert("name", "Mug <b>");
        let drawn = tera.render("form.html", &context).expect("renders");

        let page = shared.fill(&drawn, "tok-1", "/?q=a&page=2");
        assert_eq!(
            page,
            r#"<input name="csrf_token" value="tok-1"><input name="next" value="&#x2F;?q=a&amp;page=2">Mug &lt;b&gt;"#
        );
        assert!(shared
            .fill(&drawn, "tok-2", "/")
            .contains(r#"value="tok-2""#));
    }
}
