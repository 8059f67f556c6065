/** SIGKILL (docker kill) the target node(s); healed by starting them again from their disk. */
import { processFault } from './process-fault.ts';

export const killFault = processFault('kill');
