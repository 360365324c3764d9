// The full page (full/): the first download hands it what names a service it does not link
// (CloudWatch alarms, Lambda, …) — a lesson's link, an imported file — and the full page runs
// it, with a summary row per Lambda function and one for the alarms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { ctx, openPage, testid, setSpeed, waitForPage, playUntil, waitForStep } from "./helpers.mjs";

const SCENARIOS = new URL("../scenarios/", import.meta.url).pathname;

async function waitForFullPage(page) {
  await page.waitForURL(/\/full\//, { timeout: 20_000 });
  await testid(page, "play").waitFor({ state: "visible", timeout: 20_000 });
}

async function shot(page, name) {
  await page.screenshot({ path: new URL(`./screenshots/${name}.png`, import.meta.url).pathname, fullPage: true });
}

// Imports a scenario from scenarios/. Every one here needs the full page, so the import leaves
// this page: the texts it fetched when it opened (presets, help) must have arrived first, or
// leaving cuts them short and they count as failed requests.
async function importScenario(page, file) {
  await page.waitForLoadState("networkidle");
  await testid(page, "import").setInputFiles(`${SCENARIOS}${file}`);
}

test("a lesson of chapter 12 opens in the full page: the alarm goes to ALARM, Show me brings the backlog under it", async () => {
  // Chosen on the course map of the first download, as a learner does.
  const { page, problems, context } = await openPage();
  await testid(page, "learn-open").click();
  await testid(page, "lesson-scaling-alarm").click();
  await waitForFullPage(page);
  assert.match(page.url(), /\/full\/#learn\/scaling-alarm$/);
  await waitForStep(page, "scaling-alarm", 0);
  // The alarm is new: no datapoint has been evaluated at 0:50.
  await testid(page, "alarm-jobs-backlog").waitFor();
  assert.equal((await testid(page, "alarm-jobs-backlog").textContent()).trim(), "INSUFFICIENT_DATA");
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "scaling-alarm", 1);
  // Past the first minute the backlog is over 100: ALARM, and its notification reached the
  // ops-inbox queue through the ops topic.
  await waitForPage(page, (n, attr) => document.querySelector('[data-testid="alarm-jobs-backlog"]')?.textContent.trim() === "ALARM");
  await shot(page, "full-page-alarm");
  await page.keyboard.press("ArrowRight");
  await testid(page, "task-panel").waitFor();
  await setSpeed(page, 100);
  await testid(page, "show-me").click();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="checkpoint"]')?.dataset.met === "true",
    null,
    { timeout: 90_000 },
  );
  await testid(page, "pause").click();
  assert.deepEqual(problems, []);
  await context.close();
});

test("an imported scenario with Lambda is handed to the full page, which draws the function's scaling", async () => {
  const { page, problems, context } = await openPage();
  await importScenario(page, "lambda-consumer.json");
  await waitForFullPage(page);
  assert.equal(await testid(page, "scenario").textContent(), "lambda-consumer");
  await testid(page, "summary-lambda-process-order").waitFor();
  // 5 concurrent batches at first; the spike at 30 s makes Lambda add more, up to
  // MaximumConcurrency 50.
  const allowed = async () => Number((await testid(page, "lambda-batches").textContent()).split("/")[1]);
  assert.equal(await allowed(), 5);
  assert.equal((await testid(page, "lambda-cap").textContent()).trim(), "50");
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, () => Number(document.querySelector('[data-testid="lambda-batches"]').textContent.split("/")[1]) > 5, null, 60_000);
  await testid(page, "pause").click();
  assert.ok((await allowed()) <= 50);
  // Its row of invocations: a slot per batch allowed now, grown past the first 5, filled while
  // a batch runs; the row's end is the cap.
  const row = testid(page, "svc-lambda-process-order");
  assert.ok(Number(await row.getAttribute("data-allowed")) > 5);
  assert.equal(await row.locator("rect.slot").count(), 50);
  assert.equal(await row.locator("rect.slot.held").count(), Number(await row.getAttribute("data-in-flight")));
  // The spike's messages are drawn (in the queue and held by the function's batches).
  assert.ok(Number(await page.locator("canvas[data-marks]").first().getAttribute("data-marks")) > 0);
  // The queue's charts gain the function's concurrency: batches in flight and allowed.
  assert.match(await testid(page, "chart-concurrency").getAttribute("aria-label"), /concurrency/);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-concurrency"]').dataset.points) > 0);
  await shot(page, "full-page-lambda");
  assert.deepEqual(problems, []);
  await context.close();
});

