//! `gazette serve`'s incremental rebuild is exact: after every kind of edit, the site it
//! serves from memory is byte for byte the site a fresh `gazette build` of the same tree
//! writes (same paths, same bytes), and a broken save keeps the last good site served.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use gazette::build::build;
use gazette::config::BuildOptions;

use crate::support::copy_tree;
use gazette::serve::engine::{Engine, RebuildKind, Served};

const CLOCK: &str = "2024-06-01T12:00:00+08:00";

/// A copy of `tests/fixtures/good` with a dozen more articles, so that pagination, feeds
/// (3 entries) and neighbours have something to shift.
struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    scratch: tempfile::TempDir,
    builds: usize,
    /// Whether the site has search (served /pagefind/ compared with a fresh build's).
    search: bool,
}

fn generated_article(n: usize) -> String {
    let tags = [
        r#"["finance", "ports"]"#,
        r#"["new energy", "logistics"]"#,
        r#"["Finance", "new energy"]"#,
        r#"["logistics"]"#,
    ][n % 4];
    let entities = [r#"["Orix", "Liaoning"]"#, r#"["Dalian Port Group"]"#, r#"["Shenfu New Area", "ORIX"]"#][n % 3];
    let mention = ["Orix China signed the loans.", "Shenfu New Area hosts the plant.", "No one else was named."][n % 3];
    format!(
        "+++\ntitle = \"Generated story {n}\"\ndate = 2020-{month:02}-{day:02}T09:00:00+08:00\ntags = {tags}\n\
         entities = {entities}\nauthors = [\"Desk {n}\"]\n+++\nStory {n} opens here. {mention}\n\n\
         See [story {prev}](/articles/gen-{prev:02}/) and [the tenants](@/articles/2018/06/shenfu-park-tenants.md).\n",
        month = 1 + n % 12,
        day = 1 + n,
        prev = (n + 13) % 14,
    )
}

impl Site {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good"), &root);
        for n in 0..14 {
            let path = root.join(format!("content/articles/2020/gen-{n:02}.md"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, generated_article(n)).unwrap();
        }
        Site { _dir: dir, root, scratch: tempfile::tempdir().unwrap(), builds: 0, search: true }
    }

    fn options(&self, base_url: &str) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            base_url: Some(base_url.into()),
            clock: Some(chrono::DateTime::parse_from_rfc3339(CLOCK).unwrap()),
            // With the search index, the served /pagefind/ must equal a fresh build's too.
            no_search: !self.search,
            ..BuildOptions::default()
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap()
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    fn edit(&self, relative: &str, from: &str, to: &str) -> PathBuf {
        let text = self.read(relative);
        assert!(text.contains(from), "{relative} has no {from:?}");
        self.write(relative, &text.replacen(from, to, 1))
    }

    /// A fresh `gazette build` of the tree into a new folder, read back.
    fn fresh_build(&mut self, base_url: &str) -> BTreeMap<String, Vec<u8>> {
        self.builds += 1;
        let output = self.scratch.path().join(format!("out-{}", self.builds));
        let options = BuildOptions { output: Some(output.clone()), ..self.options(base_url) };
        let report = build(&options);
        assert!(report.succeeded(), "the fresh build failed: {:#?}", report.diagnostics);
        let mut files = BTreeMap::new();
        for entry in walkdir::WalkDir::new(&output) {
            let entry = entry.unwrap();
            // The writer's mark of its own output folder is no page of the site: serve has none.
            if entry.file_type().is_file() && entry.file_name() != gazette::write::guard::MARK_FILE {
                let relative = entry.path().strip_prefix(&output).unwrap().to_string_lossy().replace('\\', "/");
                files.insert(relative, fs::read(entry.path()).unwrap());
            }
        }
        files
    }
}

fn served(engine: &Engine) -> BTreeMap<String, Vec<u8>> {
    let served = engine.served();
    let served = served.read().unwrap();
    served
        .files
        .iter()
        .map(|(path, (_, body))| {
            let bytes = match body {
                Served::Bytes(bytes) => bytes.to_vec(),
                Served::File(file) => fs::read(file).unwrap(),
            };
            (path.clone(), bytes)
        })
        .collect()
}

fn assert_same(step: &str, served: &BTreeMap<String, Vec<u8>>, fresh: &BTreeMap<String, Vec<u8>>) {
    let only_served: Vec<&String> = served.keys().filter(|k| !fresh.contains_key(*k)).collect();
    let only_fresh: Vec<&String> = fresh.keys().filter(|k| !served.contains_key(*k)).collect();
    assert!(
        only_served.is_empty() && only_fresh.is_empty(),
        "after {step}: paths differ; only served: {only_served:?}; only in the fresh build: {only_fresh:?}"
    );
    for (path, bytes) in fresh {
        let mine = &served[path];
        if mine != bytes {
            let (a, b) = (String::from_utf8_lossy(mine), String::from_utf8_lossy(bytes));
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
            panic!(
                "after {step}: {path} differs at line {}:\n served: {}\n fresh:  {}",
                line + 1,
                a.lines().nth(line).unwrap_or("(end)"),
                b.lines().nth(line).unwrap_or("(end)")
            );
        }
    }
}

/// Applies one edit, rebuilds incrementally, and compares with a fresh build.
fn step(site: &mut Site, engine: &mut Engine, base_url: &str, name: &str, paths: &[PathBuf], kind: RebuildKind) {
    let rebuild = engine.apply(paths);
    assert!(rebuild.succeeded(), "{name}: the rebuild failed: {:#?}", rebuild.diagnostics);
    assert_eq!(rebuild.kind, kind, "{name}: rebuilt as {:?}", rebuild.kind);
    let fresh = site.fresh_build(base_url);
    assert_same(name, &served(engine), &fresh);
}

fn edit_sequence(base_url: &str) {
    use RebuildKind::{Full, Nothing, OneArticle};
    let mut site = Site::new();
    let mut engine = Engine::new(site.options(base_url));
    let first = engine.rebuild_all();
    assert!(first.succeeded(), "{:#?}", first.diagnostics);
    let fresh = site.fresh_build(base_url);
    assert_same("the first build", &served(&engine), &fresh);

    let gen5 = "content/articles/2020/gen-05.md";
    let p = site.edit(gen5, "Story 5 opens here.", "Story 5 opens here, and Liaoning Province joins.");
    step(&mut site, &mut engine, base_url, "a body edit (summary and mentions)", &[p], OneArticle);
    let p = site.edit(gen5, "[the tenants]", "[the first tenants]");
    step(&mut site, &mut engine, base_url, "a body edit (links only)", &[p], OneArticle);
    let p = site.edit(gen5, "Generated story 5", "Generated story five <b>bold</b>");
    step(&mut site, &mut engine, base_url, "a title edit", &[p], OneArticle);
    let p = site.edit(gen5, "date = 2020-06-06", "date = 2017-01-02");
    step(&mut site, &mut engine, base_url, "a date change (to the oldest)", &[p], OneArticle);
    let p = site.edit(gen5, "date = 2017-01-02", "date = 2023-11-30");
    step(&mut site, &mut engine, base_url, "a date change (to the newest)", &[p], OneArticle);
    let p =
        site.edit(gen5, r#"tags = ["new energy", "logistics"]"#, r#"tags = ["Harbours", "new  energy", "finance"]"#);
    step(&mut site, &mut engine, base_url, "a tag change (a new tag, another spelling)", &[p], OneArticle);
    // "finance" is spelt so 5 times, "Finance" 4: three more make "Finance" the tag's name.
    let p = site.edit(
        gen5,
        r#"["Harbours", "new  energy", "finance"]"#,
        r#"["New Energy", "Finance", "Finance", "Finance"]"#,
    );
    step(&mut site, &mut engine, base_url, "a tag change (a tag gone, a name flips)", &[p], OneArticle);
    let p = site.edit(gen5, "Story 5 opens", "Story 5 now opens");
    step(&mut site, &mut engine, base_url, "a first-paragraph edit", &[p], OneArticle);
    let p = site.edit(
        gen5,
        "authors = [\"Desk 5\"]",
        "authors = [\"Desk 5\"]\nupdated = 2024-01-01\nsummary = \"Own summary.\"",
    );
    step(&mut site, &mut engine, base_url, "updated and summary added", &[p], OneArticle);

    let extras = "corrections = [{ date = 2024-01-02, text = \"A figure was wrong.\" }]\n\
                  [[deals]]\ninvestors = [\"Orix\"]\nplace = \"Shenfu New Area\"\nwhat = \"a plant\"\n\
                  amount = 5_000_000\ncurrency = \"CNY\"\n[extra]\nkicker = \"Exclusive\"\n+++";
    let p = site.edit(gen5, "summary = \"Own summary.\"\n+++", &format!("summary = \"Own summary.\"\n{extras}"));
    step(&mut site, &mut engine, base_url, "corrections, a deal and [extra] added", &[p], OneArticle);
    let p = site.edit(gen5, "5_000_000", "7_500_000");
    step(&mut site, &mut engine, base_url, "a deal's amount changed", &[p], OneArticle);
    let p = site.edit(gen5, "currency = \"CNY\"\n", "currency = \"USD\"\nsector = \"Energy\"\nstage = \"signed\"\n");
    step(&mut site, &mut engine, base_url, "a deal's currency, sector and stage (new facets)", &[p], OneArticle);
    let p = site.edit(gen5, "date = 2023-11-30", "date = 2019-03-30");
    step(&mut site, &mut engine, base_url, "a date change of an article with a deal (its year)", &[p], OneArticle);
    let p = site.edit(gen5, "place = \"Shenfu New Area\"", "place = \"Liaoning\"");
    step(&mut site, &mut engine, base_url, "a deal moved to another place", &[p], OneArticle);
    let p = site.edit(gen5, "place = \"Liaoning\"", "place = \"Shenfu New Area\"");
    step(&mut site, &mut engine, base_url, "a deal moved back", &[p], OneArticle);
    let shenfu = "content/entities/shenfu-new-area.md";
    let p = site.edit(shenfu, "parent = \"Liaoning\"\n", "");
    step(&mut site, &mut engine, base_url, "a place's parent removed (the roll-up shrinks)", &[p], Full);
    let p = site.edit(shenfu, "aliases = [", "parent = \"Liaoning Province\"\naliases = [");
    step(&mut site, &mut engine, base_url, "a place's parent set again", &[p], Full);
    let p = site.edit(gen5, "investors = [\"Orix\"]", "investors = [\"Orix China\"]");
    step(&mut site, &mut engine, base_url, "a deal's investor changed to a subsidiary", &[p], OneArticle);

    let p = site.edit(gen5, r#"entities = ["Shenfu New Area", "ORIX"]"#, r#"entities = ["Anshan Steel", "ORIX"]"#);
    step(&mut site, &mut engine, base_url, "an entity change", &[p], Full);
    let p = site.write("content/articles/2021/new-one.md", &generated_article(20));
    step(&mut site, &mut engine, base_url, "an added article", &[p], Full);
    let gone = site.path("content/articles/2020/gen-02.md");
    fs::remove_file(&gone).unwrap();
    step(&mut site, &mut engine, base_url, "a deleted article (a link now broken)", &[gone], Full);
    let (from, to) = (site.path("content/articles/2020/gen-07.md"), site.path("content/articles/2020/renamed-07.md"));
    fs::rename(&from, &to).unwrap();
    step(&mut site, &mut engine, base_url, "a renamed article file", &[from, to], Full);
    let p = site.edit("content/entities/orix-corporation.md", r#""欧力士"]"#, r#""欧力士", "Generated"]"#);
    step(&mut site, &mut engine, base_url, "an entity profile edit (new alias)", &[p], Full);
    let p = site.edit("content/entities/shenfu-new-area.md", "A new area", "A new district");
    step(&mut site, &mut engine, base_url, "an entity profile's text", &[p], Full);
    let p = site.edit("content/pages/about.md", "We report", "We [report](@/articles/2020/gen-05.md)");
    step(&mut site, &mut engine, base_url, "a page edit (with a link to an article)", &[p], Full);
    let p = site.edit(gen5, "Generated story five", "Generated story 5 again");
    step(&mut site, &mut engine, base_url, "a title edit of an article a page links to", &[p], OneArticle);
    let p = site.edit("templates/404.html", "Fixture 404", "Fixture 404 (edited)");
    step(&mut site, &mut engine, base_url, "a template edit", &[p], Full);
    let card = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/theme/partials/card.html")).unwrap();
    let p = site.write("templates/partials/card.html", &format!("<!-- site card -->\n{card}"));
    step(&mut site, &mut engine, base_url, "a new card template", &[p], Full);
    let p = site.edit("site.toml", "paginate_by = 2", "paginate_by = 3");
    step(&mut site, &mut engine, base_url, "a site.toml edit", &[p], Full);
    let p = site.write("static/docs/report.txt", "a report\n");
    step(&mut site, &mut engine, base_url, "an added static file", &[p], Full);
    let p = site.path("static/style.css");
    fs::remove_file(&p).unwrap();
    step(&mut site, &mut engine, base_url, "a removed static file (the stylesheet link goes)", &[p], Full);
    let p = site.edit("content/articles/2019/02/draft-story.md", "draft = true", "draft = false");
    step(&mut site, &mut engine, base_url, "a draft published", &[p], Full);
    let p = site.edit("content/articles/2024/09/scheduled-story.md", "is scheduled", "is still scheduled");
    step(&mut site, &mut engine, base_url, "an unpublished article edited", &[p], OneArticle);

    // Stories in several languages: every version's page, the lists, the feeds and the
    // sitemap follow a translation added, retargeted or removed.
    let zh = "content/articles/2018/03/辽宁欧力士.md";
    let p = site.edit(zh, "tags = [", "translation_of = \"liaoning-orix-agreement\"\ntags = [");
    step(&mut site, &mut engine, base_url, "a translation added to a story", &[p], Full);
    let ja = "+++\ntitle = \"オリックスと遼寧省が協力協定\"\ndate = 2018-01-05T09:00:00+09:00\nlanguage = \"ja\"\n\
              translation_of = \"liaoning-orix-agreement\"\n+++\nオリックスは遼寧省政府と戦略的協力協定を締結した。\n";
    let p = site.write("content/articles/2018/01/orix-ja.md", ja);
    step(&mut site, &mut engine, base_url, "a third version, in a new language", &[p], Full);
    let original = "content/articles/2017/12/liaoning-orix-agreement.md";
    let p = site.edit(original, "Liaoning and Orix sign", "Liaoning and Orix sign (updated)");
    step(&mut site, &mut engine, base_url, "the original's title (shown by every version)", &[p], Full);
    let p = site.edit(zh, "translation_of = \"liaoning-orix-agreement\"", "translation_of = \"dalian-port\"");
    step(&mut site, &mut engine, base_url, "a translation retargeted to another story", &[p], Full);
    let p = site.edit(zh, "translation_of = \"dalian-port\"\n", "");
    step(&mut site, &mut engine, base_url, "a translation removed", &[p], Full);
    let gone = site.path("content/articles/2018/01/orix-ja.md");
    fs::remove_file(&gone).unwrap();
    step(&mut site, &mut engine, base_url, "a version deleted (its language list goes)", &[gone], Full);
    let p = site.edit("content/articles/2020/gen-09.md", "+++\nStory 9", "language = \"de\"\n+++\nStory 9");
    // The model's update re-derives the language lists: no full run for an article alone.
    step(&mut site, &mut engine, base_url, "an article's language declared", &[p], OneArticle);
    let p = site.edit("content/articles/2020/gen-09.md", "Story 9 opens here.", "Story 9 opens here today.");
    step(&mut site, &mut engine, base_url, "a body edit of an article in another language", &[p], OneArticle);

    // Author pages: a profile added, edited and removed, and bylines moved onto and off it.
    let li_na = "+++\nname = \"Li Na\"\ntitle = \"Ports reporter\"\n+++\nLi Na covers the port of Dalian.\n";
    let p = site.write("content/authors/li-na.md", li_na);
    step(&mut site, &mut engine, base_url, "an author profile added", &[p], Full);
    let p = site.edit("content/authors/li-na.md", "covers the port of Dalian", "covers ports and <em>rail</em>");
    step(&mut site, &mut engine, base_url, "an author profile's bio", &[p], Full);
    let p = site.edit("content/authors/li-na.md", "title = \"Ports reporter\"", "title = \"Logistics editor\"");
    step(&mut site, &mut engine, base_url, "an author profile's title", &[p], Full);
    let p = site.edit(gen5, "authors = [\"Desk 5\"]", "authors = [\"Li Na\", \"Desk 5\"]");
    step(&mut site, &mut engine, base_url, "a byline added (onto a profiled author)", &[p], OneArticle);
    let p = site.edit(gen5, "authors = [\"Li Na\", \"Desk 5\"]", "authors = [\"Desk 5\"]");
    step(&mut site, &mut engine, base_url, "a byline removed", &[p], OneArticle);
    let gone = site.path("content/authors/li-na.md");
    fs::remove_file(&gone).unwrap();
    step(&mut site, &mut engine, base_url, "an author profile removed", &[gone], Full);

    // A broken save: the error is reported, the last good site stays served.
    let before = served(&engine);
    let p = site.edit(gen5, "title = ", "titel = ");
    let broken = engine.apply(std::slice::from_ref(&p));
    assert!(!broken.succeeded(), "a misspelt key must fail the rebuild");
    assert_eq!(
        engine.served().read().unwrap().errors.len(),
        broken.diagnostics.iter().filter(|d| d.is_error()).count()
    );
    assert!(served(&engine) == before, "a failed rebuild must leave the served site as it was");
    let p = site.edit(gen5, "titel = ", "title = ");
    step(&mut site, &mut engine, base_url, "the fix of a broken save", &[p], OneArticle);
    assert!(engine.served().read().unwrap().errors.is_empty(), "a good save clears the errors");

    let p = site.edit("content/articles/2020/gen-09.md", "Story 9 opens", "Story 9 then opens");
    step(&mut site, &mut engine, base_url, "a body edit after full rebuilds", &[p], OneArticle);
    let swap = site.write("content/articles/2020/.gen-09.md.swp", "not an article");
    let ignored = engine.apply(&[swap, site.path("content/articles/2020/gen-09.md~")]);
    assert_eq!(ignored.kind, Nothing, "editor files are not sources");
}

#[test]
fn every_edit_ends_byte_identical_to_a_fresh_build() {
    edit_sequence("http://127.0.0.1:1111/");
}

#[test]
fn every_edit_ends_byte_identical_under_a_sub_path() {
    edit_sequence("http://localhost:1111/sub/");
}

/// A tiny deterministic generator, so that a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

/// Forty random one-article edits (body, title, date, tags, summary, authors) of random
/// articles, each compared with a fresh build.
/// The served files below the search index's folder, and the others.
fn index_and_pages(files: BTreeMap<String, Vec<u8>>) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    files.into_iter().partition(|(path, _)| path.starts_with("pagefind/"))
}

#[test]
fn a_save_serves_its_pages_first_and_the_search_index_catches_up() {
    let base_url = "http://127.0.0.1:1111/";
    let mut site = Site::new();
    let mut engine = Engine::new(site.options(base_url));
    assert!(engine.rebuild_all_pages().succeeded());
    assert!(served(&engine).keys().all(|p| !p.starts_with("pagefind/")), "no index before `index`");
    let first = engine.index().expect("the pages changed, so the index is made");
    assert_eq!(first.kind, RebuildKind::Index);
    assert!(first.changed.iter().any(|p| p.ends_with(".pf_meta")), "{:?}", first.changed);
    assert_same("the first build and its index", &served(&engine), &site.fresh_build(base_url));
    assert!(engine.index().is_none(), "an index that is up to date is not made again");
    let (old_index, _) = index_and_pages(served(&engine));

    let p = site.edit("content/articles/2020/gen-05.md", "Generated story 5", "Generated story five");
    let pages = engine.apply_pages(&[p]);
    assert!(pages.succeeded(), "{:#?}", pages.diagnostics);
    assert!(pages.changed.iter().all(|p| !p.starts_with("pagefind/")), "{:?}", pages.changed);
    let (fresh_index, fresh_pages) = index_and_pages(site.fresh_build(base_url));
    let (index, served_pages) = index_and_pages(served(&engine));
    assert_same("the pages of a title edit", &served_pages, &fresh_pages);
    assert_eq!(index, old_index, "until `index` runs, the last index stays served whole");
    assert_ne!(index, fresh_index, "the title is a word of the index");

    let indexed = engine.index().expect("the pages changed");
    assert!(indexed.succeeded(), "{:#?}", indexed.diagnostics);
    assert!(!indexed.changed.is_empty() && indexed.changed.iter().all(|p| p.starts_with("pagefind/")));
    let (index, served_pages) = index_and_pages(served(&engine));
    assert_same("the index after a title edit", &index, &fresh_index);
    assert_same("the pages after the index", &served_pages, &fresh_pages);
}

#[test]
fn an_edited_stylesheet_is_reported_changed_so_the_pages_that_load_it_reload() {
    let site = Site::new();
    let mut engine = Engine::new(site.options("http://127.0.0.1:1111/"));
    assert!(engine.rebuild_all().succeeded());
    let generation = engine.served().read().unwrap().generation;
    let css = site.read("static/style.css");
    let p = site.write("static/style.css", &format!("{css}\n.edited {{ color: red; }}\n"));
    let rebuild = engine.apply(&[p]);
    assert!(rebuild.succeeded(), "{:#?}", rebuild.diagnostics);
    assert_eq!(rebuild.changed, ["style.css"], "served from disk, the file is named by its edit alone");
    assert!(engine.served().read().unwrap().generation > generation, "open pages see a new generation");
    assert!(served(&engine)["style.css"].ends_with(b".edited { color: red; }\n"));
}

#[test]
fn random_one_article_edits_end_byte_identical() {
    let base_url = "http://127.0.0.1:1111/";
    let mut site = Site::new();
    let mut engine = Engine::new(site.options(base_url));
    assert!(engine.rebuild_all().succeeded());
    let mut random = Lcg(8);
    let tag_pool = ["finance", "Finance", "ports", "logistics", "new energy", "Rail", "rail", "steel"];
    for round in 0..40 {
        let n = random.next(14);
        if n == 2 || n == 7 {
            continue;
        }
        let relative = format!("content/articles/2020/gen-{n:02}.md");
        let text = site.read(&relative);
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let what = random.next(6);
        if what == 4 {
            lines.retain(|line| !line.starts_with("summary = "));
        }
        for line in lines.iter_mut() {
            match what {
                0 if line.starts_with("Story") => line.push_str(&format!(" Round {round} mentions Orix China.")),
                1 if line.starts_with("title = ") => *line = format!("title = \"Story {n}, round {round}\""),
                2 if line.starts_with("date = ") => {
                    *line = format!(
                        "date = 20{:02}-{:02}-{:02}T09:00:00+08:00",
                        18 + random.next(4),
                        1 + random.next(12),
                        1 + random.next(28)
                    )
                }
                3 if line.starts_with("tags = ") => {
                    let tags: Vec<String> =
                        (0..random.next(4)).map(|_| format!("{:?}", tag_pool[random.next(tag_pool.len())])).collect();
                    *line = format!("tags = [{}]", tags.join(", "));
                }
                4 if line.starts_with("authors = ") => {
                    *line = format!("authors = [\"Desk {round}\"]\nsummary = \"Round {round}.\"")
                }
                5 if line.starts_with("authors = ") => *line = format!("authors = [\"Desk {round}\", \"Wire\"]"),
                _ => {}
            }
        }
        let path = site.write(&relative, &(lines.join("\n") + "\n"));
        let name = format!("random edit {round} ({what}) of {relative}");
        step(&mut site, &mut engine, base_url, &name, &[path], RebuildKind::OneArticle);
    }
}

/// One random edit of any source: an article's body, title, date, tags, entities, summary,
/// authors or deals, two articles at once, an article added or removed, an entity profile, a
/// page, `site.toml` or a template. Returns the name of the edit, the changed paths and the
/// kind of rebuild it takes.
fn random_edit(site: &Site, random: &mut Lcg, round: usize) -> (String, Vec<PathBuf>, RebuildKind) {
    use RebuildKind::{Full, OneArticle};
    let what = random.next(16);
    let article = |random: &mut Lcg| loop {
        let n = random.next(14);
        if n != 2 && n != 7 {
            break format!("content/articles/2020/gen-{n:02}.md");
        }
    };
    let rewrite = |relative: &str, change: &mut dyn FnMut(&mut String)| {
        let mut lines: Vec<String> = site.read(relative).lines().map(String::from).collect();
        lines.iter_mut().for_each(&mut *change);
        site.write(relative, &(lines.join("\n") + "\n"))
    };
    let entity_pool = ["Orix", "ORIX", "Liaoning", "Dalian Port Group", "Shenfu New Area", "Anshan Steel"];
    let tag_pool = ["finance", "Finance", "ports", "logistics", "new energy", "Rail", "rail", "steel"];
    let pick = |random: &mut Lcg, pool: &[&str]| -> String {
        let names: Vec<String> = (0..random.next(3)).map(|_| format!("{:?}", pool[random.next(pool.len())])).collect();
        format!("[{}]", names.join(", "))
    };
    let relative = article(random);
    let (name, paths, kind) = match what {
        0..=5 => {
            let tags = pick(random, &tag_pool);
            let date = format!(
                "date = 20{:02}-{:02}-{:02}T09:00:00+08:00",
                18 + random.next(4),
                1 + random.next(12),
                1 + random.next(28)
            );
            let p = rewrite(&relative, &mut |line| match what {
                0 if line.starts_with("Story") => line.push_str(&format!(" Round {round} mentions Orix China.")),
                1 if line.starts_with("title = ") => *line = format!("title = \"Story, round {round}\""),
                2 if line.starts_with("date = ") => *line = date.clone(),
                3 if line.starts_with("tags = ") => *line = format!("tags = {tags}"),
                4 if line.starts_with("authors = ") => *line = format!("authors = [\"Desk {round}\"]"),
                5 if line.starts_with("Story") => *line = format!("Story {round} now opens here. Liaoning joins."),
                _ => {}
            });
            (format!("an article edit ({what})"), vec![p], OneArticle)
        }
        6 => {
            let entities = pick(random, &entity_pool);
            let before = site.read(&relative);
            let p = rewrite(&relative, &mut |line| {
                if line.starts_with("entities = ") {
                    *line = format!("entities = {entities}");
                }
            });
            let kind = if site.read(&relative) == before { OneArticle } else { Full };
            ("an article's entities".into(), vec![p], kind)
        }
        7 => {
            let amount = 1_000 * (1 + random.next(9));
            let deal = format!(
                "[[deals]]\ninvestors = [\"Orix\"]\nplace = \"Liaoning\"\nwhat = \"a plant\"\n\
                                amount = {amount}\ncurrency = \"CNY\"\n"
            );
            let text = site.read(&relative);
            let text = match text.find("[[deals]]") {
                Some(at) => {
                    let end = text[at..].find("+++").map_or(text.len(), |e| at + e);
                    format!("{}{deal}{}", &text[..at], &text[end..])
                }
                None => text.replacen("\n+++\n", &format!("\n{deal}+++\n"), 1),
            };
            ("a deal".into(), vec![site.write(&relative, &text)], OneArticle)
        }
        8 => {
            let second = article(random);
            let a = rewrite(&relative, &mut |line| {
                if line.starts_with("Story") {
                    line.push_str(&format!(" Both, round {round}."));
                }
            });
            let b = rewrite(&second, &mut |line| {
                if line.starts_with("title = ") {
                    *line = format!("title = \"Paired story, round {round}\"");
                }
            });
            ("two articles at once".into(), vec![a, b], OneArticle)
        }
        9 => {
            let extra = "content/articles/2021/extra.md";
            let p = site.path(extra);
            if p.exists() {
                fs::remove_file(&p).unwrap();
                ("an article removed".into(), vec![p], Full)
            } else {
                ("an article added".into(), vec![site.write(extra, &generated_article(20 + round % 8))], Full)
            }
        }
        10 => {
            let p = rewrite("content/entities/shenfu-new-area.md", &mut |line| {
                if line.starts_with("A new area") {
                    *line = format!("A new area, round {round}, with [a story](@/articles/2020/gen-05.md).");
                }
            });
            ("an entity profile's text".into(), vec![p], Full)
        }
        11 => {
            // "Orix" stays: it names the parent of another profile.
            let alias = ["\"Orix Group\"", "\"Generated\"", "\"欧力士\""][random.next(3)];
            let p = rewrite("content/entities/orix-corporation.md", &mut |line| {
                if line.starts_with("aliases = ") {
                    *line = format!("aliases = [\"Orix\", {alias}]");
                }
            });
            ("an entity profile's aliases".into(), vec![p], Full)
        }
        12 => {
            let p = rewrite("content/pages/about.md", &mut |line| {
                if line.starts_with("We report") {
                    *line = format!("We report, round {round}, on [story 3](@/articles/2020/gen-03.md).");
                }
            });
            ("a page edit".into(), vec![p], Full)
        }
        13 => {
            let (per_page, limit) = (1 + random.next(4), 1 + random.next(4));
            let p = rewrite("site.toml", &mut |line| {
                if line.starts_with("paginate_by = ") {
                    *line = format!("paginate_by = {per_page}");
                } else if line.starts_with("feed_limit = ") {
                    *line = format!("feed_limit = {limit}");
                }
            });
            ("a site.toml edit".into(), vec![p], Full)
        }
        14 => {
            let p = site.write(
                "templates/404.html",
                &format!("{{% extends \"base.html\" %}}{{% block content %}}<h1>404, round {round}</h1>{{% endblock content %}}\n"),
            );
            ("a template edit".into(), vec![p], Full)
        }
        _ => {
            let card = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/theme/partials/card.html");
            let card = fs::read_to_string(card).unwrap();
            let p = site.write("templates/partials/card.html", &format!("<!-- round {round} -->\n{card}"));
            ("a card template edit".into(), vec![p], Full)
        }
    };
    (format!("random edit {round}: {name} ({relative})"), paths, kind)
}

/// Random edits of every kind of source, each compared with a fresh build: a hundred at `/`
/// and a hundred under `/sub/`, two hundred in all.
fn random_edits(base_url: &str, seed: u64, rounds: usize) {
    // Without search: two hundred fresh builds with the index would cost the suite minutes;
    // the edit sequence and the random one-article edits compare the index.
    let mut site = Site { search: false, ..Site::new() };
    let mut engine = Engine::new(site.options(base_url));
    assert!(engine.rebuild_all().succeeded());
    let mut random = Lcg(seed);
    for round in 0..rounds {
        let (name, paths, kind) = random_edit(&site, &mut random, round);
        step(&mut site, &mut engine, base_url, &name, &paths, kind);
    }
}

#[test]
fn random_edits_of_every_source_end_byte_identical() {
    random_edits("http://127.0.0.1:1111/", 11, 100);
}

#[test]
fn random_edits_of_every_source_end_byte_identical_under_a_sub_path() {
    random_edits("http://localhost:1111/sub/", 12, 100);
}
