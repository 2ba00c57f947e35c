//! The pages of a PDF annex, made fit for a PDF/A document.
//!
//! A PDF/A file may not embed another PDF as vector content (typst's PDF
//! writer refuses it: the embedded file's conformance cannot be vouched
//! for). So each page of an annex is drawn as an image (rasterized with
//! hayro, the PDF renderer typst itself relies on, at 150 dpi) and its
//! text is laid over it, invisible, where it stands on the page — the way
//! scanned documents carry their recognised text. The convention's PDF
//! stays PDF/A-2b, the annex looks as published, and its words can still
//! be searched, selected and extracted.

use std::sync::Arc;

use hayro::hayro_interpret::font::Glyph;
use hayro::hayro_interpret::hayro_syntax::Pdf;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, interpret_page,
};
use hayro::{RenderCache, RenderSettings};
use serde::Serialize;

/// Pixels per point of the page images: 150 dpi.
const SCALE: f32 = 150.0 / 72.0;

/// The most pages an annex brings into a convention.
pub const MAX_PAGES: usize = 200;

/// One page of an annex: its image and the text on it.
#[derive(Debug, Clone, Serialize)]
pub struct AnnexPage {
    /// The PNG image of the page (given to typst as a file).
    #[serde(skip)]
    pub png: Vec<u8>,
    /// Its size in points.
    pub width: f32,
    pub height: f32,
    /// Its text, line by line, with the position of each line's start
    /// (points from the top left) and its height.
    pub lines: Vec<TextLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TextLine {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
}

/// Why an annex could not be laid out.
#[derive(Debug, thiserror::Error)]
#[error("the PDF annex cannot be read: {0}")]
pub struct AnnexError(String);

/// The pages of a PDF annex.
pub fn pages(bytes: &[u8]) -> Result<Vec<AnnexPage>, AnnexError> {
    let pdf = Pdf::new(Arc::new(bytes.to_vec())).map_err(|e| AnnexError(format!("{e:?}")))?;
    let settings = InterpreterSettings::default();
    let cache = RenderCache::new();
    let mut out = Vec::new();
    let count = pdf.pages().len();
    if count == 0 {
        return Err(AnnexError("it has no page".into()));
    }
    if count > MAX_PAGES {
        return Err(AnnexError(format!(
            "it has {count} pages, more than the {MAX_PAGES} an annex may bring into a convention"
        )));
    }
    for page in pdf.pages().iter() {
        let (width, height) = page.render_dimensions();
        let pixmap = hayro::render(
            page,
            &cache,
            &settings,
            &RenderSettings {
                x_scale: SCALE,
                y_scale: SCALE,
                bg_color: hayro::vello_cpu::color::palette::css::WHITE,
                ..Default::default()
            },
        );
        let png = encode_png(
            pixmap.width().into(),
            pixmap.height().into(),
            pixmap.data_as_u8_slice(),
        )?;
        // The text, in points with the origin at the top left.
        let interpreter_cache = InterpreterCache::new();
        let initial = page.initial_transform(true);
        let mut context = Context::new(
            hayro::hayro_interpret::util::TransformExt::to_kurbo(&initial),
            kurbo::Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
            &interpreter_cache,
            page.xref(),
            settings.clone(),
        );
        let mut text = TextDevice::default();
        interpret_page(page, &mut context, &mut text);
        out.push(AnnexPage {
            png,
            width,
            height,
            lines: text.lines(),
        });
    }
    Ok(out)
}

/// RGBA pixels to an RGB PNG: the background is opaque white, so the
/// alpha channel carries nothing (and PDF/A is simpler without it).
fn encode_png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, AnnexError> {
    let rgb: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut data = Vec::new();
    let mut encoder = png::Encoder::new(&mut data, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| AnnexError(e.to_string()))?;
    writer
        .write_image_data(&rgb)
        .map_err(|e| AnnexError(e.to_string()))?;
    writer.finish().map_err(|e| AnnexError(e.to_string()))?;
    Ok(data)
}

/// A glyph placed on the page.
struct Placed {
    x: f32,
    y: f32,
    /// Where the next glyph would start without extra space.
    end: f32,
    size: f32,
    text: String,
}

/// A device that keeps only where text is drawn.
#[derive(Default)]
struct TextDevice {
    glyphs: Vec<Placed>,
}

impl TextDevice {
    /// Glyphs gathered into lines: same baseline (within a third of the
    /// glyph size), left to right, a space where the gap is wide.
    fn lines(mut self) -> Vec<TextLine> {
        self.glyphs
            .sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
        let mut lines: Vec<(Vec<Placed>, f32)> = Vec::new();
        for g in self.glyphs {
            match lines.last_mut() {
                Some((line, y)) if (g.y - *y).abs() <= g.size.max(1.0) / 3.0 => line.push(g),
                _ => {
                    let y = g.y;
                    lines.push((vec![g], y));
                }
            }
        }
        lines
            .into_iter()
            .map(|(mut glyphs, y)| {
                glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
                let size = glyphs.iter().map(|g| g.size).fold(0.0, f32::max);
                let mut text = String::new();
                let mut end = glyphs.first().map_or(0.0, |g| g.x);
                for g in &glyphs {
                    // A gap wider than a sixth of an em is a word space the
                    // PDF drew by moving, not with a space glyph.
                    if !text.is_empty() && g.x - end > g.size / 6.0 && !text.ends_with(' ') {
                        text.push(' ');
                    }
                    text.push_str(&g.text);
                    end = g.end;
                }
                TextLine {
                    x: glyphs.first().map_or(0.0, |g| g.x),
                    y: y - size,
                    size,
                    text: text.trim().to_string(),
                }
            })
            .filter(|l| !l.text.is_empty())
            .collect()
    }
}

impl<'a> Device<'a> for TextDevice {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &kurbo::BezPath, _: kurbo::Affine, _: &Paint<'a>, _: &PathDrawMode) {
    }
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'a>,
        transform: kurbo::Affine,
        glyph_transform: kurbo::Affine,
        _: &Paint<'a>,
        _: &GlyphDrawMode,
    ) {
        let Some(unicode) = glyph.as_unicode() else {
            return;
        };
        let text = match unicode {
            hayro::hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
            hayro::hayro_interpret::hayro_cmap::BfString::String(s) => s,
        };
        if text.chars().all(char::is_control) {
            return;
        }
        let full = transform * glyph_transform;
        let origin = full * kurbo::Point::ZERO;
        // The glyph space is in thousandths of an em: the transform's
        // vertical scale times 1000 is the font size on the page.
        let [a, b, c, d, _, _] = full.as_coeffs();
        let size = ((c * c + d * d).sqrt() * 1000.0) as f32;
        let size = if size.is_finite() && size > 0.5 {
            size.min(72.0)
        } else {
            10.0
        };
        // The advance is in glyph units too; without it, assume half an em.
        let advance = match glyph {
            Glyph::Outline(o) => o
                .advance_width()
                .map(|w| (f64::from(w) * (a * a + b * b).sqrt()) as f32),
            Glyph::Type3(_) => None,
        }
        .filter(|w| w.is_finite() && *w > 0.0)
        .unwrap_or(size * 0.5);
        self.glyphs.push(Placed {
            x: origin.x as f32,
            y: origin.y as f32,
            end: origin.x as f32 + advance,
            size,
            text,
        });
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: kurbo::Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}
