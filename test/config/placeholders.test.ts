import { describe, expect, it } from 'vitest';
import type { RawValue } from '../../src/config/fields.js';
import type { PlaceholderTarget } from '../../src/config/placeholders.js';
import { createResolver, PlaceholderError } from '../../src/config/placeholders.js';

function resolverOver(keys: Record<string, RawValue | undefined>, secrets: string[] = []) {
  const find = (name: string): PlaceholderTarget | undefined =>
    name in keys ? { id: name, raw: keys[name], secret: secrets.includes(name) } : undefined;
  const resolve = createResolver(find);
  return (key: string) => {
    const raw = keys[key];
    if (raw === undefined) throw new Error(`no ${key}`);
    return resolve(key, raw);
  };
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe(createResolver.name, () => {
  it('replaces placeholders recursively and keeps the text around them', () => {
    const resolve = resolverOver({ a: 'x-${b}-y', b: '${c}/jwk', c: 'http://h' });
    expect(resolve('a').value).toBe('x-http://h/jwk-y');
  });

  it('uses the default after the first colon, itself resolved', () => {
    const resolve = resolverOver({ a: '${missing:http://fallback:1}', b: '${missing:${c}}', c: 'C', d: '${missing:}' });
    expect(resolve('a').value).toBe('http://fallback:1');
    expect(resolve('b').value).toBe('C');
    expect(resolve('d').value).toBe('');
  });

  it('resolves each element of a list and joins a list used inside text', () => {
    const resolve = resolverOver({ l: ['${c}', 'y'], t: 'all=${l}', c: 'C' });
    expect(resolve('l').value).toEqual(['C', 'y']);
    expect(resolve('t').value).toBe('all=C,y');
  });

  it('names the keys of a cycle', () => {
    const resolve = resolverOver({ a: '${b}', b: '${c}', c: '${a}' });
    const error = catchError(() => resolve('a'));
    expect((error as PlaceholderError).message).toBe('placeholder cycle: a → b → c → a');
    expect((error as PlaceholderError).details).toEqual({ isCycle: true });
  });

  it('says which key has no value, marks a known one as unset and names the key whose value failed', () => {
    const resolve = resolverOver({ a: '${nowhere}', b: '${via}', via: '${known}', known: undefined });
    expect(() => resolve('a')).toThrow(/\$\{nowhere\} names a key that has no value/);
    const error = catchError(() => resolve('b'));
    expect(error).toBeInstanceOf(PlaceholderError);
    expect((error as PlaceholderError).details).toEqual({ unsetKey: 'known', origin: 'via' });
  });

  it('refuses an unclosed placeholder', () => {
    expect(() => resolverOver({ a: 'x${b' })('a')).toThrow(/no closing/);
  });

  it('marks a value built from a secret as tainted', () => {
    const resolve = resolverOver({ a: 'u:${pw}', pw: 'hunter2', b: 'plain' }, ['pw']);
    expect(resolve('a').tainted).toBe(true);
    expect(resolve('b').tainted).toBe(false);
  });
});
