// Retakes the README's preset screenshots (docs/screenshots/<name>.png): the first screen of a
// 1366×900 window, each preset played at 25× to the moment its story shows, paused.
//
//   scripts/test.sh trunk-build && node e2e/readme-shots.mjs
//
// (The course's screenshots come from e2e/course.test.mjs, e2e/screenshots/course-*.png; the
// walk of every preset in both languages and widths from e2e/walk.test.mjs.)
import { chromium } from "playwright-core";
import { serveDir } from "./static-server.mjs";

// The decoupling preset steered at 0:08: a burst of 50 sent now, a dead-letter queue added, a
// VisibilityTimeout of 3 s; then played on to 0:40.
async function steer(page) {
  const field = async (id, value) => {
    await id_(page, id).evaluate((el) => el.closest("details")?.setAttribute("open", ""));
    await id_(page, id).fill(String(value));
    await id_(page, id).press("Enter");
  };
  await field("param-p0-burst", 50);
  await id_(page, "burst-p0").click();
  await id_(page, "add-dlq").evaluate((el) => el.closest("details")?.setAttribute("open", ""));
  await id_(page, "add-dlq").click();
  await id_(page, "param-maxReceiveCount").waitFor();
  await field("param-VisibilityTimeout", 3);
}

const SHOTS = [
  // [file, preset, virtual ms, language, what to do at 8 s]
  ["steered", "decoupling", 40_000, "en", steer],
  ["fifo-groups", "fifo-groups", 60_000, "en"],
  ["sns-http-retries", "sns-http-retries", 90_000, "en"],
  ["kinesis-kcl-failover", "kinesis-kcl-failover", 153_000, "en"],
  ["korean", "kinesis-efo-vs-shared", 60_000, "ko"],
];

const server = await serveDir(new URL("../dist/", import.meta.url).pathname);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
const id = (page, t) => page.locator(`[data-testid="${t}"]`);
const id_ = id;
try {
  for (const [file, preset, ms, lang, act] of SHOTS) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(base);
    await id(page, "play").waitFor();
    if (lang === "ko") {
      await id(page, "lang").selectOption("ko");
      await page.waitForFunction(() => document.documentElement.lang === "ko");
    }
    await id(page, "preset").selectOption(preset);
    await page.waitForFunction((p) => document.querySelector('[data-testid="preset"]').dataset.loaded === p, preset);
    for (let i = 0; i < 20 && (await id(page, "speed").getAttribute("data-speed")) !== "25"; i++) {
      const now = Number(await id(page, "speed").getAttribute("data-speed"));
      await id(page, now < 25 ? "faster" : "slower").click();
    }
    const playTo = async (ms) => {
      await id(page, "play").click();
      await page.waitForFunction((ms) => Number(document.querySelector('[data-testid="clock"]').dataset.ms) >= ms, ms, { timeout: 120_000 });
    };
    if (act) {
      await playTo(8_000);
      await id(page, "pause").click();
      await act(page);
    }
    await playTo(ms);
    await id(page, "pause").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]').hasAttribute("data-labels"));
    const path = new URL(`../docs/screenshots/${file}.png`, import.meta.url).pathname;
    await page.screenshot({ path });
    console.log(path);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
