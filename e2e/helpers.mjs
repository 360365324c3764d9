// Shared set-up for the end-to-end tests: one headless Chromium, the built page served from
// dist/ (or MQLAB_BASE_URL), and a watch on every page for console errors, failed requests and
// requests to any other origin.
import { before, after } from "node:test";
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

export const ctx = { browser: null, baseUrl: process.env.MQLAB_BASE_URL, server: null };

before(async () => {
  if (!ctx.baseUrl) {
    ctx.server = await serveDir(new URL("../dist/", import.meta.url).pathname);
    ctx.baseUrl = `http://127.0.0.1:${ctx.server.address().port}/`;
  }
  ctx.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  await mkdir(new URL("./screenshots/", import.meta.url), { recursive: true });
});

after(async () => {
  await ctx.browser?.close();
  ctx.server?.close();
});

/// A fresh browser context (its own storage) and page, with `problems` collecting anything
/// that must not happen: console errors or warnings, page errors, failed requests, requests
/// to another origin.
export async function openPage({ viewport = { width: 1400, height: 900 }, context, hash = "" } = {}) {
  const c = context ?? (await ctx.browser.newContext({ viewport }));
  const page = await c.newPage();
  const origin = new URL(ctx.baseUrl).origin;
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" || msg.type() === "warning") {
      problems.push(`console.${msg.type()}: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    // A blob: download the page revokes at once is not a failure of the page.
    if (!req.url().startsWith("blob:")) problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("request", (req) => {
    const url = req.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== origin) problems.push(`request to another origin: ${url}`);
  });
  const started = Date.now();
  await page.goto(ctx.baseUrl + hash);
  await page.locator('[data-testid="play"]').waitFor({ state: "visible", timeout: 15_000 });
  // The keyboard shortcuts are attached just after the first render.
  await page.locator('html[data-shortcuts="on"]').waitFor({ state: "attached", timeout: 15_000 });
  return { page, context: c, problems, firstFrameMs: Date.now() - started };
}

export const testid = (page, id) => page.locator(`[data-testid="${id}"]`);
/// A count as the page prints it, digits grouped by thousands ("12,345").
export const number = async (page, id) => Number((await testid(page, id).textContent()).trim().replaceAll(",", ""));
export const clockMs = async (page) => Number(await testid(page, "clock").getAttribute("data-ms"));

/// Waits until `fn` (run in the page with the data-testid reader `n`) returns true.
export async function waitForPage(page, fn, arg, timeout = 20_000) {
  await page.waitForFunction(
    ([src, a]) => {
      const n = (id) => Number(document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim().replaceAll(",", ""));
      const attr = (id, name) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(name);
      // eslint-disable-next-line no-new-func
      return new Function("n", "attr", "arg", `return (${src})(n, attr, arg);`)(n, attr, a);
    },
    [fn.toString(), arg],
    { timeout },
  );
}

/// Sets the speed with the + / − buttons until the control shows `speed` (e.g. 100).
export async function setSpeed(page, speed) {
  for (let i = 0; i < 20; i++) {
    const now = Number(await testid(page, "speed").getAttribute("data-speed"));
    if (now === speed) return;
    await testid(page, now < speed ? "faster" : "slower").click();
  }
  throw new Error(`could not set the speed to ${speed}`);
}

/// Plays at `speed` until the clock reaches `ms` (virtual), then pauses.
export async function playUntil(page, ms, speed = 25) {
  await setSpeed(page, speed);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr, ms) => Number(attr("clock", "data-ms")) >= ms, ms, 40_000);
  await testid(page, "pause").click();
  await page.waitForTimeout(150);
}

/// Waits until the autosave holds the run at virtual time `ms` (it follows a pause), instead
/// of sleeping for a guess.
export async function waitForAutosave(page, ms) {
  await page.waitForFunction((ms) => {
    try {
      return JSON.parse(localStorage.getItem("mqlab.autosave.v1") ?? "null")?.t === ms;
    } catch {
      return false;
    }
  }, ms);
}

/// Opens the collapsed block of the parameter panel that holds the element with test id `id`
/// (a queue's, producer's or consumer group's settings), as a user clicks its summary.
export async function reveal(page, id) {
  await testid(page, id).evaluate((el) => {
    const block = el.closest("details");
    if (block && !block.open) block.querySelector(":scope > summary").click();
  });
}

export async function pickPreset(page, id) {
  await testid(page, "preset").selectOption(id);
  // The scenario is fetched first: wait until the run on the page is the preset's.
  await page.waitForFunction((id) => document.querySelector('[data-testid="preset"]').dataset.loaded === id, id);
  await page.waitForFunction(() => document.querySelector('[data-testid="clock"]').dataset.ms === "0");
}

export async function screenshot(page, name) {
  const path = new URL(`./screenshots/${name}.png`, import.meta.url).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/// Waits until the lesson panel shows step `step` of lesson `lesson`.
export async function waitForStep(page, lesson, step, timeout = 30_000) {
  await page.waitForFunction(
    ([lesson, step]) => {
      const p = document.querySelector('[data-testid="lesson-panel"]');
      return p?.dataset.lesson === lesson && p?.dataset.step === String(step);
    },
    [lesson, step],
    { timeout },
  );
}
