// End-to-end: the course as a learner meets it. Choose Learn, open a lesson from the map,
// walk its steps with the buttons and the keyboard, do the task in the live simulation (or
// press Show me) until the checkpoint passes, answer a question, and find the progress still
// there after a reload. See app.test.mjs for how these run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { ctx, openPage, testid, setSpeed, reveal, waitForStep } from "./helpers.mjs";

/// Types a value into a parameter field and commits it (Enter), as a user does.
async function setField(page, id, value) {
  const field = testid(page, `param-${id}`);
  await reveal(page, `param-${id}`);
  await field.fill(String(value));
  await field.press("Enter");
}

/// What the learner sees: the window, not the whole page (the README shows these).
async function viewShot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: new URL(`./screenshots/${name}.png`, import.meta.url).pathname });
}

const stepOf = (page) => testid(page, "lesson-panel").getAttribute("data-step");


test("a learner opens Learn, walks a lesson, fixes the queue and sees the checkpoint pass; progress survives a reload", async () => {
  const { page, problems, context } = await openPage();
  const freeLabScenario = await testid(page, "scenario").textContent();

  await testid(page, "learn-open").click();
  await testid(page, "course-map").waitFor();
  // The course map lists every chapter with its lessons.
  await testid(page, "lesson-visibility-too-short").waitFor();
  assert.match(await testid(page, "course-map").textContent(), /FIFO/);
  assert.equal(await page.evaluate(() => location.hash), "#learn");

  await testid(page, "lesson-visibility-too-short").click();
  await waitForStep(page, "visibility-too-short", 0);
  assert.equal(await page.evaluate(() => location.hash), "#learn/visibility-too-short");
  assert.match(await testid(page, "lesson-step-text").textContent(), /VisibilityTimeout/);
  assert.match(await testid(page, "lesson-highlight").textContent(), /orders/);
  // The step played the run to its moment (10 s) and paused there.
  assert.equal(await testid(page, "clock").getAttribute("data-ms"), "10000");
  assert.equal(await testid(page, "lesson-back").isDisabled(), true);

  // → goes on (the keyboard), ← comes back, Next goes on again.
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "visibility-too-short", 1);
  assert.equal(await testid(page, "clock").getAttribute("data-ms"), "60000");
  await viewShot(page, "course-lesson-step");
  await page.keyboard.press("ArrowLeft");
  await waitForStep(page, "visibility-too-short", 0);
  await testid(page, "lesson-next").click();
  await waitForStep(page, "visibility-too-short", 1);
  await testid(page, "lesson-next").click();
  await waitForStep(page, "visibility-too-short", 2);

  // The task: not met yet, and it says why.
  await testid(page, "task-panel").waitFor();
  assert.equal(await testid(page, "checkpoint").getAttribute("data-met"), "false");
  assert.match(await testid(page, "checkpoint").textContent(), /received a second time/);
  await testid(page, "hint").click();
  await testid(page, "hint-0").waitFor();
  assert.equal(await testid(page, "hint-1").count(), 0, "hints come one at a time");

  // The learner does it: a longer visibility timeout, then plays and watches.
  await setField(page, "VisibilityTimeout", 30);
  await setSpeed(page, 50);
  await testid(page, "play").click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="checkpoint"]')?.dataset.met === "true",
    null,
    { timeout: 60_000 },
  );
  await testid(page, "pause").click();
  assert.match(await testid(page, "checkpoint").textContent(), /Checkpoint passed/);
  await viewShot(page, "course-checkpoint-passed");

  // The map marks it done; a reload keeps it, in the same browser.
  await testid(page, "lesson-map").click();
  await testid(page, "done-visibility-too-short").waitFor();
  await page.waitForLoadState("networkidle");
  await page.reload();
  await testid(page, "course-map").waitFor();
  await testid(page, "done-visibility-too-short").waitFor();
  assert.equal(await testid(page, "done-sqs-buffer").count(), 0);

  // Back to the free lab: the learner's own run is as it was.
  await testid(page, "learn-close").click();
  await testid(page, "play").waitFor();
  assert.equal(await testid(page, "scenario").textContent(), freeLabScenario);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a lesson's own link, Show me, a question answered in Korean, and a bad lesson file named in the message", async () => {
  const { page, problems, context } = await openPage({ hash: "#learn/long-polling" });
  await waitForStep(page, "long-polling", 0);
  for (let k = 1; k <= 3; k++) {
    await page.keyboard.press("ArrowRight");
    await waitForStep(page, "long-polling", k);
  }
  assert.equal(await stepOf(page), "3");
  await testid(page, "task-panel").waitFor();
  await setSpeed(page, 100);
  await testid(page, "show-me").click();
  // Show me applies the solution (ReceiveMessageWaitTimeSeconds 20) and plays.
  await page.waitForFunction(
    () => document.querySelector('[data-testid="checkpoint"]')?.dataset.met === "true",
    null,
    { timeout: 60_000 },
  );
  await testid(page, "pause").click();
  assert.equal(await testid(page, "param-ReceiveMessageWaitTimeSeconds").inputValue(), "20");

  // Korean follows the page's language switch, lesson texts included.
  await testid(page, "lang").selectOption("ko");
  await page.waitForFunction(() => /체크포인트 통과/.test(document.querySelector('[data-testid="checkpoint"]')?.textContent ?? ""));
  assert.match(await testid(page, "task-text").textContent(), /롱 폴링/);
  await testid(page, "choice-0-1").click();
  assert.equal(await testid(page, "explanation-0").getAttribute("data-right"), "false");
  await testid(page, "choice-0-0").click();
  assert.equal(await testid(page, "explanation-0").getAttribute("data-right"), "true");
  assert.match(await testid(page, "explanation-0").textContent(), /정답/);
  await viewShot(page, "course-korean");
  await testid(page, "lang").selectOption("en");

  // A lesson file that cannot be read is named, with the member, and the page goes on.
  await page.route("**/lessons/sqs-buffer.json", (route) =>
    route.fulfill({ contentType: "application/json", body: '{"id": "sqs-buffer", "chapter": "sqs-basics", "title": {"en": "T", "ko": "제목"}, "steps": [{"text": {"en": "a"}}]}' }),
  );
  await testid(page, "lesson-map").click();
  await testid(page, "lesson-sqs-buffer").click();
  await testid(page, "learn-error").waitFor();
  assert.equal(
    await testid(page, "learn-error").textContent(),
    "lessons/sqs-buffer.json: steps[0].text.ko: missing",
  );
  await testid(page, "lesson-map").click();
  await testid(page, "done-long-polling").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("one lesson of every chapter: its link opens it, Show me meets its checkpoint in Chromium", async () => {
  const lessons = [
    "decoupling",
    "sqs-delete-ack",
    "sqs-order",
    "visibility-heartbeat",
    "dlq-redrive",
    "fifo-groups",
    "fifo-dedup",
    "sns-push",
    "sns-fifo",
    "fanout-filter",
    "s3-events",
    "kinesis-reshard",
    "kinesis-capacity",
    "kinesis-replay",
    "kinesis-kcl",
  ];
  const { page, problems, context } = await openPage({ hash: `#learn/${lessons[0]}` });
  for (const id of lessons) {
    // A reload while the page's own fetches (explanations, course map, presets) are in flight
    // would abort them: let them finish first.
    await page.waitForLoadState("networkidle");
    await page.goto(`${ctx.baseUrl}#learn/${id}`);
    await page.reload();
    await waitForStep(page, id, 0);
    // The moment the step points at is marked on every chart.
    const first = JSON.parse(await readFile(new URL(`../lessons/${id}.json`, import.meta.url), "utf8")).steps[0];
    if (first.play_to !== undefined) {
      await page.waitForFunction(
        (ms) => [...document.querySelectorAll("canvas.chart")].every((c) => c.dataset.marker === String(ms)),
        first.play_to * 1000,
      );
    }
    // Walk to the task with the keyboard, as far as Next goes.
    while ((await testid(page, "lesson-next").count()) > 0) {
      const k = Number(await stepOf(page));
      await page.keyboard.press("ArrowRight");
      await waitForStep(page, id, k + 1);
    }
    await testid(page, "task-panel").waitFor();
    assert.equal(await testid(page, "checkpoint").getAttribute("data-met"), "false", id);
    // During the task, the marker is where the checkpoint began watching: not after now.
    await page.waitForFunction(() => {
      const now = Number(document.querySelector('[data-testid="clock"]').dataset.ms);
      const charts = [...document.querySelectorAll("canvas.chart")];
      return charts.length > 0 && charts.every((c) => c.dataset.marker !== undefined && Number(c.dataset.marker) <= now);
    });
    await setSpeed(page, 100);
    await testid(page, "show-me").click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="checkpoint"]')?.dataset.met === "true",
      null,
      { timeout: 90_000 },
    );
    await testid(page, "pause").click();
  }
  // A lesson without a task ends with its questions; reading to its end marks it done.
  await page.waitForLoadState("networkidle");
  await page.goto(`${ctx.baseUrl}#learn/choosing`);
  await page.reload();
  await waitForStep(page, "choosing", 0);
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "choosing", 1);
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "choosing", 2);
  await testid(page, "question-2").waitFor();
  await testid(page, "choice-2-1").click();
  assert.equal(await testid(page, "explanation-2").getAttribute("data-right"), "true");
  await testid(page, "lesson-map").click();
  for (const id of [...lessons, "choosing"]) await testid(page, `done-${id}`).waitFor();
  await viewShot(page, "course-map");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a task's own buttons: more shards do not cure a hot key, spreading the key does", async () => {
  const { page, problems, context } = await openPage({ hash: "#learn/kinesis-hot-key" });
  await waitForStep(page, "kinesis-hot-key", 0);
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "kinesis-hot-key", 1);
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "kinesis-hot-key", 2);
  await testid(page, "task-panel").waitFor();
  assert.equal(await testid(page, "task-action-0").textContent(), "UpdateShardCount → 4");
  await setSpeed(page, 100);
  // The tempting tool: four shards, and the one key still lands on one of them.
  // A task's button applies its edits and plays, as Show me does.
  await testid(page, "task-action-0").click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="clock"]')?.dataset.ms) >= 130_000, null, { timeout: 90_000 });
  assert.equal(await testid(page, "checkpoint").getAttribute("data-met"), "false");
  assert.match(await testid(page, "checkpoint").textContent(), /Throttled writes: [1-9]/);
  // The cure: four keys instead of one (paused: the panel is redrawn with every frame).
  await testid(page, "pause").click();
  await testid(page, "task-action-1").click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="checkpoint"]')?.dataset.met === "true",
    null,
    { timeout: 90_000 },
  );
  await testid(page, "pause").click();
  await viewShot(page, "course-hot-key-passed");
  await testid(page, "lesson-map").click();
  await testid(page, "done-kinesis-hot-key").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

