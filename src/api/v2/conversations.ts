import { Router, type Request } from 'express';
import { MessageNotFoundError, NotFoundError } from '../../domain/errors.js';
import type { ConversationFilter, ConversationRecord, Page, Store } from '../../store/index.js';
import { sendJson } from '../json.js';
import { pageRequestOf, renderPage } from '../paging.js';
import { pathInt, queryBool, queryDate, queryDirection, queryService, queryString } from '../query.js';
import { conversationJson } from './render.js';

// Conversations (api notes §2.8). Single lookups return OUTGOING conversations only, as the reference.
type ConversationStore = Pick<Store, 'listConversations' | 'statusesOf' | 'findConversationById' | 'findConversationByMessageId' | 'deleteConversation' | 'deleteConversationByMessageId'>;

const DEFAULT_SORT = [{ property: 'lastUpdate', direction: 'desc' as const }];

function filterOf(req: Request): ConversationFilter {
  return {
    messageId: queryString(req, 'messageId'),
    conversationId: queryString(req, 'conversationId'),
    receiver: queryString(req, 'receiver'),
    receiverIdentifier: queryString(req, 'receiverIdentifier'),
    sender: queryString(req, 'sender'),
    senderIdentifier: queryString(req, 'senderIdentifier'),
    serviceIdentifier: queryService(req),
    messageReference: queryString(req, 'messageReference'),
    messageTitle: queryString(req, 'messageTitle'),
    pollable: queryBool(req, 'pollable'),
    finished: queryBool(req, 'finished'),
    direction: queryDirection(req),
    lastUpdateFrom: queryDate(req, 'lastUpdateFrom'),
    lastUpdateTo: queryDate(req, 'lastUpdateTo', true),
  };
}

class ConversationNotFoundError extends NotFoundError {
  constructor(id: number) {
    super(`Conversation with id = ${id} was not found`, { code: 'EFM_CONVERSATION_NOT_FOUND', exception: 'no.difi.meldingsutveksling.exceptions.ConversationNotFoundException' });
  }
}

export function conversationsRouter(store: ConversationStore): Router {
  const r = Router();

  const renderWithStatuses = async (page: Page<ConversationRecord>) => {
    const statuses = await store.statusesOf(page.content.map((c) => c.id));
    return renderPage(page, (c) => conversationJson(c, statuses.get(c.id) ?? []));
  };
  const one = async (c: ConversationRecord) => conversationJson(c, (await store.statusesOf([c.id])).get(c.id) ?? []);

  r.get('/conversations', async (req, res) => {
    sendJson(res, await renderWithStatuses(await store.listConversations(filterOf(req), pageRequestOf(req, DEFAULT_SORT))));
  });
  r.get('/conversations/queue', async (req, res) => {
    sendJson(res, await renderWithStatuses(await store.listConversations({ ...filterOf(req), pollable: true }, pageRequestOf(req, DEFAULT_SORT))));
  });
  r.get('/conversations/messageId/:messageId', async (req, res) => {
    const c = await store.findConversationByMessageId(req.params.messageId, 'OUTGOING');
    if (!c) throw new MessageNotFoundError(req.params.messageId);
    sendJson(res, await one(c));
  });
  r.get('/conversations/:id', async (req, res) => {
    const id = pathInt(req.params.id, 'id');
    const c = await store.findConversationById(id);
    if (!c || c.direction !== 'OUTGOING') throw new ConversationNotFoundError(id);
    sendJson(res, await one(c));
  });
  r.delete('/conversations/messageId/:messageId', async (req, res) => {
    await store.deleteConversationByMessageId(req.params.messageId);
    res.status(200).end();
  });
  r.delete('/conversations/:id', async (req, res) => {
    await store.deleteConversation(pathInt(req.params.id, 'id'));
    res.status(200).end();
  });
  return r;
}
