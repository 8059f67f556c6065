// One direction of one connection: the toxics that act on it, in the order they were added, live.
// Invariants: chunks leave in the order they entered; every byte that enters is, exactly once,
// either delivered to the destination or reported dropped (the link's flow control counts on it);
// EOF leaves at most once and only after every chunk ahead of it. With no toxics a chunk goes
// straight to the destination (the lean path the benchmark measures).
import type { Attributes, Chunk, Stage, StageOutput, ToxicKind } from './toxics/stage.ts';

export interface ChainToxic {
  name: string;
  kind: ToxicKind;
  attributes: Attributes;
  toxicity: number;
}

/** What the chain needs from its link. */
export interface ChainEnds {
  deliver(data: Buffer): void;
  dropped(bytes: number): void;
  endDestination(): void;
  /** The connection must close once EOF has reached the destination of this direction. */
  closeAfterEnd(): void;
  reset(): void;
  nowMs(): number;
  random(): number;
}

interface Slot {
  name: string;
  /** null when the toxicity roll left this toxic inactive on this connection. */
  stage: Stage | null;
  endIn: boolean;
  endOut: boolean;
}

export class Chain {
  private readonly slots: Slot[] = [];
  private ended = false;

  constructor(private readonly ends: ChainEnds, toxics: readonly ChainToxic[]) {
    for (const toxic of toxics) this.add(toxic);
  }

  write(data: Buffer): void {
    if (this.slots.length === 0) this.ends.deliver(data);
    else this.forwardData(-1, { data, atMs: this.ends.nowMs() });
  }

  end(): void {
    this.forwardEnd(-1);
  }

  add(toxic: ChainToxic): void {
    const slot: Slot = { name: toxic.name, stage: null, endIn: false, endOut: false };
    this.slots.push(slot);
    // A toxic added after EOF went through has nothing left to act on.
    if (this.ended) { slot.endIn = slot.endOut = true; return; }
    slot.stage = this.roll(toxic, slot);
  }

  /** Toxiproxy restarts an updated toxic: held data goes to the new version, toxicity is re-rolled. */
  update(toxic: ChainToxic): void {
    const slot = this.slots.find((s) => s.name === toxic.name);
    if (!slot) return;
    const old = slot.stage;
    const pending = old ? old.stop() : [];
    slot.stage = slot.endOut ? null : this.roll(toxic, slot, old ?? undefined);
    const index = this.slots.indexOf(slot);
    for (const chunk of pending) this.forwardData(index - 1, chunk);
    if (slot.endIn && !slot.endOut) { slot.endIn = false; this.forwardEnd(index - 1); }
  }

  /** Held data goes on without the toxic's effect. */
  remove(name: string, kind: ToxicKind): void {
    const index = this.slots.findIndex((s) => s.name === name);
    if (index < 0) return;
    const slot = this.slots[index]!;
    const pending = slot.stage ? slot.stage.stop() : [];
    const wasActive = slot.stage !== null && !slot.endOut;
    this.slots.splice(index, 1);
    for (const chunk of pending) this.forwardData(index - 1, chunk);
    if (slot.endIn && !slot.endOut) this.forwardEnd(index - 1);
    if (wasActive && kind.closesOnRemoval) {
      this.ends.closeAfterEnd();
      this.forwardEnd(index - 1);
    }
  }

  /** Cancels every timer; nothing more leaves the chain. */
  stopAll(): void {
    for (const slot of this.slots) slot.stage?.stop();
    this.slots.length = 0;
    this.ended = true;
  }

  private roll(toxic: ChainToxic, slot: Slot, previous?: Stage): Stage | null {
    if (!(this.ends.random() < toxic.toxicity)) return null;
    let stage: Stage | null = null;
    const live = () => slot.stage === stage && stage !== null;
    const out: StageOutput = {
      push: (chunk) => { if (live()) this.forwardData(this.slots.indexOf(slot), chunk); else this.ends.dropped(chunk.data.length); },
      drop: (bytes) => this.ends.dropped(bytes),
      end: () => { if (live()) { slot.endOut = true; this.forwardEnd(this.slots.indexOf(slot)); } },
      close: () => {
        if (!live()) return;
        this.ends.closeAfterEnd();
        slot.endOut = true;
        this.forwardEnd(this.slots.indexOf(slot));
      },
      reset: () => { if (live()) this.ends.reset(); },
      nowMs: () => this.ends.nowMs(),
      random: () => this.ends.random(),
    };
    stage = toxic.kind.create(toxic.attributes, out, previous);
    return stage;
  }

  private forwardData(fromIndex: number, chunk: Chunk): void {
    if (this.ended) { this.ends.dropped(chunk.data.length); return; }
    for (let i = fromIndex + 1; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (slot.endIn) { this.ends.dropped(chunk.data.length); return; }
      if (slot.stage) { slot.stage.write(chunk); return; }
    }
    this.ends.deliver(chunk.data);
  }

  private forwardEnd(fromIndex: number): void {
    if (this.ended) return;
    for (let i = fromIndex + 1; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (slot.endIn) return;
      slot.endIn = true;
      if (slot.stage) { slot.stage.end(); return; }
      slot.endOut = true;
    }
    this.ended = true;
    this.ends.endDestination();
  }
}
