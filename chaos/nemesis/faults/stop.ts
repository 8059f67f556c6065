/** Graceful stop (SIGTERM, then SIGKILL after a timeout) of the target node(s); healed by starting them. */
import { processFault } from './process-fault.ts';

export const stopFault = processFault('stop');
