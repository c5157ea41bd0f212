//! `gazette check`: every finding with its file and line, JSON lines, exit codes, and a
//! tree left exactly as it was.

use predicates::prelude::*;
use predicates::str::contains;

use super::support::*;

const WARNINGS: &str = "check-warnings";

#[test]
fn every_warning_is_reported_with_its_file_and_line() {
    let site = copy_fixture(WARNINGS);
    let (findings, code) = json_findings(site.path(), &["--clock", CLOCK]);
    assert_eq!(code, 0, "warnings alone exit 0: {findings:#?}");

    let unknown = finding(&findings, "W102", "content/articles/2020/01/unknown-entity.md");
    assert_eq!(place(unknown), (6, 25));
    assert_eq!(unknown["message"], "no profile defines the entity \"Orix Corporaton\"");
    assert!(unknown["hint"].as_str().unwrap().starts_with("did you mean \"Orix Corporation\"?"));

    // Liaoning is mentioned twice too, but it contains Shenyang, which the article lists.
    let mention = finding(&findings, "W103", "content/articles/2020/02/untagged-mention.md");
    assert_eq!(place(mention), (11, 1));
    assert_eq!(mention["message"], "this article mentions Orix Corporation 3 times; add it to entities?");

    let lonely = finding(&findings, "W104", "content/articles/2020/04/lonely-tag.md");
    assert_eq!(place(lonely), (5, 20));
    assert_eq!(lonely["message"], "the tag \"aquaculture\" is used by this article only");

    let shared_alias = finding(&findings, "W105", "content/entities/orix-trust.md");
    assert_eq!(place(shared_alias), (4, 12));

    let collision = finding(&findings, "W106", "content/articles/2020/05/cpp.md");
    assert_eq!(place(collision), (5, 20));
    assert_eq!(collision["message"], "the tags \"C++\" and \"C\" share one page, /tags/c/");

    let long = finding(&findings, "W107", "content/articles/2020/07/long-paragraph.md");
    assert_eq!(place(long), (9, 1));
    assert!(long["message"].as_str().unwrap().contains("no summary"), "{long}");

    let draft = finding(&findings, "W108", "content/articles/2020/08/old-draft.md");
    assert_eq!(place(draft), (6, 1));
    assert_eq!(draft["message"], "this draft is dated 2020-08-01, 153 days ago");

    assert_eq!(findings.len(), 10, "nothing else is reported: {findings:#?}");
}

#[test]
fn broken_internal_links_of_every_form_are_reported_and_good_ones_are_not() {
    let site = copy_fixture(WARNINGS);
    let (findings, _) = json_findings(site.path(), &["--clock", CLOCK]);
    let links: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "W101")
        .map(|f| (f["file"].as_str().unwrap(), place(f), f["message"].as_str().unwrap()))
        .collect();
    let file = "content/articles/2020/03/broken-links.md";
    assert_eq!(
        links,
        [
            (file, (12, 20), "the link `../02/no-such-file.md` points to no page"),
            (file, (13, 11), "the link `@/articles/2020/01/no-such-file.md` points to no page"),
            (file, (14, 8), "the link `/articles/no-such-article/` points to no page"),
        ]
    );
}

#[test]
fn a_recent_draft_is_not_reported() {
    let site = copy_fixture(WARNINGS);
    let (findings, _) = json_findings(site.path(), &["--clock", CLOCK]);
    assert!(!findings.iter().any(|f| f["file"] == "content/articles/2020/12/fresh-draft.md"), "{findings:#?}");
}

#[test]
fn human_output_is_rustc_style_without_color_off_a_terminal() {
    let site = copy_fixture(WARNINGS);
    let (stdout, stderr) = run(gazette().arg("check").arg("--root").arg(site.path()).args(["--clock", CLOCK]), 0);
    assert_eq!(stdout, "");
    let expected = "warning[W102]: no profile defines the entity \"Orix Corporaton\"\n \
                    --> content/articles/2020/01/unknown-entity.md:6:25\n  \
                    |\n\
                    6 | entities = [\"Shenyang\", \"Orix Corporaton\"]\n  \
                    |                         ^^^^^^^^^^^^^^^^^ field `entities`\n";
    assert!(stderr.contains(expected), "{stderr}");
    assert!(stderr.contains("  = help: did you mean \"Orix Corporation\"?"), "{stderr}");
    assert!(!stderr.contains('\x1b'), "no color when stderr is not a terminal");
    assert!(stderr.ends_with("\n0 errors, 10 warnings in 14 files\n"), "{stderr}");
}

