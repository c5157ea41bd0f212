//! Decode, resize and encode one image: `image` decodes within limits, fast_image_resize
//! resizes (Lanczos3, alpha-aware), libwebp (`webp`) encodes WebP, `image` PNG and JPEG.

use std::io::Cursor;

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{ExtendedColorType, ImageEncoder, ImageReader, Limits};

use crate::model::images::{Format, MAX_SIDE, Variant};

/// The decoder may allocate at most this much for one image.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
const WEBP_QUALITY: f32 = 80.0;
const JPEG_QUALITY: u8 = 82;

/// A decoded image: 8-bit RGB, or RGBA when it has transparency.
pub struct Decoded {
    pub width: u32,
    pub height: u32,
    pub alpha: bool,
    pub pixels: Vec<u8>,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?;
    let (width, height) = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let pixels = if alpha { image.into_rgba8().into_raw() } else { image.into_rgb8().into_raw() };
    Ok(Decoded { width, height, alpha, pixels })
}

/// The bytes of one variant.
pub fn variant(decoded: &Decoded, variant: &Variant) -> Result<Vec<u8>, String> {
    let resized;
    let pixels = if variant.width == decoded.width && variant.height == decoded.height {
        &decoded.pixels
    } else {
        resized = resize(decoded, variant.width, variant.height)?;
        &resized
    };
    let (w, h) = (variant.width, variant.height);
    match variant.format {
        Format::Webp => encode_webp(pixels, w, h, decoded.alpha),
        Format::Png => {
            let mut out = Vec::new();
            let color = if decoded.alpha { ExtendedColorType::Rgba8 } else { ExtendedColorType::Rgb8 };
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive)
                .write_image(pixels, w, h, color)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        Format::Jpeg => {
            let rgb = if decoded.alpha { flatten_on_white(pixels) } else { pixels.clone() };
            let mut out = Vec::new();
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .write_image(&rgb, w, h, ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
            Ok(out)
        }
        Format::Gif | Format::Svg => Err("GIF and SVG images are copied as they are".into()),
    }
}

fn resize(decoded: &Decoded, width: u32, height: u32) -> Result<Vec<u8>, String> {
    let pixel_type = if decoded.alpha { PixelType::U8x4 } else { PixelType::U8x3 };
    let source = fast_image_resize::images::ImageRef::new(decoded.width, decoded.height, &decoded.pixels, pixel_type)
        .map_err(|e| e.to_string())?;
    let mut target = Image::new(width, height, pixel_type);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(&source, &mut target, &options).map_err(|e| e.to_string())?;
    Ok(target.into_vec())
}

fn encode_webp(pixels: &[u8], width: u32, height: u32, alpha: bool) -> Result<Vec<u8>, String> {
    let encoder = if alpha {
        webp::Encoder::from_rgba(pixels, width, height)
    } else {
        webp::Encoder::from_rgb(pixels, width, height)
    };
    encoder.encode_simple(false, WEBP_QUALITY).map(|memory| memory.to_vec()).map_err(|e| format!("WebP: {e:?}"))
}

/// RGBA over a white background → RGB, for JPEG (which has no transparency).
fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(rgba.len() / 4 * 3);
    for pixel in rgba.chunks_exact(4) {
        let alpha = u16::from(pixel[3]);
        for &channel in &pixel[..3] {
            rgb.push(((u16::from(channel) * alpha + 255 * (255 - alpha)) / 255) as u8);
        }
    }
    rgb
}
