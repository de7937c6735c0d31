import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const base = {
  REGULARS_SECRET: 'config-test-secret-config-test-secret-0001',
  REGULARS_DATA_DIR: '.tmp/config-test',
};
const load = (env: Record<string, string>) => loadConfig({ ...base, ...env });

describe('config', () => {
  it('seeds the demo merchant (published password) on its own only on loopback without a proxy', () => {
    expect(load({}).seedDemo).toBe(true);
    expect(load({ HOST: '::1' }).seedDemo).toBe(true);
    expect(load({ HOST: '0.0.0.0' }).seedDemo).toBe(false);
    expect(load({ HOST: '192.168.1.20' }).seedDemo).toBe(false);
    // behind nginx on the same box the loopback address is reachable from anywhere
    expect(load({ TRUST_PROXY: '127.0.0.1' }).seedDemo).toBe(false);
    expect(load({ HOST: '0.0.0.0', DEMO: '1' }).seedDemo).toBe(true);
    expect(load({ DEMO: '0' }).seedDemo).toBe(false);
    expect(() => load({ DEMO: 'yes' })).toThrow(/DEMO must be 0 or 1/);
  });

  it('trusts no proxy by default and only listed addresses or ranges otherwise', () => {
    expect(load({}).trustProxy).toEqual([]);
    expect(load({ TRUST_PROXY: ' 10.0.0.5, 192.168.0.0/16,loopback,::1 ' }).trustProxy).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      'loopback',
      '::1',
    ]);
    for (const bad of ['true', '*', '2', '10.0.0.0/33', 'proxy.local'])
      expect(() => load({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });

  it('reads the idle timeout of sessions', () => {
    expect(load({}).sessionIdleMinutes).toBe(60);
    expect(load({ SESSION_IDLE_MINUTES: '15' }).sessionIdleMinutes).toBe(15);
    expect(() => load({ SESSION_IDLE_MINUTES: '1' })).toThrow(/SESSION_IDLE_MINUTES/);
  });
});
