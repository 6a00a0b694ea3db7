import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCentralConfig, loadCentralLayer, type CentralConfig, type SettingValue } from '../../src/central-config/index.js';
import type { Config } from '../../src/config/index.js';
import { createFixture, newHubKey, ORG, type Fixture } from './fixture.js';

interface Running {
  central: CentralConfig;
  serve(text: string): void;
  changes: { config: Config; keys: readonly string[] }[];
}

let f: Fixture;
beforeEach(async () => { f = await createFixture(); });
afterEach(async () => { await f.cleanup(); });

async function start(overrides: Readonly<Record<string, SettingValue | undefined>> = {}): Promise<Running> {
  const layered = await loadCentralLayer(f.local(overrides));
  if (!layered.central) throw new Error('central config is off');
  let served = '';
  const changes: Running['changes'] = [];
  const central = createCentralConfig({
    start: layered.central, clock: f.clock, log: f.log,
    source: async () => served,
    onChange: (config, keys) => { changes.push({ config, keys }); },
  });
  return { central, serve: (text) => { served = text; }, changes };
}

const acceptedFile = () => join(f.dir, 'data', 'central-config', 'accepted.jws');
const exists = (path: string) => access(path).then(() => true, () => false);

async function expectNothingChanged(r: Running, before: Config): Promise<void> {
  expect(r.central.current()).toBe(before);
  expect(r.changes).toEqual([]);
  expect(await exists(acceptedFile())).toBe(false);
  expect((await f.auditLines()).filter((l) => l.event === 'change')).toEqual([]);
}

