/**
 * Cross-replica transport for committed changes: Redis pub/sub when REDIS_URL is set,
 * in-process otherwise. Built on `createPubSub` from @graphql-yoga/subscription (what
 * type-graphql 2.0 takes) with @graphql-yoga/redis-event-target over two ioredis clients.
 *
 * The event target publishes fire-and-forget and leaves its promises unhandled: with Redis
 * down a publish crashed the process. The outbox relay therefore publishes through
 * `publish()` here, which awaits Redis' answer and rejects when Redis is unreachable (the
 * relay then keeps the rows and retries); the event target only delivers.
 */
import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { Redis } from "ioredis";
import type { Logger } from "./logger.js";

export interface BusMessage {
  topic: string;
  /** The outbox row's id: with txId, the message's place in the published order. */
  id: string;
  /** Transaction id of the writing transaction (xid8 as a string). */
  txId: string;
  sequence: string | null;
  payload: unknown;
}

type Listener = (message: BusMessage) => void;

export interface EventBus {
  readonly kind: "redis" | "memory";
  readonly pubSub: PubSub<Record<string, [unknown]>>;
  /** Publishes in order; resolves once the transport accepted every message. */
  publish(messages: readonly BusMessage[]): Promise<void>;
  /** Listens on this replica. Returns the unsubscribe function. */
  on(topic: string, listener: Listener): () => void;
  /**
   * Called when the transport reconnects: listeners may have missed messages. `subscribed`
   * resolves once messages flow again; read what was missed after it, buffer what comes meanwhile.
   */
  onReconnect(listener: (subscribed: Promise<unknown>) => void): () => void;
  healthy(): boolean;
  close(): Promise<void>;
}

class Fanout {
  private readonly listeners = new Map<string, Set<Listener>>();
  readonly reconnectListeners = new Set<(subscribed: Promise<unknown>) => void>();

  on(topic: string, listener: Listener): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(listener);
    return () => set!.delete(listener);
  }

  emit(message: BusMessage, log: Logger): void {
    for (const listener of this.listeners.get(message.topic) ?? []) {
      try {
        listener(message);
      } catch (err) {
        log.error({ err, topic: message.topic }, "event listener failed");
      }
    }
  }

  topics(): string[] {
    return [...this.listeners.keys()];
  }
}

const CHANNEL = "atalaya:bus";

export class MemoryBus implements EventBus {
  readonly kind = "memory" as const;
  readonly pubSub = createPubSub<Record<string, [unknown]>>();
  private readonly fanout = new Fanout();

  constructor(private readonly log: Logger) {}

  async publish(messages: readonly BusMessage[]): Promise<void> {
    for (const m of messages) this.fanout.emit(m, this.log);
  }
  on(topic: string, listener: Listener) {
    return this.fanout.on(topic, listener);
  }
  onReconnect(listener: (subscribed: Promise<unknown>) => void) {
    this.fanout.reconnectListeners.add(listener);
    return () => this.fanout.reconnectListeners.delete(listener);
  }
  healthy() {
    return true;
  }
  async close() {}
}

export class RedisBus implements EventBus {
  readonly kind = "redis" as const;
  readonly pubSub: PubSub<Record<string, [unknown]>>;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly fanout = new Fanout();
  private everReady = false;
  private iterator: AsyncIterator<unknown> | undefined;

  private readonly channel: string;

  constructor(
    url: string,
    /** Deployments sharing one Redis must not see each other's events: one channel per database. */
    installationId: string,
    private readonly log: Logger,
  ) {
    this.channel = `${CHANNEL}:${installationId}`;
    const retryStrategy = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000);
    // No offline queue for the publisher: a publish while Redis is down must fail now so
    // the relay keeps the outbox rows, instead of piling up in memory.
    this.publisher = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy, lazyConnect: false });
    this.subscriber = new Redis(url, { retryStrategy, maxRetriesPerRequest: null });
    for (const [name, client] of [
      ["publisher", this.publisher],
      ["subscriber", this.subscriber],
    ] as const) {
      client.on("error", (err: Error) => log.warn({ err: err.message, client: name }, "redis error"));
    }
    const target = createRedisEventTarget({ publishClient: this.publisher, subscribeClient: this.subscriber });
    const dispatch = target.dispatchEvent.bind(target);
    // Guard the event target's unhandled publish: never let it take the process down.
    target.dispatchEvent = (event) => {
      try {
        const r = dispatch(event) as unknown;
        if (r && typeof (r as Promise<unknown>).catch === "function") (r as Promise<unknown>).catch(() => undefined);
      } catch (err) {
        log.warn({ err }, "pubsub dispatch failed");
      }
      return true;
    };
    this.pubSub = createPubSub<Record<string, [unknown]>>({ eventTarget: target });
    this.subscriber.on("ready", () => {
      if (!this.everReady) {
        this.everReady = true;
        return;
      }
      // ioredis says "ready" before it has re-sent SUBSCRIBE: catch up only once the
      // subscription is back, or what is published in between would be lost on this replica.
      // Listeners start buffering now, and read what they missed once the subscription is back.
      const subscribed = this.subscriber.subscribe(this.channel).then(() => log.info("redis subscriber reconnected; catching up from the database"));
      for (const l of this.fanout.reconnectListeners) l(subscribed);
    });
    void this.listen();
  }

  private async listen(): Promise<void> {
    const iterable = this.pubSub.subscribe(this.channel) as AsyncIterable<unknown>;
    this.iterator = iterable[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.iterator.next();
      if (next.done) return;
      const batch = next.value as BusMessage[];
      for (const message of batch) this.fanout.emit(message, this.log);
    }
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // One Redis message per batch keeps the batch's order intact on every replica.
    await this.publisher.publish(this.channel, JSON.stringify(messages));
  }

  on(topic: string, listener: Listener) {
    return this.fanout.on(topic, listener);
  }
  onReconnect(listener: (subscribed: Promise<unknown>) => void) {
    this.fanout.reconnectListeners.add(listener);
    return () => this.fanout.reconnectListeners.delete(listener);
  }
  healthy() {
    return this.publisher.status === "ready" && this.subscriber.status === "ready";
  }
  async close() {
    await this.iterator?.return?.();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

export function createEventBus(redisUrl: string | undefined, installationId: string, log: Logger): EventBus {
  return redisUrl ? new RedisBus(redisUrl, installationId, log) : new MemoryBus(log);
}
