//! Bad input: each broken fixture fails the build with exit code 1 and a message that names the
//! file, the line and the field and says what to do; the previous output stays exactly as it
//! was, no staging folder is left behind and nothing is written anywhere else.

use std::fs;

use crate::support::*;

/// What the error message for one broken site must say.
struct Expected<'a> {
    /// As printed: relative to the site root.
    file: &'a str,
    /// `Some(n)`: the message shows `file:n:`; `None`: no line is required.
    line: Option<usize>,
    /// The field, shown as field `name`; `None` where the problem is not about a field.
    field: Option<&'a str>,
    /// Words the `help:` line must contain.
    hint: &'a str,
}

/// A previous build's output, with files at several depths (and the mark every build leaves).
fn make_previous_output(site: &Fixture) {
    site.write(&format!("public/{}", gazette::write::guard::MARK_FILE), gazette::write::guard::MARK_TEXT);
    site.write("public/index.html", "<p>the previous build</p>\n");
    site.write("public/articles/old-story/index.html", "<h1>An old story</h1>\n");
    site.write("public/images/photo.bin", [0u8, 159, 146, 150, 255, 10]);
}

/// Runs the binary on a broken site twice (with a previous output, and without one), checks
/// that nothing changed on disk, and returns stderr.
fn assert_rejected(site: &Fixture) -> String {
    make_previous_output(site);
    let stderr = assert_build_fails_leaving_everything_as_it_was(site);
    fs::remove_dir_all(site.out()).unwrap();
    assert_build_fails_leaving_everything_as_it_was(site);
    stderr
}

fn assert_build_fails_leaving_everything_as_it_was(site: &Fixture) -> String {
    let before = snapshot(site.temp());
    let output = site.gazette_build().assert().code(1).get_output().clone();
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    let after = snapshot(site.temp());
    let changes = snapshot_difference(&before, &after);
    assert!(changes.is_empty(), "the failed build changed files:\n{}\nstderr:\n{stderr}", changes.join("\n"));
    assert!(!stderr.contains("panicked"), "gazette panicked:\n{stderr}");
    assert!(stderr.contains("error"), "no error printed:\n{stderr}");
    stderr
}

fn assert_message(stderr: &str, expected: &Expected) {
    match expected.line {
        Some(line) => {
            let location = format!("{}:{line}:", expected.file);
            assert!(stderr.contains(&location), "stderr does not point at {location}:\n{stderr}");
        }
        None => assert!(stderr.contains(expected.file), "stderr does not name {}:\n{stderr}", expected.file),
    }
    if let Some(field) = expected.field {
        assert!(stderr.contains(&format!("field `{field}`")), "stderr does not name the field `{field}`:\n{stderr}");
    }
    let help: Vec<&str> = stderr.lines().filter(|l| l.contains("help:")).collect();
    assert!(
        help.iter().any(|l| l.contains(expected.hint)),
        "no help line says {:?}; help lines: {help:?}\nstderr:\n{stderr}",
        expected.hint
    );
}

fn check(fixture_name: &str, expected: Expected) -> String {
    let site = fixture(fixture_name);
    let stderr = assert_rejected(&site);
    assert_message(&stderr, &expected);
    stderr
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    check(
        "bad-unknown-key",
        Expected {
            file: "content/articles/2018/01/typo.md",
            line: Some(3),
            field: Some("titel"),
            hint: "did you mean `title`?",
        },
    );
}

#[test]
fn missing_title_is_an_error() {
    check(
        "bad-missing-title",
        Expected { file: "content/articles/2018/01/untitled.md", line: Some(1), field: Some("title"), hint: "title" },
    );
}

#[test]
fn missing_date_is_an_error() {
    check(
        "bad-missing-date",
        Expected { file: "content/articles/2018/01/undated.md", line: Some(1), field: Some("date"), hint: "date" },
    );
}

#[test]
fn a_quoted_date_is_not_a_toml_date() {
    check(
        "bad-quoted-date",
        Expected {
            file: "content/articles/2018/01/quoted-date.md",
            line: Some(3),
            field: Some("date"),
            hint: "without quotes",
        },
    );
}

#[test]
fn front_matter_without_its_closing_line_is_an_error() {
    // The problem is the missing `+++` line, not a field: none is required.
    check(
        "bad-unclosed-front-matter",
        Expected { file: "content/articles/2018/01/unclosed.md", line: Some(1), field: None, hint: "+++" },
    );
}

#[test]
fn two_articles_with_the_same_slug_name_both_files() {
    let stderr = check(
        "bad-duplicate-slug",
        Expected { file: "content/articles/2018/01/first-story.md", line: None, field: None, hint: "slug" },
    );
    assert!(stderr.contains("content/articles/2018/01/second-story.md"), "the second file is not named:\n{stderr}");
    assert!(stderr.contains("articles/same-story/"), "the shared output path is not named:\n{stderr}");
}

#[test]
fn two_articles_with_the_same_slug_point_at_the_slug_line() {
    let stderr = check(
        "bad-duplicate-slug",
        Expected { file: "content/articles/2018/01/first-story.md", line: Some(4), field: Some("slug"), hint: "slug" },
    );
    assert!(stderr.contains("content/articles/2018/01/second-story.md"), "{stderr}");
}

#[test]
fn a_page_that_would_replace_a_built_in_page_names_the_page() {
    let site = fixture("good");
    site.write("content/pages/tags.md", "+++\ntitle = \"Our tags\"\n+++\nA page at /tags/.\n");
    let stderr = assert_rejected(&site);
    assert!(stderr.contains("content/pages/tags.md"), "{stderr}");
    assert!(stderr.contains("tags/index.html"), "the contested output is not named:\n{stderr}");
}

