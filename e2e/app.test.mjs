// End-to-end tests: what a user does with the built page (dist/) in headless Chromium.
//
//   MQLAB_BASE_URL=http://127.0.0.1:PORT/ node --test e2e/
//
// scripts/test.sh builds dist/ with `trunk build --release`, serves it with
// e2e/static-server.mjs and sets MQLAB_BASE_URL. Without it, the tests serve dist/ themselves.
// Every test fails on a console error, a failed request or a request to another origin.
// Screenshots go to e2e/screenshots/ (one per preset) for a reviewer to look at.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import {
  ctx,
  openPage,
  testid,
  number,
  clockMs,
  waitForPage,
  setSpeed,
  pickPreset,
  screenshot,
  waitForAutosave,
} from "./helpers.mjs";

const PRESETS = [
  "decoupling",
  "visibility-too-short",
  "visibility-ok",
  "short-polling",
  "long-polling",
  "fifo-groups",
  "poison-dlq",
  "delay-queue",
  "sns-fanout",
  "sns-filter",
  "sns-fifo",
  "sns-http-retries",
  "sns-alone",
  "sns-with-sqs",
  "sns-mobile-push",
  "s3-thumbnails",
  "kinesis-ordering",
  "kinesis-hot-key",
  "kinesis-reshard",
  "kinesis-provisioned",
  "kinesis-on-demand",
  "kinesis-efo-vs-shared",
  "kinesis-kcl-failover",
  "sqs-vs-kinesis",
];

