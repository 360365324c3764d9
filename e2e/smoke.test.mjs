// End-to-end smoke test: the built page (dist/) in headless Chromium.
//
//   MQLAB_BASE_URL=http://127.0.0.1:PORT/ node --test e2e/
//
// scripts/test.sh builds dist/ with `trunk build --release`, serves it with
// e2e/static-server.mjs and sets MQLAB_BASE_URL. Without it, the test serves dist/ itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { chromium } from "playwright-core";
import { serveDir } from "./static-server.mjs";

// Debian's Chromium, headless as root (flags measured on these machines).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let browser;
let server;
let baseUrl = process.env.MQLAB_BASE_URL;

before(async () => {
  if (!baseUrl) {
    server = await serveDir(new URL("../dist/", import.meta.url).pathname);
    baseUrl = `http://127.0.0.1:${server.address().port}/`;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
});

const number = async (page, testid) =>
  Number(await page.locator(`[data-testid="${testid}"]`).textContent());
const clockMs = async (page) =>
  Number(await page.locator('[data-testid="clock"]').getAttribute("data-ms"));

test("the smoke scenario plays in the browser, offline and without errors", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  const origin = new URL(baseUrl).origin;
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") {
      problems.push(`console.${msg.type()}: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));
  page.on("request", (req) => {
    const url = req.url();
    // The page must make no request to any other origin (data: URLs are not requests).
    if (!url.startsWith("data:") && new URL(url).origin !== origin) {
      problems.push(`request to another origin: ${url}`);
    }
  });

  const started = Date.now();
  await page.goto(baseUrl);
  await page.locator('[data-testid="play"]').waitFor({ state: "visible", timeout: 10_000 });
  const firstFrameMs = Date.now() - started;
  assert.equal(await page.title(), "mqlab");

  // Loaded, paused at virtual time zero, the queue is shown and empty.
  assert.equal(await clockMs(page), 0);
  assert.equal(await page.locator('[data-testid="scenario"]').textContent(), "smoke");
  for (const id of ["visible", "in-flight", "delayed", "sent", "received", "deleted"]) {
    assert.ok(Number.isInteger(await number(page, `${id}-orders`)), `${id}-orders is shown`);
  }

  await page.locator('[data-testid="play"]').click();
  await page.waitForFunction(
    () => {
      const n = (id) => Number(document.querySelector(`[data-testid="${id}"]`)?.textContent);
      const clockMs = Number(document.querySelector('[data-testid="clock"]')?.dataset.ms);
      // 20 virtual seconds (2 real at 10x) so the screenshot shows a queue at work.
      return (
        clockMs >= 20_000 && n("sent-orders") > 0 && n("received-orders") > 0 && n("deleted-orders") > 0
      );
    },
    null,
    { timeout: 15_000 },
  );
  assert.ok((await clockMs(page)) > 0, "virtual clock advanced");

  // Pause stops virtual time.
  await page.locator('[data-testid="pause"]').click();
  const pausedAt = await clockMs(page);
  await page.waitForTimeout(300);
  assert.equal(await clockMs(page), pausedAt, "clock is frozen while paused");

  // Counters stay consistent: nothing is deleted that was not received, nor received unsent.
  const sent = await number(page, "sent-orders");
  const received = await number(page, "received-orders");
  const deleted = await number(page, "deleted-orders");
  assert.ok(deleted <= received, `deleted ${deleted} <= received ${received}`);
  assert.ok(sent > 0 && received > 0);

  await mkdir(new URL("./screenshots/", import.meta.url), { recursive: true });
  await page.screenshot({ path: new URL("./screenshots/smoke.png", import.meta.url).pathname, fullPage: true });
  console.log(`# first frame ${firstFrameMs} ms; sent ${sent}, received ${received}, deleted ${deleted}`);

  assert.deepEqual(problems, [], "no console errors or warnings, no failed or foreign requests");
  await page.close();
});
