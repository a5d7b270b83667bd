/**
 * A runner's news of its own ledger slots: which slot each call was sent on, which calls have
 * been answered (and when), which slots were never sent. Kept between two writes of a family's
 * document ({@link SlotNewsBook}), written by the next compare-and-swap ({@link settle}); only a
 * write that landed clears what it carried, so a lost write carries the same news again.
 */
import type { LedgerDocument, LedgerPolicy } from "./document";

export class SlotNewsBook {
  /** Slot instants of calls sent and not answered yet, by the instant they were granted at. */
  private readonly inFlightSlots = new Map<number, number[]>();
  private answered: Array<readonly [number, number]> = [];
  private unsent: number[] = [];

  /** The call granted at `grantedAt` went on the slot reserved for `slot`. */
  sent(grantedAt: number, slot: number): void {
    const slots = this.inFlightSlots.get(grantedAt) ?? [];
    slots.push(slot);
    this.inFlightSlots.set(grantedAt, slots);
  }

  /** The call granted at `grantedAt` has its reply (or its failure) at `at`; false when it was not sent on a ledger slot. */
  replied(grantedAt: number, at: number): boolean {
    const slots = this.inFlightSlots.get(grantedAt);
    const slot = slots?.shift();
    if (slots?.length === 0) this.inFlightSlots.delete(grantedAt);
    if (slot === undefined) return false;
    this.answered.push([slot, at]);
    return true;
  }

  /** Calls sent on a ledger slot and not answered yet. */
  get inFlight(): number {
    let n = 0;
    for (const slots of this.inFlightSlots.values()) n += slots.length;
    return n;
  }

  /** Answers not written yet. */
  get unwritten(): number {
    return this.answered.length;
  }

  neverSent(slots: readonly number[]): void {
    this.unsent.push(...slots);
  }

  /** What the next write carries. */
  pending(): SlotNews {
    return { answered: [...this.answered], unsent: [...this.unsent] };
  }

  /** A write carrying `news` landed: forget it (news that came in meanwhile stays). */
  written(news: SlotNews): void {
    this.answered = this.answered.slice(news.answered.length);
    this.unsent = this.unsent.slice(news.unsent.length);
  }
}

/** What a runner learned of its own slots since its last write. */
export interface SlotNews {
  /** Slots whose call was answered, and when (the runner's clock): MDE had counted the call by then. */
  answered: ReadonlyArray<readonly [slot: number, repliedAt: number]>;
  /** Slots reached too late or after the lease lapsed: never sent, so never counted. */
  unsent: readonly number[];
}

/**
 * Writes `holder`'s news into the document. An answered slot's instant becomes
 * `repliedAt + skewMs - marginMs` when that is earlier: it then occupies its windows until
 * `repliedAt + skewMs + lengthMs`, the latest MDE can have counted it on any runner's clock, instead
 * of `slot + marginMs + lengthMs`. The arithmetic stays that of uniform occupancy, and an instant
 * only ever moves earlier, so the span the ledger holds for the call only shrinks around where MDE
 * counted it, and whatever another runner reserved against the old instant stays valid. An unsent
 * slot is dropped: its room goes back to every runner at once.
 */
export function settle(doc: LedgerDocument, holder: string, news: SlotNews, policy: LedgerPolicy): LedgerDocument {
  if (news.answered.length === 0 && news.unsent.length === 0) return doc;
  // Per slot instant, what becomes of each of this holder's grants at it (several share an instant).
  const fate = new Map<number, Array<number | undefined>>();
  for (const [slot, repliedAt] of news.answered) push(fate, slot, Math.min(slot, repliedAt + policy.skewMs - policy.marginMs));
  for (const slot of news.unsent) push(fate, slot, undefined);
  const grants: Array<[number, string]> = [];
  for (const [t, h] of doc.grants) {
    const pending = h === holder ? fate.get(t) : undefined;
    if (pending === undefined || pending.length === 0) grants.push([t, h]);
    else {
      const moved = pending.shift();
      if (moved !== undefined) grants.push([moved, h]);
    }
  }
  grants.sort((a, b) => a[0] - b[0]);
  return { ...doc, grants };
}

function push(fate: Map<number, Array<number | undefined>>, slot: number, to: number | undefined): void {
  const list = fate.get(slot) ?? [];
  list.push(to);
  fate.set(slot, list);
}
