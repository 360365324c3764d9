// The walk a reviewer takes: every preset, in English and Korean, on a laptop (1366×900) and a
// phone (390×844). Each preset plays to 0:45 and pauses; the first screen is saved as
// e2e/screenshots/walk/<lang>-<width>-<preset>.png (96 files; docs/screenshots/walk/ keeps a
// selection) and the page is checked for what issue 15 found wrong:
//
// - each service the preset has shows its own summary row, numbers in every cell, and no
//   other service's row; the numbers are the engine's: the native CLI (`mqlab run` on the same
//   preset for the page's exact virtual time) prints the same topic, stream and reader
//   totals, requests and cost;
// - no control of an SNS, S3 or Kinesis producer names an SQS call or SQS's words;
// - no two texts on the diagram overlap (the boxes the app laid out, `data-labels`);
// - every chart's ticks are round: times on whole 10 s steps or coarser, values evenly
//   spaced by 1, 2, 2.5 or 5 × 10ⁿ;
// - in Korean, no visible English sentence (AWS names and the run's own names excepted);
// - on the laptop, the preset's key controls are on the first screen; on the phone, the
//   picker and "What to watch" come before the charts; the page is never wider than the
//   window.
//
// About 3 minutes on the project's 2-core machine; `node --test e2e/walk.test.mjs` runs it
// alone (after `scripts/test.sh trunk-build`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { openPage, testid, pickPreset, setSpeed, waitForPage } from "./helpers.mjs";

const PLAY_TO_MS = 45_000;
const SHOTS = new URL("./screenshots/walk/", import.meta.url);
const SQS_WORDS = /SendMessage|ReceiveMessage|DeleteMessage|ChangeMessageVisibility|DelaySeconds|MaximumMessageSize|the queue takes|큐는 모두 받아/;

async function scenario(id) {
  return JSON.parse(await readFile(new URL(`../scenarios/presets/${id}.json`, import.meta.url), "utf8"));
}

/// The native CLI the test command built (the expected-hash stage builds the release one).
const CLI = ["../target/release/mqlab", "../target/native/mqlab"]
  .map((f) => new URL(f, import.meta.url).pathname)
  .find((f) => existsSync(f));

/// What the engine says natively about preset `id` after `ms` of virtual time: `mqlab run`'s
/// summary tables, read from the right (names may hold spaces), and its cost line.
function engineSummary(id, ms) {
  assert.ok(CLI, "no target/release/mqlab: run `cargo build --release -p mqlab-cli` first");
  const file = new URL(`../scenarios/presets/${id}.json`, import.meta.url).pathname;
  const r = spawnSync(CLI, ["run", file, "--for", `${ms}ms`, "--no-events"], { encoding: "utf8" });
  assert.equal(r.status, 0, `mqlab run ${id}: ${r.stderr}`);
  return r.stderr;
}

