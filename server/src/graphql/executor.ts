/**
 * Execution for HTTP and WebSocket through graphql-jit: each validated document is compiled
 * once into a function, then run for every request and every pushed event. graphql-js
 * interprets the document per field (an info object, an argument map and a completion
 * dispatch for each of a 50-incident page's ~3,000 fields); the compiled form does the same
 * work in well under half the time, with the same resolvers, scalars and error semantics.
 *
 * A document graphql-jit cannot compile runs through graphql-js instead (logged once), so
 * compilation is an optimisation, never a way to fail a valid request.
 */
import {
  GraphQLError,
  createSourceEventStream,
  execute as executeJs,
  subscribe as subscribeJs,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import type { Logger } from "../platform/logger.js";

type Maybe<T> = T | Promise<T>;

/**
 * A graphql-ws subscriber's own socket, for pushes written straight to it: its subscription
 * id and a send that writes one text frame (nothing when the socket is closing).
 */
export interface DirectSink {
  id: string;
  send(text: string): void;
}

/** One event's answer for one (operation, variables, view), and its JSON once encoded. */
interface Shared {
  result: Maybe<ExecutionResult>;
  text?: Maybe<string>;
}

export class Executor {
  /** Compiled per document object: documents come from Apollo's and our own bounded caches, so this follows their lifetime. */
  private readonly compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  private readonly ids = new WeakMap<CompiledQuery, number>();
  private nextId = 1;
  /** Results per pushed event object, by operation, variables and view: gone with the event. */
  private readonly shared = new WeakMap<object, Map<string, Shared>>();

  /**
   * `viewOf(context)` names what a subscriber's context lets it see (its role and identity):
   * subscribers of one operation with equal variables and equal views get the same answer to
   * the same event, so it is computed once and shared. null: never shared.
   *
   * A shared subscriber whose context names a `DirectSink` (`sinkOf`) gets each push as one
   * frame written to its socket: the payload encoded once per event by `encode` (what
   * graphql-ws' onNext would make of it), prefixed with the subscriber's id. graphql-ws
   * still owns the subscription (its start, complete, errors and end); it only no longer
   * copies, serialises and awaits a write callback for each of a thousand subscribers.
   */
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly log: Logger,
    private readonly viewOf: (context: unknown) => string | null = () => null,
    private readonly direct?: { sinkOf: (context: unknown) => DirectSink | null; encode: (result: ExecutionResult) => string },
  ) {}

  private compiledFor(document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null {
    let byName = this.compiled.get(document);
    if (!byName) this.compiled.set(document, (byName = new Map()));
    const key = operationName ?? "";
    let c = byName.get(key);
    if (c === undefined) {
      let result: CompiledQuery | ExecutionResult | undefined;
      try {
        result = compileQuery(this.schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
      } catch (err) {
        this.log.warn({ err, operationName }, "graphql-jit could not compile an operation; graphql-js runs it");
      }
      // a document that does not compile (an unknown operation name, say) answers through
      // graphql-js, whose errors are the reference
      c = result && isCompiledQuery(result) ? result : null;
      byName.set(key, c);
    }
    return c;
  }

  execute = (args: ExecutionArgs, resolved = true): Maybe<ExecutionResult> => {
    const c = resolved ? this.compiledFor(args.document, args.operationName) : null;
    return c ? run(c, args) : executeJs(args);
  };

  /**
   * The source stream from graphql-js (graphql-jit 0.8 hands a subscription's `subscribe` the
   * operation's variables instead of the field's arguments), each event through the compiled
   * operation.
   */
  subscribe = async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> => {
    const c = this.compiledFor(args.document, args.operationName);
    if (!c) return (await subscribeJs(args)) as AsyncGenerator<ExecutionResult, void, void> | ExecutionResult;
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const key = this.shareKey(c, args);
    if (key === null) return mapEvents(stream, (payload) => run(c, { ...args, rootValue: payload }));
    const sink = this.direct?.sinkOf(args.contextValue) ?? null;
    if (sink) {
      const encode = this.direct!.encode;
      return pump(stream, sink, (payload) => {
        const entry = this.sharedFor(c, args, key, payload);
        if (entry.text === undefined) {
          const r = entry.result;
          entry.text = r instanceof Promise ? r.then(encode) : encode(r);
          // once encoded, later subscribers take the text itself, without a promise
          if (entry.text instanceof Promise) void entry.text.then((t) => (entry.text = t), () => undefined);
        }
        return entry.text;
      });
    }
    return mapEvents(stream, (payload) => this.sharedFor(c, args, key, payload).result);
  };

  /**
   * A thousand screens on one subscription: the event is executed once per key, each screen
   * only sends it.
   */
  private sharedFor(c: CompiledQuery, args: ExecutionArgs, key: string, payload: unknown): Shared {
    if (payload === null || typeof payload !== "object") return { result: run(c, { ...args, rootValue: payload }) };
    let byKey = this.shared.get(payload);
    if (!byKey) this.shared.set(payload, (byKey = new Map()));
    let entry = byKey.get(key);
    if (entry === undefined) {
      const result = run(c, { ...args, rootValue: payload });
      byKey.set(key, (entry = { result }));
      const e = entry;
      // once answered, the later subscribers take the answer itself, without a promise
      if (result instanceof Promise) void result.then((value) => (e.result = value), () => undefined);
    }
    return entry;
  }

  /** Subscribers with equal keys get equal answers; null: this one's answers are its own. */
  private shareKey(c: CompiledQuery, args: ExecutionArgs): string | null {
    const view = this.viewOf(args.contextValue);
    if (view === null) return null;
    try {
      return `${this.idOf(c)}|${JSON.stringify(args.variableValues ?? {})}|${view}`;
    } catch {
      return null; // variables nested beyond the stack: not worth a key
    }
  }

  private idOf(c: CompiledQuery): number {
    let id = this.ids.get(c);
    if (id === undefined) this.ids.set(c, (id = this.nextId++));
    return id;
  }
}

/**
 * One compiled run, answered as graphql-js would answer it: variables graphql-jit refuses are
 * refused again by graphql-js (nothing has run yet), whose errors name the variable and the
 * scalar's own reason and are what Apollo recognises as BAD_USER_INPUT; resolver errors
 * become graphql-js GraphQLErrors (graphql-jit's have no `extensions` object, which Apollo's
 * formatting expects).
 */
function run(c: CompiledQuery, args: ExecutionArgs): Maybe<ExecutionResult> {
  const result = c.query(args.rootValue, args.contextValue, args.variableValues);
  if (result instanceof Promise) return result.then(normalise);
  if (!("data" in result)) return executeJs(args);
  return normalise(result);
}

function normalise(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const g = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions ?? undefined });
    if (e.locations) (g as { locations?: unknown }).locations = e.locations;
    return g;
  });
  return { ...result, errors };
}