describe(createCentralConfig.name, () => {
  it('applies a hot key at once: onChange gets the new config, and the change is audited as applying now', async () => {
    const r = await start();
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug' } }));

    const outcome = await r.central.refresh();

    expect(outcome).toMatchObject({ result: 'applied', serial: 1, appliedNow: ['efm.log.level'], pendingRestart: [] });
    expect(r.central.current().log.level).toBe('debug');
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]?.keys).toEqual(['efm.log.level']);
    expect(r.changes[0]?.config.log.level).toBe('debug');
    expect(Object.isFrozen(r.changes[0]?.config.log)).toBe(true);
    const change = (await f.auditLines()).find((l) => l.event === 'change');
    expect(change).toMatchObject({ key: 'efm.log.level', old: 'info', new: 'debug', applies: 'now', document: { serial: 1 }, at: '2026-05-04T10:00:00.000Z' });
    expect(r.central.health().status).toBe('UP');
  });

  it('keeps a cold key for the next start: nothing changes now, the persisted document sets it at the next load', async () => {
    const overrides = { 'efm.central-config.allow': ['efm.log.level', 'efm.service-registry.cache-ttl'] };
    const r = await start(overrides);
    const before = r.central.current();
    r.serve(await f.sign({ settings: { 'efm.service-registry.cache-ttl': '10m' } }));

    const outcome = await r.central.refresh();

    expect(outcome).toMatchObject({ result: 'applied', appliedNow: [], pendingRestart: ['efm.service-registry.cache-ttl'] });
    expect(r.central.current()).toBe(before);
    expect(r.changes).toEqual([]);
    expect(r.central.health().details.pendingRestart).toEqual(['efm.service-registry.cache-ttl']);
    expect((await f.auditLines()).find((l) => l.event === 'change')).toMatchObject({ key: 'efm.service-registry.cache-ttl', old: 300_000, new: 600_000, applies: 'restart' });

    const next = await loadCentralLayer(f.local(overrides));
    expect(next.config.serviceRegistry.cacheTtl).toBe(600_000);
    expect(next.warnings).toEqual([]);
  });

  it('applies the hot keys of a document that also sets cold ones, and leaves the cold ones for the restart', async () => {
    const r = await start({ 'efm.central-config.allow': ['efm.log.level', 'efm.service-registry.cache-ttl'] });
    r.serve(await f.sign({ settings: { 'efm.log.level': 'warn', 'efm.service-registry.cache-ttl': '1m' } }));

    expect(await r.central.refresh()).toMatchObject({ result: 'applied', appliedNow: ['efm.log.level'], pendingRestart: ['efm.service-registry.cache-ttl'] });
    expect(r.central.current().log.level).toBe('warn');
    expect(r.central.current().serviceRegistry.cacheTtl).toBe(300_000);
  });

  it('applies nothing before the restart when a hot value reaches a cold key through a local placeholder', async () => {
    const r = await start({ 'efm.dpo.message-channel': '${efm.log.level}' });
    const before = r.central.current();
    expect(before.dpo.messageChannel).toBe('info');
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug' } }));

    expect(await r.central.refresh()).toMatchObject({ result: 'applied', appliedNow: [], pendingRestart: ['efm.log.level', 'efm.dpo.message-channel'] });
    expect(r.central.current()).toBe(before);
    expect(r.changes).toEqual([]);
  });

  it('rejects a document signed with a key that is not pinned, logs it, shows it in health, and changes nothing', async () => {
    const r = await start();
    const before = r.central.current();
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug' } }, await newHubKey()));

    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'forged' });
    await expectNothingChanged(r, before);
    const health = r.central.health();
    expect(health.status).toBe('DEGRADED');
    expect(health.details.lastRejection).toMatchObject({ reason: 'forged' });
    expect(f.logLines.find((l) => l.msg === 'central config document rejected')).toMatchObject({ level: 40, reason: 'forged' });
    expect(await f.auditLines()).toMatchObject([{ event: 'rejected', reason: 'forged' }]);
  });

  it('rejects a document whose payload was altered after signing', async () => {
    const r = await start();
    const before = r.central.current();
    const [header, , signature] = (await f.sign({ settings: { 'efm.log.level': 'debug' } })).split('.');
    const altered = Buffer.from(JSON.stringify({ serial: 1, iat: 1, exp: 9_999_999_999, settings: { 'efm.log.level': 'trace' } })).toString('base64url');
    r.serve(`${header}.${altered}.${signature}`);

    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'forged' });
    await expectNothingChanged(r, before);
  });

  it('rejects an expired document and changes nothing', async () => {
    const r = await start();
    const before = r.central.current();
    const now = Math.floor(f.clock.now().getTime() / 1000);
    r.serve(await f.sign({ iat: now - 7200, exp: now - 3600, settings: { 'efm.log.level': 'debug' } }));

    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'expired', serial: 1 });
    await expectNothingChanged(r, before);
    expect(r.central.health()).toMatchObject({ status: 'DEGRADED', details: { lastRejection: { reason: 'expired' } } });
  });

  it('rejects a document issued in the future beyond the clock tolerance', async () => {
    const r = await start();
    const now = Math.floor(f.clock.now().getTime() / 1000);
    r.serve(await f.sign({ iat: now + 600, exp: now + 7200, settings: { 'efm.log.level': 'debug' } }));

    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'not-yet-valid' });
    expect(r.central.current().log.level).toBe('info');
  });

  it('refuses a replayed older document and one that reuses the accepted serial, keeping the accepted one', async () => {
    const r = await start();
    const older = await f.sign({ serial: 4, settings: { 'efm.log.level': 'warn' } });
    r.serve(await f.sign({ serial: 5, settings: { 'efm.log.level': 'debug' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'applied', serial: 5 });
    const accepted = await readFile(acceptedFile(), 'utf8');

    r.serve(older);
    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'replayed', serial: 4 });
    r.serve(await f.sign({ serial: 5, settings: { 'efm.log.level': 'error' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'replayed', serial: 5 });

    expect(r.central.current().log.level).toBe('debug');
    expect(await readFile(acceptedFile(), 'utf8')).toBe(accepted);
    expect(r.changes).toHaveLength(1);
  });

  it('still refuses an older document after a restart, from the persisted one', async () => {
    const first = await start();
    first.serve(await f.sign({ serial: 7, settings: { 'efm.log.level': 'debug' } }));
    await first.central.refresh();

    const second = await start();
    expect(second.central.current().log.level).toBe('debug');
    second.serve(await f.sign({ serial: 6, settings: { 'efm.log.level': 'warn' } }));
    expect(await second.central.refresh()).toMatchObject({ result: 'rejected', reason: 'replayed' });
  });

  it('rejects a whole document that sets one key outside the allow-list', async () => {
    const r = await start();
    const before = r.central.current();
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug', 'efm.org.number': '987654321' } }));

    const outcome = await r.central.refresh();

    expect(outcome).toMatchObject({ result: 'rejected', reason: 'disallowed-key' });
    expect(outcome.result === 'rejected' && outcome.message).toMatch(/efm\.org\.number/);
    await expectNothingChanged(r, before);
    expect(r.central.health()).toMatchObject({ status: 'DEGRADED', details: { lastRejection: { reason: 'disallowed-key' } } });
  });

  it('never lets a document set its own trust settings or a secret through a wildcard', async () => {
    const r = await start({ 'efm.central-config.allow': ['efm.log.level', 'efm.manage.*'] });
    r.serve(await f.sign({ settings: { 'efm.central-config.url': 'http://evil.example/config' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'disallowed-key' });
    r.serve(await f.sign({ settings: { 'efm.manage.password': 'pushed' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'disallowed-key' });
    r.serve(await f.sign({ settings: { 'efm.manage.username': 'ops' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'applied' });
  });

  it('rejects a value the validator refuses, with its problems, and changes nothing', async () => {
    const r = await start();
    const before = r.central.current();
    r.serve(await f.sign({ settings: { 'efm.log.level': 'loud' } }));

    const outcome = await r.central.refresh();

    expect(outcome).toMatchObject({ result: 'rejected', reason: 'invalid' });
    expect(outcome.result === 'rejected' && outcome.message).toMatch(/efm\.log\.level.*must be one of/s);
    await expectNothingChanged(r, before);
  });

  it('rejects a value holding a placeholder, so a document cannot copy a local secret', async () => {
    const r = await start({ 'efm.central-config.allow': ['efm.service-registry.url'] });
    r.serve(await f.sign({ settings: { 'efm.service-registry.url': 'https://evil.example/${efm.maskinporten.keystore.password}' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'invalid' });
  });

  it('rejects a document addressed to another organisation', async () => {
    const r = await start();
    r.serve(await f.sign({ aud: ['987654321'], settings: { 'efm.log.level': 'debug' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'wrong-audience' });
    r.serve(await f.sign({ aud: ORG, settings: { 'efm.log.level': 'debug' } }));
    expect(await r.central.refresh()).toMatchObject({ result: 'applied' });
  });

  it('rejects text that is not a configuration document', async () => {
    const r = await start();
    r.serve('<html>maintenance</html>');
    expect(await r.central.refresh()).toMatchObject({ result: 'rejected', reason: 'malformed' });
  });

  it('lets a locally pinned key keep its local value', async () => {
    const r = await start({ 'efm.log.level': 'warn', 'efm.central-config.pinned': ['efm.log.level'] });
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug', 'efm.webhooks.max-attempts': 3 } }));

    const outcome = await r.central.refresh();

    expect(outcome).toMatchObject({ result: 'applied', changed: ['efm.webhooks.max-attempts'] });
    expect(r.central.current().log.level).toBe('warn');
    expect(r.central.current().webhooks.maxAttempts).toBe(3);
    expect((await loadCentralLayer(f.local({ 'efm.log.level': 'warn', 'efm.central-config.pinned': ['efm.log.level'] }))).config.log.level).toBe('warn');
  });

  it('overrides an unpinned local value', async () => {
    const r = await start({ 'efm.log.level': 'warn' });
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug' } }));
    await r.central.refresh();
    expect(r.central.current().log.level).toBe('debug');
  });

  it('writes audit lines with secrets masked', async () => {
    const r = await start({ 'efm.central-config.allow': ['efm.manage.password'], 'efm.manage.password': 'old-local-secret' });
    r.serve(await f.sign({ settings: { 'efm.manage.password': 'new-pushed-secret' } }));

    expect(await r.central.refresh()).toMatchObject({ result: 'applied', pendingRestart: ['efm.manage.password'] });

    const lines = await f.auditLines();
    expect(lines.find((l) => l.event === 'change')).toMatchObject({ key: 'efm.manage.password', old: '(hidden)', new: '(hidden)', applies: 'restart' });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('old-local-secret');
    expect(text).not.toContain('new-pushed-secret');
    expect(JSON.stringify(f.logLines)).not.toContain('new-pushed-secret');
  });

  it('records which document each change came from: serial, SHA-256 of the JWS, issue and expiry', async () => {
    const r = await start();
    const jws = await f.sign({ iss: 'https://hub.example', settings: { 'efm.webhooks.max-attempts': 2, 'efm.validation.strict': true } });
    r.serve(jws);
    const outcome = await r.central.refresh();
    if (outcome.result !== 'applied') throw new Error(`not applied: ${outcome.result}`);

    const lines = await f.auditLines();
    expect(lines.map((l) => l.event)).toEqual(['accepted', 'change', 'change']);
    expect(lines[0]).toMatchObject({ document: { serial: 1, sha256: outcome.sha256, iss: 'https://hub.example', issuedAt: '2026-05-04T10:00:00.000Z', expiresAt: '2026-05-04T11:00:00.000Z' }, changes: 2 });
    expect(lines.slice(1).map((l) => [l.key, l.old, l.new])).toEqual([['efm.validation.strict', false, true], ['efm.webhooks.max-attempts', 8, 2]]);
    expect(outcome.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('treats the same document fetched again as unchanged, with no new audit lines', async () => {
    const r = await start();
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug' } }));
    await r.central.refresh();
    const lines = (await f.auditLines()).length;

    expect(await r.central.refresh()).toEqual({ result: 'unchanged', serial: 1 });
    expect((await f.auditLines()).length).toBe(lines);
    expect(r.changes).toHaveLength(1);
  });

  it('reverts a key a newer document no longer sets', async () => {
    const r = await start();
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug' } }));
    await r.central.refresh();
    r.serve(await f.sign({ settings: {} }));
    expect(await r.central.refresh()).toMatchObject({ result: 'applied', appliedNow: ['efm.log.level'] });
    expect(r.central.current().log.level).toBe('info');
  });

  it('reports an unreachable hub as degraded and returns to UP with the next good document', async () => {
    const layered = await loadCentralLayer(f.local());
    if (!layered.central) throw new Error('central config is off');
    let fail = true;
    const good = await f.sign({ settings: { 'efm.log.level': 'debug' } });
    const central = createCentralConfig({
      start: layered.central, clock: f.clock, log: f.log,
      source: async () => { if (fail) throw new Error('connect ECONNREFUSED'); return good; },
    });

    expect(await central.refresh()).toMatchObject({ result: 'unavailable', message: 'connect ECONNREFUSED' });
    expect(central.health()).toMatchObject({ status: 'DEGRADED', details: { unavailable: 'connect ECONNREFUSED', lastCheck: { result: 'unavailable' } } });
    fail = false;
    await central.job.run(new AbortController().signal);
    expect(central.health()).toMatchObject({ status: 'UP', details: { document: { serial: 1 }, lastCheck: { result: 'applied' } } });
  });

  it('writes one audit line for a bad document served again and again', async () => {
    const r = await start();
    r.serve(await f.sign({ settings: { 'efm.org.number': '987654321' } }));
    await r.central.refresh();
    await r.central.refresh();
    expect((await f.auditLines()).filter((l) => l.event === 'rejected')).toHaveLength(1);
  });

  it('handles overlapping refreshes one after the other', async () => {
    const r = await start();
    r.serve(await f.sign({ settings: { 'efm.log.level': 'debug' } }));
    const outcomes = await Promise.all([r.central.refresh(), r.central.refresh()]);
    expect(outcomes.map((o) => o.result)).toEqual(['applied', 'unchanged']);
  });

  it('survives an onChange that throws: the document stays accepted and the failure is logged', async () => {
    const layered = await loadCentralLayer(f.local());
    if (!layered.central) throw new Error('central config is off');
    const jws = await f.sign({ settings: { 'efm.log.level': 'debug' } });
    const central = createCentralConfig({
      start: layered.central, clock: f.clock, log: f.log, source: async () => jws,
      onChange: () => { throw new Error('logger gone'); },
    });
    expect(await central.refresh()).toMatchObject({ result: 'applied' });
    expect(f.logLines.find((l) => l.msg === 'applying centrally changed settings failed')).toMatchObject({ level: 50 });
  });
});
