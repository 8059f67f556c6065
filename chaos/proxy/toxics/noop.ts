import type { Chunk, Stage, StageOutput, ToxicKind } from './stage.ts';

class NoopStage implements Stage {
  constructor(private readonly out: StageOutput) {}
  write(chunk: Chunk): void { this.out.push(chunk); }
  end(): void { this.out.end(); }
  stop(): Chunk[] { return []; }
}

export const noop: ToxicKind = {
  type: 'noop',
  goStruct: 'NoopToxic',
  fields: {},
  create: (_attributes, out) => new NoopStage(out),
};