/**
 * Sends each source event to one subscriber's socket (as its text, encoded once for all), in
 * order, and hands graphql-ws an iterator that yields nothing: it settles when the source
 * ends (complete) or fails (an error message), and its return() (the client's complete, the
 * socket's close) stops the pump and ends the source.
 */
function pump(source: AsyncIterable<unknown>, sink: DirectSink, textOf: (v: unknown) => Maybe<string>): AsyncGenerator<ExecutionResult, void, void> {
  const it = source[Symbol.asyncIterator]();
  const done = { value: undefined, done: true } as const;
  const prefix = `{"id":${JSON.stringify(sink.id)},"type":"next","payload":`;
  let stopped = false;
  let finish!: (r: IteratorResult<ExecutionResult, void>) => void;
  let fail!: (err: unknown) => void;
  const ended = new Promise<IteratorResult<ExecutionResult, void>>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  ended.catch(() => undefined); // graphql-ws takes the rejection from next(); none is left unhandled before it asks
  const failed = (err: unknown): void => {
    if (stopped) return;
    stopped = true;
    void Promise.resolve(it.return?.()).catch(() => undefined);
    fail(err);
  };
  const send = (text: string): void => {
    if (stopped) return;
    sink.send(`${prefix}${text}}`);
    step();
  };
  const step = (): void => {
    it.next().then((r) => {
      if (stopped) return;
      if (r.done) {
        stopped = true;
        finish(done);
        return;
      }
      let text: Maybe<string>;
      try {
        text = textOf(r.value);
      } catch (err) {
        failed(err);
        return;
      }
      if (text instanceof Promise) text.then(send, failed);
      else send(text);
    }, failed);
  };
  step();
  const out: AsyncGenerator<ExecutionResult, void, void> = {
    next: () => ended,
    return: async () => {
      if (!stopped) {
        stopped = true;
        await Promise.resolve(it.return?.()).catch(() => undefined);
      }
      finish(done);
      return done;
    },
    throw: async (err: unknown) => {
      failed(err);
      return ended;
    },
    [Symbol.asyncIterator]() {
      return out;
    },
  };
  return out;
}

/**
 * Maps a source stream, as graphql-js does: a hand-written iterator rather than an async
 * generator, so that graphql-ws' return() reaches the source at once even while a next() is
 * waiting for an event (a generator would queue it behind that next()).
 */
function mapEvents<T>(source: AsyncIterable<unknown>, map: (v: unknown) => Maybe<T>): AsyncGenerator<T, void, void> {
  const it = source[Symbol.asyncIterator]();
  const done = { value: undefined, done: true } as const;
  const failed = async (err: unknown): Promise<never> => {
    await it.return?.().catch(() => undefined);
    throw err;
  };
  // then-chains, not async functions: a pushed event reaches each of a thousand subscribers
  // through this, and every async frame is a promise and a microtask more per delivery
  const mapped = (r: IteratorResult<unknown>): Maybe<IteratorResult<T, void>> => {
    if (r.done) return done;
    let value: Maybe<T>;
    try {
      value = map(r.value);
    } catch (err) {
      return failed(err);
    }
    return value instanceof Promise ? value.then((v) => ({ value: v, done: false }), failed) : { value, done: false };
  };
  const out: AsyncGenerator<T, void, void> = {
    next: () => it.next().then(mapped),
    return: async () => (it.return ? mapped(await it.return()) : done),
    throw: async (err: unknown) => {
      if (it.throw) return mapped(await it.throw(err));
      throw err;
    },
    [Symbol.asyncIterator]() {
      return out;
    },
  };
  return out;
}
