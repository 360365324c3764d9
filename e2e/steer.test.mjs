// End-to-end: steering a run while it goes (burst now, a new dead-letter queue, the compared
// run's own settings), links that carry those changes, the poison-pill lesson, a panic that
// leaves a way back, and prefers-reduced-motion. See app.test.mjs for how these run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ctx, openPage, testid, number, clockMs, waitForPage, setSpeed, pickPreset, screenshot, waitForAutosave, reveal } from "./helpers.mjs";

/// Types a value into a parameter field and commits it (Enter), as a user does.
async function setField(page, id, value) {
  const field = testid(page, `param-${id}`);
  await reveal(page, `param-${id}`);
  await field.fill(String(value));
  await field.press("Enter");
}

test("changes made mid-run (burst now, a new DLQ, a timeout) travel in a share link and replay exactly", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "decoupling");
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 8_000);
  await testid(page, "pause").click();

  // Burst now: sent at once, even paused.
  const before = await number(page, "sent-orders");
  await setField(page, "p0-burst", 50);
  await testid(page, "burst-p0").click();
  await waitForPage(page, (n, attr, before) => n("sent-orders") >= before + 50, before);

  // A dead-letter queue added to the running queue, and a shorter timeout (the queue's
  // settings are collapsed: decoupling is about the producer and the consumers).
  await reveal(page, "add-dlq");
  await testid(page, "add-dlq").click();
  await testid(page, "visible-orders-dlq").waitFor();
  await testid(page, "param-maxReceiveCount").waitFor();
  await setField(page, "VisibilityTimeout", 3);
  await waitForPage(page, () => document.querySelector('[data-testid="error-VisibilityTimeout"]').textContent === "");

  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 40_000);
  await testid(page, "pause").click();
  await testid(page, "share").click();
  await testid(page, "notice").waitFor();
  const hash = await page.evaluate(() => location.hash);
  const read = async (p) => ({
    t: await clockMs(p),
    hash: await testid(p, "events-hash").textContent(),
    sent: await number(p, "sent-orders"),
    redeliveries: await number(p, "redeliveries"),
    dlq: await number(p, "visible-orders-dlq"),
    timeout: await testid(p, "param-VisibilityTimeout").inputValue(),
  });
  const original = await read(page);
  assert.equal(original.timeout, "3");
  await screenshot(page, "steered");

  // Another browser opens the link: the same run, edits and all.
  const other = await openPage({ hash });
  assert.deepEqual(await read(other.page), original);
  // Seeking back before the edits and forward again replays them at their times.
  await testid(other.page, "seek").evaluate((el) => {
    el.value = "5000";
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await other.page.waitForFunction(() => document.querySelector('[data-testid="clock"]').dataset.ms === "5000");
  assert.equal(await testid(other.page, "visible-orders-dlq").count(), 0, "the DLQ did not exist at 5 s");
  await testid(other.page, "seek").evaluate((el, t) => {
    el.value = String(t);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, original.t);
  await other.page.waitForFunction((t) => Number(document.querySelector('[data-testid="clock"]').dataset.ms) === t, original.t);
  assert.equal(await testid(other.page, "events-hash").textContent(), original.hash);
  // The "link copied" notice went away by itself (nothing here closed it).
  await testid(page, "notice").waitFor({ state: "detached", timeout: 30_000 });

  assert.deepEqual(problems, []);
  assert.deepEqual(other.problems, []);
  await other.context.close();
  await context.close();
});

test("the compared run has its own settings: editing it leaves the main run alone", async () => {
  const { page, problems, context } = await openPage({ viewport: { width: 1600, height: 1000 } });
  await pickPreset(page, "visibility-too-short");
  await testid(page, "compare").click();
  await testid(page, "cmp-run").waitFor();
  const main = await testid(page, "param-VisibilityTimeout").inputValue();
  await testid(page, "param-side").selectOption("1");
  await testid(page, "param-r-VisibilityTimeout").waitFor();
  const right = await testid(page, "param-r-VisibilityTimeout").inputValue();
  const next = right === "40" ? "41" : "40";
  await setField(page, "r-VisibilityTimeout", next);
  await page.waitForFunction((v) => document.querySelector('[data-testid="param-r-VisibilityTimeout"]').value === v, next);
  await testid(page, "param-side").selectOption("0");
  await testid(page, "param-VisibilityTimeout").waitFor();
  assert.equal(await testid(page, "param-VisibilityTimeout").inputValue(), main, "the main run keeps its timeout");
  assert.deepEqual(problems, []);
  await context.close();
});

test("poison pills end in the DLQ; fixing the worker and redriving empties it", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "poison-dlq");
  await setSpeed(page, 50);
  await testid(page, "play").click();
  await waitForPage(page, (n) => n("visible-orders-dlq") >= 3, null, 30_000);
  await testid(page, "pause").click();
  await testid(page, "param-c0-handles_poison").check();
  await testid(page, "param-c0-failure_probability").fill("0");
  await testid(page, "param-c0-failure_probability").press("Enter");
  await page.locator('[data-testid^="action-"]').first().click();
  await testid(page, "play").click();
  await waitForPage(page, (n) => n("visible-orders-dlq") === 0, null, 30_000);
  await testid(page, "pause").click();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a panic shows a banner with a way back, and the way back restores the saved work", async () => {
  const { page, context } = await openPage();
  await pickPreset(page, "delay-queue");
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 15_000);
  await testid(page, "pause").click();
  const t = await clockMs(page);
  await waitForAutosave(page, t);
  await page.evaluate(() => {
    try {
      window.wasmBindings.mqlab_selftest_panic();
    } catch {
      // The panic aborts the call; the hook has already drawn the banner.
    }
  });
  const banner = testid(page, "panic-banner");
  await banner.waitFor();
  assert.match(await banner.textContent(), /Something went wrong|오류/);
  await screenshot(page, "panic");
  await Promise.all([page.waitForEvent("load"), banner.locator("button").click()]);
  await testid(page, "play").waitFor();
  // A paused run is in the address (and the autosave): the reload opens exactly it.
  assert.match(page.url(), /#v1=/);
  assert.equal(await testid(page, "preset").inputValue(), "delay-queue");
  assert.equal(await clockMs(page), t);
  assert.equal(await testid(page, "panic-banner").count(), 0);
  await context.close();
});

