// What a first search downloads: runs Pagefind's own JS (the built site's pagefind.js) in Node
// against a built site served over http on 127.0.0.1, as /search/ does in a browser (init,
// one query, the result cards of the first page of results), and prints every file fetched
// with its size as stored (the index files are gzip already), then the total.
// Usage: node bench/search_download.mjs SITE_URL QUERY [RESULTS] [--filters]
//   SITE_URL: e.g. http://127.0.0.1:8000/ serving the output folder; RESULTS: cards loaded (5);
//   --filters: also load the filter lists, as Pagefind's UI does for its filter panel.
const args = process.argv.slice(2).filter((a) => a !== "--filters");
const withFilters = process.argv.includes("--filters");
const [siteUrl, term, shown = "5"] = args;
const fetched = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, options) => {
  const response = await realFetch(url, options);
  const bytes = new Uint8Array(await response.clone().arrayBuffer());
  fetched.push({ url: String(url).replace(siteUrl, "/"), bytes: bytes.length });
  return response;
};
globalThis.document = { currentScript: null, querySelector: () => ({ getAttribute: () => "en" }) };
const scriptUrl = new URL("pagefind/pagefind.js", siteUrl).href;
const source = await (await realFetch(scriptUrl)).text();
fetched.push({ url: "/pagefind/pagefind.js", bytes: Buffer.byteLength(source) });
const pagefind = await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`);
const search = pagefind.createInstance({ basePath: new URL("pagefind/", siteUrl).href, baseUrl: "/" });
await search.init();
if (withFilters) await search.filters();
const response = await search.search(term);
for (const result of response.results.slice(0, Number(shown))) {
  await result.data();
}
await search.destroy();
let total = 0;
for (const { url, bytes } of fetched) {
  total += bytes;
  console.log(`${String(bytes).padStart(9)}  ${url}`);
}
console.log(`${String(total).padStart(9)}  total for ${JSON.stringify(term)}: ${fetched.length} files, ${response.results.length} results`);
