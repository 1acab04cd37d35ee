import type { Sink, SubscribePayload } from "graphql-ws";

/**
 * Subscriptions that survive anything short of the page closing.
 *
 * graphql-ws already reconnects the socket (retryAttempts: Infinity) and re-sends every
 * active subscription on the new socket; it re-sends the *same payload object*, serialised
 * again at each send. So this forwarder gives each subscription one mutable payload and,
 * for an operation whose context carries `resumeVariables`, rewrites `payload.variables`
 * after every result (e.g. `afterSequence` = the last event's sequence): the
 * re-subscription after a reconnect resumes right after the last event seen.
 *
 * Some ends are final for graphql-ws (close codes 4400/4401/4500…, an `error` message, a
 * server `complete`); urql would then end the stream for good. For a resumable operation
 * this forwarder starts it again itself, after an exponential, jittered, capped delay,
 * with the latest variables. Plain operations are forwarded unchanged.
 */

export type Variables = Record<string, unknown>;

/** Given the variables in use and one result's `data`, the variables to resume with. */
export type ResumeVariables = (variables: Variables, data: unknown) => Variables;

/** Operation context keys this forwarder understands (urql passes the context through). */
export interface ResumableContext {
  resumeVariables?: ResumeVariables;
}

/** What graphql-ws `Client` offers (and a fake in tests). */
export interface SubscribeTransport {
  subscribe(payload: SubscribePayload, sink: Sink<unknown>): () => void;
}

export interface ForwarderOptions {
  /** Delay before restart number `attempt` (0-based) of a resumable stream that ended. */
  retryDelayMs: (attempt: number) => number;
  /** A resumable stream ended (error, or completion when undefined); it will restart. */
  onInterrupted?: (error: unknown) => void;
  /** Any subscription delivered a result. */
  onResult?: (result: { data?: unknown; errors?: unknown }) => void;
  /** A stream that ran this long before ending restarts from the first (shortest) delay. */
  healthyAfterMs?: number;
}

/** The request part urql hands to `forwardSubscription` (its `FetchBody`). */
export interface ForwardedRequest {
  query?: string;
  operationName?: string;
  variables?: Variables;
  extensions?: Record<string, unknown>;
}

export interface ObserverLike<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

type MutablePayload = { -readonly [K in keyof SubscribePayload]: SubscribePayload[K] };

export function createSubscriptionForwarder(transport: SubscribeTransport, options: ForwarderOptions) {
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;

  return function forwardSubscription(request: ForwardedRequest, operation?: { context?: Record<string, unknown> & ResumableContext }) {
    const payload: MutablePayload = {
      query: request.query ?? "",
      operationName: request.operationName,
      variables: { ...request.variables },
      extensions: request.extensions,
    };
    const resume = typeof operation?.context?.resumeVariables === "function" ? operation.context.resumeVariables : undefined;

    return {
      subscribe(observer: ObserverLike<any>) {
        if (!resume) {
          const dispose = transport.subscribe(payload, {
            next(result) {
              options.onResult?.(result as { data?: unknown });
              observer.next(result);
            },
            error: (e) => observer.error(e),
            complete: () => observer.complete(),
          });
          return { unsubscribe: dispose };
        }

        let stopped = false;
        let dispose: (() => void) | null = null;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let attempt = 0;

        const start = () => {
          timer = undefined;
          if (stopped) return;
          const startedAt = Date.now();
          let ended = false;
          const end = (error: unknown) => {
            if (ended) return;
            ended = true;
            dispose = null;
            if (stopped) return;
            if (Date.now() - startedAt >= healthyAfterMs) attempt = 0;
            options.onInterrupted?.(error);
            timer = setTimeout(start, options.retryDelayMs(attempt++));
          };
          dispose = transport.subscribe(payload, {
            next(value) {
              if (ended || stopped) return;
              const result = value as { data?: unknown; errors?: unknown };
              attempt = 0;
              if (result.data != null) payload.variables = resume({ ...payload.variables }, result.data);
              options.onResult?.(result);
              observer.next(result);
            },
            error: end,
            complete: () => end(undefined),
          });
        };

        start();
        return {
          unsubscribe() {
            stopped = true;
            if (timer !== undefined) clearTimeout(timer);
            const d = dispose;
            dispose = null;
            d?.();
          },
        };
      },
    };
  };
}
