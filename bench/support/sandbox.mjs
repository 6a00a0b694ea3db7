// Processes for the benchmarks: the sandbox network (bundled from src/sandbox with esbuild, as a
// process of its own) and daemons of its demo organisations (`node dist/main.js start --config`), each
// a child whose peak memory can be read from /proc. Plus the HTTP calls a case system makes.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { stringify } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../..');
export const USER = 'bench';
export const PASSWORD = 'bench-password';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

export function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

/** Peak resident set (VmHWM) and current resident set (VmRSS) of a process, in MB. */
export function memoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, current: kb('VmRSS') / 1024 };
}

/** CPU time (user + system, all threads) a process has used so far, in seconds. */
export function cpuSeconds(pid) {
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th, in clock ticks.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

/** Starts the sandbox network in a child process; resolves with its URLs, organisations and stop(). */
export async function startNetwork(dir) {
  // Two folders below the package root, as src/sandbox/ is (the sandbox finds the shipped schemas
  // relative to its own file), and inside node_modules/, so the packages left external resolve.
  const bundle = join(ROOT, 'node_modules/.efm-bench/network-main.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench/support/network-main.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm',
    target: 'node20', external: ['sqlite3', 'xmllint-wasm'], logLevel: 'warning',
    banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
  });
  const child = spawn(process.execPath, [bundle, join(dir, 'sandbox')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  return { ...JSON.parse(line), pid: child.pid, stop: () => stop(child) };
}

/** Starts `node dist/main.js start` for one demo organisation; resolves when /manage/health answers. */
/** BENCH_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) are passed to the daemons' node. */
export async function startDaemon({ network, organisation, dir, settings = {} }) {
  const nodeFlags = process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : [];
  const port = await freePort();
  const config = join(dir, `${organisation.orgnr}.yml`);
  writeFileSync(config, stringify({
    efm: {
      server: { port },
      'data-dir': join(dir, organisation.orgnr),
      org: { number: organisation.orgnr, keystore: { path: organisation.keystorePath, password: organisation.keystorePassword } },
      api: { auth: { username: USER, password: PASSWORD } },
      'service-registry': { url: network.registryUrl, sign: { enabled: true } },
      maskinporten: { enabled: true, url: network.maskinportenUrl, audience: network.maskinportenAudience },
      dpo: { enabled: true, 'brokerservice-url': network.brokerUrl, 'altinn-token-exchange-url': network.altinnTokenExchangeUrl },
    },
  }));
  // Two malloc arenas, as the Dockerfile, the systemd unit and `efm supervise` run the daemon; set
  // MALLOC_ARENA_MAX for the bench to measure another number.
  const env = { MALLOC_ARENA_MAX: '2', ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('EFM_')) delete env[key];
  for (const [key, value] of Object.entries(settings)) env[`EFM_${key.replace(/^efm\./, '').replace(/[.-]/g, '_').toUpperCase()}`] = String(value);
  const child = spawn(process.execPath, [...nodeFlags, join(ROOT, 'dist/main.js'), 'start', '--config', config], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the daemon of ${organisation.orgnr} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/manage/health`, { headers: { authorization: AUTH } })).status === 200) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`the daemon of ${organisation.orgnr} did not become healthy`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, pid: child.pid, orgnr: organisation.orgnr, stop: () => stop(child) };
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** fetch against a daemon's API with the bench user. */
export function api(daemon, path, init = {}) {
  const options = { ...init, headers: { authorization: AUTH, ...init.headers } };
  if (init.body && typeof init.body.getReader === 'function') options.duplex = 'half';
  return fetch(`${daemon.url}${path}`, options);
}

export async function expectOk(response, what) {
  if (response.status !== 200) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  await response.body?.cancel();
}

/** An arkivmelding SBD from one demo organisation to another. */
export function arkivmeldingSbd({ messageId, from, to }) {
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${from}` } }],
      receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${to}` } }],
      documentIdentification: { standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding', typeVersion: '2.0', type: 'arkivmelding', instanceIdentifier: messageId },
      businessScope: { scope: [{ type: 'ConversationId', identifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0', instanceIdentifier: crypto.randomUUID() }] },
    },
    arkivmelding: { hoveddokument: 'vedtak.pdf' },
  };
}

/** A minimal arkivmelding.xml naming one document; the title makes each one different, as real ones are. */
export function arkivmeldingXml(document, title = 'Vedtak') {
  return `<?xml version="1.0" encoding="utf-8"?>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <system>Bench</system><meldingId>1</meldingId><tidspunkt>2024-01-01T12:00:00+01:00</tidspunkt><antallFiler>1</antallFiler>
  <mappe xsi:type="saksmappe"><systemID>sak-1</systemID><tittel>Sak</tittel>
    <registrering xsi:type="journalpost"><systemID>jp-1</systemID><tittel>${title}</tittel><offentligTittel>${title}</offentligTittel>
      <dokumentbeskrivelse><dokumenttype>Brev</dokumenttype><dokumentstatus>Dokumentet er ferdigstilt</dokumentstatus><tittel>Vedtak</tittel>
        <tilknyttetRegistreringSom>Hoveddokument</tilknyttetRegistreringSom><dokumentnummer>1</dokumentnummer>
        <dokumentobjekt><versjonsnummer>1</versjonsnummer><variantformat>Produksjonsformat</variantformat><referanseDokumentfil>${document}</referanseDokumentfil></dokumentobjekt>
      </dokumentbeskrivelse><journalpostnummer>1</journalpostnummer>
    </registrering>
  </mappe>
</arkivmelding>`;
}

/** Creates a message, uploads arkivmelding.xml and the document, and sends it. */
export async function submit(daemon, { messageId, from, to, document, documentName = 'vedtak.pdf', title = 'Vedtak' }) {
  await expectOk(await api(daemon, '/api/messages/out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(arkivmeldingSbd({ messageId, from, to })) }), 'create');
  await expectOk(await api(daemon, `/api/messages/out/${messageId}`, {
    method: 'PUT', body: arkivmeldingXml(documentName, title),
    headers: { 'content-type': 'application/xml', 'content-disposition': 'attachment; name="Arkivmelding"; filename="arkivmelding.xml"' },
  }), 'upload arkivmelding.xml');
  await expectOk(await api(daemon, `/api/messages/out/${messageId}`, {
    method: 'PUT', body: document,
    headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; name="Vedtak"; filename="${documentName}"` },
  }), `upload ${documentName}`);
  await expectOk(await api(daemon, `/api/messages/out/${messageId}`, { method: 'POST' }), 'send');
}

/**
 * The same message in one request: POST /api/messages/out/multipart (api notes §2.5), with the SBD
 * part first and the two files after it, as a case system sending small messages would.
 */
export async function submitMultipart(daemon, { messageId, from, to, document, documentName = 'vedtak.pdf', title = 'Vedtak' }) {
  const form = new FormData();
  form.append('sbd', new Blob([JSON.stringify(arkivmeldingSbd({ messageId, from, to }))], { type: 'application/json' }), 'sbd.json');
  form.append('Arkivmelding', new Blob([arkivmeldingXml(documentName, title)], { type: 'application/xml' }), 'arkivmelding.xml');
  form.append('Vedtak', new Blob([document], { type: 'application/pdf' }), documentName);
  await expectOk(await api(daemon, '/api/messages/out/multipart', { method: 'POST', body: form }), 'multipart send');
}

/** The load of the machine (1-minute average) and its core count, for the report. */
export function machine() {
  const [load1] = readFileSync('/proc/loadavg', 'utf8').split(' ');
  return { load1: Number(load1), cores: Number(readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? 0) };
}
