//! Colours as marketers type them (HEX, RGB or HSL) and the text colour that
//! stays readable on them (WCAG 2.2 contrast of at least 4.5:1).

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb {
    /// Red, 0–255.
    pub r: u8,
    /// Green, 0–255.
    pub g: u8,
    /// Blue, 0–255.
    pub b: u8,
}

/// White text.
pub const WHITE: Rgb = Rgb {
    r: 255,
    g: 255,
    b: 255,
};

/// Black text.
pub const BLACK: Rgb = Rgb { r: 0, g: 0, b: 0 };

/// The contrast ratio WCAG 2.2 AA asks of normal text.
pub const MIN_TEXT_CONTRAST: f64 = 4.5;

impl Rgb {
    /// Reads `#rgb`, `#rrggbb`, `rgb(r, g, b)` (commas or spaces) or
    /// `hsl(h, s%, l%)`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Rgb> {
        let text = text.trim().to_ascii_lowercase();
        if let Some(hex) = text.strip_prefix('#') {
            return parse_hex(hex);
        }
        if let Some(args) = function_args(&text, "rgb") {
            let [r, g, b] = three(&args)?;
            return Some(Rgb {
                r: channel(r)?,
                g: channel(g)?,
                b: channel(b)?,
            });
        }
        if let Some(args) = function_args(&text, "hsl") {
            let [h, s, l] = three(&args)?;
            let h: f64 = h.trim_end_matches("deg").parse().ok()?;
            let s = percent(s)?;
            let l = percent(l)?;
            return Some(hsl_to_rgb(h, s, l));
        }
        None
    }

    /// `#rrggbb`.
    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }

    /// Relative luminance (WCAG 2.2).
    pub fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// The contrast ratio with another colour, from 1 to 21.
    pub fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// White or black, whichever reads better on this background. One of the
    /// two always reaches 4.5:1.
    pub fn readable_text(self) -> Rgb {
        if self.contrast(WHITE) >= self.contrast(BLACK) {
            WHITE
        } else {
            BLACK
        }
    }
}

fn parse_hex(hex: &str) -> Option<Rgb> {
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).map(|d| d as u8))
        .collect::<Option<_>>()?;
    match digits.as_slice() {
        [r, g, b] => Some(Rgb {
            r: r * 17,
            g: g * 17,
            b: b * 17,
        }),
        [r1, r2, g1, g2, b1, b2] => Some(Rgb {
            r: r1 * 16 + r2,
            g: g1 * 16 + g2,
            b: b1 * 16 + b2,
        }),
        _ => None,
    }
}

fn function_args(text: &str, name: &str) -> Option<String> {
    let inner = text
        .strip_prefix(name)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    Some(inner.replace(',', " "))
}

fn three(args: &str) -> Option<[&str; 3]> {
    let parts: Vec<&str> = args.split_whitespace().collect();
    match parts.as_slice() {
        [a, b, c] => Some([a, b, c]),
        _ => None,
    }
}

fn channel(text: &str) -> Option<u8> {
    let value: f64 = text.parse().ok()?;
    (0.0..=255.0).contains(&value).then(|| value.round() as u8)
}

fn percent(text: &str) -> Option<f64> {
    let value: f64 = text.strip_suffix('%')?.parse().ok()?;
    (0.0..=100.0).contains(&value).then_some(value / 100.0)
}

fn hsl_to_rgb(hue: f64, saturation: f64, lightness: f64) -> Rgb {
    let hue = hue.rem_euclid(360.0) / 60.0;
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let x = chroma * (1.0 - (hue % 2.0 - 1.0).abs());
    let (r, g, b) = match hue as u8 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb {
        r: byte(r),
        g: byte(g),
        b: byte(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hex_rgb_and_hsl() {
        let teal = Rgb {
            r: 0x1f,
            g: 0x6f,
            b: 0x5c,
        };
        assert_eq!(Rgb::parse("#1F6F5C"), Some(teal));
        assert_eq!(Rgb::parse(" rgb(31, 111, 92) "), Some(teal));
        assert_eq!(Rgb::parse("rgb(31 111 92)"), Some(teal));
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        assert_eq!(
            Rgb::parse("hsl(0, 100%, 50%)"),
            Some(Rgb { r: 255, g: 0, b: 0 })
        );
        assert_eq!(
            Rgb::parse("hsl(120deg 100% 25%)"),
            Some(Rgb { r: 0, g: 128, b: 0 })
        );
        assert_eq!(teal.to_hex(), "#1f6f5c");
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "",
            "red",
            "#12",
            "#1234567",
            "rgb(256, 0, 0)",
            "rgb(1,2)",
            "hsl(0, 120%, 50%)",
            "url(x)",
            "#gggggg",
        ] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!((BLACK.contrast(WHITE) - 21.0).abs() < 1e-9);
        assert!((WHITE.contrast(WHITE) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn text_stays_readable_on_any_background() {
        for bg in [
            "#ffeb3b",
            "#1f6f5c",
            "#777777",
            "#767676",
            "#000080",
            "#00ff00",
            "hsl(200, 50%, 50%)",
        ] {
            let bg = Rgb::parse(bg).unwrap();
            let text = bg.readable_text();
            assert!(
                bg.contrast(text) >= MIN_TEXT_CONTRAST,
                "{bg:?} with {text:?}"
            );
        }
        assert_eq!(Rgb::parse("#ffeb3b").unwrap().readable_text(), BLACK);
        assert_eq!(Rgb::parse("#000080").unwrap().readable_text(), WHITE);
    }
}
