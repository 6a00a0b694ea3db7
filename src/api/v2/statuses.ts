import { Router, type Request } from 'express';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import type { StatusFilter, Store } from '../../store/index.js';
import { sendJson } from '../json.js';
import { pageRequestOf, renderPage } from '../paging.js';
import { pathInt, queryDateTime, queryInt, queryStatus, queryString } from '../query.js';
import { statusJson } from './render.js';

// Message statuses (api notes §2.9): search, per message, and the peek/delete queue.
type StatusStore = Pick<Store, 'listStatuses' | 'peekStatusQueue' | 'removeFromStatusQueue'>;

const DEFAULT_SORT = [{ property: 'id', direction: 'asc' as const }];

function filterOf(req: Request): StatusFilter {
  const from = queryDateTime(req, 'fromDateTime');
  const to = queryDateTime(req, 'toDateTime');
  if ((from === undefined) !== (to === undefined)) {
    throw new ValidationError('fromDateTime and toDateTime must be given together', { code: 'EFM_INVALID_QUERY_PARAMETER' });
  }
  return {
    id: queryInt(req, 'id'),
    messageId: queryString(req, 'messageId'),
    conversationId: queryString(req, 'conversationId'),
    status: queryStatus(req),
    fromDateTime: from,
    toDateTime: to,
  };
}

export function statusesRouter(store: StatusStore): Router {
  const r = Router();
  r.get('/statuses', async (req, res) => {
    sendJson(res, renderPage(await store.listStatuses(filterOf(req), pageRequestOf(req, DEFAULT_SORT)), statusJson));
  });
  r.get('/statuses/peek', async (_req, res) => {
    const s = await store.peekStatusQueue();
    if (!s) {
      res.status(204).end();
      return;
    }
    sendJson(res, statusJson(s));
  });
  r.get('/statuses/:messageId', async (req, res) => {
    const page = await store.listStatuses({ messageId: req.params.messageId }, pageRequestOf(req, DEFAULT_SORT));
    res.type('application/json; charset=utf-8');
    sendJson(res, renderPage(page, statusJson));
  });
  r.delete('/statuses/:id', async (req, res) => {
    const id = pathInt(req.params.id, 'id');
    if (!(await store.removeFromStatusQueue(id))) {
      throw new NotFoundError(`Status with id = ${id} is not in the status queue`, { code: 'EFM_STATUS_NOT_QUEUED' });
    }
    res.status(200).end();
  });
  return r;
}