/// Walks `id` to its task with the keyboard.
async function toTask(page, id) {
  await waitForStep(page, id, 0);
  while ((await testid(page, "lesson-next").count()) > 0) {
    const k = Number(await stepOf(page));
    await page.keyboard.press("ArrowRight");
    await waitForStep(page, id, k + 1);
  }
  await testid(page, "task-panel").waitFor();
}

const checkpointMet = (page) =>
  page.waitForFunction(
    () => document.querySelector('[data-testid="checkpoint"]')?.dataset.met === "true",
    null,
    { timeout: 90_000 },
  );

test("FIFO deduplication: the producer's resend setting is on the panel; stopping retries is no cure, the FIFO queue is", async () => {
  const { page, problems, context } = await openPage({ hash: "#learn/fifo-dedup" });
  await waitForStep(page, "fifo-dedup", 0);
  // The duplicates come from a producer that resends every 5th call: the panel shows it.
  assert.equal(await testid(page, "param-p0-resend_every").inputValue(), "5");
  await toTask(page, "fifo-dedup");
  assert.equal(await testid(page, "checkpoint").getAttribute("data-met"), "false");
  // The learner turns the retries off: no duplicates, but nothing was deduplicated either,
  // and the standard queue still gets everything.
  await setField(page, "p0-resend_every", 0);
  assert.equal(await testid(page, "param-p0-resend_every").inputValue(), "0");
  await setSpeed(page, 100);
  await testid(page, "play").click();
  const start = Number(await testid(page, "clock").getAttribute("data-ms"));
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="clock"]')?.dataset.ms) >= t + 70_000, start, { timeout: 90_000 });
  await testid(page, "pause").click();
  assert.equal(await testid(page, "checkpoint").getAttribute("data-met"), "false");
  assert.match(await testid(page, "checkpoint").textContent(), /Retries removed by deduplication: 0/);
  // The button sends to payments.fifo, retries and all.
  assert.equal(await testid(page, "task-action-1").textContent(), "Send to payments.fifo");
  await testid(page, "task-action-1").click();
  await checkpointMet(page);
  await testid(page, "pause").click();
  assert.equal(await testid(page, "param-p0-resend_every").inputValue(), "5");
  assert.match(await testid(page, "checkpoint").textContent(), /Retries removed by deduplication: [1-9]/);
  await testid(page, "lesson-map").click();
  await testid(page, "done-fifo-dedup").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("shared readers: more shards leave a polling reader throttled; switching it to enhanced fan-out mid-run cures it", async () => {
  const { page, problems, context } = await openPage({ hash: "#learn/kinesis-fanout" });
  await toTask(page, "kinesis-fanout");
  assert.equal(await testid(page, "checkpoint").getAttribute("data-met"), "false");
  assert.equal(await testid(page, "task-action-0").textContent(), "UpdateShardCount → 4");
  await setSpeed(page, 100);
  await testid(page, "task-action-0").click();
  const start = Number(await testid(page, "clock").getAttribute("data-ms"));
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid="clock"]')?.dataset.ms) >= t + 100_000, start, { timeout: 90_000 });
  await testid(page, "pause").click();
  assert.equal(await testid(page, "checkpoint").getAttribute("data-met"), "false");
  assert.match(await testid(page, "checkpoint").textContent(), /search's reads refused: [1-9]/);
  // The reader changes while the stream runs: it registers and subscribes from where it was.
  assert.equal(await testid(page, "task-action-1").textContent(), "search → enhanced fan-out");
  await testid(page, "task-action-1").click();
  await checkpointMet(page);
  await testid(page, "pause").click();
  await viewShot(page, "course-fanout-passed");
  await testid(page, "lesson-map").click();
  await testid(page, "done-kinesis-fanout").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});
