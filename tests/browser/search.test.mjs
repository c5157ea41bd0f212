// /search/ of the example site in a real browser: Pagefind's UI loads its bundle, finds
// articles by entity name and by Chinese and Japanese words, and narrows by a filter; at the
// domain root and under a sub-path alike.
//
// run-search.sh builds and serves the sites and sets GAZETTE_SITES to their base URLs,
// separated by spaces (e.g. "http://127.0.0.1:8001/ http://127.0.0.1:8002/sub/").

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const sites = (process.env.GAZETTE_SITES ?? "").split(" ").filter(Boolean);
if (sites.length === 0) {
  throw new Error("GAZETTE_SITES is not set: run tests/browser/run-search.sh");
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

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});
after(async () => {
  await browser?.close();
});

/** Opens /search/, recording page errors and failed requests (a favicon aside). */
async function openSearch(baseUrl) {
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`failed: ${request.url()}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  await page.goto(`${baseUrl}search/`);
  await page.locator(".pagefind-ui__search-input").waitFor();
  return { page, problems };
}

/** Types a query and waits until the UI reports its results; returns their count. */
async function search(page, query) {
  await page.fill(".pagefind-ui__search-input", query);
  return await resultCount(page, (text) => text.includes(query));
}

/**
 * Waits for a results message that `accept` takes, and for its count to differ from
 * `previous` (for a while; then the count as it is); returns the count.
 */
async function resultCount(page, accept = () => true, previous = null) {
  const message = page.locator(".pagefind-ui__message");
  let text = "";
  let count = null;
  for (let tries = 0; tries < 100; tries += 1) {
    text = (await message.count()) ? await message.innerText() : "";
    const match = text.match(/^(\d+) results? for/);
    count = match && accept(text) ? Number(match[1]) : null;
    if (count !== null && count !== previous) return count;
    await page.waitForTimeout(100);
  }
  if (count !== null) return count;
  throw new Error(`no results message; the last one: ${JSON.stringify(text)}`);
}

/** Every result (sub-results too) as its link's URL, after loading all pages of them. */
async function resultUrls(page) {
  const more = page.locator(".pagefind-ui__button", { hasText: "Load more" });
  while (await more.count()) {
    await more.click();
    await page.waitForTimeout(200);
  }
  return await page.locator(".pagefind-ui__result-link").evaluateAll((links) => links.map((l) => l.href));
}

const article = (baseUrl, slug) => `${baseUrl}articles/${slug}/`;

for (const baseUrl of sites) {
  describe(`search at ${baseUrl}`, () => {
    test("loads the bundle from base_url and links to it from every page", async () => {
      const { page, problems } = await openSearch(baseUrl);
      await page.goto(baseUrl);
      const nav = await page.locator("nav a", { hasText: "Search" }).getAttribute("href");
      assert.equal(nav, `${baseUrl}search/`);
      await page.goto(`${baseUrl}search/`);
      const scripts = await page.locator("script[src]").evaluateAll((s) => s.map((e) => e.src));
      assert.ok(scripts.includes(`${baseUrl}pagefind/pagefind-ui.js`), scripts.join(", "));
      assert.deepEqual(problems, []);
      await page.close();
    });

    test("an entity name finds its articles, and a filter narrows them", async () => {
      const { page, problems } = await openSearch(baseUrl);
      const all = await search(page, "Shenfu");
      const urls = await resultUrls(page);
      for (const url of urls) assert.ok(url.startsWith(baseUrl), `${url} is not under ${baseUrl}`);
      assert.ok(urls.includes(article(baseUrl, "shenfu-park-master-plan")), urls.join("\n"));
      assert.ok(urls.includes(article(baseUrl, "shenfu-park-first-tenants")), urls.join("\n"));

      // "park" within the entity Shenfu New Area: the first-tenants story is about the park
      // but not tagged with the area, so the filter must drop it.
      await page.locator(".pagefind-ui__filter-name", { hasText: "Entity" }).click();
      await page.locator('.pagefind-ui__filter-checkbox[value="Shenfu New Area"]').check();
      const narrowed = await resultCount(page, () => true, all);
      assert.ok(narrowed < all, `the filter left ${narrowed} of ${all} results`);
      const filtered = await resultUrls(page);
      assert.ok(filtered.includes(article(baseUrl, "shenfu-park-master-plan")), filtered.join("\n"));
      assert.ok(!filtered.includes(article(baseUrl, "shenfu-park-first-tenants")), filtered.join("\n"));
      assert.deepEqual(problems, []);
      await page.close();
    });

    test("Chinese and Japanese words find the CJK articles", async () => {
      const { page, problems } = await openSearch(baseUrl);
      for (const [query, slug] of [
        ["辽宁", "liaoning-orix-zh"],
        ["オリックス", "orix-liaoning-ja"],
        // Only ever in the middle of a sentence (Shenyang; agreement): found only because
        // the text was split into words, which Pagefind's `extended` feature does.
        ["沈阳", "liaoning-orix-zh"],
        ["協定", "orix-liaoning-ja"],
      ]) {
        const count = await search(page, query);
        assert.ok(count >= 1, `no results for ${query}`);
        const urls = await resultUrls(page);
        assert.ok(urls.includes(article(baseUrl, slug)), `${query}: ${urls.join("\n")}`);
      }
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
}
