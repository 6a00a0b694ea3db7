// Webhook delivery: the dispatcher over the Store's outbox, and Standard Webhooks signing.
export { WebhookDispatcher, type WebhookDispatcherOptions, type WebhookOutbox } from './dispatcher.js';
export { DEFAULT_RETRY_POLICY } from './retry-policy.js';
export type { RetryPolicy } from '../schedule/index.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  signWebhook,
  verifyWebhook,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookSignatureHeaders,
  type SignWebhookInput,
  type VerifyWebhookInput,
} from './signature.js';
