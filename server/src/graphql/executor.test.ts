import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from "graphql";
import { describe, expect, it } from "vitest";
import { PushQueue } from "../platform/push-queue.js";
import { Executor, type DirectSink } from "./executor.js";

/** A schema whose `tick` subscription is fed by the test; odd values fail in their resolver. */
function fixture() {
  const sources: Array<PushQueue<{ n: number }>> = [];
  let executions = 0;
  const Tick = new GraphQLObjectType({
    name: "Tick",
    fields: {
      n: { type: GraphQLInt },
      label: {
        type: GraphQLString,
        resolve: async (t: { n: number }) => {
          executions++;
          if (t.n % 2 === 1) throw new Error(`odd ${t.n}`);
          return `tick ${t.n}`;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: "Query", fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
    subscription: new GraphQLObjectType({
      name: "Subscription",
      fields: {
        tick: {
          type: Tick,
          subscribe: () => {
            const q = new PushQueue<{ n: number }>();
            sources.push(q);
            return q;
          },
          resolve: (payload: { n: number }) => payload,
        },
      },
    }),
  });
  const silent = { warn: () => undefined } as never;
  const encode = (r: ExecutionResult) => JSON.stringify(r.errors ? { ...r, errors: r.errors.map((e) => ({ message: e.message, path: e.path })) } : r);
  const executor = new Executor(schema, silent, () => "view", { sinkOf: (ctx) => (ctx as { push?: DirectSink }).push ?? null, encode });
  const document = parse("subscription { tick { n label } }");
  const subscriber = async (id: string) => {
    const frames: string[] = [];
    const it = (await executor.subscribe({ schema, document, contextValue: { push: { id, send: (t: string) => frames.push(t) } } })) as AsyncGenerator<ExecutionResult>;
    return { it, frames, next: it.next() };
  };
  const push = (n: number) => {
    const event = { n }; // one object per event, as the bus delivers it to every subscriber
    for (const s of sources) s.push(event);
  };
  return { sources, push, subscriber, executions: () => executions, encode };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

describe("Executor: pushes written straight to each subscriber's socket", () => {
  it("sends each event to every subscriber in order, as graphql-ws frames it, executing it once", async () => {
    const f = fixture();
    const a = await f.subscriber("a-1");
    const b = await f.subscriber("b\"2");
    f.push(2);
    f.push(4);
    f.push(3);
    await settle();
    const payloads = [
      { data: { tick: { n: 2, label: "tick 2" } } },
      { data: { tick: { n: 4, label: "tick 4" } } },
      { data: { tick: { n: 3, label: null } }, errors: [{ message: "odd 3", path: ["tick", "label"] }] },
    ];
    expect(a.frames.map((t) => JSON.parse(t))).toEqual(payloads.map((payload) => ({ id: "a-1", type: "next", payload })));
    expect(b.frames.map((t) => JSON.parse(t))).toEqual(payloads.map((payload) => ({ id: 'b"2', type: "next", payload })));
    expect(a.frames[0]).toBe(JSON.stringify({ id: "a-1", type: "next", payload: payloads[0] }));
    expect(f.executions()).toBe(3);
  });

  it("stops one subscriber on return() and ends its source; the others go on", async () => {
    const f = fixture();
    const a = await f.subscriber("a");
    const b = await f.subscriber("b");
    f.push(2);
    await settle();
    await expect(a.it.return(undefined)).resolves.toEqual({ value: undefined, done: true });
    await expect(a.next).resolves.toEqual({ value: undefined, done: true });
    f.push(4);
    await settle();
    expect(a.frames).toHaveLength(1);
    expect(b.frames).toHaveLength(2);
    expect(f.sources[0].size).toBe(0);
  });

  it("settles graphql-ws' next() when the source ends (complete) or fails (error)", async () => {
    const f = fixture();
    const a = await f.subscriber("a");
    const b = await f.subscriber("b");
    f.push(2);
    f.sources[0].end();
    f.sources[1].fail(new Error("stream lost"));
    await expect(a.next).resolves.toEqual({ value: undefined, done: true });
    await expect(b.next).rejects.toThrow("stream lost");
    await settle();
    expect(a.frames).toHaveLength(1);
  });
});