test("chapter 12's Auto Scaling lesson and chapter 13's Firehose lesson show their services' rows in the full page", async () => {
  const { page, problems, context } = await openPage({ hash: "#learn/scaling-asg" });
  await waitForFullPage(page);
  const value = async (id) => (await testid(page, id).textContent()).trim();
  await waitForStep(page, "scaling-asg", 0);
  // Before the burst: one instance keeps up.
  assert.equal(await value("asg-desired"), "1");
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "scaling-asg", 1);
  // At 5:30, after 3 datapoints above the target: desired capacity 10 (MaxSize).
  await page.waitForFunction(() => document.querySelector('[data-testid="asg-desired"]')?.textContent.trim() === "10");
  // The group is drawn as a box of its instances: the nine new ones Pending, one InService.
  await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]').dataset.groups === "workers:10:9/0/1/0");
  assert.match(await page.locator(".legend").first().textContent(), /Instance of an Auto Scaling group: hollow Pending, amber warming up/);
  // Its capacity and the backlog per instance against the target are charted under the queue.
  for (const id of ["chart-capacity", "chart-backlog-per-instance"]) {
    assert.ok(Number(await testid(page, id).getAttribute("data-points")) > 0, id);
  }
  await shot(page, "full-page-asg");
  // A minute later they are InService, warming up (DefaultInstanceWarmup 60 s), then counted.
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await page.waitForFunction(() => /^workers:10:0\/9\/1\/0$/.test(document.querySelector('[data-testid="diagram"]').dataset.groups ?? ""), null, { timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]').dataset.groups === "workers:10:0/0/10/0", null, { timeout: 60_000 });
  await testid(page, "pause").click();
  // Chapter 13: the Firehose row fills its buffer, then objects land about every minute.
  await page.waitForLoadState("networkidle");
  await page.goto(`${ctx.baseUrl}full/#learn/firehose-near-real-time`);
  await page.reload();
  await waitForStep(page, "firehose-near-real-time", 0);
  assert.equal(await value("firehose-objects"), "0");
  assert.ok(Number((await value("firehose-buffered")).replaceAll(",", "")) > 0);
  await page.keyboard.press("ArrowRight");
  await waitForStep(page, "firehose-near-real-time", 1);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="firehose-objects"]')?.textContent) >= 3);
  await shot(page, "full-page-firehose");
  assert.deepEqual(problems, []);
  await context.close();
});

