//! `gazette new`: a complete front matter, drafts by default, never an overwrite or a
//! duplicate slug.

use std::path::Path;

use super::support::*;

/// A fresh site from `gazette init`, in its own temporary folder.
fn fresh_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    run(gazette().arg("init").arg(dir.path()), 0);
    dir
}

fn front_matter(file: &Path) -> toml::Table {
    let text = std::fs::read_to_string(file).unwrap();
    let toml_text = text.strip_prefix("+++\n").unwrap().split("\n+++\n").next().unwrap();
    toml::from_str(toml_text).unwrap()
}

#[test]
fn new_writes_a_complete_front_matter() {
    let site = fresh_site();
    let (stdout, stderr) = run(
        gazette().arg("new").arg("Riverton's \"port\" deal").arg("--root").arg(site.path()).args([
            "--tags",
            "finance, ports",
            "--entities",
            "riverton city",
            "--date",
            "2026-01-05T09:00:00+08:00",
        ]),
        0,
    );
    let path = site.path().join("content/articles/2026/01/riverton-s-port-deal.md");
    assert_eq!(stdout.trim(), path.display().to_string());
    assert!(!stderr.contains("warning"), "{stderr}");
    let front = front_matter(&path);
    assert_eq!(front["title"].as_str(), Some("Riverton's \"port\" deal"));
    assert_eq!(front["date"].to_string(), "2026-01-05T09:00:00+08:00");
    assert_eq!(front["slug"].as_str(), Some("riverton-s-port-deal"));
    assert_eq!(front["tags"], toml::Value::from(vec!["finance", "ports"]));
    // The alias resolves to the profile's name.
    assert_eq!(front["entities"], toml::Value::from(vec!["Riverton"]));
    assert_eq!(front["draft"].as_bool(), Some(true));
}

#[test]
fn new_then_build_with_drafts_shows_the_article() {
    let site = fresh_site();
    run(gazette().arg("new").arg("Harbour expansion approved").arg("--root").arg(site.path()), 0);
    let page = site.path().join("public/articles/harbour-expansion-approved/index.html");

    run(gazette().arg("build").arg("--root").arg(site.path()), 0);
    assert!(!page.exists(), "a draft is left out of a plain build");

    let (_, stderr) = run(gazette().arg("build").arg("--root").arg(site.path()).arg("--drafts"), 0);
    assert!(!stderr.contains("warning"), "{stderr}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Harbour expansion approved"), "{html}");
}

#[test]
fn new_with_publish_is_built_at_once() {
    let site = fresh_site();
    run(
        gazette().arg("new").arg("Port tender opens").arg("--root").arg(site.path()).args([
            "--entities",
            "Riverton",
            "--publish",
        ]),
        0,
    );
    run(gazette().arg("build").arg("--root").arg(site.path()), 0);
    assert!(site.path().join("public/articles/port-tender-opens/index.html").exists());
}

#[test]
fn new_refuses_to_overwrite_a_file() {
    let site = fresh_site();
    let new = || {
        let mut command = gazette();
        command
            .arg("new")
            .arg("Harbour expansion approved")
            .arg("--root")
            .arg(site.path())
            .args(["--date", "2026-01-05"]);
        command
    };
    run(&mut new(), 0);
    let file = site.path().join("content/articles/2026/01/harbour-expansion-approved.md");
    std::fs::write(&file, "+++\ntitle = \"Edited\"\ndate = 2026-01-05\n+++\nWork in progress.\n").unwrap();
    let (stdout, stderr) = run(&mut new(), 1);
    assert_eq!(stdout, "");
    assert!(stderr.contains("error[E080]"), "{stderr}");
    assert!(std::fs::read_to_string(&file).unwrap().contains("Work in progress."));
}

#[test]
fn new_refuses_a_duplicate_slug() {
    let site = fresh_site();
    run(
        gazette()
            .arg("new")
            .arg("Harbour expansion approved")
            .arg("--root")
            .arg(site.path())
            .args(["--date", "2026-01-05"]),
        0,
    );
    let (_, stderr) = run(
        gazette()
            .arg("new")
            .arg("Harbour Expansion, Approved!")
            .arg("--root")
            .arg(site.path())
            .args(["--date", "2026-02-05"]),
        1,
    );
    assert!(
        stderr.contains("error[E040]: another article already has the slug \"harbour-expansion-approved\""),
        "{stderr}"
    );
    assert!(stderr.contains("--> content/articles/2026/01/harbour-expansion-approved.md"), "{stderr}");
    assert!(!site.path().join("content/articles/2026/02").exists());
}

#[test]
fn new_keeps_an_unknown_entity_and_reports_it() {
    let site = fresh_site();
    let (_, stderr) = run(
        gazette().arg("new").arg("Port tender opens").arg("--root").arg(site.path()).args([
            "--date",
            "2026-01-05",
            "--entities",
            "Riverton,Rivertn Port Authority",
        ]),
        0,
    );
    assert!(stderr.contains("warning[W102]: no profile defines the entity \"Rivertn Port Authority\""), "{stderr}");
    assert!(stderr.contains("--> content/articles/2026/01/port-tender-opens.md:7:25"), "{stderr}");
    let front = front_matter(&site.path().join("content/articles/2026/01/port-tender-opens.md"));
    assert_eq!(front["entities"], toml::Value::from(vec!["Riverton", "Rivertn Port Authority"]));
}
