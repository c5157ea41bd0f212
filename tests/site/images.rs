//! Images (DESIGN.md, "Images"): lead images, Markdown images, logos and portraits are
//! published in responsive variants that exist, decode and have the stated widths; broken
//! images are errors naming the file and line; the cache makes a second build only hash.

use std::path::Path;

use crate::support::*;

/// Every `url width` pair of a `srcset`.
fn srcset(value: &str) -> Vec<(String, u32)> {
    value
        .split(", ")
        .map(|candidate| {
            let (url, width) = candidate.rsplit_once(' ').unwrap_or_else(|| panic!("bad srcset {value:?}"));
            (url.to_string(), width.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// The output file of an image URL of the fixture site.
fn file_of(out: &Path, url: &str) -> std::path::PathBuf {
    out.join(url.strip_prefix("https://images.example.com/").unwrap_or_else(|| panic!("{url} is not on the site")))
}

fn decoded_size(path: &Path) -> (u32, u32) {
    let image = image::open(path).unwrap_or_else(|e| panic!("{} does not decode: {e}", path.display()));
    (image.width(), image.height())
}

/// Each candidate of `srcset` exists, decodes, and is as wide as it says.
fn assert_variants(out: &Path, srcset_value: &str, widths: &[u32]) {
    let candidates = srcset(srcset_value);
    assert_eq!(candidates.iter().map(|c| c.1).collect::<Vec<_>>(), widths, "{srcset_value}");
    for (url, width) in candidates {
        assert_eq!(decoded_size(&file_of(out, &url)).0, width, "{url}");
    }
}

#[test]
fn a_lead_image_is_published_in_webp_and_its_own_format_at_each_width() {
    let site = fixture("images");
    site.build();
    let page = read(&site.out(), "articles/harbour-opens/index.html");
    let webp = attributes(&page, "figure.lead-image picture source[type=\"image/webp\"]", "srcset");
    assert_variants(&site.out(), &webp[0], &[480, 960, 1600]);
    let fallback = attributes(&page, "figure.lead-image img", "srcset");
    assert_variants(&site.out(), &fallback[0], &[480, 960, 1600]);
    assert!(fallback[0].contains(".jpg"), "{}", fallback[0]);
    for url in srcset(&webp[0]).iter().map(|c| &c.0) {
        assert_eq!(&std::fs::read(file_of(&site.out(), url)).unwrap()[8..12], b"WEBP", "{url}");
    }
    assert_eq!(attributes(&page, "figure.lead-image img", "width"), vec!["1600"]);
    assert_eq!(attributes(&page, "figure.lead-image img", "height"), vec!["889"]);
    assert_eq!(attributes(&page, "figure.lead-image img", "alt"), vec!["The new container terminal at dawn"]);
    assert_eq!(attributes(&page, "figure.lead-image img", "decoding"), vec!["async"]);
    assert!(attributes(&page, "figure.lead-image img", "loading").is_empty(), "the lead image must load at once");
    assert!(!attributes(&page, "figure.lead-image img", "sizes")[0].is_empty());
    assert_eq!(texts(&page, "figure.lead-image figcaption"), vec!["The terminal on its first morning Harbour Group"]);
    assert_eq!(texts(&page, "figure.lead-image .credit"), vec!["Harbour Group"]);
}

#[test]
fn markdown_images_become_lazy_pictures_never_wider_than_the_original() {
    let site = fixture("images");
    site.build();
    let page = read(&site.out(), "articles/harbour-opens/index.html");
    let plant = "img[alt=\"The chemical plant next door at dusk\"]";
    assert_variants(&site.out(), &attributes(&page, plant, "srcset")[0], &[480, 960, 1000]);
    assert_eq!(attributes(&page, plant, "loading"), vec!["lazy"]);
    assert_eq!(attributes(&page, plant, "title"), vec!["The plant"]);
    assert_eq!(attributes(&page, plant, "width"), vec!["1000"]);
    let badge = "img[alt=\"Harbour Group emblem\"]";
    assert_variants(&site.out(), &attributes(&page, badge, "srcset")[0], &[300]);
    // SVG is copied as it is, with the size it states.
    let map = attributes(&page, "img[alt=\"Site map\"]", "src");
    assert_eq!(
        std::fs::read(file_of(&site.out(), &map[0])).unwrap(),
        std::fs::read(site.root.join("static/images/map.svg")).unwrap()
    );
    assert_eq!(attributes(&page, "img[alt=\"Site map\"]", "width"), vec!["240"]);
    // A remote image is left as it is.
    assert_eq!(
        attributes(&page, "img[alt=\"A photo from another site\"]", "src"),
        vec!["https://example.org/remote.png"]
    );
}

#[test]
fn the_share_image_is_a_jpeg_of_1200_pixels_or_the_original_width() {
    let site = fixture("images");
    site.build();
    let files = all_files(&site.out());
    let share = |prefix: &str| {
        let file = files
            .iter()
            .find(|f| f.starts_with(&format!("img/{prefix}")) && f.ends_with(".jpg"))
            .unwrap_or_else(|| panic!("no share JPEG {prefix} in {files:?}"));
        decoded_size(&site.out().join(file))
    };
    assert_eq!(share("harbour-1200w-"), (1200, 667));
    assert_eq!(share("plant-1000w-"), (1000, 600));
}

#[test]
fn cards_show_thumbnails_and_entity_pages_logos_and_portraits() {
    let site = fixture("images");
    site.build();
    let home = read(&site.out(), "index.html");
    assert_eq!(
        attributes(&home, "article.card .card-image img", "alt"),
        vec!["The new container terminal at dawn", "The chemical plant at dusk"]
    );
    assert!(attributes(&home, "article.card .card-image img", "loading").iter().all(|l| l == "lazy"));
    let logo = read(&site.out(), "entities/harbour-group/index.html");
    assert_eq!(attributes(&logo, "figure.entity-image img", "alt"), vec!["Harbour Group's round blue emblem"]);
    let portrait = read(&site.out(), "entities/chen-wei/index.html");
    assert_variants(&site.out(), &attributes(&portrait, "figure.entity-image img", "srcset")[0], &[400]);
    assert_eq!(texts(&portrait, "figure.entity-image .credit"), vec!["Harbour Group"]);
}

/// The image cache of the fixture's output.
fn cache_of(site: &Fixture) -> std::path::PathBuf {
    site.out().join(".gazette-cache/images")
}

/// The files of a folder, by name.
fn names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(folder).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// A text edit, so that the next build is not skipped as up to date.
fn edit_text(site: &Fixture, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    assert!(text.contains(from), "{from:?}");
    site.write(STORY, text.replace(from, to));
}

#[test]
fn a_second_build_takes_every_variant_from_the_cache() {
    let site = fixture("images");
    let first = site.build();
    assert!(first.images.made > 0 && first.images.cached == 0, "{:?}", first.images);
    edit_text(&site, "opened on Friday", "opened on Saturday");
    let second = site.build();
    assert!(second.succeeded() && !second.up_to_date, "{}", render_all(&second.diagnostics));
    assert_eq!((second.images.made, second.images.cached), (0, first.images.made));
    assert!(read(&site.out(), "articles/harbour-opens/index.html").contains("opened on Saturday"));
    assert_eq!(names(&cache_of(&site)).len(), first.images.made);
}

#[test]
fn the_image_cache_lives_inside_the_output_and_holds_only_what_the_site_shows() {
    let site = fixture("images");
    let first = site.build();
    let cached = names(&cache_of(&site));
    assert_eq!(cached.len(), first.images.made);
    for name in &cached {
        assert!(exists(&site.out(), &format!("img/{name}")), "{name} is cached but not published");
    }
    // The article stops showing its lead image: its variants leave the cache with it.
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    let start = text.find("[image]").unwrap();
    let end = start + text[start..].find("+++").unwrap();
    site.write(STORY, format!("{}{}", &text[..start], &text[end..]));
    site.build_ok(&site.options());
    let after = names(&cache_of(&site));
    assert!(!after.iter().any(|n| n.starts_with("harbour-")), "{after:?}");
    assert!(after.iter().all(|n| cached.contains(n)) && after.len() < cached.len(), "{cached:?} → {after:?}");
}

#[test]
fn a_failed_build_keeps_the_output_and_its_image_cache() {
    let site = fixture("images");
    site.build();
    let before = snapshot(&site.out());
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    site.write(STORY, text.replace("src = \"harbour.jpg\"", "src = \"harbor.jpg\""));
    assert!(!site.build_with(&site.options()).succeeded());
    assert!(snapshot_difference(&before, &snapshot(&site.out())).is_empty(), "a failed build changed the output");
    site.write(STORY, text.replace("opened on Friday", "opened on Saturday"));
    let fixed = site.build();
    assert!(fixed.succeeded(), "{}", render_all(&fixed.diagnostics));
    assert_eq!(fixed.images.made, 0, "the cache was lost: {:?}", fixed.images);
}

#[test]
fn an_edited_image_gets_new_file_names_and_the_old_ones_go() {
    let site = fixture("images");
    site.build();
    let before: Vec<String> = all_files(&site.out()).into_iter().filter(|f| f.starts_with("img/plant-")).collect();
    std::fs::copy(site.root.join("static/images/portrait.png"), site.root.join("static/images/plant.png")).unwrap();
    site.build();
    let after: Vec<String> = all_files(&site.out()).into_iter().filter(|f| f.starts_with("img/plant-")).collect();
    assert!(!after.is_empty() && after.iter().all(|f| !before.contains(f)), "{before:?} → {after:?}");
}

#[test]
fn a_half_written_cache_file_is_never_trusted() {
    let site = fixture("images");
    site.build();
    let cache = cache_of(&site);
    let victim = std::fs::read_dir(&cache)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".webp"))
        .unwrap()
        .path();
    // What a killed build leaves: a temporary file, never the final name.
    std::fs::write(cache.join(format!(".tmp-1-{}", victim.file_name().unwrap().to_string_lossy())), b"half").unwrap();
    std::fs::remove_file(&victim).unwrap();
    edit_text(&site, "opened on Friday", "opened on Saturday");
    let report = site.build();
    assert_eq!(report.images.made, 1);
    let name = victim.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(&std::fs::read(site.out().join("img").join(&name)).unwrap()[8..12], b"WEBP");
    assert!(
        std::fs::read_dir(&cache).unwrap().flatten().all(|e| !e.file_name().to_string_lossy().starts_with(".tmp-"))
    );
}

#[test]
fn images_write_nothing_beside_the_output() {
    let site = fixture("images");
    let parent = site.out().parent().unwrap().to_path_buf();
    let listing = || names(&parent);
    let before = listing();
    let with_output = || {
        let mut names = [before.clone(), vec!["public".to_string()]].concat();
        names.sort();
        names
    };
    let untouched = snapshot(site.temp());
    site.build();
    let outside: Vec<String> = snapshot_difference(&untouched, &snapshot(site.temp()))
        .into_iter()
        .filter(|c| !c.starts_with("added: site/public/"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    assert_eq!(listing(), with_output());
    // A warm build, and one that makes a new variant, write nothing beside it either.
    edit_text(&site, "opened on Friday", "opened on Saturday");
    let victim = names(&cache_of(&site)).into_iter().find(|n| n.ends_with(".webp")).unwrap();
    std::fs::remove_file(cache_of(&site).join(victim)).unwrap();
    assert_eq!(site.build().images.made, 1);
    assert_eq!(listing(), with_output());
}

/// Builds the fixture, which must fail; returns the errors as (code, file, line, field).
fn build_errors(site: &Fixture) -> Vec<(String, String, usize, Option<String>)> {
    let report = site.build_with(&site.options());
    assert!(!report.succeeded(), "the build succeeded");
    errors(&report)
        .iter()
        .map(|d| {
            let file = d.file.as_ref().map(|f| f.display().to_string()).unwrap_or_default();
            (d.code.to_string(), file, d.line, d.field.clone())
        })
        .collect()
}

const STORY: &str = "content/articles/2024/05/harbour-opens.md";

#[test]
fn a_missing_lead_image_names_the_file_line_and_field() {
    let site = fixture("images");
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    site.write(STORY, text.replace("src = \"harbour.jpg\"", "src = \"harbor.jpg\""));
    assert_eq!(build_errors(&site), vec![("E061".into(), STORY.into(), 8, Some("image.src".into()))]);
    assert!(!site.out().exists(), "a failed build wrote output");
}

#[test]
fn a_lead_image_without_alt_is_an_error() {
    let site = fixture("images");
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    site.write(STORY, text.replace("alt = \"The new container terminal at dawn\"\n", ""));
    let found = build_errors(&site);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].3.as_deref()), ("E064", Some("image.alt")));
}

#[test]
fn markdown_images_that_are_missing_leave_the_site_or_are_damaged_are_errors_with_their_line() {
    let site = fixture("images");
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    site.write("static/images/broken.png", b"\x89PNG\r\n\x1a\nnot really a png");
    site.write("static/images/notes.png", "just text");
    let secret = site.temp().join("secret.png");
    std::fs::copy(site.root.join("static/images/badge.png"), &secret).unwrap();
    std::os::unix::fs::symlink(&secret, site.root.join("static/images/link.png")).unwrap();
    let added = "\n![a](gone.png)\n\n![b](../../../../secret.png)\n\n![c](/images/broken.png)\n\n![d](/images/link.png)\n\n![e](/images/notes.png)\n";
    site.write(STORY, format!("{text}{added}"));
    let lines = text.lines().count();
    let mut found = build_errors(&site);
    found.sort_by_key(|f| f.2);
    let codes: Vec<(&str, usize)> = found.iter().map(|f| (f.0.as_str(), f.2)).collect();
    assert_eq!(
        codes,
        vec![("E061", lines + 2), ("E062", lines + 4), ("E063", lines + 6), ("E062", lines + 8), ("E063", lines + 10)],
        "{found:?}"
    );
    assert!(found.iter().all(|f| f.1 == STORY && f.3.as_deref() == Some("image")));
}

#[test]
fn an_image_damaged_past_its_header_is_an_error_at_the_page_that_shows_it() {
    let site = fixture("images");
    let png = std::fs::read(site.root.join("static/images/plant.png")).unwrap();
    site.write("static/images/plant.png", &png[..png.len() / 2]);
    let found = build_errors(&site);
    assert!(!found.is_empty() && found.iter().all(|f| f.0 == "E063" && f.2 > 0), "{found:?}");
}

#[test]
fn a_markdown_image_without_alt_text_is_a_warning() {
    let site = fixture("images");
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    site.write(STORY, text.replace("![Harbour Group emblem]", "![]"));
    let report = site.build();
    assert!(report.diagnostics.iter().any(|d| d.code == "W120" && d.line == 17), "{}", render_all(&report.diagnostics));
}

/// W120 and the other image errors used to point at the first place the same `src` was
/// written, not at the use at fault (a found-by-text lookup): an image shown twice, the second
/// time without alt text, was reported at the first.
#[test]
fn a_missing_alt_warning_names_the_use_without_alt_not_the_first_use_of_the_same_src() {
    let site = fixture("images");
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    let lines = text.lines().count();
    let added = "\nAgain: ![](/images/badge.png)\n\n[gone](/articles/gone/)\n\nand [gone](/articles/gone/)\n";
    site.write(STORY, format!("{text}{added}"));
    let report = site.build();
    let at = |code: &str| -> Vec<(usize, usize)> {
        report.diagnostics.iter().filter(|d| d.code == code).map(|d| (d.line, d.column)).collect()
    };
    assert_eq!(at("W120"), vec![(lines + 2, 12)], "{}", render_all(&report.diagnostics));
    assert_eq!(at("W101"), vec![(lines + 4, 8), (lines + 6, 12)], "{}", render_all(&report.diagnostics));
}

#[test]
fn a_broken_markdown_image_used_twice_is_reported_at_each_use() {
    let site = fixture("images");
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    let lines = text.lines().count();
    site.write(STORY, format!("{text}\n![a](/images/gone.png)\n\n![b](/images/gone.png)\n"));
    let found = build_errors(&site);
    let codes: Vec<(&str, usize)> = found.iter().map(|f| (f.0.as_str(), f.2)).collect();
    assert_eq!(codes, vec![("E061", lines + 2), ("E061", lines + 4)], "{found:?}");
}

#[test]
fn an_image_damaged_past_its_header_is_reported_at_its_first_use_in_every_build() {
    let site = fixture("images");
    // plant.png is shown by the story and by the lead image of plant-expands.md; now also by
    // an article whose path sorts before both.
    site.write(
        "content/articles/2024/01/a-first.md",
        "+++\ntitle = \"First\"\ndate = 2024-05-01T09:00:00Z\n+++\nText.\n\n![The plant](/images/plant.png)\n",
    );
    let png = std::fs::read(site.root.join("static/images/plant.png")).unwrap();
    site.write("static/images/plant.png", &png[..png.len() / 2]);
    for _ in 0..3 {
        let found = build_errors(&site);
        assert_eq!(found, vec![("E063".into(), "content/articles/2024/01/a-first.md".into(), 7, Some("image".into()))]);
    }
}

#[test]
fn an_article_with_a_lead_image_shares_its_1200_pixel_jpeg() {
    use crate::newsroom::{item, json_ld, meta};
    let site = fixture("images");
    site.build();
    let page = read(&site.out(), "articles/harbour-opens/index.html");
    let og = meta(&page, "og:image");
    assert_eq!(og.len(), 1, "{og:?}");
    assert!(og[0].contains("/img/harbour-1200w-") && og[0].ends_with(".jpg"), "{og:?}");
    assert_eq!(decoded_size(&file_of(&site.out(), &og[0])), (1200, 667));
    assert_eq!(meta(&page, "og:image:width"), vec!["1200"]);
    assert_eq!(meta(&page, "og:image:height"), vec!["667"]);
    assert_eq!(meta(&page, "og:image:alt"), vec!["The new container terminal at dawn"]);
    assert_eq!(meta(&page, "twitter:card"), vec!["summary_large_image"]);
    // JSON-LD: the share JPEG first, then every fallback variant, widest first, each a real file.
    let images = item(&json_ld(&page), "NewsArticle")["image"].as_array().unwrap().clone();
    assert_eq!(images[0]["url"], og[0].as_str());
    let widths: Vec<u64> = images.iter().map(|i| i["width"].as_u64().unwrap()).collect();
    assert_eq!(widths, vec![1200, 1600, 960, 480]);
    for image in &images {
        assert_eq!(image["@type"], "ImageObject");
        let url = image["url"].as_str().unwrap();
        let size = decoded_size(&file_of(&site.out(), url));
        assert_eq!(
            (u64::from(size.0), u64::from(size.1)),
            (image["width"].as_u64().unwrap(), image["height"].as_u64().unwrap()),
            "{url}"
        );
    }
}

#[test]
fn a_page_without_an_image_gets_a_summary_card() {
    use crate::newsroom::meta;
    let site = fixture("images");
    site.build();
    let page = read(&site.out(), "articles/council-meets/index.html");
    assert!(meta(&page, "og:image").is_empty(), "{:?}", meta(&page, "og:image"));
    assert_eq!(meta(&page, "twitter:card"), vec!["summary"]);
}

#[test]
fn author_pages_show_and_share_the_portrait() {
    use crate::newsroom::{item, json_ld, meta};
    let site = fixture("images");
    site.build();
    let page = read(&site.out(), "authors/staff-reporter/index.html");
    let alt = "The harbour desk's reporter at work";
    assert_eq!(attributes(&page, "figure.entity-image img", "alt"), vec![alt]);
    assert_variants(&site.out(), &attributes(&page, "figure.entity-image img", "srcset")[0], &[400]);
    assert_eq!(meta(&page, "og:image:alt"), vec![alt]);
    assert_eq!(meta(&page, "og:image:width"), vec!["400"]);
    let graphs = json_ld(&page);
    let person = &item(&graphs, "ProfilePage")["mainEntity"];
    assert_eq!(person["image"][0]["width"], 400);
}

#[test]
fn an_author_portrait_that_is_missing_is_an_error_at_its_line() {
    let site = fixture("images");
    let profile = "content/authors/staff-reporter.md";
    let text = std::fs::read_to_string(site.root.join(profile)).unwrap();
    site.write(profile, text.replace("/images/portrait.png", "/images/nobody.png"));
    assert_eq!(build_errors(&site), vec![("E061".into(), profile.into(), 6, Some("image.src".into()))]);
}

#[test]
fn serve_shows_an_edited_image_and_a_text_edit_makes_no_image() {
    use gazette::serve::engine::{Engine, RebuildKind};
    let site = fixture("images");
    let mut engine = Engine::new(site.options());
    let first = engine.rebuild_all();
    assert!(first.succeeded(), "{}", render_all(&first.diagnostics));
    let page = |engine: &Engine| {
        let served = engine.served();
        let served = served.read().unwrap();
        let (_, body) = &served.files["articles/harbour-opens/index.html"];
        match body {
            gazette::serve::engine::Served::Bytes(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
            gazette::serve::engine::Served::File(file) => std::fs::read_to_string(file).unwrap(),
        }
    };
    let lead = |html: &str| attributes(html, "figure.lead-image img", "src");
    let before = lead(&page(&engine));
    let cache = cache_of(&site);
    let stamps = || {
        let mut all: Vec<(String, std::time::SystemTime)> = std::fs::read_dir(&cache)
            .unwrap()
            .flatten()
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().modified().unwrap()))
            .collect();
        all.sort();
        all
    };
    let cached = stamps();
    assert!(!cached.is_empty());
    // A text edit: one article, and no image is made (the cache is untouched).
    let text = std::fs::read_to_string(site.root.join(STORY)).unwrap();
    site.write(STORY, text.replace("opened on Friday", "opened on Saturday"));
    let rebuild = engine.apply(&[site.root.join(STORY)]);
    assert!(rebuild.succeeded(), "{}", render_all(&rebuild.diagnostics));
    assert_eq!(rebuild.kind, RebuildKind::OneArticle);
    assert!(page(&engine).contains("opened on Saturday"));
    assert_eq!(lead(&page(&engine)), before);
    assert_eq!(stamps(), cached);
    // The lead image replaced: the page names new files, which are served.
    let image = "content/articles/2024/05/harbour.jpg";
    let bytes = std::fs::read(site.root.join(image)).unwrap();
    let mut edited = image::load_from_memory(&bytes).unwrap().to_rgb8();
    edited.put_pixel(0, 0, image::Rgb([255, 0, 0]));
    edited.save(site.root.join(image)).unwrap();
    let rebuild = engine.apply(&[site.root.join(image)]);
    assert!(rebuild.succeeded(), "{}", render_all(&rebuild.diagnostics));
    let after = lead(&page(&engine));
    assert_ne!(after, before);
    let path = after[0].strip_prefix("https://images.example.com/").unwrap().to_string();
    assert!(engine.served().read().unwrap().files.contains_key(&path), "{path} is not served");
}
