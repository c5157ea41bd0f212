//! Regression tests of issue 18 ("Hardening"): each is named after what broke, and each fails
//! on the code before its fix. No input may delete a user's files, blow up the output or slip
//! past a guard, and `check` must report every content error that `build` reports.

use std::fs;
use std::path::Path;

use gazette::check::check;
use gazette::config::BuildOptions;

use crate::support::*;

fn codes(report: &gazette::build::BuildReport) -> Vec<&'static str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

fn article(title: &str, extra_front: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2019-04-01\n{extra_front}\n+++\nA body.\n")
}

/// Total bytes below `dir`.
fn size_of(dir: &Path) -> u64 {
    all_files(dir).iter().map(|f| fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0)).sum()
}

// 1. User files deleted.

#[test]
fn building_into_a_folder_gazette_did_not_write_is_refused_and_its_files_are_kept() {
    let site = fixture("good");
    let documents = site.temp().join("Documents");
    fs::create_dir_all(documents.join("drafts")).unwrap();
    fs::write(documents.join("thesis.txt"), "four years of work").unwrap();
    let report = site.build_with(&BuildOptions { output: Some(documents.clone()), ..site.options() });
    let error = errors(&report).into_iter().find(|d| d.code == "E075").expect("E075");
    let text = error.render(false);
    assert!(text.contains("thesis.txt") && text.contains("drafts/"), "the error names what it would remove:\n{text}");
    assert!(text.contains("--force"), "{text}");
    assert_eq!(fs::read_to_string(documents.join("thesis.txt")).unwrap(), "four years of work");
    assert!(!exists(&documents, "index.html"));

    // The binary says so and exits 1; with --force it replaces the folder.
    let stderr = site.gazette_build().arg("--output").arg(&documents).assert().code(1).get_output().stderr.clone();
    assert!(String::from_utf8_lossy(&stderr).contains("E075"));
    site.gazette_build().arg("--output").arg(&documents).arg("--force").assert().success();
    assert!(exists(&documents, "index.html"));
    assert!(!documents.join("thesis.txt").exists());
    // Now it carries gazette's mark: the next build needs no --force.
    site.gazette_build().arg("--output").arg(&documents).assert().success();
}

#[test]
fn an_empty_folder_and_a_folder_of_a_previous_build_are_built_into_without_force() {
    let site = fixture("good");
    let empty = site.temp().join("empty");
    fs::create_dir(&empty).unwrap();
    site.build_ok(&BuildOptions { output: Some(empty.clone()), ..site.options() });
    assert!(exists(&empty, ".gazette-output"));
    fs::write(empty.join("stray.txt"), "left by hand").unwrap();
    site.build_ok(&BuildOptions { output: Some(empty.clone()), ..site.options() });
    assert!(!empty.join("stray.txt").exists(), "a gazette output folder is replaced whole");
}

// 2. Output that grows with the square of the input.

#[test]
fn more_tags_than_the_maximum_is_an_error_naming_the_file_and_line() {
    let site = fixture("good");
    let tags: Vec<String> = (0..=gazette::model::limits::MAX_TAGS).map(|i| format!("\"tag {i}\"")).collect();
    site.write("content/articles/2019/04/many-tags.md", article("Many tags", &format!("tags = [{}]", tags.join(", "))));
    let report = site.build_with(&site.options());
    let error = errors(&report).into_iter().find(|d| d.code == "E077").expect("E077");
    assert_eq!(error.file.as_deref(), Some(Path::new("content/articles/2019/04/many-tags.md")));
    assert_eq!((error.line, error.field.as_deref()), (4, Some("tags")));
}

