import type { webhooksZhCN } from './webhooks-zh-CN.ts';

type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };

export const webhooksEn: Messages<typeof webhooksZhCN> = {
  webhooks: {
    title: 'Webhooks',
    hint: 'Events are written in the transaction of the operation, then signed and pushed to your URL after commit; failures are retried, and any delivery can be replayed from the log',
    tabs: { subscriptions: 'Subscriptions', deliveries: 'Delivery log' },
    create: 'New subscription',
    name: 'Name',
    url: 'URL',
    events: 'Event types',
    active: 'Active',
    paused: 'Paused',
    pause: 'Pause',
    resume: 'Resume',
    rotate: 'Rotate secret',
    rotateConfirm: 'The old secret stops working at once. Rotate?',
    test: 'Send test event',
    testSent: 'Test event queued',
    remove: 'Delete',
    removeConfirm: 'No more events will be sent and queued deliveries are given up. Delete?',
    secretTitle: 'Signing secret',
    secretOnce:
      'The secret is shown only this once: store it with the receiver now (you can rotate it later)',
    status: 'Status',
    statuses: {
      pending: 'Pending',
      retrying: 'Retrying',
      sent: 'Delivered',
      dead: 'Given up',
      skipped: 'Skipped',
    },
    event: 'Event',
    subscription: 'Subscription',
    statusCode: 'Response',
    attempts: 'Attempts',
    lastError: 'Last error',
    createdAt: 'Time',
    replay: 'Replay',
    replayed: 'Queued to send again',
    allStatuses: 'All statuses',
  },
};
