import { describe, expect, it } from "vitest";
import { createStore } from "./store";

describe("createStore", () => {
  it("notifies listeners on change only, until they unsubscribe", () => {
    const store = createStore(1);
    let calls = 0;
    const off = store.subscribe(() => calls++);
    store.set(1);
    expect(calls).toBe(0);
    store.set(2);
    store.update((n) => n + 1);
    expect(store.get()).toBe(3);
    expect(calls).toBe(2);
    off();
    store.set(4);
    expect(calls).toBe(2);
  });
});
