import type { EventEmitter } from "node:events";

/**
 * Ctrl-C during training: the first SIGINT aborts the controller (the runner saves a checkpoint
 * and returns cleanly); a second one calls `onForceExit` at once. Returns a function that removes
 * the handlers.
 *
 * Node delivers signals on the event loop, so the runner must yield to it now and then (an
 * `await` between steps) for the first Ctrl-C to be seen while it trains.
 */
export function handleInterrupts(options: {
  readonly target: EventEmitter;
  readonly controller: AbortController;
  readonly onFirst: () => void;
  readonly onForceExit: () => void;
}): () => void {
  const { target, controller } = options;
  const handler = (): void => {
    if (!controller.signal.aborted) {
      controller.abort();
      options.onFirst();
    } else {
      options.onForceExit();
    }
  };
  target.on("SIGINT", handler);
  return () => {
    target.removeListener("SIGINT", handler);
  };
}
