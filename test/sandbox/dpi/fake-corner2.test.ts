import busboy from 'busboy';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody, type MultipartPart } from '../../../src/http/multipart-body.js';
import { letter, PRINTER, sendContext, startDpiWorld, type DpiWorld } from '../../transports/dpi/support.js';

// The fake corner 2 takes only what the real one would: it refuses a request without a known bearer
// token, with parts of the wrong type, a JWS that does not verify, a fingerprint that does not match the
// dokumentpakke, or a letter it already has. A genuine request is captured from the DPI transport and
// replayed with one thing changed at a time.

interface Captured {
  token: string;
  jws: string;
  cms: Buffer;
}

let world: DpiWorld;
let capture: Server;
let dir: string;
let original: Captured;

beforeAll(async () => {
  world = await startDpiWorld();
  dir = await mkdtemp(join(tmpdir(), 'efm-fake-corner2-'));
  let captured: Captured | undefined;
  capture = createServer((req, res) => {
    const parts = new Map<string, Buffer>();
    const parser = busboy({ headers: req.headers });
    parser.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => parts.set(name, Buffer.concat(chunks)));
    });
    parser.on('close', () => {
      captured = {
        token: String(req.headers.authorization).replace('Bearer ', ''),
        jws: parts.get('forretningsmelding')?.toString('utf8') ?? '',
        cms: parts.get('dokumentpakke') ?? Buffer.alloc(0),
      };
      res.writeHead(200).end();
    });
    req.pipe(parser);
  });
  await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
  const transport = await world.transport({ config: { 'efm.dpi.uri': `http://127.0.0.1:${(capture.address() as AddressInfo).port}/dpi` } });
  await transport.send(letter(world), sendContext());
  if (captured === undefined) throw new Error('nothing captured');
  original = captured;
});

afterAll(async () => {
  await new Promise<void>((resolve) => capture.close(() => resolve()));
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

interface Replay {
  token?: string | null;
  jws?: string;
  cms?: Buffer;
  jwsType?: string;
  kanal?: string;
}

async function replay(change: Replay = {}): Promise<{ status: number; error: string }> {
  const cmsPath = join(dir, 'replay.cms');
  const cms = change.cms ?? original.cms;
  await writeFile(cmsPath, cms);
  const parts: MultipartPart[] = [
    { name: 'forretningsmelding', filename: 'sbd.jwt', contentType: change.jwsType ?? 'application/jwt', content: Buffer.from(change.jws ?? original.jws) },
    { name: 'dokumentpakke', filename: 'asic.cms', contentType: 'application/cms', content: { path: cmsPath, size: cms.length } },
  ];
  const body = multipartBody(parts);
  const token = change.token === undefined ? original.token : change.token;
  const response = await request(`${world.corner2.url}/messages/out?kanal=${change.kanal ?? 'KANAL'}`, {
    method: 'POST',
    headers: { 'content-type': body.contentType, 'content-length': String(body.length), ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: body.stream(),
  });
  const answer = await response.body.json() as { error?: string };
  return { status: response.statusCode, error: answer.error ?? '' };
}

describe('fake DPI corner 2', () => {
  it('refuses a request without a bearer token, or with one Maskinporten did not issue', async () => {
    expect((await replay({ token: null })).status).toBe(401);
    expect((await replay({ token: 'forged' })).status).toBe(401);
  });

  it('refuses a forretningsmelding of another type, or whose signature does not verify', async () => {
    expect(await replay({ jwsType: 'text/plain' })).toMatchObject({ status: 400, error: expect.stringContaining('application/jwt') as string });
    const [header, payload, signature] = original.jws.split('.');
    const flipped = `${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1) ?? ''}`;
    expect(await replay({ jws: [header, payload, flipped].join('.') })).toMatchObject({ status: 400, error: expect.stringContaining('does not verify') as string });
  });

  it('refuses a dokumentpakke that does not match the fingerprint in the business message', async () => {
    const changed = Buffer.from(original.cms);
    changed[changed.length - 40] = (changed[changed.length - 40] ?? 0) ^ 0xff;
    expect(await replay({ cms: changed })).toMatchObject({ status: 400, error: expect.stringContaining('dokumentpakkefingeravtrykk') as string });
  });

  it('takes the genuine request once and refuses it a second time', async () => {
    expect((await replay()).status).toBe(200);
    expect(world.corner2.letters.at(-1)?.documents).toEqual(['manifest.xml', 'arkivmelding.xml', 'test.txt']);
    expect((await replay()).status).toBe(409);
  });

  it('names the print provider and its certificate in the KRR print lookup', async () => {
    const response = await request(world.corner2.printLookupUrl);
    const answer = await response.body.json() as { postkasseleverandoerAdresse: string; x509Sertifikat: string };
    expect(answer.postkasseleverandoerAdresse).toBe(PRINTER);
    expect(answer.x509Sertifikat).toBe(world.keys.get(PRINTER)?.certificate.toString());
  });

  it('fails requests on demand', async () => {
    world.corner2.failures.failNext(1, { status: 502 });
    expect((await request(world.corner2.printLookupUrl)).statusCode).toBe(502);
    expect((await request(world.corner2.printLookupUrl)).statusCode).toBe(200);
  });
});
