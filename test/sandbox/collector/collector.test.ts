import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock/index.js';
import { HttpCollector, JsonLinesCollector, startTrackingCollector, type TrackingCollector } from '../../../src/sandbox/collector/index.js';

const doc = (id: string) => ({ event_id: id, logger_name: 'STATUS', message: `event ${id}` });

/** Sends lines on one connection, half-closes, and says how the collector ended it. */
function sendLines(port: number, text: string): Promise<'closed' | 'reset'> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => resolve('reset'));
    socket.on('data', () => undefined);
    socket.on('end', () => resolve('closed'));
    socket.end(text);
  });
}

const post = (url: string, events: unknown[]) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });

describe(JsonLinesCollector.name, () => {
  const started: JsonLinesCollector[] = [];
  afterEach(async () => { for (const c of started.splice(0)) await c.stop(); });
  const start = async () => {
    const c = await JsonLinesCollector.start({ clock: systemClock });
    started.push(c);
    return c;
  };

  it('keeps every line it reads, repeats included, and closes in order after the client ends', async () => {
    const c = await start();
    const text = `${JSON.stringify(doc('a'))}\n${JSON.stringify(doc('b'))}\n`;
    expect(await sendLines(c.port, text)).toBe('closed');
    expect(await sendLines(c.port, text)).toBe('closed');
    expect(c.received().map((l) => l.eventId)).toEqual(['a', 'b', 'a', 'b']);
    expect(c.uniqueEventIds()).toEqual(new Set(['a', 'b']));
  });

  it('takes a last line without a newline, as Logstash does', async () => {
    const c = await start();
    await sendLines(c.port, JSON.stringify(doc('tail')));
    expect(c.received().map((l) => l.eventId)).toEqual(['tail']);
  });

  it('resets the connection on demand after reading, and listens on the same port after a restart', async () => {
    const c = await start();
    c.fail('reset');
    expect(await sendLines(c.port, `${JSON.stringify(doc('a'))}\n`)).toBe('reset');
    expect(c.received()).toHaveLength(1);
    const port = c.port;
    await c.stop();
    expect(await sendLines(port, 'x\n')).toBe('reset');
    await c.restart();
    c.heal();
    expect(c.port).toBe(port);
    expect(await sendLines(port, `${JSON.stringify(doc('b'))}\n`)).toBe('closed');
    expect([...c.uniqueEventIds()]).toEqual(['a', 'b']);
  });
});

describe(HttpCollector.name, () => {
  const started: HttpCollector[] = [];
  afterEach(async () => { for (const c of started.splice(0)) await c.stop(); });
  const start = async () => {
    const c = await HttpCollector.start({ clock: systemClock });
    started.push(c);
    return c;
  };

  it('stores each event id once, acknowledges it, and lists an acknowledged id that arrives again', async () => {
    const c = await start();
    const res = await post(c.url, [doc('a'), doc('b'), { event_id: 'c' }]);
    expect(await res.json()).toEqual({ stored: ['a', 'b'], rejected: [{ eventId: 'c', reason: 'no logger_name' }] });
    await post(c.url, [doc('b')]);
    expect(c.stored().map((e) => e.eventId)).toEqual(['a', 'b']);
    expect(c.arrivalsOf('b')).toBe(2);
    expect(c.repeatsAfterAck()).toEqual(['b']);
  });

  it('takes and acknowledges only half when told to, and an unacknowledged repeat is not counted against it', async () => {
    const c = await start();
    c.fail('partial');
    expect(await (await post(c.url, [doc('a'), doc('b'), doc('c'), doc('d')])).json()).toMatchObject({ stored: ['a', 'b'] });
    expect(c.stored().map((e) => e.eventId)).toEqual(['a', 'b']);
    c.heal();
    await post(c.url, [doc('c'), doc('d')]);
    expect(c.repeatsAfterAck()).toEqual([]);
    expect(c.stored()).toHaveLength(4);
  });

  it('answers 503 without storing, and drops the answer after storing, on demand', async () => {
    const c = await start();
    c.fail('unavailable');
    expect((await post(c.url, [doc('a')])).status).toBe(503);
    expect(c.stored()).toHaveLength(0);
    c.fail('drop-answer');
    await expect(post(c.url, [doc('a')])).rejects.toThrow();
    expect(c.stored().map((e) => e.eventId)).toEqual(['a']);
    expect(c.repeatsAfterAck()).toEqual([]);
  });
});

describe(startTrackingCollector.name, () => {
  let collector: TrackingCollector | undefined;
  afterEach(async () => { await collector?.close(); });

  it('shows what both inputs received on its page, also while an input is stopped', async () => {
    collector = await startTrackingCollector({ clock: systemClock });
    await sendLines(collector.jsonLines.port, `${JSON.stringify(doc('t1'))}\n${JSON.stringify(doc('t1'))}\n`);
    await post(collector.http.url, [doc('h1')]);
    await collector.http.stop();
    const view = (await (await fetch(collector.viewUrl)).json()) as Record<string, Record<string, unknown>>;
    expect(view.jsonLines).toMatchObject({ lines: 2, uniqueEvents: 1 });
    expect(view.http).toMatchObject({ stored: 1, arrivals: 1, repeatsAfterAck: 0 });
    expect(view.http?.events).toEqual([doc('h1')]);
  });
});
