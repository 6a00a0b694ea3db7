import { afterEach, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../src/clock/index.js';
import { clockCheck } from '../../src/doctor/clock-check.js';
import { endpointCheck } from '../../src/doctor/endpoint-check.js';
import { probe } from '../../src/doctor/probe.js';
import { closeAll, startServer } from './servers.js';

afterEach(async () => { await closeAll(); });

const HOUR = 3_600_000;
const offsetClock = (ms: number): Clock => ({ now: () => new Date(Date.now() + ms) });
const endpoint = (url: string) => ({ name: 'service registry', url, setting: 'efm.service-registry.url' });

describe(clockCheck.name, () => {
  it('passes a clock that agrees with the endpoint\'s Date header', async () => {
    const url = await startServer((_, res) => res.end());
    const result = await probe(new URL(url), 2000, systemClock);
    expect(clockCheck([{ url, result }], 5000)).toMatchObject({ name: 'clock', status: 'ok', detail: expect.stringMatching(/[+-]\d+\.\d s against 127\.0\.0\.1/) as unknown });
  });

  it('fails a clock an hour behind the endpoint, and says by how much', async () => {
    const url = await startServer((_, res) => res.end());
    const result = await probe(new URL(url), 2000, offsetClock(-HOUR));
    expect(clockCheck([{ url, result }], 5000)).toMatchObject({ status: 'fail', ok: false, detail: expect.stringMatching(/-(3599|3600)\.\d s/) as unknown, fix: expect.stringContaining('NTP') as unknown });
  });

  it('fails a clock ahead of an endpoint whose Date header is behind', async () => {
    const url = await startServer((_, res) => { res.setHeader('Date', new Date(Date.now() - 60_000).toUTCString()); res.end(); });
    const result = await probe(new URL(url), 2000, systemClock);
    expect(clockCheck([{ url, result }], 5000)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/\+(59|60)\.\d s/) as unknown });
  });

  it('uses the first endpoint that sent a usable Date header', async () => {
    const noDate = await startServer((_, res) => { res.sendDate = false; res.end(); });
    const dated = await startServer((_, res) => res.end());
    const sources = await Promise.all([noDate, dated].map(async (url) => ({ url, result: await probe(new URL(url), 2000, systemClock) })));
    expect(clockCheck(sources, 5000)).toMatchObject({ status: 'ok', detail: expect.stringContaining(new URL(dated).host) as unknown });
    expect(clockCheck(sources.slice(0, 1), 5000)).toMatchObject({ status: 'skip' });
  });
});

describe(endpointCheck.name, () => {
  it('passes an endpoint that answers, whatever its 4xx status', async () => {
    const url = await startServer((_, res) => { res.statusCode = 405; res.end(); });
    expect(endpointCheck(endpoint(url), await probe(new URL(url), 2000, systemClock), 2000)).toMatchObject({ status: 'ok', detail: expect.stringContaining('HTTP 405') as unknown });
  });

  it('warns about an endpoint that answers with a server error', async () => {
    const url = await startServer((_, res) => { res.statusCode = 503; res.end(); });
    expect(endpointCheck(endpoint(url), await probe(new URL(url), 2000, systemClock), 2000)).toMatchObject({ status: 'warn', ok: true });
  });

  it('fails an endpoint that does not answer within the timeout and points at the firewall', async () => {
    const url = await startServer(() => undefined);
    const result = await probe(new URL(url), 200, systemClock);
    expect(endpointCheck(endpoint(url), result, 200)).toMatchObject({ status: 'fail', fix: expect.stringMatching(/no answer within 200 ms.*firewall/) as unknown });
  });

  it('fails a host name that does not resolve', async () => {
    const url = 'http://efm-doctor-test.invalid/';
    const result = await probe(new URL(url), 2000, systemClock);
    expect(endpointCheck(endpoint(url), result, 2000)).toMatchObject({ status: 'fail', fix: expect.stringMatching(/does not resolve|outbound access/) as unknown });
  });
});
