import type { Json } from './json.js';

export const TAG = {
  versions: 'API versions',
  capabilities: 'Capabilities',
  outgoing: 'Outgoing messages',
  incoming: 'Incoming messages',
  conversations: 'Conversations',
  statuses: 'Statuses',
  subscriptions: 'Subscriptions',
  validation: 'Validation',
  management: 'Management',
} as const;

export const TAGS: Json[] = [
  { name: TAG.versions, description: 'Which API majors this daemon serves, and this document.' },
  { name: TAG.capabilities, description: 'What a receiver can take, from the Service Registry.' },
  { name: TAG.outgoing, description: 'Create, fill and send messages: step by step, or one-shot multipart.' },
  { name: TAG.incoming, description: 'The peek → pop → delete loop for received messages.' },
  { name: TAG.conversations, description: 'Conversations with their statuses.' },
  { name: TAG.statuses, description: 'Message statuses: search, per message, and the status queue.' },
  { name: TAG.subscriptions, description: 'Webhook subscriptions; see also the `webhooks` of this document.' },
  { name: TAG.validation, description: 'Beyond the reference: a dry run of every check, nothing stored or sent.' },
  { name: TAG.management, description: 'Health, info, metrics and jobs. Everything but health needs credentials.' },
];