#[test]
fn strict_turns_warnings_into_errors() {
    let site = copy_fixture(WARNINGS);
    let (_, stderr) =
        run(gazette().arg("check").arg("--root").arg(site.path()).args(["--strict", "--clock", CLOCK]), 1);
    assert!(stderr.contains("error[W102]"), "{stderr}");
    assert!(stderr.ends_with("\n10 errors, 0 warnings in 14 files\n"), "{stderr}");
}

#[test]
fn json_lines_carry_every_key() {
    let site = copy_fixture(WARNINGS);
    let (findings, _) = json_findings(site.path(), &["--clock", CLOCK]);
    assert!(!findings.is_empty());
    for finding in &findings {
        for key in ["file", "line", "column", "severity", "code", "message", "hint"] {
            assert!(finding.get(key).is_some(), "{key} missing in {finding}");
        }
        assert_eq!(finding["severity"], "warning");
        assert!(finding["code"].as_str().unwrap().starts_with('W'));
    }
}

#[test]
fn errors_are_reported_with_file_and_line_and_exit_1() {
    let site = copy_fixture("check-errors");
    let (findings, code) = json_findings(site.path(), &[]);
    assert_eq!(code, 1);
    let expected = [
        ("E012", "content/articles/bad-key.md", (2, 1)),
        ("E013", "content/articles/no-title.md", (1, 1)),
        ("E014", "content/articles/quoted-date.md", (3, 8)),
        ("E016", "content/articles/bad-currency.md", (9, 12)),
        ("E050", "content/entities/shenyang.md", (4, 10)),
    ];
    for (code, file, at) in expected {
        let found = finding(&findings, code, file);
        assert_eq!((found["severity"].as_str(), place(found)), (Some("error"), at), "{found}");
    }
    assert_eq!(findings.len(), expected.len(), "{findings:#?}");
}

#[test]
fn check_reports_what_build_fails_on_in_the_same_words() {
    let site = copy_fixture("check-errors");
    let (_, checked) = run(gazette().arg("check").arg("--root").arg(site.path()), 1);
    let (_, built) = run(gazette().arg("build").arg("--root").arg(site.path()), 1);
    let findings = |text: &str| text.rsplit_once("\n\n").map(|(findings, _)| findings.to_string()).unwrap();
    assert_eq!(findings(&checked), findings(&built));
    assert!(checked.ends_with("\n5 errors, 0 warnings in 6 files\n"), "{checked}");
}

#[test]
fn output_path_collisions_are_found_by_planning() {
    let site = copy_fixture("check-collision");
    let (findings, code) = json_findings(site.path(), &[]);
    assert_eq!(code, 1);
    let collision = &findings[0];
    assert_eq!(collision["code"], "E040");
    assert!(collision["file"].as_str().unwrap().ends_with("/same.md"), "{collision}");
    assert!(collision["message"].as_str().unwrap().contains("articles/same/index.html"), "{collision}");
}

#[test]
fn template_errors_are_found_by_rendering_in_memory() {
    let site = copy_fixture("check-template");
    let (findings, code) = json_findings(site.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["code"], "E060");
    assert!(!site.path().join("public").exists());
}

#[test]
fn check_writes_nothing() {
    for name in [WARNINGS, "check-errors", "check-collision", "check-template"] {
        let site = copy_fixture(name);
        let before = tree(site.path());
        for format in ["human", "json"] {
            gazette()
                .arg("check")
                .arg("--root")
                .arg(site.path())
                .args(["--format", format, "--drafts", "--future", "--clock", CLOCK])
                .output()
                .unwrap();
        }
        assert_eq!(tree(site.path()), before, "{name}: the tree changed");
        assert!(!site.path().join("public").exists(), "{name}: public/ was created");
    }
}

#[test]
fn a_folder_without_site_toml_is_an_error_with_a_hint() {
    let empty = tempfile::tempdir().unwrap();
    gazette()
        .arg("check")
        .arg("--root")
        .arg(empty.path())
        .assert()
        .code(1)
        .stdout("")
        .stderr(contains("error[E001]: cannot read site.toml").and(contains("gazette init DIR")));
}