function parseSummary(text) {
  const out = { topics: [], streams: [], readers: [], requests: 0, usd: 0 };
  let table = null;
  for (const line of text.split("\n")) {
    const head = line.split(/\s+/)[0];
    if (["queue", "topic", "stream"].includes(head)) {
      table = line.startsWith("stream consumer") ? "reader" : head;
      continue;
    }
    if (line.startsWith("cost:")) {
      for (const m of line.matchAll(/\$([\d.]+) for (\d+) \w+ requests/g)) {
        out.usd += Number(m[1]);
        out.requests += Number(m[2]);
      }
      table = null;
      continue;
    }
    const cols = line.trim().split(/\s+/);
    const nums = (n) => cols.slice(-n).map(Number);
    if (table === "topic" && cols.length >= 7) {
      const [published, delivered, filtered, failed, dlq] = nums(5);
      out.topics.push({ published, delivered, filtered, failed, dlq });
    } else if (table === "stream" && cols.length >= 6) {
      const [recordsIn, throttled, readThrottled] = nums(3);
      out.streams.push({ recordsIn, throttled, readThrottled });
    } else if (table === "reader" && cols.length >= 9) {
      const [read, , again] = nums(7);
      out.readers.push({ name: line.trim().replace(/ \(.*$/, ""), read, again });
    }
  }
  return out;
}

/// Two boxes [x, y, w, h] overlap by more than half a pixel (as `labels::TextBox::overlaps`).
function overlap(a, b) {
  const t = 0.5;
  return a[0] < b[0] + b[2] - t && b[0] < a[0] + a[2] - t && a[1] < b[1] + b[3] - t && b[1] < a[1] + a[3] - t;
}

/// A tick label as a number: "2.5k" → 2500, "$0.02" → 0.02, "1:30" → 90 (seconds).
function tickValue(label) {
  if (/^\d+:\d\d$/.test(label)) {
    const [a, b] = label.split(":").map(Number);
    return a * 60 + b;
  }
  if (/^\d+d$/.test(label)) return Number(label.slice(0, -1)) * 86_400;
  const m = label.replace("$", "").match(/^(-?[\d.]+)([kM]?)$/);
  if (!m) return NaN;
  return Number(m[1]) * { "": 1, k: 1e3, M: 1e6 }[m[2]];
}

/// Round ticks: evenly spaced by a step of 1, 2, 2.5 or 5 × 10ⁿ, starting at 0.
function roundTicks(labels) {
  const v = labels.map(tickValue);
  if (v.some(Number.isNaN) || v[0] !== 0 || v.length < 2) return false;
  const step = v[1] - v[0];
  const mantissa = step / 10 ** Math.floor(Math.log10(step));
  if (![1, 2, 2.5, 5].some((m) => Math.abs(mantissa - m) < 1e-6)) return false;
  return v.every((x, k) => Math.abs(x - k * step) <= step * 1e-6);
}

/// Round times: whole steps of 10 s or coarser, evenly spaced from 0.
function roundTimes(labels) {
  const v = labels.map(tickValue);
  if (v.some(Number.isNaN) || v[0] !== 0) return false;
  const step = v.length > 1 ? v[1] - v[0] : 10;
  return step >= 10 && step % 5 === 0 && v.every((x, k) => x === k * step);
}

/// What is wrong with the page now, for preset `id` (empty when nothing is).
async function problemsOf(page, id, { lang, width }) {
  const found = [];
  const sc = await scenario(id);
  // 1. One summary row per service the run has, and only those; numbers in every cell.
  const services = { sqs: (sc.queues ?? []).length > 0, sns: (sc.topics ?? []).length > 0, kinesis: (sc.streams ?? []).length > 0 };
  for (const [service, has] of Object.entries({ ...services, total: true })) {
    const present = (await testid(page, `summary-${service}`).count()) === 1;
    if (present !== has) found.push(`summary-${service} ${present ? "shown" : "missing"}`);
  }
  const cells = await page.$$eval('[data-testid^="summary-"] dd', (dds) => dds.map((d) => [d.dataset.testid ?? d.querySelector("[data-testid]")?.dataset.testid, d.textContent.trim()]));
  for (const [cell, text] of cells) {
    if (cell === "events-hash") continue;
    if (!/^\$?[\d,]+(\.\d+)?( ?(s|ms))?$/.test(text)) found.push(`${cell} is not a number: "${text}"`);
  }
  // 1b. The numbers are the engine's: the CLI runs the same preset natively to the page's
  //     virtual time and prints the same totals.
  const ms = Number(await testid(page, "clock").getAttribute("data-ms"));
  const engine = parseSummary(engineSummary(id, ms));
  const shown = Object.fromEntries(cells.map(([cell, text]) => [cell, text]));
  const num = (cell) => (shown[cell] === undefined ? undefined : Number(shown[cell].replace(/[$,]/g, "").replace(/ ?m?s$/, "")));
  const sum = (rows, f) => rows.reduce((a, r) => a + r[f], 0);
  const expect = (cell, value) => {
    if (num(cell) !== value) found.push(`${cell} shows ${shown[cell]}, the engine has ${value} at ${ms} ms`);
  };
  if (services.sns) {
    expect("sns-published", sum(engine.topics, "published"));
    expect("sns-delivered", sum(engine.topics, "delivered"));
    expect("sns-filtered", sum(engine.topics, "filtered"));
    expect("sns-failed", sum(engine.topics, "failed"));
    expect("sns-dlq", sum(engine.topics, "dlq"));
    expect("sns-lost", sum(engine.topics, "failed") - sum(engine.topics, "dlq"));
  }
  if (services.kinesis) {
    expect("kinesis-in", sum(engine.streams, "recordsIn"));
    expect("kinesis-throttled", sum(engine.streams, "throttled"));
    if (shown["kinesis-read-throttled"] !== undefined) expect("kinesis-read-throttled", sum(engine.streams, "readThrottled"));
    for (const r of engine.readers) expect(`kinesis-read-${r.name}`, r.read);
    if (engine.readers.length > 0) expect("kinesis-twice", sum(engine.readers, "again"));
  }
  expect("requests", engine.requests);
  const usd = num("cost");
  if (!(Math.abs(usd - engine.usd) <= 2e-6)) found.push(`cost shows ${shown.cost}, the engine has $${engine.usd.toFixed(7)} at ${ms} ms`);
  // 2. A topic's, bucket's or stream's producer names no SQS call.
  for (const [i, p] of (sc.producers ?? []).entries()) {
    if (p.queue) continue;
    const texts = await page.$$eval(`[data-testid^="param-p${i}-"], [data-testid^="param-key-p${i}-"]`, (els) =>
      els.map((e) => e.closest(".field, .check")?.innerText ?? ""),
    );
    for (const t of texts) if (SQS_WORDS.test(t)) found.push(`producer ${p.name}'s control names SQS: ${t.replace(/\s+/g, " ")}`);
  }
  // 3. No two texts on the diagram over each other.
  const boxes = JSON.parse((await testid(page, "diagram").getAttribute("data-labels")) ?? "null");
  if (!Array.isArray(boxes) || boxes.length === 0) found.push("the diagram reports no labels");
  else {
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        if (overlap(boxes[i], boxes[j])) found.push(`labels ${JSON.stringify(boxes[i])} and ${JSON.stringify(boxes[j])} overlap`);
  }
  // 4. Every chart's ticks on round values.
  const ticks = await page.$$eval("canvas.chart", (cs) => cs.map((c) => [c.dataset.testid, c.dataset.ticks ?? ""]));
  if (ticks.length === 0) found.push("no charts");
  for (const [chart, spec] of ticks) {
    const [, x = "", y = ""] = spec.match(/^x=(.*);y=(.*)$/) ?? [];
    if (!roundTimes(x.split(","))) found.push(`${chart}: time ticks not round: ${x}`);
    if (!roundTicks(y.split(","))) found.push(`${chart}: value ticks not round: ${y}`);
  }
  // 5. In Korean, no English sentence on screen: a run of three or more lower-case English
  //    words outside code, the API log and the run's own names.
  if (lang === "ko") {
    const english = await page.evaluate(() => {
      const out = [];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest("code, pre, script, style, [data-testid='api-log'], #boot")) continue;
        if (el.closest("[hidden]") || el.getClientRects().length === 0) continue;
        const m = n.textContent.match(/\b[a-z]{2,}(?:[ -][a-z]{2,}){2,}\b/);
        if (m) out.push(`${m[0]} (in "${n.textContent.trim().slice(0, 60)}")`);
      }
      return out;
    });
    for (const e of english) found.push(`English in Korean: ${e}`);
  }
  // 6. Where the lesson is: key controls on the laptop's first screen; on a phone, the picker
  //    and its explanation before the charts; and nothing wider than the window.
  await page.evaluate(() => window.scrollTo(0, 0));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) found.push(`the page is ${overflow}px wider than the window`);
  const top = (sel) => page.evaluate((sel) => document.querySelector(sel)?.getBoundingClientRect().top ?? null, sel);
  const bottom = (sel) => page.evaluate((sel) => document.querySelector(sel)?.getBoundingClientRect().bottom ?? null, sel);
  if (width > 1000) {
    const b = await bottom('[data-testid="key-controls"]');
    const h = await page.evaluate(() => window.innerHeight);
    if (b === null || b > h) found.push(`key controls end at ${b}, below the first screen (${h})`);
  } else {
    const charts = await top("section.charts");
    for (const sel of ['[data-testid="preset"]', '[data-testid="explanation"]']) {
      const y = await top(sel);
      if (y === null || charts === null || y > charts) found.push(`${sel} at ${y}, not before the charts (${charts})`);
    }
  }
  return found.map((f) => `${id} (${lang}, ${width}): ${f}`);
}

