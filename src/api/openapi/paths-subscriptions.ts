import { ref, schemaRef, emptyResponse, jsonContent, jsonResponse, type Json } from './json.js';
import { operation } from './operation.js';
import { PAGING, numericIdParam } from './parameters.js';
import { API_HEADERS, apiErrors } from './responses.js';
import { TAG } from './tags.js';

// Webhook subscriptions (api notes §2.10, §5.5). What is pushed is in the document's `webhooks`.
const id = numericIdParam('id', 'The subscription\'s id.');
const subscription = schemaRef('Subscription');
const ok = (description: string) => emptyResponse(description, API_HEADERS);
const notFound = { ...ref('responses', 'NotFound'), description: 'No such subscription.' };

const list = operation({
  operationId: 'listSubscriptions', tag: TAG.subscriptions, summary: 'List subscriptions',
  parameters: PAGING,
  responses: { 200: jsonResponse('A page of subscriptions.', schemaRef('SubscriptionPage'), API_HEADERS), ...apiErrors(400, 401) },
});

const create = operation({
  operationId: 'createSubscription', tag: TAG.subscriptions, summary: 'Subscribe an endpoint to events',
  description: 'The endpoint is pinged (`{"event":"ping"}`); a failing ping does not fail the create. A second subscription with the same name and pushEndpoint is refused.',
  requestBody: { required: true, content: jsonContent(subscription) },
  responses: { 200: jsonResponse('The subscription, with its id.', subscription, API_HEADERS), ...apiErrors(400, 401, 413) },
});

const removeAll = operation({
  operationId: 'deleteAllSubscriptions', tag: TAG.subscriptions, summary: 'Delete every subscription',
  responses: { 200: ok('All deleted.'), ...apiErrors(401) },
});

const get = operation({
  operationId: 'getSubscription', tag: TAG.subscriptions, summary: 'One subscription',
  parameters: [id],
  responses: { 200: jsonResponse('The subscription.', subscription, API_HEADERS), ...apiErrors(400, 401), 404: notFound },
});

const update = operation({
  operationId: 'updateSubscription', tag: TAG.subscriptions, summary: 'Change a subscription',
  parameters: [id],
  requestBody: { required: true, content: jsonContent(schemaRef('SubscriptionUpdate')) },
  responses: { 200: ok('Changed.'), ...apiErrors(400, 401), 404: notFound, ...apiErrors(413) },
});

const remove = operation({
  operationId: 'deleteSubscription', tag: TAG.subscriptions, summary: 'Delete a subscription',
  parameters: [id],
  responses: { 200: ok('Deleted.'), ...apiErrors(400, 401), 404: notFound },
});

export const SUBSCRIPTION_PATHS: Record<string, Json> = {
  '/api/subscriptions': { get: list, post: create, delete: removeAll },
  '/api/subscriptions/{id}': { get, put: update, delete: remove },
};