/// Asserts that the bytes one article listing values of `field` (`tags`, `authors`) adds to
/// the `good` site grow linearly: the maximum adds at most 2.25 times what half of it adds.
fn assert_output_linear_in(field: &str, value: &str, max: usize) {
    let size_with = |count: usize| {
        let site = fixture("good");
        let values: Vec<String> = (0..count).map(|i| format!("\"{value} number {i}\"")).collect();
        site.write(
            "content/articles/2019/04/many-values.md",
            article("Many values", &format!("{field} = [{}]", values.join(", "))),
        );
        site.build();
        size_of(&site.out())
    };
    let (base, half, full) = (size_with(0), size_with(max / 2), size_with(max));
    let (grown_half, grown_full) = (half - base, full - base);
    assert!(grown_full < grown_half * 9 / 4, "{} {field} add {grown_half} bytes, {max} add {grown_full}", max / 2);
}

#[test]
fn output_size_is_linear_in_the_number_of_tags_of_one_article() {
    // Each tag adds its own pages of a bounded size: twice the tags, about twice the bytes
    // (it was four times, when every card and feed entry repeated every tag).
    assert_output_linear_in("tags", "topic", gazette::model::limits::MAX_TAGS);
}

#[test]
fn more_authors_than_the_maximum_is_an_error_naming_the_file_and_line() {
    let site = fixture("good");
    let authors: Vec<String> = (0..=gazette::model::limits::MAX_AUTHORS).map(|i| format!("\"Reporter {i}\"")).collect();
    site.write(
        "content/articles/2019/04/many-authors.md",
        article("Many authors", &format!("authors = [{}]", authors.join(", "))),
    );
    let report = site.build_with(&site.options());
    let error = errors(&report).into_iter().find(|d| d.code == "E077").expect("E077");
    assert_eq!(error.file.as_deref(), Some(Path::new("content/articles/2019/04/many-authors.md")));
    assert_eq!((error.line, error.field.as_deref()), (4, Some("authors")));
    assert!(error.render(false).contains("21 authors"), "{}", error.render(false));
    let checked = check(&site.options());
    assert!(checked.diagnostics.iter().any(|d| d.code == "E077" && d.line == 4), "check reports it too");
}

#[test]
fn output_size_is_linear_in_the_number_of_authors_of_one_article() {
    // Each byline adds an author page and feed, each repeating the article's bylines: with a
    // bounded number shown, twice the bylines stay close to twice the bytes.
    assert_output_linear_in("authors", "Reporter", gazette::model::limits::MAX_AUTHORS);
}

#[test]
fn an_article_page_names_every_byline_and_its_card_names_a_few_and_how_many_more() {
    let site = fixture("good");
    let authors: Vec<String> = (0..12).map(|i| format!("\"Reporter {i}\"")).collect();
    site.write(
        "content/articles/2019/04/many-authors.md",
        article("Many authors", &format!("authors = [{}]", authors.join(", "))),
    );
    site.build();
    let page = read(&site.out(), "articles/many-authors/index.html");
    assert!(page.contains("Reporter 11</a>"), "the article page names every byline");
    let author_page = read(&site.out(), "authors/reporter-0/index.html");
    assert!(author_page.contains("Reporter 7</a>") && !author_page.contains("Reporter 8</a>"), "{author_page}");
    assert!(author_page.contains("and 4 more"), "{author_page}");
    let feed = read(&site.out(), "authors/reporter-0/atom.xml");
    assert_eq!(feed.matches("<author><name>Reporter").count(), 8, "{feed}");
}

// 3. Time that grows with the square of the input (also a unit test in markdown.rs).

#[test]
fn many_identical_headings_get_distinct_ids() {
    let site = fixture("good");
    site.write(
        "content/articles/2019/04/headings.md",
        format!("{}{}", article("Headings", ""), "## h\n\n".repeat(3_000)),
    );
    site.build();
    let ids = attributes(&read(&site.out(), "articles/headings/index.html"), "h2[id]", "id");
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), ids.len());
    assert!(ids.len() >= 3_000);
}

// 4. An output folder that is a symbolic link.

