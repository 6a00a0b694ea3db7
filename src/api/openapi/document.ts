import { API_V2_VERSION } from '../v2/index.js';
import { schemaRef, type Json } from './json.js';
import { PAGEABLE_SCHEMA, SORT_SCHEMA, pageSchema } from './page.js';
import { PARAMETERS } from './parameters.js';
import { MANAGE_PATHS } from './paths-manage.js';
import { MESSAGE_PATHS } from './paths-messages.js';
import { META_PATHS } from './paths-meta.js';
import { SUBSCRIPTION_PATHS } from './paths-subscriptions.js';
import { TRACKING_PATHS } from './paths-tracking.js';
import { HEADERS, RESPONSES } from './responses.js';
import { RESOURCE_SCHEMAS } from './schemas-resources.js';
import { SBD_SCHEMAS } from './schemas-sbd.js';
import { SERVICE_SCHEMAS } from './schemas-service.js';
import { TAGS } from './tags.js';
import { WEBHOOKS } from './webhooks.js';

// The whole HTTP API in one OpenAPI 3.1 document; case-system vendors generate their clients from it.
// test/api/openapi/openapi.test.ts walks the real routers and fails when a route is missing here or a
// documented one is not served.
const DESCRIPTION = [
  'The next-move API of the eFormidling integration point, compatible with the reference integrasjonspunkt\'s eFormidling 2 API, plus management.',
  '',
  '**Versions.** Paths are documented under `/api/…`, where the current major is served; the same operations are served under `/api/v2/…`.',
  'Pin `/api/v2/…` to stay on major 2 when a later major becomes current. Every `/api` answer carries the full version in `API-Version`.',
  '',
  '**Errors** keep the reference\'s body (`timestamp`, `status`, `error`, `exception`, `message`, `path`, `errors`) with a stable `code`',
  'and the RFC 9457 members beside it; ask for `application/problem+json` in Accept to get that media type.',
  '',
  '**Auth.** HTTP basic auth on everything but `/manage/health`, unless switched off in the configuration.',
  '',
  '**JSON.** Null members are left out; times are ISO-8601 with an offset, and a time without an offset is read as Europe/Oslo.',
].join('\n');

function pages(): Record<string, Json> {
  return {
    StandardBusinessDocumentPage: pageSchema(schemaRef('StandardBusinessDocument'), 'A page of SBDs.'),
    ConversationPage: pageSchema(schemaRef('Conversation'), 'A page of conversations.'),
    MessageStatusPage: pageSchema(schemaRef('MessageStatus'), 'A page of message statuses.'),
    SubscriptionPage: pageSchema(schemaRef('Subscription'), 'A page of subscriptions.'),
  };
}

export function openApiDocument(): Json {
  return {
    openapi: '3.1.1',
    info: {
      title: 'eFormidling integration point API',
      version: API_V2_VERSION,
      description: DESCRIPTION,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    security: [{ basicAuth: [] }],
    tags: TAGS,
    paths: { ...META_PATHS, ...MESSAGE_PATHS, ...TRACKING_PATHS, ...SUBSCRIPTION_PATHS, ...MANAGE_PATHS },
    webhooks: WEBHOOKS,
    components: {
      securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' } },
      schemas: { ...SBD_SCHEMAS, ...RESOURCE_SCHEMAS, ...SERVICE_SCHEMAS, Sort: SORT_SCHEMA, Pageable: PAGEABLE_SCHEMA, ...pages() },
      parameters: PARAMETERS,
      headers: HEADERS,
      responses: RESPONSES,
    },
  };
}
