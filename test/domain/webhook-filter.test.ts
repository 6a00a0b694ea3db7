import { describe, expect, it } from 'vitest';
import { EfmError } from '../../src/domain/errors.js';
import {
  InvalidWebhookFilterError,
  matchesSubscription,
  parseWebhookFilter,
  validateWebhookFilter,
  WebhookUnknownFilterError,
  WebhookUnknownFilterOperationError,
} from '../../src/domain/webhook-filter.js';

function statusEvent(fields: Partial<Record<'status' | 'direction' | 'serviceIdentifier', string>> = {}): Record<string, unknown> {
  return {
    createdTs: '2019-03-25T12:38:23+01:00',
    resource: 'messages',
    event: 'status',
    messageId: 'm-1',
    conversationId: 'c-1',
    direction: 'OUTGOING',
    serviceIdentifier: 'DPO',
    status: 'LEVERT',
    ...fields,
  };
}

const everything = { resource: 'all', event: 'all' };

describe(parseWebhookFilter.name, () => {
  it('reads the documented example into ANDed parts of ORed values', () => {
    expect(parseWebhookFilter('status=FEIL,LEVETID_UTLOPT&direction=OUTGOING&serviceIdentifier=DPO,DPI')).toEqual({
      parts: [
        { key: 'status', operator: '=', values: ['FEIL', 'LEVETID_UTLOPT'] },
        { key: 'direction', operator: '=', values: ['OUTGOING'] },
        { key: 'serviceIdentifier', operator: '=', values: ['DPO', 'DPI'] },
      ],
    });
  });

  it('rejects an unknown key before looking at the operator', () => {
    const error = catchError(() => parseWebhookFilter('status=FEIL&colour!=red'));
    expect(error).toBeInstanceOf(WebhookUnknownFilterError);
    expect(error).toMatchObject({ code: 'EFM_WEBHOOK_UNKNOWN_FILTER', kind: 'validation', key: 'colour' });
  });

  it('treats keys as case-sensitive names, as the reference does', () => {
    expect(() => parseWebhookFilter('Status=FEIL')).toThrow(WebhookUnknownFilterError);
  });

  it.each(['status!=FEIL', 'status~FEIL', 'direction==OUTGOING'])('rejects the operator in %s', (text) => {
    const error = catchError(() => parseWebhookFilter(text));
    expect(error).toBeInstanceOf(WebhookUnknownFilterOperationError);
    expect(error).toMatchObject({ code: 'EFM_WEBHOOK_UNKNOWN_FILTER_OPERATION', kind: 'validation' });
  });

  it.each(['', 'status', '=FEIL', 'status=', 'status=,', 'status=FEIL&', 'status = FEIL', '&direction=OUTGOING'])(
    'rejects the malformed definition %j',
    (text) => {
      const error = catchError(() => parseWebhookFilter(text));
      expect(error).toBeInstanceOf(InvalidWebhookFilterError);
      expect(error).toMatchObject({ code: 'EFM_WEBHOOK_FILTER_INVALID', kind: 'validation', message: 'Must be a valid filter definition.' });
    },
  );
});

describe(validateWebhookFilter.name, () => {
  it('accepts a missing or blank filter and a valid one', () => {
    expect(() => validateWebhookFilter(undefined)).not.toThrow();
    expect(() => validateWebhookFilter('  ')).not.toThrow();
    expect(() => validateWebhookFilter('direction=incoming')).not.toThrow();
  });

  it('reports an unknown key as the reference constraint on the filter field, keeping the cause', () => {
    const error = catchError(() => validateWebhookFilter('colour=red'));
    expect(error).toBeInstanceOf(InvalidWebhookFilterError);
    expect(error).toMatchObject({
      message: 'Must be a valid filter definition.',
      problems: [{ field: 'filter', code: 'WebhookFilter', message: 'Must be a valid filter definition.', rejectedValue: 'colour=red' }],
    });
    expect((error as Error).cause).toBeInstanceOf(WebhookUnknownFilterError);
  });
});

describe(matchesSubscription.name, () => {
  it('never sends a ping through the fan-out', () => {
    expect(matchesSubscription(everything, { createdTs: '2019-03-25T12:38:23+01:00', event: 'ping' })).toBe(false);
  });

  it('matches resource and event by name or by all', () => {
    expect(matchesSubscription(everything, statusEvent())).toBe(true);
    expect(matchesSubscription({ resource: 'messages', event: 'status' }, statusEvent())).toBe(true);
    expect(matchesSubscription({ resource: 'messages', event: 'all' }, { ...statusEvent(), resource: 'other' })).toBe(false);
    expect(matchesSubscription({ resource: 'all', event: 'status' }, { ...statusEvent(), event: 'other' })).toBe(false);
  });

  it('ANDs the parts and ORs the values of a filter', () => {
    const subscription = { ...everything, filter: 'status=FEIL,LEVETID_UTLOPT&direction=OUTGOING' };
    expect(matchesSubscription(subscription, statusEvent({ status: 'FEIL' }))).toBe(true);
    expect(matchesSubscription(subscription, statusEvent({ status: 'LEVETID_UTLOPT' }))).toBe(true);
    expect(matchesSubscription(subscription, statusEvent({ status: 'LEVERT' }))).toBe(false);
    expect(matchesSubscription(subscription, statusEvent({ status: 'FEIL', direction: 'INCOMING' }))).toBe(false);
  });

  it('compares values ignoring case', () => {
    expect(matchesSubscription({ ...everything, filter: 'serviceIdentifier=dpo,dpi' }, statusEvent({ serviceIdentifier: 'DPI' }))).toBe(true);
    expect(matchesSubscription({ ...everything, filter: 'direction=INCOMING' }, statusEvent({ direction: 'incoming' }))).toBe(true);
  });

  it('does not match an event that lacks the filtered field', () => {
    const event = statusEvent();
    delete event.serviceIdentifier;
    expect(matchesSubscription({ ...everything, filter: 'serviceIdentifier=DPO' }, event)).toBe(false);
  });

  it('treats a blank filter as no filter', () => {
    expect(matchesSubscription({ ...everything, filter: '' }, statusEvent())).toBe(true);
  });

  it('throws the parse error for a broken stored filter', () => {
    expect(() => matchesSubscription({ ...everything, filter: 'colour=red' }, statusEvent())).toThrow(EfmError);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
