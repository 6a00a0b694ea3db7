import { randomUUID } from 'node:crypto';
import { arkivmeldingSbd, arkivmeldingXml } from './sbd.js';

// A case system as the end-to-end tests play it, over the daemon's HTTP API only: it submits
// arkivmeldinger with a PDF (create, upload, send), takes incoming messages off the queue (peek, pop,
// delete) and reads conversations and their statuses.
//
// With `resilient` it keeps working while the daemon is down or restarting: a call that fails on the
// connection is repeated until the daemon answers (or the deadline passes), and on such a repeat an
// answer saying the earlier attempt already took effect counts as success, so each step happens once.

export interface CaseSystemOptions {
  /** The daemon's base URL, read before every call (a restarted daemon may have moved). */
  url: () => string;
  username: string;
  password: string;
  /** Repeat calls that fail on the connection until this many ms have passed; off when absent. */
  resilientForMs?: number;
}

export interface Submission {
  from: string;
  to: string;
  pdf: Buffer;
  /** ISO date-time; the API's default TTL when absent. */
  expectedResponseDateTime?: string;
  messageId?: string;
}

export interface Received {
  messageId: string;
  sender: string | undefined;
  asic: Buffer;
}

export interface ConversationView {
  messageId: string;
  direction: string;
  statuses: string[];
}

export interface StatusView {
  messageId: string;
  status: string;
  /** ISO date-time with offset. */
  lastUpdate: string;
}

const RETRY_PAUSE_MS = 100;

/** An answer after a repeated call that means an earlier attempt had done the step. */
const DONE_BEFORE = new Set(['EFM_MESSAGE_ALREADY_EXISTS', 'EFM_DUPLICATE_FILENAME', 'EFM_MESSAGE_ALREADY_SENT']);

export class CaseSystem {
  /** Calls repeated after a connection failure, for the test's report. */
  retriedCalls = 0;

  constructor(private readonly o: CaseSystemOptions) {}