test("a WebAssembly trap (as when memory runs out) shows the banner at once, without waiting for a click", async () => {
  const { page, context } = await openPage();
  await pickPreset(page, "decoupling");
  await testid(page, "play").click();
  // From a timer, as a frame callback would: the trap reaches the window, not the caller.
  await page.evaluate(() => setTimeout(() => window.wasmBindings.mqlab_selftest_abort(), 0));
  const banner = testid(page, "panic-banner");
  await banner.waitFor({ timeout: 5_000 });
  assert.match(await banner.textContent(), /Something went wrong/);
  assert.equal(await banner.locator("button").count(), 1);
  await context.close();
});

/// The most marks seen on their way somewhere over `frames` animation frames while playing.
async function mostMoving(page, frames) {
  return page.evaluate(async (frames) => {
    let most = 0;
    for (let i = 0; i < frames; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      most = Math.max(most, Number(document.querySelector('[data-testid="diagram"]').dataset.moving ?? 0));
    }
    return most;
  }, frames);
}

test("prefers-reduced-motion: marks go straight to their places; otherwise they travel", async () => {
  for (const [reducedMotion, expectMoving] of [["reduce", false], ["no-preference", true]]) {
    const context = await ctx.browser.newContext({ viewport: { width: 1400, height: 900 }, reducedMotion });
    const { page, problems } = await openPage({ context });
    await pickPreset(page, "decoupling");
    await setSpeed(page, 10);
    await testid(page, "play").click();
    await waitForPage(page, (n, attr) => Number(attr("diagram", "data-marks")) > 0);
    const most = await mostMoving(page, 90);
    await testid(page, "pause").click();
    if (expectMoving) assert.ok(most > 0, "marks travel between places");
    else assert.equal(most, 0, "with reduced motion no mark is ever drawn in transit");
    assert.deepEqual(problems, []);
    await context.close();
  }
});
