import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import type { IncomingFilter, IncomingMessages } from '../../messages/incoming.js';
import { sendJson } from '../json.js';
import { pageRequestOf, renderPage } from '../paging.js';
import { queryService, queryString } from '../query.js';

// Incoming messages (api notes §2.7). Note the filter is `process` here, `processIdentifier` outgoing.
function filterOf(req: Request): IncomingFilter {
  return {
    messageId: queryString(req, 'messageId'),
    conversationId: queryString(req, 'conversationId'),
    receiverIdentifier: queryString(req, 'receiverIdentifier'),
    senderIdentifier: queryString(req, 'senderIdentifier'),
    serviceIdentifier: queryService(req),
    process: queryString(req, 'process'),
  };
}

export function messagesInRouter(incoming: IncomingMessages): Router {
  const r = Router();
  r.get('/messages/in', async (req, res) => {
    sendJson(res, renderPage(await incoming.list(filterOf(req), pageRequestOf(req)), (m) => m.sbd));
  });
  r.get('/messages/in/peek', async (req, res) => {
    const sbd = await incoming.peek(filterOf(req));
    if (!sbd) {
      res.status(204).end();
      return;
    }
    sendJson(res, sbd);
  });
  r.get('/messages/in/pop/:messageId', async (req, res) => {
    const asic = await incoming.pop(req.params.messageId);
    if (!asic) {
      res.status(204).end();
      return;
    }
    res.status(200);
    res.setHeader('Content-Type', 'application/vnd.etsi.asic-e+zip');
    res.setHeader('Content-Disposition', 'attachment; filename=asic.zip');
    res.setHeader('Content-Length', String(asic.size));
    await pipeline(asic.content, res);
  });
  r.delete('/messages/in/:messageId', async (req, res) => {
    sendJson(res, await incoming.remove(req.params.messageId));
  });
  return r;
}
