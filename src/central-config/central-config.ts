// The running half: fetch the document (on the `central-config` job's schedule and on demand), verify
// it, and either apply it completely or change nothing. Applying means: audit lines written, document
// persisted for the next start, hot keys handed to the composition root through onChange. A forged,
// expired, replayed, disallowed or invalid document leaves config, file and audit-of-changes untouched;
// it is logged, written to the audit log as a rejection, and shown as DEGRADED in health, which stays
// UP overall (issue 6: a degraded-but-working daemon must not fail its probes).
import type { Clock } from '../clock/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging/index.js';
import { stageAcceptedDocument } from './accepted-document.js';
import { appendAudit, type AuditRecord, type DocumentRef } from './audit-log.js';
import { displayValue, valueAt } from './config-values.js';
import { documentHash, verifyCentralDocument, type CentralDocument } from './document.js';
import { CentralConfigRejectedError, type RejectionReason } from './errors.js';
import type { DocumentSource } from './http-source.js';
import { isSameDocument, planDocument, type ConfigState, type Plan } from './plan.js';
import { DEFAULTS, type CentralStart } from './startup.js';

const JOB_NAME = 'central-config';

export interface CentralConfigOptions {
  start: CentralStart;
  source: DocumentSource;
  clock: Clock;
  log: Logger;
  /** Called with the new running Config and the hot keys that changed; the composition root applies them. */
  onChange?: (config: Config, keys: readonly string[]) => void | Promise<void>;
}

export type RefreshOutcome =
  | { result: 'applied'; serial: number; sha256: string; changed: string[]; appliedNow: string[]; pendingRestart: string[] }
  | { result: 'unchanged'; serial: number }
  | { result: 'rejected'; reason: RejectionReason; message: string; serial?: number; sha256: string }
  | { result: 'unavailable'; message: string };

export interface CentralConfigHealth {
  status: 'UP' | 'DEGRADED';
  details: Record<string, unknown>;
}

export interface CentralConfig {
  /** Fetches and handles one document; never throws for a bad document or an unreachable hub. */
  refresh(signal?: AbortSignal): Promise<RefreshOutcome>;
  /** The configuration in effect: the start config with applied hot changes. */
  current(): Config;
  health(): CentralConfigHealth;
  /** To register with the job registry. */
  readonly job: { name: string; schedule: string; run(signal: AbortSignal): Promise<void> };
}

