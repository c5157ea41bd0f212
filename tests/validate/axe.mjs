// axe-core in one headless Chromium, two pages at a time, for tests/validate.sh.
//
//   node axe.mjs BASE_URL SERVER_URL PAGE...
//
// Each PAGE (a path below the site root) is opened at its real address, BASE_URL + PAGE, so
// that every absolute link, stylesheet and image on it works as published; requests under
// BASE_URL are answered from SERVER_URL (the site served over http on this machine) and every
// other request is refused, so the check runs offline. Prints each violation with the
// elements it hit; exits 1 if there was any.
//
// NODE_PATH must point at the node_modules that holds playwright-core and axe-core.

import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const { chromium } = require('playwright-core');
const axeSource = require.resolve('axe-core/axe.min.js');

const [baseUrl, serverUrl, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
let violationCount = 0;
try {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(baseUrl)) return route.abort('blockedbyclient');
    const response = await route.fetch({ url: serverUrl + url.slice(baseUrl.length) });
    return route.fulfill({ response });
  });
  await context.addInitScript({ path: axeSource });
  // Two pages at a time: a check waits on the browser more than it computes.
  const queue = pages.slice();
  const reports = new Map();
  const worker = async () => {
    const page = await context.newPage();
    for (let pagePath = queue.shift(); pagePath !== undefined; pagePath = queue.shift()) {
      const url = baseUrl + pagePath.replace(/index\.html$/, '');
      await page.goto(url, { waitUntil: 'load' });
      reports.set(pagePath, await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] },
          resultTypes: ['violations'],
        }),
      ));
    }
    await page.close();
  };
  await Promise.all([worker(), worker()]);
  for (const pagePath of pages) {
    const result = reports.get(pagePath);
    violationCount += result.violations.length;
    console.log(`${pagePath}: ${result.violations.length} violations, ${result.passes.length} rules passed`);
    for (const violation of result.violations) {
      console.log(`  ${violation.id} (${violation.impact}): ${violation.help}`);
      for (const node of violation.nodes.slice(0, 5)) {
        console.log(`    ${node.target.join(' ')}: ${node.failureSummary.replace(/\s+/g, ' ')}`);
      }
      if (violation.nodes.length > 5) console.log(`    ... and ${violation.nodes.length - 5} more`);
    }
  }
} finally {
  await browser.close();
}
process.exit(violationCount ? 1 : 0);