#[test]
fn an_output_folder_that_is_a_symbolic_link_is_built_into_its_target_and_stays_a_link() {
    let site = fixture("good");
    let web_root = site.temp().join("www");
    fs::create_dir(&web_root).unwrap();
    std::os::unix::fs::symlink(&web_root, site.out()).unwrap();
    site.build();
    site.write("content/articles/2019/04/new.md", article("A new story", ""));
    site.build();
    assert!(fs::symlink_metadata(site.out()).unwrap().file_type().is_symlink(), "public/ was replaced by a folder");
    assert!(exists(&web_root, "articles/new/index.html"), "the web root did not get the second build");
    assert!(!site.temp().join(".www.gazette-staging").exists());
}

#[test]
fn an_output_link_to_nowhere_is_refused_clearly() {
    let site = fixture("good");
    std::os::unix::fs::symlink(site.temp().join("gone"), site.out()).unwrap();
    let report = site.build_with(&site.options());
    assert!(codes(&report).contains(&"E076"), "{}", render_all(&report.diagnostics));
    assert!(fs::symlink_metadata(site.out()).unwrap().file_type().is_symlink());
}

// 5. The E071 guard bypassed through a symbolic link.

#[test]
fn an_output_through_a_symbolic_link_into_content_is_refused() {
    let site = fixture("good");
    let link = site.temp().join("link");
    std::os::unix::fs::symlink(site.root.join("content"), &link).unwrap();
    let before = snapshot(&site.root.join("content"));
    let report = site.build_with(&BuildOptions { output: Some(link.join("x")), ..site.options() });
    assert!(codes(&report).contains(&"E071"), "{}", render_all(&report.diagnostics));
    assert!(snapshot_difference(&before, &snapshot(&site.root.join("content"))).is_empty());
}

// 6. `check` passes what `build` fails.

#[test]
fn a_tag_too_long_for_a_file_name_fails_check_and_build_alike_with_its_line() {
    let site = fixture("good");
    let long = "investment ".repeat(30);
    site.write("content/articles/2019/04/long-tag.md", article("Long tag", &format!("tags = [\"{long}\"]")));
    let built = site.build_with(&site.options());
    let error = errors(&built).into_iter().find(|d| d.code == "E078").expect("E078 from build");
    assert_eq!((error.line, error.field.as_deref()), (4, Some("tags")));
    let checked = check(&site.options());
    assert!(checked.diagnostics.iter().any(|d| d.code == "E078" && d.line == 4));
}

