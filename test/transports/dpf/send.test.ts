import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentSendError } from '../../../src/transports/index.js';
import {
  featureDocStrings, hideSoapData, outgoingMessage, RECEIVER, rootNamespaces, SENDER, sendContext, startDpfWorld, xmlShape,
  type DpfWorld,
} from './support.js';

// The SvarUt request of nextmove_send_dpf.feature: the daemon must send exactly the forsendelse the
// reference builds from that arkivmelding, each document CMS-encrypted to SvarUt's certificate.

const FEATURE = featureDocStrings('nextmove_send_dpf.feature');
const EXPECTED_SEND = FEATURE[6] ?? '';
const EXPECTED_TYPES = FEATURE[5] ?? '';

let world: DpfWorld;

beforeAll(async () => {
  world = await startDpfWorld();
});
afterAll(() => world.close());

function payloadOf(envelope: string | undefined, operation: string): string {
  const match = new RegExp(`<ns2:${operation}(?:[^>]*/>|[\\s\\S]*</ns2:${operation}>)`).exec(envelope ?? '');
  if (match === null) throw new Error(`no ${operation} element in ${envelope ?? 'no envelope'}`);
  return `<?xml version="1.0" encoding="UTF-8"?>${match[0]}`;
}

describe('DPF send', () => {
  it('sends the forsendelse of nextmove_send_dpf.feature, element for element', async () => {
    const message = outgoingMessage(world, { messageId: 'abc8849c-e281-4809-8555-7cd54952b946' });

    const result = await world.transport().send(message, sendContext());

    const payload = payloadOf(world.fake.lastEnvelope('sendForsendelseMedId'), 'sendForsendelseMedId');
    expect(xmlShape(hideSoapData(payload))).toEqual(xmlShape(EXPECTED_SEND));
    expect(rootNamespaces(payload)).toEqual({ '@_xmlns:ns2': 'http://www.ks.no/svarut/servicesV9' });
    expect(result).toEqual({ statuses: [{ status: 'SENDT' }, { status: 'LEVERT' }], startPolling: true });
  });

  it('sends the documents as MTOM parts that SvarUt\'s key decrypts to the uploaded bytes', async () => {
    const message = outgoingMessage(world);

    await world.transport().send(message, sendContext());

    const stored = world.fake.forsendelser().find((f) => f.id === message.message.messageId);
    expect(stored?.documents.map((d) => d.filnavn)).toEqual(['test.txt']);
    expect(await readFile(stored?.documents[0]?.path ?? '')).toEqual(Buffer.from('Testing 1 2 3'));
    expect(world.fake.lastEnvelope('sendForsendelseMedId')).toContain('<xop:Include');
    expect(stored?.mottakerOrgnr).toBe(RECEIVER);
    expect(stored?.senderOrgnr).toBe(SENDER);
  });

  it('asks SvarUt for its forsendelsestyper with the payload of the feature, and keeps them an hour', async () => {
    const transport = world.transport();
    const before = world.fake.operations.filter((o) => o === 'retreiveForsendelseTyper').length;

    expect(await transport.svarUt.forsendelseTyper(SENDER)).toEqual(['forsendelsetype-1']);
    expect(await transport.svarUt.forsendelseTyper(SENDER)).toEqual(['forsendelsetype-1']);

    const payload = payloadOf(world.fake.lastEnvelope('retreiveForsendelseTyper'), 'retreiveForsendelseTyper');
    expect(xmlShape(hideSoapData(payload))).toEqual(xmlShape(EXPECTED_TYPES));
    expect(world.fake.operations.filter((o) => o === 'retreiveForsendelseTyper').length - before).toBe(1);
  });

  it('knows which organisations have SvarUt credentials', () => {
    const transport = world.transport({ config: { 'efm.fiks.ut.paa-vegne-av': ['987654325=other:secret'] } });

    expect(transport.svarUt.hasCredentials(SENDER)).toBe(true);
    expect(transport.svarUt.hasCredentials('987654325')).toBe(true);
    expect(transport.svarUt.hasCredentials('910075918')).toBe(false);
  });

  it('sends on behalf of another organisation with that organisation\'s SvarUt user', async () => {
    const onBehalf = '910075918';
    await world.fake.close();
    world = await startDpfWorld({ accounts: [{ orgnr: onBehalf, username: 'part', password: 'secret' }] });
    const message = outgoingMessage(world, { senderIdentifier: onBehalf });

    await world.transport({ config: { 'efm.fiks.ut.paa-vegne-av': [`${onBehalf}=part:secret`] } }).send(message, sendContext());

    expect(world.fake.forsendelser().find((f) => f.id === message.message.messageId)?.senderOrgnr).toBe(onBehalf);
  });

  it('refuses a message of an organisation without SvarUt credentials for good', async () => {
    const message = outgoingMessage(world, { senderIdentifier: '987654325' });

    await expect(world.transport().send(message, sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });
});