export function createCentralConfig(o: CentralConfigOptions): CentralConfig {
  const { settings, keys } = o.start;
  let state: ConfigState = { local: o.start.local, running: o.start.config, runningLayer: o.start.layer, next: o.start.config, accepted: o.start.accepted };
  let startProblem = o.start.problem;
  let last: { at: Date; outcome: RefreshOutcome } | undefined;
  let lastRejection: { at: Date; reason: RejectionReason; message: string; serial?: number; sha256: string } | undefined;
  let pendingRestart: string[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  const audit = (records: AuditRecord[]) => appendAudit(settings.auditLog, o.clock.now(), records);

  async function fetchAndHandle(signal: AbortSignal): Promise<RefreshOutcome> {
    let jws: string;
    try {
      jws = await o.source(signal);
    } catch (error) {
      o.log.warn({ err: error, url: settings.url }, 'central config hub unavailable');
      return { result: 'unavailable', message: error instanceof Error ? error.message : String(error) };
    }
    try {
      const document = await verifyCentralDocument(jws, { keys, orgNumber: settings.orgNumber, now: o.clock.now(), toleranceMs: DEFAULTS.clockToleranceMs });
      if (isSameDocument(state, document)) return { result: 'unchanged', serial: document.serial };
      return await apply(document, planDocument(state, document, settings));
    } catch (error) {
      if (!(error instanceof CentralConfigRejectedError)) throw error;
      return reject(error, documentHash(jws));
    }
  }

  async function apply(document: CentralDocument, plan: Plan): Promise<RefreshOutcome> {
    const ref: DocumentRef = { serial: document.serial, sha256: document.sha256 };
    const staged = await stageAcceptedDocument(settings.stateDir, document.jws);
    try {
      await audit([
        {
          event: 'accepted', changes: plan.changed.length,
          document: { ...ref, ...(document.iss === undefined ? {} : { iss: document.iss }), issuedAt: isoOf(document.iat), expiresAt: isoOf(document.exp) },
        },
        ...plan.changed.map((key): AuditRecord => ({
          event: 'change', key, document: ref, applies: plan.appliedNow.includes(key) ? 'now' : 'restart',
          old: displayValue(key, valueAt(state.next, key)), new: displayValue(key, valueAt(plan.state.next, key)),
        })),
      ]);
      await staged.commit();
    } catch (error) {
      await staged.discard();
      throw error;
    }
    state = plan.state;
    pendingRestart = plan.pendingRestart;
    startProblem = undefined;
    o.log.info({ serial: document.serial, sha256: document.sha256, appliedNow: plan.appliedNow, pendingRestart: plan.pendingRestart, pinned: plan.pinned }, 'central config accepted');
    if (plan.appliedNow.length > 0 && o.onChange) {
      try {
        await o.onChange(state.running, plan.appliedNow);
      } catch (error) {
        o.log.error({ err: error, keys: plan.appliedNow }, 'applying centrally changed settings failed');
      }
    }
    return { result: 'applied', serial: document.serial, sha256: document.sha256, changed: plan.changed, appliedNow: plan.appliedNow, pendingRestart: plan.pendingRestart };
  }

  async function reject(error: CentralConfigRejectedError, sha256: string): Promise<RefreshOutcome> {
    const at = o.clock.now();
    const repeated = lastRejection?.sha256 === sha256 && lastRejection.reason === error.reason;
    lastRejection = { at, reason: error.reason, message: error.message, sha256, ...(error.serial === undefined ? {} : { serial: error.serial }) };
    o.log.warn({ reason: error.reason, serial: error.serial, sha256, code: error.code, problems: error.problems }, 'central config document rejected');
    // A hub that keeps serving the same bad document is one audit line, not one per fetch.
    if (!repeated) await audit([{ event: 'rejected', reason: error.reason, message: error.message, document: { serial: error.serial, sha256 } }]);
    return { result: 'rejected', reason: error.reason, message: error.message, sha256, ...(error.serial === undefined ? {} : { serial: error.serial }) };
  }

  function refresh(signal: AbortSignal = new AbortController().signal): Promise<RefreshOutcome> {
    // One document at a time: two overlapping runs would both plan against the same state.
    const run = queue.then(() => fetchAndHandle(signal)).then((outcome) => {
      last = { at: o.clock.now(), outcome };
      return outcome;
    });
    queue = run.catch(() => undefined);
    return run;
  }

  function health(): CentralConfigHealth {
    const failing = last !== undefined && (last.outcome.result === 'rejected' || last.outcome.result === 'unavailable');
    const accepted = state.accepted;
    return {
      status: failing || startProblem !== undefined ? 'DEGRADED' : 'UP',
      details: {
        url: settings.url,
        document: accepted ? { serial: accepted.serial, sha256: accepted.sha256, issuedAt: isoOf(accepted.iat), expiresAt: isoOf(accepted.exp) } : null,
        lastCheck: last ? { at: last.at.toISOString(), result: last.outcome.result } : null,
        ...(lastRejection ? { lastRejection: { ...lastRejection, at: lastRejection.at.toISOString() } } : {}),
        ...(last?.outcome.result === 'unavailable' ? { unavailable: last.outcome.message } : {}),
        ...(startProblem === undefined ? {} : { problem: startProblem }),
        pendingRestart,
      },
    };
  }

  return {
    refresh,
    current: () => state.running,
    health,
    job: { name: JOB_NAME, schedule: settings.schedule, run: async (signal) => { await refresh(signal); } },
  };
}

const isoOf = (seconds: number) => new Date(seconds * 1000).toISOString();
