import { schemaRef, jsonContent, type Json } from './json.js';
import { TAG } from './tags.js';

// What the daemon POSTs to a subscription's pushEndpoint (api notes §2.10). The signature headers are
// beyond the reference and sent only for subscriptions with a secret (Standard Webhooks).
const signatureHeaders: Json[] = [
  { name: 'webhook-id', in: 'header', required: false, description: 'Unique per event and subscription; the same on every retry, so receivers can drop repeats. Sent when the subscription has a secret.', schema: { type: 'string' } },
  { name: 'webhook-timestamp', in: 'header', required: false, description: 'Unix seconds of this attempt. Sent when the subscription has a secret.', schema: { type: 'integer' } },
  { name: 'webhook-signature', in: 'header', required: false, description: '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` under the subscription\'s secret. Sent when the subscription has a secret.', schema: { type: 'string' } },
];

const received = { '2XX': { description: 'Received; any other answer is retried with backoff.' } };

export const WEBHOOKS: Record<string, Json> = {
  messageStatus: {
    post: {
      operationId: 'onMessageStatus', tags: [TAG.subscriptions], summary: 'A status was registered on a conversation',
      description: 'Delivered at least once, retried with backoff; order by `createdTs`.',
      parameters: signatureHeaders,
      requestBody: { required: true, content: jsonContent(schemaRef('StatusEvent')) },
      responses: received,
    },
  },
  ping: {
    post: {
      operationId: 'onPing', tags: [TAG.subscriptions], summary: 'Sent when a subscription is created or its endpoint changes',
      parameters: signatureHeaders,
      requestBody: { required: true, content: jsonContent(schemaRef('Ping')) },
      responses: { '2XX': { description: 'Received; a failing ping is only logged.' } },
    },
  },
};
