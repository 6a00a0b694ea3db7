import { Router, type Request, type RequestHandler } from 'express';
import type { OutgoingMessages } from '../../messages/outgoing.js';
import type { MessageFilter } from '../../store/index.js';
import { sendJson } from '../json.js';
import { pageRequestOf, renderPage } from '../paging.js';
import { queryService, queryString } from '../query.js';
import { receiveMultipartMessage, type MultipartLimits } from './multipart.js';
import { uploadHeadersOf } from './upload-headers.js';

// Outgoing messages (api notes §2.2–§2.6).
function filterOf(req: Request): MessageFilter {
  return {
    messageId: queryString(req, 'messageId'),
    conversationId: queryString(req, 'conversationId'),
    processIdentifier: queryString(req, 'processIdentifier'),
    receiverIdentifier: queryString(req, 'receiverIdentifier'),
    senderIdentifier: queryString(req, 'senderIdentifier'),
    serviceIdentifier: queryService(req),
  };
}

export function messagesOutRouter(outgoing: OutgoingMessages, json: RequestHandler, multipart: MultipartLimits): Router {
  const r = Router();
  r.post('/messages/out', json, async (req, res) => {
    sendJson(res, await outgoing.create(req.body));
  });
  r.post('/messages/out/multipart', async (req, res) => {
    sendJson(res, await receiveMultipartMessage(req, outgoing, multipart));
  });
  r.get('/messages/out', async (req, res) => {
    sendJson(res, renderPage(await outgoing.list(filterOf(req), pageRequestOf(req)), (m) => m.sbd));
  });
  r.get('/messages/out/:messageId', async (req, res) => {
    sendJson(res, (await outgoing.get(req.params.messageId)).sbd);
  });
  r.put('/messages/out/:messageId', async (req, res) => {
    try {
      const headers = uploadHeadersOf(req);
      await outgoing.upload(req.params.messageId, { ...headers, content: req });
    } catch (err) {
      // A refused upload leaves the rest of its body unread: answer, then drop the connection rather
      // than read (possibly a gigabyte of) bytes nobody will keep.
      if (!req.complete) res.setHeader('Connection', 'close');
      throw err;
    }
    res.status(200).end();
  });
  r.post('/messages/out/:messageId', async (req, res) => {
    await outgoing.send(req.params.messageId);
    res.status(200).end();
  });
  r.delete('/messages/out/:messageId', async (req, res) => {
    await outgoing.remove(req.params.messageId);
    res.status(200).end();
  });
  return r;
}
