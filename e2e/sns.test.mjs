// SNS in the browser: a published message splits into copies down each branch; a filter
// stops copies (and says why on hover); the filter-policy editor validates with AWS's error
// text, tests a message and applies the policy; a failing webhook shows its attempts on a
// timeline and ends in the subscription's DLQ; a queue's message shows the envelope SNS sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ctx, openPage, testid, number, waitForPage, pickPreset, screenshot, playUntil } from "./helpers.mjs";

const point = async (page, name) => {
  const v = await testid(page, "diagram").first().getAttribute(name);
  assert.ok(v, `the diagram says where ${name} is`);
  return v.split(",").map(Number);
};


test("order fan-out: one publish becomes a copy in every queue, each an SNS envelope", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "sns-fanout");
  await playUntil(page, 20_000);
  // Every queue subscribed to the topic received a copy of every message.
  const sent = await Promise.all(["billing", "shipping", "analytics"].map((q) => number(page, `sent-${q}`)));
  assert.ok(sent[0] > 0, `copies arrived: ${sent}`);
  assert.deepEqual(sent, [sent[0], sent[0], sent[0]]);
  // A message in a queue: the JSON envelope SNS wrapped it in.
  const [ex, ey] = await point(page, "data-first-mark");
  await testid(page, "diagram").first().click({ position: { x: ex, y: ey } });
  await testid(page, "inspector-message").waitFor();
  const kind = await testid(page, "received-kind").textContent();
  const text = await testid(page, "message-body").textContent();
  if (/envelope/i.test(kind)) {
    const body = JSON.parse(text);
    assert.equal(body.Type, "Notification");
    assert.match(body.TopicArn, /^arn:aws:sns:[a-z0-9-]+:\d{12}:orders$/);
    assert.ok(body.MessageId && body.Signature, "the envelope carries its id and signature");
  } else {
    // The shipping queue subscribes with RawMessageDelivery: the bare message.
    assert.match(kind, /RawMessageDelivery = true/);
    assert.doesNotMatch(text, /TopicArn/);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("filter policies: a stopped copy says why; the editor validates, tests and applies a policy", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "sns-filter");
  await playUntil(page, 6_000, 5);
  // Hovering a copy stopped at a filter shows the reason.
  const [fx, fy] = await point(page, "data-first-filtered");
  await testid(page, "diagram").first().hover({ position: { x: fx, y: fy } });
  await page.waitForFunction(() => (document.querySelector('[data-testid="diagram"]').getAttribute("title") ?? "").length > 0);
  assert.match(await testid(page, "diagram").first().getAttribute("title"), /filter policy/i);

  // The filter itself: the subscription's inspector with the editor.
  const [x, y] = await point(page, "data-first-filter");
  await testid(page, "diagram").first().click({ position: { x, y } });
  await testid(page, "filter-editor").waitFor();
  // The charts follow the topic: NumberOfMessagesPublished and what the filters kept out.
  assert.equal(await testid(page, "chart-scope").textContent(), "orders");
  assert.ok(Number(await testid(page, "chart-published").getAttribute("data-points")) > 0);
  const editor = testid(page, "filter-policy");
  assert.ok((await editor.inputValue()).length > 2, "the current policy is in the editor");

  // Invalid: AWS's error code and text, and Apply is disabled.
  await editor.fill('{"store": "north"}');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-status"]').className === "error");
  assert.match(await testid(page, "filter-status").textContent(), /InvalidParameter/);
  assert.ok(await testid(page, "filter-apply").isDisabled());

  // Valid, and a tester that says whether a message would pass.
  await editor.fill('{"store": ["north"], "price": [{"numeric": [">", 100]}]}');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-status"]').className === "ok");
  await testid(page, "filter-sample").fill('{"store": "north", "price": 150}');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-verdict"]')?.className === "ok");
  await testid(page, "filter-sample").fill('{"store": "north", "price": 50}');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-verdict"]')?.className === "error");
  assert.match(await testid(page, "filter-verdict").textContent(), /price/);

  // Applied: the call is in the API log with its AWS CLI form, and the subscription has it.
  await testid(page, "filter-apply").click();
  await page.waitForFunction(() => /set-subscription-attributes/.test(document.querySelector('[data-testid="api-log"]').textContent));
  await page.waitForFunction(() => /numeric/.test(document.querySelector('[data-testid="attr-FilterPolicy"]')?.textContent ?? ""));
  await screenshot(page, "sns-filter-editor");

  // Moving the policy to the body: the old policy is cleared, the scope changed, the new set.
  await testid(page, "filter-scope").selectOption("MessageBody");
  await editor.fill('{"producer": ["web"]}');
  await page.waitForFunction(() => document.querySelector('[data-testid="filter-status"]').className === "ok");
  await testid(page, "filter-apply").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="attr-FilterPolicyScope"]')?.textContent === "MessageBody");
  assert.match(await testid(page, "attr-FilterPolicy").textContent(), /producer/);
  assert.equal(await testid(page, "subscription-error").count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a webhook that is down: attempts on a timeline, then the subscription's dead-letter queue", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "sns-http-retries");
  await playUntil(page, 120_000, 50);
  const [x, y] = await point(page, "data-first-endpoint");
  await testid(page, "diagram").first().click({ position: { x, y } });
  await testid(page, "inspector-subscription").waitFor();
  const ticks = await page.locator('[data-testid="retry-timeline"] .tick.failed').count();
  assert.ok(ticks >= 2, `failed attempts on the timeline (${ticks})`);
  const attempts = await testid(page, "attempts").textContent();
  assert.match(attempts, /✗ .*503/);
  assert.match(attempts, /#[2-4]/, "retries are numbered");
  // Given up copies are in the DLQ.
  const dlq = await page.locator('[data-testid="queues"] tr', { hasText: "webhook-dlq" }).textContent();
  assert.match(dlq, /[1-9]/, dlq);
  await screenshot(page, "sns-http-retries-inspector");

  // Steer it: an availability out of range is refused with the field named; 1 brings the
  // webhook back, and deliveries succeed again.
  const availability = testid(page, "endpoint-availability");
  await availability.fill("2");
  await availability.press("Enter");
  await testid(page, "endpoint-error").waitFor();
  assert.match(await testid(page, "endpoint-error").textContent(), /availability/);
  await availability.fill("1");
  await availability.press("Enter");
  await testid(page, "endpoint-error").waitFor({ state: "detached" });
  const delivered = async () =>
    Number(await page.locator('[data-testid="subscription-counts"] tr', { hasText: "Delivered" }).locator("td").textContent());
  const before = await delivered();
  await playUntil(page, 200_000, 50);
  assert.ok((await delivered()) > before + 10, `delivered ${before} → ${await delivered()}`);
  // The newest attempts all succeeded.
  const newest = await page.locator('[data-testid="attempts"] li').first().textContent();
  assert.match(newest, /✓/, newest);

  assert.deepEqual(problems, []);
  await context.close();
});

void ctx;