test("an imported alarm scenario: the alarm's change of state is a line of the log with its aws cloudwatch command", async () => {
  const { page, problems, context } = await openPage();
  await importScenario(page, "alarm-on-backlog.json");
  await waitForFullPage(page);
  assert.equal((await testid(page, "alarm-jobs-backlog").textContent()).trim(), "INSUFFICIENT_DATA");
  await playUntil(page, 61_000, 10);
  const log = await testid(page, "api-log").textContent();
  assert.match(log, /jobs-backlog: INSUFFICIENT_DATA → ALARM/);
  assert.match(log, /aws cloudwatch describe-alarm-history --alarm-name jobs-backlog/);
  assert.equal((await testid(page, "alarm-jobs-backlog").textContent()).trim(), "ALARM");
  // A lamp on the queue it watches, and its threshold on that queue's chart of the metric.
  await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]').dataset.alarms === "jobs:jobs-backlog:ALARM");
  await page.waitForFunction(() => (document.querySelector('[data-testid="chart-messages"]').dataset.lines ?? "").split("|").includes("Alarm threshold"));
  // The legend says what the lamp means.
  assert.match(await page.locator(".legend").first().textContent(), /Alarm lamp on the queue it watches: red ALARM, green OK/);
  // PutMetricAlarm from the panel: a threshold the backlog never reaches, and the alarm goes
  // back to OK at its next evaluation.
  await testid(page, "param-alarm-jobs-backlog-Threshold").fill("100000");
  await testid(page, "param-alarm-jobs-backlog-Threshold").press("Enter");
  await page.waitForFunction(() => /aws cloudwatch put-metric-alarm --alarm-name jobs-backlog/.test(document.querySelector('[data-testid="api-log"]').textContent));
  await playUntil(page, 200_000, 10);
  await page.waitForFunction(() => document.querySelector('[data-testid="alarm-jobs-backlog"]').textContent.trim() === "OK");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a share link or an autosave of a Lambda run, opened in the first download, goes on in the full page", async () => {
  const { page, problems, context } = await openPage();
  await importScenario(page, "lambda-consumer.json");
  await waitForFullPage(page);
  await playUntil(page, 20_000, 10);
  // The full page keeps the run in its link and in the autosave, as the first download does.
  await page.waitForFunction(() => location.hash.startsWith("#v1="));
  const link = new URL(page.url()).hash;
  // The texts the full page fetches once open (presets, help) have arrived before it is left:
  // a fetch cut short by leaving is not a failure of the page.
  await page.waitForLoadState("networkidle");
  // The link, opened in the first download, is handed over unchanged.
  await page.goto(`${ctx.baseUrl}${link}`);
  await waitForFullPage(page);
  assert.equal(new URL(page.url()).hash, link);
  await testid(page, "summary-lambda-process-order").waitFor();
  await page.waitForLoadState("networkidle");
  // The first download with no link restores the autosave: a Lambda run, so the full page.
  await page.goto(ctx.baseUrl);
  await waitForFullPage(page);
  assert.equal(await testid(page, "scenario").textContent(), "lambda-consumer");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a group's and a mapping's settings change while the run goes on, with AWS's error for a value out of range", async () => {
  const { page, problems, context } = await openPage();
  await importScenario(page, "autoscaling-backlog.json");
  await waitForFullPage(page);
  await playUntil(page, 90_000, 25);
  const field = async (id, value) => {
    await testid(page, id).fill(String(value));
    await testid(page, id).press("Enter");
  };
  // The group's own settings, not one consumer per instance.
  await testid(page, "params-asg-workers").waitFor();
  assert.equal(await page.locator('[data-testid^="params-c"]').count(), 0);
  await field("param-asg-workers-DesiredCapacity", 3);
  // The call and the two launches it starts are the latest lines of the log, each with its
  // aws autoscaling command.
  await page.waitForFunction(() => /Launching a new EC2 instance/.test(document.querySelector('[data-testid="api-log"]').textContent));
  const log = await testid(page, "api-log").textContent();
  assert.match(log, /aws autoscaling update-auto-scaling-group --auto-scaling-group-name workers --desired-capacity 3/);
  assert.match(log, /workers: Launching a new EC2 instance: i-/);
  assert.match(log, /aws autoscaling describe-scaling-activities --auto-scaling-group-name workers --activity-ids /);
  // Two instances Pending; the first, InService since 1:00, still warming up (60 s).
  await playUntil(page, 95_000, 10);
  await page.waitForFunction(() => document.querySelector('[data-testid="diagram"]').dataset.groups === "workers:3:2/1/0/0");
  await field("param-asg-workers-DesiredCapacity", 11);
  await page.waitForFunction(() => /Desired capacity:11 must be between the specified min size:1 and max size:10/.test(document.querySelector('[data-testid="error-asg-workers-DesiredCapacity"]').textContent));
  assert.equal(await testid(page, "asg-desired").textContent(), "3");
  // The target tracking policy's target (PutScalingPolicy with its whole configuration).
  assert.equal(await testid(page, "param-policy-backlog-per-instance-TargetValue").inputValue(), "100");
  await field("param-policy-backlog-per-instance-TargetValue", 1000);
  await page.waitForFunction(() => /aws autoscaling put-scaling-policy --auto-scaling-group-name workers/.test(document.querySelector('[data-testid="api-log"]').textContent));
  assert.deepEqual(problems, []);
  await context.close();
});

test("a Lambda mapping's MaximumConcurrency lowered mid-run caps its concurrent batches; one still Creating is refused with AWS's error", async () => {
  const { page, problems, context } = await openPage();
  await importScenario(page, "lambda-consumer.json");
  await waitForFullPage(page);
  const field = async (id, value) => {
    await testid(page, id).fill(String(value));
    await testid(page, id).press("Enter");
  };
  await testid(page, "params-esm-process-order").waitFor();
  // At 0:00 the mapping is still Creating: AWS refuses to update it.
  await field("param-esm-process-order-MaximumConcurrency", 10);
  await page.waitForFunction(() => /ResourceInUseException/.test(document.querySelector('[data-testid="error-esm-process-order-MaximumConcurrency"]').textContent));
  await playUntil(page, 10_000, 10);
  await field("param-esm-process-order-MaximumConcurrency", 10);
  await page.waitForFunction(() => document.querySelector('[data-testid="lambda-cap"]')?.textContent.trim() === "10");
  assert.equal(await testid(page, "error-esm-process-order-MaximumConcurrency").textContent(), "");
  assert.deepEqual(problems, []);
  await context.close();
});