for (const [width, height] of [
  [1366, 900],
  [390, 844],
]) {
  for (const lang of ["en", "ko"]) {
    test(`every preset reads right at ${width}×${height} in ${lang === "en" ? "English" : "Korean"}`, async () => {
      await mkdir(SHOTS, { recursive: true });
      const { page, problems, context } = await openPage({ viewport: { width, height } });
      if (lang === "ko") {
        await testid(page, "lang").selectOption("ko");
        await page.waitForFunction(() => document.documentElement.lang === "ko");
      }
      const ids = await page.$$eval('[data-testid="preset"] option', (os) => os.map((o) => o.value).filter(Boolean));
      assert.equal(ids.length, 24);
      await setSpeed(page, 100);
      const found = [];
      for (const id of ids) {
        await pickPreset(page, id);
        await testid(page, "play").click();
        await waitForPage(page, (n, attr, ms) => Number(attr("clock", "data-ms")) >= ms, PLAY_TO_MS, 60_000);
        await testid(page, "pause").click();
        // Paused: the diagram's last frame reports its labels, the charts their ticks.
        await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]').hasAttribute("data-labels"));
        await page.waitForFunction(() => [...document.querySelectorAll("canvas.chart")].every((c) => c.dataset.ticks));
        found.push(...(await problemsOf(page, id, { lang, width })));
        await page.screenshot({ path: new URL(`${lang}-${width}-${id}.png`, SHOTS).pathname });
      }
      assert.deepEqual(found, []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}
