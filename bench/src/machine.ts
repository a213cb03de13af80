import { cpus } from 'node:os';

/** What the figures were measured on. */
export interface MachineInfo {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly date: string;
}

export function machineInfo(now: Date): MachineInfo {
  const list = cpus();
  return {
    node: process.version,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    date: now.toISOString().slice(0, 10),
  };
}
