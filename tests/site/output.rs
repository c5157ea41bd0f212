//! The output folder: a rebuild rewrites only files whose bytes changed and removes files no
//! source produces any more; a failed build leaves the previous output exactly as it was; the
//! staging folder never outlives a build and nothing is written outside the output folder.

use gazette::config::BuildOptions;

use crate::support::*;

#[test]
fn the_binary_builds_the_good_site_and_exits_zero() {
    let site = fixture("good");
    let output = site.gazette_build().assert().success().get_output().clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("built 6 articles"), "{stderr}");
    assert!(exists(&site.out(), "index.html"));
}

#[test]
fn a_second_build_with_nothing_changed_rewrites_nothing() {
    let site = fixture("good");
    site.build();
    let before = snapshot(&site.out());
    let second = site.build();
    let changes = snapshot_difference(&before, &snapshot(&site.out()));
    assert!(changes.is_empty(), "an unchanged rebuild touched:\n{}", changes.join("\n"));
    assert_eq!(second.changed, 0, "the report counts files written");
}

/// A rebuild in the same site folder must show every change of sources or options, however
/// the build decides what to redo.
mod rebuilds_reflect_every_change {
    use gazette::config::BuildOptions;

    use crate::support::*;

    #[test]
    fn the_clock_passing_a_scheduled_date() {
        let site = fixture("good");
        site.build();
        assert!(!exists(&site.out(), "articles/scheduled-story/index.html"));
        site.build_ok(&BuildOptions { clock: Some(clock("2024-09-02T00:00:00+08:00")), ..site.options() });
        assert!(exists(&site.out(), "articles/scheduled-story/index.html"));
    }

    #[test]
    fn the_drafts_and_future_switches() {
        let site = fixture("good");
        site.build_ok(&BuildOptions { drafts: true, future: true, ..site.options() });
        assert!(exists(&site.out(), "articles/draft-story/index.html"));
        site.build();
        assert!(!exists(&site.out(), "articles/draft-story/index.html"));
        assert!(!exists(&site.out(), "articles/scheduled-story/index.html"));
    }

    #[test]
    fn another_base_url() {
        let site = fixture("good");
        site.build();
        site.build_ok(&BuildOptions { base_url: Some("https://example.org/sub/".into()), ..site.options() });
        assert!(!read(&site.out(), "index.html").contains(BASE_URL));
        site.build();
        assert!(read(&site.out(), "index.html").contains(BASE_URL));
    }

    #[test]
    fn a_template_edit() {
        let site = fixture("good");
        site.build();
        let text = std::fs::read_to_string(site.root.join("templates/404.html")).unwrap();
        site.write("templates/404.html", text.replace("Fixture 404", "Fixture 405"));
        site.build();
        assert_eq!(texts(&read(&site.out(), "404.html"), "h1"), vec!["Fixture 405: nothing here"]);
    }

    #[test]
    fn a_same_size_edit_right_after_a_build() {
        let site = fixture("good");
        site.build();
        // Same length, written at once: size and (coarse) mtime may both look unchanged.
        let css = "body { font-family: fancy; }\n";
        assert_eq!(std::fs::metadata(site.root.join("static/style.css")).unwrap().len(), css.len() as u64);
        site.write("static/style.css", css);
        let path = "content/articles/2018/09/orixa-farms.md";
        let text = std::fs::read_to_string(site.root.join(path)).unwrap();
        site.write(path, text.replace("cold store", "cool store"));
        site.build();
        assert_eq!(
            std::fs::read(site.out().join("style.css")).unwrap(),
            std::fs::read(site.root.join("static/style.css")).unwrap()
        );
        assert!(read(&site.out(), "articles/orixa-farms/index.html").contains("cool store"));
    }

    #[test]
    fn an_output_file_deleted_since_the_last_build() {
        let site = fixture("good");
        site.build();
        std::fs::remove_file(site.out().join("index.html")).unwrap();
        std::fs::remove_dir_all(site.out().join("tags/ports")).unwrap();
        site.build();
        assert!(exists(&site.out(), "index.html"), "the home page is still missing");
        assert!(exists(&site.out(), "tags/ports/index.html"), "the ports tag page is still missing");
    }

    #[test]
    fn an_output_file_changed_since_the_last_build() {
        let site = fixture("good");
        site.build();
        let robots = read(&site.out(), "robots.txt");
        std::fs::write(site.out().join("robots.txt"), "User-agent: *\nDisallow: /\n").unwrap();
        site.build();
        assert_eq!(read(&site.out(), "robots.txt"), robots);
    }

