/** SIGSTOP (docker pause) the target node(s): alive, sockets open, silent; healed by SIGCONT. */
import { processFault } from './process-fault.ts';

export const pauseFault = processFault('pause');
