import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PermanentSendError } from '../../../src/transports/index.js';
import { CorrespondenceUnavailableError } from '../../../src/transports/dpv/index.js';
import { arkivmeldingXml, dpvMessage, PERSON, sendContext, startDpvWorld, type DpvWorld } from './support.js';

// The DPV send against the sandbox's correspondence API: the exact form of nextmove_send_dpv.feature and
// nextmove_send_digital_dpv.feature, the files as octet-stream parts, and how failures are told apart.

let world: DpvWorld;

beforeAll(async () => {
  world = await startDpvWorld();
});
afterAll(() => world.close());
afterEach(() => world.fake.failures.clear());

/** Expected form fields common to both features (nulls left out, every value a string). */
function featureFields(overrides: Record<string, string>): Record<string, string> {
  const text = '$correspondenceRecipientName$: Du har mottatt en melding fra TEST - C4.';
  return {
    'correspondence.notification.notificationChannel': 'EmailAndSms',
    'correspondence.notification.reminderSmsBody': text,
    'correspondence.notification.reminderEmailContentType': 'Plain',
    'correspondence.notification.smsBody': text,
    'correspondence.notification.reminderEmailBody': text,
    'correspondence.sender': '0192:910077473',
    'correspondence.requestedPublishTime': '2019-03-25T12:38:23+01:00',
    'correspondence.notification.requestedSendTime': '2019-03-25T12:43:23+01:00',
    'correspondence.isConfirmationNeeded': 'false',
    'correspondence.content.language': 'nb',
    'correspondence.notification.emailContentType': 'Plain',
    'correspondence.messageSender': 'TEST - C4',
    'correspondence.notification.emailBody': text,
    'correspondence.notification.reminderNotificationChannel': 'EmailAndSms',
    'correspondence.dueDateTime': '2019-04-01T12:38:23+01:00',
    'correspondence.content.attachments[0].sendersReference': 'AttachmentReference_as123452',
    'correspondence.notification.sendReminder': 'true',
    'correspondence.content.attachments[0].isEncrypted': 'false',
    'correspondence.isConfidential': 'false',
    'correspondence.content.attachments[0].fileName': 'test.txt',
    'correspondence.content.attachments[0].displayName': 'Test',
    'correspondence.notification.notificationTemplate': 'CustomMessage',
    'correspondence.notification.emailSubject': 'Melding mottatt i Altinn',
    'correspondence.notification.reminderEmailSubject': 'Melding mottatt i Altinn',
    'correspondence.resourceId': 'eformidling-dpv-administrasjon',
    'correspondence.propertyList.senderOrgNumber': '910077473',
    ...overrides,
  };
}

describe('DPV send', () => {
  it('uploads an arkivmelding with the form fields of nextmove_send_dpv.feature and only the referenced file', async () => {
    const messageId = 'abc8849c-e281-4809-8555-7cd54952b926';
    const result = await world.transport().send(dpvMessage({ messageId }), sendContext());

    const made = world.fake.correspondences.at(-1);
    expect(made?.fields).toEqual(featureFields({
      'correspondence.content.messageTitle': 'Nye lysrør',
      'correspondence.content.messageSummary': 'Nye lysrør',
      'correspondence.content.messageBody': 'Nye lysrør',
      'correspondence.sendersReference': messageId,
      'recipients[0]': 'urn:altinn:organization:identifier-no:910075946',
      'correspondence.ignoreReservation': 'false',
      idempotentKey: messageId,
    }));
    expect(made?.attachments.map((a) => [a.fileName, a.content.toString('utf8')])).toEqual([['test.txt', 'Testing 1 2 3']]);
    expect(result).toEqual({ externalSystemReference: made?.correspondenceId, startPolling: true });
  });

  it('uploads a digital_dpv message to a person with the form fields of nextmove_send_digital_dpv.feature', async () => {
    const messageId = 'ff88849c-e281-4809-8555-7cd54952b922';
    await world.transport().send(dpvMessage({
      type: 'digital_dpv', messageId, receiver: PERSON, files: [{ filename: 'test.txt', title: 'Test', content: 'Testing 1 2 3' }],
    }), sendContext());

    expect(world.fake.correspondences.at(-1)?.fields).toEqual(featureFields({
      'correspondence.content.messageTitle': 'foo',
      'correspondence.content.messageSummary': 'bar',
      'correspondence.content.messageBody': 'foobar',
      'correspondence.sendersReference': messageId,
      'recipients[0]': 'urn:altinn:person:identifier-no:17912099997',
      'correspondence.ignoreReservation': 'true',
      idempotentKey: messageId,
    }));
  });

  it('sends the message\'s own notification settings: channel, text, no reminder, due date and confidentiality', async () => {
    await world.transport({ 'efm.dpv.sensitive-resource': 'eformidling-dpv-taushetsbelagt' }).send(dpvMessage({
      messageId: '11118849-e281-4809-8555-7cd54952b926',
      resource: 'eformidling-dpv-taushetsbelagt',
      business: {
        hoveddokument: 'test.txt',
        dpv: { varselTransportType: 'Epost', varselType: 'VarselDPVUtenRevarsel', taushetsbelagtVarselTekst: 'Hemmelig fra $reporterName$', dagerTilSvarfrist: 14 },
      },
    }), sendContext());

    const fields = world.fake.correspondences.at(-1)?.fields ?? {};
    expect(fields).toMatchObject({
      'correspondence.notification.notificationChannel': 'Email',
      'correspondence.notification.emailBody': 'Hemmelig fra TEST - C4',
      'correspondence.notification.sendReminder': 'false',
      'correspondence.dueDateTime': '2019-04-08T12:38:23+01:00',
      'correspondence.isConfidential': 'true',
    });
    expect(Object.keys(fields).filter((k) => k.includes('.reminder'))).toEqual([]);
  });

  it('leaves the due date out when the message sets dagerTilSvarfrist to 0', async () => {
    await world.transport().send(dpvMessage({
      messageId: '22228849-e281-4809-8555-7cd54952b926', business: { dpv: { dagerTilSvarfrist: 0 } },
    }), sendContext());

    expect(world.fake.correspondences.at(-1)?.fields).not.toHaveProperty(['correspondence.dueDateTime']);
  });

  it('registers SENDT, LEVERT and LEST for a receipt without calling Altinn', async () => {
    const before = world.fake.correspondences.length;
    const result = await world.transport().send(dpvMessage({ type: 'arkivmelding_kvittering', files: [] }), sendContext());

    expect(result.statuses?.map((s) => s.status)).toEqual(['SENDT', 'LEVERT', 'LEST']);
    expect(world.fake.correspondences.length).toBe(before);
  });
});

