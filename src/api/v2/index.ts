import express, { Router } from 'express';
import type { Store } from '../../store/index.js';
import type { OutgoingMessages } from '../../messages/outgoing.js';
import type { IncomingMessages } from '../../messages/incoming.js';
import type { Subscriptions } from '../../messages/subscriptions.js';
import type { CapabilityLookup } from '../../messages/capabilities.js';
import type { ApiMajor } from '../versions.js';
import { capabilitiesRouter } from './capabilities.js';
import { conversationsRouter } from './conversations.js';
import { messagesInRouter } from './messages-in.js';
import { messagesOutRouter } from './messages-out.js';
import type { MultipartLimits } from './multipart.js';
import { statusesRouter } from './statuses.js';
import { subscriptionsRouter } from './subscriptions.js';
import { validationRouter, type Validation } from './validation.js';

// Major 2: the reference's eFormidling 2 next-move API (api notes §2), served at /api and /api/v2.
export const API_V2_VERSION = '2.0.0';

export interface ApiV2Options {
  store: Store;
  outgoing: OutgoingMessages;
  incoming: IncomingMessages;
  subscriptions: Subscriptions;
  capabilities: CapabilityLookup;
  validation: Validation;
  multipart: MultipartLimits;
  /** Largest JSON body (an SBD). */
  jsonLimitBytes: number;
}

export function apiV2(o: ApiV2Options): ApiMajor {
  const json = express.json({ limit: o.jsonLimitBytes, type: ['application/json', 'application/*+json'], strict: false });
  const router = Router();
  router.use(capabilitiesRouter(o.capabilities));
  router.use(messagesOutRouter(o.outgoing, json, o.multipart));
  router.use(messagesInRouter(o.incoming));
  router.use(conversationsRouter(o.store));
  router.use(statusesRouter(o.store));
  router.use(subscriptionsRouter(o.subscriptions, json));
  router.use(validationRouter(o.validation, json, o.multipart));
  return { major: 2, version: API_V2_VERSION, status: 'current', router };
}
