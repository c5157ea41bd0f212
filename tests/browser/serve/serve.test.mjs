// `gazette serve` in a real browser: an edit on disk shows on the open pages without a manual
// reload; a broken save shows the error overlay over the last good page; the fix removes it.
// At the domain root and under a /sub/ base URL.
//
// run.sh sets GAZETTE (the binary) and GAZETTE_EXAMPLE_SITE (the folder with the example
// site); each test serves its own copy of the site on a free port of 127.0.0.1.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const GAZETTE = process.env.GAZETTE;
const EXAMPLE = process.env.GAZETTE_EXAMPLE_SITE;
if (!GAZETTE || !EXAMPLE) {
  throw new Error("GAZETTE and GAZETTE_EXAMPLE_SITE are not set: run tests/browser/serve/run.sh");
}

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--headless",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const WAIT_MS = 15000;

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
});

/** A copy of the example site in a fresh temporary folder. */
function copySite() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gazette-serve-browser-"));
  for (const name of ["site.toml", "content", "static", "templates"]) {
    const from = path.join(EXAMPLE, name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(root, name), { recursive: true });
  }
  return root;
}

/** Starts `gazette serve` on a free port; resolves with the site's URL and the process. */
function startServer(root, baseUrl) {
  const args = ["serve", "--root", root, "--port", "0"];
  if (baseUrl) args.push("--base-url", baseUrl);
  const child = spawn(GAZETTE, args, { stdio: ["ignore", "ignore", "pipe"] });
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gazette serve did not start:\n${log.join("")}`)), 60000);
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      log.push(chunk);
      const found = log.join("").match(/serving (http:\/\/127\.0\.0\.1:\d+\/\S*)/);
      if (found) {
        clearTimeout(timer);
        resolve({ url: found[1], child, log });
      }
    });
    child.on("exit", (code) => reject(new Error(`gazette serve exited with ${code}:\n${log.join("")}`)));
  });
}

/** The Markdown file whose front matter has this title. */
function articleFile(root, title) {
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : full.endsWith(".md") ? [full] : [];
    });
  for (const file of walk(path.join(root, "content", "articles"))) {
    const found = fs.readFileSync(file, "utf8").match(/^title = "((?:[^"\\]|\\.)*)"/m);
    if (found && JSON.parse(`"${found[1]}"`) === title) return file;
  }
  throw new Error(`no article titled ${JSON.stringify(title)}`);
}

/** Polls `check(page)` until it returns a truthy value; navigations in between are fine. */
async function waitFor(page, what, check) {
  const deadline = Date.now() + WAIT_MS;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check(page);
      if (last) return last;
    } catch (error) {
      last = error.message; // the page was reloading
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what} on ${page.url()} (last: ${last})`);
}

const bodyText = (page) => page.evaluate(() => document.body.innerText);
const overlayText = (page) =>
  page.evaluate(() => {
    const overlay = document.querySelector("gazette-overlay");
    return overlay?.shadowRoot ? overlay.shadowRoot.textContent : null;
  });

