import { arkivmeldingSbd, messageIdOf } from '../../support/sbd.js';
import { AUTHORIZATION } from './sandbox-daemons.js';

// The case systems at either end of the end-to-end tests, speaking only the next-move API.
// The sender posts one avtalt message per call (POST /api/messages/out/multipart: create, upload, send)
// and, as a case system must while its integration point restarts, repeats a call that got no answer;
// a repeat answered EFM_MESSAGE_ALREADY_EXISTS knows the attempt before it went through. The receiver
// peeks, pops and deletes, and counts every message it was handed.
//
// avtalt rather than arkivmelding: an arkivmelding's XSD check starts a worker thread per message
// (xmllint-wasm), which would make these tests measure that instead of the flow they are about.
const RETRY_DELAY_MS = 200;
/** A message the daemon has not taken after this long fails the test. */
const GIVE_UP_AFTER_MS = 60_000;
const IDLE_DELAY_MS = 200;
const WEEK_MS = 7 * 24 * 3600_000;
const AVTALT_PROCESS = 'urn:no:difi:profile:avtalt:avtalt:ver1.0';
const AVTALT_STANDARD = 'urn:no:difi:avtalt:xsd::avtalt';

export interface SendingCaseSystemOptions {
  /** The daemon's base URL, e.g. http://127.0.0.1:9000; read at each call. */
  baseUrl: () => string;
  from: string;
  to: string;
  /** Attach a small PDF; without one an avtalt message is its SBD alone (api notes §5.4 allows it). */
  withFile: boolean;
}

interface Answer {
  status: number;
  text: string;
}

export class SendingCaseSystem {
  /** Message ids the daemon accepted, in order. */
  readonly accepted: string[] = [];
  /** Calls that got no answer (or a 5xx) and were made again. */
  retries = 0;

  constructor(private readonly o: SendingCaseSystemOptions) {}

  /** Sends one new message; resolves with its id once the daemon has accepted it. */
  async sendOne(): Promise<string> {
    const sbd = arkivmeldingSbd({
      type: 'avtalt', process: AVTALT_PROCESS, standard: AVTALT_STANDARD,
      business: { identifier: 'e2e-v1', content: { sequence: this.accepted.length } },
      sender: `0192:${this.o.from}`, receiver: `0192:${this.o.to}`,
      expectedResponseDateTime: new Date(Date.now() + WEEK_MS).toISOString(),
    });
    const id = messageIdOf(sbd);
    const deadline = Date.now() + GIVE_UP_AFTER_MS;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.post(sbd).catch((error: unknown): Answer => ({ status: 0, text: String(error) }));
      if (answer.status === 200) break;
      if (attempt > 0 && errorCodeOf(answer) === 'EFM_MESSAGE_ALREADY_EXISTS') break;
      if (answer.status !== 0 && answer.status < 500) throw new Error(`message ${id} refused: ${answer.status} ${answer.text}`);
      if (Date.now() > deadline) throw new Error(`message ${id} not accepted in time; last answer ${answer.status} ${answer.text}`);
      this.retries++;
      await delay(RETRY_DELAY_MS);
    }
    this.accepted.push(id);
    return id;
  }

  private async post(sbd: Record<string, unknown>): Promise<Answer> {
    const form = new FormData();
    form.append('sbd', JSON.stringify(sbd));
    if (this.o.withFile) form.append('Vedtak', new Blob([pdf(messageIdOf(sbd))], { type: 'application/pdf' }), 'vedtak.pdf');
    const response = await fetch(`${this.o.baseUrl()}/api/messages/out/multipart`, { method: 'POST', headers: { authorization: AUTHORIZATION }, body: form });
    return { status: response.status, text: await response.text() };
  }
}

function errorCodeOf(answer: Answer): string | undefined {
  try {
    const body: unknown = JSON.parse(answer.text);
    return typeof body === 'object' && body !== null && 'code' in body && typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/** A small PDF whose bytes name the message, so no two messages carry the same file. */
function pdf(seed: string): Buffer {
  return Buffer.concat([Buffer.from(`%PDF-1.7\n% ${seed}\n`), Buffer.alloc(2048, 0x20)]);
}

export class ReceivingCaseSystem {
  /** messageId → how many times the daemon handed it over. */
  readonly received = new Map<string, number>();
  private running: Promise<void> | undefined;
  private stopping = false;
  private lastError: string | undefined;

  constructor(private readonly baseUrl: () => string) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  /** Resolves once every id in `ids` was received. */
  async waitFor(ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => !this.received.has(id))) {
      if (Date.now() > deadline) {
        const missing = ids.filter((id) => !this.received.has(id));
        throw new Error(`${missing.length} of ${ids.length} messages not received in time (last error: ${this.lastError ?? 'none'})`);
      }
      await delay(IDLE_DELAY_MS);
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const took = await this.takeOne().catch((error: unknown) => {
        this.lastError = String(error);
        return false;
      });
      if (!took) await delay(IDLE_DELAY_MS);
    }
  }

  private async takeOne(): Promise<boolean> {
    const peek = await this.call('GET', '/api/messages/in/peek');
    if (peek.status === 204) return false;
    const id = messageIdOf(JSON.parse(await expectOk(peek, 'peek')) as Record<string, unknown>);
    // The ASiC-E (204 for a message without files) is read to the end, as a case system archiving it does.
    const pop = await this.call('GET', `/api/messages/in/pop/${id}`);
    if (pop.status !== 204) await expectOk(pop, 'pop');
    await expectOk(await this.call('DELETE', `/api/messages/in/${id}`), 'delete');
    this.received.set(id, (this.received.get(id) ?? 0) + 1);
    return true;
  }

  private call(method: string, path: string): Promise<Response> {
    return fetch(`${this.baseUrl()}${path}`, { method, headers: { authorization: AUTHORIZATION } });
  }
}

async function expectOk(response: Response, what: string): Promise<string> {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what}: ${response.status} ${text}`);
  return text;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
