//! `gazette init`: a fresh site that builds and checks with no warning, and never lands on
//! top of someone's files without `--force`.

use predicates::prelude::*;
use predicates::str::contains;

use super::support::*;

#[test]
fn init_then_build_exits_0_with_no_warning() {
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("my-site");
    let (stdout, _) = run(gazette().arg("init").arg(&site), 0);
    assert!(stdout.lines().any(|l| l.ends_with("site.toml")), "{stdout}");

    let (_, stderr) = run(gazette().arg("build").arg("--root").arg(&site), 0);
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(stderr.starts_with("built 1 article "), "{stderr}");
    for page in ["index.html", "about/index.html", "entities/riverton/index.html", "style.css", "atom.xml"] {
        assert!(site.join("public").join(page).is_file(), "{page} missing");
    }
    let article = std::fs::read_dir(site.join("public/articles")).unwrap().count();
    assert_eq!(article, 1);
    // The article's `@/` links became the pages' addresses.
    let html = std::fs::read_to_string(site.join("public/articles/welcome/index.html")).unwrap();
    assert!(html.contains("href=\"https://example.com/about/\""), "{html}");
    assert!(html.contains("href=\"https://example.com/entities/riverton/\""), "{html}");
}

#[test]
fn init_site_checks_with_no_warning_even_when_strict() {
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("site");
    run(gazette().arg("init").arg(&site), 0);
    let (_, stderr) = run(gazette().arg("check").arg("--root").arg(&site).arg("--strict"), 0);
    assert_eq!(stderr, "0 errors, 0 warnings in 6 files\n");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_unless_forced() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("notes.txt"), "mine").unwrap();

    gazette()
        .arg("init")
        .arg(site.path())
        .assert()
        .code(1)
        .stderr(contains("error[E081]: the folder").and(contains("is not empty")).and(contains("--force")));
    assert!(!site.path().join("site.toml").exists());

    run(gazette().arg("init").arg(site.path()).arg("--force"), 0);
    assert!(site.path().join("site.toml").is_file());
    assert_eq!(std::fs::read_to_string(site.path().join("notes.txt")).unwrap(), "mine");
}

#[test]
fn init_settings_are_all_commented() {
    let parent = tempfile::tempdir().unwrap();
    let site = parent.path().join("site");
    run(gazette().arg("init").arg(&site), 0);
    let settings = std::fs::read_to_string(site.join("site.toml")).unwrap();
    let lines: Vec<&str> = settings.lines().collect();
    for (index, line) in lines.iter().enumerate().filter(|(_, l)| l.contains(" = ")) {
        assert!(lines[index - 1].starts_with('#'), "no comment above `{line}`");
    }
    for key in ["title", "base_url", "language", "description", "paginate_by", "feed_limit"] {
        assert!(lines.iter().any(|l| l.starts_with(&format!("{key} = "))), "{key} missing");
    }
}
