import express, { Router } from 'express';
import type { Subscriptions } from '../../messages/subscriptions.js';
import { sendJson } from '../json.js';
import { pageRequestOf, renderPage } from '../paging.js';
import { pathInt } from '../query.js';

export function subscriptionsRouter(subscriptions: Subscriptions, json: express.RequestHandler): Router {
  const r = Router();
  r.get('/subscriptions', async (req, res) => {
    sendJson(res, renderPage(await subscriptions.list(pageRequestOf(req)), (s) => s));
  });
  r.get('/subscriptions/:id', async (req, res) => {
    sendJson(res, await subscriptions.get(pathInt(req.params.id, 'id')));
  });
  r.post('/subscriptions', json, async (req, res) => {
    sendJson(res, await subscriptions.create(req.body));
  });
  r.put('/subscriptions/:id', json, async (req, res) => {
    await subscriptions.update(pathInt(req.params.id, 'id'), req.body);
    res.status(200).end();
  });
  r.delete('/subscriptions/:id', async (req, res) => {
    await subscriptions.remove(pathInt(req.params.id, 'id'));
    res.status(200).end();
  });
  r.delete('/subscriptions', async (_req, res) => {
    await subscriptions.removeAll();
    res.status(200).end();
  });
  return r;
}