#[test]
fn a_static_file_that_would_replace_a_generated_page_names_both_sources() {
    let site = fixture("good");
    site.write("static/articles/dalian-port/index.html", "<p>a stray copy</p>");
    let stderr = assert_rejected(&site);
    assert!(stderr.contains("static/articles/dalian-port/index.html"), "{stderr}");
    assert!(stderr.contains("content/articles/2019/05/dalian-port.md"), "{stderr}");
}

#[test]
fn a_collision_with_a_built_in_page_names_that_page_in_words() {
    let site = fixture("good");
    site.write("static/index.html", "<p>a hand-made home page</p>");
    let stderr = assert_rejected(&site);
    assert!(stderr.contains("static/index.html"), "{stderr}");
    assert!(!stderr.contains('{'), "the message shows Rust syntax:\n{stderr}");
}

#[test]
fn a_folder_without_site_toml_is_explained() {
    let site = fixture("good");
    std::fs::remove_file(site.root.join("site.toml")).unwrap();
    let stderr = assert_rejected(&site);
    assert!(stderr.contains("site.toml"), "{stderr}");
    assert!(stderr.lines().any(|l| l.contains("help:") && l.contains("--root")), "{stderr}");
}

#[test]
fn a_slug_that_leaves_the_output_folder_is_refused() {
    check(
        "bad-slug-leaves-folder",
        Expected { file: "content/articles/2018/01/escape.md", line: Some(4), field: Some("slug"), hint: "slug" },
    );
}

#[test]
fn an_empty_slug_is_refused() {
    check(
        "bad-empty-slug",
        Expected { file: "content/articles/2018/01/empty-slug.md", line: Some(4), field: Some("slug"), hint: "slug" },
    );
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_with_its_line() {
    let site = fixture("bad-not-utf8");
    // "Café" in Latin-1 on line 2: the byte 0xE9 is not UTF-8.
    site.write("content/articles/2018/01/latin1.md", b"+++\ntitle = \"Caf\xe9 opens\"\ndate = 2018-01-05\n+++\nBody\n");
    let stderr = assert_rejected(&site);
    assert_message(
        &stderr,
        &Expected { file: "content/articles/2018/01/latin1.md", line: Some(2), field: None, hint: "UTF-8" },
    );
}

#[test]
fn an_unknown_key_in_site_toml_suggests_the_right_one() {
    check(
        "bad-site-unknown-key",
        Expected { file: "site.toml", line: Some(4), field: Some("feed_limt"), hint: "did you mean `feed_limit`?" },
    );
}

#[test]
fn a_template_syntax_error_names_the_template_and_line() {
    check("bad-template-syntax-error", Expected { file: "article.html", line: Some(5), field: None, hint: "template" });
}

#[test]
fn an_undefined_template_variable_names_the_template_and_line() {
    let stderr = check(
        "bad-template-undefined-variable",
        Expected { file: "article.html", line: Some(4), field: None, hint: "template" },
    );
    assert!(stderr.contains("kicker"), "the undefined variable is not named:\n{stderr}");
}

/// The location in the diagnostic value itself, not only inside its message text.
fn template_error(fixture_name: &str) -> gazette::diagnostics::Diagnostic {
    let site = fixture(fixture_name);
    let report = site.build_with(&site.options());
    let found = errors(&report);
    assert_eq!(found.len(), 1, "{}", render_all(&report.diagnostics));
    found[0].clone()
}

#[test]
fn template_syntax_error_diagnostic_carries_file_and_line() {
    let error = template_error("bad-template-syntax-error");
    assert_eq!(error.file.as_deref(), Some(std::path::Path::new("templates/article.html")));
    assert_eq!(error.line, 5);
}

#[test]
fn template_render_error_diagnostic_carries_file_and_line() {
    let error = template_error("bad-template-undefined-variable");
    assert_eq!(error.file.as_deref(), Some(std::path::Path::new("templates/article.html")));
    assert_eq!(error.line, 4);
}

#[test]
fn several_errors_are_reported_together() {
    let site = fixture("bad-several-errors");
    let stderr = assert_rejected(&site);
    for location in [
        "content/articles/2018/01/typo.md:4:",
        "content/articles/2018/01/undated.md:1:",
        "content/articles/2018/01/escape.md:4:",
        "content/entities/orix.md:3:",
        "content/pages/about.md:2:",
    ] {
        assert!(stderr.contains(location), "{location} is not reported:\n{stderr}");
    }
    assert!(stderr.contains("5 errors"), "{stderr}");
    let report = site.build_with(&site.options());
    assert_eq!(errors(&report).len(), 5, "{}", render_all(&report.diagnostics));
}

#[test]
fn content_and_template_errors_are_reported_together() {
    let site = fixture("bad-template-syntax-error");
    let typo = fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/bad-unknown-key/content/articles/2018/01/typo.md"),
    )
    .unwrap();
    site.write("content/articles/2018/01/typo.md", typo);
    let stderr = assert_rejected(&site);
    assert!(stderr.contains("content/articles/2018/01/typo.md:3:"), "{stderr}");
    assert!(stderr.contains("article.html:5:"), "the template error is not reported:\n{stderr}");
}

#[test]
fn library_build_reports_the_error_without_writing() {
    let site = fixture("bad-unknown-key");
    let before = snapshot(site.temp());
    let report = site.build_with(&site.options());
    assert!(!report.succeeded());
    let error = errors(&report)[0].clone();
    assert_eq!(error.file.as_deref(), Some(std::path::Path::new("content/articles/2018/01/typo.md")));
    assert_eq!((error.line, error.field.as_deref()), (3, Some("titel")));
    assert!(error.hint.as_deref().unwrap_or("").contains("did you mean `title`?"));
    assert!(snapshot_difference(&before, &snapshot(site.temp())).is_empty());
}
