// Benchmark of the page (not a test: it reports figures, it does not judge them).
//
//   node e2e/bench.mjs            # serves dist/ itself; MQLAB_BASE_URL to use another server
//
// Reports, in one run of headless Chromium on this machine:
// - frames per second and p95 frame time with 5,000 messages on the diagram, next to a bare
//   canvas page drawing 5,000 moving marks the same way (one path per colour), so the cost of
//   the app itself is visible;
// - time from navigation to the first drawn frame of the diagram;
// - gzipped size of the wasm + JS in dist/.
import { chromium } from "playwright-core";
import { readdir, readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { serveDir } from "./static-server.mjs";

const MARKS = 5_000;
const MEASURE_MS = 5_000;
const dist = new URL("../dist/", import.meta.url).pathname;

let server;
let baseUrl = process.env.MQLAB_BASE_URL;
if (!baseUrl) {
  server = await serveDir(dist);
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
});

// A queue that receives 5,000 messages in the first second; 50 slow workers keep a few
// hundred in flight, moving between the queue and the consumers, the rest wait.
const scenario = {
  name: "bench-5000",
  seed: 1,
  queues: [{ QueueName: "orders", Attributes: { VisibilityTimeout: "60" } }],
  producers: [{ name: "web", queue: "orders", bursts: [{ at_s: 0.2, count: MARKS }], batch_size: 10 }],
  consumers: [
    {
      name: "worker",
      queue: "orders",
      count: 50,
      wait_time_s: 20,
      max_messages: 10,
      processing: { dist: "uniform", min_ms: 2000, max_ms: 30000 },
    },
  ],
};
const fragment = "#v1=" + Buffer.from(JSON.stringify({ s: scenario, t: 0, p: null, l: "en" })).toString("base64url");

/// Frame intervals over MEASURE_MS, in the page.
const measure = (ms) =>
  new Promise((done) => {
    const gaps = [];
    let last = performance.now();
    const start = last;
    const tick = (now) => {
      gaps.push(now - last);
      last = now;
      if (now - start < ms) requestAnimationFrame(tick);
      else done(gaps);
    };
    requestAnimationFrame(tick);
  });

function summary(gaps) {
  const sorted = [...gaps].sort((a, b) => a - b);
  const total = gaps.reduce((a, b) => a + b, 0);
  return {
    fps: Math.round((gaps.length / total) * 1000 * 10) / 10,
    p95_ms: Math.round(sorted[Math.floor(sorted.length * 0.95)] * 10) / 10,
    frames: gaps.length,
  };
}

// The app.
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const t0 = Date.now();
await page.goto(baseUrl + fragment);
await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]')?.hasAttribute("data-marks"), null, { timeout: 30_000 });
const firstFrameMs = Date.now() - t0;
await page.click('[data-testid="play"]');
await page.waitForFunction((n) => Number(document.querySelector('[data-testid="diagram"]').dataset.marks) >= n * 0.9, MARKS, { timeout: 30_000 });
const app = summary(await page.evaluate(measure, MEASURE_MS));
const drawn = Number(await page.locator('[data-testid="diagram"]').getAttribute("data-marks"));
await page.close();

// A bare canvas drawing the same number of moving marks, batched by colour.
const bare = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await bare.goto(baseUrl);
await bare.evaluate((n) => {
  document.body.innerHTML = '<canvas id="c" style="width:900px;height:420px"></canvas>';
  const c = document.getElementById("c");
  const dpr = devicePixelRatio;
  c.width = 900 * dpr;
  c.height = 420 * dpr;
  const ctx = c.getContext("2d");
  ctx.scale(dpr, dpr);
  const marks = Array.from({ length: n }, (_, i) => ({ x: (i % 100) * 8 + 50, y: Math.floor(i / 100) * 8 + 10, c: i % 4 }));
  const colors = ["#2563eb", "#d97706", "#15803d", "#b91c1c"];
  const frame = (now) => {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, 900, 420);
    for (let k = 0; k < colors.length; k++) {
      ctx.beginPath();
      for (const m of marks) {
        if (m.c !== k) continue;
        const x = m.x + Math.sin(now / 300 + m.y) * 3;
        ctx.moveTo(x + 3, m.y);
        ctx.arc(x, m.y, 3, 0, Math.PI * 2);
      }
      ctx.fillStyle = colors[k];
      ctx.fill();
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}, MARKS);
const baseline = summary(await bare.evaluate(measure, MEASURE_MS));
await bare.close();

let gzip = 0;
for (const f of await readdir(dist)) {
  if (f.endsWith(".wasm") || f.endsWith(".js")) gzip += gzipSync(await readFile(dist + f), { level: 9 }).length;
}

const report = {
  marks_drawn: drawn,
  app_with_5000_messages: app,
  bare_canvas_5000_marks: baseline,
  first_frame_ms: firstFrameMs,
  bundle_gzip_kb: Math.round(gzip / 1024),
};
console.log(JSON.stringify(report, null, 2));
await browser.close();
server?.close();
