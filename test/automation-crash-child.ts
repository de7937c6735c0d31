// One app instance's automation sweep at a given instant, for the crash test: the parent runs two
// of these against the same database and kills one with SIGKILL in the middle of its run.
// argv: database url, merchant id, ISO instant, batch size
import { runAutomationSweep } from '../src/core/automation/automation-sweep.service.ts';
import { connect } from '../src/db/connect.ts';

const [url, merchantId, now, batch] = process.argv.slice(2);
const conn = connect(url!, 2);
const outcome = await runAutomationSweep(conn.db, new Date(now!), {
  merchantId: merchantId!,
  batchSize: Number(batch),
  onError: (id, error) => console.error('automation failed', id, error),
});
console.log(JSON.stringify(outcome));
await conn.db.destroy();
