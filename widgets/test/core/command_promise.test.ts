import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDeferred, rejected } from '../../src/core/command_promise';
import { flush, makeBus, plugin } from '../helpers';

describe('command promises', () => {
  const unhandled = vi.fn();
  beforeEach(() => {
    unhandled.mockReset();
    process.on('unhandledRejection', unhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', unhandled);
  });

  it('are native promises with done, fail and always returning the same object', async () => {
    const report = vi.fn();
    const deferred = createDeferred<number>(report);
    const promise = deferred.promise();
    const seen: string[] = [];

    expect(promise).toBeInstanceOf(Promise);
    expect(promise.done((v) => seen.push(`done ${v}`))).toBe(promise);
    expect(promise.fail((r) => seen.push(`fail ${String(r)}`))).toBe(promise);
    expect(promise.always((x) => seen.push(`always ${String(x)}`))).toBe(promise);
    deferred.resolve(5);

    await expect(promise).resolves.toBe(5);
    await flush();
    expect(seen).toEqual(['done 5', 'always 5']);
  });

  it('call fail and always on rejection and chain like site code does', async () => {
    const promise = rejected(vi.fn(), 'no');
    const seen: string[] = [];
    promise
      .done(() => seen.push('done'))
      .fail((reason) => seen.push(`fail ${String(reason)}`))
      .always(() => seen.push('always'));

    await flush();
    expect(seen).toEqual(['fail no', 'always']);
    await expect(promise).rejects.toBe('no');
  });

  it('make no unhandled-rejection noise for ignored or done-only results', async () => {
    const { bus } = makeBus();
    plugin(bus, 'P').ready();
    void bus.command('P.missing');
    bus.command('P.missing').done(() => undefined);
    rejected(vi.fn(), 'ignored');

    await flush();
    await flush();
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('contain exceptions thrown by callbacks and report them', async () => {
    const report = vi.fn();
    const deferred = createDeferred(report);
    const after = vi.fn();
    deferred
      .promise()
      .done(() => {
        throw new Error('callback bug');
      })
      .always(after);
    deferred.resolve('ok');

    await flush();
    expect(report).toHaveBeenCalledWith(expect.objectContaining({ message: 'callback bug' }));
    expect(after).toHaveBeenCalledWith('ok');
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('ignore callbacks that are not functions', async () => {
    const deferred = createDeferred(vi.fn());
    const promise = deferred
      .promise()
      .done(undefined as never)
      .fail('x' as never);
    deferred.reject('r');
    await expect(promise).rejects.toBe('r');
  });
});
