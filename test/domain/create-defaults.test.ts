import { describe, expect, it } from 'vitest';
import { sequenceIds } from '../../src/ids/index.js';
import { InvalidSbdError, applyCreateDefaults, type StandardBusinessDocument } from '../../src/domain/index.js';
import { HARNESS_NOW, MESSAGE_ID, OTHER_ORG, OWN_ORG, sbd } from './builders.js';

const IDS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];

function defaults(input: StandardBusinessDocument, extra: Partial<Parameters<typeof applyCreateDefaults>[1]> = {}) {
  return applyCreateDefaults(input, { orgNumber: OWN_ORG, now: HARNESS_NOW, ids: sequenceIds(IDS), defaultTtlHours: 24, ...extra });
}

const header = (s: StandardBusinessDocument) => s.standardBusinessDocumentHeader;
const scopes = (s: StandardBusinessDocument) => header(s).businessScope.scope;

describe(applyCreateDefaults.name, () => {
  it('draws scope ids first, in scope order, then the messageId (the reference factory order)', () => {
    const input = sbd({
      messageId: null, conversationId: null,
      extraScopes: [{ type: 'SenderRef', instanceIdentifier: '' }, { type: 'ReceiverRef', instanceIdentifier: 'kept' }],
    });
    const out = defaults(input);
    expect(scopes(out).map((s) => s.instanceIdentifier)).toEqual([IDS[0], IDS[1], 'kept']);
    expect(header(out).documentIdentification.instanceIdentifier).toBe(IDS[2]);
  });

  it('draws no id where values are present', () => {
    const out = defaults(sbd(), { ids: { next: () => { throw new Error('no id should be drawn'); } } });
    expect(header(out).documentIdentification.instanceIdentifier).toBe(MESSAGE_ID);
  });

  it('leaves its input unchanged', () => {
    const input = sbd({ messageId: null, sender: null });
    const before = structuredClone(input);
    defaults(input);
    expect(input).toEqual(before);
  });

  it('fills sender, creation time and TTL from the clock in Oslo time', () => {
    const out = defaults(sbd({ sender: null, creationDateAndTime: null, expectedResponseDateTime: null }));
    expect(header(out).sender).toEqual([{ identifier: { authority: 'iso6523-actorid-upis', value: `0192:${OWN_ORG}` } }]);
    expect(header(out).documentIdentification.creationDateAndTime).toBe('2019-03-25T12:38:23+01:00');
    expect(scopes(out)[0]?.scopeInformation).toEqual([{ expectedResponseDateTime: '2019-03-26T12:38:23+01:00' }]);
  });

  it('uses the service TTL and the first scopeInformation entry', () => {
    const input = sbd();
    const conversation = scopes(input)[0];
    if (!conversation) throw new Error('builder gave no scope');
    conversation.scopeInformation = [{ other: 1 }, { expectedResponseDateTime: '2030-01-01T00:00:00+01:00' }];
    const out = defaults(input, { defaultTtlHours: 2 });
    expect(scopes(out)[0]?.scopeInformation?.[0]).toEqual({ other: 1, expectedResponseDateTime: '2019-03-25T14:38:23+01:00' });
  });

  it('keeps a given expectedResponseDateTime and creation time', () => {
    const out = defaults(sbd());
    expect(scopes(out)[0]?.scopeInformation?.[0]?.expectedResponseDateTime).toBe('2019-05-10T00:31:52+01:00');
    expect(header(out).documentIdentification.creationDateAndTime).toBe('2019-03-25T11:35:00+01:00');
  });

  it('rewrites another organisation as sender to the on-behalf-of form', () => {
    const out = defaults(sbd({ sender: `0192:${OTHER_ORG}` }));
    expect(header(out).sender?.[0]?.identifier.value).toBe(`0192:${OWN_ORG}:${OTHER_ORG}`);
  });

  it('keeps the own organisation as the client wrote it, bare or prefixed', () => {
    expect(header(defaults(sbd({ sender: OWN_ORG }))).sender?.[0]?.identifier.value).toBe(OWN_ORG);
    expect(header(defaults(sbd({ sender: `0192:${OWN_ORG}:${OTHER_ORG}` }))).sender?.[0]?.identifier.value).toBe(`0192:${OWN_ORG}:${OTHER_ORG}`);
  });

  it('adds the DPO message channel scope, or fills its empty identifier', () => {
    const added = defaults(sbd(), { messageChannel: 'kanal-1' });
    expect(scopes(added).at(-1)).toEqual({ type: 'MessageChannel', identifier: 'kanal-1' });
    const filled = defaults(sbd({ extraScopes: [{ type: 'MessageChannel', instanceIdentifier: 'x', identifier: '' }] }), { messageChannel: 'kanal-1' });
    expect(scopes(filled).filter((s) => s.type === 'MessageChannel')).toEqual([{ type: 'MessageChannel', instanceIdentifier: 'x', identifier: 'kanal-1' }]);
    expect(scopes(defaults(sbd())).some((s) => s.type === 'MessageChannel')).toBe(false);
  });

  it('gives a DPH message without conversation id its messageId', () => {
    const out = defaults(sbd({ messageId: null, conversationId: null }), { serviceIdentifier: 'DPH' });
    expect(header(out).documentIdentification.instanceIdentifier).toBe(IDS[0]);
    expect(scopes(out)[0]?.instanceIdentifier).toBe(IDS[0]);
  });

  it('refuses an SBD without ConversationId scope', () => {
    const input = sbd();
    header(input).businessScope.scope = [{ type: 'SenderRef' }];
    expect(() => defaults(input)).toThrow(InvalidSbdError);
  });
});
