import { describe, expect, it } from 'vitest';
import { statusEventPayload } from '../../src/domain/index.js';

const conversation = { messageId: 'm-1', conversationId: 'c-1', direction: 'OUTGOING', serviceIdentifier: 'DPO' } as const;

describe(statusEventPayload.name, () => {
  it('renders the reference event body in its member order, with createdTs in Oslo time', () => {
    const payload = statusEventPayload(conversation, { status: 'LEVERT', description: 'Levert', lastUpdate: new Date('2024-07-01T10:15:30Z') });
    expect(JSON.stringify(payload)).toBe(
      '{"createdTs":"2024-07-01T12:15:30+02:00","resource":"messages","event":"status","messageId":"m-1","conversationId":"c-1",' +
        '"direction":"OUTGOING","serviceIdentifier":"DPO","status":"LEVERT","description":"Levert"}',
    );
  });

  it('leaves out a missing description and uses the winter offset in winter', () => {
    const withoutDescription = statusEventPayload(conversation, { status: 'SENDT', lastUpdate: new Date('2024-01-15T08:00:00.250Z') });
    const withNull = statusEventPayload(conversation, { status: 'SENDT', description: null, lastUpdate: new Date('2024-01-15T08:00:00.250Z') });
    expect(withoutDescription).not.toHaveProperty('description');
    expect(withNull).toEqual(withoutDescription);
    expect(withoutDescription.createdTs).toBe('2024-01-15T09:00:00.250+01:00');
  });
});
