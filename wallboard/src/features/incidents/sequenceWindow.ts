/**
 * Which event sequences were already seen, to drop duplicates (two relays may publish the
 * same event; a resumed subscription may replay a few). Sequences are bigints as strings:
 * they are compared for identity only, never as numbers and never for order (delivery
 * order is the order).
 *
 * A wall screen runs for weeks, so the Set is bounded: it remembers the most recent
 * `limit` sequences. Duplicates arrive within moments of their original (a second relay's
 * copy; a resumed stream starts after the last sequence seen), so 2,000 (minutes of a busy
 * desk) is ample; a larger window only grew the screen's heap through the day.
 */
export class SequenceWindow {
  private readonly seen = new Set<string>();
  private lastSeen: string | null = null;

  constructor(private readonly limit = 2_000) {}

  /** Records a sequence; true when it is new (process the event), false for a duplicate. */
  add(sequence: string): boolean {
    if (this.seen.has(sequence)) return false;
    this.seen.add(sequence);
    this.lastSeen = sequence;
    if (this.seen.size > this.limit) {
      // Sets iterate in insertion order: the first one is the oldest.
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  has(sequence: string): boolean {
    return this.seen.has(sequence);
  }

  /** The sequence of the last new event, to resume after (`afterSequence`); null before any. */
  get last(): string | null {
    return this.lastSeen;
  }

  get size(): number {
    return this.seen.size;
  }
}
