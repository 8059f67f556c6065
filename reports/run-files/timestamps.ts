// One timestamp rule for every run file: a wall-clock field a person reads or a tool passes on
// (`startedAt`, `finishedAt`, `endedAt`) is an ISO-8601 UTC string; a field arithmetic needs
// (`historyOriginEpochMs`, `atMs`, `faultAtMs`) is epoch milliseconds, named with its unit.
import { z } from 'zod';

/** An ISO-8601 UTC instant, as `Date.prototype.toISOString` writes it. */
export const isoInstant = z.iso.datetime({ offset: false });

/** Epoch milliseconds. */
export const epochMs = z.number().finite().nonnegative();
