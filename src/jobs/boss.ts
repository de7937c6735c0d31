import PgBoss from 'pg-boss';

/** pg-boss on the application's own database: durable jobs and schedules, no other server. */
export async function startBoss(url: string, log: (m: string) => void): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: url, max: 4, schema: 'pgboss' });
  boss.on('error', (e) => log(`jobs: ${e.message}`));
  await boss.start();
  return boss;
}
