// A run's memory on the page is bounded: the Kinesis preset that used to freeze the tab at
// about 4 virtual minutes (1 GB per virtual minute) plays 10 virtual minutes at full speed,
// the page still answers, and the program's WebAssembly memory stays under the budget.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, pickPreset, testid, clockMs, waitForPage, screenshot } from "./helpers.mjs";

// The page's budget for one run (crates/appcore/src/lab.rs MEMORY_BUDGET_BYTES).
const BUDGET_BYTES = 300 * 1024 * 1024;

test("kinesis-efo-vs-shared plays 10 virtual minutes fast-forwarded within the memory budget", async () => {
  const { page, context, problems } = await openPage();
  await pickPreset(page, "kinesis-efo-vs-shared");
  await testid(page, "fast-forward").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 600_000, null, 240_000);
  await testid(page, "pause").click();
  const memory = await page.evaluate(() => window.wasmBindings.mqlab_memory_bytes());
  const held = Number(await testid(page, "seek").getAttribute("data-held-bytes"));
  const snapshots = Number(await testid(page, "seek").getAttribute("data-snapshots"));
  console.log(`wasm memory ${(memory / 1048576).toFixed(0)} MiB, run holds ~${(held / 1048576).toFixed(0)} MiB in ${snapshots} snapshots + live`);
  assert.ok(memory < BUDGET_BYTES, `wasm memory ${memory} bytes`);
  assert.ok(held < BUDGET_BYTES, `the run holds ${held} bytes`);
  assert.equal(await testid(page, "panic-banner").count(), 0);
  // Still answers: a step moves the clock, and seeking back works.
  const t = await clockMs(page);
  await testid(page, "step").click();
  await waitForPage(page, (n, attr, t) => Number(attr("clock", "data-ms")) > t, t);
  await screenshot(page, "kinesis-efo-vs-shared-10min");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a run that outgrows its budget pauses with a message naming what to lower, and keeps the work", async () => {
  // A queue filled by 1 MiB messages 5,000 times a second with one slow consumer: the backlog
  // grows without end. Opened as an imported file, as a learner would try it.
  const { page, context } = await openPage();
  const scenario = {
    name: "backlog", seed: 3,
    queues: [{ QueueName: "q", Attributes: { MessageRetentionPeriod: "1209600" } }],
    producers: [{ name: "p", queue: "q", rate_per_s: 5000, batch_size: 1, body_bytes: 1048576 }],
    consumers: [{ name: "c", queue: "q", count: 1, wait_time_s: 20, processing: { dist: "fixed", ms: 1000 } }],
  };
  await page.locator('input[type="file"]').setInputFiles({
    name: "backlog.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(scenario)),
  });
  await waitForPage(page, () => document.querySelector('[data-testid="clock"]').dataset.ms === "0");
  await testid(page, "fast-forward").click();
  const banner = testid(page, "error-banner");
  await banner.waitFor({ timeout: 240_000 });
  assert.match(await banner.textContent(), /paused before it used up the page's memory/);
  assert.match(await testid(page, "error-detail").textContent(), /messages waiting or in flight.*PurgeQueue.*a lower producer rate/);
  // Paused, not frozen: the play button is back, the clock stays, nothing crashed.
  await testid(page, "play").waitFor();
  const t = await clockMs(page);
  assert.ok(t > 0);
  const memory = await page.evaluate(() => window.wasmBindings.mqlab_memory_bytes());
  assert.ok(memory < 2 * BUDGET_BYTES, `wasm memory ${memory} bytes`);
  await screenshot(page, "memory-stop");
  // Seeking back is allowed and plays on from there.
  await testid(page, "seek").fill("1000");
  await waitForPage(page, () => Number(document.querySelector('[data-testid="clock"]').dataset.ms) <= 1000);
  assert.equal(await testid(page, "panic-banner").count(), 0);
  await context.close();
});
