import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CentralConfigSetupError, createCentralConfig, loadCentralLayer } from '../../src/central-config/index.js';
import { createFixture, newHubKey, publicJwkOf, type Fixture } from './fixture.js';

let f: Fixture;
beforeEach(async () => { f = await createFixture(); });
afterEach(async () => { await f.cleanup(); });

async function persist(jws: string): Promise<void> {
  const dir = join(f.dir, 'data', 'central-config');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'accepted.jws'), jws);
}

describe(loadCentralLayer.name, () => {
  it('returns the local config untouched when central configuration is off', async () => {
    const local = f.local({ 'efm.central-config.enabled': false, 'efm.central-config.url': undefined });
    const layered = await loadCentralLayer(local);
    expect(layered.config).toBe(local.config);
    expect(layered.central).toBeUndefined();
  });

  it('starts from the local config when no document was accepted yet', async () => {
    const local = f.local();
    const layered = await loadCentralLayer(local);
    expect(layered.config).toBe(local.config);
    expect(layered.central?.accepted).toBeUndefined();
  });

  it('merges the persisted document over every local source', async () => {
    await persist(await f.sign({ settings: { 'efm.log.level': 'debug', 'efm.webhooks.max-attempts': 2 } }));
    const layered = await loadCentralLayer(f.local({ 'efm.log.level': 'warn' }));
    expect(layered.config.log.level).toBe('debug');
    expect(layered.config.webhooks.maxAttempts).toBe(2);
    expect(layered.central?.accepted?.serial).toBe(1);
  });

  it('keeps an accepted document in force after it expires, so a hub that is down does not roll settings back', async () => {
    const now = Math.floor(f.clock.now().getTime() / 1000);
    await persist(await f.sign({ iat: now - 86_400, exp: now - 3600, settings: { 'efm.log.level': 'debug' } }));
    expect((await loadCentralLayer(f.local())).config.log.level).toBe('debug');
  });

  it('leaves out a persisted document that was altered on disk, and says so in warnings and health', async () => {
    const [header, , signature] = (await f.sign({ settings: { 'efm.log.level': 'debug' } })).split('.');
    const altered = Buffer.from(JSON.stringify({ serial: 9, iat: 1, exp: 9_999_999_999, settings: { 'efm.log.level': 'trace' } })).toString('base64url');
    await persist(`${header}.${altered}.${signature}`);
    const local = f.local();

    const layered = await loadCentralLayer(local);

    expect(layered.config).toBe(local.config);
    expect(layered.warnings).toEqual([expect.stringMatching(/left out.*signature/)]);
    if (!layered.central) throw new Error('central config is off');
    const central = createCentralConfig({ start: layered.central, source: async () => '', clock: f.clock, log: f.log });
    expect(central.health()).toMatchObject({ status: 'DEGRADED', details: { problem: expect.stringMatching(/left out/) as unknown } });
  });

  it('drops keys the operator has since removed from the allow-list or pinned, and applies the rest', async () => {
    await persist(await f.sign({ settings: { 'efm.log.level': 'debug', 'efm.webhooks.max-attempts': 2, 'efm.validation.strict': true } }));
    const layered = await loadCentralLayer(f.local({ 'efm.central-config.allow': ['efm.log.level', 'efm.validation.*'], 'efm.central-config.pinned': ['efm.validation.strict'] }));
    expect(layered.config.log.level).toBe('debug');
    expect(layered.config.webhooks.maxAttempts).toBe(8);
    expect(layered.config.validation.strict).toBe(false);
    expect(layered.warnings).toEqual([
      expect.stringMatching(/^efm\.webhooks\.max-attempts \(central config #1\)/),
      expect.stringMatching(/^efm\.validation\.strict \(central config #1\)/),
    ]);
  });

  it('verifies with either key of a two-key set during a rollover', async () => {
    const next = await newHubKey();
    await writeFile(f.keysFile, JSON.stringify({ keys: [await publicJwkOf(f.hub), await publicJwkOf(next)] }));
    await persist(await f.sign({ settings: { 'efm.log.level': 'debug' } }, next));
    expect((await loadCentralLayer(f.local())).config.log.level).toBe('debug');
  });

  it.each([
    ['no URL', { 'efm.central-config.url': undefined }, /url is not set/],
    ['no pinned key', { 'efm.central-config.trusted-keys': undefined }, /trusted-keys .* is not set/],
    ['an allow-list typo', { 'efm.central-config.allow': ['efm.log.levle'] }, /efm\.log\.levle is not a setting/],
    ['a wildcard matching nothing', { 'efm.central-config.pinned': ['efm.nothing.*'] }, /matches no setting/],
    ['an allow-list naming its own trust settings', { 'efm.central-config.allow': ['efm.central-config.url'] }, /its own trust settings/],
  ])('refuses to start with %s', async (_, overrides, message) => {
    await expect(loadCentralLayer(f.local(overrides))).rejects.toThrow(message);
    await expect(loadCentralLayer(f.local(overrides))).rejects.toBeInstanceOf(CentralConfigSetupError);
  });

  it('refuses a pinned key file that holds a private key, or none at all', async () => {
    await writeFile(f.keysFile, JSON.stringify(await import('jose').then((j) => j.exportJWK(f.hub.privateKey))));
    await expect(loadCentralLayer(f.local())).rejects.toThrow(/private or symmetric key/);
    await writeFile(f.keysFile, 'not json');
    await expect(loadCentralLayer(f.local())).rejects.toThrow(/cannot read a JWK/);
  });
});
