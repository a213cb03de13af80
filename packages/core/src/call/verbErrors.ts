/**
 * Telling a bug in verb code from a failing media driver. A driver reports a failed operation
 * by rejecting it (any error it likes: the call goes on, notice 14103); a JavaScript runtime
 * error (`TypeError`, `ReferenceError`, `RangeError`, `SyntaxError`) is a bug in the engine's
 * own code: notice 14120, and the call ends (docs/decisions.md, "The call machine").
 */

/** Whether `error`, thrown by a verb, is a bug in the engine's code rather than a driver failure. */
export function isVerbBug(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof ReferenceError ||
    error instanceof RangeError ||
    error instanceof SyntaxError
  );
}
