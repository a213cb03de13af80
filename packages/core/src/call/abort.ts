/**
 * Cancellation helpers. A verb or a fetch runs under an `AbortSignal`; when it fires (live
 * change, hang-up, barge-in) the awaited work must stop at once even if the driver or the
 * transport is slow to settle, so every await on a port goes through {@link untilAborted}.
 */

/** Thrown (once, shared) when awaited work is abandoned because its signal fired. */
export class Aborted extends Error {
  override readonly name = 'Aborted';
}

/** The shared instance: abandoning work is frequent, a stack trace per abort is not needed. */
export const ABORTED = new Aborted('operation abandoned');

/** Whether `error` is the abandonment marker. */
export function isAborted(error: unknown): boolean {
  return error instanceof Aborted;
}

/**
 * Settle with `promise`, or reject with {@link ABORTED} as soon as `signal` fires. The
 * outcome of the abandoned promise is ignored (a late rejection is swallowed).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(noop);
    return Promise.reject(ABORTED);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A child controller that aborts when `parent` does; `dispose` detaches it. */
export function childController(parent: AbortSignal): { controller: AbortController; dispose(): void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(ABORTED);
    return { controller, dispose: noop };
  }
  const onAbort = () => controller.abort(ABORTED);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', onAbort) };
}

function noop(): void {}

/**
 * The engine's spare `AbortController`s. Creating one costs two EventTarget-like objects, and
 * most work (a fetch, a verb, a callback attempt) ends without aborting, so a controller
 * that was never aborted is handed out again, to any call. Operations remove their abort
 * listeners when they settle (the port contracts ask it); reuse is bounded so that one that
 * forgets cannot pile listeners up on one signal.
 */
export class ControllerPool {
  private readonly spare: AbortController[] = [];

  constructor(
    private readonly maxSpare = 256,
    private readonly maxUses = 8,
  ) {}

  /** A controller that has not fired. */
  take(): AbortController {
    return this.spare.pop() ?? new AbortController();
  }

  /** The work under `controller` settled and nothing holds its signal: it may be reused. */
  give(controller: AbortController): void {
    if (controller.signal.aborted || this.spare.length >= this.maxSpare) return;
    // The count rides on the controller itself: a WeakMap lookup per operation cost more.
    const counted = controller as Counted;
    const uses = (counted[USES] ?? 0) + 1;
    if (uses >= this.maxUses) return;
    counted[USES] = uses;
    this.spare.push(controller);
  }
}

/** Times a spare controller was handed out. */
const USES = Symbol('rcml.controllerUses');

type Counted = AbortController & { [USES]?: number };

/**
 * Run a port call whose outcome does not matter to the call (hanging up, cancelling): a
 * rejection or even a synchronous throw is passed to `onError` instead of escaping.
 */
export function fireAndForget(call: () => Promise<unknown>, onError: (error: unknown) => void = noop): void {
  try {
    call().catch(onError);
  } catch (error) {
    onError(error);
  }
}
