import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, setLogLevel } from '../../src/logging/index.js';

function collect() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({ write(chunk: Buffer, _e, done) { lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>); done(); } });
  return { lines, destination };
}

describe('createLogger', () => {
  it('never writes a national identity number or a password', () => {
    const c = collect();
    const log = createLogger({ level: 'info', destination: c.destination });
    log.info({ receiver: '17912099997', password: 'hunter2', nested: { token: 'abc' } }, 'sent to 17912099997');
    const text = JSON.stringify(c.lines);
    expect(text).not.toContain('17912099997');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('"abc"');
    expect(c.lines[0]?.msg).toMatch(/fnr-sha256:/);
  });

  it('changes the level of the root and of children made before the change', () => {
    const c = collect();
    const log = createLogger({ level: 'info', destination: c.destination });
    const child = log.child({ module: 'x' });
    child.debug('hidden');
    setLogLevel(log, 'debug');
    child.debug('shown');
    log.debug('shown too');
    setLogLevel(log, 'warn');
    child.info('hidden again');
    expect(c.lines.map((l) => l.msg)).toEqual(['shown', 'shown too']);
  });
});

describe('redactPersonNumbers', () => {
  it('hashes free-standing 11-digit runs, but leaves ids that merely contain eleven digits', async () => {
    const { redactPersonNumbers } = await import('../../src/logging/index.js');
    expect(redactPersonNumbers('/api/capabilities/09118532322?x=1')).not.toContain('09118532322');
    expect(redactPersonNumbers('fastlege-for:09118532322')).not.toContain('09118532322');
    expect(redactPersonNumbers('"17912099997"')).not.toContain('17912099997');
    const uuid = '2b6e1d2c-5a7f-4c3e-a93a-12345678901a';
    expect(redactPersonNumbers(`message ${uuid}`)).toContain(uuid);
  });
});
