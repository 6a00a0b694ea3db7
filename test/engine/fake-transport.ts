import type { ServiceRecord } from '../../src/addressing/index.js';
import type { ServiceIdentifier } from '../../src/domain/index.js';
import type { ConversationRecord } from '../../src/store/index.js';
import type {
  AcceptOutcome, IncomingMessage, IncomingSink, OutgoingMessage, SendContext, SendResult, StatusUpdate, Transport,
} from '../../src/transports/index.js';
import { readAll } from './support.js';

export interface SentMessage {
  messageId: string;
  type: string;
  sbd: OutgoingMessage['message']['sbd'];
  files: { filename: string; content: string }[];
  /** The transport state the attempt started with. */
  state: Record<string, string>;
  record?: ServiceRecord;
}

/** What the next send does instead of succeeding: throw this error, or run this (which may throw). */
export type SendStep = Error | ((message: OutgoingMessage, context: SendContext) => Promise<void>);

/**
 * An in-memory Transport: records what it sends, fails on demand (one queued step per attempt), and
 * counts how many sends run at once. Its poll hands `incoming` to the sink; its pollStatus answers
 * from `statusUpdates`.
 */
export class FakeTransport implements Transport {
  readonly maxBytes = 100 * 1024 * 1024;
  readonly defaultTtlHours = 24;
  readonly sent: SentMessage[] = [];
  readonly attempts: string[] = [];
  readonly steps: SendStep[] = [];
  result: SendResult = {};
  running = 0;
  maxRunning = 0;
  incoming: IncomingMessage[] = [];
  readonly accepted: AcceptOutcome[] = [];
  statusUpdates = new Map<string, StatusUpdate[]>();
  readonly polledStatusFor: string[][] = [];

  constructor(readonly service: ServiceIdentifier = 'DPO') {}

  failNext(...steps: SendStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  async send(message: OutgoingMessage, context: SendContext): Promise<SendResult> {
    const { messageId } = message.message;
    this.attempts.push(messageId);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      const state = { ...context.state };
      const step = this.steps.shift();
      if (step instanceof Error) throw step;
      if (step) await step(message, context);
      const files = [];
      for (const file of message.files) files.push({ filename: file.filename, content: (await readAll(message.open(file))).toString() });
      this.sent.push({
        messageId, type: message.message.sbd.standardBusinessDocumentHeader.documentIdentification.type, sbd: message.message.sbd, files, state, record: message.record,
      });
      return this.result;
    } finally {
      this.running--;
    }
  }

  async poll(sink: IncomingSink): Promise<void> {
    const batch = this.incoming.splice(0);
    for (const message of batch) this.accepted.push(await sink.accept(message, this.service));
  }

  async pollStatus(conversations: readonly ConversationRecord[]): Promise<Map<number, StatusUpdate[]>> {
    this.polledStatusFor.push(conversations.map((c) => c.messageId));
    const answer = new Map<number, StatusUpdate[]>();
    for (const c of conversations) {
      const updates = this.statusUpdates.get(c.messageId);
      if (updates) answer.set(c.id, updates);
    }
    return answer;
  }
}

/** A send step that waits until `release()` is called; `started` resolves when the send reached it. */
export function gate(): { step: SendStep; started: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  let markStarted = (): void => undefined;
  const started = new Promise<void>((resolve) => { markStarted = resolve; });
  const released = new Promise<void>((resolve) => { release = resolve; });
  return {
    step: async () => {
      markStarted();
      await released;
    },
    started,
    release: () => release(),
  };
}
