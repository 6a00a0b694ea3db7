import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTrustedKeys, verifyCentralDocument } from '../../../src/central-config/index.js';
import { fixedClock } from '../../../src/clock/index.js';
import { startConfigHub, type ConfigHub } from '../../../src/sandbox/config-hub/index.js';

const clock = fixedClock('2026-05-04T10:00:00Z');
let hub: ConfigHub | undefined;
let dir: string | undefined;
afterEach(async () => {
  await hub?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  hub = undefined;
  dir = undefined;
});

describe(startConfigHub.name, () => {
  it('serves documents signed with the key the test gives it, which verify against the written trusted keys', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    hub = await startConfigHub({ clock, signing: { privateKey, alg: 'PS256' } });
    dir = await mkdtemp(join(tmpdir(), 'efm-hub-'));
    await hub.writeTrustedKeys(join(dir, 'keys.json'));
    const { serial } = await hub.publish({ 'efm.log.level': 'warn' });

    const res = await fetch(hub.documentUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/jwt');
    const document = await verifyCentralDocument(await res.text(), {
      keys: await readTrustedKeys(join(dir, 'keys.json')), orgNumber: '910077473', now: clock.now(), toleranceMs: 0,
    });
    expect(document).toMatchObject({ serial, settings: { 'efm.log.level': 'warn' }, iss: hub.url });
  });

  it('numbers documents upwards and serves an organisation its own document before the common one', async () => {
    hub = await startConfigHub({ clock });
    expect((await hub.publish({})).serial).toBe(1);
    expect((await hub.publish({ 'efm.log.level': 'debug' }, { orgnr: '910077473' })).serial).toBe(2);
    hub.serve('not-a-document', '987654321');

    expect(await (await fetch(hub.documentUrl('910077473'))).text()).toMatch(/^eyJ/);
    expect(await (await fetch(hub.documentUrl('987654321'))).text()).toBe('not-a-document');
    expect(await (await fetch(hub.documentUrl('111111111'))).text()).toBe(await (await fetch(hub.documentUrl())).text());
    expect((await fetch(`${hub.url}/other`)).status).toBe(404);
  });

  it('answers 404 before anything is published, and the failure status while failing', async () => {
    hub = await startConfigHub({ clock });
    expect((await fetch(hub.documentUrl())).status).toBe(404);
    await hub.publish({});
    hub.setFailure(500);
    expect((await fetch(hub.documentUrl())).status).toBe(500);
    hub.setFailure(undefined);
    expect((await fetch(hub.documentUrl())).status).toBe(200);
  });
});