test("an imported Amazon MQ failover and a Kinesis video scenario run in the full page with a summary row each", async () => {
  const { page, problems, context } = await openPage();
  await importScenario(page, "mq-activemq-failover.json");
  await waitForFullPage(page);
  const value = async (id) => (await testid(page, id).first().textContent()).trim();
  assert.equal(await value("mq-state"), "RUNNING");
  assert.equal(await value("mq-lost"), "0");
  // The broker is drawn instead of an empty canvas: two instances, active and standby.
  assert.equal(await testid(page, "diagram").count(), 0);
  const broker = testid(page, "svc-mq-orders-broker");
  assert.equal(await broker.getAttribute("data-nodes"), "active,standby");
  // A consumer's prefetch window fills with what was pushed to it and not acked.
  await playUntil(page, 30_000, 10);
  const worker = testid(page, "mq-consumer-order-worker#1");
  assert.equal(await worker.getAttribute("data-prefetch"), "10");
  const held = Number(await worker.getAttribute("data-held"));
  assert.ok(held > 0 && held <= 10, `held ${held}`);
  // The broker's chart: messages a second against its ceiling.
  assert.match(await testid(page, "chart-mq-rate").getAttribute("data-lines"), /Ceiling/);
  // A wider prefetch from the panel (the client's basic.qos): the window grows at once.
  await testid(page, "param-mqc-order-worker-Prefetch").fill("30");
  await testid(page, "param-mqc-order-worker-Prefetch").press("Enter");
  await page.waitForFunction(() => document.querySelector('[data-testid="mq-consumer-order-worker#1"]').dataset.prefetch === "30");
  assert.match(await testid(page, "api-log").textContent(), /channel\.basic_qos\(prefetch_count=30\)/);
  // The reboot at 2:00: the standby takes over, non-persistent messages are lost.
  await playUntil(page, 150_000, 50);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="mq-lost"]').textContent.replaceAll(",", "")) > 0);
  await page.waitForFunction(() => document.querySelector('[data-testid="svc-mq-orders-broker"]').dataset.nodes.endsWith(",active"));
  await shot(page, "full-page-mq-failover");
  await importScenario(page, "video-retention.json");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="video-retention"]').length === 2);
  await playUntil(page, 30_000, 10);
  const persisted = await page.locator('[data-testid="video-persisted"]').allTextContents();
  assert.deepEqual(persisted.map((s) => s.trim() === "0"), [true, false], "retention 0 persists nothing; 24 h does");
  // On the timeline, retention 0's fragments are hollow (buffered, not archived).
  const archived = async (name) =>
    testid(page, `svc-video-${name}`).locator('[data-testid="video-fragment"]').evaluateAll((els) => els.map((e) => e.dataset.archived));
  const zero = await archived("door-0h");
  assert.ok(zero.length > 5 && zero.every((a) => a === "false"), zero.join());
  assert.ok((await archived("door-24h")).every((a) => a === "true"));
  assert.deepEqual(problems, []);
  await context.close();
});

test("a Firehose buffer fills by time and flushes an object into its bucket; a Flink application's windows close, with their SQL", async () => {
  const { page, problems, context } = await openPage();
  await importScenario(page, "firehose-near-real-time.json");
  await waitForFullPage(page);
  const fh = testid(page, "svc-firehose-clicks-to-lake");
  await playUntil(page, 40_000, 10);
  // 25 KB a second fills 5 MiB in about 200 s: the 60 s clock is ahead of the size bar.
  const size = Number(await fh.getAttribute("data-fill-size"));
  const time = Number(await fh.getAttribute("data-fill-time"));
  assert.ok(time > 0.5 && time < 0.8 && size < time, `size ${size} time ${time}`);
  assert.equal(await fh.getAttribute("data-objects"), "0");
  await playUntil(page, 75_000, 10);
  await page.waitForFunction(() => document.querySelector('[data-testid="svc-firehose-clicks-to-lake"]').dataset.objects === "1");
  assert.equal(await fh.locator('[data-testid="firehose-object"]').count(), 1);
  await shot(page, "full-page-firehose");
  // UpdateDestination from the panel: a 20 s interval, merged with the 5 MiB size.
  await testid(page, "param-firehose-clicks-to-lake-IntervalInSeconds").fill("20");
  await testid(page, "param-firehose-clicks-to-lake-IntervalInSeconds").press("Enter");
  await page.waitForFunction(() => /UpdateDestination/.test(document.querySelector('[data-testid="api-log"]').textContent));
  assert.equal(await testid(page, "param-firehose-clicks-to-lake-SizeInMBs").inputValue(), "5");
  // The buffer that was filling keeps its 60 s timer (flushed at 2:00); the next ones flush
  // every 20 s.
  await playUntil(page, 165_000, 10);
  const objects = Number(await fh.getAttribute("data-objects"));
  assert.ok(objects >= 4, `objects ${objects}`);
  await importScenario(page, "flink-windows.json");
  const app = testid(page, "svc-flink-clicks-per-producer");
  await app.waitFor();
  await playUntil(page, 35_000, 10);
  // Two keys, a 10-second tumbling window each: closed ones behind, open ones at the clock.
  const closed = await app.locator('[data-testid="flink-window"][data-closed="true"]').count();
  assert.ok(closed >= 4, `closed ${closed}`);
  assert.equal(await app.locator('[data-testid="flink-window"][data-closed="false"]').count(), 2);
  await app.locator("details.sql summary").click();
  assert.match(await testid(page, "flink-sql").textContent(), /TUMBLE\(TABLE clicks, DESCRIPTOR\(proc_time\), INTERVAL '10' SECOND\)/);
  await shot(page, "full-page-flink");
  assert.deepEqual(problems, []);
  await context.close();
});