    #[test]
    fn a_new_and_a_removed_entity_profile() {
        let site = fixture("good");
        site.build();
        site.remove("content/entities/orix-china-investment.md");
        site.write(
            "content/entities/dalian-port.md",
            "+++\nname = \"Dalian Port\"\nkind = \"organization\"\naliases = [\"大连港\"]\n+++\nA port operator.\n",
        );
        site.build();
        let out = site.out();
        assert!(!exists(&out, "entities/orix-china-investment/index.html"));
        assert!(exists(&out, "entities/dalian-port/index.html"));
        assert!(!exists(&out, "entities/大连港/index.html"), "the alias now resolves to the new profile");
    }
}

#[test]
fn an_edited_article_rewrites_its_pages_and_leaves_unrelated_files_alone() {
    let site = fixture("good");
    site.build();
    let before = snapshot(&site.out());
    let path = "content/articles/2018/09/orixa-farms.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.write(path, text.replace("opened a cold store", "opened a second cold store"));
    site.build();
    let after = snapshot(&site.out());
    assert_ne!(before["articles/orixa-farms/index.html"], after["articles/orixa-farms/index.html"]);
    assert!(read(&site.out(), "articles/orixa-farms/index.html").contains("a second cold store"));
    for untouched in
        ["about/index.html", "style.css", "images/pixel.png", "articles/liaoning-orix-agreement/index.html"]
    {
        assert_eq!(before[untouched], after[untouched], "{untouched} was rewritten");
    }
}

#[test]
fn files_no_source_produces_any_more_are_removed() {
    let site = fixture("good");
    site.build();
    assert!(exists(&site.out(), "tags/agriculture/index.html"));
    site.remove("content/articles/2018/09/orixa-farms.md");
    site.remove("static/images/pixel.png");
    site.build();
    let out = site.out();
    for gone in [
        "articles/orixa-farms/index.html",
        "tags/agriculture/index.html",
        "tags/agriculture/atom.xml",
        "images/pixel.png",
    ] {
        assert!(!exists(&out, gone), "{gone} is still in the output");
    }
    // The output now holds exactly what a fresh build of the same sources holds.
    let fresh = fixture("good");
    fresh.remove("content/articles/2018/09/orixa-farms.md");
    fresh.remove("static/images/pixel.png");
    fresh.build();
    let listing = |files: Vec<String>| files.into_iter().filter(|f| !f.ends_with('/')).collect::<Vec<_>>();
    assert_eq!(listing(all_files(&out)), listing(all_files(&fresh.out())));
}

#[test]
fn a_failed_rebuild_leaves_the_previous_output_exactly_as_it_was() {
    let site = fixture("good");
    site.build();
    let before = snapshot(site.temp());
    site.write(
        "content/articles/2018/09/typo.md",
        "+++\ntitle = \"A typo\"\ndate = 2018-09-02\ntgas = [\"finance\"]\n+++\nBody.\n",
    );
    site.remove("content/articles/2018/06/shenfu-park-tenants.md");
    let report = site.build_with(&site.options());
    assert!(!report.succeeded());
    let mut after = snapshot(site.temp());
    // Only the sources this test changed may differ.
    after.remove("site/content/articles/2018/09/typo.md");
    let mut expected = before.clone();
    expected.remove("site/content/articles/2018/06/shenfu-park-tenants.md");
    let changes = snapshot_difference(&expected, &after);
    assert!(changes.is_empty(), "the failed build changed:\n{}", changes.join("\n"));
}

#[test]
fn a_build_writes_nothing_outside_its_output_folder() {
    let site = fixture("good");
    let before = snapshot(site.temp());
    site.build();
    let after = snapshot(site.temp());
    let outside: Vec<String> = snapshot_difference(&before, &after)
        .into_iter()
        .filter(|change| !change.starts_with("added: site/public/"))
        .collect();
    assert!(outside.is_empty(), "changes outside public/: {outside:?}");
    assert!(exists(&site.out(), "index.html"));
    assert!(!site.root.join(".public.gazette-staging").exists(), "the staging folder is left behind");
}

#[test]
fn a_staging_folder_left_by_a_killed_build_is_cleaned_up() {
    let site = fixture("good");
    site.write(".public.gazette-staging/articles/half-written/index.html", "<p>half</p>");
    site.build();
    assert!(!site.root.join(".public.gazette-staging").exists());
    assert!(!exists(&site.out(), "articles/half-written/index.html"), "the leftover became part of the output");
}

#[test]
fn an_output_folder_elsewhere_gets_the_site_and_the_root_stays_untouched() {
    let site = fixture("good");
    let elsewhere = site.temp().join("elsewhere").join("www");
    let before = snapshot(site.temp());
    site.build_ok(&BuildOptions { output: Some(elsewhere.clone()), ..site.options() });
    assert!(exists(&elsewhere, "index.html"));
    assert!(!site.out().exists(), "public/ was created although --output points elsewhere");
    let outside: Vec<String> = snapshot_difference(&before, &snapshot(site.temp()))
        .into_iter()
        .filter(|change| !change.starts_with("added: elsewhere/www/"))
        .collect();
    assert_eq!(outside, vec!["added: elsewhere/".to_string()]);
}
