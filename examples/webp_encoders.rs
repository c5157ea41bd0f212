//! The WebP encoder choice, measured (BENCHMARKS.md, "Images"): each PNG of a folder resized
//! to 960 px and encoded by libwebp (`webp`, lossy q80 as the build does, and lossless) and by
//! `image`'s pure-Rust encoder (`image-webp`, lossless only), with the build's JPEG q82 beside
//! them; prints time, bytes and PSNR against the resized pixels.
//!
//! `cargo run --release --example webp_encoders -- static/images`

use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

struct Tally {
    name: &'static str,
    time: Duration,
    bytes: usize,
    psnr: f64,
}

fn psnr(a: &RgbImage, encoded: &[u8]) -> f64 {
    let Ok(decoded) = image::load_from_memory(encoded) else { return 0.0 };
    let b = decoded.to_rgb8();
    let sum: f64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2)).sum();
    let mse = sum / a.as_raw().len() as f64;
    if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0 * 255.0 / mse).log10() }
}

type Encode = fn(&RgbImage) -> Vec<u8>;

fn libwebp_lossy(image: &RgbImage) -> Vec<u8> {
    let encoder = webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height());
    encoder.encode_simple(false, 80.0).map(|m| m.to_vec()).unwrap_or_default()
}

fn libwebp_lossless(image: &RgbImage) -> Vec<u8> {
    let encoder = webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height());
    encoder.encode_simple(true, 80.0).map(|m| m.to_vec()).unwrap_or_default()
}

fn image_webp_lossless(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = WebPEncoder::new_lossless(&mut out);
    encoder
        .encode(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgb8)
        .map(|()| out)
        .unwrap_or_default()
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, 82);
    encoder
        .write_image(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgb8)
        .map(|()| out)
        .unwrap_or_default()
}

fn main() {
    let folder = std::env::args().nth(1).unwrap_or_else(|| "static/images".into());
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .expect("a folder of PNGs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    paths.sort();
    let encoders: [(&'static str, Encode); 4] = [
        ("libwebp lossy q80 (webp)", libwebp_lossy),
        ("libwebp lossless (webp)", libwebp_lossless),
        ("image-webp lossless (image)", image_webp_lossless),
        ("JPEG q82 (image), the fallback", jpeg),
    ];
    let mut tallies: Vec<Tally> =
        encoders.iter().map(|(name, _)| Tally { name, time: Duration::ZERO, bytes: 0, psnr: 0.0 }).collect();
    for path in &paths {
        let source = image::open(path).expect("a PNG").to_rgb8();
        let height = source.height() * 960 / source.width();
        let resized = image::imageops::resize(&source, 960, height, FilterType::Lanczos3);
        for ((_, encode), tally) in encoders.iter().zip(&mut tallies) {
            let start = Instant::now();
            let bytes = encode(&resized);
            tally.time += start.elapsed();
            tally.bytes += bytes.len();
            tally.psnr += psnr(&resized, &bytes).min(99.0);
        }
    }
    let n = paths.len().max(1) as f64;
    println!("{} images at 960 px", paths.len());
    println!("| encoder | ms per image | KiB per image | PSNR dB (99 = lossless) |");
    println!("| --- | ---: | ---: | ---: |");
    for t in &tallies {
        let ms = t.time.as_secs_f64() * 1000.0 / n;
        println!("| {} | {ms:.1} | {:.1} | {:.1} |", t.name, t.bytes as f64 / 1024.0 / n, t.psnr / n);
    }
}