/// Opens lesson `id` in the full page, walks every step (each sets up and plays its scenario up
/// to its play_to), runs `drawn` (what the lesson's services look like on the page), then
/// answers each question right.
async function walkLesson(page, id, drawn) {
  const lesson = JSON.parse(await readFile(new URL(`../lessons/${id}.json`, import.meta.url), "utf8"));
  await page.waitForLoadState("networkidle");
  // From another lesson of the full page a new fragment alone does not reload the page.
  await page.goto(`${ctx.baseUrl}full/#learn/${id}`);
  await testid(page, "play").waitFor();
  await page.waitForLoadState("networkidle");
  await page.reload();
  await waitForStep(page, id, 0);
  for (let k = 1; k < lesson.steps.length; k++) {
    await page.keyboard.press("ArrowRight");
    await waitForStep(page, id, k, 60_000);
  }
  await drawn();
  for (const [qi, q] of lesson.questions.entries()) {
    await testid(page, `choice-${qi}-${q.answer}`).click();
    assert.equal(await testid(page, `explanation-${qi}`).getAttribute("data-right"), "true", `${id} question ${qi}`);
  }
}

test("chapter 12's four newer lessons walk to their end in the full page, each question answered right", async () => {
  const { page, problems, context } = await openPage();
  for (const id of ["scaling-raw-depth", "scaling-warmup", "scaling-scale-in", "scaling-asg-vs-lambda"]) {
    // The Auto Scaling group these lessons scale is drawn.
    await walkLesson(page, id, () =>
      page.waitForFunction(() => /^workers:/.test(document.querySelector('[data-testid="diagram"]').dataset.groups ?? "")),
    );
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("chapter 14's Amazon MQ lessons walk to their end in the full page, their brokers drawn", async () => {
  const { page, problems, context } = await openPage();
  for (const id of ["mq-rabbitmq-lift", "mq-push-prefetch", "mq-ceiling", "mq-failover", "mq-or-sqs"]) {
    await walkLesson(page, id, async () => {
      // Each lesson's broker is a figure with its instances or nodes and its chart.
      await page.locator('[data-testid^="svc-mq-"]').first().waitFor();
      assert.ok((await page.locator('[data-testid^="mq-node-"]').count()) >= 1, id);
      await testid(page, "chart-mq-rate").waitFor();
    });
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("chapter 13's lessons walk to their end in the full page, their buffers, windows and fragments drawn", async () => {
  const { page, problems, context } = await openPage();
  const figure = { firehose: "svc-firehose-", flink: "svc-flink-", video: "svc-video-" };
  for (const id of ["firehose-buffer-size", "firehose-transform-fail", "flink-windows", "flink-late-data", "video-retention"]) {
    await walkLesson(page, id, async () => {
      const prefix = figure[id.split("-")[0]];
      await page.locator(`[data-testid^="${prefix}"]`).first().waitFor();
      if (id === "firehose-transform-fail") {
        // Records the function failed land under processing-failed/: red files in the bucket.
        await page.locator('[data-testid="firehose-object"][data-error="true"]').first().waitFor();
      }
      if (id.startsWith("flink")) {
        assert.ok((await page.locator('[data-testid="flink-window"][data-closed="true"]').count()) > 0, id);
      }
    });
  }
  assert.deepEqual(problems, []);
  await context.close();
});
