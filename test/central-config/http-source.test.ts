import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCentralConfig, httpDocumentSource, loadCentralLayer } from '../../src/central-config/index.js';
import { startConfigHub, type ConfigHub } from '../../src/sandbox/config-hub/index.js';
import { createFixture, ORG, type Fixture } from './fixture.js';

let f: Fixture;
let hub: ConfigHub;
const servers: Server[] = [];
beforeEach(async () => {
  f = await createFixture();
  hub = await startConfigHub({ clock: f.clock });
  await hub.writeTrustedKeys(f.keysFile);
});
afterEach(async () => {
  await hub.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await f.cleanup();
});

const signal = () => new AbortController().signal;

describe(httpDocumentSource.name, () => {
  it('fetches the hub document, and the daemon applies it end to end', async () => {
    await hub.publish({ 'efm.log.level': 'debug' }, { orgnr: ORG });
    const layered = await loadCentralLayer(f.local({ 'efm.central-config.url': hub.documentUrl(ORG) }));
    if (!layered.central) throw new Error('central config is off');
    const central = createCentralConfig({
      start: layered.central, clock: f.clock, log: f.log,
      source: httpDocumentSource({ url: layered.central.settings.url, timeoutMs: 5000 }),
    });

    expect(await central.refresh()).toMatchObject({ result: 'applied', appliedNow: ['efm.log.level'] });
    expect(central.current().log.level).toBe('debug');
    expect(hub.requestCount).toBe(1);
  });

  it('reports a hub that answers with an error status as unavailable', async () => {
    hub.setFailure(503);
    await expect(httpDocumentSource({ url: hub.documentUrl(), timeoutMs: 5000 })(signal())).rejects.toThrow(/HTTP 503/);
  });

  it('reports a hub that is not listening as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/config`;
    await new Promise((r) => closed.close(r));
    await expect(httpDocumentSource({ url, timeoutMs: 5000 })(signal())).rejects.toMatchObject({ code: 'EFM_CENTRAL_CONFIG_UNAVAILABLE' });
  });

  it('cuts off an answer larger than a document can be', async () => {
    const server = createServer((_, res) => { res.writeHead(200); res.end(Buffer.alloc(4096, 'a')); });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/config`;
    await expect(httpDocumentSource({ url, timeoutMs: 5000, maxBytes: 1024 })(signal())).rejects.toThrow(/larger than 1024 bytes/);
  });

  it('gives up on a hub that does not answer within the timeout', async () => {
    const server = createServer(() => undefined);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/config`;
    await expect(httpDocumentSource({ url, timeoutMs: 200 })(signal())).rejects.toMatchObject({ code: 'EFM_CENTRAL_CONFIG_UNAVAILABLE' });
    server.closeAllConnections();
  });
});
