// Kinesis in the browser: records land on shard lanes by partition key; a hot key throttles
// its shard; resharding under load closes the parent and its children take the writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openPage, testid, waitForPage, pickPreset, screenshot, playUntil, number } from "./helpers.mjs";


const streams = async (page) => testid(page, "diagram").first().getAttribute("data-streams");

test("resharding under load: UpdateShardCount closes the shard and two children take the writes", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "kinesis-reshard");
  await playUntil(page, 10_000, 5);
  assert.equal(await streams(page), "clicks:1/1");
  // The first UpdateShardCount button doubles the shards; the second merges them back.
  await testid(page, "action-UpdateShardCount").first().click();
  await waitForPage(page, () => /update-shard-count/.test(document.querySelector('[data-testid="api-log"]').textContent));
  const log = await testid(page, "api-log").textContent();
  assert.match(log, /aws kinesis update-shard-count --stream-name clicks/);
  await playUntil(page, 40_000, 5);
  // The parent is closed (kept for its records), two children are open.
  assert.equal(await streams(page), "clicks:2/3");
  // The charts follow the stream: IncomingRecords and the throttled writes before the split.
  assert.equal(await testid(page, "chart-scope").textContent(), "clicks");
  assert.ok(Number(await testid(page, "chart-incoming").getAttribute("data-points")) > 0);
  assert.ok(Number(await testid(page, "chart-write-throttled").getAttribute("data-points")) > 0);
  // Clicking the stream shows its shards as ListShards does, with full hash-key ranges.
  const [x, y] = (await testid(page, "diagram").first().getAttribute("data-first-stream")).split(",").map(Number);
  await testid(page, "diagram").first().click({ position: { x, y } });
  await testid(page, "inspector-stream").waitFor();
  assert.equal(await testid(page, "open-shards").textContent(), "2");
  assert.match(await testid(page, "inspector-shards").textContent(), /HashKeyRange 0 – \d+.*ParentShardId shardId-000000000000/s);
  await screenshot(page, "kinesis-resharded");
  // Merging back: the two children close, one new shard covers the whole key space.
  await testid(page, "action-UpdateShardCount").nth(1).click();
  await playUntil(page, 70_000, 5);
  assert.equal(await streams(page), "clicks:1/4");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a hot key spread over several partition keys: both shards take its records and the throttling stops", async () => {
  const { page, problems, context } = await openPage();
  await pickPreset(page, "kinesis-hot-key");
  await playUntil(page, 10_000, 5);
  assert.ok((await number(page, "kinesis-throttled")) > 0, "one key throttles its shard");
  // The preset's key controls hold the hot device's keys, next to the diagram.
  const field = testid(page, "param-key-p0-partition_keys");
  assert.equal(await field.inputValue(), "sensor-hot");
  await field.fill("sensor-hot-1, , sensor-hot-2");
  await field.press("Enter");
  await waitForPage(page, () => /Partition keys/.test(document.querySelector('[data-testid="error-key-p0-partition_keys"]').textContent));
  await field.fill("sensor-hot-1, sensor-hot-2, sensor-hot-3, sensor-hot-4");
  await field.press("Enter");
  await waitForPage(page, () => document.querySelector('[data-testid="error-key-p0-partition_keys"]').textContent === "");
  await playUntil(page, 16_000, 5);
  const settled = await number(page, "kinesis-throttled");
  await playUntil(page, 40_000, 5);
  assert.equal(await number(page, "kinesis-throttled"), settled, "no write refused once the keys are spread");
  assert.equal(await testid(page, "param-key-p0-partition_keys").inputValue(), "sensor-hot-1, sensor-hot-2, sensor-hot-3, sensor-hot-4");
  assert.deepEqual(problems, []);
  await context.close();
});
