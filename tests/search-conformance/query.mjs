// Runs queries through Pagefind's own JS (pagefind.js of a built bundle) in Node, as the
// browser would, and prints each query's results as JSON lines: the pages in order, with
// their scores. Usage: node query.mjs BUNDLE_URL LANGUAGE QUERIES.json
// BUNDLE_URL is an http:// URL of a bundle folder served on 127.0.0.1; QUERIES.json is a list
// of {"term": ..., "filters": {...}, "sort": {...}}. The page's language decides how Pagefind
// splits and stems a query, so the test gives it, as <html lang> would in a browser.
import { readFileSync } from "node:fs";

const [scriptUrl, bundleUrl, language, queriesFile] = process.argv.slice(2);
globalThis.document = { currentScript: null, querySelector: () => ({ getAttribute: () => language }) };
// Node imports modules from files or data: URLs only; the bundle's files are then fetched over
// http from basePath, as in a browser.
const source = await (await fetch(scriptUrl)).text();
const pagefind = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
const search = pagefind.createInstance({ basePath: bundleUrl, baseUrl: "/" });
await search.init();
const queries = JSON.parse(readFileSync(queriesFile, "utf8"));
for (const query of queries) {
  const response = await search.search(query.term, { filters: query.filters ?? {}, sort: query.sort ?? {} });
  const results = [];
  for (const result of response.results) {
    const data = await result.data();
    results.push({ url: data.url, score: Math.round(result.score * 1e6) / 1e6, date: data.meta.date, filters: data.filters });
  }
  console.log(JSON.stringify({ query, results }));
}
await search.destroy();