for (const [label, baseUrl] of [
  ["at the domain root", null],
  ["under a /sub/ base URL", "https://invest.example.com/sub/"],
]) {
  describe(`gazette serve ${label}`, () => {
    let server;
    let root;
    before(async () => {
      root = copySite();
      server = await startServer(root, baseUrl);
    });
    after(() => {
      server?.child.kill();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    });

    test("an edited title shows on the open pages; a broken save shows the overlay until fixed", async () => {
      const expectedPath = baseUrl ? "/sub/" : "/";
      assert.equal(new URL(server.url).pathname, expectedPath, "the site is served under the base URL's path");
      const home = await browser.newPage();
      const problems = [];
      home.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await home.goto(server.url);
      const link = home.locator(".card-title a").first();
      const title = (await link.textContent()).trim();
      const articleUrl = new URL(await link.getAttribute("href"), server.url).href;
      assert.ok(articleUrl.startsWith(server.url), `${articleUrl} is under ${server.url}`);
      const article = await browser.newPage();
      article.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await article.goto(articleUrl);
      assert.equal((await article.locator("h1").first().textContent()).trim(), title);
      // Both pages are connected to the reload stream before anything changes.
      await new Promise((resolve) => setTimeout(resolve, 500));

      const file = articleFile(root, title);
      const original = fs.readFileSync(file, "utf8");
      const edited = `${title} (edited in the browser test)`;
      const editedText = original.replace(/^title = ".*"$/m, `title = ${JSON.stringify(edited)}`);
      fs.writeFileSync(file, editedText);
      await waitFor(article, "the new title on the article page", async (p) =>
        (await p.locator("h1").first().textContent()).trim() === edited);
      await waitFor(home, "the new title on the home page", async (p) => (await bodyText(p)).includes(edited));

      fs.writeFileSync(file, editedText.replace(/^title = /m, "titel = "));
      const overlay = await waitFor(article, "the error overlay", overlayText);
      assert.match(overlay, /E012/, "the overlay names the error code");
      assert.ok(overlay.includes(path.relative(root, file).split(path.sep).join("/")), "the overlay names the file");
      assert.match(overlay, /titel/, "the overlay names the field");
      assert.match(overlay, /help:/, "the overlay gives the hint");
      assert.equal((await article.locator("h1").first().textContent()).trim(), edited, "the last good page stays");
      await waitFor(home, "the error overlay on the home page", overlayText);

      fs.writeFileSync(file, editedText);
      await waitFor(article, "the overlay to go", async (p) => (await overlayText(p)) === null);
      await waitFor(home, "the overlay to go on the home page", async (p) => (await overlayText(p)) === null);
      assert.equal((await article.locator("h1").first().textContent()).trim(), edited);
      assert.deepEqual(problems, [], "no script errors in the pages");
      assert.ok(!server.log.join("").includes("panicked"), "the server did not panic");
    });

    test("the search page finds a word a save added, and other pages do not reload for the index", async () => {
      const home = await browser.newPage();
      await home.goto(server.url);
      const link = home.locator(".card-title a").nth(1);
      const title = (await link.textContent()).trim();
      const article = await browser.newPage();
      await article.goto(new URL(await link.getAttribute("href"), server.url).href);
      const search = await browser.newPage();
      const problems = [];
      search.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      await search.goto(new URL("search/", server.url).href);
      await search.locator(".pagefind-ui__search-input").waitFor();
      const word = "Quokkaville";
      const results = async (p) => {
        await p.fill(".pagefind-ui__search-input", word);
        await new Promise((resolve) => setTimeout(resolve, 700));
        return p.locator(".pagefind-ui__result-link").evaluateAll((links) => links.map((l) => l.textContent.trim()));
      };
      assert.deepEqual(await results(search), [], `nothing is about ${word} yet`);

      const file = articleFile(root, title);
      const original = fs.readFileSync(file, "utf8");
      const edited = `${title} in ${word}`;
      fs.writeFileSync(file, original.replace(/^title = ".*"$/m, `title = ${JSON.stringify(edited)}`));
      await waitFor(article, "the new title on the article page", async (p) =>
        (await p.locator("h1").first().textContent()).trim() === edited);
      const found = await waitFor(search, `a result for ${word}`, async (p) => {
        const titles = await results(p);
        return titles.includes(edited) ? titles : null;
      });
      assert.deepEqual(found, [edited], "the saved article is the one result");
      await waitFor(home, "the new title on the home page", async (p) => (await bodyText(p)).includes(edited));

      // The tag index shows no titles: it does not change, and the index's new files (which
      // reload the search page) must not reload it.
      const tags = await browser.newPage();
      await tags.goto(new URL("tags/", server.url).href);
      await tags.evaluate(() => { window.gazetteKept = true; });
      await new Promise((resolve) => setTimeout(resolve, 500));
      fs.writeFileSync(file, original.replace(/^title = ".*"$/m, `title = ${JSON.stringify(`${edited} again`)}`));
      await waitFor(search, "the search page to find the second title", async (p) =>
        (await results(p)).includes(`${edited} again`));
      assert.equal(await tags.evaluate(() => window.gazetteKept === true), true, "the tag index did not reload");
      // A stylesheet it loaded does reload it.
      const style = path.join(root, "static", "style.css");
      fs.appendFileSync(style, "\n.gazette-browser-test { color: red; }\n");
      await waitFor(tags, "the tag index to reload for its stylesheet", async (p) =>
        (await p.evaluate(() => window.gazetteKept)) === undefined);
      fs.writeFileSync(file, original);
      assert.deepEqual(problems, [], "no script errors on the search page");
      assert.ok(!server.log.join("").includes("panicked"), "the server did not panic");
    });
  });
}
