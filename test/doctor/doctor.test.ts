import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/index.js';
import { ConfigError } from '../../src/config/index.js';
import { testConfig } from '../../src/config/testing.js';
import { formatDoctorReport, runDoctor, type DoctorReport } from '../../src/doctor/index.js';
import { closeAll, closedUrl, startServer } from './servers.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'efm-doctor-')); });
afterEach(async () => {
  await closeAll();
  await rm(dir, { recursive: true, force: true });
});

const byName = (report: DoctorReport, name: string) => report.checks.find((c) => c.name === name);
const limits = { failBelowBytes: 0, warnBelowBytes: 0 };

describe(runDoctor.name, () => {
  it('passes a deployment whose endpoints answer, with one line per check and a summary', async () => {
    const registry = await startServer((_, res) => res.end());
    const config = testConfig({ 'efm.data-dir': dir, 'efm.service-registry.url': registry, 'efm.maskinporten.enabled': false });

    const report = await runDoctor({ loadConfig: async () => ({ config, warnings: [] }), clock: systemClock, disk: limits });

    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['config', 'ok'], ['keystore', 'warn'], ['clock', 'ok'], ['reach service registry', 'ok'], ['reach service registry keys', 'ok'], ['disk', 'ok'], ['database', 'ok'],
    ]);
    expect(report.ok).toBe(true);
    const lines = formatDoctorReport(report).split('\n');
    expect(lines).toHaveLength(report.checks.length + 1);
    expect(lines[1]).toMatch(/^WARN {2}keystore +none configured.* — fix: .*efm\.org\.keystore\.path/);
    expect(lines.at(-1)).toBe('healthy: 6 ok, 1 warning(s), 0 failed, 0 skipped');
    expect(JSON.parse(formatDoctorReport(report, { json: true }))).toEqual(report);
  });

  it('fails on an invalid configuration, lists its problems, and skips the checks that need one', async () => {
    const loadConfig = async () => {
      throw new ConfigError([{ key: 'difi.move.org.number', source: 'local.properties', message: 'must be exactly 9 digits', field: 'difi.move.org.number', code: 'EFM_CONFIG_INVALID_VALUE' }]);
    };

    const report = await runDoctor({ loadConfig, clock: systemClock });

    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'config', status: 'fail', ok: false, detail: '1 problem(s): difi.move.org.number (local.properties): must be exactly 9 digits' });
    expect(report.checks.slice(1).map((c) => c.status)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip']);
    expect(formatDoctorReport(report).split('\n').at(-1)).toMatch(/^problems found: 0 ok, 0 warning\(s\), 1 failed, 5 skipped$/);
  });

  it('warns about settings the loader only warned about', async () => {
    const config = testConfig({ 'efm.data-dir': dir, 'efm.service-registry.url': await closedUrl() });
    const report = await runDoctor({ loadConfig: async () => ({ config, warnings: ['difi.move.feature.foo (x.properties): reference setting not supported (yet); ignored'] }), clock: systemClock, disk: limits });
    expect(byName(report, 'config')).toMatchObject({ status: 'warn', ok: true, detail: expect.stringContaining('difi.move.feature.foo') as unknown });
  });

  it('fails for an unreachable endpoint, names the setting in the fix, and cannot measure the clock', async () => {
    const url = await closedUrl();
    const config = testConfig({ 'efm.data-dir': dir, 'efm.service-registry.url': url, 'efm.service-registry.sign.enabled': false, 'efm.maskinporten.enabled': false });

    const report = await runDoctor({ loadConfig: async () => ({ config, warnings: [] }), clock: systemClock, disk: limits });

    expect(report.ok).toBe(false);
    expect(byName(report, 'reach service registry')).toMatchObject({ status: 'fail', detail: expect.stringContaining('ECONNREFUSED') as unknown, fix: expect.stringContaining('efm.service-registry.url') as unknown });
    expect(byName(report, 'clock')).toMatchObject({ status: 'skip', ok: true });
  });

  it('checks the endpoints the caller adds, over TCP too', async () => {
    const open = new URL(await startServer((_, res) => res.end()));
    const closed = new URL(await closedUrl());
    const config = testConfig({ 'efm.data-dir': dir, 'efm.service-registry.url': open.href, 'efm.maskinporten.enabled': false });

    const report = await runDoctor({
      loadConfig: async () => ({ config, warnings: [] }), clock: systemClock, disk: limits,
      endpoints: () => [
        { name: 'collector', url: `tcp://${open.host}`, setting: 'efm.tracking.destination' },
        { name: 'broker', url: `tcp://${closed.host}`, setting: 'efm.dpo.brokerservice-url' },
      ],
    });

    expect(byName(report, 'reach collector')).toMatchObject({ status: 'ok' });
    expect(byName(report, 'reach broker')).toMatchObject({ status: 'fail', fix: expect.stringContaining('efm.dpo.brokerservice-url') as unknown });
  });
});
