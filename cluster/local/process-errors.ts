/** Operating errors of the local process manager; each carries a stable code. */
export class ProcessManagerError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export class UnknownProcessError extends ProcessManagerError {
  constructor(name: string, known: readonly string[]) {
    super('PROCESS_UNKNOWN', `no process named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
}

export class ProcessRunningError extends ProcessManagerError {
  constructor(name: string, pid: number) {
    super('PROCESS_RUNNING', `${name} is already running (pid ${pid})`);
  }
}

export class ProcessNotRunningError extends ProcessManagerError {
  constructor(name: string) {
    super('PROCESS_NOT_RUNNING', `${name} is not running`);
  }
}

export class SpawnFailedError extends ProcessManagerError {
  constructor(name: string, reason: string) {
    super('PROCESS_SPAWN_FAILED', `cannot start ${name}: ${reason}`);
  }
}

export class StopTimeoutError extends ProcessManagerError {
  constructor(name: string, pid: number, waitedMs: number) {
    super('PROCESS_STOP_TIMEOUT', `${name} (pid ${pid}) still exists ${waitedMs} ms after SIGKILL`);
  }
}

export class InvalidProcessNameError extends ProcessManagerError {
  constructor(name: string) {
    super('PROCESS_NAME_INVALID', `invalid process name "${name}" (letters, digits, '-' and '_' only)`);
  }
}
