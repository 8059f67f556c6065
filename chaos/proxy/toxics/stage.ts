// The contract between a link's chain and one toxic acting on one direction of one connection.
// A stage receives chunks in order and must hand them on in order; it may delay, split or drop
// them, end the stream, close or reset the connection. Toxics are changed live, so a stage can be
// stopped at any moment: it then cancels its timers and gives back whatever it still holds, which
// the chain passes on without the toxic's effect (Toxiproxy "interrupts" a toxic the same way).

export interface Chunk {
  data: Buffer;
  /** When the chunk entered the proxy; a delaying stage moves it to when it left that stage. */
  atMs: number;
}

export interface StageOutput {
  push(chunk: Chunk): void;
  /** Bytes the stage discarded, so the link's flow control stops counting them as in flight. */
  drop(bytes: number): void;
  /** End of stream: EOF travels on through the rest of the chain. */
  end(): void;
  /** End this direction, then close the whole connection once EOF has reached the destination. */
  close(): void;
  /** Reset the connection now (TCP RST to the destination of this direction). */
  reset(): void;
  nowMs(): number;
  /** Uniform in [0, 1), from the server's seeded generator. */
  random(): number;
}

export interface Stage {
  write(chunk: Chunk): void;
  end(): void;
  /**
   * Cancels timers and returns the chunks still held, in order. After stop() the stage never calls
   * its output again. Whether EOF was pending is tracked by the chain, not the stage.
   */
  stop(): Chunk[];
}

export type Attributes = Record<string, number>;

export interface ToxicKind {
  type: string;
  /** Go struct name, used in Toxiproxy's decode error texts ("LatencyToxic"). */
  goStruct: string;
  /** Attribute names in Toxiproxy's JSON order, with Go integer types; every default is 0. */
  fields: Record<string, 'int64' | 'int'>;
  /** Deleting the toxic closes the connections it was acting on (timeout: their stream lost bytes). */
  closesOnRemoval?: boolean;
  /** `previous` is the stage this one replaces when the toxic is updated (to carry state). */
  create(attributes: Attributes, out: StageOutput, previous?: Stage): Stage;
}
