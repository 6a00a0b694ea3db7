import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_RECEIVERS, type FailureControl, type SandboxNetwork } from '../../../src/sandbox/index.js';
import { ARKIVMELDING, arkivmelding, PDF, RECEIVER, sbd, startServiceSandbox, statusNames, untilStatus, type Document, type ServiceSandbox } from './support.js';

// A peer that fails for a while, for every service at once: each fake refuses the request that would
// hand the message over (503), so the outbox keeps the message and tries again after its backoff
// (20 s, the reference's first redelivery); the second try delivers, and the peer holds the message once.

/** The outbox's first retry comes 20 s after the failure; the rest is the send itself. */
const RETRY_WAIT_MS = 60_000;

interface Case {
  service: string;
  failures(network: SandboxNetwork): FailureControl;
  /** The request that hands the message over. */
  rule: { method: string; path: RegExp };
  sbd(): Record<string, unknown>;
  documents: Document[];
  /** How many times the peer holds the message. */
  deliveries(network: SandboxNetwork, messageId: string): number;
}

const PDF_DOCUMENT: Document = { filename: 'vedtak.pdf', mimetype: 'application/pdf', content: PDF, title: 'Vedtak' };
const DIALOGMELDING = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Dialogmelding xmlns="http://www.kith.no/xmlstds/dialog/2013-01-23"/>');
const arkivmeldingTo = (receiver: string) => sbd({ receiver, ...ARKIVMELDING, business: { hoveddokument: 'vedtak.pdf' } });
const sbdMessageId = (body: Buffer): string | undefined => (JSON.parse(body.toString('utf8')) as { sbd?: { standardBusinessDocumentHeader?: { documentIdentification?: { instanceIdentifier?: string } } } })
  .sbd?.standardBusinessDocumentHeader?.documentIdentification?.instanceIdentifier;

const CASES: Case[] = [
  {
    service: 'DPO', failures: (n) => n.altinn.failures, rule: { method: 'POST', path: /\/filetransfer\/[^/]+\/upload$/ },
    sbd: () => arkivmeldingTo(RECEIVER), documents: arkivmelding('Vedtak (DPO)'),
    deliveries: (n) => n.altinn.transfers().filter((t) => t.sender === '0192:910077473').length,
  },
  {
    service: 'DPV', failures: (n) => n.correspondence.failures, rule: { method: 'POST', path: /\/correspondence\/upload$/ },
    sbd: () => arkivmeldingTo(SANDBOX_RECEIVERS.dpv.orgnr), documents: arkivmelding('Vedtak (DPV)'),
    deliveries: (n, id) => n.correspondence.correspondences.filter((c) => c.sendersReference === id).length,
  },
  {
    service: 'DPI', failures: (n) => n.corner2.failures, rule: { method: 'POST', path: /\/messages\/out$/ },
    sbd: () => sbd({
      receiver: SANDBOX_RECEIVERS.citizen.fnr, process: 'urn:no:difi:profile:digitalpost:info:ver1.0', standard: 'urn:no:difi:digitalpost:xsd:digital::digital',
      business: { sikkerhetsnivaa: 3, hoveddokument: 'vedtak.pdf', tittel: 'Vedtak', spraak: 'NO', digitalPostInfo: { virkningsdato: '2026-01-01', aapningskvittering: 'false' } },
    }),
    documents: [PDF_DOCUMENT],
    deliveries: (n, id) => n.corner2.letters.filter((l) => l.messageId === id).length,
  },
  {
    service: 'DPF', failures: (n) => n.svarUt.failures, rule: { method: 'POST', path: /\/ForsendelsesServiceV9$/ },
    sbd: () => arkivmeldingTo(SANDBOX_RECEIVERS.dpf.orgnr), documents: arkivmelding('Vedtak (DPF)'),
    deliveries: (n, id) => n.svarUt.forsendelser().filter((f) => f.eksternref === id).length,
  },
  {
    service: 'DPE', failures: (n) => n.serviceBus.failures, rule: { method: 'POST', path: /^\/nextbestqueue910075918innsyn\/messages$/ },
    sbd: () => sbd({
      receiver: RECEIVER, process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0', standard: 'urn:no:difi:einnsyn:xsd::innsynskrav',
      business: { orgnr: '910077473', epost: 'innsyn@sandbox.invalid' },
    }),
    documents: [PDF_DOCUMENT],
    deliveries: (n, id) => n.serviceBus.messages('nextbestqueue910075918innsyn').filter((m) => sbdMessageId(m.body) === id).length,
  },
  {
    service: 'DPH', failures: (n) => n.nhnAdapter.failures, rule: { method: 'POST', path: /\/messages\/out$/ },
    sbd: () => sbd({
      sender: 'her-id:8143548', receiver: 'her-id:8143541', authority: 'nhn-actorid',
      process: 'urn:no:difi:profile:helse:helse:ver1.0', standard: 'urn:no:difi:helse:xsd:schema::dialogmelding',
      business: { hoveddokument: 'dialogmelding.xml', pasient: { fnr: '17912099997', fornavn: 'Kari', etternavn: 'Nordmann' } },
    }),
    documents: [{ filename: 'dialogmelding.xml', mimetype: 'application/xml', content: DIALOGMELDING, title: 'Dialogmelding' }],
    deliveries: (n, id) => n.nhnAdapter.sent.filter((m) => m.messageId === id).length,
  },
];

let sandbox: ServiceSandbox;

beforeAll(async () => { sandbox = await startServiceSandbox(); });
afterAll(async () => { await sandbox.close(); });

describe('a peer that fails for a while', () => {
  it('is retried until the message is delivered, and every service\'s peer holds it once', async () => {
    const { sender, network } = sandbox;
    const outcomes = await Promise.all(CASES.map(async (c) => {
      const failures = c.failures(network);
      failures.failNext(1, { status: 503, ...c.rule });
      const messageId = await sender.send(c.sbd(), c.documents);
      const rows = await untilStatus(sender, messageId, 'SENDT', undefined, RETRY_WAIT_MS);
      return { service: c.service, failed: failures.failed, sent: statusNames(rows).filter((s) => s === 'SENDT').length, deliveries: c.deliveries(network, messageId) };
    }));
    expect(outcomes).toEqual(CASES.map((c) => ({ service: c.service, failed: 1, sent: 1, deliveries: 1 })));
  }, 120_000);
});
