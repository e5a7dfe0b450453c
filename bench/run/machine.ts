import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { FD_LIMIT, HAS_TASKSET } from './children.js';
import type { MachineInfo } from './results.js';

/** Describes this machine for the report. Usage: `describeMachine().cores`. */
export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    platform: `${platform()} ${release()}`,
    totalMemoryMiB: Math.round(totalmem() / 2 ** 20),
    taskset: HAS_TASKSET,
    fdLimit: FD_LIMIT,
  };
}

/** One line: `AMD EPYC, 2 cores, Node v20.20.2, linux 6.1.0, 23 GiB, taskset: yes`. */
export function formatMachine(machine: MachineInfo): string {
  return `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}, ${Math.round(machine.totalMemoryMiB / 1024)} GiB RAM, taskset: ${machine.taskset ? 'yes' : 'no'}, open files: ${machine.fdLimit ?? 'unknown'}`;
}