/// Content errors that reach the model and later stages, one article each.
const BROKEN_ARTICLES: &[(&str, &str)] = &[
    (
        "long-slug",
        "slug = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    ),
    (
        "long-entity",
        "entities = [\"Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company Company\"]",
    ),
    ("script-source", "[source]\nname = \"x\"\nurl = \"javascript:alert(3)\""),
    ("bad-slug", "slug = \"Not A Slug\""),
    ("empty-tag", "tags = [\"!!!\"]"),
    ("deal", "[[deals]]\nplace = \"\"\nwhat = \"x\"\namount = 5"),
    ("bad-date", "updated = 2019-13-01"),
    ("duplicate", "slug = \"dalian-port\""),
];

#[test]
fn every_content_error_that_build_reports_is_also_reported_by_check() {
    for (name, front) in BROKEN_ARTICLES {
        let site = fixture("good");
        site.write(&format!("content/articles/2019/04/{name}.md"), article(name, front));
        let located = |d: &gazette::diagnostics::Diagnostic| (d.code, d.file.clone(), d.line);
        let built: Vec<_> =
            site.build_with(&site.options()).diagnostics.iter().filter(|d| d.is_error()).map(located).collect();
        let checked: Vec<_> = check(&site.options()).diagnostics.iter().filter(|d| d.is_error()).map(located).collect();
        assert!(!built.is_empty(), "{name}: the build did not fail");
        for error in &built {
            assert!(error.1.is_some() && error.2 > 0, "{name}: {error:?} has no file and line");
            assert!(checked.contains(error), "{name}: build reports {error:?}, check does not ({checked:?})");
        }
    }
}

// 7. No Unicode normalization.

#[test]
fn a_name_written_with_a_combining_accent_links_to_the_precomposed_profile_and_warns() {
    let site = fixture("good");
    site.write(
        "content/entities/cafe-group.md",
        "+++\nname = \"Caf\u{e9} Group\"\nkind = \"organization\"\n+++\nA profile.\n",
    );
    site.write(
        "content/articles/2019/04/cafe.md",
        article("Cafe story", "entities = [\"Cafe\u{301} Group\"]\ntags = [\"caf\u{e9}s\", \"cafe\u{301}s\"]"),
    );
    let report = site.build();
    let warned: Vec<(usize, Option<&str>)> =
        report.diagnostics.iter().filter(|d| d.code == "W140").map(|d| (d.line, d.field.as_deref())).collect();
    assert!(warned.contains(&(4, Some("entities"))) && warned.contains(&(5, Some("tags"))), "{warned:?}");
    let out = site.out();
    let entity_dirs: Vec<String> =
        all_files(&out).into_iter().filter(|f| f.starts_with("entities/caf") && f.ends_with("/index.html")).collect();
    assert_eq!(entity_dirs.len(), 1, "look-alike entity pages: {entity_dirs:?}");
    let page = read(&out, &entity_dirs[0]);
    assert!(page.contains("A profile."), "the article's entity is not the profile");
    let tag_dirs: Vec<String> =
        all_files(&out).into_iter().filter(|f| f.starts_with("tags/caf") && f.ends_with("/index.html")).collect();
    assert_eq!(tag_dirs.len(), 1, "look-alike tag pages: {tag_dirs:?}");
}

// 8. `javascript:` URLs from front matter.

#[test]
fn a_javascript_source_url_is_an_error_naming_the_field() {
    let site = fixture("good");
    site.write(
        "content/articles/2019/04/script.md",
        article("Script", "[source]\nname = \"x\"\nurl = \"javascript:alert(3)\""),
    );
    let report = site.build_with(&site.options());
    let error = errors(&report).into_iter().find(|d| d.code == "E079").expect("E079");
    assert_eq!((error.line, error.field.as_deref()), (6, Some("source.url")));
    assert!(!site.out().exists());
}

// 9. Non-characters break feeds.

#[test]
fn a_noncharacter_in_a_title_is_kept_out_of_every_feed_and_the_sitemap() {
    let site = fixture("good");
    site.write("content/articles/2019/04/nonchar.md", article("Broken\u{FFFE} title\u{FFFF}", "tags = [\"finance\"]"));
    site.build();
    let out = site.out();
    for file in all_files(&out).into_iter().filter(|f| f.ends_with(".xml")) {
        let text = read(&out, &file);
        assert!(!text.contains(['\u{FFFE}', '\u{FFFF}']), "{file} holds a character XML forbids");
    }
    assert!(read(&out, "atom.xml").contains("Broken title"));
}

// 11. site.toml values that make a broken site; 14. a site.toml that is not UTF-8.

#[test]
fn a_base_url_with_a_port_above_65535_or_credentials_and_a_blank_title_are_errors() {
    for (config, code, field) in [
        ("title = \"T\"\nbase_url = \"https://example.org:70000/\"\n", "E025", "base_url"),
        ("title = \"T\"\nbase_url = \"https://user:pw@example.org/\"\n", "E026", "base_url"),
        ("title = \"  \"\nbase_url = \"https://example.org/\"\n", "E027", "title"),
    ] {
        let site = fixture("good");
        site.write("site.toml", config);
        let report = site.build_with(&site.options());
        let error = errors(&report).into_iter().next().unwrap_or_else(|| panic!("{config} built"));
        assert_eq!((error.code, error.field.as_deref()), (code, Some(field)), "{config}");
        assert!(error.line > 0);
    }
}

#[test]
fn a_site_toml_that_is_not_utf8_is_an_encoding_error_with_its_line() {
    let site = fixture("good");
    site.write("site.toml", b"title = \"Gazette\"\ndescription = \"Caf\xe9\"\nbase_url = \"https://example.org/\"\n");
    let report = site.build_with(&site.options());
    let error = errors(&report).into_iter().next().expect("an error");
    assert_eq!((error.code, error.line), ("E028", 2), "{}", error.render(false));
}
