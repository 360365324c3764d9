// Memory benchmark (not a test: it reports figures, it does not judge them).
//
//   node e2e/bench-memory.mjs [--only ID,ID] [--native-only|--page-only]
//
// For every preset and for the extreme settings in bench/memory/*.json, reports:
// - natively: the peak resident memory of `mqlab run SCENARIO --for 10m` and `--for 1h`
//   (target/native/mqlab, built with `cargo build --profile native -p mqlab-cli`; the engine
//   alone, no snapshots);
// - in headless Chromium (serves dist/, from `trunk build --release`): the page's
//   WebAssembly memory (its high-water mark, what counts against the browser's 4 GiB) and the
//   run's own estimate of what it holds (live world + view + snapshots) with the snapshot
//   count, after fast-forwarding to 10 virtual minutes and to 1 virtual hour — or the memory
//   stop, if the budget paused the run first.
// Prints a Markdown table (the README's memory table).
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { serveDir } from "./static-server.mjs";

const root = new URL("../", import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1].split(",") : null;
const native = !args.includes("--page-only");
const pageToo = !args.includes("--native-only");
const MIB = 1024 * 1024;
const CHECKPOINTS_MS = [10 * 60_000, 60 * 60_000];

const presetIds = (await readdir(`${root}scenarios/presets`)).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
const extremes = (await readdir(`${root}bench/memory`)).filter((f) => f.endsWith(".json")).sort();
const runs = [
  ...presetIds.map((id) => ({ id, file: `scenarios/presets/${id}.json`, preset: true })),
  ...extremes.map((f) => ({ id: f.slice(0, -5), file: `bench/memory/${f}`, preset: false })),
].filter((r) => !only || only.includes(r.id));

function nativeRow(file, dur) {
  const started = Date.now();
  try {
    const r = execFileSync("bash", ["-c", `/usr/bin/time -f 'peak_kib %M' "$@" 2>&1 >/dev/null | tail -n 1`, "_", `${root}target/native/mqlab`, "run", `${root}${file}`, "--for", dur, "--no-events"], { encoding: "utf8" });
    const kib = Number(/peak_kib (\d+)/.exec(r)?.[1]);
    return `${(kib / 1024).toFixed(0)} MiB (${((Date.now() - started) / 1000).toFixed(1)} s)`;
  } catch (e) {
    return `failed: ${String(e.message).split("\n")[0]}`;
  }
}

let browser, server, baseUrl;
if (pageToo) {
  server = await serveDir(`${root}dist/`);
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
  });
}

async function pageRow(run) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await page.goto(baseUrl);
  await page.locator('[data-testid="play"]').waitFor({ timeout: 30_000 });
  if (run.preset) {
    await page.locator('[data-testid="preset"]').selectOption(run.id);
    await page.waitForFunction((id) => document.querySelector('[data-testid="preset"]').dataset.loaded === id, run.id);
  } else {
    await page.locator('[data-testid="import"]').setInputFiles(`${root}${run.file}`);
  }
  await page.waitForFunction(() => document.querySelector('[data-testid="clock"]').dataset.ms === "0");
  await page.locator('[data-testid="fast-forward"]').click();
  const cells = [];
  for (const target of CHECKPOINTS_MS) {
    const started = Date.now();
    const state = await page.waitForFunction(
      (target) => {
        const ms = Number(document.querySelector('[data-testid="clock"]').dataset.ms);
        if (document.querySelector('[data-testid="panic-banner"]')) return "crashed";
        if (document.querySelector('[data-testid="error-banner"]')) return `stopped at ${ms}`;
        return ms >= target ? "ok" : false;
      },
      target,
      { timeout: 900_000, polling: 200 },
    ).then((h) => h.jsonValue(), (e) => `timeout (${e.message.split("\n")[0]})`);
    const seek = page.locator('[data-testid="seek"]');
    const memory = await page.evaluate(() => window.wasmBindings?.mqlab_memory_bytes?.() ?? NaN).catch(() => NaN);
    const held = Number(await seek.getAttribute("data-held-bytes").catch(() => NaN));
    const snaps = await seek.getAttribute("data-snapshots").catch(() => "?");
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    if (state === "ok") {
      cells.push(`${(memory / MIB).toFixed(0)} MiB (run ~${(held / MIB).toFixed(0)} MiB, ${snaps} snapshots, ${secs} s)`);
    } else {
      const m = /stopped at (\d+)/.exec(state);
      cells.push(m ? `memory stop at ${(Number(m[1]) / 60_000).toFixed(1)} min: ${(memory / MIB).toFixed(0)} MiB` : `${state}, ${(memory / MIB).toFixed(0)} MiB`);
      while (cells.length < CHECKPOINTS_MS.length) cells.push("—");
      break;
    }
  }
  await context.close();
  return cells;
}

console.log("| scenario | native 10 min | native 1 h | page 10 min | page 1 h |");
console.log("|---|---|---|---|---|");
for (const run of runs) {
  const n = native ? [nativeRow(run.file, "10m"), nativeRow(run.file, "1h")] : ["", ""];
  const p = pageToo ? await pageRow(run) : ["", ""];
  console.log(`| \`${run.id}\` | ${n.join(" | ")} | ${p.join(" | ")} |`);
}
await browser?.close();
server?.close();
