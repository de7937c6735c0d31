/**
 * npm run bench:outbox [-- --messages 20000 --concurrency 50]
 *
 * Outbox delivery to a loopback webhook receiver, exactly once: N members each get a message on
 * the merchant's webhook channel (enqueueMemberMessages → one signed webhook delivery per
 * member in the outbox), then the delivery worker (drainOutbox, webhook deliverer, bounded
 * concurrency) sends them. Every 50th delivery is answered 500 the first time and succeeds on
 * its retry. Reported: messages/s through the worker, duplicates at the receiver (deliveries it
 * answered 2xx more than once: must be 0), and the baseline of the same run: as many signed POSTs
 * of the same bodies to the same receiver from a plain loop with the same concurrency (no DB).
 * Target ≥ 1,000 messages/s. Uses DATABASE_URL's server when set, else a new embedded PostgreSQL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { enqueueMemberMessages } from '../src/core/messaging/outbox.service.ts';
import { drainOutbox } from '../src/core/messaging/outbox-delivery.service.ts';
import { systemCtx } from '../src/core/tenancy/system-ctx.ts';
import { deliverWebhook, stableJson } from '../src/core/webhooks/webhook-deliverer.ts';
import { createSubscription } from '../src/core/webhooks/webhook-subscription.service.ts';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { signBody } from '../src/lib/signature.ts';
import { benchDatabase, benchMerchant, loadLine, table } from './support.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
  },
});
const n = Number(values.messages);
const concurrency = Number(values.concurrency);
if (!(n > 0 && concurrency > 0)) throw new Error('bad --messages or --concurrency');

/** The receiver: counts deliveries answered 2xx per Regulars-Delivery id; scripted 500s. */
async function startReceiver() {
  const delivered = new Map<string, number>();
  const failedOnce = new Set<string>();
  let requests = 0;
  let seq = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      const id = String(req.headers['regulars-delivery'] ?? `plain-${seq++}`);
      if (id.startsWith('plain-') === false && !failedOnce.has(id) && requests % 50 === 0) {
        failedOnce.add(id);
        res.writeHead(500).end();
        return;
      }
      delivered.set(id, (delivered.get(id) ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    delivered,
    failedOnce,
    requests: () => requests,
    reset() {
      delivered.clear();
      requests = 0;
    },
    duplicates: () => [...delivered.values()].filter((c) => c > 1).length,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const source = await benchDatabase(`regulars_bench_outbox_${Date.now()}`);
const { db } = connect(source.url, 10);
await migrateToLatest(db);
const receiver = await startReceiver();
const { merchantId } = await benchMerchant(db);
const ctx = systemCtx(merchantId, new Date());
const subscription = await db.transaction().execute((trx) =>
  createSubscription(trx, ctx, {
    name: 'bench',
    url: receiver.url,
    event_types: ['message.requested'],
  }),
);
await sql`
  insert into member (merchant_id, id, card_no, phone, gender, source_channel, custom,
    marketing_consent, status, registered_at, updated_at)
  select ${merchantId}, gen_random_uuid(), '8801' || lpad(i::text, 12, '0'),
    '139' || lpad(i::text, 8, '0'), 'unknown', 'bench', '{}', true, 'active', now(), now()
  from generate_series(1, ${n}) i`.execute(db);
const ids = (
  await db.selectFrom('member').select('id').where('merchant_id', '=', merchantId).execute()
).map((r) => r.id);
const enqueueStart = performance.now();
for (let i = 0; i < ids.length; i += 2_000) {
  await db.transaction().execute((trx) =>
    enqueueMemberMessages(trx, systemCtx(merchantId, new Date()), {
      member_ids: ids.slice(i, i + 2_000),
      channel: 'webhook',
      purpose: 'service',
      template: 'generic',
      vars: { title: '通知', body: '您的积分已到账' },
      dedupe_prefix: 'bench',
    }),
  );
}
const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
console.log(`${n.toLocaleString()} messages enqueued in ${enqueueSeconds.toFixed(1)} s`);

// the worker: due now, then the scripted failures once their retry time has come
const deliverers = { webhook: deliverWebhook };
const workerStart = performance.now();
const first = await drainOutbox(db, {
  deliverers,
  concurrency,
  batchSize: 500,
  maxBatches: 10_000,
});
const later = new Date(Date.now() + 3_600_000);
const retried = await drainOutbox(db, {
  deliverers,
  concurrency,
  batchSize: 500,
  maxBatches: 10_000,
  now: () => later,
});
const workerSeconds = (performance.now() - workerStart) / 1000;
const sent = first.sent + retried.sent;
const duplicates = receiver.duplicates();
const left = await db
  .selectFrom('outbox_message')
  .select(db.fn.countAll<number>().as('n'))
  .where('merchant_id', '=', merchantId)
  .where('status', '<>', 'sent')
  .executeTakeFirstOrThrow();

// the baseline: the same signed bodies, POSTed from a plain loop with the same concurrency
const bodies = (
  await db
    .selectFrom('outbox_message')
    .select('payload')
    .where('merchant_id', '=', merchantId)
    .where('subscription_id', '=', subscription.id)
    .execute()
).map((r) => stableJson(r.payload));
receiver.reset();
let next = 0;
const baselineStart = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(receiver.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'regulars-signature': signBody(subscription.secret, body, new Date()),
        },
        body,
      });
      await res.text();
    }
  }),
);
const baselineSeconds = (performance.now() - baselineStart) / 1000;

const rate = sent / workerSeconds;
const baseRate = bodies.length / baselineSeconds;
console.log(`\noutbox delivery to a loopback webhook receiver, ${n.toLocaleString()} messages`);
console.log(
  table([
    ['', 'messages', 'seconds', 'messages/s', 'of baseline'],
    [
      'plain signed POST loop (baseline)',
      bodies.length,
      baselineSeconds.toFixed(2),
      baseRate.toFixed(0),
      '100 %',
    ],
    [
      'outbox worker (claim, sign, POST, mark)',
      sent,
      workerSeconds.toFixed(2),
      rate.toFixed(0),
      `${((100 * rate) / baseRate).toFixed(0)} %`,
    ],
  ]),
);
console.log(
  `scripted 500s retried: ${receiver.failedOnce.size}; duplicates at the receiver: ${duplicates}; not sent: ${left.n}; attempts ${first.claimed + retried.claimed}`,
);
console.log(`target: ≥ 1,000 messages/s, duplicates 0; concurrency ${concurrency}; ${loadLine()}`);
await receiver.close();
await db.destroy();
await source.stop();
if (duplicates > 0 || Number(left.n) > 0) process.exit(1);
