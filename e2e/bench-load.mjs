// First paint and first canvas under Lighthouse-like throttling (not a test: it reports
// figures, it does not judge them).
//
//   node e2e/bench-load.mjs [runs]     # serves dist/ gzipped itself; default 3 runs per profile
//
// Throttling is applied with CDP, as Lighthouse's "devtools" throttling does (not its simulated
// mode): Network.emulateNetworkConditions and Emulation.setCPUThrottlingRate.
// - desktop: 40 ms latency, 10,240 kbit/s down and up, CPU 1×;
// - mobile (Slow 4G): 562.5 ms latency (Lighthouse's 150 ms RTT × 3.75 for applied throttling),
//   1,474.56 kbit/s down, 675 kbit/s up, CPU 4×.
// The server gzips what it sends (as any host would), so ~640 KB cross the line, not 1.5 MB.
// First paint: the browser's first-contentful-paint (the shell). First canvas: the diagram's
// first drawn frame (data-marks set). Both from navigation start; the median of the runs.
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { gzipSync } from "node:zlib";

const runs = Number(process.argv[2] ?? 3);
const root = new URL("../dist/", import.meta.url).pathname;
const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
};
const server = createServer(async (req, res) => {
  let file = join(root, decodeURIComponent(new URL(req.url, "http://x").pathname));
  if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, "index.html");
  const body = await readFile(file).catch(() => null);
  if (!body) return res.writeHead(404).end();
  const gzip = /gzip/.test(req.headers["accept-encoding"] ?? "");
  res.writeHead(200, {
    "content-type": MIME[extname(file)] ?? "application/octet-stream",
    "cache-control": "no-store",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  res.end(gzip ? gzipSync(body, { level: 9 }) : body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const kbit = (k) => (k * 1024) / 8;
const PROFILES = {
  desktop: { latency: 40, down: kbit(10_240), up: kbit(10_240), cpu: 1 },
  mobile: { latency: 562.5, down: kbit(1_474.56), up: kbit(675), cpu: 4 },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
});

async function once(p) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: p.latency,
    downloadThroughput: p.down,
    uploadThroughput: p.up,
  });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: p.cpu });
  await page.goto(base, { waitUntil: "commit" });
  await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]')?.hasAttribute("data-marks"), null, {
    timeout: 120_000,
    polling: 50,
  });
  const canvas = await page.evaluate(() => performance.now());
  const paint = await page.evaluate(
    () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? performance.getEntriesByName("first-paint")[0]?.startTime,
  );
  await context.close();
  return { paint, canvas };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const report = {};
for (const [name, p] of Object.entries(PROFILES)) {
  const all = [];
  for (let i = 0; i < runs; i++) all.push(await once(p));
  report[name] = {
    first_paint_ms: Math.round(median(all.map((r) => r.paint))),
    first_canvas_ms: Math.round(median(all.map((r) => r.canvas))),
    runs: all.map((r) => [Math.round(r.paint), Math.round(r.canvas)]),
  };
}
console.log(JSON.stringify(report, null, 2));
await browser.close();
server.close();
