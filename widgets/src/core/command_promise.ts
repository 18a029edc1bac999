import type { CommandPromise, Deferred } from './types';

type Report = (error: unknown) => void;

/**
 * Make a deferred whose promise is native and also has `done`/`fail`/`always`.
 *
 * The promise is marked handled at birth: a page that fires a command and ignores the
 * result (or only calls `.done()`) must not see unhandled-rejection noise because of us.
 * Callbacks given to `done`/`fail`/`always` run in their own try/catch for the same reason.
 */
export function createDeferred<T = unknown>(report: Report): Deferred<T> {
  let settle!: (value: T) => void;
  let refuse!: (reason: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    settle = resolve;
    refuse = reject;
  }) as CommandPromise<T>;
  promise.catch(noop);

  const call = (fn: unknown, arg: unknown): void => {
    if (typeof fn !== 'function') return;
    try {
      fn(arg);
    } catch (error) {
      report(error);
    }
  };
  const on = (onValue: boolean, onReason: boolean, fn: unknown): CommandPromise<T> => {
    promise.then(
      (value) => onValue && call(fn, value),
      (reason) => onReason && call(fn, reason),
    );
    return promise;
  };
  promise.done = (fn) => on(true, false, fn);
  promise.fail = (fn) => on(false, true, fn);
  promise.always = (fn) => on(true, true, fn);

  return {
    resolve: (value) => settle(value as T),
    reject: refuse,
    promise: () => promise,
  };
}

/** A deferred that is already rejected with `reason`. */
export function rejected<T = unknown>(report: Report, reason: string): CommandPromise<T> {
  const deferred = createDeferred<T>(report);
  deferred.reject(reason);
  return deferred.promise();
}

function noop(): void {}