test("the page loads offline, plays, and counters, diagram and charts move", async () => {
  const { page, problems, firstFrameMs, context } = await openPage();
  assert.equal(await page.title(), "mqlab");
  assert.equal(await clockMs(page), 0);
  assert.equal(await testid(page, "preset").inputValue(), "decoupling");
  assert.ok((await testid(page, "explanation").textContent()).length > 100, "the preset explains itself");
  for (const id of ["visible", "in-flight", "delayed", "sent", "received", "deleted"]) {
    assert.ok(Number.isInteger(await number(page, `${id}-orders`)), `${id}-orders is shown`);
  }

  await testid(page, "play").click();
  // 25 virtual seconds: past the decoupling burst at 20 s.
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 25_000 && n("sent-orders") > 0 && n("deleted-orders") > 0);
  await waitForPage(page, (n, attr) => Number(attr("diagram", "data-marks")) > 0 && Number(attr("chart-messages", "data-points")) > 20);
  await testid(page, "pause").click();
  const pausedAt = await clockMs(page);
  await page.waitForTimeout(300);
  assert.equal(await clockMs(page), pausedAt, "the clock is frozen while paused");
  const [sent, received, deleted] = [await number(page, "sent-orders"), await number(page, "received-orders"), await number(page, "deleted-orders")];
  assert.ok(deleted <= received && received <= sent + 1, `deleted ${deleted} <= received ${received}`);
  assert.ok((await number(page, "requests")) > 0, "requests are counted");
  assert.match(await testid(page, "cost").textContent(), /^\$0\.\d{7}$/);
  await screenshot(page, "smoke");
  console.log(`# first frame ${firstFrameMs} ms; sent ${sent}, received ${received}, deleted ${deleted}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("every preset plays; a screenshot of each is saved", async () => {
  const { page, problems, context } = await openPage({ viewport: { width: 1400, height: 1000 } });
  const shots = [];
  for (const id of PRESETS) {
    await pickPreset(page, id);
    await setSpeed(page, 25);
    await testid(page, "play").click();
    await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 60_000, null, 30_000);
    await testid(page, "pause").click();
    await page.waitForTimeout(150);
    assert.ok((await testid(page, "explanation").textContent()).length > 100, `${id} explains itself`);
    assert.equal(await testid(page, "error-banner").count(), 0, `${id} runs without an error`);
    // One summary row per service the run has; no SQS counters on a run without queues.
    const rows = async (r) => testid(page, `summary-${r}`).count();
    const [sqs, sns, kinesis] = [await rows("sqs"), await rows("sns"), await rows("kinesis")];
    assert.equal(await rows("total"), 1, `${id} totals every service`);
    if (id.startsWith("kinesis-") || ["sns-alone", "sns-mobile-push"].includes(id)) {
      assert.equal(sqs, 0, `${id} has no queue: no SQS row`);
      assert.equal(await testid(page, "queues").count(), 0, `${id} has no queue table`);
    }
    if (id.startsWith("kinesis-") || id === "sqs-vs-kinesis") assert.equal(kinesis, 1, `${id} Kinesis row`);
    if (id.startsWith("sns-") || id === "s3-thumbnails") assert.equal(sns, 1, `${id} SNS row`);
    assert.ok(await number(page, "requests") > 0, `${id} counts its requests`);
    if (id === "kinesis-kcl-failover") {
      assert.ok((await number(page, "kinesis-twice")) > 0, "the KCL run's duplicates are in its summary");
    }
    if (id === "sns-alone") assert.ok((await number(page, "sns-lost")) > 0, "SNS alone's losses are in its summary");
    shots.push(await screenshot(page, id));
  }
  await writeFile(new URL("./screenshots/README.txt", import.meta.url), shots.join("\n") + "\n");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a too-short VisibilityTimeout makes duplicates appear; an invalid one is refused with AWS's message", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "visibility-ok");
  // Out of range: refused next to the field, nothing else changes.
  const field = testid(page, "param-VisibilityTimeout");
  await field.fill("99999");
  await field.press("Enter");
  await waitForPage(page, (n, attr) => document.querySelector('[data-testid="error-VisibilityTimeout"]').textContent.length > 0);
  const message = await testid(page, "error-VisibilityTimeout").textContent();
  assert.match(message, /VisibilityTimeout/, message);
  assert.match(message, /InvalidAttributeValue|InvalidParameterValue/, message);

  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 40_000);
  assert.equal(await number(page, "redeliveries"), 0, "with a long enough timeout nothing is processed twice");
  // Shorter than the processing time: messages come back while still being processed.
  await field.fill("1");
  await field.press("Enter");
  await waitForPage(page, () => document.querySelector('[data-testid="error-VisibilityTimeout"]').textContent === "");
  await waitForPage(page, (n) => n("redeliveries") > 0, null, 30_000);
  await testid(page, "pause").click();
  // The refused and the accepted call are both in the API log, with their CLI equivalent.
  const log = await testid(page, "api-log").textContent();
  assert.match(log, /aws sqs set-queue-attributes/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("keyboard: space plays and pauses, → steps, + and − change speed, ? shows help", async () => {
  const { page, problems, context } = await openPage();
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="clock"]').dataset.ms) > 0);
  const speed = async () => Number(await testid(page, "speed").getAttribute("data-speed"));
  const s0 = await speed();
  await page.keyboard.press("+");
  assert.ok((await speed()) > s0);
  await page.keyboard.press("-");
  await page.keyboard.press("-");
  assert.ok((await speed()) < s0);
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("main").dataset.playing === "true");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.querySelector("main").dataset.playing === "false");
  await page.keyboard.press("?");
  await testid(page, "help").waitFor();
  assert.match(await testid(page, "help").textContent(), /Space/);
  assert.match(await testid(page, "help-start").textContent(), /preset/, "the help says how to start");
  await page.keyboard.press("Escape");
  await testid(page, "help").waitFor({ state: "detached" });
  assert.deepEqual(problems, []);
  await context.close();
});

test("the language switch puts the whole page in Korean", async () => {
  const { page, problems, context } = await openPage();
  await testid(page, "lang").selectOption("ko");
  await page.waitForFunction(() => document.documentElement.lang === "ko");
  assert.match(await testid(page, "play").textContent(), /재생/);
  assert.match(await testid(page, "explanation").textContent(), /[가-힣]/);
  assert.match(await page.locator(".params h2").textContent(), /파라미터/);
  // Dropdown options are Korean too (the value stays the engine's).
  const arrival = page.locator('[data-testid="param-p0-arrival"] option');
  assert.match(await arrival.first().textContent(), /[가-힣]/);
  assert.equal(await arrival.first().getAttribute("value"), "constant");
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 25_000);
  await testid(page, "pause").click();
  await screenshot(page, "korean");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a browser in Korean opens the page in Korean: English until the Korean texts arrive, never a raw key", async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: "ko-KR" });
  // Hold the Korean texts back, to see the page before they arrive.
  let release;
  const held = new Promise((r) => (release = r));
  await context.route("**/texts/ko.json", async (route) => {
    await held;
    await route.continue();
  });
  const { page, problems } = await openPage({ context });
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  assert.match(await testid(page, "play").textContent(), /Play/);
  assert.equal(await testid(page, "lang").inputValue(), "ko", "the chosen language is shown as chosen");
  const rawKeys = () => page.evaluate(() => document.body.innerText.match(/\b(controls|panel|queue|summary|producer|consumer)\.[a-z_]+\b/g));
  assert.equal(await rawKeys(), null);
  release();
  await page.waitForFunction(() => document.documentElement.lang === "ko");
  assert.match(await testid(page, "play").textContent(), /재생/);
  assert.equal(await rawKeys(), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a share link reproduces the run exactly: same time, same counters, same run hash", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "short-polling");
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 30_000);
  await testid(page, "pause").click();
  await testid(page, "share").click();
  await testid(page, "notice").waitFor();
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /^#v1=/);
  const read = async (p) => ({
    t: await clockMs(p),
    hash: await testid(p, "events-hash").textContent(),
    sent: await number(p, "sent-orders"),
    empty: await number(p, "empty-orders"),
    cost: await testid(p, "cost").textContent(),
  });
  const original = await read(page);
  // A different browser (no shared storage) opens the link.
  const other = await openPage({ hash });
  assert.equal(await testid(other.page, "preset").inputValue(), "short-polling");
  assert.deepEqual(await read(other.page), original);
  assert.deepEqual(problems, []);
  assert.deepEqual(other.problems, []);
  await other.context.close();
  await context.close();
});

test("a bad link or a bad file shows what is wrong and keeps the work; a reload restores it", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "poison-dlq");
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 20_000);
  await testid(page, "pause").click();
  const t = await clockMs(page);
  await waitForAutosave(page, t);

  // A reload of the bare page restores the autosaved run.
  const restored = await openPage({ context });
  assert.equal(await testid(restored.page, "preset").inputValue(), "poison-dlq");
  assert.equal(await clockMs(restored.page), t);
  await testid(restored.page, "notice").waitFor();
  assert.match(await testid(restored.page, "notice").textContent(), /Your last session was restored/);

  // A lesson's link opens the lesson; the restored run waits, and says so, until it closes.
  const lesson = await openPage({ context, hash: "#learn/long-polling" });
  await testid(lesson.page, "notice").waitFor();
  assert.match(await testid(lesson.page, "notice").textContent(), /comes back in the Free lab/);
  await testid(lesson.page, "learn-open").click();
  await waitForPage(lesson.page, () => document.querySelector('[data-testid="preset"]')?.value === "poison-dlq");
  assert.equal(await clockMs(lesson.page), t);
  assert.deepEqual(lesson.problems, []);

  // A broken link: a banner naming the problem, and the autosaved work is what opens.
  const bad = await openPage({ context, hash: "#v1=not-base64!!" });
  await testid(bad.page, "error-banner").waitFor();
  assert.match(await testid(bad.page, "error-detail").textContent(), /link/);
  assert.equal(await testid(bad.page, "preset").inputValue(), "poison-dlq");

  // A broken file: a banner naming the field, the current run untouched.
  await testid(bad.page, "import").setInputFiles({
    name: "broken.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ queues: [{ QueueName: "q" }], consumers: [{ name: "c", queue: "q", max_messages: 99 }] })),
  });
  await waitForPage(bad.page, () => /max_messages/.test(document.querySelector('[data-testid="error-detail"]')?.textContent ?? ""));
  assert.equal(await testid(bad.page, "preset").inputValue(), "poison-dlq");
  assert.equal(await clockMs(bad.page), t);
  // User text is shown as text.
  await testid(bad.page, "import").setInputFiles({
    name: "html.json",
    mimeType: "application/json",
    buffer: Buffer.from('{"name": "<img src=x onerror=alert(1)>", "queues": [{"QueueName": "<b>q</b>"}]}'),
  });
  await waitForPage(bad.page, () => /QueueName|queues/.test(document.querySelector('[data-testid="error-detail"]')?.textContent ?? ""));
  assert.equal(await bad.page.locator("img[src=x]").count(), 0);

  for (const p of [problems, restored.problems, bad.problems]) assert.deepEqual(p, []);
  await context.close();
});

test("seek back and forth, step, restart and a new seed", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "visibility-too-short");
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 40_000);
  await testid(page, "pause").click();
  const end = await clockMs(page);
  const endHash = await testid(page, "events-hash").textContent();
  const seek = async (ms) => {
    await testid(page, "seek").evaluate((el, v) => {
      el.value = String(v);
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, ms);
  };
  await seek(10_000);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="clock"]').dataset.ms) === 10_000);
  assert.notEqual(await testid(page, "events-hash").textContent(), endHash);
  await seek(end);
  await page.waitForFunction((end) => Number(document.querySelector('[data-testid="clock"]').dataset.ms) === end, end);
  assert.equal(await testid(page, "events-hash").textContent(), endHash, "seeking back and forth replays the same run");
  await testid(page, "step").click();
  await page.waitForFunction((end) => Number(document.querySelector('[data-testid="clock"]').dataset.ms) > end, end);

  const seed = await testid(page, "seed").textContent();
  await testid(page, "restart").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="clock"]').dataset.ms === "0");
  assert.equal(await testid(page, "seed").textContent(), seed);
  await testid(page, "new-seed").click();
  await page.waitForFunction((seed) => document.querySelector('[data-testid="seed"]').textContent !== seed, seed);
  assert.deepEqual(problems, []);
  await context.close();
});

test("compare two presets side by side on one clock; inspect a queue and a message", async () => {
  const { page, problems, context } = await openPage({ viewport: { width: 1600, height: 1000 } });
  await pickPreset(page, "visibility-too-short");
  await testid(page, "compare").click();
  await testid(page, "cmp-run").waitFor();
  await setSpeed(page, 25);
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 45_000);
  await testid(page, "pause").click();
  assert.ok((await number(page, "redeliveries")) > (await number(page, "cmp-redeliveries")), "the short timeout redelivers more");
  assert.ok((await number(page, "cmp-sent-orders")) > 0);
  await screenshot(page, "compare");

  // A queue: its GetQueueAttributes view.
  await page.locator('[data-testid="queues"] button.link').first().click();
  await testid(page, "inspector-attributes").waitFor();
  assert.equal(await testid(page, "attr-VisibilityTimeout").textContent(), "5");
  assert.ok(await testid(page, "attr-ApproximateNumberOfMessages").count());
  // A message: click where the diagram says it drew one.
  const [x, y] = (await testid(page, "diagram").first().getAttribute("data-first-mark")).split(",").map(Number);
  await testid(page, "diagram").first().click({ position: { x, y } });
  const found = (await testid(page, "inspector-message").count()) > 0;
  assert.ok(found, "a click on a mark shows the message");
  assert.match(await testid(page, "inspector-life").textContent(), /SendMessage|ReceiveMessage/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a queue table wider than its panel scrolls by keyboard, keeps the queue names in view and shows a shadow", async () => {
  // The compare view at laptop width and the phone both give the table less room than it needs.
  for (const [viewport, compare] of [[{ width: 1366, height: 900 }, true], [{ width: 390, height: 844 }, false]]) {
    const { page, problems, context } = await openPage({ viewport });
    if (compare) {
      await testid(page, "compare").click();
      await testid(page, "cmp-run").waitFor();
    }
    const wrap = page.locator(".table-wrap").first();
    const fits = await wrap.evaluate((w) => w.scrollWidth <= w.clientWidth);
    assert.ok(!fits, `at ${viewport.width} px the table is wider than its panel (the case this test is about)`);
    assert.match(await wrap.evaluate((w) => getComputedStyle(w).backgroundImage), /radial-gradient/, "a shadow marks the side with more");
    await wrap.focus();
    for (let i = 0; i < 25; i++) await page.keyboard.press("ArrowRight");
    // Keyboard scrolling is animated: wait until the last column has come into view.
    await page.waitForFunction(() => {
      const w = document.querySelector(".table-wrap");
      const last = w.querySelector("thead th:last-child").getBoundingClientRect().right;
      return w.scrollLeft > 0 && last <= w.getBoundingClientRect().right + 1;
    });
    const [wrapLeft, nameLeft] = await wrap.evaluate((w) => [
      w.getBoundingClientRect().left,
      w.querySelector("tbody th").getBoundingClientRect().left,
    ]);
    assert.ok(Math.abs(nameLeft - wrapLeft) < 2, `the queue name stays at the left edge (${nameLeft} vs ${wrapLeft})`);
    assert.equal(await clockMs(page), 0, "the arrow keys scrolled the table and did not step the run");
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test("a phone-sized screen shows the diagram and the controls", async () => {
  const { page, problems, context } = await openPage({ viewport: { width: 390, height: 844 } });
  await testid(page, "play").click();
  await waitForPage(page, (n, attr) => Number(attr("clock", "data-ms")) >= 22_000);
  await testid(page, "pause").click();
  const box = await testid(page, "diagram").boundingBox();
  assert.ok(box.width <= 390 && box.width > 300, `diagram width ${box.width}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll (${overflow}px)`);
  // The API log, below every parameter, is one click away.
  await page.evaluate(() => window.scrollTo(0, 0));
  await testid(page, "to-log").click();
  await page.waitForFunction(() => {
    // In view: its top on screen (at the top, or lower where the page ends).
    const r = document.getElementById("api-calls").getBoundingClientRect();
    return window.scrollY > 0 && r.top >= -1 && r.top < window.innerHeight - 40;
  });
  assert.ok((await page.locator('[data-testid="api-log"] li').count()) > 0, "the log shows the run's calls");
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, "phone");
  await testid(page, "theme").selectOption("dark");
  await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await screenshot(page, "phone-dark");
  assert.deepEqual(problems, []);
  await context.close();
});

void ctx;

test("the preset list is grouped by service, and an exported preset re-imports as that preset", async () => {
  const { page, problems, context } = await openPage();
  const groups = await page.$$eval('[data-testid="preset"] optgroup', (gs) =>
    gs.map((g) => ({ label: g.label, ids: [...g.querySelectorAll("option")].map((o) => o.value) })),
  );
  assert.deepEqual(groups.map((g) => g.label), ["Amazon SQS", "Amazon SNS and S3 events", "Kinesis Data Streams"]);
  assert.deepEqual(groups.flatMap((g) => g.ids), PRESETS, "every preset once, in the course's order");
  assert.ok(groups[2].ids.every((id) => id.startsWith("kinesis-") || id === "sqs-vs-kinesis"));

  // Export the preset, open something else, import the file: the title and explanation return.
  await pickPreset(page, "sns-filter");
  const explanation = await testid(page, "explanation").textContent();
  const [download] = await Promise.all([page.waitForEvent("download"), testid(page, "export").click()]);
  const file = await download.path();
  await pickPreset(page, "decoupling");
  await testid(page, "import").setInputFiles(file);
  await waitForPage(page, () => document.querySelector('[data-testid="preset"]')?.value === "sns-filter");
  assert.equal(await testid(page, "explanation").textContent(), explanation);
  assert.deepEqual(problems, []);
  await context.close();
});

test("while the program downloads, the page shows its shell (title, what it is, a busy bar); the app replaces it", async () => {
  const c = await ctx.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await c.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // Hold the wasm back until the shell has been seen.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(/\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(ctx.baseUrl);
  const boot = page.locator('[data-testid="boot"]');
  await boot.waitFor({ state: "visible" });
  assert.match(await boot.textContent(), /mqlab/);
  assert.match(await boot.textContent(), /Loading the simulation/);
  // The course's chapters, readable before the program runs.
  const chapters = page.locator('[data-testid="boot-course"] li');
  // Every chapter of lessons/course.json, the fourteenth (Amazon MQ) included.
  assert.equal(await chapters.count(), 14);
  assert.match(await chapters.first().textContent(), /Why queues.*왜 큐인가/);
  await page.screenshot({ path: new URL("./screenshots/boot-shell.png", import.meta.url).pathname });
  assert.equal(await page.locator('[data-testid="play"]').count(), 0, "no app yet");
  release();
  await page.locator('[data-testid="play"]').waitFor({ state: "visible", timeout: 15_000 });
  await boot.waitFor({ state: "detached" });
  assert.equal(await page.locator("header.top").count(), 1);
  assert.deepEqual(errors, []);
  await c.close();
});

test("if the English texts cannot be fetched, the shell stays and a banner names the file and offers a reload", async () => {
  const c = await ctx.browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await c.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.route("**/texts/en.json", (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto(ctx.baseUrl);
  const banner = page.locator('[data-testid="panic-banner"]');
  await banner.waitFor({ state: "visible", timeout: 15_000 });
  assert.match(await banner.textContent(), /texts\/en\.json: HTTP 404/);
  assert.match(await banner.locator("button").textContent(), /Reload/);
  assert.equal(await page.locator('[data-testid="play"]').count(), 0, "no app without its texts");
  assert.equal(await page.locator('[data-testid="boot"]').count(), 1, "the shell stays");
  assert.deepEqual(errors, []);
  await c.close();
});