  /** Creates, uploads arkivmelding.xml and vedtak.pdf, and sends; returns the messageId. */
  async submit(s: Submission): Promise<string> {
    const messageId = s.messageId ?? randomUUID();
    const sbd = arkivmeldingSbd({
      messageId, sender: `0192:${s.from}`, receiver: `0192:${s.to}`,
      expectedResponseDateTime: s.expectedResponseDateTime ?? null, business: { hoveddokument: 'vedtak.pdf' },
    });
    await this.step('create', `/api/messages/out`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sbd) });
    await this.step('upload arkivmelding.xml', `/api/messages/out/${messageId}`, {
      method: 'PUT', body: arkivmeldingXml('Vedtak', ['vedtak.pdf']),
      headers: { 'content-type': 'application/xml', 'content-disposition': 'attachment; name="Arkivmelding"; filename="arkivmelding.xml"' },
    });
    await this.step('upload vedtak.pdf', `/api/messages/out/${messageId}`, {
      method: 'PUT', body: s.pdf,
      headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; name="Vedtak"; filename="vedtak.pdf"' },
    });
    await this.step('send', `/api/messages/out/${messageId}`, { method: 'POST' }, async (res) => {
      // Sent before, and already handed to the broker: the draft is gone, the conversation stays.
      if (res.status !== 404) return false;
      return (await this.conversation(messageId))?.statuses.includes('SENDT') ?? false;
    });
    return messageId;
  }

  /** Peeks, pops and deletes until the queue is empty; returns what it took, in order. */
  async receiveAll(): Promise<Received[]> {
    const received: Received[] = [];
    for (;;) {
      const peeked = await this.call('/api/messages/in/peek');
      if (peeked.status === 204) return received;
      if (peeked.status !== 200) throw new Error(`peek answered ${peeked.status}: ${await peeked.text()}`);
      const sbd = await peeked.json() as { standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string }; sender?: { identifier: { value: string } }[] } };
      const header = sbd.standardBusinessDocumentHeader;
      const messageId = header.documentIdentification.instanceIdentifier;
      const popped = await this.call(`/api/messages/in/pop/${messageId}`);
      if (popped.status !== 200) throw new Error(`pop of ${messageId} answered ${popped.status}: ${await popped.text()}`);
      const asic = Buffer.from(await popped.arrayBuffer());
      const deleted = await this.call(`/api/messages/in/${messageId}`, { method: 'DELETE' });
      if (deleted.status !== 200) throw new Error(`delete of ${messageId} answered ${deleted.status}: ${await deleted.text()}`);
      await deleted.body?.cancel();
      received.push({ messageId, sender: header.sender?.[0]?.identifier.value, asic });
    }
  }

  /** Every conversation of one direction with its statuses, oldest status first. */
  async conversations(direction: 'OUTGOING' | 'INCOMING'): Promise<ConversationView[]> {
    const all: ConversationView[] = [];
    for (let page = 0; ; page++) {
      const res = await this.call(`/api/conversations?direction=${direction}&size=2000&page=${page}`);
      if (res.status !== 200) throw new Error(`conversations answered ${res.status}: ${await res.text()}`);
      const body = await res.json() as { content: { messageId: string; direction: string; messageStatuses: { status: string }[] }[]; last: boolean };
      all.push(...body.content.map((c) => ({ messageId: c.messageId, direction: c.direction, statuses: c.messageStatuses.map((s) => s.status) })));
      if (body.last || body.content.length === 0) return all;
    }
  }

  /** Every status record with this status, oldest first. */
  async statuses(status: string): Promise<StatusView[]> {
    const all: StatusView[] = [];
    for (let page = 0; ; page++) {
      const res = await this.call(`/api/statuses?status=${status}&size=2000&page=${page}`);
      if (res.status !== 200) throw new Error(`statuses answered ${res.status}: ${await res.text()}`);
      const body = await res.json() as { content: StatusView[]; last: boolean };
      all.push(...body.content.map((s) => ({ messageId: s.messageId, status: s.status, lastUpdate: s.lastUpdate })));
      if (body.last || body.content.length === 0) return all;
    }
  }

  /** The outgoing conversation of a message, or undefined when there is none. */
  async conversation(messageId: string): Promise<ConversationView | undefined> {
    const res = await this.call(`/api/conversations/messageId/${messageId}`);
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status !== 200) throw new Error(`conversation ${messageId} answered ${res.status}: ${await res.text()}`);
    const c = await res.json() as { messageId: string; direction: string; messageStatuses: { status: string }[] };
    return { messageId: c.messageId, direction: c.direction, statuses: c.messageStatuses.map((s) => s.status) };
  }

  /** Runs a job to its end (POST /manage/jobs/{name}/run). */
  async runJob(name: string): Promise<void> {
    const res = await this.call(`/manage/jobs/${name}/run`, { method: 'POST' });
    if (res.status >= 300) throw new Error(`job ${name} answered ${res.status}: ${await res.text()}`);
    await res.body?.cancel();
  }

  /**
   * One step of a submission. `doneBefore` says whether a refusal means that an earlier attempt, whose
   * answer was lost with the connection, had already done it.
   */
  private async step(name: string, path: string, init: RequestInit, doneBefore?: (res: Response) => Promise<boolean>): Promise<void> {
    let repeated = false;
    const res = await this.call(path, init, () => { repeated = true; });
    if (res.status === 200) {
      await res.body?.cancel();
      return;
    }
    if (repeated && (await this.isDoneBefore(res.clone()) || (doneBefore !== undefined && await doneBefore(res)))) return;
    throw new Error(`${name} ${path} answered ${res.status}: ${await res.text()}`);
  }

  private async isDoneBefore(res: Response): Promise<boolean> {
    if (res.status !== 400 && res.status !== 409) return false;
    const body = await res.json().catch(() => undefined) as { code?: unknown } | undefined;
    return typeof body?.code === 'string' && DONE_BEFORE.has(body.code);
  }

  private async call(path: string, init: RequestInit = {}, onRepeat: () => void = () => undefined): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Basic ${Buffer.from(`${this.o.username}:${this.o.password}`).toString('base64')}`);
    const deadline = Date.now() + (this.o.resilientForMs ?? 0);
    for (;;) {
      try {
        return await fetch(`${this.o.url()}${path}`, { ...init, headers });
      } catch (error) {
        if (this.o.resilientForMs === undefined || Date.now() > deadline) throw error;
        this.retriedCalls++;
        onRepeat();
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
      }
    }
  }
}