describe('DPV send failures', () => {
  it('makes no second correspondence when the answer to the first upload was lost', async () => {
    const messageId = '33338849-e281-4809-8555-7cd54952b926';
    const transport = world.transport();
    world.fake.dropNextAnswers(1);

    await expect(transport.send(dpvMessage({ messageId }), sendContext())).rejects.toBeInstanceOf(CorrespondenceUnavailableError);
    const result = await transport.send(dpvMessage({ messageId }), sendContext());

    const made = world.fake.correspondences.filter((c) => c.idempotentKey === messageId);
    expect(made).toHaveLength(1);
    expect(result).toEqual({ externalSystemReference: made[0]?.correspondenceId, startPolling: true });
  });

  it('leaves a 503 to be retried', async () => {
    world.fake.failures.failNext(1, { status: 503 });
    const error: unknown = await world.transport().send(dpvMessage({ messageId: '44448849-e281-4809-8555-7cd54952b926' }), sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(CorrespondenceUnavailableError);
    expect(error).not.toBeInstanceOf(PermanentSendError);
  });

  it('gives up at once on a 400, with Altinn\'s detail as the raw receipt', async () => {
    world.fake.failures.failNext(1, { status: 400 });
    const error: unknown = await world.transport().send(dpvMessage({ messageId: '55558849-e281-4809-8555-7cd54952b926' }), sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as PermanentSendError).rawReceipt).toBe('the sandbox was asked to fail this request');
  });

  it('drops the token after a 401 and leaves the send to be retried', async () => {
    world.fake.failures.failNext(1, { status: 401 });
    const invalidated = world.tokens.invalidated;
    const error: unknown = await world.transport().send(dpvMessage({ messageId: '66668849-e281-4809-8555-7cd54952b926' }), sendContext()).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect(world.tokens.invalidated).toBe(invalidated + 1);
  });

  it('refuses files over the configured limit without calling Altinn', async () => {
    const before = world.fake.correspondences.length;
    const transport = world.transport({ 'efm.dpv.upload-size-limit': '1KB' });
    const big = Buffer.alloc(1024, 'x');

    expect(transport.maxBytes).toBe(1024);
    await expect(transport.send(dpvMessage({
      files: [{ filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'T', files: ['big.txt'] }) }, { filename: 'big.txt', title: 'Big', content: big }],
    }), sendContext())).rejects.toBeInstanceOf(PermanentSendError);
    expect(world.fake.correspondences.length).toBe(before);
  });

  it('gives up at once when the receiver\'s record names no Altinn resource', async () => {
    await expect(world.transport().send(dpvMessage({ resource: null }), sendContext())).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('breaks the upload off when a stored file is shorter than recorded, and makes no correspondence', async () => {
    const before = world.fake.correspondences.length;
    const error: unknown = await world.transport().send(dpvMessage({
      messageId: '77778849-e281-4809-8555-7cd54952b926',
      files: [{ filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'T', files: ['a.txt'] }) }, { filename: 'a.txt', title: 'A', content: 'abc', size: 10 }],
    }), sendContext()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect(world.fake.correspondences.length).toBe(before);
  });
});

describe('DPV defaults', () => {
  it('has the reference\'s limit and time to live', () => {
    const transport = world.transport();
    expect(transport.maxBytes).toBe(250 * 1024 * 1024);
    expect(transport.defaultTtlHours).toBe(24);
  });
});
