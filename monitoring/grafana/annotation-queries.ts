// The two annotations every time-based dashboard carries, in one place for the SDK-built
// dashboards (sdk-kit.ts) and the spec-built ones (dashboard-model.ts).

/** Each fault the chaos runner applied, as a region from inject to heal (chaos_fault_active). */
export const faultWindowsQuery = { name: 'Fault windows', expr: 'chaos_fault_active == 1', title: '{{fault}} on {{target}}', color: 'red' } as const;

/**
 * A node became leader: it leads now and its term moved within 5 s. Not increase() of the
 * elections counter: a restarted node's counter is born by that very increment, which increase() misses.
 */
export const leaderChangesQuery = { name: 'Leader changes', expr: 'raft_state == 2 and changes(raft_term[5s]) > 0', title: 'leader: {{instance}}', color: 'green' } as const;
