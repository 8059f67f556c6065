/**
 * Commands a runtime other than the local one provides (`--runtime docker`): the CLIs of every
 * layer (cluster/local, bench, chaos) ask here, and the runtime, which sits above them all
 * (cluster/containers drives chaos, bench and reports), provides its handlers from its own
 * registration module. So no CLI imports a layer above it; the process that wants a runtime
 * loads its registration first (the justfile preloads cluster/containers/register.ts).
 *
 * A command is declared at the layer of the CLI that runs it, with its argument and result types
 * (the two of plain arguments here; chaos/runtime/chaos-command.ts, bench/cli/runtime-target.ts),
 * and provided as a lazy loader: a process that never asks for a runtime never loads it.
 */
import type { RuntimeKind } from './runtime-flag.ts';

type Handler<A extends unknown[], R> = (...args: A) => Promise<R>;

/** How a process loads the runtimes registered outside it: said in the error when one is missing. */
export const registrationHint = 'node --import tsx --import ./cluster/containers/register.ts <cli> (npx just does this)';

export class RuntimeCommandError extends Error {
  readonly code = 'RUNTIME_NOT_LOADED';
}

export class RuntimeCommand<A extends unknown[], R> {
  private readonly loaders = new Map<RuntimeKind, () => Promise<Handler<A, R>>>();

  constructor(readonly name: string) {}

  /** Called by a runtime's registration module; the last provider of a kind wins. */
  provide(kind: RuntimeKind, load: () => Promise<Handler<A, R>>): void {
    this.loaders.set(kind, load);
  }

  provided(kind: RuntimeKind): boolean {
    return this.loaders.has(kind);
  }

  async run(kind: RuntimeKind, ...args: A): Promise<R> {
    const load = this.loaders.get(kind);
    if (!load) {
      throw new RuntimeCommandError(`${this.name} --runtime ${kind}: the ${kind} runtime is not registered in this process; run it as ${registrationHint}`);
    }
    return (await load())(...args);
  }
}

/** `just up|status|down|logs|clean|images --runtime K` (cluster/local/cli.ts): verb and the other arguments; exit code. */
export const clusterCommand = new RuntimeCommand<[verb: string | undefined, args: string[]], number>('just <verb>');

/** `just heal --runtime K [--no-sweep]` (chaos/heal-cli.ts): exit code. */
export const healCommand = new RuntimeCommand<[sweep: boolean], number>('just heal');
