import { ref, schemaRef, jsonContent, jsonResponse, type Json } from './json.js';
import { operation } from './operation.js';
import { pathParam } from './parameters.js';
import { MANAGE_HEADERS } from './responses.js';
import { TAG } from './tags.js';

// Management (src/manage/router.ts): health is open for probes; the rest needs the management
// credentials (the API's unless separate ones are configured). The job and publish endpoints are what
// the conformance harness drives (CONTRACT.md).
const unauthorized = { 401: ref('responses', 'Unauthorized') };
const health = schemaRef('Health');

const getHealth = operation({
  operationId: 'getHealth', tag: TAG.management, summary: 'Health, for probes', open: true,
  description: 'UP while every part works; a degraded part shows DEGRADED in `components` while the whole stays UP.',
  responses: {
    200: jsonResponse('UP.', health, MANAGE_HEADERS),
    503: jsonResponse('DOWN: a part the daemon needs does not work.', health, MANAGE_HEADERS),
  },
});

const getInfo = operation({
  operationId: 'getInfo', tag: TAG.management, summary: 'Version, organisation and enabled services',
  responses: { 200: jsonResponse('About this daemon.', schemaRef('Info'), MANAGE_HEADERS), ...unauthorized },
});

const getMetrics = operation({
  operationId: 'getPrometheusMetrics', tag: TAG.management, summary: 'Metrics in the Prometheus text format',
  responses: {
    200: {
      description: 'Request and status counters, queue depth and process metrics.',
      headers: MANAGE_HEADERS,
      content: { 'text/plain': { schema: { type: 'string' } } },
    },
    ...unauthorized,
  },
});

const listJobs = operation({
  operationId: 'listJobs', tag: TAG.management, summary: 'The scheduled jobs',
  responses: { 200: jsonResponse('Their names.', schemaRef('Jobs'), MANAGE_HEADERS), ...unauthorized },
});

const runJob = operation({
  operationId: 'runJob', tag: TAG.management, summary: 'Run a job now and wait for it',
  parameters: [pathParam('name', { type: 'string' }, 'The job\'s name, as listed by GET /manage/jobs.')],
  responses: {
    200: jsonResponse('The job ran.', schemaRef('JobRun'), MANAGE_HEADERS),
    ...unauthorized,
    404: { ...ref('responses', 'ManageNotFound'), description: 'No job of that name.' },
  },
});

const publish = operation({
  operationId: 'publishStatusEvent', tag: TAG.management, summary: 'Push a status event to the subscriptions',
  description: 'As if that status had been recorded; for testing webhook receivers.',
  requestBody: { required: true, content: jsonContent(schemaRef('StatusEventInput')) },
  responses: {
    200: jsonResponse('Queued for delivery.', schemaRef('Published'), MANAGE_HEADERS),
    400: ref('responses', 'ManageBadRequest'),
    ...unauthorized,
  },
});

export const MANAGE_PATHS: Record<string, Json> = {
  '/manage/health': { get: getHealth },
  '/manage/info': { get: getInfo },
  '/manage/prometheus': { get: getMetrics },
  '/manage/jobs': { get: listJobs },
  '/manage/jobs/{name}/run': { post: runJob },
  '/manage/webhooks/publish': { post: publish },
};
